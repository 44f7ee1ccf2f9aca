//! Pairing quotation marks into quotations, across line breaks, paragraph breaks and the
//! page furniture a PDF drops into the middle of a quote.

use std::ops::Range;

use super::layout::Layout;

/// A quotation found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset just past the closing mark (or the last word, when never closed).
    pub close: usize,
    /// Byte ranges of the quoted words, furniture left out.
    pub segments: Vec<Range<usize>>,
    /// Paragraph of the opening mark.
    pub first_paragraph: usize,
    /// Paragraph of the closing mark.
    pub last_paragraph: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Open,
    Close,
    Either,
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    at: usize,
    len: usize,
    side: Side,
}

/// The most paragraphs of furniture skipped inside one quote.
const MAX_SKIPPED: usize = 12;

/// Finds the double-quoted quotations of `text` (curly or straight marks). Single
/// quotes inside them are part of the words; outside they are scare quotes and titles.
pub fn find_spans(text: &str, layout: &Layout) -> Vec<Span> {
    let marks = double_marks(text);
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    let mut skipped = 0usize;
    for (index, paragraph) in layout.paragraphs.iter().enumerate() {
        let mut cursor = paragraph.range.start;
        let in_paragraph: Vec<Mark> = marks
            .iter()
            .copied()
            .filter(|m| paragraph.range.contains(&m.at))
            .collect();
        let mut marks_here = in_paragraph.as_slice();
        if let Some(span) = open.as_mut() {
            let starts_with_open = marks_here.first().is_some_and(|m| {
                m.side != Side::Close && text[paragraph.range.start..m.at].trim().is_empty()
            });
            let cut_mid_sentence = span
                .segments
                .last()
                .is_some_and(|s| !ends_sentence(&text[s.clone()]));
            if starts_with_open {
                cursor = marks_here[0].at + marks_here[0].len;
                marks_here = &marks_here[1..];
            } else if paragraph.furniture && skipped < MAX_SKIPPED {
                skipped += 1;
                continue;
            } else if !(closes_here(marks_here)
                || cut_mid_sentence && continues_sentence(&text[paragraph.range.clone()]))
                && let Some(span) = open.take()
            {
                spans.push(span);
            }
        }
        for mark in marks_here {
            match (&mut open, mark.side) {
                (Some(span), Side::Close | Side::Either) => {
                    push_segment(text, span, cursor..mark.at);
                    span.close = mark.at + mark.len;
                    span.last_paragraph = index;
                    if let Some(done) = open.take() {
                        spans.push(done);
                    }
                    cursor = mark.at + mark.len;
                }
                (Some(span), Side::Open) => {
                    push_segment(text, span, cursor..mark.at);
                    if let Some(done) = open.take() {
                        spans.push(done);
                    }
                    open = Some(new_span(mark, index));
                    cursor = mark.at + mark.len;
                }
                (None, Side::Open | Side::Either) => {
                    open = Some(new_span(mark, index));
                    cursor = mark.at + mark.len;
                }
                (None, Side::Close) => {}
            }
        }
        if let Some(span) = open.as_mut() {
            push_segment(text, span, cursor..paragraph.range.end);
            span.close = paragraph.range.end;
            span.last_paragraph = index;
            skipped = 0;
        }
    }
    spans.extend(open);
    spans.retain(|s| !s.segments.is_empty());
    spans
}

fn new_span(mark: &Mark, paragraph: usize) -> Span {
    Span {
        open: mark.at,
        close: mark.at + mark.len,
        segments: Vec::new(),
        first_paragraph: paragraph,
        last_paragraph: paragraph,
    }
}

fn push_segment(text: &str, span: &mut Span, range: Range<usize>) {
    let range = crate::transcript::trim_range(text, range);
    if !range.is_empty() {
        span.segments.push(range);
    }
}

fn closes_here(marks: &[Mark]) -> bool {
    marks.first().is_some_and(|m| m.side != Side::Open)
}

/// A paragraph that carries on a sentence cut by a page break starts in lower case.
fn continues_sentence(paragraph: &str) -> bool {
    paragraph
        .chars()
        .find(|c| !c.is_whitespace())
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
}

fn ends_sentence(words: &str) -> bool {
    words
        .trim_end()
        .trim_end_matches(['\'', '’', ')', '"', '”'])
        .ends_with(['.', '!', '?', '…'])
}

/// Double quotation marks, each judged opening or closing from its neighbours.
fn double_marks(text: &str) -> Vec<Mark> {
    let mut marks = Vec::new();
    let mut previous: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let side = match c {
            '“' | '„' | '«' => Some(Side::Open),
            '”' | '»' => Some(Side::Close),
            '"' => Some(straight_side(previous, next)),
            _ => None,
        };
        if let Some(side) = side {
            marks.push(Mark {
                at,
                len: c.len_utf8(),
                side,
            });
        }
        previous = Some(c);
    }
    marks
}

fn straight_side(previous: Option<char>, next: Option<char>) -> Side {
    let space_before = previous.is_none_or(|p| p.is_whitespace() || "([{—–-/".contains(p));
    let space_after = next.is_none_or(|n| n.is_whitespace() || ".,;:!?)]}—–-".contains(n));
    match (space_before, space_after) {
        (true, false) => Side::Open,
        (false, true) => Side::Close,
        _ => Side::Either,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<String> {
        let layout = Layout::new(text);
        find_spans(text, &layout)
            .iter()
            .map(|s| {
                s.segments
                    .iter()
                    .map(|r| &text[r.clone()])
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect()
    }

    #[test]
    fn pairs_curly_and_straight_marks() {
        let text = "She said: “We did it.” Then \"they did it too,\" he said. It was \"fast\".\n";
        assert_eq!(quotes(text), ["We did it.", "they did it too,", "fast"]);
    }

    #[test]
    fn follows_quotes_across_furniture_and_page_breaks() {
        let text = "Harrington declared: \"We have\n\nFigure 1: The framework\n\nPOST-CRISIS\n\nIntroduction\n\n\
                    got to make sure it is different.\" And Kerr said: \"We need to keep\nthinking.\"\n\n\
                    Introduction\n\nLater prose.\n";
        assert_eq!(
            quotes(text),
            [
                "We have | got to make sure it is different.",
                "We need to keep\nthinking."
            ]
        );
    }

    #[test]
    fn a_quote_closing_after_a_page_break_keeps_both_parts() {
        let text = "She said: \"We have changed.\n\nIntroduction\n\nAnd we will keep changing.\" Then prose.\n";
        assert_eq!(
            quotes(text),
            ["We have changed. | And we will keep changing."]
        );
    }

    #[test]
    fn multi_paragraph_quotes_reopen_each_paragraph() {
        let text = "He said: “First part.\n\n“Second part.”\n\nUnrelated prose here.\n";
        assert_eq!(quotes(text), ["First part. | Second part."]);
    }

    #[test]
    fn an_unclosed_quote_ends_with_its_paragraph() {
        let text = "He said: “This never closes.\n\nThe report went on at length about other things.\n\nShe said: “Fine.”\n";
        assert_eq!(quotes(text), ["This never closes.", "Fine."]);
    }

    #[test]
    fn nested_single_quotes_stay_inside() {
        let text = "He said: \"I told them 'our time is now. We cannot opt out.\"\n";
        assert_eq!(
            quotes(text),
            ["I told them 'our time is now. We cannot opt out."]
        );
    }
}
