//! Splitting paragraphs that are too long for one quote at sentence boundaries.

use std::ops::Range;

use crate::transcript::trim_range;

/// Abbreviations whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "cllr", "no", "vs", "etc", "e.g", "i.e", "approx",
    "dept", "govt", "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "rev", "sr", "jr", "gen", "supt", "insp", "sgt", "ch",
];

/// Splits `range` of `text` into quotes of at most `max_words` words, cutting only at
/// sentence ends; a single sentence longer than the limit stays whole. A paragraph within
/// the limit comes back unchanged.
pub fn split_paragraph(text: &str, range: Range<usize>, max_words: usize) -> Vec<Range<usize>> {
    let paragraph = &text[range.clone()];
    if max_words == 0 || paragraph.split_whitespace().count() <= max_words {
        return vec![range];
    }
    let mut chunks = Vec::new();
    let mut chunk_start = range.start;
    let mut chunk_words = 0;
    let mut sentence_start = range.start;
    for end in sentence_ends(paragraph)
        .map(|e| range.start + e)
        .chain([range.end])
    {
        if end <= sentence_start {
            continue;
        }
        let words = text[sentence_start..end].split_whitespace().count();
        if chunk_words > 0 && chunk_words + words > max_words {
            chunks.push(trim_range(text, chunk_start..sentence_start));
            chunk_start = sentence_start;
            chunk_words = 0;
        }
        chunk_words += words;
        sentence_start = end;
    }
    chunks.push(trim_range(text, chunk_start..range.end));
    chunks.retain(|c| !c.is_empty());
    chunks
}

/// Byte offsets (within `paragraph`) just after each sentence's closing punctuation.
fn sentence_ends(paragraph: &str) -> impl Iterator<Item = usize> + '_ {
    let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
    let mut ends = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (offset, c) = chars[i];
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
            j += 1;
        }
        let followed_by_space = j < chars.len() && chars[j].1.is_whitespace();
        let next_word = chars[j..]
            .iter()
            .map(|&(_, c)| c)
            .find(|c| !c.is_whitespace());
        let starts_sentence = next_word.is_some_and(|c| !c.is_lowercase());
        if followed_by_space
            && starts_sentence
            && !(c == '.' && is_abbreviation(&paragraph[..offset]))
        {
            ends.push(chars.get(j).map_or(paragraph.len(), |&(o, _)| o));
        }
        i = j.max(i + 1);
    }
    ends.into_iter()
}

pub(crate) fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '“')
        .next()
        .unwrap_or("");
    let lower = word.to_lowercase();
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, max_words: usize) -> Vec<&str> {
        split_paragraph(text, 0..text.len(), max_words)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn short_paragraphs_are_untouched() {
        assert_eq!(split("One. Two. Three.", 10), ["One. Two. Three."]);
    }

    #[test]
    fn packs_whole_sentences_up_to_the_limit() {
        let text = "We met Dr. Shah at 9 a.m. on Monday. It went well! Did it? \"Yes,\" she said. Then J. Smith left.";
        assert_eq!(
            split(text, 9),
            [
                "We met Dr. Shah at 9 a.m. on Monday.",
                "It went well! Did it? \"Yes,\" she said.",
                "Then J. Smith left."
            ]
        );
    }

    #[test]
    fn a_sentence_longer_than_the_limit_stays_whole() {
        let text = "This one sentence has far too many words in it. Short.";
        assert_eq!(
            split(text, 3),
            ["This one sentence has far too many words in it.", "Short."]
        );
    }

    proptest::proptest! {
        #[test]
        fn chunks_cover_the_words_in_order(text in "(\\PC|[.!?] |\n){0,200}", max in 1usize..30) {
            let chunks = split_paragraph(&text, 0..text.len(), max);
            let rejoined: Vec<&str> = chunks.iter().flat_map(|r| text[r.clone()].split_whitespace()).collect();
            let original: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(rejoined, original);
        }
    }
}
