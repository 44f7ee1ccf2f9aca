//! REFI-QDA projects: bytes that start like a ZIP go to `verbatim_refi::read_qdpx` (unsafe
//! names, links, bombs and broken archives must be errors, never panics); other bytes are
//! read as a `project.qde` beside one plain text (`sources/a.txt`), and a project that
//! reads is written as a `.qdpx` and read back: the same sources, selections and codings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use verbatim_refi::{ArchiveFiles, ProjectExchange, read_qde, read_qdpx, write_qdpx};

/// What a round trip must keep: each source's name and text, and each selection's span
/// with the themes coded on it.
fn kept(project: &ProjectExchange) -> Vec<(String, String, Vec<(usize, usize, Vec<String>)>)> {
    (project.sources.iter())
        .map(|s| {
            let selections = (s.selections.iter())
                .map(|n| (n.start, n.end, n.codings.iter().map(|c| c.theme.clone()).collect()))
                .collect();
            (s.name.clone(), s.text.clone(), selections)
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        let _ = read_qdpx(data, "fuzz.qdpx", None);
        return;
    }
    let Some(text) = verbatim_fuzz::text(data) else {
        return;
    };
    let mut files = ArchiveFiles::new();
    files.insert("sources/a.txt".into(), "Ann: Café staff are tired.\nJo: Why?\n".into());
    let Ok(project) = read_qde(text, "fuzz.qde", &files, None) else {
        return;
    };
    let Ok(bytes) = write_qdpx(&project) else {
        return;
    };
    match read_qdpx(&bytes, "written.qdpx", Some(&project.codebook)) {
        Ok(again) => assert_eq!(kept(&again), kept(&project), "a project written as .qdpx reads back differently"),
        Err(error) => panic!("a project written as .qdpx does not read back: {error}"),
    }
});
