//! End-to-end tests of the researcher's coding workflow: `verbatim coding
//! add|remove|reject|accept|list|import`, `verbatim memo`, and decisions that follow their
//! text when a transcript is edited.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use serde_json::Value;

const CODEBOOK: &str = r#"[codebook]
id = "mini"
name = "Mini codebook"

[[category]]
id = "challenge"
name = "Challenges"

[[theme]]
id = "challenge.fatigue"
category = "challenge"
name = "Fatigue"
[[theme.rules]]
any = ["tired", "exhausted", "worn out"]

[[theme]]
id = "challenge.money"
category = "challenge"
name = "Financial pressures"
[[theme.rules]]
any = ["budget", "funding", "money"]

[[category]]
id = "action"
name = "Actions"

[[theme]]
id = "action.partners"
category = "action"
name = "Working with partners"
[[theme.rules]]
any = ["voluntary", "partners", "food bank"]
"#;

const INTERVIEW: &str = "Jo: How are your staff?\n\n\
Ann: Honestly, everyone is exhausted by now, and the budget for overtime is gone.\n\n\
Jo: And the partners?\n\n\
Ann: We worked closely with the voluntary groups and the food bank every single day.\n\n\
Jo: What next?\n\n\
Ann: Rest, then we plan the winter with our partners and the budget we have left.\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("codebook.toml"), CODEBOOK).expect("codebook");
    fs::create_dir(dir.path().join("interviews")).expect("folder");
    fs::write(dir.path().join("interviews/ann.txt"), INTERVIEW).expect("transcript");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"interviews\"]\ncodebook = \"codebook.toml\"\ninterviewers = [\"Jo\"]\n",
    )
    .expect("config");
    dir
}

/// Runs a command that must succeed; its stdout.
fn ok(dir: &Path, args: &[&str]) -> String {
    let output = verbatim(dir, args);
    assert!(
        output.status.success(),
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs a command that must fail with a user error mentioning every one of `expected`.
fn fails(dir: &Path, args: &[&str], expected: &[&str]) {
    let output = verbatim(dir, args);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{args:?}: {}",
        stderr(&output)
    );
    for text in expected {
        assert!(
            stderr(&output).contains(text),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// A quote's id, text and (theme, origin) codes.
type CodedQuote = (String, String, Vec<(String, String)>);

/// Each quote as `code --json` gives it.
fn coded(dir: &Path) -> Vec<CodedQuote> {
    json_lines(&verbatim(dir, &["code", "--json", "--quiet"]))
        .iter()
        .map(|q| {
            let codes = q["codes"]
                .as_array()
                .expect("codes")
                .iter()
                .map(|c| {
                    (
                        c["theme"].as_str().expect("theme").to_string(),
                        c["origin"].as_str().expect("origin").to_string(),
                    )
                })
                .collect();
            (
                q["id"].as_str().expect("id").to_string(),
                q["text"].as_str().expect("text").to_string(),
                codes,
            )
        })
        .collect()
}

/// The origin of `theme` on the quote whose text starts with `start`, if it has it.
fn origin_of(dir: &Path, start: &str, theme: &str) -> Option<String> {
    coded(dir)
        .into_iter()
        .find(|(_, text, _)| text.starts_with(start))
        .unwrap_or_else(|| panic!("no quote starting {start:?}"))
        .2
        .into_iter()
        .find(|(t, _)| t == theme)
        .map(|(_, origin)| origin)
}

fn listed(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["coding", "list", "--json", "--quiet"];
    all.extend_from_slice(args);
    json_lines(&verbatim(dir, &all))
}

#[test]
fn add_reject_accept_remove_and_memo_change_the_codes_and_the_codings_file() {
    let dir = project();
    let d = dir.path();
    assert_eq!(
        origin_of(d, "Honestly", "challenge.money").as_deref(),
        Some("auto")
    );

    // Reject an automatic code: gone now and on every later run.
    let rejected = ok(
        d,
        &[
            "coding",
            "reject",
            "ann:2",
            "challenge.money",
            "--coder",
            "jo",
            "--memo",
            "overtime is not the budget",
        ],
    );
    assert!(
        rejected.contains("rejected challenge.money on ann:2"),
        "{rejected}"
    );
    assert_eq!(origin_of(d, "Honestly", "challenge.money"), None);
    assert_eq!(
        origin_of(d, "Honestly", "challenge.money"),
        None,
        "stays rejected"
    );

    // Accept an automatic code: it becomes manual.
    let accepted = json_lines(&verbatim(
        d,
        &[
            "coding",
            "accept",
            "ann:4",
            "action.partners",
            "--json",
            "--quiet",
        ],
    ));
    assert_eq!(accepted[0]["written"][0]["kind"], "code");
    assert_eq!(accepted[0]["quotes"], serde_json::json!(["ann:4"]));
    assert_eq!(
        origin_of(d, "We worked", "action.partners").as_deref(),
        Some("manual")
    );

    // Add a code the coder did not find, on a span inside a quote.
    let text = source_text(d, "interviews/ann.txt");
    let phrase = "Rest, then we plan the winter";
    let start = text[..text.find(phrase).expect("phrase")].chars().count();
    let span = format!(
        "interviews/ann.txt:{start}-{}",
        start + phrase.chars().count()
    );
    let added = ok(
        d,
        &[
            "coding",
            "add",
            &span,
            "challenge.fatigue",
            "--coder",
            "sam",
        ],
    );
    assert!(added.contains("quotes: ann:6"), "{added}");
    assert_eq!(
        origin_of(d, "Rest, then", "challenge.fatigue").as_deref(),
        Some("manual")
    );

    // Memos on a quote, a theme and a source.
    ok(d, &["memo", "add", "ann:4", "ask who ran the rota"]);
    ok(
        d,
        &[
            "memo",
            "add",
            "challenge.fatigue",
            "includes volunteers' tiredness",
        ],
    );
    ok(
        d,
        &["memo", "add", "interviews/ann.txt", "poor audio at the end"],
    );
    let memos = listed(d, &["--kind", "memo"]);
    assert_eq!(memos.len(), 3, "{memos:?}");
    assert_eq!(memos[0]["quotes"], serde_json::json!(["ann:4"]));
    let explained = ok(d, &["explain", "ann:4", "--quiet"]);
    assert!(explained.contains("memo on quote ann:4"), "{explained}");
    assert!(explained.contains("ask who ran the rota"), "{explained}");
    assert!(
        explained.contains("poor audio at the end"),
        "source memo: {explained}"
    );
    let explained = json_lines(&verbatim(d, &["explain", "ann:2", "--json", "--quiet"]));
    let notes: Vec<&str> = explained[0]["memos"]
        .as_array()
        .expect("memos")
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(
        notes,
        [
            "overtime is not the budget",
            "includes volunteers' tiredness",
            "poor audio at the end"
        ]
    );
    let report = ok(d, &["report", "--quiet"]);
    assert!(
        report.contains("- **theme challenge.fatigue** (")
            && report.contains("includes volunteers' tiredness")
            && report.contains(
                "- **rejected challenge.money on ann:2** (jo): overtime is not the budget"
            ),
        "{report}"
    );
    let csv = ok(d, &["report", "--format", "csv", "--quiet"]);
    assert!(
        csv.lines().next().is_some_and(|h| h.ends_with(",memos")),
        "{csv}"
    );
    assert!(
        csv.contains("ask who ran the rota | poor audio at the end"),
        "{csv}"
    );

    let decisions = listed(d, &[]);
    let kinds: Vec<(&str, &str)> = decisions
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or(""),
                c["theme"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("reject", "challenge.money"),
            ("code", "action.partners"),
            ("code", "challenge.fatigue"),
            ("memo", ""),
            ("memo", "challenge.fatigue"),
            ("memo", "")
        ]
    );
    assert_eq!(decisions[0]["coder"], "jo");
    assert_eq!(decisions[0]["memo"], "overtime is not the budget");
    assert!(
        decisions[0]["time"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{:?}",
        decisions[0]
    );
    assert_eq!(listed(d, &["--coder", "sam"]).len(), 1);
    assert_eq!(listed(d, &["--theme", "challenge.money"]).len(), 1);

    // Remove: the manual code goes and the automatic one comes back.
    ok(d, &["coding", "remove", "ann:4", "action.partners"]);
    assert_eq!(
        origin_of(d, "We worked", "action.partners").as_deref(),
        Some("auto")
    );
    // Accepting a rejected code undoes the rejection.
    ok(d, &["coding", "accept", "ann:2", "challenge.money"]);
    assert_eq!(
        origin_of(d, "Honestly", "challenge.money").as_deref(),
        Some("manual")
    );
    ok(d, &["memo", "remove", "challenge.fatigue"]);
    assert_eq!(listed(d, &["--kind", "memo"]).len(), 2);

    // The codings file is project data beside verbatim.toml, one decision per line.
    let file = fs::read_to_string(d.join("codings.jsonl")).expect("codings file");
    assert_eq!(file.lines().count(), 4, "{file}");
}

#[test]
fn mistakes_are_errors_naming_what_is_near() {
    let dir = project();
    let d = dir.path();
    fails(
        d,
        &["coding", "add", "ann:2", "challenge.fatige"],
        &["did you mean challenge.fatigue"],
    );
    fails(
        d,
        &["coding", "add", "ann:99", "challenge.fatigue"],
        &["quote ann:99", "ann:6"],
    );
    fails(
        d,
        &["coding", "add", "bob:2", "challenge.fatigue"],
        &["bob:2"],
    );
    fails(
        d,
        &[
            "coding",
            "add",
            "interviews/ann.txt:40-9000",
            "challenge.fatigue",
        ],
        &["not a span of its text"],
    );
    fails(
        d,
        &[
            "coding",
            "add",
            "interviews/an.txt:1-5",
            "challenge.fatigue",
        ],
        &["did you mean interviews/ann.txt"],
    );
    fails(
        d,
        &["coding", "remove", "ann:2", "challenge.money"],
        &["coding reject"],
    );
    fails(d, &["memo", "remove", "ann:2"], &["no memo"]);
    assert!(
        !d.join("codings.jsonl").exists(),
        "nothing written by a mistake"
    );
}

#[test]
fn decisions_follow_their_text_through_edits_or_are_listed_as_orphaned() {
    let dir = project();
    let d = dir.path();
    ok(d, &["coding", "add", "ann:4", "challenge.fatigue"]);
    ok(d, &["coding", "add", "ann:6", "challenge.fatigue"]);
    ok(d, &["coding", "reject", "ann:6", "challenge.money"]);
    ok(d, &["coding", "add", "ann:2", "action.partners"]);
    assert_eq!(
        origin_of(d, "Rest, then", "challenge.money"),
        None,
        "rejected"
    );

    // A question inserted above, a word changed inside a coded answer, a coded answer
    // deleted.
    let edited = INTERVIEW
        .replace(
            "Jo: And the partners?",
            "Jo: Did anyone sleep?\n\nAnn: Not much, to be honest with you.\n\nJo: And the partners?",
        )
        .replace("groups and the food bank", "groups and the local food bank")
        .replace(
            "Ann: Honestly, everyone is exhausted by now, and the budget for overtime is gone.\n\n",
            "",
        );
    fs::write(d.join("interviews/ann.txt"), edited).expect("edit");
    let output = verbatim(d, &["code", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let told = warnings(&output).join("\n");
    assert!(told.contains("3 decisions followed the text"), "{told}");
    assert!(
        told.contains("1 of them after words inside changed"),
        "{told}"
    );
    assert!(told.contains("1 decision lost its text"), "{told}");

    let quotes = coded(d);
    let by_text = |start: &str| {
        quotes
            .iter()
            .find(|(_, text, _)| text.starts_with(start))
            .unwrap_or_else(|| panic!("{start}"))
    };
    let partners = by_text("We worked closely");
    assert_eq!(partners.0, "ann:5", "the answer moved down two turns");
    assert!(
        partners
            .2
            .contains(&("challenge.fatigue".into(), "manual".into()))
    );
    let winter = by_text("Rest, then");
    assert!(
        winter
            .2
            .contains(&("challenge.fatigue".into(), "manual".into()))
    );
    assert!(
        !winter.2.iter().any(|(t, _)| t == "challenge.money"),
        "still rejected: {:?}",
        winter.2
    );
    let inserted = by_text("Not much");
    assert!(
        !inserted.2.iter().any(|(_, origin)| origin == "manual"),
        "nothing moved onto the new answer: {:?}",
        inserted.2
    );
    assert!(
        quotes
            .iter()
            .all(|(_, _, codes)| !codes.contains(&("action.partners".into(), "manual".into()))),
        "the deleted answer's code is nowhere"
    );
    let orphaned = listed(d, &["--orphaned"]);
    assert_eq!(orphaned.len(), 1, "{orphaned:?}");
    assert_eq!(orphaned[0]["theme"], "action.partners");
    assert!(
        orphaned[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Honestly, everyone is exhausted")),
        "kept with its old text"
    );
    let followed = listed(d, &["--theme", "challenge.fatigue"]);
    assert!(
        followed[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("the local food bank")),
        "the anchor holds the edited text: {:?}",
        followed[0]
    );

    // The same state as a project coded from scratch with those decisions.
    let before = fs::read(d.join(".verbatim/codings.jsonl")).expect("codings");
    fs::remove_dir_all(d.join(".verbatim")).expect("drop state");
    ok(d, &["code", "--quiet"]);
    assert_eq!(
        fs::read(d.join(".verbatim/codings.jsonl")).expect("codings"),
        before
    );
}

#[test]
fn import_reads_csv_and_jsonl_anchors_them_and_skips_what_is_there() {
    let dir = project();
    let d = dir.path();
    fs::write(
        d.join("sam.csv"),
        "quote,theme,coder,memo\nann:2,challenge.fatigue,sam,clear case\nann:4,action.partners,,\n",
    )
    .expect("csv");
    let imported = ok(d, &["coding", "import", "sam.csv", "--coder", "kim"]);
    assert!(imported.contains("imported 2 decisions"), "{imported}");
    let again = ok(d, &["coding", "import", "sam.csv", "--coder", "kim"]);
    assert!(
        again.contains("imported 0 decisions") && again.contains("2 already there"),
        "{again}"
    );
    let coders: Vec<Value> = listed(d, &[]).iter().map(|c| c["coder"].clone()).collect();
    assert_eq!(coders, [serde_json::json!("sam"), serde_json::json!("kim")]);
    assert!(
        listed(d, &[])[0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Honestly")),
        "anchored to the quote's text"
    );

    fs::write(
        d.join("lee.jsonl"),
        "{\"quote\":\"ann:6\",\"theme\":\"challenge.money\",\"kind\":\"reject\"}\n",
    )
    .expect("jsonl");
    ok(d, &["coding", "import", "lee.jsonl"]);
    assert_eq!(origin_of(d, "Rest, then", "challenge.money"), None);

    fs::write(
        d.join("bad.csv"),
        "quote,theme\nann:2,challenge.money\nann:4,challenge.mony\n",
    )
    .expect("bad csv");
    fails(
        d,
        &["coding", "import", "bad.csv"],
        &["bad.csv:3", "did you mean challenge.money"],
    );
    fs::write(d.join("bad.jsonl"), "{\"quote\":\"ann:2\",\"theme\":\"challenge.money\"}\n{\"quote\":\"ann:77\",\"theme\":\"challenge.money\"}\n")
        .expect("bad jsonl");
    fails(
        d,
        &["coding", "import", "bad.jsonl"],
        &["bad.jsonl:2", "ann:77"],
    );
    assert_eq!(listed(d, &[]).len(), 3, "nothing of a bad file is added");
}

#[test]
fn review_accepts_rejects_and_memos_by_key_and_resumes_where_it_stopped() {
    let dir = project();
    let d = dir.path();
    let review = |input: &str| {
        let output = verbatim_with_input(
            d,
            &[
                "review",
                "--theme",
                "challenge.money",
                "--coder",
                "kim",
                "--quiet",
            ],
            input,
        );
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let first = review("mneeds a second look\nrq");
    assert!(
        first.starts_with("[1/3] challenge.money (Financial pressures) automatic"),
        "{first}"
    );
    assert!(
        first.contains("ann:2") && first.contains("evidence: budget"),
        "{first}"
    );
    assert!(first.contains("memo written on ann:2"), "{first}");
    assert!(
        first.contains("rejected challenge.money on ann:2"),
        "{first}"
    );
    assert!(
        first.contains("0 accepted, 1 rejected, 0 skipped; 2 left to review"),
        "{first}"
    );

    let second = review("a");
    assert!(
        second.starts_with("[1/2] challenge.money"),
        "resumes after ann:2: {second}"
    );
    assert!(
        second.contains("accepted ann:6 challenge.money"),
        "{second}"
    );
    let third = review("s");
    assert!(
        third.starts_with("[1/1] challenge.money (Financial pressures) suggested"),
        "{third}"
    );
    assert!(
        third.contains("0 accepted, 0 rejected, 1 skipped; 1 left to review"),
        "{third}"
    );
    assert!(
        review("a").contains("accepted ann:4 challenge.money"),
        "a suggestion accepted"
    );
    assert!(review("a").contains("nothing to review"));

    assert_eq!(origin_of(d, "Honestly", "challenge.money"), None);
    assert_eq!(
        origin_of(d, "Rest, then", "challenge.money").as_deref(),
        Some("manual")
    );
    let decisions = listed(d, &["--coder", "kim"]);
    let kinds: Vec<&str> = decisions
        .iter()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["memo", "reject", "code", "code"]);
    assert_eq!(decisions[0]["memo"], "needs a second look");

    let applied = verbatim_with_input(
        d,
        &[
            "review",
            "--source",
            "interviews/ann.txt",
            "--applied-only",
            "--quiet",
        ],
        "q",
    );
    assert!(
        stdout(&applied).contains(" automatic ") && !stdout(&applied).contains(" suggested "),
        "{}",
        stdout(&applied)
    );
    let skipped = verbatim_with_input(
        d,
        &["review", "--source", "interviews/ann.txt", "--quiet"],
        "s",
    );
    assert!(stdout(&skipped).contains("skipped"), "{}", stdout(&skipped));
    let unknown = verbatim_with_input(d, &["review", "--theme", "challenge.mony"], "");
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("did you mean challenge.money"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn agreement_on_a_sample_uses_exactly_the_quotes_a_coder_reviewed() {
    let dir = project();
    let d = dir.path();
    ok(
        d,
        &[
            "coding",
            "add",
            "ann:2",
            "challenge.fatigue",
            "--coder",
            "sam",
        ],
    );
    ok(d, &["coding", "none", "ann:4", "--coder", "sam"]);
    for (quote, theme) in [
        ("ann:2", "challenge.fatigue"),
        ("ann:4", "action.partners"),
        ("ann:6", "challenge.money"),
    ] {
        ok(d, &["coding", "add", quote, theme, "--coder", "kim"]);
    }
    let listed_none = ok(d, &["coding", "list", "--coder", "sam", "--quiet"]);
    assert!(listed_none.contains("none "), "{listed_none}");
    let disagreed = |output: &std::process::Output| -> Vec<String> {
        assert!(output.status.success(), "{}", stderr(output));
        json_lines(output)[0]["disagreements"]
            .as_array()
            .expect("disagreements")
            .iter()
            .map(|d| d["quote"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let on_sample = verbatim(d, &["agree", "sam", "kim", "--json", "--quiet"]);
    assert_eq!(
        disagreed(&on_sample),
        ["ann:4"],
        "ann:6 is outside sam's sample"
    );

    // The same from files: a JSON line or a CSV row with no theme marks a reviewed quote.
    fs::write(
        d.join("sam.jsonl"),
        "{\"quote\":\"ann:2\",\"theme\":\"challenge.fatigue\",\"origin\":\"manual\",\"coder\":\"sam\"}\n{\"quote\":\"ann:4\",\"nothing_applies\":true}\n",
    )
    .expect("sam");
    fs::write(
        d.join("sam.csv"),
        "quote,theme\nann:2,challenge.fatigue\nann:4,\n",
    )
    .expect("sam csv");
    fs::write(
        d.join("kim.csv"),
        "quote,theme\nann:2,challenge.fatigue\nann:4,action.partners\nann:6,challenge.money\n",
    )
    .expect("kim");
    for sam in ["sam.jsonl", "sam.csv"] {
        let output = verbatim(d, &["agree", sam, "kim.csv", "--json", "--quiet"]);
        assert_eq!(disagreed(&output), ["ann:4"], "{sam}");
    }
    fs::write(
        d.join("sam-all.csv"),
        "quote,theme\nann:2,challenge.fatigue\n",
    )
    .expect("sam all");
    let whole = verbatim(d, &["agree", "sam-all.csv", "kim.csv", "--json", "--quiet"]);
    assert_eq!(
        disagreed(&whole),
        ["ann:4", "ann:6"],
        "without a mark, every quote of the source counts as reviewed"
    );
}

#[test]
fn a_theme_merged_into_another_takes_its_decisions_and_is_no_longer_coded() {
    let dir = project();
    let d = dir.path();
    let with_overtime = CODEBOOK.replace(
        "[[category]]\nid = \"action\"",
        "[[theme]]\nid = \"challenge.overtime\"\ncategory = \"challenge\"\nname = \"Overtime\"\n[[theme.rules]]\nany = [\"overtime\"]\n\n[[category]]\nid = \"action\"",
    );
    fs::write(d.join("codebook.toml"), &with_overtime).expect("codebook");
    fs::write(d.join("round1.toml"), &with_overtime).expect("old codebook");
    ok(d, &["coding", "add", "ann:6", "challenge.overtime"]);
    assert_eq!(
        origin_of(d, "Honestly", "challenge.overtime").as_deref(),
        Some("auto")
    );

    let merged = with_overtime.replace(
        "name = \"Overtime\"\n",
        "name = \"Overtime\"\nmerged_into = \"challenge.money\"\n",
    );
    fs::write(d.join("codebook.toml"), &merged).expect("merged codebook");
    let quotes = coded(d);
    assert!(
        quotes
            .iter()
            .all(|(_, _, codes)| codes.iter().all(|(t, _)| t != "challenge.overtime")),
        "a merged theme is not coded: {quotes:?}"
    );
    assert_eq!(
        origin_of(d, "Rest, then", "challenge.money").as_deref(),
        Some("manual")
    );
    let file = fs::read_to_string(d.join("codings.jsonl")).expect("codings file");
    assert!(file.contains("\"theme\":\"challenge.money\""), "{file}");
    let diff = ok(d, &["codebook", "diff", "round1.toml", "codebook.toml"]);
    assert!(
        diff.contains("merged   challenge.overtime -> challenge.money"),
        "{diff}"
    );
}

#[test]
fn the_codings_file_can_be_named_in_the_configuration() {
    let dir = project();
    let d = dir.path();
    let config = fs::read_to_string(d.join("verbatim.toml")).expect("config");
    fs::write(
        d.join("verbatim.toml"),
        format!("{config}codings = \"decisions/team.jsonl\"\n"),
    )
    .expect("config");
    ok(d, &["coding", "add", "ann:4", "challenge.fatigue"]);
    assert!(!d.join("codings.jsonl").exists());
    let file = fs::read_to_string(d.join("decisions/team.jsonl")).expect("named file");
    assert!(file.contains("\"theme\":\"challenge.fatigue\""), "{file}");
    assert_eq!(
        origin_of(d, "We worked", "challenge.fatigue").as_deref(),
        Some("manual")
    );
}

#[test]
fn decisions_made_at_once_from_several_processes_are_all_kept() {
    let dir = project();
    let d = dir.path();
    ok(d, &["code", "--quiet"]);
    let jobs: Vec<(&str, &str)> = ["ann:2", "ann:4", "ann:6"]
        .into_iter()
        .flat_map(|quote| {
            ["challenge.fatigue", "challenge.money", "action.partners"]
                .into_iter()
                .map(move |theme| (quote, theme))
        })
        .collect();
    let children: Vec<std::process::Child> = jobs
        .iter()
        .map(|(quote, theme)| {
            std::process::Command::new(env!("CARGO_BIN_EXE_verbatim"))
                .args(["coding", "add", quote, theme, "--quiet"])
                .current_dir(d)
                .env("VERBATIM_MODEL", "none")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let decisions = listed(d, &[]);
    assert_eq!(decisions.len(), jobs.len(), "none lost: {decisions:?}");
}
