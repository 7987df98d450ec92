//! The hours as a curve (issue 17, item 2): in a real window, the 勤務状況 step draws the last
//! months of 時間外・休日労働 with the 45/80/100 h lines and the 2–6 month averages. For 85, 90, 70
//! the 80 h line is crossed (by two months and by both averages); for 40, 50, 60 it is not.
//! The worker's page draws the same chart from the worker's latest interview. Checked through
//! the chart's text alternative and its SVG, as the window drew it under the app's CSP.

use anyhow::{ensure, Result};
use chisanpo_e2e::{add_worker, add_workplace, choose, first_run, pick_people, Driver, Session, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-hours-chart-pass";

/// The 勤務状況 step of a new long-hours interview for `worker`, with overtime typed for the
/// period and the months before it (newest first).
fn work_status(s: &Session, worker: &str, months: &[&str]) -> Result<()> {
    s.click("[data-nav=new-interview]")?;
    s.find("#interview-editor")?;
    choose(s, "iv-kind", "long_hours")?;
    pick_people(s, "わしお", "鷲尾精機株式会社", worker)?;
    s.fill("#iv-performed-on", "R7.6.20")?;
    s.wait_text("#iv-performed-on-read", "2025/6/20")?;
    s.click("#step-next")?;
    s.click("#ws-entry-overtime")?;
    s.fill("#ws-hours", months[0])?;
    s.wait_text("#ws-class", "月")?;
    s.click("#ws-prev-toggle")?;
    for (i, h) in months[1..].iter().enumerate() {
        s.fill(&format!("#ws-prev-{}", i + 1), h)?;
    }
    Ok(())
}

/// What the window drew: the lines marked crossed, the bars' heights in pixels, and whether
/// any part of the chart lies outside its SVG's box (clipped).
fn drawn(s: &Session, chart: &str) -> Result<serde_json::Value> {
    s.script(
        "const f = document.querySelector(arguments[0]); const svg = f.querySelector('svg'); \
         const box = svg.getBBox ? svg.viewBox.baseVal : null; \
         const outside = [...svg.querySelectorAll('text, rect, line')].filter(e => { const b = e.getBBox(); \
           return b.x < -0.5 || b.y < -0.5 || b.x + b.width > box.width + 0.5 || b.y + b.height > box.height + 0.5; }).map(e => e.textContent || e.tagName); \
         return { crossed: f.dataset.crossed, averageOver: f.dataset.averageOver, \
           limits: [...svg.querySelectorAll('line.limit')].map(l => [l.dataset.line, l.dataset.crossed]), \
           bars: [...svg.querySelectorAll('rect.bar')].map(r => [r.dataset.over, Math.round(r.getBoundingClientRect().height)]), \
           averages: [...svg.querySelectorAll('g.average')].map(g => [g.dataset.months, g.dataset.over]), \
           shown: svg.getBoundingClientRect().width, outside };",
        json!([chart]),
    )
}

/// The workers screen, editing the worker found by `query`.
fn open_worker(s: &Session, query: &str) -> Result<()> {
    s.click("[data-nav=workers]")?;
    s.fill("#worker-search", query)?;
    s.wait_text("#worker-list", query)?;
    s.click("#worker-list button.link")?;
    s.wait_text("#worker-form", "労働者を編集")?;
    Ok(())
}

/// A screenshot of the 勤務状況 chart in the middle of the window.
fn shoot(s: &Session, name: &str) -> Result<()> {
    shoot_chart(s, "#ws-chart", name)
}

/// A screenshot with `css` in the middle of the window, once the window has drawn it.
fn shoot_chart(s: &Session, css: &str, name: &str) -> Result<()> {
    s.script(
        "document.querySelector(arguments[0]).scrollIntoView({ block: 'center' }); \
         return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));",
        json!([css]),
    )?;
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.screenshot(name)?;
    Ok(())
}

#[test]
fn the_work_status_chart_shows_the_80_hour_line_crossed() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "面談 医師", PASS)?;
    add_workplace(&s, "鷲尾精機株式会社", "ワシオセイキ")?;
    add_worker(&s, "鷲尾精機", "長谷 勤", "ハセ ツトム", "S58.3.3")?;
    add_worker(&s, "鷲尾精機", "早瀬 守", "ハヤセ マモル", "S60.4.4")?;

    // 85, 90, 70: the period (May 2025) and the two months before it.
    work_status(&s, "長谷 勤", &["85", "90", "70"])?;
    let text = s.wait_text("#ws-chart", "2〜6か月平均のうち80時間を超えるもの: 2か月平均 87.5時間、3か月平均 81.7時間")?;
    for needle in ["80時間を超えた月: 1か月前 90時間、対象月 85時間", "100時間を超えた月: なし", "令和7年5月"] {
        ensure!(text.contains(needle), "{needle:?} is not in the chart's text: {text}");
    }
    let d = drawn(&s, "#ws-chart")?;
    ensure!(d["crossed"] == "45 80" && d["averageOver"] == "80", "the 80 h line is not marked crossed: {d}");
    ensure!(d["limits"] == json!([["45", "true"], ["80", "true"], ["100", "false"]]), "limits: {d}");
    ensure!(d["averages"] == json!([["2", "80"], ["3", "80"]]), "averages: {d}");
    // Three bars, oldest first: 70 (over 45), 90 and 85 (over 80); drawn, and 90 the tallest.
    let bars = d["bars"].as_array().cloned().unwrap_or_default();
    ensure!(bars.len() == 3, "three bars: {d}");
    ensure!(bars.iter().map(|b| b[0].clone()).collect::<Vec<_>>() == [json!("45"), json!("80"), json!("80")], "bar classes: {d}");
    let h = |i: usize| bars[i][1].as_i64().unwrap_or(0);
    ensure!(h(0) > 20 && h(1) > h(2) && h(2) > h(0), "bar heights follow 70, 90, 85: {d}");
    ensure!(d["shown"].as_f64().unwrap_or(0.0) > 300.0, "the chart is drawn at a readable width: {d}");
    ensure!(d["outside"] == json!([]), "parts of the chart are clipped: {d}");
    shoot(&s, "hours-chart-85-90-70")?;

    // The worker's page: the chart of the latest interview with hours (the draft just typed);
    // a worker with none says so.
    s.wait_text("#save-status", "保存しました")?;
    open_worker(&s, "早瀬")?;
    s.wait_text("#worker-hours-none", "面接指導はまだありません")?;
    s.click("#worker-form button.secondary")?;
    open_worker(&s, "長谷")?;
    s.wait_text("#worker-hours-source", "令和7年6月20日実施の面接指導（下書き）")?;
    let text = s.wait_text("#worker-hours-chart", "2〜6か月平均のうち80時間を超えるもの: 2か月平均 87.5時間、3か月平均 81.7時間")?;
    ensure!(text.contains("80時間を超えた月: 1か月前 90時間、対象月 85時間"), "the worker's chart: {text}");
    let d = drawn(&s, "#worker-hours-chart")?;
    ensure!(d["crossed"] == "45 80" && d["averageOver"] == "80" && d["outside"] == json!([]), "the worker's chart: {d}");
    shoot_chart(&s, "#worker-hours", "worker-hours-chart")?;

    // 40, 50, 60: over 45 only; no 80 h line crossed, no average over it.
    work_status(&s, "早瀬 守", &["40", "50", "60"])?;
    let text = s.wait_text("#ws-chart", "2〜6か月平均のうち80時間を超えるもの: なし")?;
    ensure!(text.contains("80時間を超えた月: なし"), "no month is over 80: {text}");
    ensure!(text.contains("2か月平均 45時間、3か月平均 50時間"), "the core's averages: {text}");
    let d = drawn(&s, "#ws-chart")?;
    ensure!(d["crossed"] == "45" && d["averageOver"] == "none", "only the 45 h line: {d}");
    ensure!(d["limits"] == json!([["45", "true"], ["80", "false"], ["100", "false"]]), "limits: {d}");
    ensure!(d["outside"] == json!([]), "parts of the chart are clipped: {d}");
    shoot(&s, "hours-chart-40-50-60")?;
    s.quit()?;
    Ok(())
}
