//! End-to-end tests of bad input: every case gives a clear message naming the file (and
//! line, where there is one), exit code 1 for errors, and never a panic.

mod common;

use std::fs;

use common::*;

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    fails_with(
        dir.path(),
        &["ingest", "nowhere.txt"],
        &["nowhere.txt: cannot open", "No such file"],
    );
}

/// A link that leads nowhere (to itself, or to a file since removed) is skipped with a
/// warning naming it; the rest of the folder is read.
#[test]
fn links_that_lead_nowhere_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("interviews");
    fs::create_dir(&folder).expect("mkdir");
    fs::write(
        folder.join("a.txt"),
        "Interviewer: How did it go?\n\nAnn Lee: We opened the hub in four days.\n",
    )
    .expect("write");
    std::os::unix::fs::symlink("loop", folder.join("loop")).expect("symlink loop");
    std::os::unix::fs::symlink("gone.txt", folder.join("b.txt")).expect("dangling link");
    let output = verbatim(dir.path(), &["ingest", "--json", "interviews"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warned = stderr(&output);
    for link in ["interviews/loop", "interviews/b.txt"] {
        assert!(
            warned.contains(&format!("{link}: a link to nothing; skipped")),
            "{warned}"
        );
    }
    assert_eq!(stdout(&output).lines().count(), 1, "a.txt is read");
}

#[test]
fn empty_file_warns_and_gives_no_quotes() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("empty.txt"), "").expect("write");
    let output = verbatim(dir.path(), &["ingest", "--json", "empty.txt"]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    assert_eq!(
        warnings(&output),
        ["empty.txt: empty file: no quotes"],
        "--json gives its warnings as JSON lines"
    );
    assert!(stderr(&output).starts_with("{\"warning\":"));
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0u8..=255).cycle().take(2000));
    fs::write(dir.path().join("photo.txt"), png).expect("write");
    fails_with(
        dir.path(),
        &["ingest", "photo.txt"],
        &["photo.txt: binary file, not a text transcript"],
    );
}

#[test]
fn truncated_and_corrupt_docx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = fs::read(repo_root().join("tests/fixtures/volunteers.docx")).expect("fixture");
    fs::write(dir.path().join("cut.docx"), &good[..good.len() / 2]).expect("write");
    fails_with(
        dir.path(),
        &["ingest", "cut.docx"],
        &["cut.docx: unreadable .docx"],
    );
    fs::write(
        dir.path().join("fake.docx"),
        "Jo: this is not a Word file\n",
    )
    .expect("write");
    fails_with(
        dir.path(),
        &["ingest", "fake.docx"],
        &["fake.docx: unreadable .docx: not a zip archive"],
    );
}

#[test]
fn vtt_without_header_or_with_broken_timings() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("noheader.vtt"),
        "00:00:01.000 --> 00:00:02.000\n<v Jo>hi</v>\n",
    )
    .expect("write");
    fails_with(
        dir.path(),
        &["ingest", "noheader.vtt"],
        &["noheader.vtt:1: missing the WEBVTT header line"],
    );
    let broken = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Jo>hi</v>\n\n2\n00:00:03.000 -> 00:00:04.000\n<v Jo>again</v>\n";
    fs::write(dir.path().join("broken.vtt"), broken).expect("write");
    fails_with(
        dir.path(),
        &["ingest", "broken.vtt"],
        &["broken.vtt:8: expected a cue timing line"],
    );
    let srt =
        "1\n00:00:01,000 --> 00:00:02,000\nJo: hi\n\n2\n00:00:03,000 --> 00:00:61,000\nJo: bye\n";
    fs::write(dir.path().join("broken.srt"), srt).expect("write");
    fails_with(
        dir.path(),
        &["ingest", "broken.srt"],
        &["broken.srt:6: malformed cue end time `00:00:61,000`"],
    );
}

#[test]
fn roster_with_missing_columns_or_a_shared_alias() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("a.txt"), "Jo: hi\n\nAnn: hello\n").expect("write");
    fs::write(dir.path().join("short.csv"), "name,role\nAnn,chief\n").expect("write");
    fails_with(
        dir.path(),
        &["ingest", "--roster", "short.csv", "a.txt"],
        &["short.csv:1: roster header lacks column(s) aliases, organisation, area, sector"],
    );
    let shared = "name,aliases,role,organisation,area,sector\nAnn Lee,AL,,,,\nAlan Loy,AL,,,,\n";
    fs::write(dir.path().join("shared.csv"), shared).expect("write");
    fails_with(
        dir.path(),
        &["ingest", "--roster", "shared.csv", "a.txt"],
        &["shared.csv:3:", "Ann Lee (line 2)", "Alan Loy (line 3)"],
    );
}

#[test]
fn a_failed_run_leaves_the_previous_quotes_intact() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"*.txt\", \"*.vtt\"]\n",
    )
    .expect("config");
    fs::write(dir.path().join("a.txt"), "Jo: hi\n\nAnn Lee: hello there\n").expect("write");
    let first = verbatim(dir.path(), &["ingest", "--quiet"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let quotes = dir.path().join(".verbatim/quotes.jsonl");
    let before = fs::read(&quotes).expect("quotes");
    fs::write(dir.path().join("b.vtt"), "not captions\n").expect("write");
    fails_with(dir.path(), &["ingest"], &["b.vtt:1:"]);
    assert_eq!(fs::read(&quotes).expect("quotes"), before);
}

#[test]
fn malformed_project_configuration_names_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a\"]\nsauces = 1\n",
    )
    .expect("config");
    fails_with(dir.path(), &["ingest"], &["verbatim.toml:3:1:", "sauces"]);
}

#[test]
fn unknown_format_and_no_project() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = verbatim(dir.path(), &["ingest", "--format", "pdf", "x.txt"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a usage error is a user error: 1, as the README says"
    );
    assert!(stderr(&output).contains("unknown format `pdf`"));
    fails_with(
        dir.path(),
        &["ingest"],
        &["no paths given and no verbatim.toml"],
    );
}

#[test]
fn a_query_nested_too_deep_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Q: How?\n\nA: Everyone is tired.\n",
    )
    .expect("transcript");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"]\ncodebook = \"ok.toml\"\n",
    )
    .expect("config");
    let codebook = |rule: &str| {
        format!(
            "[codebook]\nid = \"c\"\nname = \"c\"\n[[category]]\nid = \"c\"\nname = \"C\"\n[[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"X\"\n[[theme.rules]]\n{rule}\n"
        )
    };
    fs::write(dir.path().join("ok.toml"), codebook("any = [\"tired\"]")).expect("codebook");
    let deep = format!("{}tired{}", "(".repeat(10_000), ")".repeat(10_000));
    let output = verbatim(dir.path(), &["search", &deep]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("nests 10000 levels deep"), "{message}");
    assert!(message.len() < 400, "the query is shortened: {message}");
    let unary = "NOT ".repeat(10_000) + "tired";
    let output = verbatim(dir.path(), &["search", &unary]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let query = format!(
        "query = \"{}tired{}\"",
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    fs::write(dir.path().join("codebook.toml"), codebook(&query)).expect("codebook");
    fails_with(
        dir.path(),
        &["code", "--codebook", "codebook.toml", "a.txt"],
        &["theme c.x, rule 1", "nests 5000 levels deep"],
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_never_read_and_never_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    fails_with(
        dir.path(),
        &["ingest", "pipe.txt"],
        &["pipe.txt", "not a regular file"],
    );
    fails_with(
        dir.path(),
        &["ingest", "/dev/zero"],
        &["/dev/zero", "not a regular file"],
    );

    fs::write(
        dir.path().join("a.txt"),
        "Q: How?\n\nA: Everyone is tired.\n",
    )
    .expect("a");
    fs::write(
        dir.path().join("codebook.toml"),
        "[codebook]\nid = \"c\"\nname = \"c\"\n[[category]]\nid = \"c\"\nname = \"C\"\n[[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"X\"\n[[theme.rules]]\nany = [\"tired\"]\n",
    )
    .expect("codebook");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"]\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    assert!(verbatim(dir.path(), &["code", "--quiet"]).status.success());
    let codings = dir.path().join(".verbatim/codings.jsonl");
    let before = fs::read(&codings).expect("codings");
    fails_with(
        dir.path(),
        &["report", "--out", ".verbatim/codings.jsonl"],
        &["inside the project's state folder"],
    );
    fails_with(
        dir.path(),
        &["report", "--out", "sub/../.verbatim/new.md"],
        &["inside the project's state folder"],
    );
    assert_eq!(
        fs::read(&codings).expect("codings"),
        before,
        "codings untouched"
    );
    std::os::unix::fs::symlink(&codings, dir.path().join("link.md")).expect("symlink");
    fails_with(
        dir.path(),
        &["report", "--out", "link.md"],
        &["link.md", "symbolic link"],
    );
    fails_with(
        dir.path(),
        &["report", "--out", "pipe.txt"],
        &["pipe.txt", "special file"],
    );
    assert_eq!(
        fs::read(&codings).expect("codings"),
        before,
        "codings untouched"
    );
    assert!(
        verbatim(dir.path(), &["report", "--out", "report.md", "--quiet"])
            .status
            .success()
    );
}

#[test]
fn a_missing_roster_is_named_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Q: How?\n\nA: Everyone is tired.\n",
    )
    .expect("a");
    let output = verbatim(dir.path(), &["ingest", "a.txt", "--roster", "missing.csv"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.starts_with("error: missing.csv: "), "{message}");
    assert_eq!(
        message.matches("os error").count(),
        1,
        "the cause once: {message}"
    );
}

#[test]
fn strict_turns_warnings_into_a_failure() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Interviewer: How did it go?\n\nRespondent: The hub opened in four days.\n",
    )
    .expect("transcript");
    let relaxed = verbatim(dir.path(), &["ingest", "--json", "a.txt"]);
    assert!(relaxed.status.success());
    assert!(
        stderr(&relaxed).contains("nothing names the interviewee"),
        "{}",
        stderr(&relaxed)
    );
    assert_eq!(json_lines(&relaxed)[0]["speaker"], serde_json::Value::Null);
    let strict = verbatim(dir.path(), &["--strict", "ingest", "--json", "a.txt"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stderr(&strict).contains("1 warning and --strict"),
        "{}",
        stderr(&strict)
    );
    fs::write(
        dir.path().join("b.txt"),
        "---\ninterviewee: Dana Whitfield\n---\nInterviewer: How?\n\nRespondent: Well.\n",
    )
    .expect("named transcript");
    let named = verbatim(dir.path(), &["--strict", "ingest", "--json", "b.txt"]);
    assert!(named.status.success(), "{}", stderr(&named));
}

#[test]
fn project_configuration_syntax_error_names_line_and_column() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"\n",
    )
    .expect("config");
    fails_with(
        dir.path(),
        &["ingest"],
        &["verbatim.toml:2:", "unclosed array"],
    );
}

#[test]
fn a_sources_glob_matching_nothing_warns() {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\", \"interviews/*.vtt\"]\n",
    )
    .expect("config");
    let output = verbatim(dir.path(), &["ingest"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: source `interviews/*.vtt` matches no files"),
        "{}",
        stderr(&output)
    );
    let strict = verbatim(dir.path(), &["--strict", "ingest"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
}

#[test]
fn srt_cue_without_timing_or_ending_before_it_starts_names_the_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("untimed.srt"), "1\nJo: hi\n\n").expect("srt");
    fails_with(
        dir.path(),
        &["ingest", "untimed.srt"],
        &["untimed.srt:2: expected a cue timing line, found `Jo: hi`"],
    );
    fs::write(
        dir.path().join("backwards.srt"),
        "1\n00:00:01,000 --> 00:00:02,000\nJo: hi there\n\n2\n00:00:05,000 --> 00:00:03,000\nJo: back\n",
    )
    .expect("srt");
    fails_with(
        dir.path(),
        &["ingest", "backwards.srt"],
        &["backwards.srt:6: cue ends (00:00:03,000) before it starts (00:00:05,000)"],
    );
}

#[test]
fn vtt_with_only_a_header_warns_and_gives_no_quotes() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("header.vtt"), "WEBVTT\n\n").expect("vtt");
    let output = verbatim(dir.path(), &["ingest", "--json", "header.vtt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert!(
        warnings(&output)
            .iter()
            .any(|w| w.starts_with("header.vtt: no speaker turns found")),
        "{}",
        stderr(&output)
    );
    let plain = verbatim(dir.path(), &["ingest", "header.vtt"]);
    let told = stderr(&plain);
    assert!(
        told.contains("warning: header.vtt: no speaker turns found")
            && told.ends_with("1 warning above\n"),
        "{told}"
    );
}

/// Two coders' codings files, in a folder with no project.
fn two_coders(jo: &str, sam: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("jo.jsonl"), jo).expect("jo");
    fs::write(dir.path().join("sam.jsonl"), sam).expect("sam");
    dir
}

#[test]
fn agree_with_no_quote_in_common_is_an_error() {
    let dir = two_coders(
        "{\"quote\":\"a:2\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"jo\"}\n",
        "{\"quote\":\"b:2\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"sam\"}\n",
    );
    fails_with(
        dir.path(),
        &["agree", "jo.jsonl", "sam.jsonl"],
        &["no quotes overlap: jo and sam coded no quote in common"],
    );
    let project = coded_project();
    fs::write(
        project.path().join("elsewhere.jsonl"),
        "{\"quote\":\"zz:9\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"kim\"}\n",
    )
    .expect("codings");
    fails_with(
        project.path(),
        &["agree", "elsewhere.jsonl", "verbatim"],
        &["elsewhere.jsonl: quote `zz:9` is not among the quotes compared (1 of 1 codings"],
    );
}

/// A theme with a slip in it, in a file given to `agree` or in `--theme`, is an error
/// offering the codebook's nearest theme.
#[test]
fn agree_names_a_mistyped_theme_and_the_nearest() {
    let project = coded_project();
    let quotes = json_lines(&verbatim(project.path(), &["ingest", "--json"]));
    let id = quotes[0]["id"].as_str().expect("an id").to_string();
    fs::write(
        project.path().join("kim.jsonl"),
        format!(
            "{{\"quote\":\"{id}\",\"theme\":\"c.z\",\"origin\":\"manual\",\"coder\":\"kim\"}}\n"
        ),
    )
    .expect("codings");
    fails_with(
        project.path(),
        &["agree", "kim.jsonl", "verbatim"],
        &[
            "kim.jsonl: theme `c.z` is not in the codebook (1 of 1 codings name themes it lacks)",
            "did you mean c.x?",
        ],
    );
    fails_with(
        project.path(),
        &["agree", "verbatim", "verbatim", "--theme", "c.y"],
        &["--theme c.y: no such name; did you mean c.x?"],
    );
}

/// A quote id with a slip in it, in a file given to `agree` in a project, is an error
/// offering the nearest ids, not a coding silently left out of the comparison.
#[test]
fn agree_names_a_mistyped_quote_id_and_the_nearest() {
    let project = coded_project();
    let quotes = json_lines(&verbatim(project.path(), &["ingest", "--json"]));
    let id = quotes[0]["id"].as_str().expect("an id").to_string();
    let slip = format!("{id}9");
    fs::write(
        project.path().join("kim.jsonl"),
        format!(
            "{{\"quote\":\"{id}\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"kim\"}}\n{{\"quote\":\"{slip}\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"kim\"}}\n"
        ),
    )
    .expect("codings");
    fails_with(
        project.path(),
        &["agree", "kim.jsonl", "verbatim"],
        &[
            &format!("kim.jsonl: quote `{slip}` is not among the quotes compared (1 of 2 codings"),
            &format!("did you mean {id}"),
        ],
    );
}

#[test]
fn agree_with_a_missing_codings_file_names_it() {
    let dir = two_coders(
        "{\"quote\":\"a:2\",\"theme\":\"c.x\",\"origin\":\"manual\",\"coder\":\"jo\"}\n",
        "",
    );
    fails_with(
        dir.path(),
        &["agree", "jo.jsonl", "gone.jsonl"],
        &["gone.jsonl: no such file"],
    );
}

#[test]
fn report_out_to_a_folder_is_refused() {
    let dir = coded_project();
    fs::create_dir(dir.path().join("out")).expect("mkdir");
    fails_with(
        dir.path(),
        &["report", "--out", "out"],
        &["out: is a folder, not a regular file"],
    );
}

#[test]
fn unknown_command_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    fails_with(
        dir.path(),
        &["frobnicate"],
        &["unrecognized subcommand 'frobnicate'"],
    );
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    fails_with(
        dir.path(),
        &["code", "--frobnicate"],
        &["unexpected argument '--frobnicate'"],
    );
}

#[test]
fn negative_count_is_a_usage_error() {
    let dir = coded_project();
    fails_with(
        dir.path(),
        &["report", "--top", "-1"],
        &["unexpected argument '-1'"],
    );
    fails_with(
        dir.path(),
        &["search", "tired", "--limit", "-1"],
        &["unexpected argument '-1'"],
    );
}

#[test]
fn search_with_an_empty_or_malformed_query_is_an_error() {
    let dir = coded_project();
    fails_with(dir.path(), &["search", ""], &["give words to search for"]);
    fails_with(
        dir.path(),
        &["search", "tired AND (money"],
        &["invalid query `tired AND (money`"],
    );
}
