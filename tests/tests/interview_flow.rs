//! The heart of the app, end to end with the keyboard-first screens: a workplace and a worker →
//! 申出 → 勤務状況 (the app computes 時間外 from 総労働時間) → 面接 → 意見 (a contradiction is
//! refused as the doctor types) → 確定 → PDF after the double-check, read back with pdftotext;
//! then a correction with its reason and differences, reprinted as 訂正版.

use std::process::Command;

use anyhow::{ensure, Context, Result};
use chisanpo_e2e::{add_worker, add_workplace, choose, first_run, pick_people, print_checked, Driver, Xvfb};

const PASS: &str = "e2e-interview-flow-pass";

fn pdf_text(path: &std::path::Path) -> Result<String> {
    let out = Command::new("pdftotext").args(["-layout"]).arg(path).arg("-").output().context("pdftotext")?;
    ensure!(out.status.success(), "pdftotext failed on {}", path.display());
    Ok(String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect())
}

#[test]
fn a_long_hours_interview_from_request_to_printed_opinion_and_correction() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let pdfs = tmp.path().join("pdf");
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "面談 医師", PASS)?;
    s.click("[data-nav=settings]")?;
    s.fill("#settings-pdf-folder", &pdfs.to_string_lossy())?;
    s.click("#save-app-settings")?;
    s.wait_text("#app-settings-message", "保存しました")?;
    add_workplace(&s, "鷲尾精機株式会社", "ワシオセイキ")?;
    add_worker(&s, "鷲尾精機", "長谷 勤", "ハセ ツトム", "S58.3.3")?;

    // 1. 申出 and the appointment.
    s.click("[data-nav=new-interview]")?;
    s.find("#interview-editor")?;
    choose(&s, "iv-kind", "long_hours")?;
    pick_people(&s, "わしお", "鷲尾精機株式会社", "長谷 勤")?;
    s.fill("#iv-requested-on", "R7.6.10")?;
    s.wait_text("#iv-requested-on-read", "令和7年6月10日（2025/6/10）")?;
    s.fill("#iv-performed-on", "令和7年6月20日")?;
    s.wait_text("#iv-performed-on-read", "2025/6/20")?;
    choose(&s, "iv-place", "medical_institution")?;
    s.fill("#iv-place-name", "さんぽ内科クリニック")?;
    s.wait_text("#save-status", "保存しました")?;
    s.screenshot("interview-1-request")?;

    // 2. 勤務状況: 総労働時間 277.1 h in May (31 days, 177.1 h allowed) → 100 h of overtime.
    s.click("#step-next")?;
    s.fill("#ws-period-from", "R7.5.1")?;
    s.fill("#ws-period-to", "R7.5.31")?;
    s.click("#ws-entry-total")?;
    s.fill("#ws-hours", "277.1")?;
    s.wait_text("#ws-computed-value", "100")?;
    s.wait_text("#ws-class", "月80時間超")?;
    s.click("#ws-prev-toggle")?;
    s.fill("#ws-prev-1", "90")?;
    s.wait_text("#ws-averages", "95時間（80時間超）")?;
    s.screenshot("interview-2-work-status")?;

    // 3. No coordinator. 4. The findings.
    s.click("#step-next")?;
    s.click("#step-next")?;
    choose(&s, "rs-fatigue", "severe")?;
    choose(&s, "rs-mind-body", "no")?;
    choose(&s, "rs-diagnosis", "medical_care")?;
    choose(&s, "rs-work-class", "restricted")?;
    choose(&s, "rs-guidance", "medical_guidance")?;
    choose(&s, "rs-recommendation", "yes")?;

    // 5. The opinion: a limit of overtime with no number is refused as it is typed.
    s.click("#step-next")?;
    choose(&s, "op-hours", "overtime_limit")?;
    s.wait_text("#opinion-problems", "上限時間を入力してください")?;
    s.fill("#op-limit-hours", "30")?;
    s.fill("#op-remarks", "1か月後に再面接を行う")?;
    s.fill("#op-period-amount", "1")?;
    choose(&s, "op-period-unit", "month")?;
    s.screenshot("interview-5-opinion")?;

    // 6. 確定 → the record screen → the PDF after the double-check.
    s.click("#step-next")?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    // 要医療 with no 受診配慮: a plausibility warning from the core, listed before 確定 but not stopping it.
    s.wait_text("#finish-warnings", "医療機関への受診配慮等が空欄")?;
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;
    let pdf = print_checked(&s, "opinion", "長谷 勤", "鷲尾精機株式会社")?;
    s.screenshot("interview-6-printed")?;
    let text = pdf_text(&pdf)?;
    for needle in ["面接指導結果報告書及び事後措置に係る意見書", "長谷勤", "鷲尾精機株式会社", "面談医師", "時間外労働の制限", "30", "1か月後に再面接を行う"]
    {
        ensure!(text.contains(needle), "{needle:?} is not in the printed opinion");
    }
    ensure!(!text.contains("下書き"), "a finalised opinion has no draft mark");
    let ws = print_checked(&s, "work-status", "長谷 勤", "鷲尾精機株式会社")?;
    let ws_text = pdf_text(&ws)?;
    ensure!(ws_text.contains("277.1") && ws_text.contains("100"), "the 勤務状況情報書 prints both figures");

    // 7. A correction: the reason, the differences, then 訂正版 (第2版).
    s.click("#record-amend")?;
    s.click("[data-step=opinion]")?;
    s.fill("#op-limit-hours", "20")?;
    s.wait_text("#save-status", "保存しました")?;
    s.click("[data-step=finish]")?;
    s.wait_text("#correction-diff", "月20時間まで")?;
    s.wait_text("#correction-diff", "月30時間まで")?;
    s.fill("#amend-reason", "上限時間の誤記")?;
    s.screenshot("interview-7-correction")?;
    s.click("#amend")?;
    s.wait_text("#record-status", "第2版")?;
    s.click("[data-changes=\"2\"]")?;
    s.wait_text("#version-diff", "労働時間の短縮")?;
    let amended = print_checked(&s, "opinion", "長谷 勤", "鷲尾精機株式会社")?;
    let text = pdf_text(&amended)?;
    ensure!(text.contains("訂正版") && text.contains("第2版"), "the reprint is marked 訂正版 (第2版)");
    ensure!(text.contains("20"), "the reprint carries the corrected limit");
    s.quit()?;
    Ok(())
}
