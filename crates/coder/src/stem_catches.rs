//! Words a rule catches that its writer may not mean: a one-word term is matched by its
//! stem, and when the term is a derived form whose stem is a shorter word of its own
//! (`seconded` -> `second`, `binned` -> `bin`), every use of that shorter word fires the
//! rule too. Found by looking at what the project's quotes actually say; the cure is the
//! rule key `exact = true`, which such rules never need a warning for.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::analyzer::tokens;
use crate::compile::CompiledTheme;

/// A shorter word in fewer quotes than this is not worth a warning.
const MIN_QUOTES: usize = 2;

/// A word of the quotes caught by a rule term through its stem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StemCatch {
    /// The theme.
    pub theme: String,
    /// The rule's 1-based number.
    pub rule: usize,
    /// The term as the codebook writes it.
    pub term: String,
    /// The shorter word it also matches.
    pub word: String,
    /// Quotes holding that word.
    pub quotes: usize,
}

/// Every shorter word of `texts` that a one-word rule term of `themes` catches through
/// its stem, most frequent first.
pub fn stem_catches(themes: &[CompiledTheme], texts: &[&str]) -> Vec<StemCatch> {
    let mut by_stem: HashMap<&str, Vec<(&str, usize, String)>> = HashMap::new();
    for theme in themes {
        for rule in theme.rules.iter().filter(|r| !r.exact) {
            for matcher in rule.any.iter().chain(&rule.all) {
                let [stems] = matcher.stems.as_slice() else {
                    continue;
                };
                for stem in stems {
                    by_stem.entry(stem.as_str()).or_default().push((
                        theme.id.as_str(),
                        rule.number,
                        matcher.label.to_lowercase(),
                    ));
                }
            }
        }
    }
    let mut counts: BTreeMap<(&str, usize, String, String), usize> = BTreeMap::new();
    let mut own: HashMap<String, usize> = HashMap::new();
    for text in texts {
        let mut seen = BTreeSet::new();
        let mut words = BTreeSet::new();
        for token in tokens(text) {
            let Some(terms) = by_stem.get(token.stem.as_str()) else {
                continue;
            };
            let word = text.get(token.from..token.to).unwrap_or("").to_lowercase();
            words.insert(word.clone());
            for (theme, rule, term) in terms {
                if word.chars().count() < term.chars().count() && !regular_pair(term, &word) {
                    seen.insert((*theme, *rule, term.clone(), word.clone()));
                }
            }
        }
        for key in seen {
            *counts.entry(key).or_default() += 1;
        }
        for word in words {
            *own.entry(word).or_default() += 1;
        }
    }
    // Worth a warning where the shorter word is common and more common than the term
    // itself: then the rule fires mostly on something else.
    let mut out: Vec<StemCatch> = counts
        .into_iter()
        .filter(|((_, _, term, _), quotes)| {
            *quotes >= MIN_QUOTES && *quotes > 2 * own.get(term).copied().unwrap_or(0)
        })
        .map(|((theme, rule, term, word), quotes)| StemCatch {
            theme: theme.to_string(),
            rule,
            term,
            word,
            quotes,
        })
        .collect();
    out.sort_by(|a, b| b.quotes.cmp(&a.quotes).then_with(|| a.term.cmp(&b.term)));
    out
}

/// A pair that is one word's regular forms, which the writer surely means together: a
/// plural and its singular (`boards`, `board`), or two inflected forms (`stopping`,
/// `stopped`). A derived term and its bare stem (`seconded`, `second`; `personal`,
/// `person`) are not.
fn regular_pair(term: &str, word: &str) -> bool {
    let plural = term == format!("{word}s")
        || term == format!("{word}es")
        || word
            .strip_suffix('y')
            .is_some_and(|stem| term == format!("{stem}ies"));
    let inflected = |w: &str| w.ends_with('s') || w.ends_with("ed") || w.ends_with("ing");
    plural || (inflected(term) && inflected(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_theme;
    use verbatim_model::{Rule, Theme};

    #[test]
    fn a_derived_term_is_caught_by_its_shorter_word() {
        let theme = Theme {
            id: "a.workforce".into(),
            category: "a".into(),
            name: "Workforce".into(),
            description: None,
            include: None,
            exclude: None,
            threshold: None,
            rules: vec![Rule {
                any: vec![
                    "seconded".into(),
                    "relationship".into(),
                    "boards".into(),
                    "stopping".into(),
                ],
                ..Rule::default()
            }],
            examples: Vec::new(),
            renamed_from: Vec::new(),
            merged_into: None,
        };
        let themes = [compile_theme(&theme).expect("theme")];
        let texts = [
            "Give me one second.",
            "Staff were seconded to the hub.",
            "Our relationships grew, second to none.",
            "The board stopped meeting.",
            "Wait a second, please.",
        ];
        let found = stem_catches(&themes, &texts);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].term.as_str(), found[0].word.as_str()),
            ("seconded", "second")
        );
        assert_eq!(found[0].quotes, 3, "more often than `seconded` itself (1)");
    }
}
