//! Records: list, open, print a 様式, and the settings printing depends on.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chisanpo_core::error::ErrorDto;
use chisanpo_core::forms::FormKind;
use chisanpo_core::print::PrintReport;
use chisanpo_core::store::{ListFilter, RecordSummary, RecordView, RecoveryKey, Store};
use serde::Deserialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::entities::IdRequest;
use super::{blocking, dto, AppState, IpcResult};
use chisanpo_core::prelude::*;

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PrintRequest {
    pub id: String,
    pub form: FormKind,
    /// A finalised version other than the latest.
    pub version: Option<u32>,
    /// Absent: into the private print spool, to be opened and printed (removed on lock, on quit
    /// and at the next start). Present: a copy saved there, a path the save dialog returned.
    pub path: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PathRequest {
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct SaveAsRequest {
    pub default_name: String,
}

/// Save the recovery sheet. No `Debug`: it carries the recovery key.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct RecoverySheetRequest {
    pub recovery_key: String,
    /// Absent: into the print spool, to be printed; present: a path the save dialog returned.
    pub path: Option<String>,
}

/// The 設定 screen's settings: declared in the core, which checks and saves them together.
pub use chisanpo_core::settings::AppSettings;

#[tauri::command]
pub async fn list_records(state: State<'_, AppState>, req: ListFilter) -> IpcResult<Vec<RecordSummary>> {
    let s = state.store()?;
    blocking(move || s.list_records(&req)).await
}

#[tauri::command]
pub async fn get_record(state: State<'_, AppState>, req: IdRequest) -> IpcResult<RecordView> {
    let s = state.store()?;
    blocking(move || s.get_record(&req.id)).await
}

/// What a command answers when given a save path the dialog did not return.
pub(crate) const SAVE_NOT_CHOSEN: &str =
    "保存先がダイアログで選ばれていません。「PDFを保存…」などのボタンを押し、表示されるダイアログで保存先を選んでください。";

#[tauri::command]
pub async fn print_form(state: State<'_, AppState>, req: PrintRequest) -> IpcResult<PrintReport> {
    print_into(&state, req).await
}

/// The 様式 an entry screen's draft would print, for the live preview beside it: what the screen
/// holds (saved or not), drawn as printing draws it, marked 下書き. No `Debug`: it carries health data.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct PreviewRequest {
    /// The record's id; absent for a record not saved yet.
    pub id: Option<String>,
    pub form: FormKind,
    pub body: chisanpo_core::domain::RecordBody,
}

/// The PDF of the preview as base64, held in the page's memory and drawn there (pdf.js, ADR 0036):
/// no file is written, nothing is audited. A character no font has is the error printing gives.
#[tauri::command]
pub async fn preview_form(state: State<'_, AppState>, req: PreviewRequest) -> IpcResult<String> {
    use base64::Engine;
    let s = state.store()?;
    blocking(move || Ok(base64::engine::general_purpose::STANDARD.encode(s.preview_form(req.id.as_deref(), req.form, req.body)?))).await
}

/// The body of `print_form`: without a path, into the print spool (removed on lock, on quit,
/// at the next start and when records are destroyed); with one, a copy where the user chose in
/// the save dialog, and nowhere else. Testable without a window.
pub(crate) async fn print_into(state: &AppState, req: PrintRequest) -> IpcResult<PrintReport> {
    let s = state.store()?;
    let printing = s.clone();
    let chosen = state.chosen_to_save(req.path.as_deref())?;
    let to_spool = chosen.is_none();
    let report = blocking(move || match chosen {
        Some(path) => s.print_form(&req.id, req.form, req.version, &path),
        None => s.print_to_spool(&req.id, req.form, req.version),
    })
    .await?;
    if to_spool {
        discard_if_locked_meanwhile(state, &printing, Path::new(&report.path))?;
    }
    Ok(report)
}

/// A print into the spool that finished after a lock (the lock emptied the spool before the file
/// was written) is removed at once, and answered as locked: no printout outlives a lock.
pub(crate) fn discard_if_locked_meanwhile(state: &AppState, printing: &Arc<Store>, pdf: &Path) -> IpcResult<()> {
    if state.unlocked().is_some_and(|now| Arc::ptr_eq(&now, printing)) {
        return Ok(());
    }
    let _ = std::fs::remove_file(pdf);
    state.store().map(|_| ())
}

#[tauri::command]
pub async fn save_recovery_sheet(state: State<'_, AppState>, req: RecoverySheetRequest) -> IpcResult<String> {
    recovery_sheet_into(&state, req).await
}

/// The recovery sheet: without a path, into the print spool to be printed (and removed with
/// it); with one, saved where the user chose in the save dialog (the audit log says where).
pub(crate) async fn recovery_sheet_into(state: &AppState, req: RecoverySheetRequest) -> IpcResult<String> {
    let s = state.store()?;
    let chosen = state.chosen_to_save(req.path.as_deref())?;
    blocking(move || {
        let key = RecoveryKey::parse(&req.recovery_key)?;
        let path = match chosen {
            Some(path) => {
                s.save_recovery_sheet(&key, &path)?;
                path
            }
            None => s.print_recovery_sheet(&key)?,
        };
        Ok(path.display().to_string())
    })
    .await
}

/// Open a file in the system's viewer (which prints: Tauri has no print API): a PDF of the
/// print spool, or a file the user chose in a dialog or had the app write since the unlock.
/// Nothing while locked.
#[tauri::command]
pub async fn open_file(state: State<'_, AppState>, req: PathRequest) -> IpcResult<()> {
    let path = may_open(&state, &req.path)?;
    tauri_plugin_opener::open_path(&path, None::<&str>).map_err(|_| dto(chisanpo_core::Error::File { path: req.path.clone(), source: None }))
}

/// The file `open_file` may open, or why not.
pub(crate) fn may_open(state: &AppState, path: &str) -> IpcResult<PathBuf> {
    state.store()?;
    let p = PathBuf::from(path);
    if state.spool().holds(&p) || state.is_granted(&p) {
        return Ok(p);
    }
    Err(ErrorDto {
        code: "not_chosen".into(),
        message: "このファイルは、このアプリが作成したものでもダイアログで選んだものでもないため開けません。もう一度印刷するか書き出してください。".into(),
        violations: vec![],
    })
}

/// Ask where to save a file, with the system's dialog (rfd). None when cancelled. The path
/// chosen is remembered: commands that write take only such a path.
#[tauri::command]
pub async fn choose_save_path(app: AppHandle, state: State<'_, AppState>, req: SaveAsRequest) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new().set_title("保存先").set_file_name(&req.default_name).add_filter("PDF", &["pdf"]).save_file();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| dto(chisanpo_core::Error::File { path: e.to_string(), source: None }))?;
    let picked = tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten();
    if let Some(p) = &picked {
        state.grant(p, super::Grant::Save);
    }
    Ok(picked)
}

#[tauri::command]
pub async fn app_settings(state: State<'_, AppState>) -> IpcResult<AppSettings> {
    let s = state.store()?;
    blocking(move || chisanpo_core::settings::app_settings(&s)).await
}

const EXPORT_FOLDER: super::typed_paths::Field =
    super::typed_paths::Field { name: "pdf_folder", extensions: &[], how: "書き出し先はフォルダの絶対パスで指定してください。" };
const FALLBACK_FONT: super::typed_paths::Field = super::typed_paths::Field {
    name: "fallback_font",
    extensions: &["ttf", "otf", "ttc"],
    how: "外字フォントはフォントファイル（.ttf・.otf・.ttc）の絶対パスで指定してください。",
};

#[tauri::command]
pub async fn set_app_settings(state: State<'_, AppState>, req: AppSettings) -> IpcResult<()> {
    let s = state.store()?;
    // A folder or font that changes is one the dialog returned, or a typed path within the rules.
    let current = |key: &str| s.setting(key).map(Option::unwrap_or_default).map_err(super::dto);
    if current("pdf_folder")? != req.pdf_folder.trim() {
        super::typed_paths::folder(&state, &req.pdf_folder, &EXPORT_FOLDER).map_err(super::dto)?;
    }
    if !req.fallback_font.trim().is_empty() && current("fallback_font")? != req.fallback_font.trim() {
        super::typed_paths::to_read(&state, &req.fallback_font, &FALLBACK_FONT).map_err(super::dto)?;
    }
    // Everything is checked before anything is written, and written in one transaction.
    blocking(move || chisanpo_core::settings::save_app_settings(&s, &req)).await
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    use chisanpo_core::paths;
    use tauri::async_runtime::block_on;

    use super::super::test_support::{lock, unlocked};
    use super::*;

    /// The files of the default documents folder (`Documents/地さんぽノート`), where printing
    /// used to save.
    fn documents() -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(paths::default_output_dir()).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
        v.sort();
        v
    }

    fn print(id: &str, path: Option<&Path>) -> PrintRequest {
        PrintRequest { id: id.into(), form: FormKind::ConsultationRecord, version: None, path: path.map(|p| p.display().to_string()) }
    }

    /// The page names a path the save dialog never returned: refused with how to choose one,
    /// nothing written there, for a form and for the recovery sheet.
    #[test]
    fn a_save_path_the_dialog_did_not_return_is_refused_and_nothing_is_written() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, id) = unlocked(tmp.path());
        let elsewhere = tmp.path().join("shared-folder");
        fs::create_dir_all(&elsewhere).unwrap();
        let target = elsewhere.join("意見書.pdf");
        let err = block_on(print_into(&state, print(&id, Some(&target)))).unwrap_err();
        assert_eq!(err.code, "not_chosen");
        assert!(err.message.contains("ダイアログで保存先を選んでください"), "{}", err.message);
        let key = chisanpo_core::store::RecoveryKey::generate().display().to_string();
        let sheet = elsewhere.join("回復シート.pdf");
        let req = RecoverySheetRequest { recovery_key: key.clone(), path: Some(sheet.display().to_string()) };
        assert_eq!(block_on(recovery_sheet_into(&state, req)).unwrap_err().code, "not_chosen");
        assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing was written where the page said");

        // Once the dialog returned it (choose_save_path), the copy is saved there and audited.
        state.grant(&target.display().to_string(), crate::ipc::Grant::Save);
        let report = block_on(print_into(&state, print(&id, Some(&target)))).unwrap();
        assert_eq!(Path::new(&report.path), target);
        let entry = state.store().unwrap().audit_trail(&id).unwrap().pop().unwrap();
        assert_eq!(entry.detail["saved"].as_bool(), Some(true));
        assert_eq!(state.store().unwrap().saved_copies_of(&id).unwrap(), [target.display().to_string()]);
        // The grant is used up: the page cannot write there again without the dialog.
        assert_eq!(block_on(print_into(&state, print(&id, Some(&target)))).unwrap_err().code, "not_chosen");
        // A file the user chose to read (the open dialog) is never a place to write.
        let list = elsewhere.join("名簿.csv");
        fs::write(&list, "氏名\n").unwrap();
        state.grant(&list.display().to_string(), crate::ipc::Grant::Read);
        assert_eq!(block_on(print_into(&state, print(&id, Some(&list)))).unwrap_err().code, "not_chosen");
        assert_eq!(fs::read_to_string(&list).unwrap(), "氏名\n", "the chosen list was written over");
        // The save dialog's answers are forgotten at lock: after it, the same path is refused.
        lock(&state);
        state.set(Some(chisanpo_core::store::Store::open(state.data_dir(), &chisanpo_core::store::Passphrase::new(super::super::test_support::PASS)).unwrap()));
        assert_eq!(block_on(print_into(&state, print(&id, Some(&target)))).unwrap_err().code, "not_chosen");
    }

    /// 印刷 writes into the private spool only, never the documents folder; the spool is emptied
    /// at lock, and a file left by a crash is removed at the next start.
    #[test]
    fn a_print_goes_to_the_private_spool_and_is_gone_after_lock_or_restart() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, id) = unlocked(tmp.path());
        let docs_before = documents();
        let report = block_on(print_into(&state, print(&id, None))).unwrap();
        let pdf = PathBuf::from(&report.path);
        assert_eq!(pdf.parent(), Some(state.spool().dir()));
        assert_eq!(documents(), docs_before, "nothing was saved in the documents folder");
        #[cfg(unix)]
        {
            use chisanpo_core::store::private::mode;
            assert_eq!((mode(state.spool().dir()).unwrap(), mode(&pdf).unwrap()), (0o700, 0o600));
        }
        assert_eq!(may_open(&state, &report.path).unwrap(), pdf, "the viewer may open it to print");
        lock(&state);
        assert!(!pdf.exists(), "the printout outlived the lock");

        // A kill leaves a printout: the next start removes it.
        let left = state.spool().new_path("意見書_0195cc87.pdf").unwrap();
        fs::write(&left, b"%PDF-1.7").unwrap();
        let _next = AppState::new(state.data_dir().clone());
        assert!(!left.exists(), "the next start removes what a crash left in the spool");
    }

    /// A print that finishes after the lock (the lock emptied the spool while it was drawing)
    /// leaves nothing: its file is removed and the answer is 「ロックされています」.
    #[test]
    fn a_print_that_ends_after_the_lock_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, id) = unlocked(tmp.path());
        let printing = state.store().unwrap();
        let pdf = printing.print_to_spool(&id, FormKind::ConsultationRecord, None).unwrap().path;
        assert!(discard_if_locked_meanwhile(&state, &printing, Path::new(&pdf)).is_ok(), "still unlocked: kept for printing");
        assert!(Path::new(&pdf).exists());
        lock(&state);
        assert_eq!(discard_if_locked_meanwhile(&state, &printing, Path::new(&pdf)).unwrap_err().code, "locked");
        assert!(!Path::new(&pdf).exists(), "a printout outlived the lock");
    }

    /// The recovery sheet is printed through the spool and removed with it; saved only where
    /// the user chose.
    #[test]
    fn the_recovery_sheet_is_printed_through_the_spool_not_left_in_documents() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let docs_before = documents();
        let key = chisanpo_core::store::RecoveryKey::generate().display().to_string();
        let path = PathBuf::from(block_on(recovery_sheet_into(&state, RecoverySheetRequest { recovery_key: key, path: None })).unwrap());
        assert_eq!(path.parent(), Some(state.spool().dir()));
        assert_eq!(documents(), docs_before, "nothing was saved in the documents folder");
        assert!(fs::read(&path).unwrap().starts_with(b"%PDF"));
        lock(&state);
        assert!(!path.exists());
    }

    /// `open_file` opens only a spool file or a path chosen or written at the user's request,
    /// and nothing while locked: not the keyring, not a file the page names.
    #[test]
    fn open_file_refuses_a_path_not_chosen_and_everything_while_locked() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, id) = unlocked(tmp.path());
        let keyring = state.data_dir().join("keyring.json");
        let other = tmp.path().join("other.pdf");
        fs::write(&other, b"%PDF").unwrap();
        for p in [
            keyring.display().to_string(),
            other.display().to_string(),
            "/etc/passwd".into(),
            state.spool().dir().join("..").join("keyring.json").display().to_string(),
        ] {
            assert_eq!(may_open(&state, &p).unwrap_err().code, "not_chosen", "{p}");
        }
        let report = block_on(print_into(&state, print(&id, None))).unwrap();
        state.grant(&other.display().to_string(), crate::ipc::Grant::Written);
        assert!(may_open(&state, &other.display().to_string()).is_ok());
        // Locked: nothing, not even what was allowed a moment ago.
        lock(&state);
        for p in [report.path.clone(), other.display().to_string()] {
            assert_eq!(may_open(&state, &p).unwrap_err().code, "locked", "{p}");
        }
    }
}
