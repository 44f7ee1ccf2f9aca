//! End-to-end tests of `verbatim ingest` and `verbatim text` on the bundled corpus and on
//! small fixtures of our own.

mod common;

use std::collections::BTreeSet;
use std::fs;

use common::*;
use serde_json::Value;

fn field<'a>(quote: &'a Value, name: &str) -> Option<&'a str> {
    quote[name].as_str()
}

#[test]
fn bundled_corpus_quotes_are_exact_attributed_and_cover_every_format() {
    let root = repo_root();
    let quotes = json_lines(&verbatim(&root, &["ingest", "--json", "--quiet"]));
    assert!(quotes.len() > 150, "only {} quotes", quotes.len());
    assert_offsets_exact(&root, &quotes);

    let extensions: BTreeSet<&str> = quotes
        .iter()
        .filter_map(|q| field(q, "source")?.rsplit('.').next())
        .collect();
    assert_eq!(
        extensions,
        BTreeSet::from(["docx", "md", "srt", "txt", "vtt"])
    );

    for quote in &quotes {
        if field(quote, "speaker").is_some() {
            for attribute in ["role", "organisation", "area", "sector"] {
                assert!(
                    field(quote, attribute).is_some(),
                    "{} lacks {attribute}",
                    quote["id"]
                );
            }
        }
        assert_ne!(
            field(quote, "role"),
            Some("interviewer"),
            "interviewer quoted: {}",
            quote["id"]
        );
        assert_eq!(field(quote, "round"), Some("2021"));
    }
    let speakers: BTreeSet<&str> = quotes.iter().filter_map(|q| field(q, "speaker")).collect();
    assert_eq!(speakers.len(), 12, "{speakers:?}");
    let unknown: BTreeSet<&str> = quotes
        .iter()
        .filter(|q| q["speaker"].is_null())
        .filter_map(|q| field(q, "speaker_hint"))
        .collect();
    assert_eq!(unknown, BTreeSet::from(["Colin Hartley"]));

    let surrey: Vec<&Value> = quotes
        .iter()
        .filter(|q| field(q, "source") == Some("corpus/surrey-leader.txt"))
        .collect();
    assert!(!surrey.is_empty(), "the UTF-16 CRLF source gave no quotes");
    assert!(
        surrey
            .iter()
            .all(|q| field(q, "speaker") == Some("Helen Achterberg"))
    );
    assert!(surrey.iter().all(|q| q["attributes"]["time"].is_string()));
}

#[test]
fn ingest_is_deterministic_byte_for_byte() {
    let root = repo_root();
    let first = verbatim(&root, &["ingest", "--json", "--quiet"]);
    let second = verbatim(&root, &["ingest", "--json", "--quiet"]);
    assert!(first.status.success());
    assert_eq!(first.stdout, second.stdout);
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn offsets_hold_for_emoji_crlf_utf16_and_windows_1252() {
    let dir = tempfile::tempdir().expect("temp dir");
    let crlf = "Q: Best moment? 🙂\r\n\r\nA: The hub opened 🎉 on day two.\r\nIt was “mad”.\r\n\r\nQ: Worst?\r\nA: Fatigue, honestly.\r\n";
    fs::write(dir.path().join("crlf.txt"), crlf).expect("write");
    fs::write(dir.path().join("wide.txt"), utf16le_with_bom(crlf)).expect("write");
    fs::write(
        dir.path().join("legacy.txt"),
        b"Q: Caf\xe9?\r\nA: \x93Yes\x94 \x96 the caf\xe9 fed 300.\r\n",
    )
    .expect("write");
    let output = verbatim(dir.path(), &["ingest", "--json", "."]);
    let quotes = json_lines(&output);
    assert_offsets_exact(dir.path(), &quotes);
    let texts: Vec<&str> = quotes.iter().filter_map(|q| field(q, "text")).collect();
    assert_eq!(
        texts,
        [
            "The hub opened 🎉 on day two.\r\nIt was “mad”.",
            "Fatigue, honestly.",
            "“Yes” – the café fed 300.",
            "The hub opened 🎉 on day two.\r\nIt was “mad”.",
            "Fatigue, honestly.",
        ]
    );
    assert_eq!(field(&quotes[1], "context"), Some("Worst?"));
    assert!(
        stderr(&output).contains("legacy.txt: not valid UTF-8"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fixture_formats_attribute_speakers_from_the_roster() {
    let fixtures = repo_root().join("tests/fixtures");
    let output = verbatim(
        &fixtures,
        &["ingest", "--json", "--roster", "roster.csv", "."],
    );
    let quotes = json_lines(&output);
    assert_offsets_exact(&fixtures, &quotes);
    let summary: Vec<(&str, Option<&str>, Option<&str>)> = quotes
        .iter()
        .map(|q| {
            (
                field(q, "id").unwrap_or(""),
                field(q, "speaker"),
                field(q, "speaker_hint"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "hounslow-ceo:2",
                Some("Imogen Castellanos"),
                Some("Imogen Castellanos")
            ),
            (
                "hounslow-ceo:3",
                Some("Imogen Castellanos"),
                Some("Imogen Castellanos")
            ),
            (
                "hounslow-ceo:5",
                Some("Imogen Castellanos"),
                Some("Immy Castellanos")
            ),
            (
                "met-police-srt:2",
                Some("Bartholomew Nkemelu"),
                Some("Bartholomew Nkemelu")
            ),
            (
                "met-police-vtt:2",
                Some("Bartholomew Nkemelu"),
                Some("Bart Nkemelu")
            ),
            ("met-police-vtt:3", None, Some("Dev Anand")),
            (
                "volunteers:2",
                Some("Imogen Castellanos"),
                Some("Imogen Castellanos")
            ),
            (
                "volunteers:3",
                Some("Imogen Castellanos"),
                Some("Imogen Castellanos")
            ),
        ]
    );
    let vtt = &quotes[4];
    assert_eq!(
        field(vtt, "text"),
        Some("We shared a single control room with the council & the NHS.")
    );
    assert_eq!(field(vtt, "context"), Some("How did policing change?"));
    assert_eq!(vtt["attributes"]["time"], "00:00:03.500");
    assert_eq!(vtt["attributes"]["cohort"], "2021");
    assert_eq!(
        field(&quotes[0], "section"),
        Some("Hounslow council: chief executive")
    );
    assert_eq!(quotes[0]["attributes"]["date"], "2021-03-02");
    assert_eq!(
        field(&quotes[6], "text"),
        Some("We had four hundred & twelve of them.")
    );
}

#[test]
fn human_summary_lists_files_and_unknown_speakers() {
    let fixtures = repo_root().join("tests/fixtures");
    let output = verbatim(&fixtures, &["ingest", "--roster", "roster.csv", "."]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn keep_interviewer_and_max_words_change_segmentation_but_not_ids() {
    let fixtures = repo_root().join("tests/fixtures");
    let args = [
        "ingest",
        "--json",
        "--roster",
        "roster.csv",
        "hounslow-ceo.md",
    ];
    let plain = json_lines(&verbatim(&fixtures, &args));
    let kept = json_lines(&verbatim(
        &fixtures,
        &[&args[..], &["--keep-interviewer"]].concat(),
    ));
    assert_eq!(kept.len(), plain.len() + 2);
    assert_eq!(field(&kept[0], "speaker"), Some("Lowri Pemberton"));
    assert!(
        kept.iter()
            .any(|q| q["id"] == plain[0]["id"] && q["text"] == plain[0]["text"])
    );
    let split = json_lines(&verbatim(
        &fixtures,
        &[&args[..], &["--max-words", "8"]].concat(),
    ));
    let texts: Vec<&str> = split
        .iter()
        .filter_map(|q| field(q, "text"))
        .take(2)
        .collect();
    assert_eq!(
        texts,
        [
            "How quickly the borough’s mosques and gurdwaras became food hubs 🍲.",
            "Nobody asked them to."
        ]
    );
    assert_offsets_exact(&fixtures, &split);
}

#[test]
fn a_project_run_writes_quotes_jsonl_and_quiet_prints_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = repo_root().join("tests/fixtures");
    fs::create_dir(dir.path().join("interviews")).expect("mkdir");
    for name in ["hounslow-ceo.md", "met-police.vtt", "roster.csv"] {
        fs::copy(
            fixtures.join(name),
            dir.path().join("interviews").join(name),
        )
        .expect("copy");
    }
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nname = \"Test\"\nsources = [{ path = \"interviews\", round = \"R1\" }]\nroster = \"interviews/roster.csv\"\n",
    )
    .expect("config");
    let output = verbatim(dir.path(), &["ingest", "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty() && output.stderr.is_empty());
    let written =
        fs::read_to_string(dir.path().join(".verbatim/quotes.jsonl")).expect("quotes.jsonl");
    let quotes: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(quotes.len(), 5);
    for quote in &quotes {
        let source = field(quote, "source").expect("source");
        assert!(source.starts_with("interviews/"), "{source}");
        // Front matter names its own round; the project's round fills the others.
        let round = if source.ends_with(".md") {
            "2021"
        } else {
            "R1"
        };
        assert_eq!(field(quote, "round"), Some(round), "{source}");
    }
    let printed = verbatim(dir.path(), &["ingest", "--json"]);
    assert_eq!(stdout(&printed), written);
}

/// Transcripts in the shapes video-call and transcription services export: display names
/// with notes and apostrophes (Zoom), a name and time alone on a line (Otter.ai, named and
/// `Speaker N`). Each: who speaks, how many quotes, how the first begins, and the warning
/// that says who was taken for the interviewer.
#[test]
fn exports_of_video_calls_and_transcription_services_keep_every_answer() {
    let fixtures = repo_root().join("tests/exports");
    let cases: [(&str, &[&str], usize, &str, &str); 3] = [
        (
            "zoom-display-names.vtt",
            &["Ana", "Tom Brennan", "Tom's iPhone"],
            3,
            "Sure. I run the community safety partnership",
            "Priya Nair",
        ),
        (
            "otter-named.txt",
            &["Rachel Moss"],
            4,
            "No, it's fine.",
            "Hannah Okafor",
        ),
        (
            "otter-speakers.txt",
            &["Speaker 2"],
            3,
            "Working from home, without a doubt.",
            "Speaker 1",
        ),
    ];
    for (file, speakers, count, first, interviewer) in cases {
        let output = verbatim(&fixtures, &["ingest", "--json", file]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        let quotes = json_lines(&output);
        assert_offsets_exact(&fixtures, &quotes);
        let found: BTreeSet<&str> = quotes
            .iter()
            .filter_map(|q| field(q, "speaker_hint"))
            .collect();
        assert_eq!(found, speakers.iter().copied().collect(), "{file}");
        assert_eq!(quotes.len(), count, "{file}");
        let text = field(&quotes[0], "text").unwrap_or("");
        assert!(text.starts_with(first), "{file}: {text}");
        assert!(
            quotes
                .iter()
                .all(|q| !field(q, "text").unwrap_or("").starts_with(char::is_numeric)),
            "{file}: no quote starts with a timestamp's seconds"
        );
        let warned = warnings(&output);
        assert!(
            warned
                .iter()
                .any(|w| w.contains(&format!("took \"{interviewer}\" for the interviewer"))),
            "{file}: {warned:?}"
        );
    }
}

/// A Word-style transcript that opens with a header block (`Participant: Name, role`,
/// `Interviewer:`, `Date:`, `Location:`, `Duration:`, `Round:`) before its `Interviewer:`
/// / `Respondent:` turns, as plain text and as a `.docx`: the header makes no quotes, the
/// answers are the participant's with her role and the header's facts, offsets stay exact,
/// and the summary tells a roster that knows her from one that does not.
#[test]
fn a_word_style_header_names_the_participant_and_makes_no_quotes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let exports = repo_root().join("tests/exports");
    for name in ["word-style-header.txt", "word-style-header.docx"] {
        fs::copy(exports.join(name), dir.path().join(name)).expect("copy");
    }
    for file in ["word-style-header.txt", "word-style-header.docx"] {
        let quotes = json_lines(&verbatim(dir.path(), &["ingest", "--json", file]));
        assert_offsets_exact(dir.path(), &quotes);
        assert_eq!(quotes.len(), 3, "{file}: {quotes:?}");
        let first = field(&quotes[0], "text").unwrap_or("");
        assert!(first.starts_with("We opened the hub"), "{file}: {first}");
        for quote in &quotes {
            let text = field(quote, "text").unwrap_or("");
            for header in [
                "Dana Whitfield",
                "Owen Pritchard",
                "14 May 2021",
                "52 minutes",
            ] {
                assert!(!text.contains(header), "{file}: header quoted: {text}");
            }
            assert_eq!(field(quote, "speaker"), Some("Dana Whitfield"), "{file}");
            assert_eq!(field(quote, "speaker_hint"), Some("Respondent"), "{file}");
            assert_eq!(
                field(quote, "role"),
                Some("Head of Community Services"),
                "{file}"
            );
            assert_eq!(field(quote, "round"), Some("2021"), "{file}");
            assert_eq!(quote["attributes"]["date"], "14 May 2021", "{file}");
            assert_eq!(quote["attributes"]["location"], "Video call", "{file}");
            assert_eq!(quote["attributes"]["duration"], "52 minutes", "{file}");
            assert!(field(quote, "context").is_some(), "{file}: no question");
        }
    }

    let summary = |roster: &str| {
        fs::write(dir.path().join("roster.csv"), roster).expect("roster");
        let args = ["ingest", "--roster", "roster.csv", "word-style-header.txt"];
        let output = verbatim(dir.path(), &args);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let header = "name,aliases,role,organisation,area,sector\n";
    let knows = summary(&format!(
        "{header}Dana Whitfield,,head of community services,Northshire County Council,Northshire,council\n\
         Owen Pritchard,,interviewer,Verbatim Research,,\n"
    ));
    assert!(knows.contains("all in the roster"), "{knows}");
    let strangers = summary(&format!(
        "{header}Sam Lee,,chief executive,Acme,Leeds,council\n"
    ));
    assert!(
        !strangers.contains("all in the roster") && strangers.contains("not in the roster"),
        "{strangers}"
    );
}

/// Per-source settings in `verbatim.toml` reach the quotes; a misspelt key is an error
/// with the line and column, never ignored.
#[test]
fn per_source_settings_apply_and_misspelt_keys_are_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Interviewer: How did it go?\n\nRespondent: The hub opened in four days.\n",
    )
    .expect("transcript");
    let config = |entry: &str| {
        fs::write(
            dir.path().join("verbatim.toml"),
            format!("[project]\nsources = [\n  {entry},\n]\n"),
        )
        .expect("config")
    };
    config(
        r#"{ path = "a.txt", interviewee = "Dana Whitfield", round = "2021", date = "2021-05-14", attributes = { area = "North", venue = "video call" } }"#,
    );
    let quotes = json_lines(&verbatim(dir.path(), &["ingest", "--json"]));
    assert_eq!(quotes.len(), 1);
    let quote = &quotes[0];
    assert_eq!(field(quote, "speaker"), Some("Dana Whitfield"));
    assert_eq!(field(quote, "area"), Some("North"));
    assert_eq!(field(quote, "round"), Some("2021"));
    assert_eq!(quote["attributes"]["date"], "2021-05-14");
    assert_eq!(quote["attributes"]["venue"], "video call");

    config(r#"{ path = "a.txt", intervieweee = "Dana Whitfield" }"#);
    let output = verbatim(dir.path(), &["ingest", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("verbatim.toml:3:21:") && message.contains("unknown field `intervieweee`"),
        "{message}"
    );
}

/// Greetings, thanks and call logistics are small talk: set aside by default (not quotes,
/// so neither coded nor counted) and said in the summary; `--keep-smalltalk` keeps them,
/// marked `kind: "smalltalk"`, beside the answers, which carry no kind.
#[test]
fn small_talk_is_set_aside_unless_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("call.txt"),
        "---\ninterviewer: Jo Park\n---\n\
         Jo Park: Hi Ben, thanks for making the time.\n\n\
         Ben Osei: Hi Jo, no problem. Happy to help.\n\n\
         Jo Park: Can you hear me all right?\n\n\
         Ben Osei: Yes, I can hear you fine now. Sorry, I was on mute.\n\n\
         Jo Park: What was hardest in the first lockdown?\n\n\
         Ben Osei: Keeping the food bank stocked while half our volunteers were shielding.\n\n\
         Jo Park: Thank you, that's all from me.\n\n\
         Ben Osei: Thanks Jo, bye!\n",
    )
    .expect("transcript");
    let answers = json_lines(&verbatim(dir.path(), &["ingest", "--json", "call.txt"]));
    assert_offsets_exact(dir.path(), &answers);
    let texts: Vec<&str> = answers.iter().filter_map(|q| field(q, "text")).collect();
    assert_eq!(
        texts,
        ["Keeping the food bank stocked while half our volunteers were shielding."]
    );
    let summary = stdout(&verbatim(dir.path(), &["ingest", "call.txt"]));
    assert!(
        summary.contains("3 turns set aside as small talk"),
        "{summary}"
    );

    let kept = json_lines(&verbatim(
        dir.path(),
        &["ingest", "--json", "--keep-smalltalk", "call.txt"],
    ));
    assert_offsets_exact(dir.path(), &kept);
    let kinds: Vec<(&str, Option<&str>)> = kept
        .iter()
        .map(|q| (field(q, "id").unwrap_or(""), field(q, "kind")))
        .collect();
    assert_eq!(
        kinds,
        [
            ("call:2", Some("smalltalk")),
            ("call:4", Some("smalltalk")),
            ("call:6", None),
            ("call:8", Some("smalltalk")),
        ]
    );
    assert_eq!(field(&answers[0], "id"), Some("call:6"), "ids do not shift");
}

/// An interviewee the roster does not know leaves every answer without a speaker, and so
/// out of every count by role or area: a warning that names her, and under `--strict` a
/// failure, never only a line in the summary.
#[test]
fn answers_whose_speaker_the_roster_lacks_are_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "---\ninterviewee: Dana Whitfield\n---\nInterviewer: How was it?\n\n\
         Respondent: We opened the hub in four days.\n\nInterviewer: And then?\n\n\
         Respondent: The funding came late.\n",
    )
    .expect("transcript");
    fs::write(
        dir.path().join("roster.csv"),
        "name,aliases,role,organisation,area,sector\nSam Lee,,ceo,Acme,Leeds,council\n",
    )
    .expect("roster");
    let args = ["ingest", "--json", "--roster", "roster.csv", "a.txt"];
    let output = verbatim(dir.path(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        warnings(&output),
        [
            "a.txt: \"Respondent\" (the interviewee, Dana Whitfield) is not in the roster: 2 quotes kept with no speaker (every answer), left out of counts by role, area and sector"
        ]
    );
    let strict = verbatim(
        dir.path(),
        &["--strict", "ingest", "--roster", "roster.csv", "a.txt"],
    );
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
}
