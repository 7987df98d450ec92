//! Printing from the app: a finalised interview made with the CLI is opened in the app, its
//! 意見書 is made as a PDF for printing in the app's private print spool (not the output folder
//! of the settings), read back with pdftotext, and gone once the app is locked (ADR 0017).

use std::process::Command;

use anyhow::{ensure, Context, Result};
use chisanpo_e2e::{cli as run, print_checked, unlock_with_output_folder, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-printing-passphrase";

fn cli(data: &str, args: &[&str], json: Option<serde_json::Value>) -> Result<String> {
    run(data, PASS, args, json)
}

#[test]
fn a_finalised_opinion_prints_from_the_record_screen() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let pdfs = tmp.path().join("pdf");
    cli(&data, &["init", "--name", "印刷 医師", "--centre", "テスト県地域産業保健センター"], None)?;
    let wp = cli(&data, &["add", "workplace"], Some(json!({ "name": "印刷テスト工業", "phone": "054-000-1111" })))?;
    let worker = cli(&data, &["add", "worker"], Some(json!({ "workplace_id": wp, "name": "鷹野 まなぶ", "sex": "male", "birth_date": "S55.5.5" })))?;
    let doctor = cli(&data, &["add", "staff"], Some(json!({ "role": "doctor", "name": "意見 書子", "affiliation": "みなと産業医事務所" })))?;
    let interview = json!({
        "kind": "long_hours", "performed_on": "2025-06-20", "place": "medical_institution",
        "doctor_id": doctor, "workplace_id": wp, "worker_id": worker,
        "work_status": { "period_from": "2025-05-01", "period_to": "2025-05-31", "overtime_hours": 95 },
        "result": { "fatigue": "severe", "mind_body_attention": false, "diagnosis": "medical_care", "work_class": "leave", "guidance": "medical_guidance", "recommendation_needed": true },
        "opinion": { "hours_measures": [{ "type": "no_work" }], "period_amount": 2, "period_unit": "week", "remarks": "復職前に再面接を行う" }
    });
    let id = cli(&data, &["add", "interview"], Some(interview))?;
    cli(&data, &["finalize", &id], None)?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock_with_output_folder(&s, PASS, &pdfs)?;
    s.click("[data-nav=home]")?;
    s.click(&format!("[data-record=\"{id}\"]"))?;
    s.wait_text("#record-status", "確定（第1版）")?;
    let path = print_checked(&s, "opinion", "鷹野 まなぶ", "印刷テスト工業")?;
    s.screenshot("printing-record")?;

    let spool = std::path::Path::new(&data).join("print-spool");
    ensure!(path.parent() == Some(spool.as_path()), "printed outside the private print spool: {}", path.display());
    ensure!(!pdfs.exists() || std::fs::read_dir(&pdfs)?.next().is_none(), "a print left a file in the output folder");
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    ensure!(!name.contains("鷹野"), "the file name must not name the worker: {name}");
    let text = Command::new("pdftotext").args(["-layout"]).arg(&path).arg("-").output().context("pdftotext")?;
    let text: String = String::from_utf8(text.stdout)?.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "面接指導結果報告書及び事後措置に係る意見書",
        "鷹野まなぶ",
        "印刷テスト工業",
        "意見書子",
        "みなと産業医事務所",
        "3：重",
        "2：要休業",
        "復職前に再面接を行う",
        "第1版",
    ] {
        ensure!(text.contains(needle), "{needle} is not in the printed PDF");
    }
    // The ロック button empties the spool: the printout does not outlive the session.
    s.click("#lock-button")?;
    s.find("#unlock-form")?;
    ensure!(!path.exists(), "the printout outlived the lock: {}", path.display());
    s.quit()?;
    Ok(())
}
