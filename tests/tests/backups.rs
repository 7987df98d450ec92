//! Backups, the forgotten passphrase and a new machine, through the real app.

use anyhow::Result;
use chisanpo_e2e::{add_workplace, first_run, Driver, Xvfb};

const PASS: &str = "e2e-backup-passphrase";
const NEW_PASS: &str = "思い出せない時の新しいパスフレーズ";

#[test]
fn backup_forget_recover_and_restore_on_a_new_machine() -> Result<()> {
    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let tmp = tempfile::tempdir()?;
    let laptop = tmp.path().join("laptop").to_string_lossy().to_string();
    let backups = tmp.path().join("backups");

    // 1. A store with a workplace; the home screen warns there is no backup yet.
    let s = driver.launch(&["--data-dir", &laptop])?;
    let recovery_key = first_run(&s, "産業 花子", PASS)?;
    add_workplace(&s, "古川運輸", "フルカワウンユ")?;
    s.click("[data-nav=home]")?;
    s.wait_text("#backup-status", "設定されていません")?;
    let stale = s.script("return document.querySelector('#backup-status').dataset.stale;", serde_json::json!([]))?;
    assert_eq!(stale, "true", "no backup is shown in the warning colour");

    // 2. Settings: a backup folder and three generations, then a backup now.
    s.click("[data-nav=settings]")?;
    s.fill("#backup-folder", "relative/path")?;
    s.click("#save-backup-settings")?;
    s.wait_text("#backup-error", "絶対パス")?;
    s.fill("#backup-folder", &backups.to_string_lossy())?;
    s.fill("#backup-keep", "3")?;
    s.click("#save-backup-settings")?;
    s.wait_text("#backup-message", "保存しました")?;
    s.click("#backup-now")?;
    s.wait_text("#backup-message", "バックアップを作成しました")?;
    s.screenshot("backups-settings")?;
    let files: Vec<_> = std::fs::read_dir(&backups)?.filter_map(|e| e.ok()).collect();
    assert_eq!(files.len(), 1, "one backup file in the chosen folder");
    let backup_file = files[0].path();
    s.click("[data-nav=home]")?;
    s.wait_text("#backup-status", "最後のバックアップ")?;
    assert_eq!(s.script("return document.querySelector('#backup-status').dataset.stale;", serde_json::json!([]))?, "false");
    s.screenshot("backups-home-fresh")?;

    // 3. Lock, forget the passphrase, recover with the printed recovery key.
    s.click("#lock-button")?;
    s.click("#forgot-passphrase")?;
    s.fill("#recovery-key-input", "0000-0000-0000-0000-0000-0000-0000-0000")?;
    s.fill("#recover-passphrase", NEW_PASS)?;
    s.fill("#recover-passphrase-confirm", NEW_PASS)?;
    s.click("#recover-button")?;
    s.wait_text("#recover-error", "回復キーが違います")?;
    s.fill("#recovery-key-input", &recovery_key.to_lowercase())?;
    s.click("#recover-button")?;
    // The key typed is spent: a new one is shown once, to print and keep, before the records.
    let fresh = s.wait_text("#recovery-key", "-")?;
    assert!(fresh.trim().len() == 39 && fresh.trim() != recovery_key.trim(), "a new recovery key: {fresh:?}");
    s.screenshot("backups-recovered-new-key")?;
    s.click("#recovery-kept")?;
    s.click("#start-app")?;
    s.wait_text("#home-workplaces", "古川運輸")?;
    s.screenshot("backups-recovered")?;
    s.quit()?;

    // 4. The laptop dies. A new machine restores yesterday's backup (made with the old passphrase).
    let new_machine = tmp.path().join("new-machine").to_string_lossy().to_string();
    let s = driver.launch(&["--data-dir", &new_machine])?;
    s.click("#go-restore")?;
    s.fill("#restore-file", &backup_file.to_string_lossy())?;
    s.fill("#restore-passphrase", "not the one")?;
    s.click("#restore-button")?;
    s.wait_text("#restore-error", "パスフレーズが違います")?;
    s.fill("#restore-passphrase", PASS)?;
    s.click("#restore-button")?;
    s.wait_text("#unlock-notice", "復元しました")?;
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.wait_text("#home-workplaces", "古川運輸")?;
    s.screenshot("backups-restored-new-machine")?;
    s.quit()?;
    Ok(())
}
