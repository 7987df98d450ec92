//! IPC commands: each a thin adapter over one core function.
//!
//! The request and response types are declared here once; `cargo test` writes their
//! TypeScript (ts-rs) and the typed command table `ui/src/bindings/commands.ts`. Each command
//! is registered on its own in `build.rs`, so the capability file grants them one by one.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use chisanpo_core::domain::eligibility::{self, EligibilityFinding};
use chisanpo_core::domain::{Staff, Worker, Workplace};
use chisanpo_core::error::ErrorDto;
use chisanpo_core::paths::StorePaths;
use chisanpo_core::store::{EntityRow, ListFilter, Passphrase, Profile, RecordSummary, Store};
use chisanpo_core::Error;
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

/// The app's state: the data folder and, once unlocked, the store.
pub struct AppState {
    data_dir: PathBuf,
    store: RwLock<Option<Arc<Store>>>,
}

impl AppState {
    pub fn new(data_dir: PathBuf) -> Self {
        AppState { data_dir, store: RwLock::new(None) }
    }

    fn store(&self) -> Result<Arc<Store>, ErrorDto> {
        self.store.read().unwrap_or_else(|e| e.into_inner()).clone().ok_or_else(|| ErrorDto {
            code: "locked".into(),
            message: "ロックされています。パスフレーズを入力して解錠してください。".into(),
            violations: vec![],
        })
    }

    fn set(&self, store: Option<Store>) {
        *self.store.write().unwrap_or_else(|e| e.into_inner()) = store.map(Arc::new);
    }
}

type IpcResult<T> = Result<T, ErrorDto>;

fn dto(e: Error) -> ErrorDto {
    ErrorDto::from(&e)
}

/// Run blocking work (key derivation, SQLite) off the UI thread.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|_| ErrorDto {
            code: "internal".into(), message: "処理が中断されました。もう一度実行してください。".into(), violations: vec![]
        })?
        .map_err(dto)
}

#[derive(Serialize, TS)]
#[ts(export)]
pub struct AppStatus {
    pub initialised: bool,
    pub unlocked: bool,
    pub data_dir: String,
    pub profile: Option<Profile>,
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

#[derive(Serialize, TS)]
#[ts(export)]
pub struct HomeData {
    pub profile: Profile,
    pub record_count: i64,
    pub recent: Vec<RecordSummary>,
    pub drafts: Vec<RecordSummary>,
    pub workplaces: Vec<EntityRow<Workplace>>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SearchRequest {
    pub query: String,
    pub workplace_id: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SaveWorkplaceRequest {
    /// Absent: a new workplace.
    pub id: Option<String>,
    pub data: Workplace,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SaveWorkerRequest {
    pub id: Option<String>,
    pub data: Worker,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct IdRequest {
    pub id: String,
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> IpcResult<AppStatus> {
    let store = state.store().ok();
    Ok(AppStatus {
        initialised: StorePaths::new(&state.data_dir).keyring().exists(),
        unlocked: store.is_some(),
        data_dir: state.data_dir.display().to_string(),
        profile: store.map(|s| s.profile()).transpose().map_err(dto)?,
    })
}

#[tauri::command]
pub async fn create_store(state: State<'_, AppState>, req: CreateStoreRequest) -> IpcResult<CreateStoreResponse> {
    let dir = state.data_dir.clone();
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
    let dir = state.data_dir.clone();
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
pub async fn home(state: State<'_, AppState>) -> IpcResult<HomeData> {
    let s = state.store()?;
    blocking(move || {
        Ok(HomeData {
            profile: s.profile()?,
            record_count: s.record_count()?,
            recent: s.recent_records(20)?,
            drafts: s.list_records(&ListFilter { drafts_only: true, limit: Some(20), ..Default::default() })?,
            workplaces: s.search_workplaces("", 20)?,
        })
    })
    .await
}

#[tauri::command]
pub async fn search_workplaces(state: State<'_, AppState>, req: SearchRequest) -> IpcResult<Vec<EntityRow<Workplace>>> {
    let s = state.store()?;
    blocking(move || s.search_workplaces(&req.query, req.limit.unwrap_or(50))).await
}

#[tauri::command]
pub async fn search_workers(state: State<'_, AppState>, req: SearchRequest) -> IpcResult<Vec<EntityRow<Worker>>> {
    let s = state.store()?;
    blocking(move || s.search_workers(&req.query, req.workplace_id.as_deref(), req.limit.unwrap_or(50))).await
}

#[tauri::command]
pub async fn get_workplace(state: State<'_, AppState>, req: IdRequest) -> IpcResult<EntityRow<Workplace>> {
    let s = state.store()?;
    blocking(move || s.get_workplace(&req.id)).await
}

#[tauri::command]
pub async fn save_workplace(state: State<'_, AppState>, req: SaveWorkplaceRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || match req.id {
        Some(id) => s.update_workplace(&id, &req.data).map(|_| id),
        None => s.add_workplace(&req.data),
    })
    .await
}

#[tauri::command]
pub async fn check_eligibility(req: Workplace) -> IpcResult<Vec<EligibilityFinding>> {
    Ok(eligibility::check(&req))
}

#[tauri::command]
pub async fn save_worker(state: State<'_, AppState>, req: SaveWorkerRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || match req.id {
        Some(id) => s.update_worker(&id, &req.data).map(|_| id),
        None => s.add_worker(&req.data),
    })
    .await
}

/// One IPC command as the TypeScript side sees it.
#[cfg(test)]
pub struct CommandSpec {
    pub name: &'static str,
    /// The request type, if the command takes one.
    pub request: Option<&'static str>,
    /// The response type, as TypeScript.
    pub response: &'static str,
    /// Generated types the signature names.
    pub types: &'static [&'static str],
}

#[cfg(test)]
/// Every command, once: the source of `commands.ts`, checked against `build.rs` and the capability.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec { name: "app_status", request: None, response: "AppStatus", types: &["AppStatus"] },
    CommandSpec {
        name: "create_store",
        request: Some("CreateStoreRequest"),
        response: "CreateStoreResponse",
        types: &["CreateStoreRequest", "CreateStoreResponse"],
    },
    CommandSpec { name: "unlock", request: Some("UnlockRequest"), response: "Profile", types: &["UnlockRequest", "Profile"] },
    CommandSpec { name: "lock", request: None, response: "null", types: &[] },
    CommandSpec { name: "home", request: None, response: "HomeData", types: &["HomeData"] },
    CommandSpec {
        name: "search_workplaces",
        request: Some("SearchRequest"),
        response: "Array<EntityRow<Workplace>>",
        types: &["SearchRequest", "EntityRow", "Workplace"],
    },
    CommandSpec {
        name: "search_workers",
        request: Some("SearchRequest"),
        response: "Array<EntityRow<Worker>>",
        types: &["SearchRequest", "EntityRow", "Worker"],
    },
    CommandSpec { name: "get_workplace", request: Some("IdRequest"), response: "EntityRow<Workplace>", types: &["IdRequest", "EntityRow", "Workplace"] },
    CommandSpec { name: "save_workplace", request: Some("SaveWorkplaceRequest"), response: "string", types: &["SaveWorkplaceRequest"] },
    CommandSpec { name: "check_eligibility", request: Some("Workplace"), response: "Array<EligibilityFinding>", types: &["Workplace", "EligibilityFinding"] },
    CommandSpec { name: "save_worker", request: Some("SaveWorkerRequest"), response: "string", types: &["SaveWorkerRequest"] },
];

/// The TypeScript of the command table.
#[cfg(test)]
pub fn commands_ts() -> String {
    let mut types: Vec<&str> = COMMANDS.iter().flat_map(|c| c.types.iter().copied()).collect();
    types.sort_unstable();
    types.dedup();
    let mut out = String::from("// Generated from src-tauri/src/ipc.rs by `cargo test`. Do not edit.\nimport { invoke } from \"@tauri-apps/api/core\";\n");
    for t in &types {
        out.push_str(&format!("import type {{ {t} }} from \"./{t}\";\n"));
    }
    out.push_str("\nexport const commands = {\n");
    for c in COMMANDS {
        match c.request {
            Some(r) => out.push_str(&format!("  {}: (req: {r}) => invoke<{}>(\"{}\", {{ req }}),\n", c.name, c.response, c.name)),
            None => out.push_str(&format!("  {}: () => invoke<{}>(\"{}\"),\n", c.name, c.response, c.name)),
        }
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindings_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings")
    }

    #[test]
    fn export_command_table() {
        let path = bindings_dir().join("commands.ts");
        std::fs::create_dir_all(bindings_dir()).unwrap();
        std::fs::write(path, commands_ts()).unwrap();
    }

    #[test]
    fn every_command_is_registered_and_granted_one_by_one() {
        let build = include_str!("../build.rs");
        let capability = include_str!("../capabilities/default.json");
        let handlers = include_str!("gui.rs");
        for c in COMMANDS {
            assert!(build.contains(&format!("\"{}\"", c.name)), "{} is not in build.rs", c.name);
            assert!(capability.contains(&format!("\"allow-{}\"", c.name.replace('_', "-"))), "{} is not granted", c.name);
            assert!(handlers.contains(&format!("ipc::{},", c.name)), "{} has no handler", c.name);
        }
        assert_eq!(capability.matches("\"allow-").count(), COMMANDS.len(), "the capability grants a command that does not exist");
    }
}
