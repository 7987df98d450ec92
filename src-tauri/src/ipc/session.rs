//! First run, unlock, lock, recovery with the recovery key, and passphrase change.

use chisanpo_core::domain::Staff;
use chisanpo_core::paths::StorePaths;
use chisanpo_core::store::prefs::{TextSize, IDLE_LOCK_DEFAULT_MINUTES};
use chisanpo_core::store::{Passphrase, Profile, RecoveryKey, Store};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::{blocking, dto, AppState, IpcResult};

#[derive(Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub initialised: bool,
    pub unlocked: bool,
    pub data_dir: String,
    pub profile: Option<Profile>,
    /// Lock after this many seconds with no key, mouse or wheel activity: the setting, or
    /// `CHISANPO_IDLE_SECONDS` when the app was started with it (end-to-end tests).
    pub idle_lock_seconds: u32,
    /// The text size of the settings; None while locked (the screens keep the size they have).
    pub text_size: Option<TextSize>,
}

/// The first-run request. No `Debug`: it carries the passphrase.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct CreateStoreRequest {
    pub passphrase: String,
    pub profile: Staff,
    pub centre_name: String,
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct CreateStoreResponse {
    /// Shown once, for the user to print and keep.
    pub recovery_key: String,
    pub profile: Profile,
}

/// No `Debug`: it carries the passphrase.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct UnlockRequest {
    pub passphrase: String,
}

/// パスフレーズを忘れた: the recovery key and a new passphrase. No `Debug`.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct RecoverRequest {
    pub recovery_key: String,
    pub new_passphrase: String,
}

/// No `Debug`: it carries both passphrases.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct ChangePassphraseRequest {
    pub current: String,
    pub new_passphrase: String,
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> IpcResult<AppStatus> {
    let store = state.unlocked();
    let minutes = store.as_ref().map(|s| s.idle_lock_minutes()).transpose().map_err(dto)?.unwrap_or(IDLE_LOCK_DEFAULT_MINUTES);
    Ok(AppStatus {
        initialised: StorePaths::new(state.data_dir()).keyring().exists(),
        unlocked: store.is_some(),
        data_dir: state.data_dir().display().to_string(),
        idle_lock_seconds: state.idle_seconds_override().unwrap_or(minutes * 60),
        text_size: store.as_ref().map(|s| s.text_size()).transpose().map_err(dto)?,
        profile: store.map(|s| s.profile()).transpose().map_err(dto)?,
    })
}

#[tauri::command]
pub async fn create_store(state: State<'_, AppState>, req: CreateStoreRequest) -> IpcResult<CreateStoreResponse> {
    let dir = state.data_dir().clone();
    let (store, recovery_key) = blocking(move || {
        let pass = Passphrase::new(req.passphrase);
        let (store, recovery) = Store::init(&dir, &pass, &req.profile)?;
        if !req.centre_name.trim().is_empty() {
            store.set_setting("centre_name", req.centre_name.trim())?;
        }
        Ok((store, recovery.display().to_string()))
    })
    .await?;
    let profile = store.profile().map_err(dto)?;
    state.set(Some(store));
    Ok(CreateStoreResponse { recovery_key, profile })
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, req: UnlockRequest) -> IpcResult<Profile> {
    let dir = state.data_dir().clone();
    let store = blocking(move || Store::open(&dir, &Passphrase::new(req.passphrase))).await?;
    let profile = store.profile().map_err(dto)?;
    state.set(Some(store));
    Ok(profile)
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> IpcResult<()> {
    state.set(None);
    Ok(())
}

#[tauri::command]
pub async fn recover(state: State<'_, AppState>, req: RecoverRequest) -> IpcResult<Profile> {
    let dir = state.data_dir().clone();
    let store = blocking(move || {
        let key = RecoveryKey::parse(&req.recovery_key)?;
        let store = Store::open_with_recovery(&dir, &key)?;
        store.change_passphrase(&Passphrase::new(req.new_passphrase))?;
        Ok(store)
    })
    .await?;
    let profile = store.profile().map_err(dto)?;
    state.set(Some(store));
    Ok(profile)
}

#[tauri::command]
pub async fn change_passphrase(state: State<'_, AppState>, req: ChangePassphraseRequest) -> IpcResult<()> {
    let s = state.store()?;
    blocking(move || {
        s.check_passphrase(&Passphrase::new(req.current))?;
        s.change_passphrase(&Passphrase::new(req.new_passphrase))
    })
    .await
}
