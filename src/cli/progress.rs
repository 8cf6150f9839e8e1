//! A progress bar on stderr for long runs (`312/5557 files`): only on a terminal, never in
//! CI logs or pipes, and only once a run has taken a second, so a quick run prints nothing
//! more than its report.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress is shown.
const SHOWN_AFTER: Duration = Duration::from_secs(1);

/// Whether a run shows its progress: stderr is a terminal that can redraw a line (not
/// `TERM=dumb`), the run is not in CI (`CI` set, as every CI service sets it), and it was
/// not asked to be quiet.
pub(super) fn wanted(stderr_is_terminal: bool, term: Option<&str>, ci: bool, quiet: bool) -> bool {
    stderr_is_terminal && term != Some("dumb") && !ci && !quiet
}

pub(super) struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: OnceLock<()>,
}

impl Progress {
    pub fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{pos}/{len} files {wide_bar}").expect("a valid template"),
        );
        Progress {
            bar,
            started: Instant::now(),
            shown: OnceLock::new(),
        }
    }

    /// `done` of the `total` files found are checked.
    pub fn update(&self, done: usize, total: usize) {
        if self.bar.is_finished() {
            // A run after the first (`--fix` checks the fixed files again) runs quietly.
            return;
        }
        if self.started.elapsed() >= SHOWN_AFTER {
            self.shown
                .get_or_init(|| self.bar.set_draw_target(ProgressDrawTarget::stderr()));
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }

    /// Takes the bar off the terminal, before the report.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shown_only_on_a_terminal_outside_ci_and_unless_quiet() {
        assert!(wanted(true, Some("xterm-256color"), false, false));
        assert!(wanted(true, None, false, false));
        assert!(
            !wanted(false, Some("xterm"), false, false),
            "a pipe or a file"
        );
        assert!(!wanted(true, Some("dumb"), false, false));
        assert!(!wanted(true, Some("xterm"), true, false), "CI logs");
        assert!(!wanted(true, Some("xterm"), false, true), "--quiet");
    }
}
