//! Backups: the settings screen, "back up now", the daily and on-quit backups, and restore.

use std::path::PathBuf;

use chisanpo_core::store::backup::{self, BackupInfo, BackupSettings, RestoreReport};
use chisanpo_core::store::{Passphrase, RecoveryKey, Secret};
use serde::Deserialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::{blocking, AppState, IpcResult};

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
    blocking(move || {
        s.set_backup_settings(&req.folder, req.keep)?;
        s.backup_settings()
    })
    .await
}

#[tauri::command]
pub async fn backup_now(state: State<'_, AppState>) -> IpcResult<Option<BackupInfo>> {
    let s = state.store()?;
    blocking(move || s.auto_backup(true)).await
}

#[tauri::command]
pub async fn restore_backup(state: State<'_, AppState>, req: RestoreRequest) -> IpcResult<RestoreReport> {
    let dir = state.data_dir().clone();
    // A restore replaces the store under the app: lock first.
    state.set(None);
    blocking(move || {
        let secret = if req.recovery_key.trim().is_empty() {
            Secret::Passphrase(Passphrase::new(req.passphrase))
        } else {
            Secret::Recovery(RecoveryKey::parse(&req.recovery_key)?)
        };
        backup::restore(&dir, &PathBuf::from(req.file), &secret, req.confirm_loss)
    })
    .await
}

/// Ask for a folder with the system's dialog (rfd). None when cancelled.
#[tauri::command]
pub async fn choose_folder(app: AppHandle) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs must be run on the main thread.
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new().set_title("バックアップ先のフォルダ").pick_folder();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| super::dto(chisanpo_core::Error::File { path: e.to_string() }))?;
    Ok(tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten())
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
