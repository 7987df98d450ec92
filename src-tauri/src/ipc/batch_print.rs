//! Printing many records at once (`BatchPrinting::print_batch`): into a folder the folder dialog
//! returned, or one merged PDF where the save dialog said. Progress goes to the page as the event
//! `print-batch-progress` (a `BatchProgress`); `cancel_print_batch` stops the batch between
//! documents, and so does a lock.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chisanpo_core::error::ErrorDto;
use chisanpo_core::forms::FormKind;
use chisanpo_core::prelude::*;
use chisanpo_core::print::batch::{BatchOutput, BatchProgress, BatchReport, BatchSelection};
use serde::Deserialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use super::records::SAVE_NOT_CHOSEN;
use super::{blocking, AppState, Grant, IpcResult};

/// The event the page listens to for a batch's progress.
pub const PROGRESS_EVENT: &str = "print-batch-progress";

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct BatchPrintRequest {
    pub form: FormKind,
    pub selection: BatchSelection,
    /// One PDF per record into this folder, a path the folder dialog returned (`choose_folder`).
    pub folder: Option<String>,
    /// Every record in one PDF here, a path the save dialog returned (`choose_save_path`).
    pub merged: Option<String>,
}

const FOLDER_NOT_CHOSEN: &str = "保存先のフォルダがダイアログで選ばれていません。「フォルダを選ぶ…」を押し、表示されるダイアログでフォルダを選んでください。";
const ONE_OUTPUT: &str = "保存先を、1件ずつのPDFを入れるフォルダか、1つにまとめるPDFのどちらか一方で選んでください。";

#[tauri::command]
pub async fn print_batch(app: AppHandle, state: State<'_, AppState>, req: BatchPrintRequest) -> IpcResult<BatchReport> {
    print_batch_into(&state, req, move |p| {
        let _ = app.emit(PROGRESS_EVENT, p);
    })
    .await
}

#[tauri::command]
pub async fn cancel_print_batch(state: State<'_, AppState>) -> IpcResult<()> {
    state.batch_cancel().store(true, Ordering::Relaxed);
    Ok(())
}

/// The body of `print_batch`, testable without a window: only a place the user chose in a
/// dialog is written; the batch stops if the app is locked meanwhile.
pub(crate) async fn print_batch_into(
    state: &AppState,
    req: BatchPrintRequest,
    progress: impl Fn(BatchProgress) + Send + Sync + 'static,
) -> IpcResult<BatchReport> {
    let s = state.store()?;
    let output = match (req.folder, req.merged) {
        (Some(dir), None) => {
            let dir = PathBuf::from(dir);
            if !state.take_grant(&dir, Grant::Folder) {
                return Err(ErrorDto { code: "not_chosen".into(), message: FOLDER_NOT_CHOSEN.into(), violations: vec![] });
            }
            BatchOutput::Folder(dir)
        }
        (None, Some(file)) => BatchOutput::Merged(state.chosen(&file, SAVE_NOT_CHOSEN)?),
        _ => return Err(super::dto(chisanpo_core::Error::invalid("folder", ONE_OUTPUT))),
    };
    let cancel: Arc<AtomicBool> = state.batch_cancel();
    cancel.store(false, Ordering::Relaxed);
    blocking(move || s.print_batch(req.form, &req.selection, &output, &progress, &cancel)).await
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::sync::Mutex;

    use chisanpo_core::domain::{RecordKind, RecordStatus};
    use chisanpo_core::store::ListFilter;
    use tauri::async_runtime::block_on;

    use super::super::test_support::unlocked;
    use super::*;

    fn request(ids: Vec<String>, folder: Option<&PathBuf>, merged: Option<&PathBuf>) -> BatchPrintRequest {
        BatchPrintRequest {
            form: FormKind::Opinion,
            selection: BatchSelection::Records { ids },
            folder: folder.map(|p| p.display().to_string()),
            merged: merged.map(|p| p.display().to_string()),
        }
    }

    /// A folder the dialog did not return is refused and nothing is written; once chosen, the
    /// batch fills it, reporting its progress; a merged file needs the save dialog's answer.
    #[test]
    fn a_batch_writes_only_where_the_user_chose() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let s = state.store().unwrap();
        chisanpo_core::demo::generate(&s, 40, 11).unwrap();
        let ids: Vec<String> = s
            .list_records(&ListFilter { kind: Some(RecordKind::Interview), status: Some(RecordStatus::Final), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert!(!ids.is_empty(), "the demo store has a finalised interview");
        let dir = tmp.path().join("意見書");
        fs::create_dir_all(&dir).unwrap();
        let err = block_on(print_batch_into(&state, request(ids.clone(), Some(&dir), None), |_| {})).unwrap_err();
        assert_eq!(err.code, "not_chosen");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);

        state.grant(&dir.display().to_string(), Grant::Folder);
        let seen = Arc::new(Mutex::new(vec![]));
        let log = seen.clone();
        let report = block_on(print_batch_into(&state, request(ids.clone(), Some(&dir), None), move |p| log.lock().unwrap().push(p.done))).unwrap();
        assert_eq!(report.printed as usize, ids.len());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), ids.len());
        assert_eq!(seen.lock().unwrap().len(), ids.len());

        let merged = tmp.path().join("まとめ.pdf");
        assert_eq!(block_on(print_batch_into(&state, request(ids.clone(), None, Some(&merged)), |_| {})).unwrap_err().code, "not_chosen");
        state.grant(&merged.display().to_string(), Grant::Save);
        let both = block_on(print_batch_into(&state, request(ids.clone(), Some(&dir), Some(&merged)), |_| {})).unwrap_err();
        assert_eq!(both.code, "invalid");
        let report = block_on(print_batch_into(&state, request(ids.clone(), None, Some(&merged)), |_| {})).unwrap();
        assert_eq!((report.pages as usize, merged.exists()), (ids.len(), true));
    }
}
