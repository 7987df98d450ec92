//! The directory of outside bodies and a referral in a real window (issue 16): a shared list in
//! cp932 is imported on the 名簿 screen, searched by kind and area, and written back out (read
//! by the csv crate, which did not write it); a referral is made from a finalised consultation,
//! finalised, listed on the home screen once 30 days have passed with no outcome; the body is
//! removed from the directory and the referral still names it; the outcome is recorded as a
//! correction, and the home list empties.

use std::path::Path;

use anyhow::{ensure, Context, Result};
use chisanpo_e2e::{cli, Driver, Session, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-referral-passphrase";
const WORKPLACE: &str = "紹介テスト工業株式会社";
const WORKER: &str = "紹介 花子";
const CLINIC: &str = "こころのクリニック";

/// `days` ago, as YYYY-MM-DD (the consultation is 45 days old, so its referral waits past 30).
fn days_ago(days: i64) -> Result<String> {
    let out = std::process::Command::new("date").args(["-d", &format!("{days} days ago"), "+%Y-%m-%d"]).output().context("date")?;
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// A doctor's store with a workplace, a worker and a finalised メンタルヘルス相談 held 45 days ago
/// with a 受診勧奨. Returns (data folder, consultation id).
fn seed(root: &Path) -> Result<(String, String)> {
    let data = root.join("store").to_string_lossy().to_string();
    let run = |args: &[&str], j: Option<serde_json::Value>| cli(&data, PASS, args, j);
    run(&["init", "--name", "紹介 太郎", "--role", "doctor", "--centre", "テスト県地域産業保健センター"], None)?;
    let out = root.join("out");
    std::fs::create_dir_all(&out)?;
    run(&["settings", "--pdf-folder", &out.to_string_lossy()], None)?;
    let wp = run(&["add", "workplace"], Some(json!({ "name": WORKPLACE, "kana": "ショウカイテストコウギョウ" })))?;
    let worker = run(&["add", "worker"], Some(json!({ "workplace_id": wp, "name": WORKER, "sex": "female", "birth_date": "S60.4.1" })))?;
    let doctor = run(&["add", "staff"], Some(json!({ "role": "doctor", "name": "紹介 医師" })))?;
    let consultation = run(
        &["add", "consultation"],
        Some(json!({
            "performed_on": days_ago(45)?, "place": "medical_institution", "doctor_id": doctor, "workplace_id": wp, "worker_id": worker,
            "requester": "worker", "kinds": ["mental_health"], "referral": true, "content": "不眠が続いている。専門医の受診を勧めた。"
        })),
    )?;
    run(&["finalize", &consultation], None)?;
    Ok((data, consultation))
}

fn unlock(s: &Session) -> Result<()> {
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#home-screen")?;
    Ok(())
}

fn present(s: &Session, css: &str) -> Result<bool> {
    Ok(s.script("return document.querySelector(arguments[0]) !== null;", json!([css]))?.as_bool().unwrap_or(false))
}

#[test]
fn a_referral_is_made_from_a_consultation_to_a_body_of_the_shared_directory_and_its_outcome_recorded() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let (data, consultation) = seed(tmp.path())?;
    // A list shared by another centre, saved by Excel as cp932.
    let list = "名称,フリガナ,種別,郵便番号,所在地,地域,電話番号,対応内容,備考\r\n\
                こころのクリニック,ココロノクリニック,精神科・心療内科,420-0001,静岡市葵区追手町1-1,静岡市,054-000-0001,初診は予約制・土曜診療あり,\r\n\
                浜松こころの診療所,ハママツココロノシンリョウジョ,精神科・心療内科,430-0001,浜松市中央区1-1,浜松市,053-000-0001,,\r\n\
                静岡産業保健総合支援センター,,産業保健総合支援センター,,静岡市葵区1-2,静岡市,054-000-0002,両立支援の相談,\r\n";
    let (cp932, _, unmappable) = encoding_rs::SHIFT_JIS.encode(list);
    ensure!(!unmappable);
    let csv_path = tmp.path().join("名簿.csv");
    std::fs::write(&csv_path, &cp932)?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock(&s)?;

    // The directory: imported, searched by kind and area.
    s.click("[data-nav=directory]")?;
    s.find("#directory-screen")?;
    s.fill("#dir-import-path", &csv_path.to_string_lossy())?;
    s.click("#dir-import")?;
    let notice = s.wait_text("#dir-notice", "追加 3 件")?;
    ensure!(notice.contains("Shift_JIS"), "read as cp932: {notice}");
    s.select_by_text("#dir-kind", "精神科・心療内科")?;
    s.fill("#dir-area", "静岡市")?;
    s.wait_text("#directory-list", CLINIC)?;
    let listed = s.text(&s.find("#directory-list tbody")?)?;
    ensure!(!listed.contains("浜松") && !listed.contains("支援センター"), "only the psychiatric clinic of 静岡市: {listed}");
    s.screenshot("directory")?;
    // Written back out, for another centre: the same three bodies, read by the csv crate.
    s.select_by_text("#dir-kind", "すべて")?;
    s.fill("#dir-area", "")?;
    s.click("#dir-export")?;
    let notice = s.wait_text("#dir-notice", "3 件を書き出しました")?;
    let written = notice.split("書き出しました: ").nth(1).context("the path")?.trim().to_string();
    let bytes = std::fs::read(&written)?;
    ensure!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers = reader.headers()?.clone();
    ensure!(headers.iter().next() == Some("名称"), "{headers:?}");
    let names: Vec<String> = reader.records().map(|r| r.map(|r| r[0].to_string())).collect::<Result<_, _>>()?;
    ensure!(names.len() == 3 && names.iter().any(|n| n == CLINIC), "{names:?}");

    // A referral from the consultation.
    s.click("[data-nav=home]")?;
    s.click(&format!("#recent [data-record=\"{consultation}\"]"))?;
    s.click("#record-refer")?;
    s.find("#referral-editor")?;
    s.wait_text("#rf-source", WORKER)?;
    s.select_by_text("#rf-kind", "精神科・心療内科")?;
    s.fill("#rf-search", "こころのクリ")?;
    s.wait_text("#referral-editor .bodies", CLINIC)?;
    s.click("#referral-editor [data-pick-body]")?;
    s.wait_text("#rf-chosen", "054-000-0001")?;
    s.fill("#rf-reason-text", "不眠が2か月続き、専門医の診察が必要。")?;
    s.wait_text("#save-status", "保存しました")?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    s.screenshot("referral-editor")?;
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;
    s.wait_text("#referral-body", CLINIC)?;

    // No outcome 45 days on: the home screen lists it.
    s.click("[data-nav=home]")?;
    let awaiting = s.wait_text("#deadline-referrals", WORKER)?;
    ensure!(awaiting.contains("45日経過") && !awaiting.contains(CLINIC), "the home list does not name the clinic: {awaiting}");
    s.script("document.querySelector('#deadline-referrals').scrollIntoView({ block: 'center' });", json!([]))?;
    s.screenshot("referral-home-awaiting")?;

    // The clinic leaves the directory; the referral still names it.
    s.click("[data-nav=directory]")?;
    s.fill("#dir-search", "こころのクリ")?;
    s.wait_text("#directory-list", CLINIC)?;
    s.click("#directory-list [data-remove]")?;
    s.wait_text("#directory-list [data-remove]", "本当に削除する")?;
    s.click("#directory-list [data-remove]")?;
    s.wait_text("#dir-notice", "名簿から削除しました")?;
    s.click("[data-nav=home]")?;
    s.wait_text("#deadline-referrals", WORKER)?;
    s.click("#deadline-referrals [data-record]")?;
    s.wait_text("#referral-body", CLINIC)?;

    // The outcome, as a correction with the fixed reason.
    s.select_by_text("#rf-outcome", "受診した")?;
    s.fill("#rf-outcome-on", &days_ago(10)?)?;
    s.fill("#rf-outcome-note", "本人から受診の報告あり")?;
    s.click("#rf-record-outcome")?;
    s.wait_text("#referral-recorded", "第2版")?;
    s.wait_text("#referral-outcome", "受診した")?;
    s.wait_text("#versions", "紹介先の受診結果の記録")?;
    s.wait_text("#referral-body", CLINIC)?;
    s.screenshot("referral-outcome")?;
    s.click("[data-nav=home]")?;
    s.find("#home-screen")?;
    std::thread::sleep(std::time::Duration::from_millis(500));
    ensure!(!present(&s, "#deadline-referrals")?, "nothing waits for an outcome any more");

    // The CLI, a separate reader of the same store, agrees.
    drop(s);
    drop(driver);
    let rows: serde_json::Value = serde_json::from_str(&cli(&data, PASS, &["referrals", "--json"], None)?)?;
    ensure!(rows[0]["outcome"] == "attended" && rows[0]["body_name"] == CLINIC && rows[0]["version"] == 2, "{rows}");
    Ok(())
}
