//! The incremental state end to end, through the library: what a refresh reads, what it
//! keeps, and that every path leads to the files a rebuild writes.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::*;
use crate::observer::{Recorder, Silent};
use crate::test_fixtures::FATIGUE_AND_MONEY as CODEBOOK;

fn interview(name: &str, words: &str) -> String {
    format!(
        "Jo Park: How was the year?\n\n{name}: {words}\n\nJo Park: And the money?\n\n{name}: The budget was cut again and funding came late.\n"
    )
}

/// A project of `count` interviews, `a00.txt`..., with a codebook and an interviewer.
fn project(count: usize) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("verbatim.toml"),
        "[project]\nsources = [\"interviews\"]\ncodebook = \"codebook.toml\"\ninterviewers = [\"Jo Park\"]\n",
    )
    .expect("config");
    std::fs::write(dir.path().join("codebook.toml"), CODEBOOK).expect("codebook");
    std::fs::create_dir(dir.path().join("interviews")).expect("folder");
    for i in 0..count {
        write_source(
            dir.path(),
            &format!("a{i:02}.txt"),
            &format!("Speaker {i}"),
            "Everyone was exhausted and tired by the winter.",
        );
    }
    let project = Project::load(dir.path()).expect("project");
    (dir, project)
}

fn write_source(root: &Path, name: &str, speaker: &str, words: &str) {
    std::fs::write(
        root.join("interviews").join(name),
        interview(speaker, words),
    )
    .expect("source");
}

fn state_bytes(project: &Project) -> (Vec<u8>, Vec<u8>) {
    let paths = StatePaths::of(project);
    (
        std::fs::read(&paths.quotes).expect("quotes"),
        std::fs::read(&paths.codings).expect("codings"),
    )
}

/// The state files a rebuild of the project's sources writes.
fn rebuilt(project: &Project) -> (Vec<u8>, Vec<u8>) {
    let copy = tempfile::tempdir().expect("temp dir");
    for entry in ["verbatim.toml", "codebook.toml"] {
        std::fs::copy(project.root.join(entry), copy.path().join(entry)).expect("copy");
    }
    std::fs::create_dir(copy.path().join("interviews")).expect("folder");
    for file in std::fs::read_dir(project.root.join("interviews")).expect("list") {
        let file = file.expect("entry").path();
        let name = file.file_name().expect("name");
        std::fs::copy(&file, copy.path().join("interviews").join(name)).expect("copy");
    }
    let copied = Project::load(copy.path()).expect("project");
    let state = refresh(&copied, None, &Silent).expect("rebuild");
    assert_eq!(state.kept, 0);
    state_bytes(&copied)
}

#[test]
fn an_unchanged_project_reads_nothing_and_a_changed_source_alone_is_read() {
    let (dir, project) = project(10);
    let first = refresh(&project, None, &Silent).expect("first run");
    assert_eq!((first.read, first.kept, first.table.rows()), (10, 0, 20));
    let again = refresh(&project, None, &Silent).expect("second run");
    assert_eq!((again.read, again.kept), (0, 10));
    write_source(
        dir.path(),
        "a03.txt",
        "Speaker 3",
        "We found new volunteers and they were never tired.",
    );
    let changed = refresh(&project, None, &Silent).expect("changed");
    assert_eq!((changed.read, changed.kept), (1, 9));
    assert_eq!(state_bytes(&project), rebuilt(&project));
}

/// An edit that keeps the file's length and modification time (as `touch -r` or a copy
/// with `cp -p` leaves it) is still seen.
#[test]
fn an_edit_that_keeps_size_and_modification_time_is_read() {
    let (dir, project) = project(10);
    refresh(&project, None, &Silent).expect("first run");
    let path = dir.path().join("interviews/a01.txt");
    let before = std::fs::metadata(&path).expect("metadata");
    write_source(
        dir.path(),
        "a01.txt",
        "Speaker 1",
        "Everyone was cheerful and rested by the summer.",
    );
    let file = std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_modified(before.modified().expect("mtime"))
        .expect("restamp");
    drop(file);
    let after = std::fs::metadata(&path).expect("metadata");
    assert_eq!(
        (after.len(), after.modified().ok()),
        (before.len(), before.modified().ok())
    );
    let changed = refresh(&project, None, &Silent).expect("changed");
    assert_eq!((changed.read, changed.kept), (1, 9));
    assert_eq!(state_bytes(&project), rebuilt(&project));
}

#[test]
fn a_new_round_after_the_others_is_appended_in_place() {
    let (dir, project) = project(10);
    refresh(&project, None, &Silent).expect("first run");
    let paths = StatePaths::of(&project);
    let (quotes_before, codings_before) = state_bytes(&project);
    let inode = std::fs::metadata(&paths.quotes).expect("stat").ino();
    write_source(
        dir.path(),
        "b00.txt",
        "Speaker X",
        "Honestly we were exhausted.",
    );
    let added = refresh(&project, None, &Silent).expect("round added");
    assert_eq!((added.read, added.kept), (1, 10));
    assert_eq!(
        std::fs::metadata(&paths.quotes).expect("stat").ino(),
        inode,
        "appended, not rewritten"
    );
    let (quotes, codings) = state_bytes(&project);
    assert!(quotes.starts_with(&quotes_before) && quotes.len() > quotes_before.len());
    assert!(codings.starts_with(&codings_before) && codings.len() > codings_before.len());
    assert_eq!((quotes, codings), rebuilt(&project));
}

#[test]
fn a_round_with_an_unreadable_source_is_cut_back_and_the_table_still_holds() {
    let (dir, project) = project(10);
    refresh(&project, None, &Silent).expect("first run");
    let paths = StatePaths::of(&project);
    let before = state_bytes(&project);
    let stamps = (FileStamp::of(&paths.quotes), FileStamp::of(&paths.codings));
    write_source(
        dir.path(),
        "b00.txt",
        "Speaker X",
        "A readable answer that is exhausted.",
    );
    std::fs::write(
        dir.path().join("interviews/b01.txt"),
        b"\x00\x01\x02binary\x00\x00",
    )
    .expect("bad source");
    let error = refresh(&project, None, &Silent).expect_err("a source cannot be read");
    assert!(error.to_string().contains("b01.txt"), "{error}");
    assert_eq!(state_bytes(&project), before);
    let same = |path: &std::path::Path, before: Option<FileStamp>| {
        FileStamp::of(path)
            .zip(before)
            .is_some_and(|(now, before)| now.same_length_and_time(&before))
    };
    assert!(same(&paths.quotes, stamps.0) && same(&paths.codings, stamps.1));
    std::fs::remove_file(dir.path().join("interviews/b00.txt")).expect("remove");
    std::fs::remove_file(dir.path().join("interviews/b01.txt")).expect("remove");
    let after = refresh(&project, None, &Silent).expect("the round taken out");
    assert_eq!(after.read, 0, "the table still describes the files");
}

#[test]
fn a_removed_source_leaves_the_state_a_rebuild_would_write() {
    let (dir, project) = project(10);
    refresh(&project, None, &Silent).expect("first run");
    std::fs::remove_file(dir.path().join("interviews/a04.txt")).expect("remove");
    let removed = refresh(&project, None, &Silent).expect("removed");
    assert_eq!(
        (removed.read, removed.kept, removed.table.rows()),
        (0, 9, 18)
    );
    assert_eq!(state_bytes(&project), rebuilt(&project));
}

#[test]
fn placed_manual_codings_head_the_state_and_a_torn_last_line_goes_in_the_rebuild() {
    let (dir, project) = project(4);
    refresh(&project, None, &Silent).expect("first run");
    let paths = StatePaths::of(&project);
    let manual = r#"{"quote":"a01:2","theme":"challenge.money","score":null,"origin":"manual","coder":"ann","evidence":[]}"#;
    std::fs::write(dir.path().join("codings.jsonl"), format!("{manual}\n")).expect("decide");
    let auto = std::fs::read_to_string(&paths.codings).expect("codings");
    std::fs::write(&paths.codings, format!("{auto}{{\"quote\":\"a0")).expect("edit");
    write_source(
        dir.path(),
        "a02.txt",
        "Speaker 2",
        "Nothing much to say about that year.",
    );
    refresh(&project, None, &Silent).expect("rebuilt");
    let codings = std::fs::read_to_string(&paths.codings).expect("codings");
    assert!(codings.starts_with(manual), "{codings}");
    assert!(!codings.contains("{\"quote\":\"a0\n"), "{codings}");
    let coded = crate::code::load_coded(
        &project,
        refresh(&project, None, &Silent).expect("unchanged"),
    )
    .expect("coded");
    let quote = coded
        .quotes
        .iter()
        .find(|c| c.quote.id == "a01:2")
        .expect("the quote");
    assert_eq!(quote.codes[0].theme, "challenge.money");
    assert_eq!(quote.codes[0].origin, verbatim_model::Origin::Manual);
}

/// State from a version that kept manual codings at the head of `.verbatim/codings.jsonl`:
/// they move into the project's codings file, anchored to their quotes' text.
#[test]
fn manual_codings_kept_under_the_state_folder_move_into_the_codings_file() {
    let (dir, project) = project(2);
    refresh(&project, None, &Silent).expect("first run");
    let paths = StatePaths::of(&project);
    let manual = r#"{"quote":"a01:2","theme":"challenge.money","score":null,"origin":"manual","coder":"ann","evidence":[]}"#;
    let auto = std::fs::read_to_string(&paths.codings).expect("codings");
    std::fs::write(&paths.codings, format!("{manual}\n{auto}")).expect("old head");
    std::fs::remove_file(&paths.table).expect("an older table");
    let told = Recorder::default();
    refresh(&project, None, &told).expect("moved");
    assert!(
        told.warnings()
            .iter()
            .any(|w| w.contains("1 manual codings moved from")),
        "{:?}",
        told.warnings()
    );
    let moved = std::fs::read_to_string(dir.path().join("codings.jsonl")).expect("moved");
    assert!(
        moved.starts_with(
            r#"{"kind":"code","theme":"challenge.money","source":"interviews/a01.txt","start":"#
        ) && moved.contains(r#""coder":"ann""#),
        "{moved}"
    );
    let codings = std::fs::read_to_string(&paths.codings).expect("codings");
    assert!(codings.starts_with(manual), "{codings}");
}

#[test]
fn another_codebook_rebuilds_with_its_themes() {
    let (dir, project) = project(3);
    refresh(&project, None, &Silent).expect("first run");
    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        CODEBOOK.replace("\"budget\", \"funding\"", "\"winter\""),
    )
    .expect("codebook");
    let state = refresh(&project, Some(&other), &Silent).expect("other codebook");
    assert_eq!(state.kept, 0);
    let codings = std::fs::read_to_string(StatePaths::of(&project).codings).expect("codings");
    assert!(codings.contains("\"winter\""), "{codings}");
}

/// Threads reading quotes through one `QuoteLines` at once (as the web server's searches
/// do) each get the quotes they asked for.
#[test]
fn quote_lines_read_from_many_threads_at_once_give_each_its_own_quote() {
    let (_dir, project) = project(6);
    let refreshed = refresh(&project, None, &Silent).expect("first run");
    let lines = QuoteLines::open(&StatePaths::of(&project).quotes).expect("quote file");
    let table = &refreshed.table;
    let expected: Vec<String> = (0..table.rows())
        .map(|row| lines.quote(table, row).expect("quote").id)
        .collect();
    std::thread::scope(|scope| {
        for offset in 0..8 {
            let (lines, expected) = (&lines, &expected);
            scope.spawn(move || {
                for round in 0..200 {
                    let row = (round * 7 + offset) % expected.len();
                    let quote = lines.quote(table, row).expect("a whole line");
                    assert_eq!(quote.id, expected[row]);
                }
            });
        }
    });
}
