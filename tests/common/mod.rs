//! Helpers shared by the end-to-end tests: run the real `verbatim` binary.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository root (where `verbatim.toml` and `corpus/` live).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repo root")
}

/// Runs `verbatim` with `args` in `dir`, with no inherited project, coding by words
/// alone whether or not a sentence model is installed (see [`verbatim_with_model`]).
pub fn verbatim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env("VERBATIM_MODEL", "none")
        .output()
        .expect("run verbatim")
}

/// Runs `verbatim` as [`verbatim`] does, with `input` on its standard input.
pub fn verbatim_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env("VERBATIM_MODEL", "none")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run verbatim");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("write input");
    }
    child.wait_with_output().expect("verbatim output")
}

/// Runs `verbatim` with the installed sentence model (as a user who installed one would).
pub fn verbatim_with_model(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verbatim"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env_remove("VERBATIM_MODEL")
        .output()
        .expect("run verbatim")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Asserts success and parses stdout as JSON Lines.
pub fn json_lines(output: &Output) -> Vec<Value> {
    assert!(
        output.status.success(),
        "verbatim failed: {}",
        stderr(output)
    );
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// The text quote offsets of `source` point into, via `verbatim text`.
pub fn source_text(dir: &Path, source: &str) -> String {
    let output = verbatim(dir, &["text", "--json", source]);
    let value = &json_lines(&output)[0];
    value["text"].as_str().expect("text field").to_string()
}

/// Asserts the offset contract for every quote: the chars `start..end` of the source
/// text are exactly `text`.
pub fn assert_offsets_exact(dir: &Path, quotes: &[Value]) {
    let mut texts = std::collections::HashMap::new();
    for quote in quotes {
        let source = quote["source"].as_str().expect("source");
        let text = texts
            .entry(source.to_string())
            .or_insert_with(|| source_text(dir, source));
        let start = quote["start"].as_u64().expect("start") as usize;
        let end = quote["end"].as_u64().expect("end") as usize;
        let slice: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(
            slice,
            quote["text"].as_str().expect("text"),
            "offsets of {}",
            quote["id"]
        );
        let line = quote["line"].as_u64().expect("line") as usize;
        let prefix: String = text.chars().take(start).collect();
        assert_eq!(
            line,
            prefix.matches('\n').count() + 1,
            "line of {}",
            quote["id"]
        );
    }
}

/// The warnings a run gave on stderr: `warning: ...` lines, or, for a command run with
/// `--json`, the `{"warning": "..."}` lines it writes instead.
pub fn warnings(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter_map(|line| {
            line.strip_prefix("warning: ")
                .map(str::to_string)
                .or_else(|| {
                    serde_json::from_str::<Value>(line)
                        .ok()
                        .and_then(|v| v["warning"].as_str().map(str::to_string))
                })
        })
        .collect()
}

/// Runs `verbatim` and checks it fails as a user error (exit 1, no panic) with a message
/// holding every part of `expected`.
pub fn fails_with(dir: &Path, args: &[&str], expected: &[&str]) {
    let output = verbatim(dir, args);
    let message = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "exit code; stderr: {message}"
    );
    for part in expected {
        assert!(message.contains(part), "`{part}` missing from: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

/// A minimal codebook with one theme `c.x`; `theme_lines` go into the theme's table
/// (line 11 on) and `rest` after it.
pub fn codebook_text(theme_lines: &str, rest: &str) -> String {
    format!(
        "[codebook]\nid = \"c\"\nname = \"c\"\n[[category]]\nid = \"c\"\nname = \"C\"\n[[theme]]\nid = \"c.x\"\ncategory = \"c\"\nname = \"X\"\n{theme_lines}{rest}"
    )
}

/// A folder with one short transcript, `a.txt`.
pub fn transcript_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(
        dir.path().join("a.txt"),
        "Q: How?\n\nA: Everyone is tired out.\n",
    )
    .expect("transcript");
    dir
}

/// A project over `a.txt` coded with a one-theme codebook.
pub fn coded_project() -> tempfile::TempDir {
    let dir = transcript_dir();
    fs::write(
        dir.path().join("codebook.toml"),
        codebook_text("", "[[theme.rules]]\nany = [\"tired\"]\n"),
    )
    .expect("codebook");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"]\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    let output = verbatim(dir.path(), &["code", "--quiet"]);
    assert!(output.status.success(), "{}", stderr(&output));
    dir
}

/// A two-theme codebook (fatigue with a veto, money with a proximity rule).
pub const MINI_CODEBOOK: &str = r#"[codebook]
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
veto = ["tyre"]

[[theme]]
id = "challenge.money"
category = "challenge"
name = "Financial pressures"
[[theme.rules]]
any = ["budget", "funding", "money"]
[[theme.rules]]
near = ["cut", "grant"]
within = 3
weight = 2.0
"#;

/// A project over one short interview, `a.txt`, coded with [`MINI_CODEBOOK`].
pub fn mini_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("codebook.toml"), MINI_CODEBOOK).expect("codebook");
    fs::write(
        dir.path().join("a.txt"),
        "Q: How are people?\n\nA: Everyone is exhausted and worn out.\n\nQ: And money?\n\nA: They cut our grant and the budget is gone.\n\nQ: Anything else?\n\nA: The new tyre depot opened, we were tired of waiting.\n",
    )
    .expect("transcript");
    fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"a.txt\"]\ncodebook = \"codebook.toml\"\n",
    )
    .expect("config");
    dir
}

/// Rewrites the project's configuration with `settings` and the test codebook.
pub fn configure(dir: &Path, settings: &str) {
    let config = format!("[project]\n{settings}codebook = \"codebook.toml\"\n");
    fs::write(dir.join("verbatim.toml"), config).expect("config");
}

/// Rebuilds the project from scratch and checks it gives the same state files and the
/// same answer to a search as the incremental runs did.
pub fn assert_a_rebuild_gives(dir: &Path, files: &[Vec<u8>; 2], query: &str, searched: &str) {
    fs::remove_file(dir.join(".verbatim/table.bin")).expect("drop table");
    let rebuilt = verbatim(dir, &["code"]);
    assert!(
        stdout(&rebuilt).contains(" 0 unchanged"),
        "{}",
        stdout(&rebuilt)
    );
    assert_eq!(
        &state_files(dir),
        files,
        "incremental differs from a rebuild"
    );
    assert_eq!(
        stdout(&verbatim(dir, &["search", "--json", query])),
        searched
    );
}

/// Runs `code` in `dir` and checks it read `read` sources and kept `unchanged`.
pub fn code_reads(dir: &Path, read: usize, unchanged: usize) {
    let coded = verbatim(dir, &["code"]);
    assert!(coded.status.success(), "{}", stderr(&coded));
    let summary = format!("{read} sources read, {unchanged} unchanged");
    assert!(stdout(&coded).contains(&summary), "{}", stdout(&coded));
}

/// The state files a project run writes, as bytes.
pub fn state_files(dir: &Path) -> [Vec<u8>; 2] {
    ["quotes.jsonl", "codings.jsonl"]
        .map(|name| fs::read(dir.join(".verbatim").join(name)).expect("state file"))
}
