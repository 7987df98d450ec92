//! 訪問指導・職場巡視 in a real window (issue 16): the last visit's finding, past its date, is on
//! the home screen; the next visit is recorded on the entry screen (the visit, a new finding, the
//! last finding 改善済, the consultation of the same trip linked), finalised, and its report for
//! the employer printed from the record screen and read back with pdftotext, which did not write
//! it. The report's PNG (pdftoppm) and the screens' screenshots go to artifacts/.

use std::path::Path;
use std::process::Command;

use anyhow::{ensure, Context, Result};
use base64::Engine;
use chisanpo_e2e::{artifacts, choose, cli, print_checked, set_value, Driver, Session, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-site-visit-passphrase";
const WORKPLACE: &str = "巡視テスト工業株式会社";
/// A one-pixel PNG: the smallest photo a camera app could save.
const ONE_PIXEL_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/// A doctor's store with a workplace, a finalised visit of 2025-03-12 whose finding was due on
/// 2025-05-31, and a consultation held at the workplace on 2025-09-03. Returns (data, earlier
/// visit, consultation).
fn seed(root: &Path) -> Result<(String, String, String)> {
    let data = root.join("store").to_string_lossy().to_string();
    let run = |args: &[&str], j: Option<serde_json::Value>| cli(&data, PASS, args, j);
    run(&["init", "--name", "巡視 太郎", "--role", "doctor", "--affiliation", "さんぽ内科クリニック", "--centre", "テスト県地域産業保健センター"], None)?;
    let wp = run(&["add", "workplace"], Some(json!({ "name": WORKPLACE, "kana": "ジュンシテストコウギョウ", "address": "静岡市葵区追手町1-1" })))?;
    let staff = run(&["add", "staff"], Some(json!({ "role": "doctor", "name": "前回 医師" })))?;
    let earlier = run(
        &["add", "visit"],
        Some(json!({
            "visited_on": "2025-03-12", "workplace_id": wp, "doctor_id": staff, "activities": ["workplace_patrol"],
            "findings": [{ "category": "work_environment", "priority": "high", "place": "休憩室", "observation": "休憩室の換気が不十分。", "advice": "換気扇を点検すること。", "due_on": "2025-05-31" }]
        })),
    )?;
    run(&["finalize", &earlier], None)?;
    let worker = run(&["add", "worker"], Some(json!({ "workplace_id": wp, "name": "相談 花子", "sex": "female", "birth_date": "S60.4.1" })))?;
    let consultation = run(
        &["add", "consultation"],
        Some(json!({
            "performed_on": "2025-09-03", "place": "workplace_visit", "doctor_id": staff, "workplace_id": wp, "worker_id": worker,
            "requester": "worker", "kinds": ["health_guidance"], "content": "睡眠について助言した。"
        })),
    )?;
    run(&["finalize", &consultation], None)?;
    Ok((data, earlier, consultation))
}

fn unlock(s: &Session) -> Result<()> {
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#home-screen")?;
    Ok(())
}

/// The PDF's text twice, spaces removed: as laid out (one-line cells whole) and in reading order
/// (the plan's cells whole, which -layout interleaves line by line).
fn pdf_text(path: &Path) -> Result<String> {
    let mut all = String::new();
    for args in [&["-layout"][..], &[][..]] {
        let out = Command::new("pdftotext").args(args).arg(path).arg("-").output().context("pdftotext (poppler-utils)")?;
        ensure!(out.status.success(), "pdftotext cannot read {}", path.display());
        all.extend(String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()));
        all.push('\n');
    }
    Ok(all)
}

#[test]
fn a_visit_is_recorded_on_the_spot_and_its_report_printed_for_the_employer() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let (data, earlier, consultation) = seed(tmp.path())?;
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock(&s)?;

    // The last visit's finding is past its date: the home screen says so.
    let overdue = s.wait_text("#deadline-findings", WORKPLACE)?;
    ensure!(overdue.contains("指摘1") && overdue.contains("令和7年5月31日"), "the overdue finding is listed: {overdue}");
    s.script("document.querySelector('#deadline-findings').scrollIntoView({ block: 'center' });", json!([]))?;
    s.screenshot("visit-home-overdue")?;

    // The next visit, on the entry screen.
    s.click("[data-nav=new-visit]")?;
    s.find("#visit-editor")?;
    s.fill("#vs-visited-on", "R7.9.3")?;
    s.fill("#pick-workplace-search", "じゅんし")?;
    s.select_by_text("#pick-workplace", WORKPLACE)?;
    s.select_by_text("#vs-doctor", "巡視 太郎")?;
    set_value(&s, "#vs-start", "14:00")?;
    set_value(&s, "#vs-end", "16:00")?;
    s.fill("#vs-received-by", "総務課長 佐藤 花子")?;
    s.click("#vs-add-visitor")?;
    s.select_by_text("#vs-visitor-0-role", "労働衛生工学専門員")?;
    s.fill("#vs-visitor-0-name", "衛生 次郎")?;
    choose(&s, "vs-activities", "health_guidance")?;
    s.fill("#vs-places", "組立ライン、塗装場、倉庫")?;
    s.fill("#vs-good", "有機溶剤の容器に蓋がされている。")?;
    s.click("#vs-add-finding")?;
    choose(&s, "vs-finding-0-category", "work")?;
    choose(&s, "vs-finding-0-priority", "medium")?;
    s.fill("#vs-finding-0-place", "倉庫")?;
    s.fill("#vs-finding-0-observation", "重量物を一人で持ち上げている。")?;
    s.fill("#vs-finding-0-advice", "台車を使い、二人で作業すること。")?;
    s.fill("#vs-finding-0-due", "R7.12.26")?;
    // A photo, by its typed place (WebDriver cannot answer the file dialog): kept without its
    // metadata, shown, and given a caption.
    let photo = tmp.path().join("巡視写真.png");
    std::fs::write(&photo, base64::engine::general_purpose::STANDARD.decode(ONE_PIXEL_PNG)?)?;
    s.fill("#vs-photo-path", &photo.to_string_lossy())?;
    s.click("#vs-add-photo-path")?;
    s.find("#vs-photos figure[data-photo] img")?;
    s.fill("#vs-photo-0-caption", "倉庫の通路")?;
    // The last visit's finding, shown to follow up: improved.
    let key = format!("{earlier}#1");
    s.wait_text("#vs-follow-ups", "休憩室の換気が不十分。")?;
    s.select_by_text(&format!("[data-follow-up-status=\"{key}\"]"), "改善済")?;
    // The consultation held on the same trip.
    s.click(&format!("[data-link=\"{consultation}\"]"))?;
    s.fill("#vs-comment", "倉庫の作業方法の改善を優先してください。")?;
    s.wait_text("#save-status", "保存しました")?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    s.script("document.querySelector('#vs-follow-ups').scrollIntoView({ block: 'start' });", json!([]))?;
    s.screenshot("visit-editor")?;
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;

    // The report for the employer, from the record screen, through the double-check.
    let path = print_checked(&s, "visit-report", "（なし）", WORKPLACE)?;
    s.screenshot("visit-record-printed")?;
    let text = pdf_text(&path)?;
    for needle in [
        "産業保健指導結果報告書",
        "巡視テスト工業株式会社御中",
        "テスト県地域産業保健センター",
        "令和7年9月3日（水）14時00分～16時00分",
        "産業医巡視太郎（さんぽ内科クリニック）",
        "労働衛生工学専門員衛生次郎",
        "有機溶剤の容器に蓋がされている。",
        "【倉庫】重量物を一人で持ち上げている。",
        "台車を使い、二人で作業すること。",
        "令和7年3月12日指摘1：休憩室の換気が不十分。",
        "改善済",
        "倉庫の作業方法の改善を優先してください。",
        "写真1倉庫の通路",
        "第1版",
    ] {
        ensure!(text.contains(needle), "{needle} is not in the printed report:\n{text}");
    }
    ensure!(!text.contains("相談花子") && !text.contains("睡眠について"), "the trip's consultation is not on the employer's report");
    let images = Command::new("pdfimages").arg("-list").arg(&path).output().context("pdfimages")?;
    let images = String::from_utf8(images.stdout)?;
    ensure!(images.lines().skip(2).count() == 1, "the photo is printed on the report: {images}");
    // The report as the employer sees it, for the note.
    let png = artifacts().join("visit-report");
    let out = Command::new("pdftoppm").args(["-png", "-r", "80", "-f", "1", "-l", "1"]).arg(&path).arg(&png).output().context("pdftoppm")?;
    ensure!(out.status.success(), "pdftoppm cannot render the report");

    // The improved finding is closed; the new one, due 2025-12-26, is past its date by now.
    s.click("[data-nav=home]")?;
    let listed = s.wait_text("#deadline-findings", "重量物を一人で")?;
    ensure!(!listed.contains("休憩室の換気"), "the improved finding is still listed as overdue: {listed}");
    s.quit()?;
    Ok(())
}
