//! End-to-end tests of REFI-QDA project exchange: `verbatim export --format qdpx` and
//! `verbatim import FILE.qdpx`, on a copy of the bundled project with a researcher's
//! decisions, and on hostile archives.

mod common;

use std::fs;
use std::io::Write as _;
use std::path::Path;

use common::*;
use serde_json::Value;

/// A copy of the bundled project (configuration, corpus, codebooks) in a temp folder.
fn bundled_copy() -> tempfile::TempDir {
    let root = repo_root();
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(root.join("verbatim.toml"), dir.path().join("verbatim.toml")).expect("config");
    for folder in ["corpus", "codebooks"] {
        fs::create_dir(dir.path().join(folder)).expect("folder");
        for entry in fs::read_dir(root.join(folder)).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                let name = path.file_name().expect("name");
                fs::copy(&path, dir.path().join(folder).join(name)).expect("copy");
            }
        }
    }
    dir
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = verbatim(dir, args);
    assert!(
        output.status.success(),
        "verbatim {args:?}: {}",
        stderr(&output)
    );
    stdout(&output)
}

/// The quotes with their codes (theme, origin, score), as `code --json` gives them.
fn coded(dir: &Path) -> Vec<Value> {
    json_lines(&verbatim(dir, &["code", "--json", "--quiet"]))
        .into_iter()
        .map(|q| {
            let codes: Vec<Value> = q["codes"]
                .as_array()
                .expect("codes")
                .iter()
                .map(|c| serde_json::json!([c["theme"], c["origin"], c["score"]]))
                .collect();
            serde_json::json!([
                q["id"],
                q["source"],
                q["start"],
                q["end"],
                q["speaker"],
                q["area"],
                q["round"],
                codes
            ])
        })
        .collect()
}

/// The decisions file's lines, sorted, so that order does not count.
fn decisions(dir: &Path) -> Vec<String> {
    let text = fs::read_to_string(dir.join("codings.jsonl")).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn the_bundled_project_goes_out_and_back_with_identical_codings() {
    let original = bundled_copy();
    let d = original.path();
    let quotes = coded(d);
    let with_auto = quotes
        .iter()
        .find(|q| q[7].as_array().is_some_and(|c| !c.is_empty()))
        .expect("a quote coded automatically");
    let (first, second) = (
        quotes[0][0].as_str().expect("id"),
        quotes[1][0].as_str().expect("id"),
    );
    let auto_id = with_auto[0].as_str().expect("id");
    let auto_theme = with_auto[7][0][0].as_str().expect("theme");
    ok(
        d,
        &[
            "coding",
            "add",
            first,
            "challenge.fatigue",
            "--coder",
            "ann",
            "--memo",
            "tired, in her words",
        ],
    );
    ok(
        d,
        &[
            "coding",
            "add",
            second,
            "challenge.fatigue",
            "--coder",
            "jo",
        ],
    );
    ok(
        d,
        &[
            "coding", "reject", auto_id, auto_theme, "--coder", "jo", "--memo", "not this",
        ],
    );
    ok(d, &["memo", "add", second, "ask about the rota"]);
    ok(
        d,
        &[
            "memo",
            "add",
            "challenge.fatigue",
            "fatigue includes volunteers",
        ],
    );
    ok(
        d,
        &["memo", "add", "corpus/nwl-ccg.txt", "poor audio at the end"],
    );
    // A line written by hand, with no coder.
    let third = &json_lines(&verbatim(d, &["code", "--json", "--quiet"]))[2];
    let unsigned = serde_json::json!({"kind": "code", "theme": "challenge.fatigue",
        "source": third["source"], "start": third["start"], "end": third["end"],
        "text": third["text"]});
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(d.join("codings.jsonl"))
        .expect("codings file");
    writeln!(file, "{unsigned}").expect("append");
    let before = coded(d);
    let before_decisions = decisions(d);
    assert_eq!(before_decisions.len(), 7);

    let archive = d.join("study.qdpx");
    let summary: Value = serde_json::from_str(&ok(
        d,
        &[
            "export",
            "--format",
            "qdpx",
            "--automatic",
            "--out",
            "study.qdpx",
            "--json",
            "--quiet",
        ],
    ))
    .expect("summary");
    assert_eq!(summary["sources"], 12);
    assert_eq!(summary["cases"], 14);
    let mut zip = zip::ZipArchive::new(fs::File::open(&archive).expect("qdpx")).expect("zip");
    let mut qde = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("project.qde").expect("qde"), &mut qde)
        .expect("read");
    assert!(
        qde.contains("name=\"nwl-ccg.txt\""),
        "sources named by file name"
    );
    assert!(
        qde.contains("name=\"Unsigned (no coder named)\""),
        "every coding signed"
    );
    let again = d.join("again.qdpx");
    ok(
        d,
        &[
            "export",
            "--format",
            "qdpx",
            "--automatic",
            "--out",
            "again.qdpx",
            "--quiet",
        ],
    );
    assert_eq!(
        fs::read(&archive).expect("qdpx"),
        fs::read(&again).expect("qdpx"),
        "same bytes every time"
    );

    let target = tempfile::tempdir().expect("temp dir");
    let imported: Value = serde_json::from_str(&ok(
        target.path(),
        &[
            "import",
            archive.to_str().expect("path"),
            "--out",
            "back",
            "--json",
        ],
    ))
    .expect("summary");
    let back = target.path().join("back");
    assert_eq!(imported["sources"], 12);
    assert!(
        imported["automatic"].as_u64().expect("count") > 0,
        "{imported}"
    );
    assert_eq!(
        decisions(&back),
        before_decisions,
        "the decisions come back as they were"
    );
    assert_eq!(coded(&back), before, "every quote has the same codes");
    assert!(back.join("corpus/edinburgh-council.vtt").exists());
    assert!(back.join("corpus/gwent-police.docx").exists());

    let refused = verbatim(
        target.path(),
        &["import", archive.to_str().expect("path"), "--out", "back"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("already holds a project"),
        "{}",
        stderr(&refused)
    );
    // A folder holding a file the import would write is left as it was.
    let mine = target.path().join("mine/corpus");
    fs::create_dir_all(&mine).expect("folder");
    fs::write(mine.join("nwl-ccg.txt"), "my own notes").expect("write");
    let refused = verbatim(
        target.path(),
        &["import", archive.to_str().expect("path"), "--out", "mine"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("corpus/nwl-ccg.txt"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        fs::read_to_string(mine.join("nwl-ccg.txt")).expect("read"),
        "my own notes"
    );
    assert!(
        !target.path().join("mine/verbatim.toml").exists(),
        "nothing written"
    );
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(bytes).expect("bytes");
    }
    zip.finish().expect("zip").into_inner()
}

const PROJECT: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"Other tool\" origin=\"elsewhere\">\n\
<Users><User guid=\"{AAAAAAAA-0000-4000-8000-000000000001}\" name=\"Ann\"/></Users>\n\
<CodeBook><Codes><Code guid=\"AAAAAAAA-0000-4000-8000-000000000002\" name=\"Fatigue\" isCodable=\"true\"/>\
<Code guid=\"aaaaaaaa-0000-4000-8000-000000000003\" name=\"Money\" isCodable=\"true\"/></Codes></CodeBook>\n\
<Sources><TextSource guid=\"aaaaaaaa-0000-4000-8000-000000000004\" name=\"Interview é.txt\" plainTextPath=\"internal://AAAAAAAA-0000-4000-8000-000000000004.txt\">\
<PlainTextSelection guid=\"aaaaaaaa-0000-4000-8000-000000000005\" startPosition=\"5\" endPosition=\"26\">\
<Coding guid=\"aaaaaaaa-0000-4000-8000-000000000006\" creatingUser=\"AAAAAAAA-0000-4000-8000-000000000001\">\
<CodeRef targetGUID=\"aaaaaaaa-0000-4000-8000-000000000002\"/><CodeRef targetGUID=\"aaaaaaaa-0000-4000-8000-000000000003\"/></Coding>\
</PlainTextSelection></TextSource></Sources>\n</Project>\n";

#[test]
fn another_tools_project_imports_leniently_and_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "Ann: Café staff are tired, and money is short.\n";
    let archive = zip_of(&[
        ("project.qde", PROJECT.as_bytes()),
        (
            "Sources/aaaaaaaa-0000-4000-8000-000000000004.txt",
            text.as_bytes(),
        ),
    ]);
    fs::write(dir.path().join("other.qdpx"), archive).expect("write");
    let summary: Value =
        serde_json::from_str(&ok(dir.path(), &["import", "other.qdpx", "--json"])).expect("json");
    assert_eq!(
        (summary["sources"].as_u64(), summary["codings"].as_u64()),
        (Some(1), Some(2))
    );
    let project = dir.path().join("other");
    let lines = decisions(&project);
    assert_eq!(lines.len(), 2, "two CodeRefs, two codes: {lines:?}");
    for line in &lines {
        let decision: Value = serde_json::from_str(line).expect("json");
        assert_eq!(decision["text"], "Café staff are tired,");
        assert_eq!(decision["coder"], "Ann");
        assert_eq!(decision["source"], "Interview é.txt");
    }
    let report = ok(&project, &["report", "--quiet"]);
    assert!(report.contains("Fatigue"), "{report}");
}

#[test]
fn hostile_archives_are_refused_and_write_nothing_outside() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "slip.qdpx",
            zip_of(&[("project.qde", PROJECT.as_bytes()), ("../evil.txt", b"x")]),
            "climbs out",
        ),
        (
            "absolute.qdpx",
            zip_of(&[("project.qde", PROJECT.as_bytes()), ("/tmp/evil.txt", b"x")]),
            "absolute path",
        ),
        (
            "doctype.qdpx",
            zip_of(&[(
                "project.qde",
                b"<!DOCTYPE x [<!ENTITY a \"b\">]><Project name=\"x\"/>",
            )]),
            "DOCTYPE",
        ),
        (
            "outside.qdpx",
            zip_of(&[("project.qde", PROJECT.as_bytes())]),
            "not in the archive",
        ),
    ];
    for (name, bytes, expected) in cases {
        fs::write(dir.path().join(name), bytes).expect("write");
        let output = verbatim(dir.path(), &["import", name, "--out", "project"]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let message = stderr(&output);
        assert!(
            message.contains(name) && message.contains(expected),
            "{name}: {message}"
        );
        assert!(!dir.path().join("evil.txt").exists());
        assert!(
            !dir.path().join("project").exists(),
            "{name}: nothing written"
        );
    }
}

/// `archive` as another tool would write it back: the same project, without Verbatim's
/// own folder.
fn without_verbatim_folder(archive: &[u8]) -> Vec<u8> {
    let mut read = zip::ZipArchive::new(std::io::Cursor::new(archive)).expect("zip");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..read.len() {
        let mut entry = read.by_index(index).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read");
        if !name.starts_with("verbatim/") {
            entries.push((name, bytes));
        }
    }
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&borrowed)
}

#[test]
fn a_colleagues_codes_on_our_export_come_back_under_our_theme_ids() {
    let original = bundled_copy();
    let d = original.path();
    let quote = coded(d)[3][0].as_str().expect("id").to_string();
    ok(
        d,
        &[
            "coding",
            "add",
            &quote,
            "challenge.fatigue",
            "--coder",
            "kim",
        ],
    );
    ok(
        d,
        &[
            "export",
            "--format",
            "qdpx",
            "--out",
            "study.qdpx",
            "--quiet",
        ],
    );
    // Kim's code lives only in the archive a tool without Verbatim's folder wrote back.
    let theirs = without_verbatim_folder(&fs::read(d.join("study.qdpx")).expect("qdpx"));
    fs::write(d.join("theirs.qdpx"), theirs).expect("write");
    fs::remove_file(d.join("codings.jsonl")).expect("remove");

    let elsewhere = tempfile::tempdir().expect("temp dir");
    let folder = elsewhere.path().join("theirs");
    ok(
        d,
        &[
            "import",
            "theirs.qdpx",
            "--out",
            folder.to_str().expect("path"),
            "--quiet",
        ],
    );
    let lines = decisions(&folder);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let decision: Value = serde_json::from_str(&lines[0]).expect("json");
    assert_eq!(
        decision["theme"], "challenge.fatigue",
        "our id, not one made from names"
    );
    assert_eq!(decision["coder"], "kim");

    let codings = folder.join("codings.jsonl");
    ok(
        d,
        &[
            "coding",
            "import",
            codings.to_str().expect("path"),
            "--quiet",
        ],
    );
    let listed = ok(d, &["coding", "list", "--json", "--quiet"]);
    assert!(
        listed.contains(&quote) && listed.contains("\"kim\""),
        "{listed}"
    );
}
