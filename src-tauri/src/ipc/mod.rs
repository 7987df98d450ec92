//! IPC commands: each a thin adapter over one core function.
//!
//! - `session`: first run, unlock, lock, recovery, passphrase.
//! - `entities`: workplaces and workers.
//! - `imports`: a worker list from CSV (choose, preview, import).
//! - `backups`: backup settings, backups now and on a schedule, restore.
//! - `batch_print`: many records' 様式 at once, into a folder or one PDF, with progress and cancel.
//! - `delivery`: delivery to the centre: status, enrolment, destination, background passes.
//! - `typed_paths`: the rules for a path typed instead of chosen in a dialog.
//! - `contract`: the command table the TypeScript is generated from.
//!
//! The request and response types are declared here once; `cargo test` writes their
//! TypeScript (ts-rs) and the typed command table `ui/src/bindings/commands.ts`. Each command
//! is registered on its own in `build.rs`, so the capability file grants them one by one.

pub mod backups;
pub mod batch_print;
pub mod cancels;
#[cfg(test)]
mod contract;
pub mod delivery;
pub mod directory;
pub mod editing;
pub mod entities;
pub mod guide;
pub mod imports;
pub mod ledgers;
pub mod photos;
pub mod progress;
pub mod records;
pub mod session;
pub(crate) mod typed_paths;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chisanpo_core::error::ErrorDto;
use chisanpo_core::store::instance::InstanceLock;
use chisanpo_core::store::spool::Spool;
use chisanpo_core::store::Store;
use chisanpo_core::Error;

/// What a path the user chose may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Returned by the save dialog: may be written once (then it is `Written`).
    Save,
    /// Returned by the open dialog: may be read (and opened in the viewer), never written.
    Read,
    /// Written by the app at the user's request: may be opened in the viewer, not written again
    /// without the dialog.
    Written,
    /// Returned by the folder dialog: may be set as a folder the app fills (exports, backups,
    /// bundles).
    Folder,
}

/// The app's state: the data folder and, once unlocked, the store.
pub struct AppState {
    data_dir: PathBuf,
    store: RwLock<Option<Arc<Store>>>,
    /// The paths the user chose in a file dialog, or that the app wrote at the user's request,
    /// since the last unlock, each with what it may be used for. A command given a path that is
    /// not here for its use refuses it (ADR 0017): the page cannot make the app write, read or
    /// open a file the user did not pick, nor write over a file the user chose to read.
    granted: Mutex<HashMap<PathBuf, Grant>>,
    /// `CHISANPO_IDLE_SECONDS`, read once at startup: the idle lock time in seconds, overriding
    /// the setting (for the end-to-end tests; see `chisanpo_core::store::prefs`).
    idle_seconds_override: Option<u32>,
    /// The data folder's instance lock, held from start to exit (ADR 0019): no `chisanpo restore`
    /// swaps the store under the app. None when another process held it at the start, or the
    /// folder could not be made (the unlock screen then says so).
    _instance: Option<InstanceLock>,
    /// Another process held the lock at the start.
    in_use: bool,
    /// When the screen last reported activity (keys, mouse), or the store was unlocked: the back
    /// end locks by itself once this is older than the idle time and its grace (finding 10).
    activity: Mutex<std::time::Instant>,
    /// The 中止 flags of the long commands and the batch print, one per kind (`cancel_operation`,
    /// `cancel_print_batch`); a lock sets them all.
    cancels: cancels::Cancels,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> Self {
        let idle = std::env::var(chisanpo_core::store::prefs::IDLE_OVERRIDE_ENV).ok();
        let acquired = InstanceLock::acquire(&data_dir);
        let in_use = matches!(acquired, Err(Error::StoreInUse { .. }));
        let instance = acquired.ok();
        // PDFs left in the print spool by a crash or a kill are removed at the start; not those
        // of another app that has the folder open (and printing).
        if instance.is_some() {
            Spool::in_data_dir(&data_dir).clear();
        }
        AppState {
            _instance: instance,
            in_use,
            data_dir,
            store: RwLock::new(None),
            granted: Mutex::new(HashMap::new()),
            idle_seconds_override: chisanpo_core::store::prefs::idle_seconds_override(idle.as_deref()),
            activity: Mutex::new(std::time::Instant::now()),
            cancels: cancels::Cancels::default(),
        }
    }

    /// Whether another process (another app, a `chisanpo restore`) had the data folder open when
    /// this state was made: this app must not run on it.
    pub fn folder_in_use(&self) -> bool {
        self.in_use
    }

    /// The print spool of the data folder.
    pub fn spool(&self) -> Spool {
        Spool::in_data_dir(&self.data_dir)
    }

    /// Remember a path the user chose in a dialog, or that the app wrote at their request.
    pub fn grant(&self, path: &str, grant: Grant) {
        self.granted.lock().unwrap_or_else(|e| e.into_inner()).insert(PathBuf::from(path), grant);
    }

    /// `path`, if the save dialog returned it since the last unlock and nothing was written there
    /// since; the grant is used up (the file may then be opened, not written again). Otherwise the
    /// error `not_chosen`, whose message (`how`) says how to choose it.
    pub fn chosen(&self, path: &str, how: &str) -> Result<PathBuf, ErrorDto> {
        let p = PathBuf::from(path);
        if self.take_grant(&p, Grant::Save) {
            return Ok(p);
        }
        Err(ErrorDto { code: "not_chosen".into(), message: how.into(), violations: vec![] })
    }

    /// An export's path, if the request names one: only one the save dialog returned.
    pub fn chosen_to_save(&self, path: Option<&str>) -> Result<Option<PathBuf>, ErrorDto> {
        path.map(|p| self.chosen(p, records::SAVE_NOT_CHOSEN)).transpose()
    }

    /// Whether `path` was granted for `grant`. A save grant is used up (the file may then be
    /// opened, not written again).
    pub fn take_grant(&self, path: &Path, grant: Grant) -> bool {
        let mut granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
        if granted.get(path) != Some(&grant) {
            return false;
        }
        if grant == Grant::Save {
            granted.insert(path.to_path_buf(), Grant::Written);
        }
        true
    }

    /// Whether the open dialog returned `path` since the last unlock (it may be read).
    pub fn chosen_to_read(&self, path: &Path) -> bool {
        self.granted.lock().unwrap_or_else(|e| e.into_inner()).get(path) == Some(&Grant::Read)
    }

    /// Whether `path` was chosen in a dialog or written at the user's request this session (it
    /// may be opened in the system's viewer).
    pub fn is_granted(&self, path: &Path) -> bool {
        self.granted.lock().unwrap_or_else(|e| e.into_inner()).contains_key(path)
    }

    /// On lock and on quit: the print spool is emptied and the chosen paths forgotten.
    pub fn forget_outputs(&self) {
        self.spool().clear();
        self.granted.lock().unwrap_or_else(|e| e.into_inner()).clear();
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

    /// The screen reported activity (or the store was just unlocked).
    pub fn note_activity(&self, now: std::time::Instant) {
        *self.activity.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    /// The idle lock time in seconds: the override of the end-to-end tests, or the setting of the
    /// unlocked store (the default when locked).
    pub fn idle_lock_seconds(&self) -> Result<u32, ErrorDto> {
        if let Some(s) = self.idle_seconds_override {
            return Ok(s);
        }
        let minutes = self.unlocked().map(|s| s.idle_lock_minutes()).transpose().map_err(dto)?;
        Ok(minutes.unwrap_or(chisanpo_core::store::prefs::IDLE_LOCK_DEFAULT_MINUTES) * 60)
    }

    /// Lock the store if the screen reported no activity for the idle time and its grace: the
    /// back end does not rely on the screen's timer (finding 10). True when it locked now.
    pub fn lock_if_idle(&self, now: std::time::Instant) -> bool {
        let Ok(seconds) = self.idle_lock_seconds() else { return false };
        // Decided under the store's write lock: an unlock (which notes its activity before it
        // takes that lock) cannot slip in between the check and the lock.
        let mut store = self.store.write().unwrap_or_else(|e| e.into_inner());
        if store.is_none() {
            return false;
        }
        let last = *self.activity.lock().unwrap_or_else(|e| e.into_inner());
        if !chisanpo_core::store::prefs::backend_lock_due(now.saturating_duration_since(last), seconds) {
            return false;
        }
        *store = None;
        drop(store);
        // Like any lock: what runs stops at its next safe point.
        self.cancels.cancel_all();
        self.forget_outputs();
        true
    }

    /// Lock for a restore: the store is closed for the app, and the returned handle tells when
    /// the background work (a delivery pass, a scheduled backup) has let go of it too
    /// (`wait_released`).
    pub fn lock_for_replacing(&self) -> Option<std::sync::Weak<Store>> {
        let held = self.unlocked().map(|s| Arc::downgrade(&s));
        self.set(None);
        held
    }

    /// Unlock (`Some`) or lock (`None`). Either way the print spool is emptied and the paths
    /// chosen before are forgotten: the next user starts with none.
    fn set(&self, store: Option<Store>) {
        let locking = store.is_none();
        if !locking {
            self.note_activity(std::time::Instant::now());
        }
        *self.store.write().unwrap_or_else(|e| e.into_inner()) = store.map(Arc::new);
        if locking {
            // After the store is gone (see `Cancels::start`): a batch print stops at a lock,
            // between documents; a long command at its next safe point.
            self.cancels.cancel_all();
        }
        self.forget_outputs();
    }

    pub fn data_dir(&self) -> &PathBuf {
        &self.data_dir
    }

    /// The 中止 flags of the long commands (`ipc::progress`, `ipc::batch_print`).
    pub fn cancels(&self) -> &cancels::Cancels {
        &self.cancels
    }
}

pub type IpcResult<T> = Result<T, ErrorDto>;

/// Wait (at most `limit`) until nothing holds the store a lock closed: a restore must not swap
/// the files under an open connection (whose close would delete the new store's `-wal`).
/// `Error::Busy` when something still holds it after the limit.
pub fn wait_released(held: Option<std::sync::Weak<Store>>, limit: std::time::Duration) -> Result<(), Error> {
    let Some(held) = held else { return Ok(()) };
    let start = std::time::Instant::now();
    while held.strong_count() > 0 {
        if start.elapsed() >= limit {
            return Err(Error::Busy);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Ok(())
}

/// The output folder of the settings (or Documents/地さんぽノート), created if missing: where an
/// export goes when no place was chosen.
pub fn output_folder(s: &Store) -> Result<PathBuf, Error> {
    let folder = chisanpo_core::settings::output_folder(s)?;
    std::fs::create_dir_all(&folder).map_err(|_| Error::DirNotWritable { dir: folder.display().to_string() })?;
    Ok(folder)
}

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

/// An unlocked app over a real encrypted store with demo records, for the tests of the
/// commands that take paths (ADR 0017).
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use chisanpo_core::domain::{RecordKind, Staff, StaffRole};
    use chisanpo_core::store::{KdfParams, ListFilter, Passphrase, Store};

    use super::AppState;

    pub const PASS: &str = "経路テストのパスフレーズ";

    /// The app unlocked on a store in `tmp/data`, and the id of one of its consultations.
    pub fn unlocked(tmp: &Path) -> (AppState, String) {
        let dir = tmp.join("data");
        let staff = Staff { role: Some(StaffRole::Doctor), name: "経路 医子".into(), ..Default::default() };
        let (store, _) = Store::init_with(&dir, &Passphrase::new(PASS), &staff, KdfParams::MINIMUM).unwrap();
        chisanpo_core::demo::generate(&store, 10, 3).unwrap();
        let id = store.list_records(&ListFilter::default()).unwrap().into_iter().find(|r| r.kind == RecordKind::Consultation).expect("a consultation").id;
        let state = AppState::new(dir);
        state.set(Some(store));
        (state, id)
    }

    /// Lock the app (as the ロック button does).
    pub fn lock(state: &AppState) {
        state.set(None);
    }
}
