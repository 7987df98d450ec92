//! Never lose work: text typed into a draft survives the app being killed. On relaunch the app
//! offers to continue, and the draft holds the last text typed. The home screen lists it among
//! the appointments to come.

use std::process::Command;

use anyhow::{ensure, Result};
use chisanpo_e2e::{add_workplace, choose, first_run, value_of, Driver, Xvfb};

const PASS: &str = "e2e-draft-recovery-pass";

#[test]
fn a_draft_survives_the_app_being_killed() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("store-kill-test").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &data])?;
    first_run(&s, "下書き 医師", PASS)?;
    add_workplace(&s, "北野物産", "キタノブッサン")?;

    s.click("[data-nav=new-consultation]")?;
    s.find("#consultation-editor")?;
    choose(&s, "cs-kinds", "health_guidance")?;
    // An appointment to come: the home screen lists it.
    s.fill("#cs-performed-on", "R20.1.5")?;
    let typed = "血圧が高く、減塩と受診について説明した。次回は2週間後";
    s.fill("#cs-content", typed)?;
    s.wait_text("#save-status", "保存しました")?;

    // Kill the app outright (no quit, no unload): only the app process with this data folder.
    let killed = Command::new("pkill").args(["-KILL", "-f", &format!("chisanpo --data-dir {data}")]).status()?;
    ensure!(killed.success(), "the app process was not found to kill");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let _ = s.quit();

    let s = driver.launch(&["--data-dir", &data])?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.wait_text("#resume-draft", "下書きがあります")?;
    s.wait_text("#appointments", "1月5日")?;
    s.screenshot("draft-recovery-offer")?;
    s.click("#resume-continue")?;
    s.find("#consultation-editor")?;
    let start = std::time::Instant::now();
    loop {
        let got = value_of(&s, "#cs-content")?;
        if got == typed {
            break;
        }
        ensure!(start.elapsed().as_secs() < 10, "the draft holds {got:?}, not the last text typed");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Discarding asks first, on the page; the second press discards and the appointment goes.
    s.click("#discard-draft")?;
    s.wait_text("#discard-draft", "本当に破棄する")?;
    s.click("#discard-draft")?;
    s.click("[data-nav=home]")?;
    s.wait_text("#appointments", "予定はありません")?;
    s.quit()?;
    Ok(())
}
