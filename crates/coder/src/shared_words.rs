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

    /// The shared stems of theme `theme` found in `text`, best first, for explanations.
    pub fn shared(&self, theme: usize, text: &str) -> Vec<String> {
        let present: BTreeSet<String> = tokens(text).into_iter().map(|t| t.stem).collect();
        let mut shared: Vec<&(String, f64)> = self
            .themes
            .get(theme)
            .map(|weights| {
                weights
                    .iter()
                    .filter(|(s, _)| present.contains(s))
                    .collect()
            })
            .unwrap_or_default();
        shared.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        shared.into_iter().map(|(stem, _)| stem.clone()).collect()
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
    tokens(&theme_text(theme))
        .into_iter()
        .map(|t| t.stem)
        .filter(|s| s.len() >= MIN_STEM && !s.chars().all(|c| c.is_ascii_digit()))
        .collect()
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
            ["about", "inform", "resid", "share"],
            "every stem of this theme alone weighs the same; ties by stem"
        );
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
