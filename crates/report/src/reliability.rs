//! Reliability coefficients: percent agreement, Cohen's kappa and Krippendorff's alpha
//! (nominal), on weighted units so that a unit can be a quote or a quote's characters.
//!
//! Every function returns `None` where the coefficient is undefined (no units, or no
//! variation to be chance-corrected), never a made-up 0 or 1.

use std::collections::BTreeMap;

/// One unit of analysis: each coder's value (`None`: the coder did not code the unit) and
/// the unit's weight (1 for a quote, its length for characters).
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Values, one per coder, in coder order.
    pub values: Vec<Option<u32>>,
    /// How many units this stands for.
    pub weight: f64,
}

/// Share of (weighted) units on which every coder who coded it gave the same value, over
/// units coded by at least two coders.
pub fn percent_agreement(units: &[Unit]) -> Option<f64> {
    let mut agreed = 0.0;
    let mut total = 0.0;
    for unit in units {
        let given: Vec<u32> = unit.values.iter().flatten().copied().collect();
        if given.len() < 2 {
            continue;
        }
        total += unit.weight;
        if given.iter().all(|v| *v == given[0]) {
            agreed += unit.weight;
        }
    }
    (total > 0.0).then(|| agreed / total)
}

/// Cohen's kappa for two coders, over the units both coded: (p_o - p_e) / (1 - p_e), with
/// p_e from each coder's own marginal distribution (Cohen 1960). `None` with no shared
/// units, or when p_e is 1 (both coders gave one and the same value throughout).
pub fn cohen_kappa(units: &[Unit]) -> Option<f64> {
    let mut total = 0.0;
    let mut observed = 0.0;
    let mut first: BTreeMap<u32, f64> = BTreeMap::new();
    let mut second: BTreeMap<u32, f64> = BTreeMap::new();
    for unit in units {
        let (Some(Some(a)), Some(Some(b))) = (unit.values.first(), unit.values.get(1)) else {
            continue;
        };
        total += unit.weight;
        if a == b {
            observed += unit.weight;
        }
        *first.entry(*a).or_default() += unit.weight;
        *second.entry(*b).or_default() += unit.weight;
    }
    if total <= 0.0 {
        return None;
    }
    let p_o = observed / total;
    let p_e: f64 = first
        .iter()
        .map(|(value, n)| n / total * second.get(value).copied().unwrap_or(0.0) / total)
        .sum();
    if (1.0 - p_e).abs() < 1e-12 {
        return None;
    }
    Some((p_o - p_e) / (1.0 - p_e))
}

/// Krippendorff's alpha for nominal data, any number of coders, missing values allowed
/// (Krippendorff 2011): 1 - D_o / D_e from the coincidence matrix of values paired within
/// units; units coded by fewer than two coders are not pairable and drop out. `None` with
/// no pairable values or no expected disagreement (a single value used throughout).
pub fn krippendorff_alpha(units: &[Unit]) -> Option<f64> {
    let mut coincidences: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    for unit in units {
        let given: Vec<u32> = unit.values.iter().flatten().copied().collect();
        let m = given.len();
        if m < 2 {
            continue;
        }
        let share = unit.weight / (m as f64 - 1.0);
        for (i, c) in given.iter().enumerate() {
            for (j, k) in given.iter().enumerate() {
                if i != j {
                    *coincidences.entry((*c, *k)).or_default() += share;
                }
            }
        }
    }
    let mut marginals: BTreeMap<u32, f64> = BTreeMap::new();
    for ((c, _), n) in &coincidences {
        *marginals.entry(*c).or_default() += n;
    }
    let n: f64 = marginals.values().sum();
    if n <= 1.0 {
        return None;
    }
    let observed: f64 = coincidences
        .iter()
        .filter(|((c, k), _)| c != k)
        .map(|(_, n)| n)
        .sum();
    let expected: f64 = marginals
        .iter()
        .flat_map(|(c, nc)| {
            marginals
                .iter()
                .filter(move |(k, _)| *k != c)
                .map(move |(_, nk)| nc * nk)
        })
        .sum();
    if expected <= 0.0 {
        return None;
    }
    Some(1.0 - (n - 1.0) * observed / expected)
}

/// Precision, recall and F1 of a coder's positive decisions against a gold standard's,
/// over units both coded (`1` is presence). `None` parts where undefined (nothing coded
/// by the coder, or by the gold).
pub fn precision_recall_f1(units: &[Unit]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut true_positive = 0.0;
    let mut coder_positive = 0.0;
    let mut gold_positive = 0.0;
    for unit in units {
        let (Some(Some(gold)), Some(Some(coder))) = (unit.values.first(), unit.values.get(1))
        else {
            continue;
        };
        if *coder == 1 {
            coder_positive += unit.weight;
        }
        if *gold == 1 {
            gold_positive += unit.weight;
        }
        if *coder == 1 && *gold == 1 {
            true_positive += unit.weight;
        }
    }
    let precision = (coder_positive > 0.0).then(|| true_positive / coder_positive);
    let recall = (gold_positive > 0.0).then(|| true_positive / gold_positive);
    let f1 = match (precision, recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };
    (precision, recall, f1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(rows: &[&[Option<u32>]]) -> Vec<Unit> {
        rows.iter()
            .map(|values| Unit {
                values: values.to_vec(),
                weight: 1.0,
            })
            .collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 5e-4)
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
    /// observers, twelve units, missing values; nominal alpha = 0.743.
    #[test]
    fn krippendorffs_own_reliability_data_example() {
        let (a, b, c, d) = (
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(1),
                Some(4),
                Some(1),
                Some(2),
                None,
                None,
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(2),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                None,
                Some(3),
            ],
            [
                None,
                Some(3),
                Some(3),
                Some(3),
                Some(2),
                Some(3),
                Some(4),
                Some(2),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
            [
                Some(1),
                Some(2),
                Some(3),
                Some(3),
                Some(2),
                Some(4),
                Some(4),
                Some(1),
                Some(2),
                Some(5),
                Some(1),
                None,
            ],
        );
        let data: Vec<Unit> = (0..12)
            .map(|u| Unit {
                values: vec![a[u], b[u], c[u], d[u]],
                weight: 1.0,
            })
            .collect();
        let alpha = krippendorff_alpha(&data);
        assert!(close(alpha, 0.743), "{alpha:?}");
    }

    /// Checked against the reference implementation: the `krippendorff` Python package
    /// (0.9.0), `alpha(reliability_data=..., level_of_measurement="nominal")` on these
    /// three coders (NaN for missing) gives 0.6153846153846154.
    #[test]
    fn matches_the_krippendorff_package_with_missing_values() {
        let n = None;
        let coders = [
            [
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                n,
                Some(1),
                Some(0),
                Some(1),
            ],
            [
                Some(1),
                Some(0),
                Some(0),
                n,
                Some(1),
                Some(1),
                Some(0),
                Some(1),
            ],
            [
                Some(1),
                Some(1),
                Some(0),
                Some(0),
                Some(1),
                n,
                Some(1),
                Some(1),
            ],
        ];
        let data: Vec<Unit> = (0..8)
            .map(|u| Unit {
                values: coders.iter().map(|c| c[u]).collect(),
                weight: 1.0,
            })
            .collect();
        let alpha = krippendorff_alpha(&data).expect("defined");
        assert!((alpha - 0.615_384_615_384_615_4).abs() < 1e-12, "{alpha}");
    }

    /// The worked example of Cohen's kappa on Wikipedia ("Cohen's kappa", simple example):
    /// 50 proposals, both yes 20, A yes B no 5, A no B yes 10, both no 15: p_o 0.7,
    /// p_e 0.5, kappa 0.4 (scikit-learn's cohen_kappa_score gives the same).
    #[test]
    fn cohens_kappa_worked_example() {
        let mut rows: Vec<&[Option<u32>]> = Vec::new();
        rows.extend(std::iter::repeat_n(&[Some(1), Some(1)][..], 20));
        rows.extend(std::iter::repeat_n(&[Some(1), Some(0)][..], 5));
        rows.extend(std::iter::repeat_n(&[Some(0), Some(1)][..], 10));
        rows.extend(std::iter::repeat_n(&[Some(0), Some(0)][..], 15));
        let data = units(&rows);
        assert!(close(cohen_kappa(&data), 0.4));
        assert!(close(percent_agreement(&data), 0.7));
        // Alpha by hand: coincidences o_11 = 40, o_00 = 30, o_10 = o_01 = 15; n_1 = 55,
        // n_0 = 45, n = 100; D_o = 30/100, D_e = 2*55*45/(100*99) = 0.5; alpha = 1 - 0.6 = 0.4.
        assert!(
            close(krippendorff_alpha(&data), 0.4),
            "{:?}",
            krippendorff_alpha(&data)
        );
    }

    #[test]
    fn undefined_cases_are_undefined() {
        let never = units(&[&[Some(0), Some(0)], &[Some(0), Some(0)]]);
        assert_eq!(cohen_kappa(&never), None);
        assert_eq!(krippendorff_alpha(&never), None);
        assert_eq!(percent_agreement(&never), Some(1.0));
        assert_eq!(cohen_kappa(&[]), None);
        assert_eq!(krippendorff_alpha(&units(&[&[Some(1), None]])), None);
        assert_eq!(precision_recall_f1(&never), (None, None, None));
    }

    #[test]
    fn precision_recall_and_f1() {
        let data = units(&[
            &[Some(1), Some(1)],
            &[Some(1), Some(0)],
            &[Some(0), Some(1)],
            &[Some(0), Some(0)],
            &[Some(1), Some(1)],
        ]);
        let (p, r, f) = precision_recall_f1(&data);
        assert!(close(p, 2.0 / 3.0) && close(r, 2.0 / 3.0) && close(f, 2.0 / 3.0));
    }

    #[test]
    fn weights_count_like_repeated_units() {
        let weighted = vec![
            Unit {
                values: vec![Some(1), Some(1)],
                weight: 20.0,
            },
            Unit {
                values: vec![Some(1), Some(0)],
                weight: 5.0,
            },
            Unit {
                values: vec![Some(0), Some(1)],
                weight: 10.0,
            },
            Unit {
                values: vec![Some(0), Some(0)],
                weight: 15.0,
            },
        ];
        assert!(close(cohen_kappa(&weighted), 0.4));
        assert!(close(krippendorff_alpha(&weighted), 0.4));
    }

    proptest::proptest! {
        #[test]
        fn a_coder_agrees_perfectly_with_itself_and_order_does_not_matter(
            values in proptest::collection::vec(proptest::option::of(0u32..3), 1..40),
            other in proptest::collection::vec(proptest::option::of(0u32..3), 40),
        ) {
            let itself: Vec<Unit> = values.iter().map(|v| Unit { values: vec![*v, *v], weight: 1.0 }).collect();
            if let Some(kappa) = cohen_kappa(&itself) {
                proptest::prop_assert!((kappa - 1.0).abs() < 1e-9);
            }
            if let Some(alpha) = krippendorff_alpha(&itself) {
                proptest::prop_assert!((alpha - 1.0).abs() < 1e-9);
            }
            let pairs: Vec<Unit> = values.iter().zip(&other).map(|(a, b)| Unit { values: vec![*a, *b], weight: 1.0 }).collect();
            let swapped: Vec<Unit> = values.iter().zip(&other).map(|(a, b)| Unit { values: vec![*b, *a], weight: 1.0 }).collect();
            let same = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-9,
                (None, None) => true,
                _ => false,
            };
            proptest::prop_assert!(same(cohen_kappa(&pairs), cohen_kappa(&swapped)));
            proptest::prop_assert!(same(krippendorff_alpha(&pairs), krippendorff_alpha(&swapped)));
        }
    }
}
