//! Printing many records at once (`BatchPrinting::print_batch`): one merged PDF into the private
//! print spool for the viewer to print, as a single print goes; or saved where a dialog said, one
//! PDF per record into a folder or one merged PDF (ADR 0017). Progress goes to the page as the event `print-batch-progress` (a
//! `BatchProgress`); `cancel_print_batch` stops the batch between documents, and so does a lock.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chisanpo_core::error::ErrorDto;
use chisanpo_core::forms::FormKind;
use chisanpo_core::prelude::*;
use chisanpo_core::print::batch::{BatchOutput, BatchProgress, BatchReport, BatchSelection};
use serde::Deserialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use super::cancels::Cancellable;
use super::records::{discard_if_locked_meanwhile, SAVE_NOT_CHOSEN};
use super::{blocking, AppState, Grant, IpcResult};

/// The event the page listens to for a batch's progress.
pub const PROGRESS_EVENT: &str = "print-batch-progress";

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct BatchPrintRequest {
    pub form: FormKind,
    pub selection: BatchSelection,
    pub output: BatchDestination,
}

/// Where a batch goes: for printing, into the private print spool as a single print goes; or
/// saved where a dialog said, and nowhere else (ADR 0017).
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "to")]
#[ts(export)]
pub enum BatchDestination {
    /// Every record in one PDF in the app's private print spool, to be opened in the viewer and
    /// printed; removed when the app locks or quits.
    Print,
    /// One PDF per record into this folder, a path the folder dialog returned (`choose_folder`).
    Folder { path: String },
    /// Every record in one PDF here, a path the save dialog returned (`choose_save_path`).
    Merged { path: String },
}

const FOLDER_NOT_CHOSEN: &str = "保存先のフォルダがダイアログで選ばれていません。「フォルダに1件ずつ保存」を選んで「保存先を選んで保存…」を押し、表示されるダイアログでフォルダを選んでください。";

#[tauri::command]
pub async fn print_batch(app: AppHandle, state: State<'_, AppState>, req: BatchPrintRequest) -> IpcResult<BatchReport> {
    print_batch_into(&state, req, move |p| {
        let _ = app.emit(PROGRESS_EVENT, p);
    })
    .await
}

#[tauri::command]
pub async fn cancel_print_batch(state: State<'_, AppState>) -> IpcResult<()> {
    state.cancels().cancel(Cancellable::BatchPrint);
    Ok(())
}

/// The body of `print_batch`, testable without a window: only a place the user chose in a
/// dialog is written; the batch stops if the app is locked meanwhile.
pub(crate) async fn print_batch_into(
    state: &AppState,
    req: BatchPrintRequest,
    progress: impl Fn(BatchProgress) + Send + Sync + 'static,
) -> IpcResult<BatchReport> {
    // Before the store is taken (see `Cancels::start`): a lock from here on stops the batch.
    let cancel: Arc<AtomicBool> = state.cancels().start(Cancellable::BatchPrint);
    let s = state.store()?;
    let printing = s.clone();
    let output = match req.output {
        BatchDestination::Print => BatchOutput::Spool,
        BatchDestination::Folder { path } => {
            let dir = PathBuf::from(path);
            if !state.take_grant(&dir, Grant::Folder) {
                return Err(ErrorDto { code: "not_chosen".into(), message: FOLDER_NOT_CHOSEN.into(), violations: vec![] });
            }
            BatchOutput::Folder(dir)
        }
        BatchDestination::Merged { path } => BatchOutput::Merged(state.chosen(&path, SAVE_NOT_CHOSEN)?),
    };
    let report = blocking({
        let output = output.clone();
        move || s.print_batch(req.form, &req.selection, &output, &progress, &cancel)
    })
    .await?;
    match &output {
        // No printout outlives a lock, even one that came while the batch was drawing.
        BatchOutput::Spool => {
            for file in &report.files {
                discard_if_locked_meanwhile(state, &printing, std::path::Path::new(file))?;
            }
        }
        // A copy saved where the user chose may be opened in the viewer, and so may the folder
        // the dialog returned (it keeps its grant).
        BatchOutput::Merged(_) | BatchOutput::Folder(_) => {
            for file in &report.files {
                state.grant(file, Grant::Written);
            }
        }
    }
    Ok(report)
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

    fn request(ids: Vec<String>, output: BatchDestination) -> BatchPrintRequest {
        BatchPrintRequest { form: FormKind::Opinion, selection: BatchSelection::Records { ids }, output }
    }

    fn folder(p: &std::path::Path) -> BatchDestination {
        BatchDestination::Folder { path: p.display().to_string() }
    }

    fn merged(p: &std::path::Path) -> BatchDestination {
        BatchDestination::Merged { path: p.display().to_string() }
    }

    fn finalised_interviews(state: &AppState) -> Vec<String> {
        let s = state.store().unwrap();
        chisanpo_core::demo::generate(&s, 40, 11).unwrap();
        let ids: Vec<String> = s
            .list_records(&ListFilter { kind: Some(RecordKind::Interview), status: Some(RecordStatus::Final), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert!(!ids.is_empty(), "the demo store has a finalised interview");
        ids
    }

    /// A folder the dialog did not return is refused and nothing is written; once chosen, the
    /// batch fills it, reporting its progress; a merged file needs the save dialog's answer.
    #[test]
    fn a_batch_writes_only_where_the_user_chose() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let ids = finalised_interviews(&state);
        let dir = tmp.path().join("意見書");
        fs::create_dir_all(&dir).unwrap();
        let err = block_on(print_batch_into(&state, request(ids.clone(), folder(&dir)), |_| {})).unwrap_err();
        assert_eq!(err.code, "not_chosen");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);

        state.grant(&dir.display().to_string(), Grant::Folder);
        let seen = Arc::new(Mutex::new(vec![]));
        let log = seen.clone();
        let report = block_on(print_batch_into(&state, request(ids.clone(), folder(&dir)), move |p| log.lock().unwrap().push(p.done))).unwrap();
        assert_eq!(report.printed as usize, ids.len());
        assert_eq!(fs::read_dir(&dir).unwrap().count(), ids.len());
        assert_eq!(seen.lock().unwrap().len(), ids.len());

        let file = tmp.path().join("まとめ.pdf");
        assert_eq!(block_on(print_batch_into(&state, request(ids.clone(), merged(&file)), |_| {})).unwrap_err().code, "not_chosen");
        state.grant(&file.display().to_string(), Grant::Save);
        let report = block_on(print_batch_into(&state, request(ids.clone(), merged(&file)), |_| {})).unwrap();
        assert_eq!((report.pages as usize, file.exists()), (ids.len(), true));
        assert!(state.is_granted(&file), "the merged file may be opened");
        // The save dialog's answer is used up: a second batch there needs the dialog again.
        assert_eq!(block_on(print_batch_into(&state, request(ids.clone(), merged(&file)), |_| {})).unwrap_err().code, "not_chosen");
    }

    /// For printing, a batch is merged into the private spool, as a single print is: nowhere
    /// else, and gone when the app locks.
    #[test]
    fn a_batch_for_printing_goes_to_the_spool_and_is_gone_after_lock() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let ids = finalised_interviews(&state);
        let report = block_on(print_batch_into(&state, request(ids.clone(), BatchDestination::Print), |_| {})).unwrap();
        let pdf = PathBuf::from(&report.files[0]);
        assert!(state.spool().holds(&pdf) && pdf.exists(), "{}", pdf.display());
        assert_eq!(report.pages as usize, ids.len());
        state.forget_outputs();
        assert!(!pdf.exists(), "the batch's printout outlived the lock");
    }
}
