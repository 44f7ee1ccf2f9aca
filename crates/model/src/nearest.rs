//! The nearest valid names to a mistyped one, for errors that say what was meant: a
//! filter naming a theme, category or value that does not exist should say so and offer
//! the close ones, never answer with an empty result.

/// Up to three of `names` closest to `wanted` (edit distance, case ignored), nearest
/// first, among those close enough to be a slip: within a third of the name's length,
/// and always within 2. Names containing `wanted` (or contained in it) count as close.
pub fn nearest<'a>(wanted: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let lower = name.to_lowercase();
            let distance = if !wanted_lower.is_empty()
                && (lower.contains(&wanted_lower) || wanted_lower.contains(&lower))
            {
                0
            } else {
                edit_distance(&wanted_lower, &lower)
            };
            let allowed = (wanted_lower.chars().count() / 3).max(2);
            (distance <= allowed).then_some((distance, name))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}

/// An error message for `what` (`--theme`, `--area`...) naming `wanted`, which is not
/// among `names`: the nearest, or else what there is to choose from.
pub fn unknown_name(what: &str, wanted: &str, names: &[&str]) -> String {
    let close = nearest(wanted, names.iter().copied());
    if !close.is_empty() {
        return format!(
            "{what} {wanted}: no such name; did you mean {}?",
            close.join(", ")
        );
    }
    let mut shown: Vec<&str> = names.to_vec();
    shown.sort_unstable();
    shown.dedup();
    let more = shown.len().saturating_sub(12);
    shown.truncate(12);
    let list = if shown.is_empty() {
        "there are none".to_string()
    } else if more > 0 {
        format!("one of {} and {more} more", shown.join(", "))
    } else {
        format!("one of {}", shown.join(", "))
    };
    format!("{what} {wanted}: no such name ({list})")
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_find_what_was_meant() {
        let themes = [
            "challenge.fatigue",
            "challenge.financial-pressures",
            "priority.climate-change",
        ];
        assert_eq!(nearest("challenge.fatigeu", themes), ["challenge.fatigue"]);
        assert_eq!(nearest("fatigue", themes), ["challenge.fatigue"]);
        assert_eq!(nearest("Wigna", ["Wigan", "Leeds"]), ["Wigan"]);
        assert!(nearest("zzz", themes).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn messages_offer_the_nearest_or_the_choice() {
        assert_eq!(
            unknown_name("--area", "Wigna", &["Wigan", "Leeds"]),
            "--area Wigna: no such name; did you mean Wigan?"
        );
        assert_eq!(
            unknown_name("--category", "zzz", &["challenge", "action"]),
            "--category zzz: no such name (one of action, challenge)"
        );
    }
}
