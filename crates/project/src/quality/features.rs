//! The features of every (quote, theme) pair of a gold set, as the coder computes them,
//! and the labelled pairs fitting learns from.

use verbatim_coder::{Coder, Example, Features, Meaning, QuoteIndex, ThemeVectors};
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

/// The features of every (quote, theme) pair of `set`. With an encoder, each fold's
/// quotes are coded with the other folds' gold quotes as examples when `examples` holds.
pub fn set_features(
    set: &GoldSet,
    model: Option<(&Embedder, &mut VectorCache)>,
    examples: bool,
    observer: &dyn Observer,
) -> Result<SetFeatures> {
    let coder = Coder::new(&set.codebook)?;
    let index = QuoteIndex::in_memory(&set.quotes)?;
    let pairs = match model {
        None => to_features(coder.pair_evidence(&index, None)?),
        Some((encoder, cache)) => {
            let texts: Vec<&str> = set.quotes.iter().map(|q| q.text.as_str()).collect();
            let vectors = cache.vectors(encoder, &texts, observer)?;
            let base = theme_vectors(encoder, cache, &set.codebook, &[], observer)?;
            let folds = set.folds.iter().copied().max().map_or(0, |m| m + 1);
            let mut pairs = vec![Vec::new(); set.quotes.len()];
            for fold in 0..folds {
                let themes = if examples {
                    with_examples(&base, set, &vectors, fold)
                } else {
                    base.clone()
                };
                let meaning = Meaning {
                    themes: &themes,
                    quotes: &vectors,
                };
                let found = to_features(coder.pair_evidence(&index, Some(meaning))?);
                for (row, features) in found.into_iter().enumerate() {
                    if set.folds[row] == fold {
                        pairs[row] = features;
                    }
                }
            }
            pairs
        }
    };
    Ok(SetFeatures {
        name: set.name.clone(),
        pairs,
        themes: set.codebook.themes.iter().map(|t| t.id.clone()).collect(),
        gold: set.gold.clone(),
    })
}

/// The themes' vectors with the gold quotes outside `fold` as examples.
fn with_examples(
    base: &ThemeVectors,
    set: &GoldSet,
    vectors: &[Vec<f32>],
    fold: usize,
) -> ThemeVectors {
    let mut themes = base.clone();
    for (row, gold) in set.gold.iter().enumerate() {
        if set.folds[row] == fold {
            continue;
        }
        for theme in gold {
            if let Some(t) = set.codebook.themes.iter().position(|x| &x.id == theme) {
                themes.examples[t].push(Example {
                    label: format!("coded quote {}", set.quotes[row].id),
                    vector: vectors[row].clone(),
                });
            }
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
