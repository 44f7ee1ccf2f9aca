//! Where a quotation's speaker is named: the lead-in before it (`As Wigan council's Alison
//! Park explained:`), an attribution after it (`..., said Park.`), an attribution line
//! under a pull quote, the paragraph or sentence before it, or the quotation before it.

use std::sync::LazyLock;

use regex::Regex;

use super::clause::{SPEECH_VERBS, Who, attribution_line, classify, classify_subject, group_role};
use super::layout::Layout;
use super::spans::Span;
use super::words::{collapse, is_role_noun};

static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^[\s,]*(?:(?:{SPEECH_VERBS})\s+(?P<after>[^.;:!?“”]+)|(?P<before>[^.;:!?“”]{{1,80}}?)\s+(?:\w+ly\s+)?(?:{SPEECH_VERBS})\b|according to\s+(?P<according>[^.;:!?“”]+))"
    ))
    .expect("trailing pattern")
});

/// The speaker evidence of a quotation and its lead-in sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    pub who: Who,
    pub context: Option<String>,
    /// The paragraph holding a pull quote's attribution line.
    pub line: Option<usize>,
}

/// Works out who said `spans[index]`.
pub fn attribute(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Attribution {
    let mut attribution = attribute_words(text, layout, spans, index);
    if let Who::Anonymous {
        role: role @ None, ..
    } = &mut attribution.who
    {
        let span = &spans[index];
        let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
        *role = group_role(&mask_quotes(text, spans, index, paragraph_start, span.open));
    }
    attribution
}

fn attribute_words(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Attribution {
    let span = &spans[index];
    let (lead, lead_start) = lead_in(text, layout, spans, index);
    let lead_clean = collapse(&lead);
    let context = (!lead_clean.is_empty()).then(|| lead_clean.clone());
    let found = classify(&lead)
        .map(|who| (who, None))
        .or_else(|| trailing(text, layout, spans, index).map(|who| (who, None)))
        .or_else(|| {
            pull_quote_line(text, layout, span).map(|who| (who, Some(span.last_paragraph + 1)))
        });
    if let Some((who, line)) = found {
        // `Tom Hughes put it bluntly. "...," he admitted.`: the pronoun is the person the
        // sentence before is about, when that sentence quotes nobody.
        let who = match who {
            Who::Pronoun { .. } => {
                subject_before(text, layout, spans, index, lead_start).unwrap_or(who)
            }
            other => other,
        };
        return Attribution { who, context, line };
    }
    if lead_clean.is_empty() {
        if let Some((previous, who)) = previous_paragraph(text, layout, spans, span) {
            return Attribution {
                who,
                context: Some(previous),
                line: None,
            };
        }
        if let Some((previous, who)) = previous_sentence(text, layout, spans, index, lead_start) {
            return Attribution {
                who,
                context: Some(previous),
                line: None,
            };
        }
    }
    let same_paragraph = index > 0 && spans[index - 1].last_paragraph == span.first_paragraph;
    let who = if same_paragraph {
        Who::Continuing
    } else {
        Who::Unattributed
    };
    Attribution {
        who,
        context,
        line: None,
    }
}

/// The text from the start of the quotation's sentence to its opening mark, other
/// quotations left out. Returns the clause and its byte offset.
fn lead_in(text: &str, layout: &Layout, spans: &[Span], index: usize) -> (String, usize) {
    let span = &spans[index];
    let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
    let mut start = paragraph_start;
    let earlier = EarlierQuotations::new(&spans[..index], paragraph_start, span.open);
    // Back from the opening mark, char by char outside other quotations and over each of
    // them in one step. A "sentence" that strings together more quotations than any
    // sentence does is a list of them: its lead-in starts after the nearest one, so that
    // a paragraph of thousands of quotations is read in linear time.
    let mut cursor = span.open;
    let mut crossed = 0;
    while let Some(c) = text[paragraph_start..cursor].chars().next_back() {
        let at = cursor - c.len_utf8();
        cursor = at;
        if let Some(covering) = earlier.covering(at) {
            crossed += 1;
            if crossed > MAX_QUOTATIONS_IN_A_SENTENCE {
                start = earlier.nearest_close().clamp(paragraph_start, span.open);
                break;
            }
            cursor = covering.open.clamp(paragraph_start, at);
            if let Some(other) = earlier.closing_at(at + c.len_utf8()) {
                let closed_sentence = other
                    .segments
                    .last()
                    .is_some_and(|s| ends_sentence(&text[s.clone()]));
                if closed_sentence
                    && text[other.close..span.open]
                        .trim_start()
                        .starts_with(char::is_uppercase)
                {
                    start = other.close;
                    break;
                }
            }
            continue;
        }
        if matches!(c, '.' | '!' | '?') {
            let rest = text[at + 1..].trim_start_matches(|c: char| "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c));
            let next_is_new_sentence = rest.starts_with(char::is_whitespace)
                && rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_uppercase() || n == '“' || n == '"');
            if next_is_new_sentence
                && !(c == '.' && crate::segment::is_abbreviation(&text[paragraph_start..at]))
            {
                start = at + 1 + (text[at + 1..].len() - rest.len());
                break;
            }
        }
    }
    let masked = mask_quotes(text, spans, index, start, span.open);
    // Only what follows the last quotation counts, less a bracketed attribution that
    // belongs to that quotation: `"..." (Ana Ruiz) "..."`.
    let own = match masked.rfind('…') {
        Some(at) => {
            let rest = masked[at + '…'.len_utf8()..].trim_start_matches([',', '.', ' ']);
            match rest
                .strip_prefix('(')
                .and_then(|r| r.find(')').map(|end| &r[end + 1..]))
            {
                Some(after_bracket) => after_bracket.to_string(),
                None => masked[at..].to_string(),
            }
        }
        None => masked,
    };
    (own, start)
}

/// More quotations than any real sentence strings together.
const MAX_QUOTATIONS_IN_A_SENTENCE: usize = 64;

/// The quotations before this one that reach into a stretch of text, for asking of each
/// char whether one of them covers it in O(log n): a lead-in scanned char by char past
/// hundreds of quotations in one paragraph must not ask each of them every time.
struct EarlierQuotations<'s> {
    /// By opening mark.
    by_open: Vec<&'s Span>,
    /// The furthest close among `by_open[..=i]`.
    furthest_close: Vec<usize>,
    /// The last (in text order) quotation closing at each offset.
    by_close: std::collections::HashMap<usize, &'s Span>,
}

impl<'s> EarlierQuotations<'s> {
    fn new(earlier: &'s [Span], start: usize, end: usize) -> Self {
        let mut by_open: Vec<&Span> = earlier
            .iter()
            .filter(|s| s.close > start && s.open < end)
            .collect();
        let by_close = by_open.iter().map(|s| (s.close, *s)).collect();
        by_open.sort_by_key(|s| s.open);
        let furthest_close = by_open
            .iter()
            .scan(0, |furthest, s| {
                *furthest = (*furthest).max(s.close);
                Some(*furthest)
            })
            .collect();
        EarlierQuotations {
            by_open,
            furthest_close,
            by_close,
        }
    }

    /// The latest-opened earlier quotation that covers byte `at`, if one does.
    fn covering(&self, at: usize) -> Option<&'s Span> {
        let opened = self.by_open.partition_point(|s| s.open <= at);
        if opened == 0 || self.furthest_close[opened - 1] <= at {
            return None;
        }
        self.by_open[..opened]
            .iter()
            .rev()
            .find(|s| s.close > at)
            .copied()
    }

    /// The close of the earlier quotation that ends last.
    fn nearest_close(&self) -> usize {
        self.furthest_close.last().copied().unwrap_or(0)
    }

    /// The last earlier quotation whose closing mark ends at `close`.
    fn closing_at(&self, close: usize) -> Option<&'s Span> {
        self.by_close.get(&close).copied()
    }
}

/// `text[start..end]` with other quotations replaced by an ellipsis.
fn mask_quotes(text: &str, spans: &[Span], index: usize, start: usize, end: usize) -> String {
    let mut out = String::new();
    let mut cursor = start;
    for other in spans[..index]
        .iter()
        .filter(|s| s.close > start && s.open < end)
    {
        if other.open > cursor {
            out.push_str(&text[cursor..other.open]);
        }
        out.push('…');
        cursor = cursor.max(other.close);
    }
    if cursor < end {
        out.push_str(&text[cursor..end]);
    }
    out
}

/// `"...," said Kerr.` / `"..." she added.` / `"...", according to Kerr.`
fn trailing(text: &str, layout: &Layout, spans: &[Span], index: usize) -> Option<Who> {
    let span = &spans[index];
    let paragraph_end = layout.paragraphs[span.last_paragraph].range.end;
    let next_open = spans
        .get(index + 1)
        .map_or(paragraph_end, |s| s.open.min(paragraph_end));
    let after = &text[span.close.min(next_open)..next_open];
    let opening = after.trim_start_matches([',', '.', ' ', '\n', '\r']);
    if let Some(bracketed) = opening.strip_prefix('(') {
        let inside = &bracketed[..bracketed.find(')')?];
        return attribution_line(inside).or_else(|| classify_subject(inside));
    }
    if let Some(dashed) = opening
        .strip_prefix(['–', '—'])
        .or_else(|| opening.strip_prefix("- "))
    {
        let line = dashed
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .trim_end_matches('.');
        return attribution_line(line).or_else(|| classify_subject(line));
    }
    let sentence_end = after.find(['.', '!', '?', ':', ';']).unwrap_or(after.len());
    let after = &after[..sentence_end];
    if after.split_whitespace().count() > 14 {
        return None;
    }
    let found = TRAILING.captures(after)?;
    let phrase = found
        .name("after")
        .or_else(|| found.name("before"))
        .or_else(|| found.name("according"))?
        .as_str();
    classify_subject(phrase)
}

/// A pull quote: the quotation fills its paragraph and the next paragraph is an
/// attribution line (`Name, role, organisation` or a role alone).
fn pull_quote_line(text: &str, layout: &Layout, span: &Span) -> Option<Who> {
    let first = &layout.paragraphs[span.first_paragraph];
    let last = &layout.paragraphs[span.last_paragraph];
    let outside = format!(
        "{}{}",
        &text[first.range.start..span.open],
        &text[span.close.min(last.range.end)..last.range.end]
    );
    if outside.chars().any(char::is_alphanumeric) {
        return None;
    }
    let next = layout.paragraphs.get(span.last_paragraph + 1)?;
    attribution_line(&text[next.range.clone()])
}

/// A quotation opening its paragraph: the last sentence of the prose paragraph before
/// it, when that ends with a colon (`As one explained:`), or names a person or a pronoun
/// and quotes nobody itself (`Gavin Jones recounted similar experiences in Essex.`).
fn previous_paragraph(
    text: &str,
    layout: &Layout,
    spans: &[Span],
    span: &Span,
) -> Option<(String, Who)> {
    let paragraph = &layout.paragraphs[span.first_paragraph];
    if !text[paragraph.range.start..span.open].trim().is_empty() {
        return None;
    }
    let previous = layout.paragraphs[..span.first_paragraph]
        .iter()
        .rev()
        .find(|p| !p.furniture)?;
    let body = &text[previous.range.clone()];
    let sentence = last_sentence(body);
    let who = classify(sentence)?;
    let introduces = body.trim_end().ends_with(':');
    let quotes_itself = spans
        .iter()
        .any(|s| s.open < previous.range.end && previous.range.start < s.close);
    let names_someone = matches!(
        who,
        Who::Named {
            person_like: true,
            ..
        } | Who::Pronoun { .. }
    );
    (introduces || (names_someone && !quotes_itself)).then(|| (collapse(sentence), who))
}

/// The sentence before the quotation's, in the same paragraph, when the quotation opens a
/// sentence: `Gavin Jones recounted similar experiences. "One of the big..."`.
fn previous_sentence(
    text: &str,
    layout: &Layout,
    spans: &[Span],
    index: usize,
    lead_start: usize,
) -> Option<(String, Who)> {
    let span = &spans[index];
    let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
    if lead_start <= paragraph_start {
        return None;
    }
    let from = recent(text, paragraph_start, lead_start);
    let before = mask_quotes(text, spans, index, from, lead_start);
    let sentence = last_sentence(before.trim_end());
    if sentence.trim() == "…" || sentence.trim().is_empty() {
        return Some((String::new(), Who::Continuing)).filter(|_| index > 0);
    }
    let who = match classify(sentence) {
        None => {
            if sentence.trim_end().ends_with('…') || sentence.contains('…') {
                Who::Continuing
            } else {
                return None;
            }
        }
        Some(who) => who,
    };
    Some((collapse(sentence), who))
}

/// Where to start looking for the sentence before `end`: the paragraph's start, or a few
/// kilobytes back in a paragraph longer than any sentence, so that a paragraph of
/// thousands of quotations is not copied once per quotation.
fn recent(text: &str, paragraph_start: usize, end: usize) -> usize {
    const SENTENCE_BYTES: usize = 4096;
    let mut from = end.saturating_sub(SENTENCE_BYTES).max(paragraph_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    from
}

/// A named person or described role that the sentence before the quotation's is about,
/// when that sentence quotes nobody.
fn subject_before(
    text: &str,
    layout: &Layout,
    spans: &[Span],
    index: usize,
    lead_start: usize,
) -> Option<Who> {
    let span = &spans[index];
    let paragraph_start = layout.paragraphs[span.first_paragraph].range.start;
    let before = if lead_start > paragraph_start {
        let from = recent(text, paragraph_start, lead_start);
        mask_quotes(text, spans, index, from, lead_start)
    } else {
        let previous = layout.paragraphs[..span.first_paragraph]
            .iter()
            .rev()
            .find(|p| !p.furniture)?;
        mask_quotes(text, spans, index, previous.range.start, previous.range.end)
    };
    let sentence = last_sentence(before.trim_end());
    if sentence.contains('…') {
        return None;
    }
    classify(sentence)
        .filter(|who| matches!(who, Who::Named { .. } | Who::Described { .. }))
        .or_else(|| role_subject(sentence))
}

static ROLE_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:(?P<owner>[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3})['’]s|[Tt]he)\s+(?P<role>(?:[a-z][\w-]*\s+){0,4}?[a-z][\w-]*)\s+(?:was|is|has|had|said|says|put|took|went|felt|described|spoke|told)\b")
        .expect("role subject pattern")
});

/// A sentence about a role holder: `Cumbria's chief constable was blunter still.`
fn role_subject(sentence: &str) -> Option<Who> {
    let found = ROLE_SUBJECT.captures(sentence)?;
    let role = found["role"].trim();
    if !role.split_whitespace().last().is_some_and(is_role_noun) {
        return None;
    }
    let hint = match found.name("owner") {
        Some(owner) => format!("{}'s {role}", owner.as_str()),
        None => format!("the {role}"),
    };
    Some(Who::Described {
        role: hint.clone(),
        hint,
    })
}

/// The last sentence of a paragraph's text.
fn last_sentence(text: &str) -> &str {
    let trimmed = text.trim_end();
    let body = trimmed.trim_end_matches(['.', '!', '?', ':']);
    let mut start = 0;
    for (at, c) in body.char_indices() {
        if matches!(c, '.' | '!' | '?' | '…') {
            let rest = &body[at + c.len_utf8()..];
            if rest.starts_with(char::is_whitespace)
                && rest
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && !(c == '.' && crate::segment::is_abbreviation(&body[..at]))
            {
                start = at + c.len_utf8();
            }
        }
    }
    trimmed[start..].trim()
}

fn ends_sentence(words: &str) -> bool {
    words
        .trim_end()
        .trim_end_matches(['\'', '’', ')'])
        .ends_with(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paragraph_before_can_name_the_speaker() {
        let text = "Suzanne Wylie described the city's first weeks.\n\nIntroduction\n\n\"We opened the arena as a food store overnight.\"\n\n\
                    The council then published its plans.\n\n\"Nobody could have planned for a year like this one.\"\n";
        let layout = Layout::new(text);
        let spans = super::super::spans::find_spans(text, &layout);
        assert!(
            matches!(attribute(text, &layout, &spans, 0).who, Who::Named { ref name, .. } if name == "Suzanne Wylie")
        );
        assert_eq!(attribute(text, &layout, &spans, 1).who, Who::Unattributed);
    }

    #[test]
    fn organisations_roles_and_bracketed_or_dashed_attributions() {
        assert_eq!(
            classify("As Essex Police's chief constable explained: "),
            Some(Who::Described {
                hint: "Essex Police's chief constable".into(),
                role: "Essex Police's chief constable".into()
            })
        );
        let text = "Summary\n\n\"We changed the rota for good.\" (Ana Ruiz, ward manager, Leeds hospital) \"Nobody wants the old forms back.\" – a district nurse\n";
        let layout = Layout::new(text);
        let spans = super::super::spans::find_spans(text, &layout);
        assert!(
            matches!(attribute(text, &layout, &spans, 0).who, Who::Named { ref name, .. } if name == "Ana Ruiz")
        );
        assert!(
            matches!(attribute(text, &layout, &spans, 1).who, Who::Anonymous { role: Some(ref r), .. } if r == "district nurse")
        );
    }
}
