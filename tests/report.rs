//! End-to-end tests of reports: quotations in prose, speakers from the report's own
//! interviewee list, `--format report`, `--min-quote-words` and `verbatim roster extract`.

mod common;

use std::fs;

use common::*;
use serde_json::Value;

struct Expected {
    first_words: String,
    speaker: Option<String>,
    role: Option<String>,
}

fn expected(path: &str) -> Vec<Expected> {
    let text = fs::read_to_string(repo_root().join(path)).expect("expected list");
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let optional = |i: usize| cells.get(i).filter(|c| **c != "-").map(|c| c.to_string());
            Expected {
                first_words: words(cells[0], 5),
                speaker: optional(1),
                role: optional(2),
            }
        })
        .collect()
}

fn words(text: &str, n: usize) -> String {
    text.replace('’', "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs ingest on a copy of a fixture report outside any project.
fn quotes_of(report: &str, extra: &[&str]) -> (tempfile::TempDir, Vec<Value>) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(
        repo_root().join("tests/reports").join(report),
        dir.path().join("report.txt"),
    )
    .expect("copy");
    let args = [&["ingest", "--json", "report.txt"], extra].concat();
    let quotes = json_lines(&verbatim(dir.path(), &args));
    (dir, quotes)
}

fn report_quotes(extra: &[&str]) -> (tempfile::TempDir, Vec<Value>) {
    quotes_of("2021-round-report.txt", extra)
}

/// Every expected quote, in order, nothing else, each with its speaker (or, when
/// anonymous, its role).
fn assert_matches_expected(quotes: &[Value], expected_list: &str) {
    let expected = expected(expected_list);
    let texts: Vec<&Value> = quotes.iter().map(|q| &q["text"]).collect();
    assert_eq!(quotes.len(), expected.len(), "extracted quotes: {texts:#?}");
    for (quote, want) in quotes.iter().zip(&expected) {
        let text = quote["text"].as_str().expect("text");
        assert_eq!(words(text, 5), want.first_words, "quote {}", quote["id"]);
        assert_eq!(
            quote["speaker"].as_str().map(str::to_string),
            want.speaker,
            "speaker of {text:?}"
        );
        if want.speaker.is_none() {
            assert_eq!(
                quote["role"].as_str().map(str::to_string),
                want.role,
                "role of {text:?}"
            );
        }
        assert!(quote["attributes"]["attribution"].is_string());
    }
}

#[test]
fn every_interview_quote_of_the_fixture_report_with_its_speaker() {
    let (_dir, quotes) = report_quotes(&[]);
    assert_matches_expected(&quotes, "tests/reports/2021-round-report.expected.tsv");
}

/// Written by a helper who saw neither the code nor the other fixtures: a check that the
/// extraction generalises beyond the shapes it was built on.
#[test]
fn every_interview_quote_of_the_blind_report_with_its_speaker() {
    let (_dir, quotes) = quotes_of("blind-2022-report.txt", &[]);
    assert_matches_expected(&quotes, "tests/reports/blind-2022-report.expected.tsv");
}

#[test]
fn spans_cover_the_quotation_and_text_is_the_spoken_words() {
    let (dir, quotes) = report_quotes(&[]);
    let source = source_text(dir.path(), "report.txt");
    for quote in &quotes {
        let start = quote["start"].as_u64().expect("start") as usize;
        let end = quote["end"].as_u64().expect("end") as usize;
        let span: String = source.chars().skip(start).take(end - start).collect();
        let text = quote["text"].as_str().expect("text");
        let bare = |w: &str| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        let span_words: Vec<String> = span
            .split_whitespace()
            .map(bare)
            .filter(|w| !w.is_empty())
            .collect();
        let mut position = 0;
        for word in text.split_whitespace().map(bare).filter(|w| !w.is_empty()) {
            let at = (position..span_words.len())
                .find(|&i| {
                    span_words[i] == word
                        || span_words
                            .get(i + 1)
                            .is_some_and(|next| format!("{}{next}", span_words[i]) == word)
                })
                .unwrap_or_else(|| panic!("{word:?} of {text:?} not in its span {span:?}"));
            position = at + 1;
        }
    }
}

#[test]
fn forced_format_and_minimum_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "Summary\n\nThe team called it a \"new normal\" for a while. As the director, Ana Ruiz said: \"We rebuilt the service in a week.\"\n";
    fs::write(dir.path().join("note.md"), text).expect("write");
    let default = json_lines(&verbatim(dir.path(), &["ingest", "--json", "note.md"]));
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["speaker"], "Ana Ruiz");
    let loose = json_lines(&verbatim(
        dir.path(),
        &[
            "ingest",
            "--json",
            "--format",
            "report",
            "--min-quote-words",
            "2",
            "note.md",
        ],
    ));
    let texts: Vec<&str> = loose.iter().filter_map(|q| q["text"].as_str()).collect();
    assert_eq!(texts, ["new normal", "We rebuilt the service in a week."]);
}

#[test]
fn a_project_roster_gives_way_to_the_reports_own_list_unless_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(
        repo_root().join("tests/reports/2021-round-report.txt"),
        dir.path().join("report.txt"),
    )
    .expect("copy");
    fs::write(
        dir.path().join("people.csv"),
        "name,aliases,role,organisation,area,sector\nSomeone Else,,,,,\n",
    )
    .expect("roster");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"report.txt\"]\nroster = \"people.csv\"\n",
    )
    .expect("config");
    let own = json_lines(&verbatim(dir.path(), &["ingest", "--json"]));
    assert!(own.iter().any(|q| q["speaker"] == "Gordon McBride"));
    let explicit = json_lines(&verbatim(
        dir.path(),
        &["ingest", "--json", "--roster", "people.csv"],
    ));
    assert!(explicit.iter().all(|q| q["speaker"].is_null()));
    let summary = stdout(&verbatim(
        dir.path(),
        &["ingest", "--roster", "people.csv", "report.txt"],
    ));
    assert!(summary.contains("Gordon McBride"), "{summary}");

    let no_list = "Findings\n\nAs Leeds council's Tom Reed explained: \"We kept the new habits going all year.\"\n";
    fs::write(dir.path().join("note.txt"), no_list).expect("write");
    let output = verbatim(dir.path(), &["ingest", "--json", "note.txt"]);
    let quotes = json_lines(&output);
    assert_eq!(
        quotes[0]["speaker"], "Tom Reed",
        "a project roster that knows nobody in a report is not its roster"
    );
    assert!(stderr(&output).contains("knows none of the people this report names"));
}

#[test]
fn roster_extract_reads_the_interviewee_list() {
    let root = repo_root();
    let csv = stdout(&verbatim(
        &root,
        &["roster", "extract", "tests/reports/2021-round-report.txt"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "name,aliases,role,organisation,area,sector");
    assert_eq!(lines.len(), 13);
    assert!(lines.contains(&"Declan Fitzpatrick,,assistant chief constable,Police Service of Northern Ireland,Northern Ireland,police"));
    assert!(
        lines.contains(
            &"Eilidh MacAskill,,pro vice-chancellor,University of Essex,Essex,university"
        )
    );
    let people = json_lines(&verbatim(
        &root,
        &[
            "roster",
            "extract",
            "--json",
            "tests/reports/2021-round-report.txt",
        ],
    ));
    assert_eq!(people.len(), 12);
    assert_eq!(people[8]["sector"], "voluntary");

    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("roster.csv");
    let written = verbatim(
        &root,
        &[
            "roster",
            "extract",
            "--quiet",
            "--out",
            out.to_str().expect("path"),
            "tests/reports/2021-round-report.txt",
        ],
    );
    assert!(written.status.success());
    assert_eq!(fs::read_to_string(&out).expect("written"), csv);

    fs::write(dir.path().join("plain.txt"), "No list of people in here.\n").expect("write");
    let missing = verbatim(dir.path(), &["roster", "extract", "plain.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("plain.txt: no \"Interviewees\""));
}
