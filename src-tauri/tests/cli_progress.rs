//! The long commands show their progress on a terminal and stay quiet when stderr is not one
//! (issue 17): a ledger export and a backup run once with their output piped, and once under a
//! pseudo-terminal made by util-linux's `script`, which did not write the progress.

use std::process::Command;

mod common;

use common::*;

#[test]
fn progress_is_drawn_on_a_terminal_and_nothing_is_written_to_a_pipe() {
    let env = Env::new();
    env.init();
    env.ok(&["demo", "--records", "80", "--seed", "3"]);
    let pdf = env.tmp.path().join("台帳.pdf");
    let export = ["export", "ledger", "--kind", "consultation", "--format", "pdf", "--out", path(&pdf)];
    let piped = env.run(&export);
    assert!(piped.status.success());
    assert!(piped.stderr.is_empty(), "nothing on a pipe: {}", String::from_utf8_lossy(&piped.stderr));

    // Under a pseudo-terminal: the bar, with what it is doing and how far.
    let cmd = env.cmd(&export);
    let line = std::iter::once(cmd.get_program().to_string_lossy().to_string())
        .chain(cmd.get_args().map(|a| format!("'{}'", a.to_string_lossy())))
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = Command::new("script");
    script.args(["-qec", &line, "/dev/null"]);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    let out = script.output().expect("script (util-linux) runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("台帳を PDF にしています [") && text.contains('#'), "the bar was drawn: {text:?}");
    assert!(text.contains("記録を読み込んでいます"), "{text:?}");
    assert!(text.contains("\u{1b}[2K"), "the line is redrawn in place");
}
