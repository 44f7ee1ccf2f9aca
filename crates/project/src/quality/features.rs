//! The features of every (quote, theme) pair of a gold set, as the coder computes them,
//! and the labelled pairs fitting learns from.

use verbatim_coder::{Coder, Example, Features, Meaning, QuoteIndex, TextExample, ThemeVectors};
use verbatim_semantic::Embedder;

use super::gold::GoldSet;
use crate::embeddings::{VectorCache, theme_vectors};
use crate::error::Result;
use crate::observer::Observer;

/// Every pair's features of one gold set.
pub struct SetFeatures {
    /// The set's name.
    pub name: String,
    /// Per quote, per theme (codebook order), the features.
    pub pairs: Vec<Vec<Features>>,
    /// Theme ids, codebook order.
    pub themes: Vec<String>,
    /// Per quote, the gold themes.
    pub gold: Vec<Vec<String>>,
}

/// The features of every (quote, theme) pair of `set`, by words alone or with a model.
/// With `examples`, each fold's quotes are coded with the other folds' gold quotes as
/// examples of their themes (by words, and by meaning with a model): cross-validated
/// learning from coded quotes.
pub fn set_features(
    set: &GoldSet,
    model: Option<(&Embedder, &mut VectorCache)>,
    examples: bool,
    observer: &dyn Observer,
) -> Result<SetFeatures> {
    let coder = Coder::new(&set.codebook)?;
    let index = QuoteIndex::in_memory(&set.quotes)?;
    let embedded = match model {
        Some((encoder, cache)) => {
            let texts: Vec<&str> = set.quotes.iter().map(|q| q.text.as_str()).collect();
            let vectors = cache.vectors(encoder, &texts, observer)?;
            let base = theme_vectors(encoder, cache, &set.codebook, &[], observer)?;
            Some((base, vectors))
        }
        None => None,
    };
    let folds = if examples {
        set.folds.iter().copied().max().map_or(1, |m| m + 1)
    } else {
        1
    };
    let mut pairs = vec![Vec::new(); set.quotes.len()];
    for fold in 0..folds {
        let coded = if examples {
            gold_examples(set, fold)
        } else {
            Vec::new()
        };
        let texts: Vec<TextExample> = coded.iter().map(|(_, e)| e.clone()).collect();
        let fold_coder = coder.clone().with_examples(&texts);
        let themes = embedded
            .as_ref()
            .map(|(base, vectors)| with_vectors(base, &coded, vectors));
        let meaning = embedded
            .as_ref()
            .zip(themes.as_ref())
            .map(|((_, vectors), themes)| Meaning {
                themes,
                quotes: vectors,
            });
        let found = to_features(fold_coder.pair_evidence(&index, meaning)?);
        for (row, features) in found.into_iter().enumerate() {
            if !examples || set.folds[row] == fold {
                pairs[row] = features;
            }
        }
    }
    Ok(SetFeatures {
        name: set.name.clone(),
        pairs,
        themes: set.codebook.themes.iter().map(|t| t.id.clone()).collect(),
        gold: set.gold.clone(),
    })
}

/// The gold quotes outside `fold` as examples of their gold themes, with their rows.
fn gold_examples(set: &GoldSet, fold: usize) -> Vec<(usize, TextExample)> {
    let mut coded = Vec::new();
    for (row, gold) in set.gold.iter().enumerate() {
        if set.folds[row] == fold {
            continue;
        }
        for theme in gold {
            if let Some(t) = set.codebook.themes.iter().position(|x| &x.id == theme) {
                let example = TextExample {
                    theme: t,
                    label: format!("coded quote {}", set.quotes[row].id),
                    text: set.quotes[row].text.clone(),
                };
                coded.push((row, example));
            }
        }
    }
    coded
}

/// The themes' vectors with the `coded` examples added (their vectors are their rows').
fn with_vectors(
    base: &ThemeVectors,
    coded: &[(usize, TextExample)],
    vectors: &[Vec<f32>],
) -> ThemeVectors {
    let mut themes = base.clone();
    for (row, example) in coded {
        if let (Some(vector), Some(slot)) =
            (vectors.get(*row), themes.examples.get_mut(example.theme))
        {
            slot.push(Example {
                label: example.label.clone(),
                vector: vector.clone(),
            });
        }
    }
    themes
}

fn to_features(found: Vec<Vec<verbatim_coder::PairEvidence>>) -> Vec<Vec<Features>> {
    found
        .into_iter()
        .map(|pairs| pairs.iter().map(|p| Features::of(&p.evidence)).collect())
        .collect()
}

/// Labelled pairs for fitting, from the quotes that have gold themes.
pub fn labelled(sets: &[&SetFeatures]) -> Vec<(Features, bool)> {
    let mut out = Vec::new();
    for set in sets {
        for (pairs, gold) in set.pairs.iter().zip(&set.gold) {
            if gold.is_empty() {
                continue;
            }
            for (features, theme) in pairs.iter().zip(&set.themes) {
                out.push((*features, gold.contains(theme)));
            }
        }
    }
    out
}
