//! 台帳, the annual report, retention and fees.

use chisanpo_core::domain::retention::{DestructionReport, RetentionItem};
use chisanpo_core::ledger::annual::AnnualReport;
use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat, ExportReport};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind, Table};
use chisanpo_core::store::fees::FeeStatus;
use chisanpo_core::store::today;
use chisanpo_core::Error;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};

use super::progress::{tracked, Operation, Track};
use ts_rs::TS;

use super::{blocking, AppState, IpcResult};
use chisanpo_core::prelude::*;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct LedgerRequest {
    pub kind: LedgerKind,
    pub filter: LedgerFilter,
}

/// A ledger for the screen: the table and, row by row, the record it shows.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct LedgerView {
    pub table: Table,
    pub record_ids: Vec<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct ExportLedgerRequest {
    pub kind: LedgerKind,
    pub filter: LedgerFilter,
    pub format: ExportFormat,
    pub encoding: CsvEncoding,
    /// Absent: the output folder of the settings; present: a path the save dialog returned.
    pub path: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct AnnualRequest {
    pub fiscal_year: i32,
    /// Where to write the XLSX (the JSON goes beside it), a path the save dialog returned;
    /// absent: the output folder.
    pub path: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct DestroyRequest {
    pub ids: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PaymentRequest {
    pub id: String,
    /// 入金確認日 (和暦 or 西暦).
    pub paid_on: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct FeeExceptionRequest {
    pub id: String,
    pub reason: String,
}

#[tauri::command]
pub async fn ledger(state: State<'_, AppState>, req: LedgerRequest) -> IpcResult<LedgerView> {
    let s = state.store()?;
    blocking(move || {
        let l = s.centre_ledger(req.kind, &req.filter)?;
        Ok(LedgerView { record_ids: l.entries.iter().map(|e| e.record_id.clone()).collect(), table: l.table() })
    })
    .await
}

#[tauri::command]
pub async fn export_ledger(app: AppHandle, state: State<'_, AppState>, req: ExportLedgerRequest) -> IpcResult<ExportReport> {
    let track = Track::new(&app, &state, Operation::LedgerExport);
    export_ledger_into(&state, req, Some(track)).await
}

/// The body of `export_ledger`: to the output folder of the settings, or to a path the save
/// dialog returned, nowhere else. The file written may then be opened (`open_file`).
pub(crate) async fn export_ledger_into(state: &AppState, req: ExportLedgerRequest, track: Option<Track>) -> IpcResult<ExportReport> {
    let s = state.store()?;
    let chosen = state.chosen_to_save(req.path.as_deref())?;
    let report = blocking(move || {
        let path = match chosen {
            Some(p) => p,
            None => {
                let name = format!("{}_{}.{}", req.kind.title(), req.filter.describe().replace(['～', '/'], "-"), req.format.extension());
                super::output_folder(&s)?.join(name)
            }
        };
        tracked(track, || s.centre_export_ledger(req.kind, &req.filter, req.format, req.encoding, &path))
    })
    .await?;
    state.grant(&report.path, super::Grant::Written);
    Ok(report)
}

#[tauri::command]
pub async fn annual_report(app: AppHandle, state: State<'_, AppState>, req: AnnualRequest) -> IpcResult<AnnualReport> {
    let track = Track::new(&app, &state, Operation::AnnualReport);
    let s = state.store()?;
    blocking(move || tracked(Some(track), || s.centre_annual_report(req.fiscal_year))).await
}

#[tauri::command]
pub async fn export_annual_report(app: AppHandle, state: State<'_, AppState>, req: AnnualRequest) -> IpcResult<String> {
    let track = Track::new(&app, &state, Operation::AnnualReport);
    export_annual_into(&state, req, Some(track)).await
}

/// The body of `export_annual_report`: like `export_ledger_into`.
pub(crate) async fn export_annual_into(state: &AppState, req: AnnualRequest, track: Option<Track>) -> IpcResult<String> {
    let s = state.store()?;
    let chosen = state.chosen_to_save(req.path.as_deref())?;
    let written = blocking(move || {
        let xlsx = match chosen {
            Some(p) => p,
            None => super::output_folder(&s)?
                .join(format!("地域産業保健事業実績報告書_{}.xlsx", chisanpo_core::domain::wareki::format_fiscal_year(req.fiscal_year))),
        };
        let json = xlsx.with_extension("json");
        tracked(track, || s.centre_write_annual_report(req.fiscal_year, &xlsx, Some(&json)))?;
        Ok(xlsx.display().to_string())
    })
    .await?;
    state.grant(&written, super::Grant::Written);
    Ok(written)
}

#[tauri::command]
pub async fn retention_due(state: State<'_, AppState>) -> IpcResult<Vec<RetentionItem>> {
    let s = state.store()?;
    blocking(move || s.centre_retention_due(today())).await
}

#[tauri::command]
pub async fn destroy_records(state: State<'_, AppState>, req: DestroyRequest) -> IpcResult<DestructionReport> {
    let s = state.store()?;
    blocking(move || s.centre_destroy(&req.ids, &req.reason, today())).await
}

#[tauri::command]
pub async fn fees_awaiting(state: State<'_, AppState>) -> IpcResult<Vec<FeeStatus>> {
    let s = state.store()?;
    blocking(move || s.fees_awaiting()).await
}

#[tauri::command]
pub async fn confirm_payment(state: State<'_, AppState>, req: PaymentRequest) -> IpcResult<FeeStatus> {
    let s = state.store()?;
    blocking(move || {
        let on = req.paid_on.parse().map_err(|e: chisanpo_core::domain::wareki::DateError| Error::invalid("paid_on", e.to_string()))?;
        s.confirm_payment(&req.id, on)?;
        s.fee_status(&req.id)
    })
    .await
}

#[tauri::command]
pub async fn override_fee(state: State<'_, AppState>, req: FeeExceptionRequest) -> IpcResult<FeeStatus> {
    let s = state.store()?;
    blocking(move || {
        s.override_fee(&req.id, &req.reason)?;
        s.fee_status(&req.id)
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::fs;

    use tauri::async_runtime::block_on;

    use super::super::test_support::unlocked;
    use super::*;

    /// An export to a path the save dialog never returned is refused before anything is
    /// written; the output folder of the settings, or a chosen path, works, and the file
    /// written may then be opened.
    #[test]
    fn an_export_to_a_path_the_dialog_did_not_return_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).unwrap();
        let s = state.store().unwrap();
        s.set_setting("pdf_folder", &out.display().to_string()).unwrap();
        let elsewhere = tmp.path().join("elsewhere.csv");
        let ledger = |path: Option<String>| ExportLedgerRequest {
            kind: LedgerKind::Consultation,
            filter: LedgerFilter::default(),
            format: ExportFormat::Csv,
            encoding: CsvEncoding::Utf8Bom,
            path,
        };
        let err = block_on(export_ledger_into(&state, ledger(Some(elsewhere.display().to_string())), None)).unwrap_err();
        assert_eq!(err.code, "not_chosen");
        let xlsx = tmp.path().join("elsewhere.xlsx");
        let err = block_on(export_annual_into(&state, AnnualRequest { fiscal_year: 2025, path: Some(xlsx.display().to_string()) }, None)).unwrap_err();
        assert_eq!(err.code, "not_chosen");
        assert!(!elsewhere.exists() && !xlsx.exists() && !xlsx.with_extension("json").exists());

        let report = block_on(export_ledger_into(&state, ledger(None), None)).unwrap();
        assert!(report.path.starts_with(&out.display().to_string()), "{}", report.path);
        assert!(super::super::records::may_open(&state, &report.path).is_ok(), "the export just written opens");
        state.grant(&elsewhere.display().to_string(), crate::ipc::Grant::Save);
        block_on(export_ledger_into(&state, ledger(Some(elsewhere.display().to_string())), None)).unwrap();
        assert!(elsewhere.exists());
    }
}
