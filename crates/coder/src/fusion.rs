//! One score per (quote, theme) from every kind of evidence: the codebook's rules, its
//! category cues, the words the quote shares with the theme's own text and with its
//! nearest example, and, with a model, how close the quote's meaning is to the theme's
//! definition and examples.
//!
//! The evidence is combined by logistic regression, so a score is the estimated chance
//! that a researcher would code the quote to the theme, and one threshold means the same
//! for every theme. The weights are fitted on our visible gold sets by `verbatim eval
//! --fit` (see `benches/quality/`) and shipped in `fusion_weights.json`; there is one set
//! for coding with a model and one for coding by words alone.

use serde::{Deserialize, Serialize};

use crate::CoderError;

/// Number of features in a [`Features`] vector, the constant term included.
pub const FEATURES: usize = 9;

/// Names of the features, in vector order (for the weights file and `explain`).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "constant",
    "rules",
    "cues",
    "shared words",
    "shared words (relative)",
    "meaning",
    "meaning (relative)",
    "nearest example",
    "nearest example by words",
];

/// A score at or above this applies a theme; below it the best themes are suggestions.
pub const APPLY_AT: f64 = 0.5;

/// How many themes a quote's ranked list holds at least (applied, then suggested).
pub const RANKED: usize = 3;

/// The evidence of one theme in one quote, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Features(pub [f64; FEATURES]);

/// Raw evidence before it becomes [`Features`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Evidence {
    /// The rules' score over the theme's threshold.
    pub rules: f64,
    /// The category cues' strength (0 to 1).
    pub cues: f64,
    /// Words shared with the theme's text, weighted by how specific they are to it.
    pub shared_words: f64,
    /// The best `shared_words` of any theme for this quote.
    pub best_shared_words: f64,
    /// Cosine similarity of the quote and the theme's definition, with a model.
    pub meaning: Option<f64>,
    /// The best `meaning` of any theme for this quote.
    pub best_meaning: f64,
    /// Cosine similarity of the quote and the nearest example of the theme.
    pub nearest_example: Option<f64>,
    /// BM25 similarity (0 to 1) of the quote and the theme's nearest example by words.
    pub example_words: Option<f64>,
}

impl Features {
    /// The feature vector of some evidence.
    pub fn of(evidence: &Evidence) -> Self {
        let meaning = evidence.meaning.unwrap_or(0.0);
        Features([
            1.0,
            evidence.rules.ln_1p(),
            evidence.cues,
            evidence.shared_words,
            evidence.shared_words - evidence.best_shared_words,
            meaning,
            evidence.meaning.map_or(0.0, |m| m - evidence.best_meaning),
            evidence.nearest_example.unwrap_or(meaning),
            evidence.example_words.unwrap_or(evidence.shared_words),
        ])
    }
}

/// Fitted weights: one set for coding with a model, one for words alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FusionWeights {
    /// Where the weights came from (gold sets, date, figures).
    pub fitted_on: String,
    /// Weights when quotes and themes have embeddings.
    pub semantic: Vec<f64>,
    /// Weights for words alone.
    pub lexical: Vec<f64>,
}

impl FusionWeights {
    /// The weights shipped with Verbatim.
    pub fn shipped() -> Self {
        // The file is ours and checked by a test; should it ever fail to parse, the
        // neutral weights below still rank by rules, then shared words.
        serde_json::from_str(include_str!("fusion_weights.json"))
            .unwrap_or_else(|_| Self::neutral())
    }

    /// Weights that rank by rules, then shared words, then meaning, unfitted.
    pub fn neutral() -> Self {
        let weights = vec![-2.0, 3.0, 0.5, 0.5, 0.5, 4.0, 4.0, 2.0, 1.0];
        FusionWeights {
            fitted_on: "not fitted".into(),
            semantic: weights.clone(),
            lexical: weights,
        }
    }

    /// Checks that both sets have one weight per feature.
    pub fn validate(&self) -> Result<(), CoderError> {
        for (name, set) in [("semantic", &self.semantic), ("lexical", &self.lexical)] {
            if set.len() != FEATURES || set.iter().any(|w| !w.is_finite()) {
                return Err(CoderError::Weights(format!(
                    "the {name} weights need {FEATURES} finite numbers, found {}",
                    set.len()
                )));
            }
        }
        Ok(())
    }

    /// The weights for coding with (`true`) or without a model.
    pub fn set(&self, semantic: bool) -> &[f64] {
        if semantic {
            &self.semantic
        } else {
            &self.lexical
        }
    }
}

/// The calibrated score of some features under `weights`, rounded to three decimals so
/// that output is stable across platforms.
pub fn score(features: &Features, weights: &[f64]) -> f64 {
    let logit: f64 = features.0.iter().zip(weights).map(|(x, w)| x * w).sum();
    round3(sigmoid(logit))
}

/// A code's score: the fused score, except that rules reaching their theme's threshold
/// apply it (at least [`APPLY_AT`]), as the codebook promises its writer: the fused
/// evidence can add themes and order them, never overrule a rule.
pub fn code_score(features: &Features, weights: &[f64]) -> f64 {
    let fused = score(features, weights);
    if features.0[1] >= std::f64::consts::LN_2 - 1e-12 {
        fused.max(APPLY_AT)
    } else {
        fused
    }
}

/// Each feature's share of the logit, for explanations.
pub fn contributions(features: &Features, weights: &[f64]) -> Vec<(&'static str, f64)> {
    FEATURE_NAMES
        .iter()
        .zip(features.0.iter().zip(weights))
        .map(|(name, (x, w))| (*name, round3(x * w)))
        .collect()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Rounds to three decimals (and turns -0 into 0).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0 + 0.0
}

/// Fits logistic-regression weights to labelled feature vectors by full-batch gradient
/// descent with a little L2 regularisation: deterministic, and quick at the few thousand
/// pairs of our gold sets. Positive pairs are weighted up to balance the one right theme
/// against the many wrong ones of each quote.
pub fn fit(examples: &[(Features, bool)], columns: &[usize]) -> Vec<f64> {
    let positives = examples.iter().filter(|(_, y)| *y).count().max(1) as f64;
    let negatives = examples.iter().filter(|(_, y)| !*y).count().max(1) as f64;
    let positive_weight = (negatives / positives).sqrt();
    let mut weights = [0.0; FEATURES];
    let total = positives * positive_weight + negatives;
    let lambda = 1e-3;
    let rate = 0.5;
    for _ in 0..4000 {
        let mut gradient = [0.0; FEATURES];
        for (features, label) in examples {
            let logit: f64 = columns.iter().map(|&c| features.0[c] * weights[c]).sum();
            let p = sigmoid(logit);
            let (target, weight) = if *label {
                (1.0, positive_weight)
            } else {
                (0.0, 1.0)
            };
            for &c in columns {
                gradient[c] += weight * (p - target) * features.0[c];
            }
        }
        for &c in columns {
            let penalty = if c == 0 { 0.0 } else { lambda * weights[c] };
            weights[c] -= rate * (gradient[c] / total + penalty);
        }
    }
    weights.iter().map(|w| (w * 1e4).round() / 1e4).collect()
}

/// The feature columns each set uses.
pub fn fit_columns(semantic: bool) -> Vec<usize> {
    if semantic {
        (0..FEATURES).collect()
    } else {
        vec![0, 1, 2, 3, 4, 8]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_weights_parse_and_have_every_feature() {
        let shipped: FusionWeights =
            serde_json::from_str(include_str!("fusion_weights.json")).expect("weights file");
        shipped.validate().expect("valid weights");
        assert_ne!(shipped.fitted_on, "not fitted");
    }

    #[test]
    fn fitting_separates_what_the_evidence_separates() {
        let example = |rules: f64, label| {
            let evidence = Evidence {
                rules,
                ..Evidence::default()
            };
            (Features::of(&evidence), label)
        };
        let examples: Vec<_> = (0..20)
            .map(|i| example(f64::from(i % 4), i % 4 >= 2))
            .collect();
        let weights = fit(&examples, &fit_columns(false));
        assert!(weights[1] > 0.0, "more rule evidence, higher score");
        assert!(score(&examples[3].0, &weights) > APPLY_AT);
        assert!(score(&examples[0].0, &weights) < APPLY_AT);
        assert_eq!(
            weights[5], 0.0,
            "semantic columns untouched without a model"
        );
    }

    #[test]
    fn scores_are_probabilities_rounded_to_three_places() {
        let features = Features([1.0, 0.5, 0.0, 0.2, 0.0, 0.0, 0.0, 0.0, 0.2]);
        let s = score(&features, &FusionWeights::neutral().lexical);
        assert!((0.0..=1.0).contains(&s));
        assert_eq!(s, round3(s));
    }
}
