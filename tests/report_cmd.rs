//! End-to-end tests of `verbatim report` in every format and of `verbatim run`.

mod common;

use std::fs;

use common::*;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("codebook.toml"),
        "[codebook]\nid = \"mini\"\nname = \"Mini\"\n\n[[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\n\
         [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n[[theme.rules]]\nany = [\"tired\", \"exhausted\"]\n\n\
         [[theme]]\nid = \"challenge.money\"\ncategory = \"challenge\"\nname = \"Money\"\n[[theme.rules]]\nany = [\"budget\", \"funding\"]\n",
    )
    .expect("codebook");
    fs::write(
        dir.path().join("roster.csv"),
        "name,aliases,role,organisation,area,sector\nAnn Lee,,chief executive,Wigan council,Wigan,council\nBo Ray,,director,Leeds Playhouse,Leeds,arts\n",
    )
    .expect("roster");
    fs::write(dir.path().join("wigan.txt"), "Q: How are things?\n\nAnn Lee: We are exhausted and the budget is gone.\n\nQ: And then?\n\nAnn Lee: Tired, but proud of the <team> & \"volunteers\".\n").expect("a");
    fs::write(dir.path().join("leeds.txt"), "Q: Funding?\n\nBo Ray: Funding is the whole story.\n\nQ: Anything else?\n\nBo Ray: Nothing at all.\n").expect("b");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nname = \"Test round\"\nsources = [\"*.txt\"]\nroster = \"roster.csv\"\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    dir
}

#[test]
fn markdown_counts_matrices_and_rules() {
    let dir = project();
    let output = verbatim(dir.path(), &["report", "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("4 quotes, 3 coded (75.0%), 4 codes."),
        "{text}"
    );
    assert!(
        text.contains("| challenge.fatigue | Fatigue | 2 | 1 | 1 | 50.0% |"),
        "{text}"
    );
    assert!(
        text.contains("| challenge.money | Money | 2 | 2 | 2 | 50.0% |"),
        "{text}"
    );
    assert!(text.contains("| theme | Leeds | Wigan | total |"), "{text}");
    assert!(
        text.contains("| challenge.fatigue | · | 2 (1) | 2 |"),
        "{text}"
    );
    assert!(
        text.contains("| challenge.fatigue | challenge.money | 1 |"),
        "{text}"
    );
    assert!(text.contains("counts once"), "{text}");
    let normalised = stdout(&verbatim(
        dir.path(),
        &["report", "--quiet", "--by", "sector", "--normalise"],
    ));
    assert!(
        normalised.contains("| challenge.money | 50% | 50% | 2 |"),
        "{normalised}"
    );
}

#[test]
fn csv_tidy_and_wide_load_as_tables() {
    let dir = project();
    let tidy = stdout(&verbatim(
        dir.path(),
        &["report", "--quiet", "--format", "csv"],
    ));
    let lines: Vec<&str> = tidy.lines().collect();
    assert_eq!(
        lines[0],
        "quote,theme,category,score,origin,evidence,area,sector,role,organisation,round,speaker,\
         source,start,end,line,text,memos"
    );
    assert_eq!(lines.len(), 5, "{tidy}");
    let mut rows = csv::Reader::from_reader(tidy.as_bytes());
    for row in rows.records() {
        let row = row.expect("a CSV row");
        assert!(!row[5].is_empty(), "an automatic code's evidence: {row:?}");
        let (start, end): (usize, usize) = (
            row[13].parse().expect("start"),
            row[14].parse().expect("end"),
        );
        assert_eq!(
            end - start,
            row[16].chars().count(),
            "offsets span the text: {row:?}"
        );
    }
    assert!(
        tidy.contains("\"Tired, but proud of the <team> & \"\"volunteers\"\".\""),
        "{tidy}"
    );
    let wide = stdout(&verbatim(
        dir.path(),
        &["report", "--quiet", "--format", "csv-wide"],
    ));
    let header = wide.lines().next().expect("header");
    assert!(
        header.ends_with(",challenge.fatigue,challenge.money"),
        "{header}"
    );
    assert_eq!(wide.lines().count(), 5);
    assert!(
        wide.contains("wigan:2,Wigan,council,chief executive,Wigan council,,Ann Lee,wigan.txt,1,1"),
        "{wide}"
    );
}

#[test]
fn json_html_filters_and_errors() {
    let dir = project();
    let json = json_lines(&verbatim(
        dir.path(),
        &["report", "--json", "--quiet", "--where", "area=Wigan"],
    ));
    let report = &json[0];
    assert_eq!(report["quotes"], 2);
    assert_eq!(report["themes"][0]["quotes"], 2);
    assert_eq!(
        report["matrices"][0]["columns"],
        serde_json::json!(["Wigan"])
    );
    assert_eq!(report["filters"], serde_json::json!(["area = Wigan"]));

    let out = dir.path().join("out/report.html");
    let written = verbatim(
        dir.path(),
        &["report", "--quiet", "--out", out.to_str().expect("path")],
    );
    assert!(written.status.success(), "{}", stderr(&written));
    let page = fs::read_to_string(&out).expect("html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    for needle in [
        "id=\"frequency-chart\"",
        "id=\"heatmap-area\"",
        "class=\"legend-scale\"",
        "<details class=\"drill\">",
        "&lt;team&gt; &amp; &quot;volunteers&quot;",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert!(!page.contains("<script"), "no JavaScript");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing fetched"
    );

    let bad = verbatim(dir.path(), &["report", "--where", "area"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("--where takes ATTRIBUTE=VALUE"));
    let unknown = verbatim(dir.path(), &["report", "--theme", "challenge.nope"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("--theme challenge.nope: no such name"));
    // Slips in a filter are errors that offer what was meant, never an empty report.
    for (args, said) in [
        (
            &["report", "--where", "area=Wigna"][..],
            "--where area=Wigna: no such name; did you mean Wigan?",
        ),
        (
            &["report", "--where", "colour=red"][..],
            "--where colour=red: no quote has the attribute `colour`",
        ),
        (
            &["report", "--category", "challeng"][..],
            "--category challeng: no such name; did you mean challenge?",
        ),
        (
            &["search", "hub", "--area", "Wigna"][..],
            "--area Wigna: no such name; did you mean Wigan?",
        ),
        (
            &["search", "hub", "--category", "challeng"][..],
            "--category challeng: no such name; did you mean challenge?",
        ),
    ] {
        let output = verbatim(dir.path(), args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains(said),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let by = verbatim(dir.path(), &["report", "--by", "colour"]);
    assert!(stderr(&by).contains("--by colour: not an attribute"));
}

/// A project report counts from the quote table and reads only the quotes it shows; it
/// must equal the report computed from the parsed files (a `--codebook` run), manual
/// codings and every filter included.
#[test]
fn a_report_from_the_quote_table_equals_one_from_the_parsed_files() {
    let dir = project();
    let coded = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(coded.status.success(), "{}", stderr(&coded));
    fs::write(
        dir.path().join("codings.jsonl"),
        "{\"quote\":\"leeds:4\",\"theme\":\"challenge.fatigue\",\"coder\":\"jo\"}\n",
    )
    .expect("manual coding");
    let views: [&[&str]; 4] = [
        &[],
        &["--by", "role", "--by", "speaker", "--top", "1"],
        &["--where", "area=wigan", "--min-score", "0.5"],
        &["--origin", "manual", "--by", "source"],
    ];
    for view in views {
        let table = verbatim(
            dir.path(),
            &[&["report", "--json", "--quiet"], view].concat(),
        );
        assert!(table.status.success(), "{}", stderr(&table));
        let parsed = verbatim(
            dir.path(),
            &[
                &["report", "--json", "--quiet", "--codebook", "codebook.toml"],
                view,
            ]
            .concat(),
        );
        assert!(parsed.status.success(), "{}", stderr(&parsed));
        assert_eq!(stdout(&table), stdout(&parsed), "view {view:?}");
    }
    let manual = json_lines(&verbatim(
        dir.path(),
        &["report", "--json", "--quiet", "--origin", "manual"],
    ));
    assert_eq!(manual[0]["themes"][0]["quotes"], 1, "{}", manual[0]);
    assert_eq!(
        manual[0]["top_quotes"]["challenge.fatigue"][0]["id"],
        "leeds:4"
    );
}

#[test]
fn run_writes_the_html_report_and_prints_a_summary() {
    let dir = project();
    let output = verbatim(dir.path(), &["run"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("# Test round: Mini"), "{text}");
    assert!(text.contains("wrote report.html"), "{text}");
    assert!(
        fs::read_to_string(dir.path().join("report.html"))
            .expect("report")
            .contains("heatmap")
    );
    assert!(dir.path().join(".verbatim/codings.jsonl").exists());
    let again = verbatim(dir.path(), &["run", "--quiet"]);
    assert!(again.stdout.is_empty());
}

fn search(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let all = [&["search", "--json"], args].concat();
    json_lines(&verbatim(dir, &all)).remove(0)
}

fn ids(result: &serde_json::Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn search_words_phrases_booleans_themes_and_attributes() {
    let dir = project();
    let words = search(dir.path(), &["budget"]);
    assert_eq!(ids(&words), ["wigan:2"]);
    assert_eq!(
        words["hits"][0]["snippet"],
        "We are exhausted and the [budget] is gone."
    );
    assert_eq!(words["facets"]["areas"], serde_json::json!({"Wigan": 1}));
    assert_eq!(ids(&search(dir.path(), &["\"whole story\""])), ["leeds:2"]);
    assert_eq!(
        ids(&search(dir.path(), &["\"story whole\""])),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&search(dir.path(), &["funding OR tired"])),
        ["leeds:2", "wigan:4"]
    );
    assert_eq!(
        ids(&search(dir.path(), &["exhausted AND NOT budget"])),
        Vec::<String>::new()
    );
    assert_eq!(ids(&search(dir.path(), &["exhaust*"])), ["wigan:2"]);
    let theme = search(dir.path(), &["--theme", "challenge.fatigue"]);
    assert_eq!(
        ids(&theme),
        ["wigan:2", "wigan:4"],
        "best first, ties by id"
    );
    assert_eq!(theme["facets"]["themes"]["challenge.fatigue"], 2);
    assert_eq!(
        ids(&search(dir.path(), &["funding", "--area", "leeds"])),
        ["leeds:2"]
    );
    assert_eq!(
        ids(&search(dir.path(), &["funding", "--sector", "council"])),
        Vec::<String>::new()
    );
    assert_eq!(search(dir.path(), &["zebra"])["total"], 0);
    let none = stdout(&verbatim(dir.path(), &["search", "zebra"]));
    assert_eq!(none, "no quotes match\n");
}

#[test]
fn a_malformed_search_is_a_clear_error() {
    let dir = project();
    let output = verbatim(dir.path(), &["search", "tired AND ("]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("invalid query `tired AND (`"), "{message}");
    assert!(!message.contains("panicked"));
    let empty = verbatim(dir.path(), &["search"]);
    assert!(stderr(&empty).contains("give words to search for"));
}
