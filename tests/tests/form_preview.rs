//! The live preview of the 様式 (issue 17, item 1): in a real window, the right side of the
//! interview's entry screen shows the 意見書 as it would print (下書き), drawn by pdf.js from the
//! PDF held in memory under the app's CSP and frozen prototype. Typing into the interview changes
//! it: the typed value is read back from the drawn page's text layer. The time from the last
//! keystroke to the painted preview, as the app measured it, is printed (not asserted: design.md,
//! performance is measured, never asserted as wall-clock limits in tests). A character no font
//! has shows the message printing gives, naming the field, above the last paper; a narrow window
//! folds the preview behind a button.

use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Result};
use chisanpo_e2e::{add_worker, add_workplace, artifacts, choose, first_run, pick_people, set_value, wait_dataset, Driver, Session, Xvfb, WAIT};
use serde_json::{json, Value};

const PASS: &str = "e2e-form-preview-pass";

/// What the preview shows now: its state, the text of its pages' text layer (blanks dropped), the
/// measured times, how many draws it painted, the fields marked as being edited.
fn preview(s: &Session) -> Result<Value> {
    s.script(
        "const p = document.querySelector('#form-preview'); if (!p) return null; \
         const text = [...p.querySelectorAll('.textLayer')].map(t => t.textContent).join('').replace(/\\s+/g, ''); \
         const r = p.getBoundingClientRect(); \
         return { state: p.dataset.state, draws: Number(p.dataset.draws || 0), pages: Number(p.dataset.pages || 0), \
           latency: p.dataset.latencyMs ?? null, render: p.dataset.renderMs ?? null, paint: p.dataset.paintMs ?? null, text, \
           editing: [...p.querySelectorAll('.textLayer span.editing')].map(s => s.textContent).join(''), \
           canvases: p.querySelectorAll('.pdf-page canvas').length, \
           left: r.left, width: r.width, shown: r.width > 0 && getComputedStyle(p).display !== 'none', windowWidth: innerWidth, \
           problem: document.querySelector('#preview-problem')?.textContent ?? null };",
        json!([]),
    )
}

/// Wait until the preview has painted a draw after `after` draws and its text holds `needle`.
fn wait_preview(s: &Session, after: u64, needle: &str) -> Result<Value> {
    let start = Instant::now();
    loop {
        let p = preview(s)?;
        if p["draws"].as_u64().unwrap_or(0) > after && p["state"] == "ready" && p["text"].as_str().unwrap_or_default().contains(needle) {
            return Ok(p);
        }
        if start.elapsed() > WAIT {
            s.screenshot("failure-preview")?;
            bail!("the preview never showed {needle:?}: {p}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn ms(p: &Value, key: &str) -> u64 {
    p[key].as_str().and_then(|v| v.parse().ok()).unwrap_or(u64::MAX)
}

#[test]
fn typing_into_the_interview_changes_the_printed_form_beside_it() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "面談 医師", PASS)?;
    add_workplace(&s, "鷲尾精機株式会社", "ワシオセイキ")?;
    add_worker(&s, "鷲尾精機", "長谷 勤", "ハセ ツトム", "S58.3.3")?;

    // A new interview: the 意見書 beside it at once, the empty boxes and the 下書き mark, never
    // an error page.
    s.click("[data-nav=new-interview]")?;
    s.find("#interview-editor")?;
    let p = wait_preview(&s, 0, "下書き")?;
    ensure!(p["problem"].is_null(), "an empty draft shows a problem: {p}");
    ensure!(p["text"].as_str().unwrap_or_default().contains("意見書"), "not the 意見書: {p}");
    ensure!(p["canvases"].as_u64() >= Some(1), "no page drawn: {p}");
    // Parsed in pdf.js's worker (the CSP's worker-src 'self'), not on the page: pdf.js falls back
    // to loading its worker's script into the page, which sets `pdfjsWorker`, when no worker starts.
    let fallback = s.script("return typeof globalThis.pdfjsWorker;", json!([]))?;
    ensure!(fallback == "undefined", "pdf.js runs without its worker (the CSP refused it?): {fallback}");
    // Beside the entry screen, on the right, in a window as wide as the app opens.
    ensure!(p["shown"] == true && p["left"].as_f64().unwrap_or(0.0) > p["windowWidth"].as_f64().unwrap_or(0.0) * 0.4, "not on the right: {p}");

    choose(&s, "iv-kind", "long_hours")?;
    pick_people(&s, "わしお", "鷲尾精機株式会社", "長谷 勤")?;
    s.fill("#iv-performed-on", "R7.6.20")?;
    s.wait_text("#iv-performed-on-read", "2025/6/20")?;
    let p = wait_preview(&s, 0, "長谷勤")?;
    ensure!(p["text"].as_str().unwrap_or_default().contains("鷲尾精機株式会社"), "the workplace from the store: {p}");

    // The 意見 step: each value typed is on the paper within moments of the last key.
    s.click("[data-step=opinion]")?;
    s.find("#op-remarks")?;
    let mut latencies = vec![];
    for (i, value) in ["残業は月45時間まで", "残業は月45時間まで、深夜業は避けること", "来月に再度面接します"].iter().enumerate()
    {
        let before = preview(&s)?["draws"].as_u64().unwrap_or(0);
        s.fill("#op-remarks", value)?;
        let p = wait_preview(&s, before, value)?;
        latencies.push((ms(&p, "latency"), ms(&p, "render"), ms(&p, "paint")));
        if i == 0 {
            // The field being edited is marked where the paper shows it.
            ensure!(p["editing"].as_str().unwrap_or_default().contains("残業は月45時間まで"), "the edited field is not marked: {p}");
            s.screenshot("preview-interview-opinion")?;
        }
    }
    let mut report = String::new();
    for (latency, render, paint) in &latencies {
        ensure!(*latency < u64::MAX, "the app measured no time");
        report.push_str(&format!("preview: {latency} ms from the last keystroke to the painted page (render {render} ms, pdf.js {paint} ms)\n"));
    }
    eprint!("{report}");
    std::fs::write(artifacts().join("preview-latency.txt"), report)?;

    // Zoom: the paper redrawn larger, the text still there.
    let width = |s: &Session| -> Result<f64> {
        Ok(s.script("return document.querySelector('#form-preview .pdf-page').getBoundingClientRect().width;", json!([]))?.as_f64().unwrap_or(0.0))
    };
    let fit = width(&s)?;
    let before = preview(&s)?["draws"].as_u64().unwrap_or(0);
    s.click("#preview-zoom-in")?;
    wait_preview(&s, before, "来月に再度面接します")?;
    ensure!(width(&s)? > fit * 1.05, "zooming in did not enlarge the page ({fit} → {})", width(&s)?);
    s.screenshot("preview-interview-zoomed")?;
    let before = preview(&s)?["draws"].as_u64().unwrap_or(0);
    s.click("#preview-fit")?;
    wait_preview(&s, before, "来月に再度面接します")?;
    ensure!((width(&s)? - fit).abs() < 2.0, "幅に合わせる did not return to the panel's width");

    // A character no font has: the message printing gives, naming the field; the last paper stays.
    set_value(&s, "#op-remarks", "𠮷野さんへ")?;
    let start = Instant::now();
    let p = loop {
        let p = preview(&s)?;
        if p["state"] == "error" {
            break p;
        }
        ensure!(start.elapsed() < WAIT, "no message for a missing glyph: {p}");
        std::thread::sleep(Duration::from_millis(50));
    };
    let problem = p["problem"].as_str().unwrap_or_default();
    ensure!(problem.contains("連絡事項等") && problem.contains("𠮷"), "the message does not name the field and the character: {p}");
    ensure!(p["canvases"].as_u64() >= Some(1), "the last paper is gone: {p}");
    s.screenshot("preview-missing-glyph")?;
    // The message leads to the field: その欄へ移動 puts the cursor in it.
    s.click("#op-medical")?;
    s.click("#preview-problem-field")?;
    ensure!(s.script("return document.activeElement.id;", json!([]))? == "op-remarks", "その欄へ移動 did not reach the field");
    let before = p["draws"].as_u64().unwrap_or(0);
    s.fill("#op-remarks", "吉野さんへ")?;
    let p = wait_preview(&s, before, "吉野さんへ")?;
    ensure!(p["problem"].is_null(), "the message stays after the fix: {p}");

    // The other forms of the interview, chosen beside it.
    let before = p["draws"].as_u64().unwrap_or(0);
    s.select_by_text("#preview-form", "勤務状況情報書")?;
    wait_preview(&s, before, "勤務状況")?;
    s.select_by_text("#preview-form", "意見書")?;

    // A narrow window: the preview folds away behind a button, and unfolds over the form.
    s.set_window_size(960, 800)?;
    wait_dataset(&s, "#form-preview", "form", "opinion")?;
    let start = Instant::now();
    while preview(&s)?["shown"] == true {
        ensure!(start.elapsed() < WAIT, "the preview did not fold away in a narrow window: {}", preview(&s)?);
        std::thread::sleep(Duration::from_millis(100));
    }
    s.screenshot("preview-narrow-folded")?;
    let before = preview(&s)?["draws"].as_u64().unwrap_or(0);
    s.click("#preview-open")?;
    let p = wait_preview(&s, before, "吉野さんへ")?;
    ensure!(p["shown"] == true, "{p}");
    s.screenshot("preview-narrow-open")?;
    s.click("#preview-close")?;
    s.set_window_size(1200, 820)?;

    // The other entry screens show their own form beside them, empty boxes and all.
    for (nav, title, shot) in [
        ("new-consultation", "特定健康相談記録票", "preview-consultation"),
        ("new-application", "特定健康相談・面接指導利用申込書", "preview-application"),
        ("new-visit", "産業保健指導結果報告書", "preview-visit"),
    ] {
        s.click(&format!("[data-nav={nav}]"))?;
        let p = wait_preview(&s, 0, title)?;
        ensure!(p["problem"].is_null() && p["text"].as_str().unwrap_or_default().contains("下書き"), "{nav}: {p}");
        s.screenshot(shot)?;
    }

    s.quit()
}
