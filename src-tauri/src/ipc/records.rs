//! Records: list, open, print a 様式, and the settings printing depends on.

use std::path::PathBuf;

use chisanpo_core::domain::Staff;
use chisanpo_core::forms::FormKind;
use chisanpo_core::paths;
use chisanpo_core::store::prefs::{self, TextSize};
use chisanpo_core::store::print::PrintReport;
use chisanpo_core::store::{ListFilter, RecordSummary, RecordView, RecoveryKey};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::entities::IdRequest;
use super::{blocking, dto, AppState, IpcResult};

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PrintRequest {
    pub id: String,
    pub form: FormKind,
    /// A finalised version other than the latest.
    pub version: Option<u32>,
    /// Where to save; absent: the PDF folder of the settings, with a name that names no person.
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
    pub path: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppSettings {
    pub centre_name: String,
    /// A TrueType font file for characters IPAex lacks (外字), or empty.
    pub fallback_font: String,
    /// Where PDFs are saved by default.
    pub pdf_folder: String,
    /// The user's own profile (氏名, 役割, 所属, 印字する職名・氏名).
    pub profile: Staff,
    /// 謝金の時間単価 (円), as typed (full-width digits and 11,500円 are accepted).
    pub fee_hourly_rate: String,
    /// 自動ロックまでの時間 (分), as typed: 1–120.
    pub idle_lock_minutes: String,
    pub text_size: TextSize,
    /// 労働局名 (別添3 I-2), as stored (e.g. 東京労働局) or typed; empty until set.
    pub labour_bureau: String,
    /// 圏域の数 (別添3 I-3), as typed: 1–99; empty until set.
    pub zone_count: String,
}

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

#[tauri::command]
pub async fn print_form(state: State<'_, AppState>, req: PrintRequest) -> IpcResult<PrintReport> {
    let s = state.store()?;
    blocking(move || {
        let path = match req.path {
            Some(p) => PathBuf::from(p),
            None => {
                let folder = s.setting("pdf_folder")?.filter(|f| !f.is_empty()).map(PathBuf::from).unwrap_or_else(paths::default_output_dir);
                std::fs::create_dir_all(&folder).map_err(|_| chisanpo_core::Error::DirNotWritable { dir: folder.display().to_string() })?;
                let performed = s.get_record(&req.id)?.summary.performed_on.map(|d| d.iso());
                folder.join(paths::output_file_name(req.form.label(), performed.as_deref(), &req.id))
            }
        };
        s.print_form(&req.id, req.form, req.version, &path)
    })
    .await
}

#[tauri::command]
pub async fn save_recovery_sheet(state: State<'_, AppState>, req: RecoverySheetRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || {
        let key = RecoveryKey::parse(&req.recovery_key)?;
        let path = match req.path {
            Some(p) => PathBuf::from(p),
            None => {
                let folder = paths::default_output_dir();
                std::fs::create_dir_all(&folder).map_err(|_| chisanpo_core::Error::DirNotWritable { dir: folder.display().to_string() })?;
                folder.join("地さんぽノート_回復シート.pdf")
            }
        };
        s.save_recovery_sheet(&key, &path)?;
        Ok(path.display().to_string())
    })
    .await
}

/// Open a file in the system's viewer (which prints: Tauri has no print API).
#[tauri::command]
pub async fn open_file(req: PathRequest) -> IpcResult<()> {
    tauri_plugin_opener::open_path(&req.path, None::<&str>).map_err(|_| dto(chisanpo_core::Error::File { path: req.path.clone() }))
}

/// Ask where to save a file, with the system's dialog (rfd). None when cancelled.
#[tauri::command]
pub async fn choose_save_path(app: AppHandle, req: SaveAsRequest) -> IpcResult<Option<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    app.run_on_main_thread(move || {
        let picked = rfd::FileDialog::new().set_title("保存先").set_file_name(&req.default_name).add_filter("PDF", &["pdf"]).save_file();
        let _ = tx.send(picked.map(|p| p.display().to_string()));
    })
    .map_err(|e| dto(chisanpo_core::Error::File { path: e.to_string() }))?;
    Ok(tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten()).await.ok().flatten())
}

#[tauri::command]
pub async fn app_settings(state: State<'_, AppState>) -> IpcResult<AppSettings> {
    let s = state.store()?;
    blocking(move || {
        Ok(AppSettings {
            centre_name: s.setting("centre_name")?.unwrap_or_default(),
            fallback_font: s.setting("fallback_font")?.unwrap_or_default(),
            pdf_folder: s.setting("pdf_folder")?.filter(|f| !f.is_empty()).unwrap_or_else(|| paths::default_output_dir().display().to_string()),
            profile: s.profile()?.staff,
            fee_hourly_rate: s.fee_hourly_rate()?.to_string(),
            idle_lock_minutes: s.idle_lock_minutes()?.to_string(),
            text_size: s.text_size()?,
            labour_bureau: s.labour_bureau()?.unwrap_or_default(),
            zone_count: s.zone_count()?.map(|n| n.to_string()).unwrap_or_default(),
        })
    })
    .await
}

#[tauri::command]
pub async fn set_app_settings(state: State<'_, AppState>, req: AppSettings) -> IpcResult<()> {
    let s = state.store()?;
    blocking(move || {
        // Everything is checked before anything is written.
        let folder = req.pdf_folder.trim();
        if !folder.is_empty() && !std::path::Path::new(folder).is_absolute() {
            return Err(chisanpo_core::Error::invalid("pdf_folder", "PDFの保存先はフォルダの絶対パスで指定してください。"));
        }
        let idle = prefs::parse_idle_minutes(&req.idle_lock_minutes)?;
        let violations = req.profile.validate();
        if !violations.is_empty() {
            return Err(chisanpo_core::Error::Invalid(violations.into_vec()));
        }
        // 労働局名 and 圏域の数 are checked (both named when both are wrong) and written first.
        s.set_annual_identity(&req.labour_bureau, &req.zone_count)?;
        // 0 (not a number) is refused with the message of the rate.
        s.set_fee_hourly_rate(prefs::parse_whole_number(&req.fee_hourly_rate).unwrap_or(0))?;
        s.set_fallback_font(&req.fallback_font)?;
        s.set_setting("centre_name", req.centre_name.trim())?;
        s.set_setting("pdf_folder", folder)?;
        s.set_idle_lock_minutes(idle)?;
        s.set_text_size(req.text_size)?;
        s.update_profile(&req.profile).map(|_| ())
    })
    .await
}
