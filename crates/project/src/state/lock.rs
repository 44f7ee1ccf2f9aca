//! One writer at a time: every run that may change `.verbatim/` holds an exclusive lock
//! on `.verbatim/lock` for as long as it works. A second run says that it waits, and
//! waits: two runs on one project both succeed, one after the other, and never write
//! over each other. The lock is the operating system's (`flock`), so it dies with its
//! process: a run killed with `kill -9` leaves no stale lock behind. Holding it, a run also removes the temporary files that a killed run
//! left (`.verbatim-*.tmp` beside the state files, a half-built `index.new/`), which
//! nothing else could be writing.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::config::Project;
use crate::error::{IoContext, Result};
use crate::observer::Observer;

/// The name of the lock file in the state folder.
pub(crate) const LOCK_FILE: &str = "lock";

/// An exclusive hold on a project's state, released when dropped.
#[derive(Debug)]
pub(crate) struct StateLock {
    _file: File,
}

impl StateLock {
    /// Takes the project's lock, waiting (and saying so) while another run holds it; then
    /// clears what killed runs left behind.
    pub(crate) fn take(project: &Project, observer: &dyn Observer) -> Result<Self> {
        let path = project.state_path(LOCK_FILE);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)
                .io_context(|| format!("{}: cannot create", folder.display()))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .io_context(|| format!("{}: cannot open", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                observer.warning(&format!(
                    "another verbatim run is working on this project (it holds {}); \
                     waiting for it to finish",
                    path.display()
                ));
                file.lock()
                    .io_context(|| format!("{}: cannot lock", path.display()))?;
            }
            Err(TryLockError::Error(error)) => {
                return Err(error).io_context(|| format!("{}: cannot lock", path.display()));
            }
        }
        if let Some(folder) = path.parent() {
            remove_leftovers(folder);
        }
        Ok(StateLock { _file: file })
    }
}

/// Removes the temporary files of killed runs in the state folder and its subfolders one
/// level down (the index and the embedding caches), and the half-built index of a rebuild
/// that died (`index.new/`). Failures are ignored: a leftover that cannot be removed
/// harms nothing, and a rebuild starts its `index.new/` afresh.
fn remove_leftovers(folder: &Path) {
    let half_built = folder.join("index.new");
    if half_built.is_dir() {
        let _ = std::fs::remove_dir_all(&half_built);
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if let Ok(inner) = std::fs::read_dir(&path) {
                for file in inner.flatten() {
                    remove_if_leftover(&file.path());
                }
            }
        } else {
            remove_if_leftover(&path);
        }
    }
}

fn remove_if_leftover(path: &Path) {
    let leftover = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| name.starts_with(".verbatim-") && name.ends_with(".tmp"));
    if leftover && path.is_file() {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::observer::{Recorder, Silent};

    #[test]
    fn a_second_run_waits_for_the_first_and_leftovers_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("verbatim.toml"),
            "[project]\nsources = [\"*.txt\"]\n",
        )
        .expect("config");
        let project = Project::load(dir.path()).expect("project");
        let state = dir.path().join(".verbatim");
        std::fs::create_dir_all(state.join("embeddings")).expect("state");
        let leftovers = [
            state.join(".verbatim-AbC123.tmp"),
            state.join("embeddings").join(".verbatim-x.tmp"),
        ];
        for leftover in &leftovers {
            std::fs::write(leftover, "half written").expect("leftover");
        }
        std::fs::create_dir_all(state.join("index.new")).expect("half-built index");
        std::fs::write(state.join("index.new/meta.json"), "{").expect("half-built index");
        std::fs::write(state.join("codings.jsonl"), "{}\n").expect("codings");

        let first = StateLock::take(&project, &Silent).expect("first run");
        assert!(leftovers.iter().all(|p| !p.exists()), "leftovers removed");
        assert!(
            !state.join("index.new").exists(),
            "half-built index removed"
        );
        assert!(state.join("codings.jsonl").exists(), "state kept");
        let waited = Recorder::default();
        std::thread::scope(|scope| {
            let second = scope.spawn(|| StateLock::take(&project, &waited).map(drop));
            while waited.warnings().is_empty() {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            assert!(!second.is_finished(), "the second run waits");
            drop(first);
            second
                .join()
                .expect("thread")
                .expect("second run, after the first");
        });
        assert!(
            waited.warnings()[0].contains("another verbatim run"),
            "{:?}",
            waited.warnings()
        );
    }
}
