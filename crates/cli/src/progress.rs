//! Progress bars: drawn on a terminal, silent when piped or with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Fewer items than this finish too fast for a bar to help.
const MIN_ITEMS_FOR_BAR: u64 = 8;

pub fn bar(items: u64, what: &str, quiet: bool) -> ProgressBar {
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
pub fn spinner(what: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(what.to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}
