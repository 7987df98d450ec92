//! The home screen, workplaces and workers.

use chisanpo_core::domain::eligibility::{self, EligibilityFinding};
use chisanpo_core::domain::{Worker, Workplace};
use chisanpo_core::ledger::deadlines::Deadlines;
use chisanpo_core::store::appointments::Appointment;
use chisanpo_core::store::backup::BackupSettings;
use chisanpo_core::store::referrals::{ReferralFilter, ReferralRow};
use chisanpo_core::store::visits::{FindingFilter, OpenFinding};
use chisanpo_core::store::{today, EntityRow, ListFilter, Profile, RecordSummary};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::{blocking, AppState, IpcResult};
use chisanpo_core::prelude::*;

/// How many of each deadline list the home screen shows (it says how many there are in all).
const HOME_LIST_LIMIT: usize = 10;

#[derive(Serialize, TS)]
#[ts(export)]
pub struct HomeData {
    pub profile: Profile,
    pub record_count: i64,
    pub recent: Vec<RecordSummary>,
    pub drafts: Vec<RecordSummary>,
    pub workplaces: Vec<EntityRow<Workplace>>,
    pub backup: BackupSettings,
    /// No backup, or the last one is over a week old: shown in a warning colour.
    pub backup_stale: bool,
    /// Interviews not held, opinions not issued, fees awaiting payment, records due for destruction.
    pub deadlines: Deadlines,
    /// Today's and upcoming appointments, the soonest first.
    pub appointments: Vec<Appointment>,
    /// 職場巡視の指摘事項 whose 改善期限 has passed and no later visit recorded 改善済, the
    /// longest overdue first (at most the home list's length), and how many there are in all.
    pub findings_overdue: Vec<OpenFinding>,
    pub findings_overdue_total: usize,
    /// 外部機関紹介 with no outcome 30 days or more after they were made, the longest waiting
    /// first (at most the home list's length), and how many there are in all.
    pub referrals_awaiting: Vec<ReferralRow>,
    pub referrals_awaiting_total: usize,
    /// At unlock the database lacked writes its anchor had seen (ADR 0020): shown first, in
    /// red, until the user restores or accepts the loss (`chisanpo verify --accept-loss`).
    pub anchor_problem: Option<String>,
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
pub async fn home(state: State<'_, AppState>) -> IpcResult<HomeData> {
    let s = state.store()?;
    blocking(move || {
        let backup = s.backup_settings()?;
        let overdue = s.open_findings(&FindingFilter { overdue_on: Some(today()), ..Default::default() }, today())?;
        let awaiting = s.referrals(&ReferralFilter { awaiting: true, ..Default::default() })?;
        Ok(HomeData {
            profile: s.profile()?,
            record_count: s.record_count()?,
            recent: s.recent_records(20)?,
            drafts: s.list_records(&ListFilter { drafts_only: true, limit: Some(20), ..Default::default() })?,
            workplaces: s.search_workplaces("", 20)?,
            backup_stale: backup.stale(chrono::Utc::now()),
            backup,
            deadlines: s.deadlines(today(), HOME_LIST_LIMIT)?,
            appointments: s.appointments(today(), HOME_LIST_LIMIT)?,
            findings_overdue: overdue.iter().take(HOME_LIST_LIMIT).cloned().collect(),
            findings_overdue_total: overdue.len(),
            referrals_awaiting: awaiting.iter().take(HOME_LIST_LIMIT).cloned().collect(),
            referrals_awaiting_total: awaiting.len(),
            anchor_problem: s.anchor_problem(),
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
