//! Quotes from written reports (write-ups, PDFs pasted as text): the attributed
//! quotations of their running prose.
//!
//! Reports quote interviewees inside sentences (`As Wigan council's Alison Park
//! explained: "..."`), after them (`"...," said Park.`), as pull quotes over an
//! attribution line, and often arrive as text pasted from a PDF, with quotations broken by
//! line ends, hyphenation, running headers and figure captions. Each quotation becomes a
//! quote whose `text` is the spoken words alone and whose `start`/`end` span the
//! quotation in the source (so `text` can differ from that span where page furniture or
//! line-end hyphens were removed).

mod appositive;
mod attribution;
mod clause;
mod clean;
mod interviewees;
mod kinds;
mod layout;
mod lexicon;
mod names;
mod pull_quotes;
mod spans;
mod speakers;
mod words;

use std::collections::{BTreeMap, BTreeSet};

use verbatim_model::{Quote, Roster};

use crate::locate::Locator;
use crate::options::IngestOptions;
use attribution::{Attribution, attribute};
use clause::Who;
use layout::Layout;
use speakers::{Resolved, Speakers};

pub use interviewees::interviewee_list;
pub use kinds::{infer_area, infer_sector};

/// Quotes found in a report and what was learnt about their speakers.
pub(crate) struct ReportQuotes {
    pub quotes: Vec<Quote>,
    pub speakers: BTreeSet<String>,
    pub unknown: BTreeSet<String>,
    pub warnings: Vec<String>,
}

/// A quotation before attribution: where it is and its cleaned words.
struct Found {
    span: spans::Span,
    text: String,
}

/// True when a text reads as a report: quotations of interview length in its prose.
pub(crate) fn looks_like_report(text: &str, min_words: usize) -> bool {
    let layout = Layout::new(text);
    let found = quotations(text, &layout, min_words);
    !found.is_empty() || !pull_quotes::unmarked(text, &layout, &[], min_words).is_empty()
}

fn quotations(text: &str, layout: &Layout, min_words: usize) -> Vec<Found> {
    let all = spans::find_spans(text, layout);
    let hyphenated = clean::hyphenated_words(text);
    all.into_iter()
        .map(|span| {
            let words = clean::spoken_text(text, &span.segments, &hyphenated);
            Found { span, text: words }
        })
        .filter(|f| f.text.split_whitespace().count() >= min_words)
        .filter(|f| !clean::is_title(&f.text) && !clean::is_citation(text, &f.span))
        .collect()
}

/// Extracts the quotes of a report. Without a roster, the report's own interviewee
/// list is used when it has one.
pub(crate) fn report_quotes(
    text: &str,
    document_id: &str,
    source_name: &str,
    roster: Option<&Roster>,
    options: &IngestOptions,
) -> ReportQuotes {
    let layout = Layout::new(text);
    let mut warnings = Vec::new();
    let own_list = match roster {
        Some(_) if !options.prefer_document_roster => None,
        _ => interviewee_list(text).and_then(|people| {
            let count = people.len();
            let roster = Roster::new(people, std::path::Path::new(source_name)).ok()?;
            warnings.push(format!(
                "speakers resolved against the report's own list of {count} interviewees"
            ));
            Some(roster)
        }),
    };
    let mut found = quotations(text, &layout, options.min_quote_words);
    let marked: Vec<spans::Span> = found.iter().map(|f| f.span.clone()).collect();
    let mut attributions: Vec<Attribution> = (0..found.len())
        .map(|index| attribute(text, &layout, &marked, index))
        .collect();
    let roster = match (own_list.as_ref(), roster) {
        (Some(own), _) => Some(own),
        (None, Some(given))
            if options.prefer_document_roster && !knows_anyone(given, &attributions) =>
        {
            warnings.push(
                "the project's roster knows none of the people this report names: speakers named as the report writes them"
                    .to_string(),
            );
            None
        }
        (None, given) => given,
    };
    let mut speakers = Speakers::new(roster);
    let known = roster;
    let unmarked: Vec<pull_quotes::Pull> =
        pull_quotes::unmarked(text, &layout, &marked, options.min_quote_words)
            .into_iter()
            .filter(|pull| !in_front_matter_section(text, &layout, pull.span.first_paragraph))
            .filter(|pull| match (&pull.attribution.who, known) {
                // Over a named line, a pull quote by someone outside the study's roster is
                // the authors' own (a foreword signed by its writer), not an interview.
                (Who::Named { name, .. }, Some(known)) => {
                    matches!(known.resolve(name), verbatim_model::Resolution::Matched(_))
                }
                _ => true,
            })
            .collect();
    for pull in &unmarked {
        attributions.push(pull.attribution.clone());
        found.push(Found {
            span: pull.span.clone(),
            text: pull.text.clone(),
        });
    }
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by_key(|&i| found[i].span.open);

    let attribution_lines: Vec<usize> = attributions.iter().filter_map(|a| a.line).collect();
    let mut locator = Locator::new(text);
    let mut quotes = Vec::new();
    let mut previous: Option<Resolved> = None;
    let mut described_later: Vec<(usize, usize)> = Vec::new();
    for (number, &index) in order.iter().enumerate() {
        let item = &found[index];
        let attribution = &attributions[index];
        let paragraph_text = &text[layout.paragraphs[item.span.first_paragraph].range.clone()];
        let resolved = match &attribution.who {
            Who::Continuing => previous.clone().unwrap_or_default(),
            who => speakers.resolve(who, paragraph_text),
        };
        let start = item
            .span
            .segments
            .first()
            .map_or(item.span.open, |r| r.start);
        let end = item.span.segments.last().map_or(item.span.close, |r| r.end);
        let (start_char, end_char, line) = locator.locate(start, end);
        let mut attributes = BTreeMap::new();
        attributes.insert("attribution".to_string(), how(&attribution.who).to_string());
        quotes.push(Quote {
            id: format!("{document_id}:{}", number + 1),
            source: source_name.to_string(),
            start: start_char,
            end: end_char,
            line,
            text: item.text.clone(),
            context: attribution.context.clone(),
            speaker: resolved.speaker.as_ref().map(|s| s.name.clone()),
            speaker_hint: resolved.hint.clone(),
            role: resolved.role.clone(),
            organisation: resolved.organisation.clone(),
            area: resolved.area.clone(),
            sector: resolved.sector.clone(),
            round: options.round.clone(),
            section: layout
                .heading_before(text, item.span.first_paragraph, &attribution_lines)
                .map(str::to_string),
            attributes: merge(attributes, resolved.speaker.as_ref().map(|s| &s.attributes)),
            kind: None,
        });
        if resolved.speaker.is_none() && matches!(attribution.who, Who::Described { .. }) {
            described_later.push((quotes.len() - 1, index));
        }
        previous = Some(resolved);
    }
    for (quote_index, found_index) in described_later {
        let item = &found[found_index];
        let paragraph_text = &text[layout.paragraphs[item.span.first_paragraph].range.clone()];
        if let Some(person) =
            speakers.by_role_after_reading(&attributions[found_index].who, paragraph_text)
        {
            let quote = &mut quotes[quote_index];
            quote.speaker = Some(person.name.clone());
            quote.role = person.role.clone();
            quote.organisation = person.organisation.clone();
            quote.area = person.area.clone();
            quote.sector = person.sector.clone();
        }
    }
    for quote in &mut quotes {
        if let Some(person) = quote
            .speaker
            .as_deref()
            .and_then(|name| speakers.known(name))
        {
            quote.role = quote.role.take().or_else(|| person.role.clone());
            quote.organisation = quote
                .organisation
                .take()
                .or_else(|| person.organisation.clone());
            quote.area = quote.area.take().or_else(|| person.area.clone());
            quote.sector = quote.sector.take().or_else(|| person.sector.clone());
        }
    }
    ReportQuotes {
        speakers: quotes.iter().filter_map(|q| q.speaker.clone()).collect(),
        unknown: speakers.unknown(),
        quotes,
        warnings,
    }
}

/// Whether a roster knows at least one person the report names (or names no one).
fn knows_anyone(roster: &Roster, attributions: &[Attribution]) -> bool {
    let mut named = attributions
        .iter()
        .filter_map(|a| match &a.who {
            Who::Named {
                name,
                person_like: true,
                ..
            } => Some(name),
            _ => None,
        })
        .peekable();
    named.peek().is_none()
        || named.any(|name| matches!(roster.resolve(name), verbatim_model::Resolution::Matched(_)))
}

/// Sections written by the authors about themselves or the report, where a signed pull
/// quote is theirs rather than an interviewee's.
fn in_front_matter_section(text: &str, layout: &Layout, paragraph: usize) -> bool {
    layout
        .heading_before(text, paragraph, &[])
        .is_some_and(|heading| {
            let lower = heading.to_lowercase();
            [
                "foreword",
                "preface",
                "acknowledg",
                "about the",
                "about us",
                "authors",
            ]
            .iter()
            .any(|cue| lower.starts_with(cue))
        })
}

fn merge(
    mut attributes: BTreeMap<String, String>,
    extra: Option<&BTreeMap<String, String>>,
) -> BTreeMap<String, String> {
    if let Some(extra) = extra {
        for (key, value) in extra {
            attributes
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
    attributes
}

fn how(who: &Who) -> &'static str {
    match who {
        Who::Named { .. } => "named",
        Who::Pronoun { .. } => "pronoun",
        Who::Anonymous { .. } => "anonymous",
        Who::Described { .. } => "role",
        Who::Continuing => "continuing",
        Who::Unattributed => "none",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One short passage per attribution shape, written for these tests.
    const PASSAGE: &str = "\
Findings

As Wigan council's Alison Park commented: \"We stopped asking permission and started asking residents.\" \
Leeds council's chief executive Tom Reed explained: “The city worked as one organisation for a while.” \
Sam Lee, director at Hounslow Community Hub, said: \"Our volunteers ran the food line for ninety days.\"

As chief executive, Dana Cole recounted: \"We rewrote the plan in a fortnight and nobody objected.\" \
\"It was the most tiring year of my working life,\" said Dana Cole. She reflected: \"I would do it again tomorrow, though.\"

And Tom Reed added: \"Nobody wants to go back to the way we did things.\" \
\"We still need the money to make it last,\" Reed said.

Two police chiefs spoke frankly. One said: \"We cannot keep running on goodwill alone.\" \
Another observed: \"The data sharing was the real breakthrough for us.\" \
Asked about funding, a health board director commented: \"Every grant comes with a six-month deadline attached.\" \
And one council chief executive remarked: \"Central government told us things on the evening news.\"

Alison Park, the council's leader, described the summer. \"We had four hundred volunteers and no forms at all.\"

Our residents did not sign up for a pandemic, but they signed up for each other.

Council Leader

“We learnt more in a month than in the previous ten years.”

Sam Lee, director, Hounslow Community Hub

Dana Cole told us: \"The hardest part was keeping the organisa-
tions talking once the emergency was

Findings

over and everyone went back to their desks.\" The so-called \"new normal\" was, in her words, \"not normal at all\".
The report “Bridges Built in a Crisis and After” set this out, defining resilience as \"the capacity to recover quickly from difficulties\" (Smith, 2019).
";

    fn found(text: &str, roster: Option<&Roster>) -> Vec<(String, Option<String>, Option<String>)> {
        report_quotes(text, "r", "r.txt", roster, &IngestOptions::default())
            .quotes
            .into_iter()
            .map(|q| {
                let first: Vec<&str> = q.text.split_whitespace().take(3).collect();
                (first.join(" "), q.speaker, q.role)
            })
            .collect()
    }

    fn row(
        first: &str,
        speaker: Option<&str>,
        role: Option<&str>,
    ) -> (String, Option<String>, Option<String>) {
        (
            first.to_string(),
            speaker.map(str::to_string),
            role.map(str::to_string),
        )
    }

    #[test]
    fn every_attribution_shape_without_a_roster() {
        assert_eq!(
            found(PASSAGE, None),
            [
                row("We stopped asking", Some("Alison Park"), None),
                row("The city worked", Some("Tom Reed"), Some("chief executive")),
                row("Our volunteers ran", Some("Sam Lee"), Some("director")),
                row("We rewrote the", Some("Dana Cole"), Some("chief executive")),
                row("It was the", Some("Dana Cole"), Some("chief executive")),
                row("I would do", Some("Dana Cole"), Some("chief executive")),
                row("Nobody wants to", Some("Tom Reed"), Some("chief executive")),
                row("We still need", Some("Tom Reed"), Some("chief executive")),
                row("We cannot keep", None, Some("police chief")),
                row("The data sharing", None, Some("police chief")),
                row("Every grant comes", None, Some("health board director")),
                row(
                    "Central government told",
                    None,
                    Some("council chief executive")
                ),
                row("We had four", Some("Alison Park"), None),
                row("Our residents did", None, Some("Council Leader")),
                row("We learnt more", Some("Sam Lee"), Some("director")),
                row(
                    "The hardest part",
                    Some("Dana Cole"),
                    Some("chief executive")
                ),
            ]
        );
    }

    /// A paragraph stringing together far more quotations than any sentence (the shape
    /// that once took minutes): every quotation is found, the first attributed to the
    /// sentence's speaker and the rest continuing it.
    #[test]
    fn a_paragraph_of_hundreds_of_quotations_gives_every_one() {
        let mut text = String::from("Interviews\n\nOne respondent, Ana Ruiz, said ");
        for i in 0..300 {
            text.push_str(&format!(
                "\"we kept the hub open on day {i} of the lockdown somehow\" "
            ));
        }
        text.push_str("and more.\n");
        let found = report_quotes(&text, "r", "r.txt", None, &IngestOptions::default());
        assert_eq!(found.quotes.len(), 300);
        assert!(
            found.quotes[0]
                .text
                .starts_with("we kept the hub open on day 0")
        );
        assert!(found.quotes[299].text.contains("day 299"));
    }

    #[test]
    fn page_furniture_and_hyphens_leave_the_text_but_not_the_span() {
        let quotes = report_quotes(PASSAGE, "r", "r.txt", None, &IngestOptions::default()).quotes;
        let last = quotes.last().expect("quotes");
        assert_eq!(
            last.text,
            "The hardest part was keeping the organisations talking once the emergency was over and everyone went back to their desks."
        );
        let span: String = PASSAGE
            .chars()
            .skip(last.start)
            .take(last.end - last.start)
            .collect();
        assert!(span.starts_with("The hardest part") && span.ends_with("their desks."));
        assert!(span.contains("\n\nFindings\n\n"));
        assert_eq!(last.context.as_deref(), Some("Dana Cole told us:"));
        assert_eq!(last.section.as_deref(), Some("Findings"));
        let first = &quotes[0];
        let exact: String = PASSAGE
            .chars()
            .skip(first.start)
            .take(first.end - first.start)
            .collect();
        assert_eq!(exact, first.text);
        assert_eq!(
            first.speaker_hint.as_deref(),
            Some("Wigan council's Alison Park")
        );
    }

    #[test]
    fn roster_attributes_and_the_documents_own_list() {
        let roster = Roster::from_csv_str(
            "name,aliases,role,organisation,area,sector\n\
             Alison Park,,leader,Wigan council,Wigan,council\n\
             Thomas Reed,,chief executive,Leeds council,Leeds,council\n",
            "r.csv",
        )
        .expect("roster");
        let quotes = report_quotes(
            PASSAGE,
            "r",
            "r.txt",
            Some(&roster),
            &IngestOptions::default(),
        );
        let reed = &quotes.quotes[1];
        assert_eq!(reed.speaker.as_deref(), Some("Thomas Reed"));
        assert_eq!(reed.area.as_deref(), Some("Leeds"));
        assert!(quotes.unknown.contains("Dana Cole"));
        let with_list = format!(
            "{PASSAGE}\nInterviewees\n\nDana Cole, chief executive, Bradford council\nSam Lee, director, Hounslow Community Hub\n"
        );
        let own = report_quotes(&with_list, "r", "r.txt", None, &IngestOptions::default());
        let cole = own
            .quotes
            .iter()
            .find(|q| q.speaker.as_deref() == Some("Dana Cole"))
            .expect("Dana Cole");
        assert_eq!(
            (cole.area.as_deref(), cole.sector.as_deref()),
            (Some("Bradford"), Some("council"))
        );
        assert!(own.warnings[0].contains("own list of 2 interviewees"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_spans_stay_in_the_text(text in "(\\PC|\n|\n\n|“|”|\"|'|: |said |One said: |Figure 1|[A-Z][a-z]+ [A-Z][a-z]+){0,80}") {
            let quotes = report_quotes(&text, "p", "p.txt", None, &IngestOptions::default()).quotes;
            let chars = text.chars().count();
            for quote in quotes {
                proptest::prop_assert!(quote.start <= quote.end && quote.end <= chars);
            }
        }
    }
}
