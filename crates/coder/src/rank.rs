//! Ranking every theme for every quote by one fused score ([`crate::fusion`]): the themes
//! that reach [`APPLY_AT`] are applied, and the next best are kept as suggestions, so each
//! quote has a ranked list of at least [`RANKED`] themes for review.

use std::collections::BTreeMap;

use rayon::prelude::*;
use verbatim_model::{Code, Origin, RowSet};

use crate::CoderError;
use crate::coding::{CUE_FACTOR, Coder, ThemeEvidence, run_theme};
use crate::example_words::NearestByWords;
use crate::fusion::{APPLY_AT, Evidence, Features, RANKED, code_score, round3};
use crate::index::QuoteIndex;
use crate::meaning::ThemeVectors;

/// Least similarity by words for the nearest example to be named in a code's evidence: a
/// word or two in common scores it, but says nothing a reader could check.
const WORDS_LIKE_SHOWN: f64 = 0.25;

/// Most a category's cues add to the cue feature.
const CUE_CAP: f64 = 1.0;

/// Embeddings for a coding run: the themes' and each indexed quote's, by row.
#[derive(Debug, Clone, Copy)]
pub struct Meaning<'a> {
    /// The codebook's themes.
    pub themes: &'a ThemeVectors,
    /// Each quote's unit vector, by index row.
    pub quotes: &'a [Vec<f32>],
}

/// Everything found for one (quote, theme) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairEvidence {
    /// The raw evidence.
    pub evidence: Evidence,
    /// The rules that fired, if any (cues folded in as rule 0).
    pub rules: Option<ThemeEvidence>,
    /// The nearest example's label, with a model.
    pub nearest: Option<String>,
    /// The nearest example by words, its label.
    pub nearest_by_words: Option<String>,
}

/// What the index gives every theme before quotes are ranked.
struct Gathered {
    rules: Vec<BTreeMap<usize, ThemeEvidence>>,
    cues: BTreeMap<String, BTreeMap<usize, ThemeEvidence>>,
    shared: Vec<Vec<f32>>,
    examples: Vec<Option<NearestByWords>>,
}

impl Coder {
    /// Each indexed quote's codes, best first: applied themes (origin `auto`), then the
    /// next best as `suggested` up to [`RANKED`] in all. With `meaning`, closeness in
    /// meaning counts too.
    pub fn rank(
        &self,
        index: &QuoteIndex,
        meaning: Option<Meaning<'_>>,
    ) -> Result<Vec<Vec<Code>>, CoderError> {
        let weights = self.weights().set(meaning.is_some());
        let gathered = self.gather(index)?;
        Ok((0..index.quote_count())
            .into_par_iter()
            .map(|row| {
                let pairs = self.pairs(&gathered, row, meaning);
                let mut scored: Vec<(f64, usize)> = pairs
                    .iter()
                    .enumerate()
                    .map(|(t, pair)| (code_score(&Features::of(&pair.evidence), weights), t))
                    .collect();
                scored.sort_by(|a, b| {
                    b.0.total_cmp(&a.0)
                        .then_with(|| self.themes()[a.1].id.cmp(&self.themes()[b.1].id))
                });
                let applied = scored.iter().filter(|(s, _)| *s >= APPLY_AT).count();
                scored
                    .into_iter()
                    .take(applied.max(RANKED))
                    .filter(|(s, _)| *s > 0.0)
                    .map(|(s, t)| Code {
                        theme: self.themes()[t].id.clone(),
                        score: s,
                        origin: if s >= APPLY_AT {
                            Origin::Auto
                        } else {
                            Origin::Suggested
                        },
                        evidence: labels(&pairs[t]),
                    })
                    .collect()
            })
            .collect())
    }

    /// Every theme's evidence for every indexed quote (codebook order), for fitting and
    /// explaining.
    pub fn pair_evidence(
        &self,
        index: &QuoteIndex,
        meaning: Option<Meaning<'_>>,
    ) -> Result<Vec<Vec<PairEvidence>>, CoderError> {
        let gathered = self.gather(index)?;
        Ok((0..index.quote_count())
            .into_par_iter()
            .map(|row| self.pairs(&gathered, row, meaning))
            .collect())
    }

    fn gather(&self, index: &QuoteIndex) -> Result<Gathered, CoderError> {
        let rules: Vec<BTreeMap<usize, ThemeEvidence>> = self
            .themes()
            .par_iter()
            .map(|theme| run_theme(theme, index, true, None))
            .collect::<Result<_, _>>()?;
        // A category's cues are looked for only where one of its themes has rule
        // evidence: common words make cues of most quotes.
        let cues = self
            .cues()
            .par_iter()
            .map(|(category, cue)| {
                let mut among = RowSet::new(index.quote_count());
                for (theme, found) in self.themes().iter().zip(&rules) {
                    if theme.id.split('.').next() == Some(category.as_str()) {
                        found.keys().for_each(|&row| among.insert(row));
                    }
                }
                run_theme(cue, index, true, Some(&among)).map(|found| (category.clone(), found))
            })
            .collect::<Result<_, _>>()?;
        Ok(Gathered {
            rules,
            cues,
            shared: self.theme_words().scores(index)?,
            examples: self.example_words().nearest(index)?,
        })
    }

    fn pairs(
        &self,
        gathered: &Gathered,
        row: usize,
        meaning: Option<Meaning<'_>>,
    ) -> Vec<PairEvidence> {
        let shared = |t: usize| gathered.shared[t].get(row).map_or(0.0, |&s| f64::from(s));
        let best_shared = (0..self.themes().len()).map(shared).fold(0.0, f64::max);
        let closeness: Vec<_> = match meaning.and_then(|m| m.quotes.get(row).map(|q| (m, q))) {
            Some((m, quote)) => (0..self.themes().len())
                .map(|t| Some(m.themes.closeness(t, quote)))
                .collect(),
            None => vec![None; self.themes().len()],
        };
        let best_meaning = closeness
            .iter()
            .flatten()
            .map(|c| c.definition)
            .fold(f64::MIN, f64::max);
        self.themes()
            .iter()
            .enumerate()
            .map(|(t, theme)| {
                let category = theme.id.split('.').next().unwrap_or("");
                let cue = gathered
                    .cues
                    .get(category)
                    .and_then(|found| found.get(&row));
                let mut rules = gathered.rules[t].get(&row).cloned();
                if let (Some(rules), Some(cue)) = (rules.as_mut(), cue) {
                    rules.hits.push(crate::coding::RuleHit {
                        rule: 0,
                        in_context: false,
                        terms: cue
                            .hits
                            .iter()
                            .flat_map(|h| h.terms.iter().cloned())
                            .collect(),
                        strength: round3((cue.score * CUE_FACTOR).min(CUE_CAP)),
                    });
                }
                let close = &closeness[t];
                let by_words = self.example_words().nearest_at(&gathered.examples, t, row);
                PairEvidence {
                    evidence: Evidence {
                        rules: gathered.rules[t]
                            .get(&row)
                            .map_or(0.0, |e| e.score / theme.threshold.max(1e-9)),
                        cues: cue.map_or(0.0, |c| (c.score * CUE_FACTOR).min(CUE_CAP)),
                        shared_words: shared(t),
                        best_shared_words: best_shared,
                        meaning: close.as_ref().map(|c| c.definition),
                        best_meaning,
                        nearest_example: close
                            .as_ref()
                            .and_then(|c| c.nearest.as_ref().map(|n| n.0)),
                        example_words: by_words
                            .as_ref()
                            .map(|n| n.0)
                            .or(gathered.examples[t].as_ref().map(|_| 0.0)),
                    },
                    nearest_by_words: by_words.map(|n| n.1),
                    nearest: close
                        .as_ref()
                        .and_then(|c| c.nearest.as_ref().map(|n| n.1.clone())),
                    rules,
                }
            })
            .collect()
    }
}

/// A code's evidence: the words that fired, then how close the meaning is.
fn labels(pair: &PairEvidence) -> Vec<String> {
    let mut labels = pair
        .rules
        .as_ref()
        .map(ThemeEvidence::evidence)
        .unwrap_or_default();
    if let Some(meaning) = pair.evidence.meaning {
        labels.push(format!("meaning: {meaning:.2}"));
    }
    if let (Some(label), Some(similarity)) = (&pair.nearest, pair.evidence.nearest_example) {
        labels.push(format!("like {label}: {similarity:.2}"));
    }
    if let (Some(label), Some(similarity)) = (&pair.nearest_by_words, pair.evidence.example_words)
        && similarity >= WORDS_LIKE_SHOWN
    {
        labels.push(format!("words like {label}: {similarity:.2}"));
    }
    labels
}
