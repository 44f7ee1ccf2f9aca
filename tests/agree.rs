//! End-to-end tests of `verbatim agree`.

mod common;

use std::fs;

use common::*;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("codebook.toml"),
        "[codebook]\nid = \"mini\"\nname = \"Mini\"\n\n[[category]]\nid = \"c\"\nname = \"C\"\n\n\
         [[theme]]\nid = \"c.fatigue\"\ncategory = \"c\"\nname = \"Fatigue\"\n[[theme.rules]]\nany = [\"tired\"]\n\n\
         [[theme]]\nid = \"c.money\"\ncategory = \"c\"\nname = \"Money\"\n[[theme.rules]]\nany = [\"budget\"]\n",
    )
    .expect("codebook");
    fs::write(dir.path().join("a.txt"), "Q: One?\n\nA: We are tired.\n\nQ: Two?\n\nA: The budget, and tired staff too.\n\nQ: Three?\n\nA: Nothing to add here at all today.\n").expect("a");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"]\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    fs::write(
        dir.path().join("jo.csv"),
        "quote,theme,coder\na:2,c.fatigue,jo\na:4,c.money,jo\n",
    )
    .expect("jo");
    fs::write(
        dir.path().join("sam.jsonl"),
        "{\"quote\":\"a:2\",\"theme\":\"c.fatigue\",\"origin\":\"manual\",\"coder\":\"sam\"}\n{\"quote\":\"a:6\",\"theme\":\"c.money\",\"origin\":\"manual\",\"coder\":\"sam\"}\n",
    )
    .expect("sam");
    dir
}

#[test]
fn two_manual_coders_from_csv_and_jsonl() {
    let dir = project();
    let output = verbatim(dir.path(), &["agree", "jo.csv", "sam.jsonl", "--json"]);
    let result = &json_lines(&output)[0];
    assert_eq!(result["coders"], serde_json::json!(["jo", "sam"]));
    assert_eq!(result["quotes"], 3);
    let fatigue = &result["themes"][0];
    assert_eq!(fatigue["theme"], "c.fatigue");
    assert_eq!(fatigue["kappa"], 1.0);
    let money = &result["themes"][1];
    assert_eq!(
        money["percent"].as_f64().map(|p| (p * 3.0).round()),
        Some(1.0),
        "agree on one quote of three"
    );
    assert_eq!(result["disagreements"].as_array().map(Vec::len), Some(2));
    let text = stdout(&verbatim(dir.path(), &["agree", "jo.csv", "sam.jsonl"]));
    assert!(
        text.contains("agreement of jo, sam on 3 quotes (unit: quote)"),
        "{text}"
    );
    assert!(text.contains("c.fatigue"), "{text}");
}

#[test]
fn against_the_automatic_coder_with_gold_char_units_and_themes() {
    let dir = project();
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());
    let result = &json_lines(&verbatim(
        dir.path(),
        &["agree", "jo.csv", "verbatim", "--gold", "jo", "--json"],
    ))[0];
    assert_eq!(result["gold"], "jo");
    assert_eq!(result["top1"], serde_json::json!([["verbatim", 0.5]]));
    let gold = &result["overall"]["gold"][0];
    assert_eq!(gold["coder"], "verbatim");
    assert!(gold["recall"].as_f64().is_some());
    let chars = &json_lines(&verbatim(
        dir.path(),
        &[
            "agree",
            "jo.csv",
            "sam.jsonl",
            "--unit",
            "char",
            "--theme",
            "c.money",
            "--json",
        ],
    ))[0];
    assert_eq!(chars["unit"], "char");
    assert_eq!(chars["themes"].as_array().map(Vec::len), Some(1));
    let coded = chars["themes"][0]["coded"].as_array().expect("coded");
    assert_eq!(coded[0], 32.0, "jo's money quote is 32 characters long");
}

#[test]
fn unknown_coders_and_bad_files_are_clear_errors() {
    let dir = project();
    let unknown = verbatim(dir.path(), &["agree", "jo.csv", "nobody"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("nobody: no such file"),
        "{}",
        stderr(&unknown)
    );
    fs::write(dir.path().join("bad.csv"), "id,code\nx,y\n").expect("bad");
    let bad = verbatim(dir.path(), &["agree", "jo.csv", "bad.csv"]);
    assert!(
        stderr(&bad).contains("bad.csv:1: codings CSV needs `quote` and `theme` columns"),
        "{}",
        stderr(&bad)
    );
    let gold = verbatim(
        dir.path(),
        &["agree", "jo.csv", "sam.jsonl", "--gold", "kim"],
    );
    assert!(stderr(&gold).contains("--gold kim: not one of the coders compared"));
    let one = verbatim(dir.path(), &["agree", "jo.csv"]);
    assert_eq!(
        one.status.code(),
        Some(1),
        "a usage error from the argument parser is a user error"
    );
}
