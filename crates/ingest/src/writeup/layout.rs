//! The paragraphs of a report and which of them are page furniture: running headers and
//! footers, page numbers, figure captions, footnotes and headings that text extraction
//! drops into the middle of the prose.

use std::collections::HashMap;
use std::ops::Range;

use crate::front_matter::line_spans;

/// A block of text between blank lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range in the text, trimmed of surrounding white space.
    pub range: Range<usize>,
    /// Page furniture rather than prose.
    pub furniture: bool,
    /// Looks like a heading (short, unpunctuated): furniture that names a section.
    pub heading: bool,
}

/// The paragraphs of a report text, with furniture marked.
#[derive(Debug, Clone)]
pub struct Layout {
    pub paragraphs: Vec<Paragraph>,
}

impl Layout {
    pub fn new(text: &str) -> Self {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        let mut current: Option<Range<usize>> = None;
        for (start, end) in line_spans(text) {
            if text[start..end].trim().is_empty() {
                if let Some(range) = current.take() {
                    ranges.push(range);
                }
            } else {
                match &mut current {
                    Some(range) => range.end = end,
                    None => current = Some(start..end),
                }
            }
        }
        ranges.extend(current);
        let ranges: Vec<Range<usize>> = ranges.into_iter().map(|r| trim(text, r)).collect();
        let mut repeats: HashMap<String, usize> = HashMap::new();
        for range in &ranges {
            let key = normalise(&text[range.clone()]);
            if key.split_whitespace().count() <= 12 {
                *repeats.entry(key).or_default() += 1;
            }
        }
        let paragraphs = ranges
            .into_iter()
            .map(|range| {
                let body = &text[range.clone()];
                let repeated = repeats.get(&normalise(body)).copied().unwrap_or(0) >= 2;
                let heading = is_heading(body);
                Paragraph {
                    furniture: repeated || heading || is_caption_or_note(body),
                    heading,
                    range,
                }
            })
            .collect();
        Layout { paragraphs }
    }

    /// The nearest heading before paragraph `index`, skipping the paragraphs in `not`
    /// (attribution lines under pull quotes look like headings but are not).
    pub fn heading_before<'t>(
        &self,
        text: &'t str,
        index: usize,
        not: &[usize],
    ) -> Option<&'t str> {
        self.paragraphs[..index]
            .iter()
            .enumerate()
            .rev()
            .find(|(i, p)| p.heading && !not.contains(i))
            .map(|(_, p)| text[p.range.clone()].trim())
    }
}

fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    crate::transcript::trim_range(text, range)
}

fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Short, without closing punctuation, starting with a capital or a number: a heading,
/// running header or caption line.
fn is_heading(text: &str) -> bool {
    let trimmed = text.trim();
    let words = trimmed.split_whitespace().count();
    let last = trimmed.chars().last().unwrap_or('.');
    let first = trimmed.chars().next().unwrap_or('a');
    words > 0
        && words <= 10
        && !matches!(
            last,
            '.' | '!' | '?' | ':' | ';' | ',' | '"' | '”' | '’' | '\''
        )
        && (first.is_uppercase() || first.is_ascii_digit() || trimmed.starts_with('<'))
        && !trimmed.contains(['“', '"'])
}

fn is_caption_or_note(text: &str) -> bool {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    if trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || c == '|')
    {
        return true;
    }
    if [
        "figure ", "fig. ", "table ", "chart ", "source:", "image:", "photo:", "box ",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return true;
    }
    let letters: Vec<char> = trimmed.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 3
        && letters.iter().all(|c| c.is_uppercase())
        && trimmed.split_whitespace().count() <= 12
    {
        return true;
    }
    let starts_with_note_number = trimmed
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c));
    starts_with_note_number
        && (lower.contains("available at")
            || lower.contains("www.")
            || lower.contains("http")
            || has_year_in_brackets(&lower))
}

fn has_year_in_brackets(text: &str) -> bool {
    text.match_indices('(').any(|(i, _)| {
        let inside: String = text[i + 1..].chars().take(5).collect();
        inside.len() == 5
            && inside[..4].chars().all(|c| c.is_ascii_digit())
            && inside.ends_with(')')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_headers_captions_notes_and_headings() {
        let text = "Introduction\n\nWe spoke to ten leaders. They said a lot.\n\nFigure 1: The framework\n\n\
                    ³ Smith, J (2020) A study. Available at www.example.org\n\n12\n\nPOST-CRISIS\n\n\
                    Introduction\n\ngot to make sure it lasts.\"\n";
        let layout = Layout::new(text);
        let flags: Vec<(bool, bool)> = layout
            .paragraphs
            .iter()
            .map(|p| (p.furniture, p.heading))
            .collect();
        assert_eq!(
            flags,
            [
                (true, true),
                (false, false),
                (true, true),
                (true, false),
                (true, true),
                (true, true),
                (true, true),
                (false, false),
            ]
        );
        assert_eq!(layout.heading_before(text, 1, &[]), Some("Introduction"));
        assert_eq!(layout.heading_before(text, 1, &[0]), None);
    }
}
