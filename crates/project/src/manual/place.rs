//! Placing decisions on quotes: a coded span counts for every quote it overlaps; a
//! rejection drops its theme's automatic code from the quotes it overlaps. A decision
//! named by quote id alone is anchored here to that quote's text.

use std::collections::{BTreeMap, BTreeSet};

use verbatim_coder::TextExample;
use verbatim_model::{Codebook, Coding, Decision, ManualCoding, Origin, Quote, Target};

use super::ManualFile;
use crate::config::Project;
use crate::error::Result;

/// A quote's place in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The quote's id.
    pub id: String,
    /// Its source's name.
    pub source: String,
    /// First char in the source.
    pub start: usize,
    /// Char after its last.
    pub end: usize,
    /// Its text.
    pub text: String,
}

impl QuoteSpan {
    /// A quote's place.
    pub fn of(quote: Quote) -> Self {
        QuoteSpan {
            id: quote.id,
            source: quote.source,
            start: quote.start,
            end: quote.end,
            text: quote.text,
        }
    }
}

/// What the decisions do to the quotes.
#[derive(Debug, Default)]
pub struct Placement {
    /// Manual codes, one per quote, theme and coder, in quote order then theme.
    pub codes: Vec<Coding>,
    /// The themes rejected on each quote.
    pub rejected: BTreeMap<String, BTreeSet<String>>,
    /// Each coded span as an example of its theme: theme, label (the first quote it
    /// overlaps), text.
    pub examples: BTreeSet<(String, String, String)>,
    /// Decisions named by a quote id that were anchored to its text now.
    pub anchored: usize,
}

impl Placement {
    /// The coded spans as examples of their themes (those `codebook` has), in a stable
    /// order.
    pub fn examples_for(&self, codebook: &Codebook) -> Vec<TextExample> {
        self.examples
            .iter()
            .filter_map(|(theme, label, text)| {
                Some(TextExample {
                    theme: codebook.themes.iter().position(|t| t.id == *theme)?,
                    label: label.clone(),
                    text: text.clone(),
                })
            })
            .collect()
    }
}

/// The examples a project's coding uses, placed on `quotes` (the project's, as its state
/// holds them), for commands that rank outside a refresh (`explain`).
pub fn project_examples(
    project: &Project,
    codebook: &Codebook,
    quotes: &[Quote],
) -> Result<Vec<TextExample>> {
    let mut file = ManualFile::load(project)?;
    let named = Named::of(&file.codings);
    let spans: Vec<QuoteSpan> = quotes
        .iter()
        .filter(|q| {
            let document = q.id.rsplit_once(':').map_or("", |(d, _)| d);
            named.holds(&q.source, document)
        })
        .map(|q| QuoteSpan::of(q.clone()))
        .collect();
    let placement = place(&mut file.codings, &spans, &|theme| {
        codebook.current_id(theme).to_string()
    });
    Ok(placement.examples_for(codebook))
}

/// Places `codings` on `quotes` (every quote of the sources the decisions name, in
/// project order). Themes are read through `current_theme` (a codebook's renames).
/// Decisions named by quote id get the quote's anchor.
pub fn place(
    codings: &mut [ManualCoding],
    quotes: &[QuoteSpan],
    current_theme: &dyn Fn(&str) -> String,
) -> Placement {
    let mut placement = Placement {
        anchored: anchor_quote_ids(codings, quotes),
        ..Placement::default()
    };
    let mut by_source: BTreeMap<&str, Vec<(usize, &ManualCoding)>> = BTreeMap::new();
    for (index, coding) in codings.iter().enumerate() {
        if let (true, Some(source)) = (coding.is_placed_decision(), &coding.source) {
            by_source
                .entry(source.as_str())
                .or_default()
                .push((index, coding));
        }
    }
    let mut label_of: BTreeMap<usize, &str> = BTreeMap::new();
    for quote in quotes {
        let Some(decisions) = by_source.get(quote.source.as_str()) else {
            continue;
        };
        let mut coded: BTreeSet<(String, Option<&str>)> = BTreeSet::new();
        for &(index, decision) in decisions {
            let (Some(start), Some(end)) = (decision.start, decision.end) else {
                continue;
            };
            if !(start < quote.end && quote.start < end) {
                continue;
            }
            let Some(theme) = decision.theme.as_deref().map(current_theme) else {
                continue;
            };
            match decision.kind {
                Decision::Code => {
                    coded.insert((theme, decision.coder.as_deref()));
                    label_of.entry(index).or_insert(&quote.id);
                }
                Decision::Reject => {
                    placement
                        .rejected
                        .entry(quote.id.clone())
                        .or_default()
                        .insert(theme);
                }
                Decision::Memo => {}
            }
        }
        for (theme, coder) in coded {
            placement.codes.push(Coding {
                quote: quote.id.clone(),
                theme,
                score: None,
                origin: Origin::Manual,
                coder: coder.map(str::to_string),
                evidence: Vec::new(),
            });
        }
    }
    for decisions in by_source.values() {
        for &(index, decision) in decisions.iter().filter(|d| d.1.kind == Decision::Code) {
            let (Some(theme), Some(text)) = (&decision.theme, &decision.text) else {
                continue;
            };
            let label = match label_of.get(&index) {
                Some(id) => format!("coded quote {id}"),
                None => format!("coded text in {}", decision.source.as_deref().unwrap_or("")),
            };
            placement
                .examples
                .insert((current_theme(theme), label, text.clone()));
        }
    }
    placement
}

/// Anchors the decisions named by a quote id to that quote's text, where `quotes` has it;
/// how many were.
pub fn anchor_quote_ids(codings: &mut [ManualCoding], quotes: &[QuoteSpan]) -> usize {
    let by_id: BTreeMap<&str, &QuoteSpan> = quotes.iter().map(|q| (q.id.as_str(), q)).collect();
    let mut anchored = 0;
    for coding in codings.iter_mut() {
        if let Some(Target::Quote(id)) = coding.target()
            && let Some(quote) = by_id.get(id)
        {
            coding.source = Some(quote.source.clone());
            coding.start = Some(quote.start);
            coding.end = Some(quote.end);
            coding.text = Some(quote.text.clone());
            coding.quote = None;
            anchored += 1;
        }
    }
    anchored
}

/// The documents (quote id prefixes) and sources that decisions name, whose quotes
/// placing needs.
#[derive(Debug, Default, Clone)]
pub struct Named {
    /// Source names of anchored decisions.
    pub sources: BTreeSet<String>,
    /// Documents of decisions named by quote id.
    pub documents: BTreeSet<String>,
}

impl Named {
    /// What `codings` name.
    pub fn of(codings: &[ManualCoding]) -> Self {
        let mut named = Named::default();
        for coding in codings.iter().filter(|c| c.kind != Decision::Memo) {
            match coding.target() {
                Some(Target::Span { source, .. }) => {
                    named.sources.insert(source.to_string());
                }
                Some(Target::Quote(id)) => {
                    if let Some((document, _)) = id.rsplit_once(':') {
                        named.documents.insert(document.to_string());
                    }
                }
                _ => {}
            }
        }
        named
    }

    /// Whether the source `name` with document id `document` holds named quotes.
    pub fn holds(&self, name: &str, document: &str) -> bool {
        self.sources.contains(name) || self.documents.contains(document)
    }

    /// Whether nothing is named.
    pub fn is_empty(&self) -> bool {
        self.sources.is_empty() && self.documents.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(id: &str, start: usize, text: &str) -> QuoteSpan {
        QuoteSpan {
            id: id.into(),
            source: "a.txt".into(),
            start,
            end: start + text.chars().count(),
            text: text.into(),
        }
    }

    fn decision(kind: Decision, theme: &str, start: usize, text: &str) -> ManualCoding {
        let mut coding =
            ManualCoding::on_span(kind, "a.txt", start, start + text.chars().count(), text);
        coding.theme = Some(theme.into());
        coding
    }

    fn same(theme: &str) -> String {
        theme.to_string()
    }

    #[test]
    fn a_span_across_two_quotes_codes_both_and_a_rejection_only_its_own() {
        let quotes = [
            quote("a:1", 5, "We are tired."),
            quote("a:2", 25, "The food bank stayed open."),
        ];
        let mut codings = vec![
            decision(Decision::Code, "t", 12, "tired.\n\nAnn: The food"),
            decision(Decision::Reject, "u", 25, "The food bank stayed open."),
        ];
        let placement = place(&mut codings, &quotes, &same);
        let coded: Vec<(&str, &str)> = placement
            .codes
            .iter()
            .map(|c| (c.quote.as_str(), c.theme.as_str()))
            .collect();
        assert_eq!(coded, [("a:1", "t"), ("a:2", "t")]);
        assert_eq!(
            placement.rejected,
            BTreeMap::from([("a:2".to_string(), BTreeSet::from(["u".to_string()]))])
        );
        let labels: Vec<&str> = placement.examples.iter().map(|e| e.1.as_str()).collect();
        assert_eq!(labels, ["coded quote a:1"]);
    }

    #[test]
    fn a_decision_named_by_quote_id_is_anchored_to_its_text() {
        let quotes = [quote("a:1", 5, "We are tired.")];
        let mut codings: Vec<ManualCoding> = verbatim_model::read_manual_codings(
            "{\"quote\":\"a:1\",\"theme\":\"old\"}\n{\"quote\":\"a:9\",\"theme\":\"t\"}\n",
            std::path::Path::new("codings.jsonl"),
        )
        .expect("read");
        let renamed = |theme: &str| if theme == "old" { "new" } else { theme }.to_string();
        let placement = place(&mut codings, &quotes, &renamed);
        assert_eq!(placement.anchored, 1);
        assert_eq!(
            codings[1].target(),
            Some(Target::Quote("a:9")),
            "left as it was"
        );
        assert_eq!(codings[0].text.as_deref(), Some("We are tired."));
        assert_eq!((codings[0].start, codings[0].end), (Some(5), Some(18)));
        assert_eq!(placement.codes[0].theme, "new");
    }

    #[test]
    fn orphaned_decisions_place_nothing() {
        let quotes = [quote("a:1", 5, "We are tired.")];
        let mut coding = decision(Decision::Code, "t", 5, "We are tired.");
        coding.orphaned = true;
        let placement = place(&mut [coding], &quotes, &same);
        assert!(placement.codes.is_empty() && placement.examples.is_empty());
    }
}
