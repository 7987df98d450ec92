//! 一括印刷 in the app: a fiscal year's 意見書, made from finalised interviews set up with the
//! CLI, printed from the 台帳 into one merged PDF in the app's private print spool (read back
//! with pdfinfo and pdftotext, which did not write it, and gone after the lock), with the
//! progress shown; and a large batch stopped with 中止, which leaves no merged file behind
//! (ADR 0032). Saving into a file or a folder goes through the system's dialog, which WebDriver
//! cannot answer: `ipc::batch_print`'s unit tests cover those paths.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use chisanpo_e2e::{cli, key, press, tab_to, wait_dataset, Driver, Session, Xvfb, WAIT};
use serde_json::json;

const PASS: &str = "e2e-batch-print-passphrase";
/// The two tests are run one after the other: each starts an app that draws on every core.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const WORKERS: [&str; 5] = ["一ノ瀬 一郎", "二階堂 ふみ", "三枝 三郎", "四方 しおり", "五十嵐 悟"];

/// A store with one finalised long-hours interview (with its 意見書) per worker in FY2025, and
/// one left as a draft; returns the data folder.
fn seed(root: &Path) -> Result<String> {
    let data = root.join("store").to_string_lossy().to_string();
    let run = |args: &[&str], j: Option<serde_json::Value>| cli(&data, PASS, args, j);
    run(&["init", "--name", "一括 担当", "--role", "coordinator", "--centre", "テスト県地域産業保健センター"], None)?;
    let wp = run(&["add", "workplace"], Some(json!({ "name": "一括印刷工業株式会社", "phone": "054-000-2222" })))?;
    let doctor = run(&["add", "staff"], Some(json!({ "role": "doctor", "name": "束 印子", "affiliation": "まとめ産業医事務所" })))?;
    for (i, name) in WORKERS.iter().enumerate() {
        let worker = run(&["add", "worker"], Some(json!({ "workplace_id": wp, "name": name, "sex": "female", "birth_date": "S60.4.1" })))?;
        let interview = json!({
            "kind": "long_hours", "performed_on": format!("2025-{:02}-1{i}", 5 + i), "place": "medical_institution",
            "doctor_id": doctor, "workplace_id": wp, "worker_id": worker,
            "work_status": { "period_from": "2025-04-01", "period_to": "2025-04-30", "overtime_hours": 85 + i },
            "result": { "fatigue": "moderate", "mind_body_attention": false, "diagnosis": "observation", "work_class": "restricted", "guidance": "health_guidance", "recommendation_needed": false },
            "opinion": { "hours_measures": [{ "type": "overtime_limit", "hours_per_month": 45 }], "period_amount": 1, "period_unit": "month", "remarks": format!("一括印刷の確認{i}") }
        });
        let id = run(&["add", "interview"], Some(interview))?;
        run(&["finalize", &id], None)?;
    }
    // A draft of the year: not printed, and the summary says so.
    let worker = run(&["add", "worker"], Some(json!({ "workplace_id": wp, "name": "下書 残子", "sex": "female", "birth_date": "S61.1.1" })))?;
    run(
        &["add", "interview"],
        Some(json!({ "kind": "long_hours", "performed_on": "2025-11-11", "doctor_id": doctor, "workplace_id": wp, "worker_id": worker })),
    )?;
    Ok(data)
}

fn pdf_pages(path: &Path) -> Result<usize> {
    let out = Command::new("pdfinfo").arg(path).output().context("pdfinfo (poppler-utils)")?;
    ensure!(out.status.success(), "pdfinfo cannot read {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
    let info = String::from_utf8(out.stdout)?;
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).context("no Pages: in pdfinfo's output")?;
    Ok(pages.trim().parse()?)
}

/// The text of a PDF, with the spaces pdftotext puts between the characters of a name removed.
fn pdf_text(path: &Path) -> Result<String> {
    let out = Command::new("pdftotext").args(["-layout"]).arg(path).arg("-").output().context("pdftotext")?;
    ensure!(out.status.success(), "pdftotext cannot read {}", path.display());
    Ok(String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect())
}

fn unlock(s: &Session) -> Result<()> {
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.find("#home-screen")?;
    Ok(())
}

/// The files in the app's private print spool (none if it was never made).
fn spool_files(data: &str) -> Result<Vec<std::path::PathBuf>> {
    let spool = Path::new(data).join("print-spool");
    if !spool.exists() {
        return Ok(vec![]);
    }
    Ok(std::fs::read_dir(spool)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?)
}

/// The number in `data-<key>` of the element `css` (0 if missing).
fn data_number(s: &Session, css: &str, key: &str) -> Result<u64> {
    let v = s.script("const e = document.querySelector(arguments[0]); return e ? Number(e.dataset[arguments[1]] ?? 0) : 0;", json!([css, key]))?;
    Ok(v.as_u64().unwrap_or(0))
}

#[test]
fn a_fiscal_years_opinions_print_merged_into_one_pdf() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir()?;
    let data = seed(tmp.path())?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock(&s)?;

    // From the 台帳 of interviews of FY2025, to the batch screen on that year.
    s.click("[data-nav=ledger]")?;
    s.click("#ledger-interview")?;
    s.fill("#ledger-year", "2025")?;
    s.click("#ledger-apply")?;
    s.wait_text("#ledger-caption", "令和7年度　5件")?;
    s.click("#ledger-batch-print")?;
    s.wait_text("#batch-year-label", "令和7年度（2025年4月1日～2026年3月31日）")?;

    // 印刷 (the default: one PDF for the viewer), started from the keyboard: from the year, Tab
    // passes the choice and reaches the button.
    s.click("#batch-year")?;
    tab_to(&s, "#batch-start", 4)?;
    press(&s, &[key::ENTER])?;
    let result = s.wait_text("#batch-result", "5 件を印刷用の1つのPDF（5 ページ")?;
    ensure!(result.contains("下書き 1 件は印刷していません"), "the summary counts the draft: {result}");
    s.wait_text("#batch-count", "5 / 5 件")?;
    wait_dataset(&s, "#batch-progress-card", "done", "5")?;
    s.wait_text("#batch-open", "PDFを開いて印刷")?;
    s.screenshot("batch-print-merged")?;

    let merged = std::path::PathBuf::from(s.wait_text("#batch-written", ".pdf")?.trim());
    ensure!(spool_files(&data)? == [merged.clone()], "the batch wrote only its merged PDF, into the private spool: {}", merged.display());
    let name = merged.file_name().unwrap_or_default().to_string_lossy().to_string();
    ensure!(name.ends_with("_面接指導結果報告書及び意見書_令和7年度.pdf"), "named for the year and no person: {name}");
    ensure!(pdf_pages(&merged)? == WORKERS.len(), "one page per finalised record");
    let text = pdf_text(&merged)?;
    ensure!(text.matches("面接指導結果報告書及び事後措置に係る意見書").count() == WORKERS.len(), "every page is a 意見書");
    for name in WORKERS {
        ensure!(text.contains(&name.replace(' ', "")), "{name} is not in the merged PDF");
    }
    ensure!(!text.contains("下書残子"), "the draft was printed");
    ensure!(text.contains("束印子") && text.contains("一括印刷工業株式会社"), "the doctor and the workplace are printed");

    // The ロック button empties the spool: the printout does not outlive the session.
    s.click("#lock-button")?;
    s.find("#unlock-form")?;
    ensure!(!merged.exists(), "the merged printout outlived the lock: {}", merged.display());
    s.quit()?;
    Ok(())
}

#[test]
fn a_cancelled_batch_leaves_no_merged_file() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    cli(&data, PASS, &["init", "--name", "一括 担当", "--role", "coordinator"], None)?;
    // About 300 finalised interviews a fiscal year: many seconds of drawing, even on every core.
    cli(&data, PASS, &["demo", "--records", "6000", "--seed", "3"], None)?;
    let finals: serde_json::Value =
        serde_json::from_str(&cli(&data, PASS, &["list", "--kind", "interview", "--fiscal-year", "2022", "--status", "final", "--json"], None)?)?;
    let total = finals.as_array().map_or(0, Vec::len);
    ensure!(total > 100, "the demo has a large FY2022: {total}");

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock(&s)?;
    s.click("[data-nav=batch]")?;
    s.fill("#batch-year", "2022")?;
    s.wait_text("#batch-year-label", "令和4年度")?;
    s.click("#batch-start")?;

    // Mid-way: the bar moves; then 中止.
    let start = Instant::now();
    while data_number(&s, "#batch-progress-card", "done")? < 3 {
        if start.elapsed() > WAIT {
            bail!("the progress never moved");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    s.wait_text("#batch-count", &format!(" / {total} 件"))?;
    s.screenshot("batch-print-progress")?;
    s.click("#batch-cancel")?;
    let result = s.wait_text("#batch-result", "中止しました")?;
    ensure!(result.contains("まとめたPDFは作成していません"), "the summary says no file was made: {result}");
    let done = data_number(&s, "#batch-progress-card", "done")?;
    ensure!(done < total as u64, "cancelled before the end: {done} of {total}");
    s.screenshot("batch-print-cancelled")?;

    // Nothing in the spool: no merged file and no partial one.
    let left = spool_files(&data)?;
    ensure!(left.is_empty(), "a cancelled batch left {left:?}");
    s.quit()?;
    Ok(())
}
