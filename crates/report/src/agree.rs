//! Agreement between coders on a set of quotes: per theme and overall, on quotes or on
//! their characters, with precision and recall against a gold standard and the quotes
//! where coders differ.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use verbatim_model::{Coding, Origin, Quote};

use crate::reliability::{
    Unit, cohen_kappa, krippendorff_alpha, percent_agreement, precision_recall_f1,
};

/// The unit agreement is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementUnit {
    /// Each quote is one unit.
    Quote,
    /// Each character of a quote is one unit (NVivo's unit).
    Char,
}

/// One coder's codings.
#[derive(Debug, Clone, PartialEq)]
pub struct CoderCodings {
    /// The coder's name.
    pub name: String,
    /// The codings, in file order.
    pub codings: Vec<Coding>,
    /// The quotes the coder reviewed, when they coded a sample: those they coded and
    /// those they marked as reviewed with nothing applying. `None`: every quote of the
    /// sources they coded in counts as reviewed.
    pub reviewed: Option<BTreeSet<String>>,
}

/// Which quotes a coder decided on.
enum Coverage<'a> {
    /// Every quote of these sources.
    Sources(BTreeSet<&'a str>),
    /// Exactly these quotes.
    Quotes(&'a BTreeSet<String>),
}

impl Coverage<'_> {
    /// Whether the coder decided on quote `id` (of `source`, when known).
    fn covers(&self, id: &str, source: Option<&str>) -> bool {
        match self {
            Coverage::Sources(sources) => source.is_none_or(|s| sources.contains(s)),
            Coverage::Quotes(quotes) => quotes.contains(id),
        }
    }
}

/// Precision, recall and F1 of one coder against the gold standard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgainstGold {
    /// The coder.
    pub coder: String,
    /// Share of the coder's codes that the gold has.
    pub precision: Option<f64>,
    /// Share of the gold's codes that the coder has.
    pub recall: Option<f64>,
    /// Harmonic mean of the two.
    pub f1: Option<f64>,
}

/// Agreement on one theme (or overall, pooled over themes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeAgreement {
    /// Theme id, or `overall`.
    pub theme: String,
    /// Units coded to the theme by each coder, in coder order.
    pub coded: Vec<f64>,
    /// Share of units on which all coders agree.
    pub percent: Option<f64>,
    /// Cohen's kappa (two coders only).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha, nominal.
    pub alpha: Option<f64>,
    /// Each other coder against the gold standard.
    pub gold: Vec<AgainstGold>,
}

/// A quote the coders coded differently.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// Quote id.
    pub quote: String,
    /// The quote's words.
    pub text: String,
    /// Each coder's themes for the quote, in coder order (`null`: not coded by them).
    pub themes: Vec<Option<Vec<String>>>,
    /// The automatic coders' evidence: per coder index, per theme.
    pub evidence: BTreeMap<usize, BTreeMap<String, Vec<String>>>,
}

/// Everything `verbatim agree` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// Coders, in the order given.
    pub coders: Vec<String>,
    /// The unit.
    pub unit: AgreementUnit,
    /// The gold-standard coder, if any.
    pub gold: Option<String>,
    /// Quotes in the comparison.
    pub quotes: usize,
    /// Per theme, in id order.
    pub themes: Vec<ThemeAgreement>,
    /// Pooled over every (quote, theme) decision.
    pub overall: ThemeAgreement,
    /// With a gold standard: per other coder, the share of gold-coded quotes whose first
    /// theme is the gold's first theme.
    pub top1: Vec<(String, Option<f64>)>,
    /// Quotes where coders differ, most differences first.
    pub disagreements: Vec<Disagreement>,
}

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementOptions {
    /// Quotes or characters.
    pub unit: AgreementUnit,
    /// Index of the gold-standard coder, if any.
    pub gold: Option<usize>,
    /// Only these themes (empty: every theme any coder used).
    pub themes: Vec<String>,
}

/// Coders with no quote in common: no quote of the comparison has a decision from two of
/// them, so every figure of agreement would be undefined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoCommonQuotes {
    /// The coders compared, in the order given.
    pub coders: Vec<String>,
}

impl std::fmt::Display for NoCommonQuotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match self.coders.as_slice() {
            [one, two] => format!("{one} and {two} coded no quote in common"),
            many => format!("no quote was coded by two of {}", many.join(", ")),
        };
        write!(
            f,
            "no quotes overlap: {who}, so there is nothing to compare (a coder counts as \
             having coded every quote of each source they coded a quote of)"
        )
    }
}

impl std::error::Error for NoCommonQuotes {}

/// Compares coders on `quotes`. A coder is taken to have coded the quotes of every source
/// in which they coded at least one quote; elsewhere their decisions are missing, which
/// Krippendorff's alpha allows and Cohen's kappa skips. Coders of whom no two share a
/// quote cannot be compared: that is an error.
pub fn agreement(
    quotes: &[Quote],
    coders: &[CoderCodings],
    options: &AgreementOptions,
) -> Result<Agreement, NoCommonQuotes> {
    let known: BTreeSet<&str> = quotes.iter().map(|q| q.id.as_str()).collect();
    let source_of: BTreeMap<&str, &str> = quotes
        .iter()
        .map(|q| (q.id.as_str(), q.source.as_str()))
        .collect();
    // Suggestions rank a coder's themes (top-1) but are not codes.
    let coded: Vec<BTreeMap<&str, Vec<&str>>> =
        coders.iter().map(|c| ranked_themes(c, true)).collect();
    let ranked: Vec<BTreeMap<&str, Vec<&str>>> =
        coders.iter().map(|c| ranked_themes(c, false)).collect();
    let covered: Vec<Coverage<'_>> = ranked
        .iter()
        .zip(coders)
        .map(|(by_quote, coder)| match &coder.reviewed {
            Some(quotes) => Coverage::Quotes(quotes),
            None => Coverage::Sources(
                by_quote
                    .keys()
                    .filter_map(|q| source_of.get(q).copied())
                    .collect(),
            ),
        })
        .collect();
    let mut themes: BTreeSet<String> = coders
        .iter()
        .flat_map(|c| c.codings.iter().map(|coding| coding.theme.clone()))
        .collect();
    if !options.themes.is_empty() {
        themes = options.themes.iter().cloned().collect();
    }
    let in_scope: Vec<&Quote> = quotes
        .iter()
        .filter(|q| known.contains(q.id.as_str()))
        .collect();
    let shared = in_scope.iter().any(|quote| {
        covered
            .iter()
            .filter(|coverage| coverage.covers(&quote.id, Some(&quote.source)))
            .nth(1)
            .is_some()
    });
    if !shared {
        return Err(NoCommonQuotes {
            coders: coders.iter().map(|c| c.name.clone()).collect(),
        });
    }
    let weight = |quote: &Quote| match options.unit {
        AgreementUnit::Quote => 1.0,
        AgreementUnit::Char => quote.end.saturating_sub(quote.start) as f64,
    };
    let decision = |coder: usize, quote: &Quote, theme: &str| -> Option<u32> {
        covered[coder]
            .covers(&quote.id, Some(&quote.source))
            .then(|| {
                u32::from(
                    coded[coder]
                        .get(quote.id.as_str())
                        .is_some_and(|t| t.contains(&theme)),
                )
            })
    };
    let mut per_theme = Vec::new();
    let mut pooled: Vec<Unit> = Vec::new();
    for theme in &themes {
        let units: Vec<Unit> = in_scope
            .iter()
            .map(|quote| Unit {
                values: (0..coders.len())
                    .map(|c| decision(c, quote, theme))
                    .collect(),
                weight: weight(quote),
            })
            .collect();
        per_theme.push(summarise(theme, &units, coders, options.gold));
        pooled.extend(units);
    }
    let overall = summarise("overall", &pooled, coders, options.gold);
    let top1 = match options.gold {
        Some(gold) => (0..coders.len())
            .filter(|&c| c != gold)
            .map(|c| {
                (
                    coders[c].name.clone(),
                    top1(&coded[gold], &ranked[c], &covered[c], &source_of),
                )
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Agreement {
        coders: coders.iter().map(|c| c.name.clone()).collect(),
        unit: options.unit,
        gold: options
            .gold
            .and_then(|g| coders.get(g))
            .map(|c| c.name.clone()),
        quotes: in_scope.len(),
        themes: per_theme,
        overall,
        top1,
        disagreements: disagreements(&in_scope, coders, &coded, &covered, &themes),
    })
}

/// Each coder's themes per quote, best first: manual codings in file order, automatic
/// ones by score.
fn ranked_themes(coder: &CoderCodings, applied_only: bool) -> BTreeMap<&str, Vec<&str>> {
    let mut by_quote: BTreeMap<&str, Vec<(usize, f64, &str)>> = BTreeMap::new();
    for (order, coding) in coder.codings.iter().enumerate() {
        if applied_only && !coding.origin.applies() {
            continue;
        }
        let rank = match coding.origin {
            Origin::Manual => f64::INFINITY,
            Origin::Auto | Origin::Suggested => coding.score.unwrap_or(0.0),
        };
        by_quote.entry(coding.quote.as_str()).or_default().push((
            order,
            rank,
            coding.theme.as_str(),
        ));
    }
    by_quote
        .into_iter()
        .map(|(quote, mut themes)| {
            themes.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut ordered: Vec<&str> = Vec::new();
            for (_, _, theme) in themes {
                if !ordered.contains(&theme) {
                    ordered.push(theme);
                }
            }
            (quote, ordered)
        })
        .collect()
}

fn summarise(
    theme: &str,
    units: &[Unit],
    coders: &[CoderCodings],
    gold: Option<usize>,
) -> ThemeAgreement {
    let coded = (0..coders.len())
        .map(|c| {
            units
                .iter()
                .filter(|u| u.values[c] == Some(1))
                .map(|u| u.weight)
                .sum()
        })
        .collect();
    let pair = |a: usize, b: usize| -> Vec<Unit> {
        units
            .iter()
            .map(|u| Unit {
                values: vec![u.values[a], u.values[b]],
                weight: u.weight,
            })
            .collect()
    };
    let against_gold = match gold {
        Some(gold) => (0..coders.len())
            .filter(|&c| c != gold)
            .map(|c| {
                let (precision, recall, f1) = precision_recall_f1(&pair(gold, c));
                AgainstGold {
                    coder: coders[c].name.clone(),
                    precision,
                    recall,
                    f1,
                }
            })
            .collect(),
        None => Vec::new(),
    };
    ThemeAgreement {
        theme: theme.to_string(),
        coded,
        percent: percent_agreement(units),
        kappa: (coders.len() == 2).then(|| cohen_kappa(units)).flatten(),
        alpha: krippendorff_alpha(units),
        gold: against_gold,
    }
}

fn top1(
    gold: &BTreeMap<&str, Vec<&str>>,
    coder: &BTreeMap<&str, Vec<&str>>,
    covered: &Coverage<'_>,
    source_of: &BTreeMap<&str, &str>,
) -> Option<f64> {
    let judged: Vec<&str> = gold
        .keys()
        .copied()
        .filter(|q| covered.covers(q, source_of.get(q).copied()))
        .collect();
    if judged.is_empty() {
        return None;
    }
    let same = judged
        .iter()
        .filter(|q| coder.get(*q).and_then(|t| t.first()) == gold.get(*q).and_then(|t| t.first()))
        .count();
    Some(same as f64 / judged.len() as f64)
}

fn disagreements(
    quotes: &[&Quote],
    coders: &[CoderCodings],
    coded: &[BTreeMap<&str, Vec<&str>>],
    covered: &[Coverage<'_>],
    themes: &BTreeSet<String>,
) -> Vec<Disagreement> {
    let mut found: Vec<(usize, Disagreement)> = Vec::new();
    for quote in quotes {
        let sets: Vec<Option<BTreeSet<&str>>> = (0..coders.len())
            .map(|c| {
                covered[c].covers(&quote.id, Some(&quote.source)).then(|| {
                    coded[c]
                        .get(quote.id.as_str())
                        .map(|t| t.iter().copied().filter(|t| themes.contains(*t)).collect())
                        .unwrap_or_default()
                })
            })
            .collect();
        let present: Vec<&BTreeSet<&str>> = sets.iter().flatten().collect();
        if present.len() < 2 {
            continue;
        }
        let union: BTreeSet<&str> = present.iter().flat_map(|s| s.iter().copied()).collect();
        let shared: BTreeSet<&str> = union
            .iter()
            .copied()
            .filter(|t| present.iter().all(|s| s.contains(t)))
            .collect();
        let differing = union.len() - shared.len();
        if differing == 0 {
            continue;
        }
        let mut evidence: BTreeMap<usize, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for (index, coder) in coders.iter().enumerate() {
            for coding in coder.codings.iter().filter(|c| {
                c.quote == quote.id && c.origin == Origin::Auto && !c.evidence.is_empty()
            }) {
                evidence
                    .entry(index)
                    .or_default()
                    .insert(coding.theme.clone(), coding.evidence.clone());
            }
        }
        found.push((
            differing,
            Disagreement {
                quote: quote.id.clone(),
                text: quote.text.clone(),
                themes: (0..coders.len())
                    .map(|c| {
                        sets[c].as_ref().map(|_| {
                            coded[c]
                                .get(quote.id.as_str())
                                .map(|t| {
                                    t.iter()
                                        .filter(|t| themes.contains(**t))
                                        .map(|t| t.to_string())
                                        .collect()
                                })
                                .unwrap_or_default()
                        })
                    })
                    .collect(),
                evidence,
            },
        ));
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.quote.cmp(&b.1.quote)));
    found.into_iter().map(|(_, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote(id: &str, source: &str, length: usize) -> Quote {
        Quote::new(id, source, "x".repeat(length))
    }

    fn coder(name: &str, codes: &[(&str, &str)], origin: Origin) -> CoderCodings {
        CoderCodings {
            name: name.into(),
            codings: codes
                .iter()
                .enumerate()
                .map(|(i, (quote, theme))| Coding {
                    quote: quote.to_string(),
                    theme: theme.to_string(),
                    score: (origin == Origin::Auto).then_some(10.0 - i as f64),
                    origin,
                    coder: Some(name.into()),
                    evidence: vec![format!("word{i}")],
                })
                .collect(),
            reviewed: None,
        }
    }

    #[test]
    fn a_coder_of_a_sample_is_compared_on_the_quotes_they_reviewed_only() {
        let quotes = vec![
            quote("a:1", "a", 10),
            quote("a:2", "a", 10),
            quote("a:3", "a", 10),
        ];
        let all = coder("ann", &[("a:1", "t"), ("a:3", "t")], Origin::Manual);
        let mut sample = coder("bo", &[("a:1", "t")], Origin::Manual);
        let options = AgreementOptions {
            unit: AgreementUnit::Quote,
            gold: None,
            themes: Vec::new(),
        };
        let whole = agreement(&quotes, &[all.clone(), sample.clone()], &options).expect("agree");
        assert_eq!(whole.disagreements.len(), 1, "a:3 counts as bo's 'no'");
        sample.reviewed = Some(["a:1", "a:2"].map(String::from).into());
        let on_sample = agreement(&quotes, &[all, sample], &options).expect("agree");
        assert!(
            on_sample.disagreements.is_empty(),
            "{:?}",
            on_sample.disagreements
        );
        assert_eq!(on_sample.overall.percent, Some(1.0));
    }

    fn quotes() -> Vec<Quote> {
        vec![
            quote("a:1", "a", 10),
            quote("a:2", "a", 30),
            quote("a:3", "a", 10),
            quote("a:4", "a", 50),
            quote("b:1", "b", 10),
        ]
    }

    fn options(unit: AgreementUnit, gold: Option<usize>) -> AgreementOptions {
        AgreementOptions {
            unit,
            gold,
            themes: Vec::new(),
        }
    }

    #[test]
    fn per_theme_overall_gold_and_top1() {
        let reference = coder(
            "reference",
            &[
                ("a:1", "t.x"),
                ("a:2", "t.y"),
                ("a:2", "t.x"),
                ("a:4", "t.y"),
            ],
            Origin::Manual,
        );
        let auto = coder(
            "auto",
            &[
                ("a:1", "t.x"),
                ("a:2", "t.x"),
                ("a:3", "t.y"),
                ("a:4", "t.y"),
            ],
            Origin::Auto,
        );
        let result = agreement(
            &quotes(),
            &[reference, auto],
            &options(AgreementUnit::Quote, Some(0)),
        )
        .expect("coders share quotes");
        assert_eq!(result.quotes, 5);
        let x = &result.themes[0];
        // t.x: both code a:1 and a:2, neither a:3, a:4; b:1 is in a source neither coded.
        assert_eq!(
            (x.theme.as_str(), x.coded.clone(), x.percent),
            ("t.x", vec![2.0, 2.0], Some(1.0))
        );
        assert_eq!(x.kappa, Some(1.0));
        let y = &result.themes[1];
        // t.y: reference a:2, a:4; auto a:3, a:4: agree on a:1 and a:4 of four quotes.
        assert_eq!(y.percent, Some(0.5));
        assert_eq!(y.kappa, Some(0.0));
        assert_eq!(
            (y.gold[0].precision, y.gold[0].recall),
            (Some(0.5), Some(0.5))
        );
        // Top-1: reference's first themes a:1 x, a:2 y, a:4 y; auto's a:1 x, a:2 x, a:4 y.
        assert_eq!(result.top1, [("auto".to_string(), Some(2.0 / 3.0))]);
        assert_eq!(result.overall.percent, Some(0.75));
        let listed: Vec<&str> = result
            .disagreements
            .iter()
            .map(|d| d.quote.as_str())
            .collect();
        assert_eq!(listed, ["a:2", "a:3"]);
        assert_eq!(
            result.disagreements[1].themes,
            [Some(vec![]), Some(vec!["t.y".to_string()])]
        );
        assert_eq!(result.disagreements[1].evidence[&1]["t.y"], ["word2"]);
        assert!(
            !result.disagreements[1].evidence.contains_key(&0),
            "manual codings carry no evidence"
        );
        assert_eq!(result.gold.as_deref(), Some("reference"));
    }

    #[test]
    fn characters_weigh_quotes_by_length() {
        let one = coder("one", &[("a:2", "t.y"), ("a:4", "t.y")], Origin::Manual);
        let two = coder("two", &[("a:3", "t.y"), ("a:4", "t.y")], Origin::Manual);
        let by_quote = agreement(
            &quotes(),
            &[one.clone(), two.clone()],
            &options(AgreementUnit::Quote, None),
        )
        .expect("coders share quotes");
        let by_char = agreement(&quotes(), &[one, two], &options(AgreementUnit::Char, None))
            .expect("coders share quotes");
        assert_eq!(by_quote.themes[0].percent, Some(0.5));
        // Characters: agree on a:1 (10) and a:4 (50) of 100.
        assert_eq!(by_char.themes[0].percent, Some(0.6));
        assert_eq!(by_char.themes[0].coded, [80.0, 60.0]);
    }

    #[test]
    fn coders_with_no_quote_in_common_are_an_error() {
        let one = coder("one", &[("a:1", "t.x")], Origin::Manual);
        let two = coder("two", &[("b:1", "t.x")], Origin::Manual);
        let error = agreement(
            &quotes(),
            &[one.clone(), two.clone()],
            &options(AgreementUnit::Quote, None),
        )
        .expect_err("sources a and b only");
        assert_eq!(error.coders, ["one", "two"]);
        let message = error.to_string();
        assert!(
            message.starts_with("no quotes overlap: one and two coded no quote in common"),
            "{message}"
        );
        let nowhere = coder("nowhere", &[("zz:9", "t.x")], Origin::Manual);
        let error = agreement(
            &quotes(),
            &[one.clone(), nowhere],
            &options(AgreementUnit::Quote, None),
        )
        .expect_err("codings of unknown quotes only");
        assert_eq!(error.coders, ["one", "nowhere"]);
        let three = coder("three", &[("a:2", "t.y")], Origin::Manual);
        let result = agreement(
            &quotes(),
            &[one, two, three],
            &options(AgreementUnit::Quote, None),
        )
        .expect("one and three share source a");
        assert_eq!(result.quotes, 5);
    }

    #[test]
    fn a_coder_with_itself_is_perfect_and_unused_themes_are_undefined() {
        let one = coder("one", &[("a:1", "t.x"), ("a:2", "t.y")], Origin::Manual);
        let result = agreement(
            &quotes(),
            &[one.clone(), one],
            &AgreementOptions {
                unit: AgreementUnit::Quote,
                gold: None,
                themes: vec!["t.x".into(), "t.unused".into()],
            },
        )
        .expect("coders share quotes");
        let unused = result
            .themes
            .iter()
            .find(|t| t.theme == "t.unused")
            .expect("listed");
        assert_eq!(
            (unused.kappa, unused.alpha, unused.percent),
            (None, None, Some(1.0))
        );
        let used = result
            .themes
            .iter()
            .find(|t| t.theme == "t.x")
            .expect("listed");
        assert_eq!((used.kappa, used.alpha), (Some(1.0), Some(1.0)));
        assert!(result.disagreements.is_empty());
    }
}
