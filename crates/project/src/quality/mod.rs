//! The coding-quality harness: scores the coder on every visible gold set (top-1, top-3,
//! category, Cohen's kappa, pair precision/recall/F1), with and without a model, and fits
//! the fusion weights. Weights are judged leave-one-set-out: for each set, weights fitted
//! on the other sets alone score it, so no figure is measured on what it was fitted to.
//!
//! On the bundled corpus, coded quotes of other interviews serve as examples (folds by
//! source), which measures learning from a researcher's codings by cross-validation.

mod features;
mod gold;
mod metrics;

use verbatim_coder::{FEATURES, FusionWeights, fit, fit_columns};

pub use features::{SetFeatures, labelled, set_features};
pub use gold::{GoldSet, load_gold_sets};
pub use metrics::Scores;

/// Scores of one set under one way of coding.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SetScores {
    /// The gold set.
    pub set: String,
    /// `words` or the model's name; `+examples` when coded quotes of other folds count.
    pub mode: String,
    /// `shipped` (the weights in use) or `left out` (fitted without this set).
    pub weights: String,
    /// The figures.
    pub scores: Scores,
}

/// Weights fitted on `sets`: the semantic set from `semantic`, the lexical from `lexical`.
pub fn fit_weights(
    semantic: &[&SetFeatures],
    lexical: &[&SetFeatures],
    note: &str,
) -> FusionWeights {
    let semantic_weights = if semantic.is_empty() {
        FusionWeights::shipped().semantic
    } else {
        fit(&labelled(semantic), &fit_columns(true))
    };
    FusionWeights {
        fitted_on: note.to_string(),
        semantic: semantic_weights,
        lexical: fit(&labelled(lexical), &fit_columns(false)),
    }
}

/// Scores a set's features under `weights`.
pub fn score_set(set: &SetFeatures, weights: &[f64]) -> Scores {
    debug_assert_eq!(weights.len(), FEATURES);
    metrics::score(set, weights)
}
