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

/// Ask for a file to open, with the system's dialog (rfd). None when cancelled. The file chosen
/// is remembered (see `AppState::grant`).
#[tauri::command]
pub async fn choose_open_path(app: AppHandle, state: State<'_, AppState>, req: OpenPathRequest) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs must be run on the main thread.
    app.run_on_main_thread(move || {
        let extensions: Vec<&str> = req.extensions.iter().map(String::as_str).collect();
        let picked = rfd::FileDialog::new().set_title(&req.title).add_filter(&req.filter_name, &extensions).pick_file();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| dto(Error::File { path: e.to_string(), source: None }))?;
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten();
    if let Some(p) = &picked {
        state.grant(p, super::Grant::Read);
    }
    Ok(picked)
}

/// Read a worker list and show what would be imported. Nothing is written.
#[tauri::command]
pub async fn preview_worker_import(state: State<'_, AppState>, req: WorkerImportRequest) -> IpcResult<WorkerImportPreview> {
    preview_into(&state, req).await
}

/// The body of `preview_worker_import`: a file chosen in the dialog, or a typed path to a
/// `.csv` or `.txt` file outside the data folder (the place of a list is often typed or pasted).
pub(crate) async fn preview_into(state: &AppState, req: WorkerImportRequest) -> IpcResult<WorkerImportPreview> {
    let s = state.store()?;
    let path = req.path.trim().to_string();
    // An empty path is left to `read_limited`, which says how to fix it.
    let path = if path.is_empty() { path } else { super::typed_paths::to_read(state, &path, &WORKER_LIST).map_err(dto)?.display().to_string() };
    blocking(move || {
        let bytes = read_limited(&path, MAX_BYTES, "労働者名簿")?;
        s.preview_worker_import(&req.workplace_id, &bytes)
    })
    .await
}

const WORKER_LIST: super::typed_paths::Field =
    super::typed_paths::Field {
        name: "path", extensions: &["csv", "txt"], how: "「ファイルを選ぶ…」で労働者名簿の CSV を選んでください。"
    };

/// Import the workers, all in one transaction. Returns their ids.
#[tauri::command]
pub async fn import_workers(app: AppHandle, state: State<'_, AppState>, req: ImportWorkersRequest) -> IpcResult<Vec<String>> {
    let track = super::progress::Track::new(&app, &state, super::progress::Operation::WorkerImport);
    let s = state.store()?;
    blocking(move || super::progress::tracked(Some(track), || s.import_workers(&req.workplace_id, &req.workers))).await
}

/// The file's bytes; a folder, a missing file or one larger than `max` (far too large for the
/// `what` it should be) is refused before it is read.
pub(crate) fn read_limited(path: &str, max: usize, what: &str) -> Result<Vec<u8>, Error> {
    let p = std::path::Path::new(path);
    let file_error = || Error::File { path: path.to_string(), source: None };
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
    if meta.len() > max as u64 {
        return Err(Error::CsvUnreadable(format!("ファイルが大きすぎます（{} KB まで）。{what}の CSV を選んでいるか確かめてください。", max / 1024)));
    }
    std::fs::read(p).map_err(|_| file_error())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use tauri::async_runtime::block_on;

    use super::super::test_support::{lock, unlocked};
    use super::*;

    fn request(workplace_id: &str, path: &std::path::Path) -> WorkerImportRequest {
        WorkerImportRequest { workplace_id: workplace_id.into(), path: path.display().to_string() }
    }

    /// The page names files that are no worker list: the keyring, the database, a `.csv` placed
    /// in the data folder, a file of another kind. None is read into the preview; a list typed
    /// or chosen in the dialog is; nothing at all while locked.
    #[test]
    fn a_file_outside_the_dialogs_choice_is_not_read_into_the_preview() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let wp = chisanpo_core::domain::Workplace { name: "取込工業".into(), ..Default::default() };
        let wp = state.store().unwrap().add_workplace(&wp).unwrap();
        let dir = state.data_dir().clone();
        let planted = dir.join("workers.csv");
        fs::write(&planted, "氏名,ふりがな,性別,生年月日\n取込 一郎,とりこみ いちろう,男,1980/1/1\n").unwrap();
        let secret = tmp.path().join("id_ed25519");
        fs::write(&secret, "-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
        for (path, says) in [(dir.join("keyring.json"), "CSV"), (dir.join("chisanpo.db"), "CSV"), (planted.clone(), "データフォルダ"), (secret.clone(), "CSV")]
        {
            let err = block_on(preview_into(&state, request(&wp, &path))).unwrap_err();
            assert!(err.message.contains(says), "{}: {}", path.display(), err.message);
        }
        // A list of workers the user typed the place of, outside the data folder, is read.
        let list = tmp.path().join("名簿.csv");
        fs::copy(&planted, &list).unwrap();
        assert_eq!(block_on(preview_into(&state, request(&wp, &list))).unwrap().rows.len(), 1);
        // Whatever the dialog returned is read as the user chose it.
        state.grant(&secret.display().to_string(), crate::ipc::Grant::Read);
        let e = block_on(preview_into(&state, request(&wp, &secret))).expect_err("a private key is no worker list");
        assert!(
            !e.message.contains("読み込めるのは") && !e.message.contains("データフォルダ"),
            "a file chosen in the dialog is not refused by its name or place: {}",
            e.message
        );
        lock(&state);
        assert_eq!(block_on(preview_into(&state, request(&wp, &list))).unwrap_err().code, "locked");
    }
}
