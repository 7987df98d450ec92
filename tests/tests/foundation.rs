//! Foundation end to end: first run creates the passphrase and the profile; a workplace and a
//! worker are added; the app quits, relaunches and unlocks; they are still there.

use anyhow::Result;
use chisanpo_e2e::{Driver, Xvfb};

const PASS: &str = "e2e-passphrase-123";

#[test]
fn first_run_add_quit_relaunch_unlock() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let data = tempfile::tempdir()?;
    let dir = data.path().join("store");
    let dir_arg = dir.to_string_lossy().to_string();
    let args = ["--data-dir", dir_arg.as_str()];

    // 1. First run: the passphrase and the profile.
    let s = driver.launch(&args)?;
    s.find("#first-run-form")?;
    s.fill("#profile-name", "産業 一郎")?;
    s.fill("#profile-affiliation", "さんぽ内科クリニック")?;
    s.fill("#centre-name", "テスト県地域産業保健センター")?;
    s.fill("#new-passphrase", PASS)?;
    s.fill("#confirm-passphrase", "a different one")?;
    s.click("#create-store")?;
    s.wait_text("#first-run-error", "一致しません")?;
    s.fill("#confirm-passphrase", PASS)?;
    s.click("#create-store")?;
    let key = s.wait_text("#recovery-key", "-")?;
    assert_eq!(key.trim().len(), 39, "the recovery key is 8 groups of 4: {key:?}");
    s.screenshot("foundation-recovery-key")?;
    s.click("#recovery-kept")?;
    s.click("#start-app")?;
    s.wait_text("#home-screen", "産業 一郎")?;

    // 2. A workplace (with the eligibility warning on the way) and a worker.
    s.click("[data-nav=workplaces]")?;
    s.click("#new-workplace")?;
    s.fill("#wp-name", "鷲尾製作所")?;
    s.fill("#wp-kana", "ワシオセイサクショ")?;
    s.fill("#wp-address", "中央区本町1-2-3")?;
    s.fill("#wp-total", "60")?;
    s.wait_text("[data-eligibility=ineligible]", "50人")?;
    s.screenshot("foundation-ineligible-workplace")?;
    s.fill("#wp-total", "")?;
    s.fill("#wp-male", "12")?;
    s.fill("#wp-female", "7")?;
    s.click("#save-workplace")?;
    s.wait_text("#workplace-saved", "鷲尾製作所")?;
    s.wait_text("#workplace-list", "鷲尾製作所")?;

    s.click("[data-nav=workers]")?;
    s.click("#new-worker")?;
    s.fill("#wk-workplace-search", "わしお")?;
    s.select_by_text("#wk-workplace", "鷲尾製作所")?;
    s.fill("#wk-name", "鷲尾 ヒカル")?;
    s.fill("#wk-kana", "ワシオ ヒカル")?;
    s.fill("#wk-birth", "2100-02-30")?;
    s.click("#save-worker")?;
    s.wait_text("#worker-error", "存在しない日付")?;
    s.fill("#wk-birth", "S50.10.10")?;
    s.click("#save-worker")?;
    s.wait_text("#worker-saved", "鷲尾 ヒカル")?;
    s.wait_text("#worker-list", "昭和50年10月10日")?;

    s.click("[data-nav=home]")?;
    s.wait_text("#home-workplaces", "鷲尾製作所")?;
    s.screenshot("foundation-home")?;

    // 3. Quit, relaunch, unlock.
    s.quit()?;
    let s = driver.launch(&args)?;
    s.find("#unlock-form")?;
    s.fill("#passphrase", "not the passphrase")?;
    s.click("#unlock-button")?;
    s.wait_text("#unlock-error", "パスフレーズが違います")?;
    s.screenshot("foundation-unlock-wrong")?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;

    // 4. Still there.
    s.wait_text("#home-workplaces", "鷲尾製作所")?;
    s.screenshot("foundation-home-after-relaunch")?;
    s.click("[data-nav=workers]")?;
    s.fill("#worker-search", "ﾜｼｵ")?;
    s.wait_text("#worker-list", "鷲尾 ヒカル")?;
    s.quit()?;

    // The store on disk has no plaintext of what was typed.
    for entry in std::fs::read_dir(&dir)? {
        let bytes = std::fs::read(entry?.path())?;
        assert!(!bytes.starts_with(b"SQLite format 3"), "a plaintext SQLite file in the store");
        for needle in ["鷲尾", "ワシオ", "産業 一郎"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} is readable on disk");
        }
    }
    Ok(())
}
