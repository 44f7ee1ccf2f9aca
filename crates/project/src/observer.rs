//! How progress and warnings leave the engine: through an [`Observer`] the caller gives.
//! The engine never prints; the binary draws bars and writes warnings to stderr, a test
//! records what it was told, and a script may ignore it all ([`Silent`]).

/// A step of a long job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    /// A job begins: `total` items (a bar), or an unknown amount of work (a spinner).
    Start {
        /// What is being done, e.g. `reading and indexing`.
        task: &'a str,
        /// Items to do, when known.
        total: Option<u64>,
    },
    /// This many more items are done.
    Advance(u64),
    /// The job is over.
    Finish,
}

/// Told of progress and warnings as a project operation runs. Called from worker
/// threads, hence `Sync`.
pub trait Observer: Sync {
    /// Something the user should know that does not stop the job, such as
    /// `corpus/a.txt: speaker turn without a name at line 4`.
    fn warning(&self, message: &str) {
        let _ = message;
    }

    /// A long job advanced.
    fn progress(&self, progress: Progress<'_>) {
        let _ = progress;
    }
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// An observer that keeps the warnings it is told, in order (for tests and scripts).
#[derive(Debug, Default)]
pub struct Recorder {
    warnings: std::sync::Mutex<Vec<String>>,
}

impl Recorder {
    /// The warnings so far.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|warnings| warnings.clone())
            .unwrap_or_default()
    }
}

impl Observer for Recorder {
    fn warning(&self, message: &str) {
        if let Ok(mut warnings) = self.warnings.lock() {
            warnings.push(message.to_string());
        }
    }
}
