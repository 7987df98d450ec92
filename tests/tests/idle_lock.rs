//! The lock, end to end: the profile, the idle time and the text size are changed in 設定; the
//! ロック button locks and unlocking returns to the same screen, the screens having been told
//! first (`chisanpo:before-lock`); with `CHISANPO_IDLE_SECONDS=3` the app locks itself when left
//! alone, and unlocking returns to the screen it was on.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use chisanpo_e2e::{cli, first_run, Driver, Session, Xvfb, WAIT};
use serde_json::{json, Value};

const PASS: &str = "e2e-idle-lock-passphrase";

/// Wait until the input's value is `want`.
fn wait_value(s: &Session, css: &str, want: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let v = s.script("const e = document.querySelector(arguments[0]); return e ? e.value : null;", json!([css]))?;
        if v == Value::String(want.into()) {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            bail!("{css} never had the value {want:?}; last: {v}");
        }
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn root_font(s: &Session) -> Result<(Value, Value)> {
    let size = s.script("return document.documentElement.dataset.textSize ?? null;", json!([]))?;
    let px = s.script("return getComputedStyle(document.documentElement).fontSize;", json!([]))?;
    Ok((size, px))
}

fn unlock(s: &Session) -> Result<()> {
    s.find("#unlock-form")?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    Ok(())
}

#[test]
fn settings_lock_button_and_idle_lock() -> Result<()> {
    let x = Xvfb::start()?;
    let data = tempfile::tempdir()?;
    let dir = data.path().join("store");
    let dir_arg = dir.to_string_lossy().to_string();
    let args = ["--data-dir", dir_arg.as_str()];

    // 1. The default idle time (10 minutes): the settings and the ロック button.
    {
        let driver = Driver::start(&x.display)?;
        let s = driver.launch(&args)?;
        first_run(&s, "産業 一郎", PASS)?;

        s.click("[data-nav=settings]")?;
        wait_value(&s, "#settings-name", "産業 一郎")?;
        wait_value(&s, "#settings-idle-minutes", "10")?;
        wait_value(&s, "#settings-fee-rate", "11500")?;
        s.fill("#settings-idle-minutes", "0")?;
        s.click("#save-app-settings")?;
        s.wait_text("#app-settings-error", "1分から120分")?;

        s.fill("#settings-idle-minutes", "１５")?;
        s.fill("#settings-name", "産業 次郎")?;
        s.fill("#settings-seal-line", "医師 産業次郎")?;
        s.fill("#settings-fee-rate", "10,000円")?;
        s.click("[data-text-size=extra_large]")?;
        s.click("#save-app-settings")?;
        s.wait_text("#app-settings-message", "保存しました")?;
        s.wait_text(".profile-name", "産業 次郎")?;
        let (size, px) = root_font(&s)?;
        assert_eq!((size, px), (json!("extra_large"), json!("21px")), "the text size applies to the root");
        s.screenshot("settings")?;

        // Saved: shown again from the store.
        s.click("[data-nav=home]")?;
        s.wait_text("#home-screen", "産業 次郎")?;
        s.click("[data-nav=settings]")?;
        wait_value(&s, "#settings-idle-minutes", "15")?;
        wait_value(&s, "#settings-fee-rate", "10000")?;
        wait_value(&s, "#settings-seal-line", "医師 産業次郎")?;

        // An interview requested and not held is listed on the home screen, one click away.
        let wp = cli(&dir_arg, PASS, &["add", "workplace"], Some(json!({ "name": "待機工業" })))?;
        let worker = cli(&dir_arg, PASS, &["add", "worker"], Some(json!({ "workplace_id": wp, "name": "申出 待子" })))?;
        let request = json!({ "workplace_id": wp, "worker_id": worker, "kind": "long_hours", "request": { "requested_on": "2025-06-01" } });
        let id = cli(&dir_arg, PASS, &["add", "interview"], Some(request))?;
        s.click("[data-nav=workplaces]")?;
        s.click("[data-nav=home]")?;
        s.wait_text("#deadline-interviews", "申出 待子")?;
        s.wait_text("#deadline-interviews", "申出から")?;
        s.screenshot("home-deadlines")?;
        s.click(&format!("#deadline-interviews [data-record='{id}']"))?;
        s.wait_text("#record-screen", "申出 待子")?;

        // The ロック button: the screens are told first, and unlocking returns to the same record.
        s.script("window.__beforeLock = 0; window.addEventListener('chisanpo:before-lock', () => window.__beforeLock++);", json!([]))?;
        s.click("#lock-button")?;
        s.find("#unlock-form")?;
        assert_eq!(s.script("return window.__beforeLock;", json!([]))?, json!(1), "chisanpo:before-lock was dispatched once");
        assert!(s.find_now("#record-screen").is_err(), "nothing of the screens stays while locked");
        unlock(&s)?;
        s.wait_text("#record-screen", "申出 待子")?;
        assert!(s.find_now("#home-screen").is_err(), "unlocking returns to the screen, not home");
        s.quit()?;
    }

    // 2. CHISANPO_IDLE_SECONDS=3: left alone on 設定, the app locks itself.
    let driver = Driver::start_with_env(&x.display, &[("CHISANPO_IDLE_SECONDS", "3")])?;
    let s = driver.launch(&args)?;
    unlock(&s)?;
    s.wait_text("#home-screen", "産業 次郎")?;
    assert_eq!(root_font(&s)?.0, json!("extra_large"), "the text size is kept in the store");
    s.click("[data-nav=settings]")?;
    s.find("#settings-screen")?;
    s.wait_text("#unlock-notice", "操作がなかったため")?;
    assert!(s.find_now("#settings-screen").is_err());
    s.screenshot("idle-locked")?;
    unlock(&s)?;
    s.find("#settings-screen")?;
    assert!(s.find_now("#home-screen").is_err(), "unlocking after the idle lock returns to 設定");
    // Left alone again, it locks again.
    s.find("#unlock-form")?;
    s.quit()?;
    Ok(())
}
