//! The worker's 疲労蓄積度自己診断チェックリスト (2023) inside an interview, as a doctor enters it
//! from the paper with the keyboard: the 負担度 computed by the core shows beside 疲労の蓄積の状況
//! as the answers go in, never changes the doctor's own choice, and shows on the record screen
//! once the interview is finalised.

use anyhow::{ensure, Result};
use chisanpo_e2e::{add_worker, add_workplace, choose, first_run, pick_people, press, wait_dataset, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-fatigue-checklist-pass";

/// The digit keys pressed on each item: 1 is the first choice, 2 the second, 3 the third.
/// 自覚症状: 3+1+1+0+3+0+0+0+1+0+3+1+0+0 = 13 points → Ⅲ.
const SYMPTOMS: [&str; 14] = ["3", "2", "2", "1", "3", "1", "1", "1", "2", "1", "3", "2", "1", "1"];
/// 勤務の状況: 1+1+0+0+0+1+3+1+1+0+1+1+0 = 10 points → C.
const WORK: [&str; 13] = ["2", "2", "1", "1", "1", "2", "3", "2", "2", "1", "2", "2", "1"];

#[test]
fn the_checklist_gives_the_burden_beside_the_doctors_judgement_and_on_the_record() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "疲労 医師", PASS)?;
    add_workplace(&s, "蓄積運輸株式会社", "チクセキウンユ")?;
    add_worker(&s, "蓄積運輸", "重野 労", "シゲノ ロウ", "S60.4.1")?;

    s.click("[data-nav=new-interview]")?;
    s.find("#interview-editor")?;
    choose(&s, "iv-kind", "long_hours")?;
    pick_people(&s, "ちくせき", "蓄積運輸株式会社", "重野 労")?;
    s.fill("#iv-performed-on", "R7.6.20")?;
    choose(&s, "iv-place", "medical_institution")?;
    s.click("#step-next")?;
    s.fill("#ws-period-from", "R7.5.1")?;
    s.fill("#ws-period-to", "R7.5.31")?;
    s.click("#ws-entry-total")?;
    s.fill("#ws-hours", "267.1")?;
    s.wait_text("#ws-class", "月80時間超")?;
    s.click("#step-next")?;
    s.click("#step-next")?;

    // The doctor's judgement first; the checklist must not move it.
    choose(&s, "rs-fatigue", "mild")?;
    s.click("#fatigue-checklist > summary")?;
    s.click("#fc-symptoms input[data-item=\"0\"][data-choice=\"0\"]")?;
    for k in SYMPTOMS {
        press(&s, &[k])?;
    }
    s.wait_text("#fatigue-burden", "自覚症状Ⅲ（13点）")?;
    s.click("#fc-work input[data-item=\"0\"][data-choice=\"0\"]")?;
    for k in WORK {
        press(&s, &[k])?;
    }
    wait_dataset(&s, "#fatigue-burden", "burden", "4")?;
    s.wait_text("#fatigue-burden", "勤務の状況C（10点）")?;
    s.wait_text("#fatigue-burden", "仕事による負担度 4点：高いと考えられる")?;
    let fatigue = s.script("return document.querySelector('#rs-fatigue-group input:checked')?.dataset.value ?? null;", json!([]))?;
    ensure!(fatigue == json!("mild"), "the checklist changed the doctor's 疲労の蓄積 choice: {fatigue}");
    s.screenshot("fatigue-checklist-1-entered")?;

    // A total from paper that does not match the answers is refused, naming the field.
    s.fill("#fc-symptom-total", "12")?;
    s.click("[data-step=finish]")?;
    s.wait_text("#interview-editor", "自覚症状の合計点が、各問の回答から計算した点と一致しません")?;
    s.screenshot("fatigue-checklist-2-mismatch")?;
    s.click("[data-step=result]")?;
    s.fill("#fc-symptom-total", "13")?;

    for (k, v) in [
        ("rs-mind-body", "no"),
        ("rs-diagnosis", "observation"),
        ("rs-work-class", "restricted"),
        ("rs-guidance", "health_guidance"),
        ("rs-recommendation", "yes"),
    ] {
        choose(&s, k, v)?;
    }
    s.click("#step-next")?;
    choose(&s, "op-hours", "overtime_limit")?;
    s.fill("#op-limit-hours", "45")?;
    s.click("#step-next")?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;
    s.wait_text("#record-checklists", "仕事による負担度 4点：高いと考えられる")?;
    s.screenshot("fatigue-checklist-3-record")?;
    s.quit()?;
    Ok(())
}
