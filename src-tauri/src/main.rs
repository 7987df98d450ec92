//! 地さんぽノート: with no subcommand, the desktop app; with one, the headless CLI.
//! Headless commands never touch GTK or a display.

mod cli;
mod cli_delivery;
mod cli_directory;
mod cli_guide;
mod cli_pdf;
mod cli_progress;
mod gui;
mod ipc;
mod no_dumps;
// The window's CSP, pinned (ADR 0036).
#[cfg(test)]
mod csp;
#[cfg(test)]
mod no_inspector;
#[cfg(test)]
mod portable;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    no_dumps::forbid();
    let args = cli::Args::parse();
    match args.command {
        None => gui::run(args.data_dir),
        Some(cmd) => cli::run(cmd, args.data_dir),
    }
}
