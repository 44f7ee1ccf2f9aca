//! From a quotation's source segments to its spoken words, and the quotations that are
//! not interview quotes (titles, citations).

use std::collections::HashSet;
use std::ops::Range;

use super::spans::Span;

/// Hyphenated words written within a line (`well-established`), lower-cased: a word
/// broken at a line-end hyphen keeps its hyphen only if the document writes it so.
pub fn hyphenated_words(text: &str) -> HashSet<String> {
    text.split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.contains('-') && !w.starts_with('-') && !w.ends_with('-'))
        .collect()
}

/// The spoken words of a quotation: segments joined by single spaces, line breaks
/// collapsed, line-end hyphenation undone, a trailing comma dropped.
pub fn spoken_text(text: &str, segments: &[Range<usize>], hyphenated: &HashSet<String>) -> String {
    let joined: Vec<String> = segments
        .iter()
        .map(|r| dehyphenate(&text[r.clone()], hyphenated))
        .collect();
    let words = joined.join(" ");
    let collapsed = words.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.trim_end_matches([',', ' ']).to_string()
}

fn dehyphenate(segment: &str, hyphenated: &HashSet<String>) -> String {
    let mut out = String::with_capacity(segment.len());
    for (index, line) in segment.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        if index == 0 {
            out.push_str(line);
            continue;
        }
        let next = line.trim_start();
        let next_word: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
        let body = out.trim_end();
        let stem: String = {
            let reversed: String = body
                .strip_suffix('-')
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            reversed.chars().rev().collect()
        };
        let broken =
            !stem.is_empty() && !body.ends_with("--") && next_word.starts_with(char::is_lowercase);
        if broken {
            let keep_hyphen = hyphenated.contains(&format!(
                "{}-{}",
                stem.to_lowercase(),
                next_word.to_lowercase()
            ));
            let cut = if keep_hyphen {
                body.len()
            } else {
                body.len() - 1
            };
            out.truncate(cut);
            out.push_str(next);
        } else {
            out.push('\n');
            out.push_str(line);
        }
    }
    out
}

/// A quoted title: short, most words capitalised, no sentence inside.
pub fn is_title(words: &str) -> bool {
    let tokens: Vec<&str> = words.split_whitespace().collect();
    if tokens.is_empty() || tokens.len() > 14 || words.trim_end().ends_with(['.', '!', '?']) {
        return false;
    }
    let long: Vec<&&str> = tokens
        .iter()
        .filter(|t| t.chars().filter(|c| c.is_alphabetic()).count() > 3)
        .collect();
    let capitalised = long
        .iter()
        .filter(|t| t.chars().next().is_some_and(char::is_uppercase))
        .count();
    !long.is_empty() && capitalised * 4 >= long.len() * 3
}

/// A quotation of a publication: a year in brackets right after it, or a definition
/// introduced just before it.
pub fn is_citation(text: &str, span: &Span) -> bool {
    let after: String = text[span.close..].chars().take(80).collect();
    let after = after.trim_start_matches([',', '.', ';', ' ']);
    if let Some(bracketed) = after.strip_prefix('(') {
        let inside: String = bracketed.chars().take_while(|&c| c != ')').collect();
        if inside
            .split(|c: char| !c.is_ascii_digit())
            .any(|n| n.len() == 4 && (n.starts_with("19") || n.starts_with("20")))
        {
            return true;
        }
    }
    let before_start = text[..span.open]
        .char_indices()
        .rev()
        .nth(60)
        .map_or(0, |(i, _)| i);
    let before = text[before_start..span.open].to_lowercase();
    [
        "definition",
        "defined as",
        "as being",
        "coined",
        "termed",
        "known as",
        "so-called",
        "entitled",
        "titled",
    ]
    .iter()
    .any(|cue| before.contains(cue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_lines_undoes_hyphenation_and_keeps_real_hyphens() {
        let text = "We changed how the organisa-\ntions work, a well-\nestablished habit,\nand our well-established friends,";
        let hyphenated = hyphenated_words(text);
        assert_eq!(
            spoken_text(text, std::slice::from_ref(&(0..text.len())), &hyphenated),
            "We changed how the organisations work, a well-established habit, and our well-established friends"
        );
        assert_eq!(
            spoken_text("We have", std::slice::from_ref(&(0..7)), &hyphenated),
            "We have"
        );
    }

    #[test]
    fn titles_are_capitalised_phrases() {
        assert!(is_title(
            "Transforming Together: Leading for People and Place"
        ));
        assert!(!is_title("We are tearing stuff up and starting again"));
        assert!(!is_title("Public Service UK is now on Teams pretty much."));
    }
}
