//! Why a quote's themes ranked as they did: for every theme, the fused score and each
//! kind of evidence's share of it, the closest definition or example with its
//! similarity, and the theme's own words found in the quote.

use verbatim_coder::{
    APPLY_AT, Coder, FusionWeights, Meaning, PairEvidence, QuoteIndex, TextExample, code_score,
    contributions,
};
use verbatim_model::{Codebook, Origin, Quote};

use crate::embeddings::{VectorCache, embed_for_coding, load_model};
use crate::error::Result;
use crate::observer::Observer;

/// One theme's place in a quote's ranking.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThemeRank {
    /// Theme id.
    pub theme: String,
    /// The fused score (0 to 1).
    pub score: f64,
    /// `auto` (applied) or `suggested`.
    pub origin: Origin,
    /// Each kind of evidence's share of the score's logit, largest first.
    pub because: Vec<(String, f64)>,
    /// Similarity with the theme's definition, with a model.
    pub definition: Option<f64>,
    /// The nearest example (codebook example or coded quote) in meaning, and its
    /// similarity.
    pub nearest: Option<(String, f64)>,
    /// The nearest example by words, and its similarity (0 to 1).
    pub nearest_by_words: Option<(String, f64)>,
    /// The theme's own words (stems) found in the quote, most specific first.
    pub shared_words: Vec<String>,
}

/// The ranking of every theme for `quote`, best first, with the model `model` asks for
/// (`examples`, the project's coded spans, count as they do in coding; see
/// [`crate::manual::place::project_examples`]); the model's name, or `None` for words
/// alone.
pub fn explain_ranking(
    codebook: &Codebook,
    quote: &Quote,
    examples: &[TextExample],
    model: Option<&str>,
    observer: &dyn Observer,
) -> Result<(Vec<ThemeRank>, Option<String>)> {
    let coder = Coder::new(codebook)?.with_examples(examples);
    // A quote's evidence never depends on other quotes: an index of this one suffices.
    let index = QuoteIndex::in_memory(std::slice::from_ref(quote))?;
    let encoder = load_model(model, observer)?;
    let (pairs, name) = match &encoder {
        Some(encoder) => {
            let mut cache = VectorCache::open(None, encoder);
            let (themes, vectors) = embed_for_coding(
                encoder,
                &mut cache,
                codebook,
                examples,
                &[quote.text.as_str()],
                observer,
            )?;
            let meaning = Meaning {
                themes: &themes,
                quotes: &vectors,
            };
            let pairs = coder.pair_evidence(&index, Some(meaning))?;
            (pairs, Some(encoder.name().to_string()))
        }
        None => (coder.pair_evidence(&index, None)?, None),
    };
    let weights = FusionWeights::shipped();
    let weights = weights.set(name.is_some());
    let mut ranks: Vec<ThemeRank> = pairs
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .zip(&codebook.themes)
        .enumerate()
        .map(|(t, (pair, theme))| rank_of(&coder, t, &theme.id, &pair, weights, &quote.text))
        .collect();
    ranks.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.theme.cmp(&b.theme))
    });
    Ok((ranks, name))
}

fn rank_of(
    coder: &Coder,
    t: usize,
    theme: &str,
    pair: &PairEvidence,
    weights: &[f64],
    text: &str,
) -> ThemeRank {
    let features = verbatim_coder::Features::of(&pair.evidence);
    let score = code_score(&features, weights);
    let mut because: Vec<(String, f64)> = contributions(&features, weights)
        .into_iter()
        .filter(|(name, value)| *name != "constant" && *value != 0.0)
        .map(|(name, value)| (name.to_string(), value))
        .collect();
    because.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
    ThemeRank {
        theme: theme.to_string(),
        score,
        origin: if score >= APPLY_AT {
            Origin::Auto
        } else {
            Origin::Suggested
        },
        because,
        definition: pair.evidence.meaning,
        nearest: pair.nearest.clone().zip(pair.evidence.nearest_example),
        nearest_by_words: pair
            .nearest_by_words
            .clone()
            .zip(pair.evidence.example_words),
        shared_words: coder.theme_words().shared(t, text),
    }
}
