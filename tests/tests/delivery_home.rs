//! Delivery to the centre in the real app: the doctor enrols the laptop with the centre's
//! profile in 設定 and chooses a synced folder that is not there yet. The home screen says the
//! records wait and why; when the folder appears the app delivers by itself (nobody presses
//! anything); after the centre imports, the home screen says they reached the centre.

use anyhow::Result;
use chisanpo_e2e::{cli, wait_dataset, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-delivery-passphrase";
const CENTRE_PASS: &str = "e2e-centre-passphrase";

#[test]
fn the_app_delivers_by_itself_and_the_home_screen_says_what_reached_the_centre() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let device = tmp.path().join("device").to_string_lossy().to_string();
    let centre = tmp.path().join("centre").to_string_lossy().to_string();
    let profile = tmp.path().join("centre-profile.json");
    let request = tmp.path().join("request.json");
    let synced = tmp.path().join("synced");

    cli(&centre, CENTRE_PASS, &["init", "--name", "統括 花子", "--role", "coordinator"], None)?;
    cli(&centre, CENTRE_PASS, &["centre", "init", "--name", "北部地域産業保健センター", "--out", &profile.to_string_lossy()], None)?;
    cli(&device, PASS, &["init", "--name", "産業 一郎", "--role", "doctor"], None)?;
    cli(&device, PASS, &["demo", "--records", "6", "--seed", "7"], None)?;
    let finals: serde_json::Value = serde_json::from_str(&cli(&device, PASS, &["list", "--status", "final", "--json"], None)?)?;
    let finals = finals.as_array().map(|a| a.len()).unwrap_or(0);
    assert!(finals > 0, "the demo has finalised records");

    let x = Xvfb::start()?;
    let driver = Driver::start_with_env(&x.display, &[("CHISANPO_DELIVERY_RETRY_SECONDS", "1")])?;
    let s = driver.launch(&["--data-dir", &device])?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.wait_text("#delivery-status", "まだセンターに登録されていません")?;

    // 設定: enrol with the profile, then a folder that does not exist yet.
    s.click("[data-nav=settings]")?;
    s.fill("#delivery-profile-path", &profile.to_string_lossy())?;
    s.fill("#delivery-request-path", &request.to_string_lossy())?;
    s.click("#enrol-device")?;
    s.wait_text("#delivery-message", "登録申請")?;
    s.wait_text("#delivery-enrolment", "北部地域産業保健センター")?;
    assert!(request.exists(), "the enrolment request was written for the centre");
    s.click("#delivery-kind-folder")?;
    s.fill("#delivery-folder", &synced.to_string_lossy())?;
    s.click("#save-delivery-target")?;
    s.wait_text("#delivery-message", "配送先を保存しました")?;
    s.screenshot("delivery-settings")?;

    // Home: everything waits, and the screen says why.
    s.click("[data-nav=home]")?;
    wait_dataset(&s, "#delivery-status", "waiting", &finals.to_string())?;
    s.wait_text("#delivery-error", "書き込めません")?;
    s.screenshot("delivery-home-waiting")?;

    // The synced folder appears: the app delivers by itself.
    std::fs::create_dir_all(&synced)?;
    wait_dataset(&s, "#delivery-status", "waiting", "0")?;
    wait_dataset(&s, "#delivery-status", "unconfirmed", &finals.to_string())?;
    let bundles: Vec<_> =
        std::fs::read_dir(&synced)?.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".chisanpo-bundle")).collect();
    assert_eq!(bundles.len(), 1, "one bundle");

    // The centre enrols the laptop and imports; the app reads the receipt by itself.
    cli(&centre, CENTRE_PASS, &["centre", "enrol-device", "--file", &request.to_string_lossy()], None)?;
    let r: serde_json::Value = serde_json::from_str(&cli(&centre, CENTRE_PASS, &["centre", "import", "--from", &synced.to_string_lossy(), "--json"], None)?)?;
    assert_eq!(r["receipts_written"], json!(1), "{r}");
    wait_dataset(&s, "#delivery-status", "received", &finals.to_string())?;
    wait_dataset(&s, "#delivery-status", "unconfirmed", "0")?;
    s.wait_text("#delivery-received", &format!("{finals} 件"))?;
    assert!(s.find_now("#delivery-error").is_err(), "no error once delivered");
    s.screenshot("delivery-home-received")?;
    Ok(())
}
