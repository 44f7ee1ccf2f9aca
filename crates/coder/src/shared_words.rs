//! Words a quote shares with a theme's own text (name, description, include note,
//! examples), each weighted by how specific it is to that theme among the codebook's
//! themes. This catches what the rules' word lists miss whenever the quote uses the
//! codebook's own vocabulary.
//!
//! The weights come from the codebook alone, never from the other quotes, so a quote's
//! score does not change when other quotes are added: incremental runs stay identical to
//! rebuilds.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use verbatim_model::{Codebook, Theme};

use crate::CoderError;
use crate::analyzer::tokens;
use crate::index::QuoteIndex;

/// Stems too short to carry meaning.
const MIN_STEM: usize = 3;

/// English function words: in a theme's text they say nothing of the theme, and a quote
/// sharing them with it shares nothing. Matched before stemming.
const FUNCTION_WORDS: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "although",
    "among",
    "and",
    "another",
    "any",
    "are",
    "around",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "can",
    "could",
    "did",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "else",
    "even",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "her",
    "here",
    "hers",
    "him",
    "his",
    "how",
    "however",
    "into",
    "its",
    "itself",
    "just",
    "many",
    "may",
    "might",
    "more",
    "most",
    "much",
    "must",
    "myself",
    "neither",
    "nor",
    "not",
    "now",
    "off",
    "once",
    "one",
    "only",
    "onto",
    "other",
    "others",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "rather",
    "said",
    "same",
    "say",
    "says",
    "shall",
    "she",
    "should",
    "since",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "too",
    "under",
    "until",
    "upon",
    "very",
    "was",
    "way",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
];

/// Per theme, its stems and their weights.
#[derive(Debug, Clone)]
pub struct ThemeWords {
    themes: Vec<Vec<(String, f64)>>,
}

impl ThemeWords {
    /// Weights each theme's stems by inverse theme frequency: a stem in every theme's
    /// text weighs nothing, one in a single theme's the most. Each theme's weights are
    /// scaled to unit length, so long definitions do not outscore short ones.
    pub fn new(codebook: &Codebook) -> Self {
        let stems: Vec<BTreeSet<String>> = codebook.themes.iter().map(theme_stems).collect();
        let mut frequency: BTreeMap<&str, usize> = BTreeMap::new();
        for set in &stems {
            for stem in set {
                *frequency.entry(stem).or_default() += 1;
            }
        }
        let count = stems.len().max(1) as f64;
        let themes = stems
            .iter()
            .map(|set| {
                let weighted: Vec<(String, f64)> = set
                    .iter()
                    .map(|stem| (stem.clone(), (count / frequency[stem.as_str()] as f64).ln()))
                    .filter(|(_, weight)| *weight > 0.0)
                    .collect();
                let norm = weighted.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
                weighted
                    .into_iter()
                    .map(|(stem, w)| (stem, w / norm.max(1e-9)))
                    .collect()
            })
            .collect();
        ThemeWords { themes }
    }

    /// For each theme (codebook order), each indexed quote's shared-word score, by row.
    pub fn scores(&self, index: &QuoteIndex) -> Result<Vec<Vec<f32>>, CoderError> {
        let field = index.fields().text;
        self.themes
            .par_iter()
            .map(|weights| {
                let mut scores = vec![0f32; index.quote_count()];
                for (stem, weight) in weights {
                    let query = TermQuery::new(index.term(field, stem), IndexRecordOption::Basic);
                    for row in index.matching(&query)?.rows() {
                        if let Some(score) = scores.get_mut(row) {
                            *score += *weight as f32;
                        }
                    }
                }
                Ok(scores)
            })
            .collect()
    }

    /// The words of `text` (as written, each once) that theme `theme` shares with it,
    /// most specific first, for explanations.
    pub fn shared(&self, theme: usize, text: &str) -> Vec<String> {
        let Some(weights) = self.themes.get(theme) else {
            return Vec::new();
        };
        let weight: BTreeMap<&str, f64> = weights.iter().map(|(s, w)| (s.as_str(), *w)).collect();
        let mut found: Vec<(f64, String)> = Vec::new();
        for token in tokens(text) {
            let word = text.get(token.from..token.to).unwrap_or("").to_lowercase();
            if let Some(&w) = weight.get(token.stem.as_str())
                && !found.iter().any(|(_, seen)| *seen == word)
            {
                found.push((w, word));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        found.into_iter().map(|(_, word)| word).collect()
    }
}

/// The text a theme is known by, for words and for meaning: category-free name,
/// description, include note and examples.
pub fn theme_text(theme: &Theme) -> String {
    let mut parts = vec![theme.name.as_str()];
    parts.extend(theme.description.as_deref());
    parts.extend(theme.include.as_deref());
    parts.extend(theme.examples.iter().map(String::as_str));
    parts.join(" ")
}

fn theme_stems(theme: &Theme) -> BTreeSet<String> {
    content_stems(&theme_text(theme)).into_iter().collect()
}

/// The stems of `text` that carry meaning, in order: no function words, nothing shorter
/// than three letters, no bare numbers.
pub(crate) fn content_stems(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| !is_function_word(text.get(t.from..t.to).unwrap_or("")))
        .map(|t| t.stem)
        .filter(|s| s.len() >= MIN_STEM && !s.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

fn is_function_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    FUNCTION_WORDS.binary_search(&lower.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use verbatim_model::Quote;

    fn codebook() -> Codebook {
        Codebook::from_toml_str(
            r#"
[codebook]
id = "t"
name = "t"
[[category]]
id = "c"
name = "C"
[[theme]]
id = "c.data"
category = "c"
name = "Sharing data"
description = "Partners share data and information about residents."
[[theme.rules]]
any = ["data"]
[[theme]]
id = "c.digital"
category = "c"
name = "Digital approaches"
description = "Services moved online; partners met on video calls."
[[theme.rules]]
any = ["online"]
"#,
            "t.toml",
        )
        .expect("codebook")
    }

    #[test]
    fn a_quote_scores_on_the_theme_whose_words_it_uses() {
        let quotes = [
            Quote::new(
                "q:1",
                "t.txt",
                "We shared information about residents at last.",
            ),
            Quote::new("q:2", "t.txt", "Every meeting is a video call now."),
        ];
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        let words = ThemeWords::new(&codebook());
        let scores = words.scores(&index).expect("scores");
        assert!(
            scores[0][0] > scores[1][0],
            "information/residents: data theme"
        );
        assert!(scores[1][1] > scores[0][1], "video call: digital theme");
        assert_eq!(
            words.shared(0, &quotes[0].text),
            ["information", "residents", "shared"],
            "every word of this theme alone weighs the same; ties by word"
        );
    }

    #[test]
    fn function_words_are_sorted_for_lookup() {
        assert!(FUNCTION_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_function_word("About") && !is_function_word("residents"));
    }

    #[test]
    fn a_word_in_every_theme_weighs_nothing() {
        let words = ThemeWords::new(&codebook());
        assert!(
            words
                .themes
                .iter()
                .flatten()
                .all(|(stem, _)| stem != "partner")
        );
    }
}
