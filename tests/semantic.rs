//! End-to-end tests of coding by meaning, with the installed sentence model. `.ci/run`
//! installs all-MiniLM-L6-v2 and sets `VERBATIM_REQUIRE_MODEL=1`, which turns a missing
//! model into a failure; a plain `cargo test` without the model says so and stops there.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const CODEBOOK: &str = r#"[codebook]
id = "meaning"
name = "Meaning"

[[category]]
id = "c"
name = "Challenges"

[[theme]]
id = "c.fatigue"
category = "c"
name = "Fatigue"
description = "Staff and leaders worn down, exhausted, burnt out after months of crisis work."
[[theme.rules]]
any = ["knackered"]

[[theme]]
id = "c.money"
category = "c"
name = "Financial pressures"
description = "Budgets, funding cuts, deficits and the cost of services."
[[theme.rules]]
any = ["overspend"]
"#;

fn model_installed() -> bool {
    let listed = verbatim_with_model(Path::new("."), &["model", "list", "--json"]);
    let installed = listed.status.success() && stdout(&listed).contains("\"name\"");
    if !installed {
        assert!(
            std::env::var("VERBATIM_REQUIRE_MODEL").as_deref() != Ok("1"),
            "VERBATIM_REQUIRE_MODEL=1 but no sentence model is installed"
        );
        eprintln!("no sentence model installed: coding by meaning not tested");
    }
    installed
}

fn project(answers: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("codebook.toml"), CODEBOOK).expect("codebook");
    let mut text = String::new();
    for answer in answers {
        text.push_str(&format!("Q: And then?\n\nA: {answer}\n\n"));
    }
    fs::write(dir.path().join("a.txt"), text).expect("transcript");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"*.txt\"]\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    dir
}

fn first_themes(dir: &Path) -> Vec<String> {
    json_lines(&verbatim_with_model(dir, &["code", "--json", "--quiet"]))
        .iter()
        .map(|q| q["codes"][0]["theme"].as_str().unwrap_or("").to_string())
        .collect()
}

fn score_of(dir: &Path, quote: usize, theme: &str) -> f64 {
    let coded = json_lines(&verbatim_with_model(dir, &["code", "--json", "--quiet"]));
    coded[quote]["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .find(|c| c["theme"] == theme)
        .and_then(|c| c["score"].as_f64())
        .unwrap_or(0.0)
}

#[test]
fn quotes_without_rule_words_rank_by_meaning() {
    if !model_installed() {
        return;
    }
    let dir = project(&[
        "Honestly my team is running on fumes, nobody has had a proper break since March.",
        "We simply cannot afford it any more; the council has run out of cash and the grant was slashed.",
    ]);
    assert_eq!(first_themes(dir.path()), ["c.fatigue", "c.money"]);
    let embeddings = dir.path().join(".verbatim/embeddings/all-minilm-l6-v2.bin");
    assert!(embeddings.exists(), "vectors kept in the project state");
    let before = fs::read(&embeddings).expect("cache");
    let again = verbatim_with_model(dir.path(), &["code", "--json", "--quiet"]);
    assert!(again.status.success());
    assert_eq!(
        fs::read(&embeddings).expect("cache"),
        before,
        "nothing new to embed"
    );
}

#[test]
fn a_manual_coding_pulls_similar_quotes_toward_its_theme() {
    if !model_installed() {
        return;
    }
    let dir = project(&[
        "We had to close the library on Saturdays to keep the lights on elsewhere.",
        "The swimming pool now shuts at weekends so the other services can stay open.",
        "Our volunteers answered the phones all night.",
    ]);
    let before = score_of(dir.path(), 1, "c.money");
    fs::write(
        dir.path().join("codings.jsonl"),
        "{\"quote\":\"a:2\",\"theme\":\"c.money\",\"coder\":\"jo\"}\n",
    )
    .expect("manual coding");
    let coded = json_lines(&verbatim_with_model(
        dir.path(),
        &["code", "--json", "--quiet"],
    ));
    let pool = coded[1]["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .find(|c| c["theme"] == "c.money")
        .expect("money ranked for the pool quote");
    let after = pool["score"].as_f64().expect("score");
    assert!(after > before, "{before} -> {after}");
    let evidence = pool["evidence"].to_string();
    assert!(evidence.contains("coded quote a:2"), "{evidence}");
}

#[test]
fn editing_a_source_with_a_coded_example_recodes_everything() {
    if !model_installed() {
        return;
    }
    let dir = project(&["Everyone is running on fumes.", "The reserves are gone."]);
    assert!(
        verbatim_with_model(dir.path(), &["code", "--quiet"])
            .status
            .success()
    );
    fs::write(
        dir.path().join("codings.jsonl"),
        "{\"quote\":\"a:2\",\"theme\":\"c.fatigue\",\"coder\":\"jo\"}\n",
    )
    .expect("manual coding");
    let summary = |dir: &Path| stdout(&verbatim_with_model(dir, &["code"]));
    assert!(
        summary(dir.path()).contains("1 sources read, 0 unchanged"),
        "new example: recode all"
    );
    fs::write(
        dir.path().join("b.txt"),
        "Q: And?\n\nA: Nobody has slept properly since spring.\n",
    )
    .expect("second source");
    let added = summary(dir.path());
    assert!(added.contains("1 sources read, 1 unchanged"), "{added}");
    fs::write(
        dir.path().join("a.txt"),
        "Q: And then?\n\nA: Everyone is running on empty.\n",
    )
    .expect("edit the coded source");
    let edited = summary(dir.path());
    assert!(edited.contains("2 sources read, 0 unchanged"), "{edited}");
}
