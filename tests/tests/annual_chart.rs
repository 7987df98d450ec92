//! The annual report's chart (issue 17, item 2) in a real window, on demo records made with the
//! CLI: each month's records by kind and the 事業場訪問 share against 2割, checked against what
//! `chisanpo list` says of the same fiscal year, and against the report's own share line.

use anyhow::{ensure, Result};
use chisanpo_e2e::{cli, unlock_with_output_folder, Driver, Xvfb};
use serde_json::{json, Value};

const PASS: &str = "e2e-annual-chart-pass";

fn finalised(data: &str, kind: &str) -> Result<usize> {
    let list: Value = serde_json::from_str(&cli(data, PASS, &["list", "--kind", kind, "--fiscal-year", "2024", "--status", "final", "--json"], None)?)?;
    Ok(list.as_array().map(Vec::len).unwrap_or(0))
}

#[test]
fn the_annual_report_charts_the_months_and_the_visit_share() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    cli(&data, PASS, &["init", "--name", "年報 担当", "--role", "coordinator"], None)?;
    cli(&data, PASS, &["demo", "--records", "400", "--seed", "3"], None)?;
    let (consultations, interviews) = (finalised(&data, "consultation")?, finalised(&data, "interview")?);
    ensure!(consultations > 0 && interviews > 0, "the demo has FY2024 records");

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock_with_output_folder(&s, PASS, &tmp.path().join("out"))?;
    s.click("[data-nav=annual]")?;
    s.fill("#annual-year", "2024")?;
    let text = s.wait_text("#annual-chart-text", &format!("確定した記録: 特定健康相談 {consultations}件、面接指導 {interviews}件。"))?;
    // The share in words is the report's own line, with the target.
    let line = s.wait_text("#visit-share", "事業場訪問の割合")?;
    let pct = line.split("事業場訪問の割合: ").nth(1).and_then(|t| t.split('（').next()).unwrap_or_default().trim().to_string();
    ensure!(text.contains(&format!("、{pct}（目標2割以上：")), "the chart's share {text:?} is the report's {pct:?}");

    // What the window drew: twelve months, the stacks adding up to the lists, the table's 計.
    let d = s.script(
        "const f = document.querySelector('#annual-chart'); const svg = f.querySelector('svg'); \
         const box = svg.viewBox.baseVal; \
         const outside = [...f.querySelectorAll('svg')].flatMap(g => [...g.querySelectorAll('text, rect, line')].filter(e => { \
           const b = e.getBBox(); const v = g.viewBox.baseVal; \
           return b.x < -0.5 || b.y < -0.5 || b.x + b.width > v.width + 0.5 || b.y + b.height > v.height + 0.5; }).map(e => e.textContent || e.tagName)); \
         const rows = [...f.querySelectorAll('#annual-months tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim())); \
         return { months: [...svg.querySelectorAll('text.month')].map(t => t.textContent), \
           consultations: svg.querySelectorAll('rect.consultations').length, width: box.width, \
           rows, outside, met: f.dataset.met, shown: svg.getBoundingClientRect().width };",
        json!([]),
    )?;
    let months: Vec<String> = serde_json::from_value(d["months"].clone())?;
    ensure!(months == ["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"], "months: {d}");
    let row = |label: &str| -> Vec<String> {
        d["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r[0].as_str().map(str::trim) == Some(label))
            .and_then(|r| serde_json::from_value(r.clone()).ok())
            .unwrap_or_default()
    };
    for (label, want) in [("特定健康相談", consultations), ("面接指導", interviews)] {
        let cells = row(label);
        ensure!(cells.len() == 14, "{label}: 12 months and 計: {d}");
        let sum: usize = cells[1..13].iter().map(|c| c.parse::<usize>().unwrap_or(0)).sum();
        ensure!(sum == want && cells[13] == want.to_string(), "{label}: the months add up to {want}: {cells:?}");
    }
    ensure!(d["outside"] == json!([]), "parts of the chart are clipped: {d}");
    ensure!(d["shown"].as_f64().unwrap_or(0.0) > 400.0, "drawn at a readable width: {d}");
    s.script(
        "document.querySelector('#annual-chart').scrollIntoView({ block: 'start' }); \
         return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))));",
        json!([]),
    )?;
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.screenshot("annual-chart")?;
    s.quit()?;
    Ok(())
}
