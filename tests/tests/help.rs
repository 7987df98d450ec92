//! ヘルプ in a real window (issue 17): the 利用の手引き opens from the menu, every section there,
//! with the screens the tests took where this machine has them; its PDF is made into the print
//! spool (read back by pdftotext, which did not write it).

use std::process::Command;

use anyhow::{ensure, Context, Result};
use chisanpo_e2e::{cli, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-help-passphrase";

#[test]
fn the_guide_opens_from_the_menu_and_prints_as_a_pdf() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    cli(&data, PASS, &["init", "--name", "手引 太郎", "--role", "doctor"], None)?;
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#home-screen")?;

    s.click("[data-nav=help]")?;
    let text = s.wait_text("#help-screen", "センター側の作業")?;
    for section in
        ["はじめて使うとき", "一日の面接指導", "印刷と確認", "訂正", "台帳と実績報告書", "バックアップと復元", "センターへの配送", "センター側の作業"]
    {
        ensure!(text.contains(section), "{section} is not on the help screen");
    }
    let figures = s.script("return document.querySelectorAll('#help-screen figure').length;", json!([]))?.as_u64().unwrap_or(0);
    ensure!(figures >= 15, "{figures} figures");
    s.screenshot("help")?;

    // The PDF, made where prints go (the viewer is not opened under the test's display).
    let path = s.script("return window.__TAURI_INTERNALS__.invoke('guide_pdf');", json!([]))?;
    let path = path.as_str().context("guide_pdf answers the PDF's path")?;
    ensure!(path.contains("print-spool"), "into the private print spool: {path}");
    let out = Command::new("pdftotext").arg(path).arg("-").output().context("pdftotext")?;
    let pdf: String = String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect();
    ensure!(pdf.contains("利用の手引き") && pdf.contains("センター側の作業"), "the PDF holds the guide");
    Ok(())
}
