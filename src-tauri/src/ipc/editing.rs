//! Editing records: drafts saved as the user types, 確定, 訂正 with its differences, the live
//! 勤務状況 panel, and the fee the record would carry. Each command is one core call.

use chisanpo_core::domain::checklists::{self, InterviewScores};
use chisanpo_core::domain::diff::FieldChange;
use chisanpo_core::domain::hours_report::{self, HoursQuery, HoursReport};
use chisanpo_core::domain::{ConsultationKind, Interview, RecordBody, RecordKind, Service, Staff, Strictness, Violation};
use chisanpo_core::store::fees::FeeStatus;
use chisanpo_core::store::visits::{FindingFilter, OpenFinding};
use chisanpo_core::store::EntityRow;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::entities::IdRequest;
use super::{blocking, AppState, IpcResult};

/// Save the open draft of a record. No `Debug`: it carries health data.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct SaveDraftRequest {
    pub id: String,
    pub body: RecordBody,
}

/// 訂正: the new content and why. No `Debug`: it carries health data.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct AmendRequest {
    pub id: String,
    pub body: RecordBody,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ChangesRequest {
    pub id: String,
    /// A finalised version.
    pub from: u32,
    /// Another finalised version, or absent for the open correction draft.
    pub to: Option<u32>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ConvertRequest {
    pub id: String,
    /// 保健指導 or メンタルヘルス相談.
    pub kind: ConsultationKind,
}

/// Which open findings a visit's screen asks for: those of its workplace, without what the visit
/// itself records (so that correcting it still shows the findings it follows up).
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct OpenFindingsRequest {
    pub workplace_id: String,
    pub except_visit: Option<String>,
}

/// The 職場巡視 findings of a workplace not yet 改善済, for the next visit to follow up.
#[tauri::command]
pub async fn open_findings(state: State<'_, AppState>, req: OpenFindingsRequest) -> IpcResult<Vec<OpenFinding>> {
    let s = state.store()?;
    blocking(move || {
        let filter = FindingFilter { workplace_id: Some(req.workplace_id), except_visit: req.except_visit, overdue_on: None };
        s.open_findings(&filter, chisanpo_core::store::today())
    })
    .await
}

/// An empty record of a kind, for a new entry screen: the format's defaults, declared once in Rust.
#[tauri::command]
pub async fn blank_record(req: RecordKind) -> IpcResult<RecordBody> {
    Ok(match req {
        RecordKind::Application => RecordBody::Application(Default::default()),
        RecordKind::Consultation => RecordBody::Consultation(Default::default()),
        RecordKind::Interview => RecordBody::Interview(Default::default()),
        RecordKind::Visit => RecordBody::Visit(Default::default()),
        RecordKind::Referral => RecordBody::Referral(Default::default()),
    })
}

#[tauri::command]
pub async fn create_record(state: State<'_, AppState>, req: RecordBody) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || s.create_record(&req)).await
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, req: SaveDraftRequest) -> IpcResult<()> {
    let s = state.store()?;
    blocking(move || s.save_draft(&req.id, &req.body)).await
}

#[tauri::command]
pub async fn discard_draft(state: State<'_, AppState>, req: IdRequest) -> IpcResult<()> {
    let s = state.store()?;
    blocking(move || s.discard_draft(&req.id)).await
}

#[tauri::command]
pub async fn finalise_record(state: State<'_, AppState>, req: IdRequest) -> IpcResult<u32> {
    let s = state.store()?;
    blocking(move || s.finalise(&req.id)).await
}

#[tauri::command]
pub async fn amend_record(state: State<'_, AppState>, req: AmendRequest) -> IpcResult<u32> {
    let s = state.store()?;
    blocking(move || s.amend(&req.id, &req.body, &req.reason)).await
}

/// What still stands in the way of 確定, field by field (empty when the record can be finalised).
#[tauri::command]
pub async fn check_record(req: RecordBody) -> IpcResult<Vec<Violation>> {
    Ok(req.validate(Strictness::Final).into_vec())
}

/// Combinations worth a second look, field by field; they never stop 確定.
#[tauri::command]
pub async fn record_warnings(req: RecordBody) -> IpcResult<Vec<Violation>> {
    Ok(req.warnings())
}

#[tauri::command]
pub async fn hours_report(req: HoursQuery) -> IpcResult<HoursReport> {
    Ok(hours_report::report(&req))
}

/// The fatigue checklists and stress-check scores of an interview, scored (never its judgement).
#[tauri::command]
pub async fn interview_scores(req: Interview) -> IpcResult<InterviewScores> {
    Ok(checklists::scores(&req))
}

#[tauri::command]
pub async fn record_changes(state: State<'_, AppState>, req: ChangesRequest) -> IpcResult<Vec<FieldChange>> {
    let s = state.store()?;
    blocking(move || s.record_changes(&req.id, req.from, req.to)).await
}

#[tauri::command]
pub async fn interview_to_consultation(state: State<'_, AppState>, req: ConvertRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || s.interview_to_consultation(&req.id, req.kind)).await
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct FromApplicationRequest {
    /// The application (利用申込).
    pub id: String,
    /// Which of the services it asked for to start.
    pub service: Service,
}

#[tauri::command]
pub async fn record_from_application(state: State<'_, AppState>, req: FromApplicationRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || s.record_from_application(&req.id, req.service)).await
}

#[tauri::command]
pub async fn fee_status(state: State<'_, AppState>, req: IdRequest) -> IpcResult<FeeStatus> {
    let s = state.store()?;
    blocking(move || s.fee_status(&req.id)).await
}

/// The doctors, 保健師 and coordinators, for the 担当 choice.
#[tauri::command]
pub async fn list_staff(state: State<'_, AppState>) -> IpcResult<Vec<EntityRow<Staff>>> {
    let s = state.store()?;
    blocking(move || s.list_staff()).await
}
