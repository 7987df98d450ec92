//! Importing a workplace's worker list from CSV: choose the file, preview it, import the rows
//! that have no problem.

use chisanpo_core::domain::worker_csv::{WorkerImportPreview, MAX_BYTES};
use chisanpo_core::domain::Worker;
use chisanpo_core::Error;
use serde::Deserialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::{blocking, dto, AppState, IpcResult};

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct OpenPathRequest {
    /// The dialog's title.
    pub title: String,
    /// The name of the filter, e.g. `CSV`.
    pub filter_name: String,
    /// Extensions without the dot, e.g. `["csv", "txt"]`.
    pub extensions: Vec<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct WorkerImportRequest {
    pub workplace_id: String,
    /// The CSV file, as an absolute path.
    pub path: String,
}

// No `Debug`: it carries the workers' names and birth dates.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct ImportWorkersRequest {
    pub workplace_id: String,
    /// The workers of the preview's rows without problems.
    pub workers: Vec<Worker>,
}

/// Ask for a file to open, with the system's dialog (rfd). None when cancelled.
#[tauri::command]
pub async fn choose_open_path(app: AppHandle, req: OpenPathRequest) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs must be run on the main thread.
    app.run_on_main_thread(move || {
        let extensions: Vec<&str> = req.extensions.iter().map(String::as_str).collect();
        let picked = rfd::FileDialog::new().set_title(&req.title).add_filter(&req.filter_name, &extensions).pick_file();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| dto(Error::File { path: e.to_string() }))?;
    Ok(tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten())
}

/// Read a worker list and show what would be imported. Nothing is written.
#[tauri::command]
pub async fn preview_worker_import(state: State<'_, AppState>, req: WorkerImportRequest) -> IpcResult<WorkerImportPreview> {
    let s = state.store()?;
    blocking(move || {
        let bytes = read_limited(req.path.trim())?;
        s.preview_worker_import(&req.workplace_id, &bytes)
    })
    .await
}

/// Import the workers, all in one transaction. Returns their ids.
#[tauri::command]
pub async fn import_workers(state: State<'_, AppState>, req: ImportWorkersRequest) -> IpcResult<Vec<String>> {
    let s = state.store()?;
    blocking(move || s.import_workers(&req.workplace_id, &req.workers)).await
}

/// The file's bytes; a folder, a missing file or one far too large for a worker list is refused
/// before it is read.
fn read_limited(path: &str) -> Result<Vec<u8>, Error> {
    let p = std::path::Path::new(path);
    let file_error = || Error::File { path: path.to_string() };
    if path.is_empty() {
        return Err(Error::invalid("path", "CSV ファイルを選ぶか、ファイルの場所を入力してください。"));
    }
    if !p.is_absolute() {
        return Err(Error::invalid("path", "CSV ファイルの場所は絶対パス（/home/… や C:\\… の形）で入力するか、「ファイルを選ぶ」で選んでください。"));
    }
    let meta = std::fs::metadata(p).map_err(|_| file_error())?;
    if !meta.is_file() {
        return Err(file_error());
    }
    if meta.len() > MAX_BYTES as u64 {
        return Err(Error::CsvUnreadable(format!("ファイルが大きすぎます（{} KB まで）。労働者名簿の CSV を選んでいるか確かめてください。", MAX_BYTES / 1024)));
    }
    std::fs::read(p).map_err(|_| file_error())
}
