//! The centre's side in the real app: a coordinator's app on the centre's store imports by
//! itself from the folder the laptops deliver to (the profile's endpoint), sets aside a laptop's
//! bundle until the coordinator enrols the laptop in 設定; its home screen counts the devices and
//! the consolidated records, and the 台帳 screen lists the laptop's records with
//! nobody carrying a file by hand. The laptop then reads the centre's receipt.

use anyhow::Result;
use chisanpo_e2e::{centre_and_laptop, cli, wait_dataset, CentreAndLaptop, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-laptop-passphrase";
const CENTRE_PASS: &str = "e2e-coordinator-passphrase";

#[test]
fn the_coordinators_app_imports_by_itself_and_its_ledger_lists_the_laptops_records() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    // The centre, and a laptop with three consultations finalised, enrolled, delivered to the
    // centre's synced folder.
    let CentreAndLaptop { laptop, centre, request, .. } = centre_and_laptop(tmp.path(), "北部地域産業保健センター", 3, PASS, CENTRE_PASS)?;

    // The coordinator opens the app: it imports by itself, and sets the laptop's bundle aside
    // until the laptop is enrolled.
    let x = Xvfb::start()?;
    let driver = Driver::start_with_env(&x.display, &[("CHISANPO_DELIVERY_RETRY_SECONDS", "1")])?;
    let s = driver.launch(&["--data-dir", &centre])?;
    s.fill("#passphrase", CENTRE_PASS)?;
    s.click("#unlock-button")?;
    s.find("#centre-status")?;
    wait_dataset(&s, "#centre-status", "quarantined", "1")?;
    s.wait_text("#centre-held", "登録されていない端末")?;
    s.wait_text("#centre-status", "「端末を登録…」から登録すると")?;
    s.screenshot("centre-home-unknown-device")?;

    // 設定: the coordinator enrols the laptop from the request file its doctor handed over.
    s.click("#centre-enrol-devices")?;
    s.find("#centre-no-devices")?;
    s.fill("#centre-request-path", &request)?;
    s.click("#centre-enrol-device")?;
    s.wait_text("#centre-enrol-message", "「産業 一郎」の端末を登録しました")?;
    s.wait_text("#centre-device-list", "産業 一郎")?;
    s.script("document.querySelector('#centre-enrol-form').scrollIntoView({ block: 'end' })", json!([]))?;
    s.screenshot("centre-devices")?;

    // Home: the set-aside bundle is taken at the next import.
    s.click("[data-nav=home]")?;
    wait_dataset(&s, "#centre-status", "devices", "1")?;
    wait_dataset(&s, "#centre-status", "quarantined", "0")?;
    wait_dataset(&s, "#centre-status", "records", "3")?;
    wait_dataset(&s, "#centre-status", "needsReview", "0")?;
    s.wait_text("#centre-last-import", "20")?;
    assert!(s.find_now("#delivery-status").is_err(), "a centre's home shows its imports, not a device's queue");
    s.screenshot("centre-home")?;

    // The 台帳: the laptop's three records, in the centre's numbering.
    s.click("#centre-open-ledger")?;
    s.fill("#ledger-year", "2025")?;
    s.click("#ledger-apply")?;
    s.wait_text("#ledger-caption", "令和7年度　3件")?;
    s.wait_text("#ledger-table", "鷲尾製作所")?;
    s.screenshot("centre-ledger")?;

    // The laptop reads the receipts the app wrote.
    let out = cli(&laptop, PASS, &["deliver"], None)?;
    assert!(out.contains("センターが受領: 1件"), "{out}");
    Ok(())
}
