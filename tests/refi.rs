//! End-to-end tests of REFI-QDA codebook exchange: `verbatim export --format qdc` and
//! `verbatim import FILE.qdc`, on the bundled project's codebook and on hostile files.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

/// The ids, categories and names of a codebook TOML's themes.
fn themes(path: &std::path::Path) -> Vec<(String, String, String)> {
    let codebook: toml::Table =
        toml::from_str(&fs::read_to_string(path).expect("toml")).expect("the codebook parses");
    codebook["theme"]
        .as_array()
        .expect("themes")
        .iter()
        .map(|t| {
            let field = |name: &str| t[name].as_str().unwrap_or_default().to_string();
            (field("id"), field("category"), field("name"))
        })
        .collect()
}

#[test]
fn the_bundled_codebook_goes_out_and_back_unchanged() {
    let root = repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    let qdc = dir.path().join("codebook.qdc");
    let written = verbatim(
        &root,
        &[
            "export",
            "--format",
            "qdc",
            "--out",
            qdc.to_str().expect("path"),
            "--quiet",
        ],
    );
    assert!(written.status.success(), "{}", stderr(&written));
    let again = stdout(&verbatim(&root, &["export", "--format", "qdc"]));
    assert_eq!(
        fs::read_to_string(&qdc).expect("qdc"),
        again,
        "the same bytes every time"
    );
    assert!(again.contains("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\""));

    // Into the project it came from: every theme keeps its id, category and rules.
    let back = dir.path().join("back.toml");
    let imported = verbatim(
        &root,
        &[
            "import",
            qdc.to_str().expect("path"),
            "--out",
            back.to_str().expect("path"),
            "--json",
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let summary: Value = serde_json::from_str(stdout(&imported).trim()).expect("json");
    let original = root.join("codebooks/seizing-the-moment-2020.toml");
    assert_eq!(
        summary["themes"].as_u64(),
        Some(themes(&original).len() as u64)
    );
    assert_eq!(themes(&back), themes(&original));
    let checked = verbatim(&root, &["codebook", "check", back.to_str().expect("path")]);
    assert!(checked.status.success(), "{}", stderr(&checked));

    // Outside a project: ids from the names, a rule from each name, and it loads.
    let fresh = dir.path().join("fresh.toml");
    let imported = verbatim(
        dir.path(),
        &["import", "codebook.qdc", "--out", "fresh.toml", "--quiet"],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let names: Vec<String> = themes(&fresh).into_iter().map(|t| t.2).collect();
    let original_names: Vec<String> = themes(&original).into_iter().map(|t| t.2).collect();
    assert_eq!(names, original_names);
    let checked = verbatim(dir.path(), &["codebook", "check", "fresh.toml"]);
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn hostile_or_wrong_files_are_clear_errors_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| fs::write(dir.path().join(name), text).expect("write");
    write(
        "entities.qdc",
        "<?xml version=\"1.0\"?>\n<!DOCTYPE CodeBook [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;\">]>\n<CodeBook><Codes/></CodeBook>\n",
    );
    write("project.qdc", "<Project/>");
    write(
        "broken.qdc",
        "<CodeBook><Codes><Code guid=\"nope\" name=\"x\" isCodable=\"true\"/></Codes></CodeBook>",
    );
    write("whole.qdpx", "PK");
    for (file, expected) in [
        ("entities.qdc", "entities.qdc: line 2: a DOCTYPE"),
        ("project.qdc", "not a REFI <CodeBook>"),
        ("broken.qdc", "without a valid guid"),
        ("whole.qdpx", "whole.qdpx: not a ZIP archive"),
        ("missing.qdc", "missing.qdc: cannot read"),
    ] {
        let output = verbatim(dir.path(), &["import", file]);
        assert!(!output.status.success(), "{file}");
        assert!(
            stderr(&output).contains(expected),
            "{file}: {}",
            stderr(&output)
        );
    }
    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // An existing file is replaced only when asked.
    let root = repo_root();
    let qdc = dir.path().join("ok.qdc");
    let written = verbatim(
        &root,
        &[
            "export",
            "--format",
            "qdc",
            "--out",
            qdc.to_str().expect("path"),
        ],
    );
    assert!(written.status.success(), "{}", stderr(&written));
    write("ok.toml", "# mine\n");
    let refused = verbatim(dir.path(), &["import", "ok.qdc"]);
    assert!(
        stderr(&refused).contains("ok.toml: exists; give --force"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("ok.toml")).expect("kept"),
        "# mine\n"
    );
    let forced = verbatim(dir.path(), &["import", "ok.qdc", "--force", "--quiet"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}
