//! Finding a coded span's text again in a source that changed.
//!
//! First where it was; then the exact text elsewhere (the nearest occurrence to where it
//! was, as when a question is inserted above it); then, for spans of a few words or
//! more, the stretch of words most like it (a word changed, a typo mended). Anything less
//! alike is not found: a coding is never moved onto other words.

use std::collections::HashMap;

/// Fewest words a span needs before it may be found by likeness rather than exactly.
const FEWEST_WORDS_FOR_LIKENESS: usize = 4;
/// How alike (words in common, in order, over the words of both) a stretch must be.
const LEAST_LIKENESS: f64 = 0.8;
/// Equally good windows looked at, nearest to where the span was first.
const MOST_CANDIDATES: usize = 8;
/// Longest span (in words) whose window edges are refined word by word.
const LONGEST_REFINED_SPAN: usize = 400;

/// Where a span's text is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Where it was, unchanged.
    InPlace,
    /// The same text, elsewhere.
    Moved {
        /// First char now.
        start: usize,
        /// Char after the last now.
        end: usize,
    },
    /// Text alike enough to be the same passage, edited.
    Edited {
        /// First char now.
        start: usize,
        /// Char after the last now.
        end: usize,
        /// The passage's text now.
        text: String,
    },
    /// Nowhere.
    Lost,
}

/// Finds `span` (which was at chars `start..end`) in `source`.
pub fn find_span(source: &str, span: &str, start: usize) -> Found {
    let chars = CharIndex::new(source);
    if chars.slice(start, start + span.chars().count()) == Some(span) {
        return Found::InPlace;
    }
    if span.is_empty() {
        return Found::Lost;
    }
    let nearest = source
        .match_indices(span)
        .map(|(byte, _)| chars.char_at(byte))
        .min_by_key(|&at| (at.abs_diff(start), at));
    if let Some(at) = nearest {
        return Found::Moved {
            start: at,
            end: at + span.chars().count(),
        };
    }
    match most_alike(source, span, chars.byte_at(start)) {
        Some((from, to)) => Found::Edited {
            start: chars.char_at(from),
            end: chars.char_at(to),
            text: source[from..to].to_string(),
        },
        None => Found::Lost,
    }
}

/// A word of a text: its lower-cased form and byte range.
struct Word {
    folded: String,
    from: usize,
    to: usize,
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut begun: Option<usize> = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_alphanumeric(), begun) {
            (true, None) => begun = Some(at),
            (false, Some(from)) => {
                out.push(Word {
                    folded: text[from..at].to_lowercase(),
                    from,
                    to: at,
                });
                begun = None;
            }
            _ => {}
        }
    }
    out
}

/// The byte range of the stretch of `source` most like `span`, if alike enough; of equals,
/// the one nearest byte `near`.
fn most_alike(source: &str, span: &str, near: usize) -> Option<(usize, usize)> {
    let wanted = words(span);
    let n = wanted.len();
    if n < FEWEST_WORDS_FOR_LIKENESS {
        return None;
    }
    let found = words(source);
    if found.len() < n / 2 {
        return None;
    }
    // Windows of n words sharing the most words with the span (as multisets), counted as
    // the window slides.
    let mut need: HashMap<&str, i64> = HashMap::new();
    for w in &wanted {
        *need.entry(w.folded.as_str()).or_default() += 1;
    }
    let mut have: HashMap<&str, i64> = HashMap::new();
    let mut shared = 0i64;
    let mut best: Vec<(i64, usize)> = Vec::new();
    let width = n.min(found.len());
    for (i, w) in found.iter().enumerate() {
        let word = w.folded.as_str();
        let count = have.entry(word).or_default();
        if *count < need.get(word).copied().unwrap_or(0) {
            shared += 1;
        }
        *count += 1;
        if i >= width {
            let out = found[i - width].folded.as_str();
            let count = have.entry(out).or_default();
            *count -= 1;
            if *count < need.get(out).copied().unwrap_or(0) {
                shared -= 1;
            }
        }
        if i + 1 >= width {
            best.push((shared, i + 1 - width));
        }
    }
    let top = best.iter().map(|b| b.0).max()?;
    if (top as f64) < LEAST_LIKENESS * n as f64 {
        return None;
    }
    let wanted_words: Vec<&str> = wanted.iter().map(|w| w.folded.as_str()).collect();
    let mut candidates: Vec<usize> = best.iter().filter(|b| b.0 == top).map(|b| b.1).collect();
    candidates.sort_by_key(|&first| (found[first].from.abs_diff(near), first));
    candidates.truncate(MOST_CANDIDATES);
    // Edges refined by likeness in order (quadratic in the span's words) only for spans of
    // a paragraph or so; a longer span keeps its best window.
    let edge = if n <= LONGEST_REFINED_SPAN { 2 } else { 0 };
    let mut chosen: Option<(f64, usize, usize, usize)> = None;
    for first in candidates {
        // The window's edges may be a word or two off: try them, by likeness in order.
        for from in first.saturating_sub(edge)..=first + edge {
            for len in n.saturating_sub(edge)..=n + edge {
                let Some(stretch) = found.get(from..from + len) else {
                    continue;
                };
                let likeness = if edge > 0 {
                    let words: Vec<&str> = stretch.iter().map(|w| w.folded.as_str()).collect();
                    2.0 * common_in_order(&wanted_words, &words) as f64 / (n + len) as f64
                } else {
                    top as f64 / n as f64
                };
                let distance = found[from].from.abs_diff(near);
                let better = match chosen {
                    None => true,
                    Some((l, d, _, _)) => likeness > l || (likeness == l && distance < d),
                };
                if better {
                    chosen = Some((likeness, distance, from, from + len - 1));
                }
            }
        }
    }
    let (likeness, _, first, last) = chosen?;
    if likeness < LEAST_LIKENESS {
        return None;
    }
    Some(widen(
        source,
        span,
        (found[first].from, found[last].to),
        (wanted[0].from, wanted[n - 1].to),
    ))
}

/// Extends `range` by the span's text before its first word and after its last (quote
/// marks, a full stop) where the source has the same.
fn widen(
    source: &str,
    span: &str,
    (from, to): (usize, usize),
    (first, last): (usize, usize),
) -> (usize, usize) {
    let before = &span[..first];
    let after = &span[last..];
    let from = if source[..from].ends_with(before) {
        from - before.len()
    } else {
        from
    };
    let to = if source[to..].starts_with(after) {
        to + after.len()
    } else {
        to
    };
    (from, to)
}

/// Length of the longest common subsequence of two word lists.
fn common_in_order(a: &[&str], b: &[&str]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if x == y {
                diagonal + 1
            } else {
                above.max(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Char and byte offsets of a text, both ways.
struct CharIndex<'t> {
    text: &'t str,
    /// Byte offset of every char, and the text's length last.
    bytes: Vec<usize>,
}

impl<'t> CharIndex<'t> {
    fn new(text: &'t str) -> Self {
        let mut bytes: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
        bytes.push(text.len());
        CharIndex { text, bytes }
    }

    fn slice(&self, start: usize, end: usize) -> Option<&'t str> {
        let (from, to) = (*self.bytes.get(start)?, *self.bytes.get(end)?);
        self.text.get(from..to)
    }

    fn char_at(&self, byte: usize) -> usize {
        self.bytes.partition_point(|&b| b < byte)
    }

    fn byte_at(&self, char: usize) -> usize {
        self.bytes.get(char).copied().unwrap_or(self.text.len())
    }
}

/// The text of chars `start..end` of `source`, if the source is that long.
pub fn char_slice(source: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    CharIndex::new(source).slice(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "Jo: How are staff?\n\nAnn: Honestly, everyone is exhausted by now, \
                          the second wave hit us hard.\n\nJo: And the volunteers?\n\nAnn: \
                          They kept the food bank open every single day.\n";

    fn at(text: &str, span: &str) -> usize {
        text[..text.find(span).expect("span in text")]
            .chars()
            .count()
    }

    #[test]
    fn a_span_where_it_was_stays_in_place() {
        let span = "everyone is exhausted by now";
        assert_eq!(find_span(SOURCE, span, at(SOURCE, span)), Found::InPlace);
    }

    #[test]
    fn a_span_moved_by_an_inserted_turn_is_found_at_its_new_offsets() {
        let span = "They kept the food bank open every single day.";
        let old = at(SOURCE, span);
        let edited = SOURCE.replace(
            "Jo: And",
            "Jo: Thank you. Anything else?\n\nAnn: No.\n\nJo: And",
        );
        let new = at(&edited, span);
        assert_eq!(
            find_span(&edited, span, old),
            Found::Moved {
                start: new,
                end: new + span.chars().count()
            }
        );
    }

    #[test]
    fn of_two_copies_the_nearest_to_where_it_was_is_taken() {
        let text = "Ann: yes indeed.\n\nBo: yes indeed.\n\nAnn: yes indeed.\n";
        assert_eq!(
            find_span(text, "yes indeed.", 20),
            Found::Moved { start: 22, end: 33 }
        );
    }

    #[test]
    fn a_span_with_a_word_changed_follows_its_text() {
        let span = "Honestly, everyone is exhausted by now, the second wave hit us hard.";
        let old = at(SOURCE, span);
        let edited = SOURCE.replace("hit us hard", "hit us very hard");
        let Found::Edited { start, end, text } = find_span(&edited, span, old) else {
            panic!("not found by likeness");
        };
        assert_eq!(
            text,
            "Honestly, everyone is exhausted by now, the second wave hit us very hard."
        );
        assert_eq!(char_slice(&edited, start, end), Some(text.as_str()));
    }

    #[test]
    fn a_deleted_span_is_lost_not_moved_onto_other_words() {
        let span = "They kept the food bank open every single day.";
        let old = at(SOURCE, span);
        let edited = SOURCE.replace(span, "We managed.");
        assert_eq!(find_span(&edited, span, old), Found::Lost);
        // Short spans are found exactly or not at all.
        assert_eq!(find_span(SOURCE, "staff are fine", 5), Found::Lost);
    }

    #[test]
    fn a_long_span_with_an_edit_is_found_by_its_best_window() {
        let words: Vec<String> = (0..3000).map(|i| format!("w{}", i % 997)).collect();
        let span = words.join(" ");
        let text = format!("Ann: {span}\n\nBo: the end.\n");
        let edited = text.replacen("w500", "changed", 1);
        let Found::Edited {
            start, text: now, ..
        } = find_span(&edited, &span, 5)
        else {
            panic!("not found");
        };
        assert_eq!(start, 5);
        assert!(
            now.contains("changed") && now.ends_with("w7 w8"),
            "{}",
            &now[now.len() - 20..]
        );
    }

    #[test]
    fn offsets_count_chars_not_bytes() {
        let text = "Zoë: café résumé — naïve\n\nAnn: the bank opened today, again\n";
        let span = "the bank opened today, again";
        let moved = format!("Zoë: ééé\n{text}");
        let Found::Moved { start, end } = find_span(&moved, span, at(text, span)) else {
            panic!("not moved");
        };
        assert_eq!(char_slice(&moved, start, end), Some(span));
    }
}
