//! End-to-end tests of bad data files: rosters, codebooks and codings files that are
//! wrong give a clear message naming the file, line (and column or theme, where there is
//! one), exit code 1, and never a panic.

mod common;

use std::fs;

use common::*;

#[test]
fn roster_with_a_column_named_twice_names_the_file_and_column() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("twice.csv"),
        "name,aliases,role,organisation,area,sector,area\nAnn Lee,,,,Leeds,,Wigan\n",
    )
    .expect("roster");
    fails_with(
        dir.path(),
        &["ingest", "--roster", "twice.csv", "a.txt"],
        &["twice.csv:1: roster header has column `area` twice (columns 5 and 7)"],
    );
}

#[test]
fn roster_with_a_ragged_row_names_the_line() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("ragged.csv"),
        "name,aliases,role,organisation,area,sector\nAnn Lee,,,,,\nBo Ray,,chief\n",
    )
    .expect("roster");
    fails_with(
        dir.path(),
        &["ingest", "--roster", "ragged.csv", "a.txt"],
        &["ragged.csv:3: row has 3 fields, the header has 6"],
    );
}

#[test]
fn roster_with_a_byte_order_mark_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Ann Lee: We are all tired out.\n\nAnn Lee: And the budget is thin.\n",
    )
    .expect("transcript");
    fs::write(
        dir.path().join("bom.csv"),
        "\u{feff}name,aliases,role,organisation,area,sector\nAnn Lee,,chief,Leeds council,Leeds,council\n",
    )
    .expect("roster");
    let quotes = json_lines(&verbatim(
        dir.path(),
        &["ingest", "--json", "--roster", "bom.csv", "a.txt"],
    ));
    assert_eq!(quotes.len(), 2);
    assert_eq!(quotes[0]["area"], "Leeds", "the first column was `name`");
}

#[test]
fn codebook_toml_syntax_error_names_line_and_column() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("broken.toml"),
        codebook_text("", "[[theme.rules]\nany = [\"tired\"]\n"),
    )
    .expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "broken.toml", "a.txt"],
        &["broken.toml:11:15: unclosed array table"],
    );
    let output = verbatim(dir.path(), &["codebook", "check", "broken.toml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("broken.toml:11:15:"));
}

#[test]
fn codebook_with_an_unknown_key_names_line_and_column() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("unknown.toml"),
        codebook_text("colour = \"red\"\n", "[[theme.rules]]\nany = [\"tired\"]\n"),
    )
    .expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "unknown.toml", "a.txt"],
        &["unknown.toml:11:1: unknown field `colour`"],
    );
}

#[test]
fn codebook_theme_without_rules_names_the_theme_line() {
    let dir = transcript_dir();
    fs::write(dir.path().join("bare.toml"), codebook_text("", "")).expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "bare.toml", "a.txt"],
        &["bare.toml:8:1: theme `c.x` has no rules, so it can never be applied"],
    );
}

#[test]
fn codebook_rule_with_no_terms_names_theme_and_rule() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("empty.toml"),
        codebook_text("", "[[theme.rules]]\nany = []\n"),
    )
    .expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "empty.toml", "a.txt"],
        &["empty.toml:8:1: theme c.x, rule 1: a rule needs `any`, `all`, `near` or `query`"],
    );
}

#[test]
fn codebook_with_a_theme_id_used_twice_names_both_lines() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("twice.toml"),
        codebook_text(
            "",
            "[[theme.rules]]\nany = [\"tired\"]\n[[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"Y\"\n[[theme.rules]]\nany = [\"out\"]\n",
        ),
    )
    .expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "twice.toml", "a.txt"],
        &["twice.toml:14:1: theme id `c.x` is used twice (first on line 8)"],
    );
}

#[test]
fn codebook_threshold_not_a_positive_number_names_the_theme() {
    let dir = transcript_dir();
    for (bad, shown) in [("nan", "NaN"), ("-0.5", "-0.5"), ("inf", "inf"), ("0", "0")] {
        fs::write(
            dir.path().join("threshold.toml"),
            codebook_text(
                &format!("threshold = {bad}\n"),
                "[[theme.rules]]\nany = [\"tired\"]\n",
            ),
        )
        .expect("codebook");
        fails_with(
            dir.path(),
            &["code", "--codebook", "threshold.toml", "a.txt"],
            &[&format!(
                "threshold.toml:8:1: theme `c.x`: `threshold` must be a positive number, not {shown}"
            )],
        );
    }
}

#[test]
fn codebook_weight_not_a_positive_number_names_theme_and_rule() {
    let dir = transcript_dir();
    for bad in ["nan", "-1", "inf", "0"] {
        fs::write(
            dir.path().join("weight.toml"),
            codebook_text(
                "",
                &format!("[[theme.rules]]\nany = [\"tired\"]\nweight = {bad}\n"),
            ),
        )
        .expect("codebook");
        fails_with(
            dir.path(),
            &["code", "--codebook", "weight.toml", "a.txt"],
            &["weight.toml:8:1: theme c.x, rule 1: `weight` must be a positive number"],
        );
    }
}

#[test]
fn project_codings_with_a_broken_line_name_the_line() {
    let dir = coded_project();
    let path = dir.path().join("codings.jsonl");
    let broken =
        "{\"quote\":\"a:2\",\"theme\":\"c.x\",\"coder\":\"jo\"}\n{\"quote\":\"a:2\",\"theme\":\n";
    fs::write(&path, broken).expect("codings");
    fails_with(dir.path(), &["code"], &["codings.jsonl:2:"]);
    fails_with(dir.path(), &["report"], &["codings.jsonl:2:"]);
}

#[test]
fn agree_codings_file_with_a_broken_line_names_the_line() {
    let dir = coded_project();
    fs::write(
        dir.path().join("jo.jsonl"),
        "{\"quote\":\"a:2\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"jo\"}\n{\"quote\":\"a:2\",\"theme\":\n",
    )
    .expect("codings");
    fails_with(
        dir.path(),
        &["agree", "jo.jsonl", "verbatim"],
        &["jo.jsonl:2:"],
    );
}
