//! The engine's progress and warnings on a terminal: indicatif bars and spinners on stderr
//! (none when piped or with `--quiet`), warnings as `warning: ...` lines.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use verbatim_project::{Observer, Progress};

/// Warnings given in this process, shown or not (for `--strict`).
static WARNINGS: AtomicUsize = AtomicUsize::new(0);

/// How many warnings this process has given.
pub fn warnings_given() -> usize {
    WARNINGS.load(Ordering::Relaxed)
}

/// Whether warnings are written as JSON lines (`{"warning": "..."}`) for scripts.
static WARNINGS_AS_JSON: AtomicBool = AtomicBool::new(false);

/// Writes warnings on stderr as JSON lines from now on: a command asked for `--json`
/// talks to a script, which should not have to parse prose.
pub fn warnings_as_json() {
    WARNINGS_AS_JSON.store(true, Ordering::Relaxed);
}

/// A warning as it is written on stderr.
fn warning_line(message: &str) -> String {
    if WARNINGS_AS_JSON.load(Ordering::Relaxed) {
        serde_json::json!({ "warning": message }).to_string()
    } else {
        format!("warning: {message}")
    }
}

/// Fewer items than this finish too fast for a bar to help.
const MIN_ITEMS_FOR_BAR: u64 = 8;

/// Shows what the engine reports.
pub struct Reporter {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Reporter {
    pub fn new(quiet: bool) -> Self {
        Reporter {
            quiet,
            bar: Mutex::new(None),
        }
    }

    /// A line of information on stderr, unless quiet.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            self.with_bar(|bar| match bar {
                Some(bar) => bar.suspend(|| eprintln!("{message}")),
                None => eprintln!("{message}"),
            });
        }
    }

    fn with_bar(&self, act: impl FnOnce(&mut Option<ProgressBar>)) {
        if let Ok(mut bar) = self.bar.lock() {
            act(&mut bar);
        }
    }
}

impl Observer for Reporter {
    fn warning(&self, message: &str) {
        WARNINGS.fetch_add(1, Ordering::Relaxed);
        if self.quiet {
            return;
        }
        let line = warning_line(message);
        self.with_bar(|bar| match bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        });
    }

    fn progress(&self, progress: Progress<'_>) {
        self.with_bar(|bar| match progress {
            Progress::Start { task, total } => {
                if let Some(old) = bar.take() {
                    old.finish_and_clear();
                }
                *bar = Some(match total {
                    Some(items) => items_bar(items, task, self.quiet),
                    None => spinner(task, self.quiet),
                });
            }
            Progress::Advance(items) => {
                if let Some(bar) = bar {
                    bar.inc(items);
                }
            }
            Progress::Finish => {
                if let Some(old) = bar.take() {
                    old.finish_and_clear();
                }
            }
        });
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.with_bar(|bar| {
            if let Some(old) = bar.take() {
                old.finish_and_clear();
            }
        });
    }
}

fn items_bar(items: u64, what: &str, quiet: bool) -> ProgressBar {
    if quiet || items < MIN_ITEMS_FOR_BAR || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(items), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(items);
    let style = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({eta})")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

/// A spinner for a step whose length is not known in advance (indexing, coding).
fn spinner(what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(what.to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}
