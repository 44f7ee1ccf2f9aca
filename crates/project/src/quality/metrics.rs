//! The figures of the quality harness, from a set's features and a weight vector.

use verbatim_coder::APPLY_AT;

use super::features::SetFeatures;

/// How well a ranking agrees with the gold labels.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Quotes with at least one gold theme (those the ranking figures count).
    pub quotes: usize,
    /// Share whose first theme is a gold theme.
    pub top1: f64,
    /// Share with a gold theme among the first three.
    pub top3: f64,
    /// Share whose first theme is in a gold theme's category.
    pub category: f64,
    /// Cohen's kappa of applied codes against gold over every (quote, theme) pair.
    pub kappa: f64,
    /// Applied pairs that are gold.
    pub precision: f64,
    /// Gold pairs applied.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Share of quotes with no theme applied.
    pub uncoded: f64,
}

/// Scores a set under `weights`.
pub fn score(set: &SetFeatures, weights: &[f64]) -> Scores {
    let (mut counted, mut top1, mut top3, mut category, mut uncoded) = (0, 0, 0, 0, 0);
    let (mut both, mut only_auto, mut only_gold, mut neither) = (0usize, 0usize, 0usize, 0usize);
    for (pairs, gold) in set.pairs.iter().zip(&set.gold) {
        let mut ranked: Vec<(f64, &String)> = pairs
            .iter()
            .zip(&set.themes)
            .map(|(features, theme)| (verbatim_coder::code_score(features, weights), theme))
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let applied: Vec<&String> = ranked
            .iter()
            .filter(|(s, _)| *s >= APPLY_AT)
            .map(|(_, t)| *t)
            .collect();
        uncoded += usize::from(applied.is_empty());
        for theme in &set.themes {
            match (applied.contains(&theme), gold.contains(theme)) {
                (true, true) => both += 1,
                (true, false) => only_auto += 1,
                (false, true) => only_gold += 1,
                (false, false) => neither += 1,
            }
        }
        if gold.is_empty() {
            continue;
        }
        counted += 1;
        let first = ranked.first().map(|(_, t)| *t);
        top1 += usize::from(first.is_some_and(|t| gold.contains(t)));
        top3 += usize::from(ranked.iter().take(3).any(|(_, t)| gold.contains(t)));
        let category_of = |t: &str| t.split('.').next().unwrap_or("").to_string();
        category += usize::from(
            first.is_some_and(|t| gold.iter().any(|g| category_of(g) == category_of(t))),
        );
    }
    let share = |n: usize, of: usize| {
        if of == 0 {
            0.0
        } else {
            round(n as f64 / of as f64)
        }
    };
    let precision = share(both, both + only_auto);
    let recall = share(both, both + only_gold);
    let f1 = if precision + recall > 0.0 {
        round(2.0 * precision * recall / (precision + recall))
    } else {
        0.0
    };
    Scores {
        quotes: counted,
        top1: share(top1, counted),
        top3: share(top3, counted),
        category: share(category, counted),
        kappa: round(kappa(both, only_auto, only_gold, neither)),
        precision,
        recall,
        f1,
        uncoded: share(uncoded, set.pairs.len()),
    }
}

/// Cohen's kappa of a 2x2 table.
fn kappa(both: usize, only_a: usize, only_b: usize, neither: usize) -> f64 {
    let n = (both + only_a + only_b + neither) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let observed = (both + neither) as f64 / n;
    let a_yes = (both + only_a) as f64 / n;
    let b_yes = (both + only_b) as f64 / n;
    let expected = a_yes * b_yes + (1.0 - a_yes) * (1.0 - b_yes);
    if (1.0 - expected).abs() < 1e-12 {
        return 1.0;
    }
    (observed - expected) / (1.0 - expected)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use verbatim_coder::Features;

    #[test]
    fn figures_follow_the_ranking() {
        // Two themes; feature 1 (rules) decides. Quote 1 right, quote 2 wrong.
        let pair = |rules: f64| Features([1.0, rules, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        let set = SetFeatures {
            name: "t".into(),
            pairs: vec![vec![pair(5.0), pair(0.0)], vec![pair(5.0), pair(0.0)]],
            themes: vec!["a.x".into(), "b.y".into()],
            gold: vec![vec!["a.x".into()], vec!["b.y".into()]],
        };
        let weights = [-1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let scores = score(&set, &weights);
        assert_eq!((scores.top1, scores.top3, scores.category), (0.5, 1.0, 0.5));
        assert_eq!((scores.precision, scores.recall), (0.5, 0.5));
        assert_eq!(scores.kappa, 0.0, "as good as chance");
        assert_eq!(scores.uncoded, 0.0);
    }

    #[test]
    fn kappa_is_one_for_perfect_agreement() {
        assert_eq!(kappa(3, 0, 0, 5), 1.0);
    }
}
