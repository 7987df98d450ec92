//! A visit's photos: taken from a file the user chose (or typed), kept normalised in the store
//! (`store::photos`: upright, scaled down, no EXIF or GPS), and read back for the screens.

use base64::Engine;
use chisanpo_core::store::photos::PhotoInfo;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use super::records::PathRequest;
use super::{blocking, dto, AppState, IpcResult};

const PHOTO_FILE: super::typed_paths::Field =
    super::typed_paths::Field {
        name: "path", extensions: &["jpg", "jpeg", "png"], how: "「写真を追加」で写真（JPEG・PNG）を選んでください。"
    };

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct PhotoRequest {
    pub sha256: String,
}

/// Keep the photo at `path` (chosen in the dialog, or typed) for a visit.
#[tauri::command]
pub async fn add_photo(state: State<'_, AppState>, req: PathRequest) -> IpcResult<PhotoInfo> {
    let s = state.store()?;
    let path = super::typed_paths::to_read(&state, req.path.trim(), &PHOTO_FILE).map_err(dto)?;
    blocking(move || s.add_photo_file(&path)).await
}

/// A kept photo as base64 JPEG, for an `<img src="data:…">` (the CSP allows `data:` images only).
#[tauri::command]
pub async fn photo(state: State<'_, AppState>, req: PhotoRequest) -> IpcResult<String> {
    let s = state.store()?;
    blocking(move || Ok(base64::engine::general_purpose::STANDARD.encode(s.photo(&req.sha256)?))).await
}
