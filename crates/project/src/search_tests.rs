//! Search over a small project: filters with several values, facet counts that leave a
//! facet's own choice out, category counts, and typos in filters as errors.

use std::collections::BTreeMap;

use super::*;
use crate::observer::Silent;
use crate::test_fixtures::with_partners;

/// Three areas: Wigan says fatigue and money, Leeds money and partners, Bury fatigue.
fn searchable() -> (tempfile::TempDir, Searchable) {
    let dir = tempfile::tempdir().expect("temp dir");
    let write =
        |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write");
    write("codebook.toml", &with_partners());
    write(
        "verbatim.toml",
        "[project]\nsources = [\"*.txt\"]\ncodebook = \"codebook.toml\"\nmodel = \"none\"\n",
    );
    let interview = |area: &str, answers: &[&str]| {
        let mut text =
            format!("---\ninterviewee: Sam {area}\ninterviewer: Jo Park\narea: {area}\n---\n\n");
        for answer in answers {
            text.push_str(&format!("Jo Park: And then?\n\nSam {area}: {answer}\n\n"));
        }
        text
    };
    write(
        "wigan.txt",
        &interview("Wigan", &["Staff are exhausted.", "The budget is gone."]),
    );
    write(
        "leeds.txt",
        &interview(
            "Leeds",
            &[
                "Funding came late.",
                "Our partners stepped up.",
                "The budget again.",
            ],
        ),
    );
    write("bury.txt", &interview("Bury", &["Everyone is tired."]));
    let project = Project::load(dir.path()).expect("project");
    let searchable = Searchable::open(Some(&project), &[], None, &Silent).expect("searchable");
    (dir, searchable)
}

fn filters(attributes: &[(&str, &[&str])], themes: &[&str]) -> SearchFilters {
    SearchFilters {
        themes: themes.iter().map(|t| t.to_string()).collect(),
        attributes: attributes
            .iter()
            .map(|(name, values)| {
                (
                    name.to_string(),
                    values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect(),
        limit: 100,
        ..SearchFilters::default()
    }
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn several_values_of_one_attribute_are_alternatives() {
    let (_dir, searchable) = searchable();
    let answer = searchable
        .search("", &filters(&[("area", &["Wigan", "Bury"])], &[]))
        .expect("search");
    assert_eq!(answer.total, 3);
    for &(row, _) in &answer.hits {
        let area = searchable.quote(row).expect("quote").area;
        assert!(
            matches!(area.as_deref(), Some("Wigan" | "Bury")),
            "{area:?}"
        );
    }
}

#[test]
fn a_facet_counts_without_its_own_choice_and_with_the_others() {
    let (_dir, searchable) = searchable();
    let answer = searchable
        .search("", &filters(&[("area", &["Wigan"])], &["challenge.money"]))
        .expect("search");
    // Only Wigan's money quote matches.
    assert_eq!(answer.total, 1);
    // Areas counted over the money quotes of every area: Leeds's two would be added.
    assert_eq!(answer.by_area, counts(&[("Leeds", 2), ("Wigan", 1)]));
    // Themes counted over Wigan's quotes whatever their theme.
    assert_eq!(
        answer.by_theme,
        counts(&[("challenge.fatigue", 1), ("challenge.money", 1)])
    );
    assert_eq!(answer.by_category, counts(&[("challenge", 2)]));
}

#[test]
fn categories_count_each_quote_once() {
    let (_dir, searchable) = searchable();
    let answer = searchable.search("", &filters(&[], &[])).expect("search");
    assert_eq!(answer.total, 6);
    assert_eq!(
        answer.by_category,
        counts(&[("action", 1), ("challenge", 5)])
    );
    assert_eq!(
        answer.by_area,
        counts(&[("Bury", 1), ("Leeds", 3), ("Wigan", 2)])
    );
}

#[test]
fn words_and_filters_narrow_together() {
    let (_dir, searchable) = searchable();
    let answer = searchable
        .search("budget", &filters(&[("area", &["Leeds", "Bury"])], &[]))
        .expect("search");
    assert_eq!(answer.total, 1);
    // The area facet still counts every area's budget quote.
    assert_eq!(answer.by_area, counts(&[("Leeds", 1), ("Wigan", 1)]));
}

#[test]
fn an_unknown_attribute_or_value_names_the_nearest() {
    let (_dir, searchable) = searchable();
    let error = searchable
        .search("", &filters(&[("area", &["Wigna"])], &[]))
        .expect_err("a typo");
    assert!(error.to_string().contains("Wigan"), "{error}");
    let error = searchable
        .search("", &filters(&[("aera", &["Wigan"])], &[]))
        .expect_err("a typo");
    assert!(error.to_string().contains("area"), "{error}");
    let error = searchable
        .search("", &filters(&[("sector", &["police"])], &[]))
        .expect_err("no quote has a sector");
    assert!(error.to_string().contains("police"), "{error}");
}
