//! The centre's side in the real app: a coordinator's app on the centre's store imports by
//! itself from the folder the laptops deliver to (the profile's endpoint), sets aside a laptop's
//! bundle until the coordinator enrols the laptop in 設定; its home screen counts the devices and
//! the consolidated records, and the 台帳 screen lists the laptop's records with
//! nobody carrying a file by hand. The laptop then reads the centre's receipt.

use anyhow::Result;
use chisanpo_e2e::{cli, wait_dataset, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-laptop-passphrase";
const CENTRE_PASS: &str = "e2e-coordinator-passphrase";

#[test]
fn the_coordinators_app_imports_by_itself_and_its_ledger_lists_the_laptops_records() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let laptop = tmp.path().join("laptop").to_string_lossy().to_string();
    let centre = tmp.path().join("centre").to_string_lossy().to_string();
    let profile = tmp.path().join("centre-profile.json").to_string_lossy().to_string();
    let request = tmp.path().join("request.json").to_string_lossy().to_string();
    let synced = tmp.path().join("synced");
    std::fs::create_dir_all(&synced)?;
    let synced_s = synced.to_string_lossy().to_string();

    // The centre: its key pair and profile, naming the synced folder as the endpoint.
    cli(&centre, CENTRE_PASS, &["init", "--name", "統括 花子", "--role", "coordinator"], None)?;
    cli(&centre, CENTRE_PASS, &["centre", "init", "--name", "北部地域産業保健センター", "--out", &profile, "--endpoint", &synced_s], None)?;

    // The laptop: three consultations finalised, enrolled, delivered to the folder.
    cli(&laptop, PASS, &["init", "--name", "産業 一郎", "--role", "doctor"], None)?;
    let wp = cli(&laptop, PASS, &["add", "workplace"], Some(json!({ "name": "鷲尾製作所", "kana": "ワシオセイサクショ", "workers_male": 12 })))?;
    let doctor = cli(&laptop, PASS, &["add", "staff"], Some(json!({ "role": "doctor", "name": "診療 次郎", "kana": "シンリョウ ジロウ" })))?;
    // Three workers: a second visit by the same worker in a fiscal year would be charged.
    for (day, name, kana) in
        [("2025-06-10", "鷲尾 ヒカル", "ワシオ ヒカル"), ("2025-07-08", "東雲 ミドリ", "シノノメ ミドリ"), ("2025-09-02", "朝霧 ソラ", "アサギリ ソラ")]
    {
        let worker = cli(&laptop, PASS, &["add", "worker"], Some(json!({ "workplace_id": wp, "name": name, "kana": kana })))?;
        let id = cli(
            &laptop,
            PASS,
            &["add", "consultation"],
            Some(json!({ "performed_on": day, "place": "workplace_visit", "doctor_id": doctor, "workplace_id": wp, "worker_id": worker,
                         "requester": "worker", "kinds": ["health_guidance"], "content": "生活習慣の改善を助言" })),
        )?;
        cli(&laptop, PASS, &["finalize", &id], None)?;
    }
    cli(&laptop, PASS, &["enrol", "--profile", &profile, "--out", &request], None)?;
    cli(&laptop, PASS, &["deliver", "--to-folder", &synced_s], None)?;

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
