//! Progress on a terminal: the long commands (a ledger export, the annual report, a backup or
//! restore, a centre import, a worker or directory import, a batch print) draw one line on stderr,
//! redrawn in place, only when stderr is a terminal. A script reading the output gets only the
//! summary and the errors.

use std::io::{IsTerminal, Write};

use chisanpo_core::progress::{self, Step};

/// Draw `label [####------] done/total` over the current line of stderr.
pub fn draw(label: &str, done: u64, total: u64) {
    let width = 30u64;
    let filled = (done.min(total) * width).checked_div(total).unwrap_or(0);
    let counts = if total > 0 { format!(" {done}/{total}") } else { String::new() };
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K{label} [{}{}]{counts}", "#".repeat(filled as usize), "-".repeat((width - filled) as usize));
    let _ = err.flush();
}

/// Run `f` with its progress drawn on the terminal (nothing when stderr is not one); the line is
/// cleared at the end, so the summary prints on a clean line.
pub fn on_terminal<T>(f: impl FnOnce() -> T) -> T {
    if !std::io::stderr().is_terminal() {
        return f();
    }
    let out = progress::run(|s: &Step| draw(&s.label, s.done, s.total), None, f);
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "\r\x1b[2K");
    let _ = err.flush();
    out
}
