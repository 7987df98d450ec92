//! A メンタルヘルス相談 that ends with 受診勧奨, then the same worker's second visit: the app shows
//! the fee rule as it is typed, refuses 確定 until the payment is confirmed, then finalises.

use anyhow::Result;
use chisanpo_e2e::{add_worker, add_workplace, choose, first_run, pick_people, Driver, Session, Xvfb};

const PASS: &str = "e2e-consultation-fee-pass";

fn consultation(s: &Session, date: &str, content: &str, referral: &str) -> Result<()> {
    s.click("[data-nav=new-consultation]")?;
    s.find("#consultation-editor")?;
    s.fill("#cs-performed-on", date)?;
    choose(s, "cs-place", "workplace_visit")?;
    s.fill("#cs-place-name", "依田電機 会議室")?;
    choose(s, "cs-requester", "worker")?;
    pick_people(s, "よだ", "依田電機", "村瀬 かおる")?;
    choose(s, "cs-kinds", "mental_health")?;
    s.fill("#cs-content", content)?;
    choose(s, "cs-referral", referral)?;
    s.wait_text("#save-status", "保存しました")?;
    Ok(())
}

#[test]
fn a_second_mental_health_visit_after_a_referral_is_charged() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "相談 医師", PASS)?;
    add_workplace(&s, "依田電機株式会社", "ヨダデンキ")?;
    add_worker(&s, "依田電機", "村瀬 かおる", "ムラセ カオル", "H2.8.8")?;

    // The first visit: 受診勧奨 有. No fee.
    consultation(&s, "R7.6.2", "不眠と食欲低下の相談。専門医の受診を勧めた。", "yes")?;
    s.wait_text("#finish-ready", "すべて入力されています")?;
    if s.find_now("#fee-notice").is_ok() {
        anyhow::bail!("a first visit is not charged");
    }
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;

    // The second visit of the same worker: the fee rule shows, and 確定 waits for the payment.
    consultation(&s, "R7.6.16", "受診後の経過を確認した。", "no")?;
    s.wait_text("#fee-notice", "利用料の対象です")?;
    s.script("document.querySelector('#fee-notice').scrollIntoView({ block: 'center' });", serde_json::json!([]))?;
    s.screenshot("consultation-fee")?;
    s.click("#finalise")?;
    s.wait_text("#finish-error", "入金")?;
    s.fill("#fee-paid-on", "R7.6.16")?;
    s.click("#fee-confirm")?;
    s.wait_text("#fee-settled", "入金確認済み")?;
    s.click("#finalise")?;
    s.wait_text("#record-status", "確定（第1版）")?;
    s.quit()?;
    Ok(())
}
