//! Done when: a worker goes from application to a 意見書 ready to sign with the keyboard alone.
//! After setting up the people with the CLI, every step below is a key press (Tab, Space, arrows,
//! Enter, Alt+→) or typing into the field that has the focus: no clicks.

use std::process::Command;

use anyhow::{ensure, Context, Result};
use chisanpo_e2e::{cli, key, press, tab_to, type_here, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-keyboard-only-pass";

#[test]
fn application_to_printed_opinion_with_the_keyboard_alone() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let pdfs = tmp.path().join("pdf");
    let run = |args: &[&str], j: Option<serde_json::Value>| cli(&data, PASS, args, j);
    run(&["init", "--name", "鍵盤 医師", "--centre", "テスト県地域産業保健センター"], None)?;
    let wp = run(&["add", "workplace"], Some(json!({ "name": "鷲尾精機株式会社", "kana": "ワシオセイキ" })))?;
    run(&["add", "worker"], Some(json!({ "workplace_id": wp, "name": "長谷 勤", "kana": "ハセ ツトム", "birth_date": "S58.3.3" })))?;
    run(&["settings", "--pdf-folder", &pdfs.to_string_lossy()], None)?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &data])?;
    let enter = || press(&s, &[key::ENTER]);
    let space = || press(&s, &[key::SPACE]);
    let next_step = || press(&s, &[key::ALT, key::RIGHT]);

    // Unlock: the passphrase field has the focus.
    s.find("#passphrase")?;
    type_here(&s, PASS)?;
    enter()?;
    s.find("#home-screen")?;

    // 利用申込 → appointment.
    tab_to(&s, "[data-nav=new-application]", 40)?;
    enter()?;
    s.find("#application-editor")?;
    tab_to(&s, "#ap-received-on", 40)?;
    type_here(&s, "R7.6.1")?;
    tab_to(&s, "#pick-workplace-search", 10)?;
    type_here(&s, "わしお")?;
    s.wait_text("#pick-workplace", "鷲尾精機")?;
    press(&s, &[key::TAB])?;
    press(&s, &[key::DOWN])?;
    s.wait_text("#ap-start", "").ok();
    tab_to(&s, "#ap-services-group input[data-value=long_hours_interview]", 30)?;
    space()?;
    tab_to(&s, "#ap-doctor", 30)?;
    press(&s, &[key::DOWN])?;
    tab_to(&s, "#ap-appointment-on", 5)?;
    type_here(&s, "R7.6.20")?;
    tab_to(&s, "#ap-place-group input[data-value=medical_institution]", 10)?;
    space()?;
    s.wait_text("#save-status", "保存しました")?;
    s.screenshot("keyboard-application")?;
    tab_to(&s, "[data-start=long_hours_interview]", 30)?;
    enter()?;

    // The interview starts from the appointment: only the worker is left to choose.
    s.find("#interview-editor")?;
    tab_to(&s, "#pick-worker", 40)?;
    press(&s, &[key::DOWN])?;
    next_step()?;
    tab_to(&s, "#ws-period-from", 20)?;
    type_here(&s, "R7.5.1")?;
    tab_to(&s, "#ws-period-to", 3)?;
    type_here(&s, "R7.5.31")?;
    tab_to(&s, "#ws-hours", 10)?;
    type_here(&s, "277.1")?;
    s.wait_text("#ws-computed-value", "100")?;
    next_step()?; // 同席: no coordinator
    next_step()?; // 面接指導の結果
    s.find("[data-current-step=result]")?;
    // Each group: Space takes the first option; an arrow moves to the next one and takes it.
    tab_to(&s, "input[name=rs-fatigue]", 5)?;
    space()?;
    press(&s, &[key::RIGHT])?;
    press(&s, &[key::RIGHT])?; // 疲労の蓄積: 中
    for group in ["rs-mind-body", "rs-diagnosis", "rs-work-class", "rs-guidance", "rs-recommendation"] {
        tab_to(&s, &format!("input[name={group}]"), 5)?;
        space()?;
    }
    next_step()?; // 意見: the focus is on the first measure
    s.find("[data-current-step=opinion]")?;
    space()?; // 特に指示なし
    tab_to(&s, "#op-remarks", 40)?;
    type_here(&s, "現状の勤務で差し支えない。")?;
    s.screenshot("keyboard-opinion")?;
    next_step()?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    tab_to(&s, "#finalise", 20)?;
    enter()?;
    s.wait_text("#record-status", "確定（第1版）")?;

    // The PDF, after the double-check, by keyboard.
    tab_to(&s, "[data-print=opinion]", 40)?;
    enter()?;
    s.find("#double-check")?;
    for c in ["#dc-worker", "#dc-workplace", "#dc-addressee"] {
        tab_to(&s, c, 5)?;
        space()?;
    }
    tab_to(&s, "#dc-confirm", 3)?;
    enter()?;
    let shown = s.wait_text("#printed-path", ".pdf")?;
    s.screenshot("keyboard-printed")?;

    // Read while the app runs: the PDF for printing is removed when the app locks or quits.
    let out = Command::new("pdftotext").args(["-layout", shown.trim(), "-"]).output().context("pdftotext")?;
    let text: String = String::from_utf8(out.stdout)?.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in ["長谷勤", "鷲尾精機株式会社", "鍵盤医師", "現状の勤務で差し支えない。"] {
        ensure!(text.contains(needle), "{needle:?} is not in the printed opinion");
    }
    s.quit()?;
    Ok(())
}
