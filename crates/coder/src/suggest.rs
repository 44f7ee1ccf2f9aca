//! Rule terms a theme's coded quotes suggest: the words that set those quotes apart from
//! the rest, with counts, for the researcher to accept into the codebook or not.
//!
//! A word is scored by the smoothed log-odds of appearing in a coded quote rather than in
//! another, times how many coded quotes have it, so a word in one quote alone or in
//! every quote of the project ranks low. Words the theme's rules already match are left
//! out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analyzer::tokens;
use crate::compile::CompiledTheme;

/// Words shorter than this are rarely a theme's vocabulary.
const MIN_LETTERS: usize = 4;

/// A word proposed for a theme's rules.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggestion {
    /// The word as the quotes most often write it (lower case).
    pub word: String,
    /// Its stem (what the index matches).
    pub stem: String,
    /// Coded quotes holding it.
    pub in_coded: usize,
    /// Other quotes holding it.
    pub in_others: usize,
    /// How strongly it sets the coded quotes apart.
    pub score: f64,
}

/// Suggestions for `theme` from `coded` quotes (texts) against `others`, best first.
pub fn suggest_terms(
    theme: &CompiledTheme,
    coded: &[&str],
    others: &[&str],
    min_coded: usize,
) -> Vec<Suggestion> {
    let known: BTreeSet<&String> = theme
        .rules
        .iter()
        .flat_map(|r| r.any.iter().chain(&r.all).chain(&r.veto))
        .flat_map(|m| m.all_stems())
        .collect();
    let mut forms: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    let coded_counts = document_counts(coded, &mut forms);
    let other_counts = document_counts(others, &mut HashMap::new());
    let (n_coded, n_others) = (coded.len().max(1) as f64, others.len().max(1) as f64);
    let mut out: Vec<Suggestion> = coded_counts
        .iter()
        .filter(|(stem, count)| **count >= min_coded && !known.contains(stem))
        .filter_map(|(stem, &in_coded)| {
            let word = forms
                .get(stem)?
                .iter()
                .max_by_key(|(w, n)| (**n, std::cmp::Reverse((*w).clone())))?
                .0
                .clone();
            if word.chars().count() < MIN_LETTERS || word.chars().any(|c| c.is_ascii_digit()) {
                return None;
            }
            let in_others = other_counts.get(stem).copied().unwrap_or(0);
            let p_coded = (in_coded as f64 + 0.5) / (n_coded + 1.0);
            let p_others = (in_others as f64 + 0.5) / (n_others + 1.0);
            let odds = (p_coded / (1.0 - p_coded)).ln() - (p_others / (1.0 - p_others)).ln();
            (odds > 0.0).then(|| Suggestion {
                word,
                stem: stem.clone(),
                in_coded,
                in_others,
                score: (odds * (in_coded as f64).ln_1p() * 1000.0).round() / 1000.0,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.stem.cmp(&b.stem))
    });
    out
}

/// In how many texts each stem occurs; `forms` collects each stem's surface words.
fn document_counts(
    texts: &[&str],
    forms: &mut HashMap<String, BTreeMap<String, usize>>,
) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let mut seen = BTreeSet::new();
        for token in tokens(text) {
            let word = text
                .get(token.from..token.to)
                .unwrap_or_default()
                .to_lowercase();
            *forms
                .entry(token.stem.clone())
                .or_default()
                .entry(word)
                .or_default() += 1;
            seen.insert(token.stem);
        }
        for stem in seen {
            *counts.entry(stem).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_theme;
    use verbatim_model::{Rule, Theme};

    #[test]
    fn words_of_the_coded_quotes_rank_above_everyday_words() {
        let theme = Theme {
            id: "c.fatigue".into(),
            category: "c".into(),
            name: "Fatigue".into(),
            description: None,
            include: None,
            exclude: None,
            threshold: None,
            rules: vec![Rule {
                any: vec!["tired".into()],
                ..Rule::default()
            }],
            examples: Vec::new(),
            renamed_from: Vec::new(),
            merged_into: None,
        };
        let compiled = compile_theme(&theme).expect("theme");
        let coded = [
            "Everyone is shattered and tired, honestly shattered.",
            "The team is shattered after the winter.",
            "People are exhausted, shattered really.",
        ];
        let others = [
            "The budget after the winter is tight.",
            "We opened the hub after the winter.",
            "The team is great.",
        ];
        let found = suggest_terms(&compiled, &coded, &others, 2);
        assert_eq!(found[0].word, "shattered");
        assert_eq!((found[0].in_coded, found[0].in_others), (3, 0));
        assert!(
            found.iter().all(|s| s.word != "tired"),
            "already a rule term"
        );
        assert!(
            found.iter().all(|s| s.word != "winter"),
            "as common elsewhere"
        );
    }
}
