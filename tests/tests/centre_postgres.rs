//! The centre's whole job in the app on a shared PostgreSQL (issue 18, item 4): the coordinator
//! chooses the database in 設定, enrols a laptop there, the app imports into it by itself, and the
//! home screen and the 台帳 read it. The database is a real server on 127.0.0.1, read back with
//! `psql`, which did not write it.
#![cfg(unix)]

use anyhow::Result;
use chisanpo_e2e::{centre_and_laptop, wait_dataset, CentreAndLaptop, Driver, Xvfb};
use serde_json::json;

#[path = "../../src-tauri/core/tests/delivery_common/postgres.rs"]
mod pg_server;

const PASS: &str = "e2e-laptop-passphrase";
const CENTRE_PASS: &str = "e2e-coordinator-passphrase";

fn psql(pg: &pg_server::PgServer, sql: &str) -> Result<String> {
    let out =
        std::process::Command::new("psql").args(["-h", "127.0.0.1", "-p", &pg.port.to_string(), "-U", "chisanpo", "-d", "centre", "-Atc", sql]).output()?;
    anyhow::ensure!(out.status.success(), "psql: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn the_coordinator_runs_the_centre_on_a_shared_postgresql_from_the_app() -> Result<()> {
    let pg = pg_server::PgServer::start();
    let url = pg.database("centre");
    let tmp = tempfile::tempdir()?;
    // A laptop with two consultations finalised, enrolled, delivered to the centre's folder.
    let CentreAndLaptop { centre, request, .. } = centre_and_laptop(tmp.path(), "県産業保健センター", 2, PASS, CENTRE_PASS)?;

    let x = Xvfb::start()?;
    let driver = Driver::start_with_env(&x.display, &[("CHISANPO_DELIVERY_RETRY_SECONDS", "1")])?;
    let s = driver.launch(&["--data-dir", &centre])?;
    s.fill("#passphrase", CENTRE_PASS)?;
    s.click("#unlock-button")?;
    s.find("#centre-status")?;
    s.wait_text("#centre-database", "この端末のストア")?;

    // 設定: a URL that is not PostgreSQL's is refused, with what to type.
    s.click("#centre-enrol-devices")?;
    s.fill("#centre-database-url", "http://127.0.0.1/centre")?;
    s.click("#centre-database-save")?;
    s.wait_text("#centre-database-error", "postgres://")?;
    // The shared database: connected once (its tables made), then every centre screen uses it.
    s.fill("#centre-database-url", &url)?;
    s.click("#centre-database-save")?;
    s.wait_text("#centre-database-message", "共有データベース")?;
    s.wait_text("#centre-database-current", "/centre")?;
    let shown = s.wait_text("#centre-database-form", "集約先")?;
    assert!(!shown.contains("chisanpo@"), "the URL's user is not shown: {shown}");
    assert_eq!(psql(&pg, "SELECT count(*) FROM centre_devices")?, "0");
    s.fill("#centre-request-path", &request)?;
    s.click("#centre-enrol-device")?;
    s.wait_text("#centre-device-list", "産業 一郎")?;
    assert_eq!(psql(&pg, "SELECT label FROM centre_devices")?, "産業 一郎", "enrolled in the database");
    s.script("document.querySelector('#centre-database-form').scrollIntoView({ block: 'start' })", json!([]))?;
    s.screenshot("centre-postgresql-settings")?;

    // Home: the background import went into the database.
    s.click("[data-nav=home]")?;
    wait_dataset(&s, "#centre-status", "devices", "1")?;
    wait_dataset(&s, "#centre-status", "records", "2")?;
    s.wait_text("#centre-database", "/centre")?;
    assert_eq!(psql(&pg, "SELECT count(*) FROM consolidated_latest")?, "2");
    assert_eq!(psql(&pg, "SELECT string_agg(number::text, ',' ORDER BY number) FROM ledger_numbers")?, "1,2");
    s.screenshot("centre-postgresql-home")?;

    // The 台帳 reads the database.
    s.click("#centre-open-ledger")?;
    s.fill("#ledger-year", "2025")?;
    s.click("#ledger-apply")?;
    s.wait_text("#ledger-caption", "令和7年度　2件")?;
    s.wait_text("#ledger-table", "鷲尾製作所")?;
    s.screenshot("centre-postgresql-ledger")?;
    Ok(())
}
