//! The progress of the long commands, for the window's progress bar (issue 17): while a ledger
//! export, the annual report, a backup or restore, a centre import or a worker or directory import
//! runs, each step the core reports (`chisanpo_core::progress`) goes to the page as the event
//! `operation-progress`; `cancel_operation` stops it at the core's next safe point, and so does a
//! lock. The batch print has its own event and cancel (`batch_print`).

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chisanpo_core::progress::{self, Step};
use chisanpo_core::Result;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

use super::cancels::Cancellable;
use super::{AppState, IpcResult};

/// The event the page listens to for a long command's progress.
pub const PROGRESS_EVENT: &str = "operation-progress";

/// Which long command the step belongs to, so a screen shows only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Operation {
    LedgerExport,
    AnnualReport,
    Backup,
    Restore,
    CentreImport,
    WorkerImport,
    DirectoryImport,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OperationProgress {
    pub operation: Operation,
    pub step: Step,
}

/// Where a long command's progress goes: the window's bar, with its 中止.
pub(crate) struct Track {
    app: AppHandle,
    cancel: Arc<AtomicBool>,
    operation: Operation,
}

impl Track {
    /// Made when the command starts, before it takes the store (after any lock it takes
    /// itself, as a restore does): it gets its own 中止 flag, so a 中止 or lock before now does
    /// not stop it, and 中止 of another command never does (`ipc::cancels`).
    pub(crate) fn new(app: &AppHandle, state: &AppState, operation: Operation) -> Self {
        let cancel = state.cancels().start(Cancellable::Operation(operation));
        Track { app: app.clone(), cancel, operation }
    }
}

/// Run `f` (on the blocking thread) with its progress sent to the page, if tracked.
pub(crate) fn tracked<T>(track: Option<Track>, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let Some(Track { app, cancel, operation }) = track else { return f() };
    let sink = move |step: &Step| {
        let _ = app.emit(PROGRESS_EVENT, OperationProgress { operation, step: step.clone() });
    };
    progress::run(sink, Some(cancel), f)
}

/// Which command the 中止 is for.
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CancelRequest {
    pub operation: Operation,
}

/// 中止: the long command of that kind under way stops at its next safe point, and answers
/// `cancelled`; the others run on.
#[tauri::command]
pub async fn cancel_operation(state: State<'_, AppState>, req: CancelRequest) -> IpcResult<()> {
    state.cancels().cancel(Cancellable::Operation(req.operation));
    Ok(())
}
