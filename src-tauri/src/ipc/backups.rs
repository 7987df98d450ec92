//! Backups: the settings screen, "back up now", the daily and on-quit backups, and restore.

use chisanpo_core::error::ErrorDto;
use chisanpo_core::paths::StorePaths;
use chisanpo_core::store::backup::{self, BackupInfo, BackupSettings, RestoreReport};
use chisanpo_core::store::{Passphrase, RecoveryKey, Secret};
use serde::Deserialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::typed_paths::{self, Field};
use super::{blocking, AppState, IpcResult};

const BACKUP_FOLDER: Field =
    Field { name: "folder", extensions: &[], how: "「参照…」でバックアップ先のフォルダを選んでください。" };
const BACKUP_FILE: Field = Field {
    name: "file",
    extensions: &[backup::EXTENSION],
    how: "「参照…」でバックアップファイル（.chisanpo-backup）を選ぶか、その絶対パスを入力してください。",
};

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct BackupSettingsRequest {
    pub folder: String,
    pub keep: u32,
}

/// Restore a backup file into this app's data folder. No `Debug`: it carries a secret.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct RestoreRequest {
    pub file: String,
    /// The passphrase the backup was made with; or empty when the recovery key is given.
    pub passphrase: String,
    pub recovery_key: String,
    /// The user confirmed losing the records the backup lacks.
    pub confirm_loss: bool,
}

#[tauri::command]
pub async fn backup_settings(state: State<'_, AppState>) -> IpcResult<BackupSettings> {
    let s = state.store()?;
    blocking(move || s.backup_settings()).await
}

#[tauri::command]
pub async fn set_backup_settings(state: State<'_, AppState>, req: BackupSettingsRequest) -> IpcResult<BackupSettings> {
    let s = state.store()?;
    if s.backup_settings().map_err(super::dto)?.folder.as_deref().unwrap_or("") != req.folder.trim() {
        typed_paths::folder(&state, &req.folder, &BACKUP_FOLDER).map_err(super::dto)?;
    }
    blocking(move || {
        s.set_backup_settings(&req.folder, req.keep)?;
        s.backup_settings()
    })
    .await
}

#[tauri::command]
pub async fn backup_now(app: AppHandle, state: State<'_, AppState>) -> IpcResult<Option<BackupInfo>> {
    let track = super::progress::Track::new(&app, &state, super::progress::Operation::Backup);
    let s = state.store()?;
    blocking(move || super::progress::tracked(Some(track), || s.auto_backup(true))).await
}

#[tauri::command]
pub async fn restore_backup(app: AppHandle, state: State<'_, AppState>, req: RestoreRequest) -> IpcResult<RestoreReport> {
    restore_into(&state, req, Some(&app)).await
}

/// The body of `restore_backup`, on the app's state alone (testable without a window).
async fn restore_into(state: &AppState, req: RestoreRequest, app: Option<&AppHandle>) -> IpcResult<RestoreReport> {
    may_restore(state)?;
    let dir = state.data_dir().clone();
    let file = typed_paths::to_read(state, &req.file, &BACKUP_FILE).map_err(super::dto)?;
    // A restore replaces the store under the app: lock first, and wait for the background work
    // (delivery, scheduled backup) to let go of it, so that no connection is open on the files
    // the restore swaps.
    let held = state.lock_for_replacing();
    // After the lock, which stops whatever else ran: 中止 from here on stops this restore.
    let track = app.map(|app| super::progress::Track::new(app, state, super::progress::Operation::Restore));
    blocking(move || {
        super::wait_released(held, std::time::Duration::from_secs(60))?;
        let secret = if req.recovery_key.trim().is_empty() {
            Secret::Passphrase(Passphrase::new(req.passphrase))
        } else {
            Secret::Recovery(RecoveryKey::parse(&req.recovery_key)?)
        };
        super::progress::tracked(track, || backup::restore(&dir, &file, &secret, req.confirm_loss))
    })
    .await
}

/// A restore replaces the whole store, so the app allows it only to someone who has unlocked
/// the store, or on a first run, when the data folder has no keyring (a new machine: the only
/// place the UI offers a restore; a database left without its keyring opens for nobody, and the
/// core keeps it aside, see ADR 0016). A passer-by at the locked app is refused before anything
/// is read or moved.
fn may_restore(state: &AppState) -> IpcResult<()> {
    if state.unlocked().is_some() || !StorePaths::new(state.data_dir()).keyring().exists() {
        return Ok(());
    }
    Err(ErrorDto {
        code: "locked".into(),
        message: "ロックされているため、バックアップから復元できません。現在のストアを置き換える復元は、パスフレーズで解錠してから行ってください。".into(),
        violations: vec![],
    })
}

/// Ask for a folder with the system's dialog (rfd). None when cancelled. The folder chosen is
/// remembered (see `AppState::grant`).
#[tauri::command]
pub async fn choose_folder(app: AppHandle, state: State<'_, AppState>) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs must be run on the main thread.
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new().set_title("保存先のフォルダ").pick_folder();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| super::dto(chisanpo_core::Error::File { path: e.to_string(), source: None }))?;
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten();
    if let Some(p) = &picked {
        state.grant(p, super::Grant::Folder);
    }
    Ok(picked)
}

/// Back up if one is due; on quit (`force`) whenever a folder is set. Errors go to stderr
/// (no health data) and never stop the app.
pub fn scheduled(app: &AppHandle, force: bool) {
    if let Some(store) = app.state::<AppState>().unlocked() {
        if let Err(e) = store.auto_backup(force) {
            eprintln!("自動バックアップに失敗しました: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::{Path, PathBuf};

    use chisanpo_core::domain::{Staff, StaffRole};
    use chisanpo_core::store::{KdfParams, Store};

    use super::*;

    const PASS: &str = "復元テストのパスフレーズ";

    fn staff() -> Staff {
        Staff { role: Some(StaffRole::Doctor), name: "産業 医子".into(), affiliation: "さんぽクリニック".into(), ..Default::default() }
    }

    /// Every file of the data folder with its bytes.
    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    }

    /// A real encrypted store in `dir` and a backup of another store made with `pass`.
    fn store_and_foreign_backup(tmp: &Path, pass: &str) -> (PathBuf, PathBuf) {
        let dir = tmp.join("data");
        let (live, _) = Store::init_with(&dir, &Passphrase::new(PASS), &staff(), KdfParams::MINIMUM).unwrap();
        chisanpo_core::demo::generate(&live, 6, 1).unwrap();
        drop(live);
        let (other, _) = Store::init_with(&tmp.join("other"), &Passphrase::new(pass), &staff(), KdfParams::MINIMUM).unwrap();
        let file = tmp.join("other.chisanpo-backup");
        other.backup(&file).unwrap();
        (dir, file)
    }

    fn request(file: &Path, pass: &str) -> RestoreRequest {
        RestoreRequest { file: file.display().to_string(), passphrase: pass.into(), recovery_key: String::new(), confirm_loss: true }
    }

    #[test]
    fn a_restore_while_locked_is_refused_and_the_store_is_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let intruder = "通りすがりのパスフレーズ";
        let (dir, file) = store_and_foreign_backup(tmp.path(), intruder);
        let state = AppState::new(dir.clone());
        let before = snapshot(&dir);
        let err = tauri::async_runtime::block_on(restore_into(&state, request(&file, intruder), None)).unwrap_err();
        assert_eq!(err.code, "locked");
        assert!(err.message.contains("解錠してから"), "{}", err.message);
        assert_eq!(snapshot(&dir), before, "the locked store changed");
        let names: Vec<String> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.starts_with(".restore") && !n.starts_with(backup::KEPT_PREFIX)), "{names:?}");
        assert_eq!(Store::open(&dir, &Passphrase::new(PASS)).unwrap().record_count().unwrap(), 6);
    }

    #[test]
    fn a_restore_runs_once_unlocked_or_on_a_first_run() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, file) = store_and_foreign_backup(tmp.path(), PASS);
        // Unlocked: the same request goes through, and the restore locks the app.
        let state = AppState::new(dir.clone());
        state.set(Some(Store::open(&dir, &Passphrase::new(PASS)).unwrap()));
        let report = tauri::async_runtime::block_on(restore_into(&state, request(&file, PASS), None)).unwrap();
        assert_eq!(report.record_count, 0);
        assert!(state.unlocked().is_none(), "a restore leaves the app locked");
        // A new machine: no store in the data folder, nothing to protect, nothing to unlock.
        let fresh = AppState::new(tmp.path().join("new-machine"));
        let report = tauri::async_runtime::block_on(restore_into(&fresh, request(&file, PASS), None)).unwrap();
        assert_eq!(report.record_count, 0);
        assert!(Store::open(fresh.data_dir(), &Passphrase::new(PASS)).is_ok());
    }

    /// Finding 9: a restore reads only a backup file (by its kind), outside the data folder,
    /// or what the open dialog returned; nothing moves when it is refused.
    #[test]
    fn a_restore_reads_only_a_backup_file_outside_the_data_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, file) = store_and_foreign_backup(tmp.path(), PASS);
        let state = AppState::new(dir.clone());
        state.set(Some(Store::open(&dir, &Passphrase::new(PASS)).unwrap()));
        let inside = dir.join("planted.chisanpo-backup");
        fs::copy(&file, &inside).unwrap();
        let renamed = tmp.path().join("other.json");
        fs::copy(&file, &renamed).unwrap();
        for (path, says) in [(dir.join("keyring.json"), ".chisanpo-backup"), (inside.clone(), "データフォルダ"), (renamed.clone(), ".chisanpo-backup")] {
            let err = tauri::async_runtime::block_on(restore_into(&state, request(&path, PASS), None)).unwrap_err();
            assert!(err.message.contains(says), "{}: {}", path.display(), err.message);
            assert!(state.unlocked().is_some(), "nothing happened: the app is still unlocked");
        }
        // The open dialog's answer is read wherever it is.
        state.grant(&renamed.display().to_string(), crate::ipc::Grant::Read);
        assert_eq!(tauri::async_runtime::block_on(restore_into(&state, request(&renamed, PASS), None)).unwrap().record_count, 0);
    }

    #[test]
    fn a_database_left_without_its_keyring_is_replaced_only_by_keeping_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, file) = store_and_foreign_backup(tmp.path(), PASS);
        let keyring = fs::read(dir.join("keyring.json")).unwrap();
        fs::remove_file(dir.join("keyring.json")).unwrap();
        let db = fs::read(dir.join("chisanpo.db")).unwrap();
        // The app shows the first run (no keyring), and its restore may run: the damaged store
        // cannot be compared, so it is kept whole, never deleted.
        let state = AppState::new(dir.clone());
        let report = tauri::async_runtime::block_on(restore_into(&state, request(&file, PASS), None)).unwrap();
        let kept = PathBuf::from(report.kept_aside.expect("the store without its keyring is kept"));
        assert_eq!(fs::read(kept.join("chisanpo.db")).unwrap(), db);
        // With its keyring back (e.g. from an older backup), it opens with every record.
        fs::write(kept.join("keyring.json"), keyring).unwrap();
        assert_eq!(Store::open(&kept, &Passphrase::new(PASS)).unwrap().record_count().unwrap(), 6);
    }

    /// A second app on a folder another process has open (its lock held through another open
    /// file description, as another process would) is told so, and leaves the first one's print
    /// spool alone: those PDFs may be printing.
    #[test]
    fn a_second_app_on_an_open_folder_is_refused_and_leaves_the_spool() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, _) = store_and_foreign_backup(tmp.path(), PASS);
        let first = fs::File::options().read(true).write(true).create(true).truncate(false).open(dir.join(chisanpo_core::store::instance::LOCK_FILE)).unwrap();
        first.try_lock().unwrap();
        let spool = chisanpo_core::store::spool::Spool::in_data_dir(&dir);
        let printing = spool.new_path("意見書.pdf").unwrap();
        fs::write(&printing, b"%PDF-1.7 being printed").unwrap();
        let second = AppState::new(dir.clone());
        assert!(second.folder_in_use());
        assert!(printing.exists(), "the first app's print was removed");
        drop(second);
        drop(first);
        let alone = AppState::new(dir.clone());
        assert!(!alone.folder_in_use());
        assert!(!printing.exists(), "a spool left by a crash is emptied at the start");
    }
}
