//! IPC commands: each a thin adapter over one core function.
//!
//! - `session`: first run, unlock, lock, recovery, passphrase.
//! - `entities`: workplaces and workers.
//! - `imports`: a worker list from CSV (choose, preview, import).
//! - `backups`: backup settings, backups now and on a schedule, restore.
//! - `delivery`: delivery to the centre: status, enrolment, destination, background passes.
//! - `contract`: the command table the TypeScript is generated from.
//!
//! The request and response types are declared here once; `cargo test` writes their
//! TypeScript (ts-rs) and the typed command table `ui/src/bindings/commands.ts`. Each command
//! is registered on its own in `build.rs`, so the capability file grants them one by one.

pub mod backups;
#[cfg(test)]
mod contract;
pub mod delivery;
pub mod editing;
pub mod entities;
pub mod imports;
pub mod ledgers;
pub mod records;
pub mod session;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use chisanpo_core::error::ErrorDto;
use chisanpo_core::store::Store;
use chisanpo_core::Error;

/// The app's state: the data folder and, once unlocked, the store.
pub struct AppState {
    data_dir: PathBuf,
    store: RwLock<Option<Arc<Store>>>,
    /// `CHISANPO_IDLE_SECONDS`, read once at startup: the idle lock time in seconds, overriding
    /// the setting (for the end-to-end tests; see `chisanpo_core::store::prefs`).
    idle_seconds_override: Option<u32>,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> Self {
        let idle = std::env::var(chisanpo_core::store::prefs::IDLE_OVERRIDE_ENV).ok();
        AppState { data_dir, store: RwLock::new(None), idle_seconds_override: chisanpo_core::store::prefs::idle_seconds_override(idle.as_deref()) }
    }

    pub fn idle_seconds_override(&self) -> Option<u32> {
        self.idle_seconds_override
    }

    /// The unlocked store, or the "locked" error the UI answers with the unlock screen.
    pub fn store(&self) -> Result<Arc<Store>, ErrorDto> {
        self.store.read().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| ErrorDto {
            code: "locked".into(),
            message: "ロックされています。パスフレーズを入力して解錠してください。".into(),
            violations: vec![],
        })
    }

    /// The store if unlocked (for background work that must not fail when locked).
    pub fn unlocked(&self) -> Option<Arc<Store>> {
        self.store.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set(&self, store: Option<Store>) {
        *self.store.write().unwrap_or_else(|e| e.into_inner()) = store.map(Arc::new);
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }
}

pub type IpcResult<T> = Result<T, ErrorDto>;

pub fn dto(e: Error) -> ErrorDto {
    ErrorDto::from(&e)
}

/// Run blocking work (key derivation, SQLite, file copies) off the UI thread.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| ErrorDto {
            code: "internal".into(), message: "処理が中断されました。もう一度実行してください。".into(), violations: vec![]
        })?
        .map_err(dto)
}
