//! The nearest example of a theme by words: each example (a codebook example sentence or
//! a quote a researcher coded to the theme) is a small document, and a quote's similarity
//! to it is the BM25 score of the quote's words in it, over the example's score with
//! itself, so it lies between 0 (no word in common) and 1 (every word of the example).
//!
//! The statistics (how rare a word is, how long an example is) come from the examples
//! alone, never from the other quotes: a quote's similarity does not change when quotes
//! are added, so incremental runs stay identical to rebuilds. This is the path that learns
//! from coded quotes without a model; with one, [`crate::meaning`] adds the same by
//! embedding.

use std::collections::BTreeMap;

use rayon::prelude::*;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;

use crate::CoderError;
use crate::index::QuoteIndex;
use crate::shared_words::content_stems;

/// BM25's saturation of repeated words.
const K1: f64 = 1.2;
/// BM25's pull toward the average example length.
const B: f64 = 0.75;

/// An example of a theme as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextExample {
    /// The theme's position in the codebook.
    pub theme: usize,
    /// What the example is, for explanations (`example 1`, `coded quote a:12`).
    pub label: String,
    /// Its text.
    pub text: String,
}

/// One example's stems with their share of its self-score.
#[derive(Debug, Clone, PartialEq)]
struct Weighted {
    label: String,
    stems: Vec<(String, f64)>,
}

/// Every theme's examples, weighted for BM25, in codebook order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExampleWords {
    themes: Vec<Vec<Weighted>>,
}

/// The nearest example of one theme for every quote, by row: its similarity (rounded to
/// four decimals) and its position among the theme's examples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NearestByWords {
    best: Vec<(f32, u32)>,
}

impl NearestByWords {
    /// The similarity and position of the nearest example for `row`, if any word is shared.
    fn at(&self, row: usize) -> Option<(f64, usize)> {
        self.best
            .get(row)
            .filter(|(similarity, _)| *similarity > 0.0)
            .map(|&(similarity, example)| (f64::from(similarity), example as usize))
    }
}

impl ExampleWords {
    /// Weighs the examples of `themes` themes.
    pub fn new(themes: usize, examples: &[TextExample]) -> Self {
        let documents: Vec<(usize, &str, BTreeMap<String, usize>, usize)> = examples
            .iter()
            .filter(|e| e.theme < themes)
            .map(|e| {
                let stems = content_stems(&e.text);
                let length = stems.len();
                let mut counts: BTreeMap<String, usize> = BTreeMap::new();
                for stem in stems {
                    *counts.entry(stem).or_default() += 1;
                }
                (e.theme, e.label.as_str(), counts, length)
            })
            .collect();
        let total = documents.len() as f64;
        let average = documents.iter().map(|d| d.3 as f64).sum::<f64>() / total.max(1.0);
        let mut frequency: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, _, counts, _) in &documents {
            for stem in counts.keys() {
                *frequency.entry(stem).or_default() += 1;
            }
        }
        let mut weighted = ExampleWords {
            themes: vec![Vec::new(); themes],
        };
        for (theme, label, counts, length) in &documents {
            let norm = 1.0 - B + B * (*length as f64) / average.max(1.0);
            let stems: Vec<(String, f64)> = counts
                .iter()
                .map(|(stem, &count)| {
                    let n = frequency[stem.as_str()] as f64;
                    let idf = (1.0 + (total - n + 0.5) / (n + 0.5)).ln();
                    let tf = count as f64 * (K1 + 1.0) / (count as f64 + K1 * norm);
                    (stem.clone(), idf * tf)
                })
                .collect();
            let whole: f64 = stems.iter().map(|(_, w)| w).sum();
            if whole <= 0.0 {
                continue;
            }
            weighted.themes[*theme].push(Weighted {
                label: (*label).to_string(),
                stems: stems.into_iter().map(|(s, w)| (s, w / whole)).collect(),
            });
        }
        weighted
    }

    /// True when no theme has an example with words.
    pub fn is_empty(&self) -> bool {
        self.themes.iter().all(Vec::is_empty)
    }

    /// For each theme (codebook order), every indexed quote's nearest example; `None` for
    /// a theme without examples.
    pub fn nearest(&self, index: &QuoteIndex) -> Result<Vec<Option<NearestByWords>>, CoderError> {
        let field = index.fields().text;
        let rows = index.quote_count();
        self.themes
            .par_iter()
            .map(|examples| {
                if examples.is_empty() {
                    return Ok(None);
                }
                let mut best = vec![(0f32, 0u32); rows];
                let mut sum = vec![0f64; rows];
                let mut touched: Vec<usize> = Vec::new();
                for (position, example) in examples.iter().enumerate() {
                    for (stem, weight) in &example.stems {
                        let query =
                            TermQuery::new(index.term(field, stem), IndexRecordOption::Basic);
                        for row in index.matching(&query)?.rows() {
                            if let Some(slot) = sum.get_mut(row) {
                                if *slot == 0.0 {
                                    touched.push(row);
                                }
                                *slot += weight;
                            }
                        }
                    }
                    for row in touched.drain(..) {
                        let similarity = round4(sum[row]);
                        sum[row] = 0.0;
                        if similarity > best[row].0 {
                            best[row] = (similarity, position as u32);
                        }
                    }
                }
                Ok(Some(NearestByWords { best }))
            })
            .collect()
    }

    /// The nearest example of theme `theme` for `row`: similarity and label.
    pub fn nearest_at(
        &self,
        found: &[Option<NearestByWords>],
        theme: usize,
        row: usize,
    ) -> Option<(f64, String)> {
        let (similarity, position) = found.get(theme)?.as_ref()?.at(row)?;
        let label = self.themes.get(theme)?.get(position)?.label.clone();
        Some((similarity, label))
    }

    /// The nearest example of theme `theme` to `text`, computed from the text itself (for
    /// explanations and for quotes outside an index).
    pub fn nearest_to_text(&self, theme: usize, text: &str) -> Option<(f64, String)> {
        let stems = content_stems(text);
        let mut best: Option<(f32, &str)> = None;
        for example in self.themes.get(theme)? {
            let similarity = round4(
                example
                    .stems
                    .iter()
                    .filter(|(stem, _)| stems.contains(stem))
                    .map(|(_, w)| w)
                    .sum(),
            );
            if similarity > best.map_or(0.0, |b| b.0) {
                best = Some((similarity, &example.label));
            }
        }
        best.map(|(s, label)| (f64::from(s), label.to_string()))
    }
}

/// Rounded to four decimals, so that sums in a different order cannot reach the output.
fn round4(x: f64) -> f32 {
    ((x * 1e4).round() / 1e4) as f32
}

/// The example texts of a codebook's themes, labelled `example N`.
pub fn codebook_examples(codebook: &verbatim_model::Codebook) -> Vec<TextExample> {
    let mut out = Vec::new();
    for (theme, t) in codebook.themes.iter().enumerate() {
        for (n, text) in t.examples.iter().enumerate() {
            out.push(TextExample {
                theme,
                label: format!("example {}", n + 1),
                text: text.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use verbatim_model::Quote;

    fn example(theme: usize, label: &str, text: &str) -> TextExample {
        TextExample {
            theme,
            label: label.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_quote_is_nearest_the_example_it_shares_rare_words_with() {
        let examples = [
            example(
                0,
                "coded quote a:1",
                "The food bank ran out of tinned food.",
            ),
            example(
                0,
                "coded quote a:2",
                "Volunteers delivered parcels to shielding residents.",
            ),
            example(
                1,
                "coded quote b:1",
                "Our staff were exhausted by the second month.",
            ),
        ];
        let words = ExampleWords::new(2, &examples);
        let quotes = [
            Quote::new(
                "q:1",
                "t.txt",
                "Parcels went to residents who were shielding.",
            ),
            Quote::new("q:2", "t.txt", "Exhausted staff, every single one of them."),
            Quote::new("q:3", "t.txt", "Nothing in common here at all."),
        ];
        let index = QuoteIndex::in_memory(&quotes).expect("index");
        let found = words.nearest(&index).expect("nearest");
        let (similarity, label) = words.nearest_at(&found, 0, 0).expect("a match");
        assert_eq!(label, "coded quote a:2");
        assert!(similarity > 0.5 && similarity <= 1.0, "{similarity}");
        assert!(words.nearest_at(&found, 0, 1).is_none());
        assert!(words.nearest_at(&found, 1, 1).is_some());
        assert!(words.nearest_at(&found, 1, 2).is_none());
        assert_eq!(
            words.nearest_to_text(0, &quotes[0].text),
            Some((similarity, label)),
            "the index and the text agree"
        );
    }

    #[test]
    fn an_example_is_fully_similar_to_itself_and_themes_without_examples_have_none() {
        let text = "Schools reopened with bubbles and staggered starts.";
        let words = ExampleWords::new(3, &[example(2, "example 1", text)]);
        assert_eq!(words.nearest_to_text(2, text).map(|n| n.0), Some(1.0));
        let index = QuoteIndex::in_memory(&[Quote::new("q:1", "t.txt", text)]).expect("index");
        let found = words.nearest(&index).expect("nearest");
        assert!(found[0].is_none() && found[1].is_none());
        assert_eq!(words.nearest_at(&found, 2, 0).map(|n| n.0), Some(1.0));
    }
}
