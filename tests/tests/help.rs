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
    // The screens of this run's tests are not all taken yet: the guide is shown from a folder
    // holding one known picture, so the test sees that one drawn and the others named.
    let shots = tmp.path().join("shots");
    std::fs::create_dir_all(&shots)?;
    let icon = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../src-tauri/icons/32x32.png"))?;
    std::fs::write(shots.join("foundation-home.png"), &icon)?;
    let x = Xvfb::start()?;
    let driver = Driver::start_with_env(&x.display, &[("CHISANPO_GUIDE_SHOTS", &shots.to_string_lossy())])?;
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
    // The one picture in the folder is drawn, from its own bytes, and decoded by the webview.
    let images = || s.script("return [...document.querySelectorAll('#help-screen figure img')].map(i => ({ src: i.src, width: i.naturalWidth }));", json!([]));
    let mut drawn = images()?;
    for _ in 0..50 {
        if drawn[0]["width"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        drawn = images()?;
    }
    let drawn = drawn.as_array().context("the images")?;
    ensure!(drawn.len() == 1, "one picture in the folder, one drawn: {}", drawn.len());
    let src = drawn[0]["src"].as_str().unwrap_or_default();
    let b64 = src.strip_prefix("data:image/png;base64,").context("a data: PNG")?;
    ensure!(base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64)? == icon, "the picture is the file's");
    ensure!(drawn[0]["width"].as_u64() == Some(32), "the webview decoded it: {:?}", drawn[0]);
    let missing = s.script("return document.querySelectorAll('#help-screen figure [data-no-shot]').length;", json!([]))?.as_u64().unwrap_or(0);
    ensure!(missing == figures - 1, "the others say their picture is missing: {missing} of {figures}");
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
