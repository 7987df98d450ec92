//! The ledgers, the annual report and retention in the app, on demo records made with the CLI:
//! the ledger screen lists one fiscal year, its CSV export is read back with a CSV parser, the
//! annual report is exported, and a record past its 5 years is destroyed with a 廃棄記録.

use anyhow::{ensure, Result};
use chisanpo_e2e::{cli, unlock_with_output_folder, Driver, Xvfb};
use serde_json::Value;

const PASS: &str = "e2e-ledger-passphrase";

#[test]
fn ledger_export_annual_report_and_retention() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let out = tmp.path().join("out");
    cli(&data, PASS, &["init", "--name", "台帳 担当", "--role", "coordinator"], None)?;
    cli(&data, PASS, &["demo", "--records", "400", "--seed", "3"], None)?;
    let finals: Value =
        serde_json::from_str(&cli(&data, PASS, &["list", "--kind", "consultation", "--fiscal-year", "2024", "--status", "final", "--json"], None)?)?;
    let expected = finals.as_array().unwrap().len();
    ensure!(expected > 0, "the demo has FY2024 consultations");

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    unlock_with_output_folder(&s, PASS, &out)?;

    // The ledger of FY2024, and its CSV export.
    s.click("[data-nav=ledger]")?;
    s.fill("#ledger-year", "2024")?;
    s.click("#ledger-apply")?;
    s.wait_text("#ledger-caption", &format!("令和6年度　{expected}件"))?;
    s.screenshot("ledger-consultation")?;
    s.select_by_text("#export-format", "CSV")?;
    s.click("#export-ledger")?;
    let path = s.wait_text("#exported-path", ".csv")?;
    let bytes = std::fs::read(path.trim())?;
    ensure!(bytes.starts_with(b"\xEF\xBB\xBF"), "the CSV starts with a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    ensure!(reader.headers()?.iter().next() == Some("番号"));
    let rows = reader.records().collect::<Result<Vec<_>, _>>()?;
    ensure!(rows.len() == expected, "the CSV has {} rows, the ledger {expected}", rows.len());
    let numbers: Vec<u32> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    ensure!(numbers == (1..=expected as u32).collect::<Vec<_>>(), "番号 run 1, 2, 3 … in the year");

    // The annual report of FY2024.
    s.click("[data-nav=annual]")?;
    s.fill("#annual-year", "2024")?;
    s.wait_text("#annual-consultations", "開催回数")?;
    s.click("#export-annual")?;
    let xlsx = s.wait_text("#annual-saved", ".xlsx")?;
    let xlsx = xlsx.split("書き出しました: ").nth(1).and_then(|t| t.split(".xlsx").next()).map(|p| format!("{p}.xlsx")).unwrap();
    ensure!(std::fs::read(&xlsx)?.starts_with(b"PK"), "an XLSX file at {xlsx}");
    s.screenshot("annual-report")?;

    // Retention: FY2020 records are past their 5 years; destroy one, with the confirmation.
    s.click("[data-nav=retention]")?;
    s.wait_text("#retention-list", "令和2年")?;
    s.click("#retention-list tbody tr:first-child input[type=checkbox]")?;
    s.fill("#destroy-confirm", "廃棄")?;
    s.click("#destroy-button")?;
    s.wait_text("#retention-message", "1 件を廃棄し")?;
    s.screenshot("retention")?;
    s.quit()?;
    let log: Value = serde_json::from_str(&cli(&data, PASS, &["retention", "log", "--json"], None)?)?;
    ensure!(log.as_array().unwrap().len() == 1, "one 廃棄記録");
    cli(&data, PASS, &["verify"], None)?;
    Ok(())
}
