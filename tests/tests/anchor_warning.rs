//! Issue 13, finding 2, in the app: an older `chisanpo.db` copied over the current one (the
//! records finalised since are gone) is shown at once on the home screen after the unlock, in
//! red, with what to do; `chisanpo verify --accept-loss` records the acceptance and the warning
//! is gone at the next unlock (ADR 0020).

use anyhow::{ensure, Result};
use chisanpo_e2e::{cli as run, Driver, Xvfb};

const PASS: &str = "e2e-anchor-passphrase";

fn cli(data: &str, args: &[&str]) -> Result<String> {
    run(data, PASS, args, None)
}

#[test]
fn an_older_database_copied_back_is_shown_on_the_home_screen_until_accepted() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store");
    let d = data.to_string_lossy().to_string();
    cli(&d, &["init", "--name", "アンカー 医師", "--centre", "テスト県地域産業保健センター"])?;
    cli(&d, &["demo", "--records", "8"])?;
    let old = std::fs::read(data.join("chisanpo.db"))?;
    cli(&d, &["demo", "--records", "4", "--seed", "7"])?;
    for f in ["chisanpo.db-wal", "chisanpo.db-shm"] {
        let _ = std::fs::remove_file(data.join(f));
    }
    std::fs::write(data.join("chisanpo.db"), old)?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &d])?;
    s.find("#unlock-form")?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    let shown = s.wait_text("#anchor-problem", "記録が失われている可能性があります")?;
    ensure!(shown.contains("anchor.json") && shown.contains("--accept-loss"), "the warning says what happened and what to do: {shown}");
    s.screenshot("anchor-warning-home")?;
    s.quit()?;

    cli(&d, &["verify", "--accept-loss"])?;
    let s = driver.launch(&["--data-dir", &d])?;
    s.find("#unlock-form")?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#backup-status")?; // the home screen's data has arrived
    let banners = s.script("return document.querySelectorAll('#anchor-problem').length;", serde_json::json!([]))?;
    ensure!(banners == serde_json::json!(0), "the warning stays after the loss was accepted");
    s.quit()?;
    Ok(())
}
