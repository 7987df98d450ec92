//! The directory of outside bodies and the referrals: thin adapters over
//! `chisanpo_core::store::{directory, referrals}` and `reports::directory`.

use chisanpo_core::domain::directory::MAX_DIRECTORY_BYTES;
use chisanpo_core::domain::{Date, OutsideBody, RecordBody, ReferralOutcome};
use chisanpo_core::ledger::export::CsvEncoding;
use chisanpo_core::prelude::*;
use chisanpo_core::store::directory::{DirectoryImportReport, DirectoryQuery};
use chisanpo_core::store::referrals::{ReferralFilter, ReferralRow};
use chisanpo_core::store::EntityRow;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::entities::IdRequest;
use super::records::PathRequest;
use super::{blocking, dto, AppState, IpcResult};

const DIRECTORY_FILE: super::typed_paths::Field =
    super::typed_paths::Field { name: "path", extensions: &["csv", "txt"], how: "「ファイルを選ぶ…」で名簿の CSV を選んでください。" };

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SaveOutsideBodyRequest {
    /// Absent: a new body.
    pub id: Option<String>,
    pub data: OutsideBody,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ExportDirectoryRequest {
    pub query: DirectoryQuery,
    pub encoding: CsvEncoding,
    /// A path the save dialog returned; absent: the output folder of the settings.
    pub path: Option<String>,
}

#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct DirectoryExportReport {
    pub path: String,
    pub count: u32,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct OutcomeRequest {
    pub id: String,
    pub outcome: ReferralOutcome,
    pub on: Option<Date>,
    pub note: String,
}

/// One body by its id, wherever it falls in a search (a draft's chosen body).
#[tauri::command]
pub async fn get_outside_body(state: State<'_, AppState>, req: IdRequest) -> IpcResult<EntityRow<OutsideBody>> {
    let s = state.store()?;
    blocking(move || s.get_outside_body(&req.id)).await
}

#[tauri::command]
pub async fn search_directory(state: State<'_, AppState>, req: DirectoryQuery) -> IpcResult<Vec<EntityRow<OutsideBody>>> {
    let s = state.store()?;
    blocking(move || s.search_directory(&req, 500)).await
}

#[tauri::command]
pub async fn save_outside_body(state: State<'_, AppState>, req: SaveOutsideBodyRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || match req.id {
        Some(id) => s.update_outside_body(&id, &req.data).map(|_| id),
        None => s.add_outside_body(&req.data),
    })
    .await
}

#[tauri::command]
pub async fn remove_outside_body(state: State<'_, AppState>, req: IdRequest) -> IpcResult<()> {
    let s = state.store()?;
    blocking(move || s.remove_outside_body(&req.id)).await
}

/// Merge a shared directory CSV, chosen in the dialog or typed (ADR 0017's rules).
#[tauri::command]
pub async fn import_directory(app: AppHandle, state: State<'_, AppState>, req: PathRequest) -> IpcResult<DirectoryImportReport> {
    let track = super::progress::Track::new(&app, &state, super::progress::Operation::DirectoryImport);
    let s = state.store()?;
    let path = req.path.trim().to_string();
    let path = if path.is_empty() { path } else { super::typed_paths::to_read(&state, &path, &DIRECTORY_FILE).map_err(dto)?.display().to_string() };
    blocking(move || {
        let bytes = super::imports::read_limited(&path, MAX_DIRECTORY_BYTES, "名簿")?;
        super::progress::tracked(Some(track), || s.import_directory(&bytes))
    })
    .await
}

/// Write the directory as CSV: to the path the save dialog returned, or to the output folder.
#[tauri::command]
pub async fn export_directory(state: State<'_, AppState>, req: ExportDirectoryRequest) -> IpcResult<DirectoryExportReport> {
    let s = state.store()?;
    let chosen = state.chosen_to_save(req.path.as_deref())?;
    let report = blocking(move || {
        let path = match chosen {
            Some(p) => p,
            None => super::output_folder(&s)?.join(format!("地域の専門機関の名簿_{}.csv", chisanpo_core::store::today().iso())),
        };
        let count = s.export_directory(&req.query, req.encoding, &path)?;
        Ok(DirectoryExportReport { path: path.display().to_string(), count: u32::try_from(count).unwrap_or(u32::MAX) })
    })
    .await?;
    state.grant(&report.path, super::Grant::Written);
    Ok(report)
}

#[tauri::command]
pub async fn list_referrals(state: State<'_, AppState>, req: ReferralFilter) -> IpcResult<Vec<ReferralRow>> {
    let s = state.store()?;
    blocking(move || s.referrals(&req)).await
}

/// A new referral draft from a consultation, interview or visit, filled from it. Returns its id.
#[tauri::command]
pub async fn create_referral_from(state: State<'_, AppState>, req: IdRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || {
        let r = s.referral_from(&req.id)?;
        s.create_record(&RecordBody::Referral(r))
    })
    .await
}

/// Record what came of a finalised referral (a 訂正 with a fixed reason). Returns the new version.
#[tauri::command]
pub async fn record_referral_outcome(state: State<'_, AppState>, req: OutcomeRequest) -> IpcResult<u32> {
    let s = state.store()?;
    blocking(move || s.record_referral_outcome(&req.id, req.outcome, req.on, &req.note)).await
}
