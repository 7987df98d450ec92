//! A long command's progress bar in a real window (issue 17): a ledger export of every year of a
//! large store shows what it is doing and how far while it runs, 中止 stops it with nothing
//! written, and run again it finishes and the bar goes away. The screenshot of the bar goes to
//! artifacts/.

use std::path::Path;

use anyhow::{ensure, Result};
use chisanpo_e2e::{cli, Driver, Session, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-progress-passphrase";

fn seed(root: &Path) -> Result<(String, std::path::PathBuf)> {
    let data = root.join("store").to_string_lossy().to_string();
    let out = root.join("out");
    std::fs::create_dir_all(&out)?;
    let run = |args: &[&str]| cli(&data, PASS, args, None);
    run(&["init", "--name", "進捗 太郎", "--role", "doctor"])?;
    run(&["settings", "--pdf-folder", &out.to_string_lossy()])?;
    // Enough records that the PDF of every year takes seconds in a debug build.
    run(&["demo", "--records", "8000", "--seed", "4"])?;
    Ok((data, out))
}

fn pdfs_in(dir: &Path) -> Result<usize> {
    Ok(std::fs::read_dir(dir)?.filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))).count())
}

fn present(s: &Session, css: &str) -> Result<bool> {
    Ok(s.script("return document.querySelector(arguments[0]) !== null;", json!([css]))?.as_bool().unwrap_or(false))
}

#[test]
fn a_long_export_shows_its_progress_and_can_be_stopped() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let (data, out) = seed(tmp.path())?;
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#home-screen")?;

    s.click("[data-nav=ledger]")?;
    s.find("#ledger-screen")?;
    s.fill("#ledger-year", "")?;
    s.click("#ledger-apply")?;
    s.wait_text("#ledger-caption", "全期間")?;
    s.select_by_text("#export-format", "PDF（印刷用）")?;

    // Started, the bar says what it does and how far; 中止 stops it, and nothing is written.
    s.click("#export-ledger")?;
    s.find("#export-progress [data-cancel-operation]")?;
    let shown = s.wait_text("#export-progress", "/")?;
    ensure!(shown.contains("記録を読み込んでいます") || shown.contains("台帳を PDF にしています"), "{shown}");
    s.screenshot("progress-ledger-export")?;
    s.click("#export-progress [data-cancel-operation]")?;
    s.wait_text("#export-error", "中止しました")?;
    ensure!(!present(&s, "#export-progress")?, "the bar goes when the export stops");
    ensure!(pdfs_in(&out)? == 0, "a stopped export leaves no file");

    // Run again, it finishes: the file is there and the bar gone.
    s.click("#export-ledger")?;
    let done = s.wait_text("#export-result", "件を書き出しました")?;
    ensure!(!present(&s, "#export-progress")?, "no bar after the end");
    ensure!(pdfs_in(&out)? == 1, "{done}");
    Ok(())
}
