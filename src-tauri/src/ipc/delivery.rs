//! Delivery to the centre in the app: what has and has not reached the centre (the home screen
//! polls it), enrolment with a centre profile, where to deliver, a pass now, and putting held
//! bundles back in the queue; on a centre, its consolidation and imports. The passes and the
//! centre's imports run in the background (`scheduled`), with backoff while offline, so nobody
//! has to remember a button.

use chisanpo_core::delivery::{CentreOverview, CentreProfile, DeliveryOverview, DeliveryTarget, EnrolledDevice, Schedule};
use chisanpo_core::store::{atomic, Store};
use chisanpo_core::Error;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::typed_paths::{self, Field};
use super::{blocking, dto, AppState, IpcResult};
use chisanpo_core::error::DeliveryCode;
use chisanpo_core::prelude::*;

const PROFILE: Field = Field {
    name: "profile_path", extensions: &["json"], how: "「参照…」でセンターから受け取ったプロファイル（.json）を選んでください。"
};
const REQUEST_OUT: Field =
    Field {
        name: "request_path", extensions: &["json"], how: "登録申請の保存先は、まだないファイル名（.json）をフォルダの絶対パスで指定してください。"
    };
const REQUEST_IN: Field =
    Field { name: "request_path", extensions: &["json"], how: "「参照…」で端末の登録申請（.json）を選んでください。" };
const DELIVERY_FOLDER: Field = Field { name: "path", extensions: &[], how: "「参照…」で配送先のフォルダを選んでください。" };

/// The delivery part of 設定.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct DeliverySettings {
    /// This store is the centre's: the destination is where it imports from.
    pub is_centre: bool,
    pub enrolled: bool,
    pub centre_name: Option<String>,
    pub device_id: Option<String>,
    pub target: Option<DeliveryTarget>,
    /// A WebDAV password is stored (it is never sent to the screen).
    pub password_saved: bool,
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct EnrolRequest {
    /// The centre profile (JSON) the centre gave.
    pub profile_path: String,
    /// Where to write the enrolment request for the centre.
    pub request_path: String,
}

// No `Debug`: it carries the WebDAV password.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct SetDeliveryTargetRequest {
    pub target: DeliveryTarget,
    /// A new WebDAV app password; absent keeps the stored one.
    pub password: Option<String>,
}

fn settings_of(s: &Store) -> Result<DeliverySettings, Error> {
    Ok(DeliverySettings {
        is_centre: s.is_centre()?,
        enrolled: s.device_id()?.is_some(),
        centre_name: s.centre_profile()?.map(|p| p.centre_name),
        device_id: s.device_id()?,
        target: s.delivery_target()?,
        password_saved: s.has_delivery_password()?,
    })
}

#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct CentreEnrolRequest {
    /// The enrolment request file a device made (設定 › センターへの登録).
    pub request_path: String,
}

/// The shared database the centre consolidates into (設定 › 共有データベース): a
/// `postgres://` URL, which may hold a password; absent or empty: this store again.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct CentreDatabaseRequest {
    pub url: Option<String>,
}

impl std::fmt::Debug for CentreDatabaseRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = self.url.as_deref().map(|u| chisanpo_core::delivery::centre_database::DatabaseUrl::new(u).label());
        f.debug_struct("CentreDatabaseRequest").field("url", &url).finish()
    }
}

/// The centre's devices after enrolling one.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct CentreEnrolResult {
    /// Who uses the device (from its request).
    pub label: String,
    /// `false` when it was enrolled already (nothing changed).
    pub added: bool,
    pub devices: Vec<EnrolledDevice>,
}

/// What has and has not reached the centre.
#[tauri::command]
pub async fn delivery_overview(state: State<'_, AppState>) -> IpcResult<DeliveryOverview> {
    let s = state.store()?;
    blocking(move || s.delivery_overview(chrono::Utc::now())).await
}

#[tauri::command]
pub async fn delivery_settings(state: State<'_, AppState>) -> IpcResult<DeliverySettings> {
    let s = state.store()?;
    blocking(move || settings_of(&s)).await
}

/// Enrol this device with the centre's profile and write the request for the centre.
#[tauri::command]
pub async fn enrol_device(state: State<'_, AppState>, req: EnrolRequest) -> IpcResult<DeliverySettings> {
    enrol_into(&state, req).await
}

/// The body of `enrol_device`, on the app's state alone (testable without a window).
async fn enrol_into(state: &AppState, req: EnrolRequest) -> IpcResult<DeliverySettings> {
    let s = state.store()?;
    // Both paths are checked before anything is enrolled or written.
    let profile_path = typed_paths::to_read(state, &req.profile_path, &PROFILE).map_err(dto)?;
    let request_path = typed_paths::to_write(state, &req.request_path, &REQUEST_OUT).map_err(dto)?;
    blocking(move || {
        let text = std::fs::read_to_string(&profile_path).map_err(|_| Error::File { path: req.profile_path.clone(), source: None })?;
        let request = s.enrol(&CentreProfile::parse(&text)?)?;
        atomic::write_file(&request_path, serde_json::to_string_pretty(&request).expect("requests serialise").as_bytes())?;
        settings_of(&s)
    })
    .await
}

#[tauri::command]
pub async fn set_delivery_target(state: State<'_, AppState>, req: SetDeliveryTargetRequest) -> IpcResult<DeliverySettings> {
    let s = state.store()?;
    if let DeliveryTarget::Folder { path } = &req.target {
        if s.delivery_target().map_err(dto)?.as_ref() != Some(&req.target) {
            typed_paths::folder(&state, path, &DELIVERY_FOLDER).map_err(dto)?;
        }
    }
    blocking(move || {
        s.set_delivery_target(&req.target, req.password.as_deref().filter(|p| !p.is_empty()))?;
        settings_of(&s)
    })
    .await
}

/// A pass now (the background worker would do it soon anyway).
#[tauri::command]
pub async fn deliver_now(state: State<'_, AppState>) -> IpcResult<DeliveryOverview> {
    let s = state.store()?;
    blocking(move || {
        let transport = s.delivery_transport()?.ok_or_else(|| {
            Error::delivery(DeliveryCode::NoTarget, "配送先が決まっていません。設定の「センターへの配送」で、フォルダか WebDAV の URL を選んでください。")
        })?;
        s.deliver_pass(transport.as_ref())?;
        s.delivery_overview(chrono::Utc::now())
    })
    .await
}

/// Put the bundles set aside on this device back in the queue.
#[tauri::command]
pub async fn release_held_bundles(state: State<'_, AppState>) -> IpcResult<DeliveryOverview> {
    let s = state.store()?;
    blocking(move || {
        s.release_held_bundles()?;
        s.delivery_overview(chrono::Utc::now())
    })
    .await
}

/// The centre's consolidation, for the coordinator's home screen (`null` on a device).
#[tauri::command]
pub async fn centre_overview(state: State<'_, AppState>) -> IpcResult<Option<CentreOverview>> {
    let s = state.store()?;
    blocking(move || s.centre_overview()).await
}

/// The devices enrolled at this centre.
#[tauri::command]
pub async fn centre_devices(state: State<'_, AppState>) -> IpcResult<Vec<EnrolledDevice>> {
    let s = state.store()?;
    blocking(move || s.centre_devices()).await
}

/// Enrol a device from the request file it made; its bundles set aside as from an unknown
/// device are taken at the next import.
#[tauri::command]
pub async fn centre_enrol_device(state: State<'_, AppState>, req: CentreEnrolRequest) -> IpcResult<CentreEnrolResult> {
    let s = state.store()?;
    let request_path = typed_paths::to_read(&state, &req.request_path, &REQUEST_IN).map_err(dto)?;
    blocking(move || {
        let (request, added) = s.centre_enrol_device_file(&request_path)?;
        Ok(CentreEnrolResult { label: request.label, added, devices: s.centre_devices()? })
    })
    .await
}

/// Consolidate into the shared database (after connecting to it once), or into this store again;
/// the overview then counts from there.
#[tauri::command]
pub async fn set_centre_database(state: State<'_, AppState>, req: CentreDatabaseRequest) -> IpcResult<Option<CentreOverview>> {
    let s = state.store()?;
    blocking(move || {
        s.set_centre_database(req.url.as_deref())?;
        s.centre_overview()
    })
    .await
}

/// Import now from the source (the background worker would do it soon anyway).
#[tauri::command]
pub async fn centre_import_now(app: AppHandle, state: State<'_, AppState>) -> IpcResult<Option<CentreOverview>> {
    let track = super::progress::Track::new(&app, &state, super::progress::Operation::CentreImport);
    let s = state.store()?;
    blocking(move || {
        super::progress::tracked(Some(track), || s.centre_import_now())?;
        s.centre_overview()
    })
    .await
}

/// The background worker's tick: a pass if one is due. Errors are kept in the store's delivery
/// state (shown on the home screen); only a line without content goes to the log.
pub fn scheduled(app: &AppHandle, schedule: &Schedule) {
    let Some(store) = app.state::<AppState>().unlocked() else { return };
    let run = || -> Result<(), Error> {
        if store.is_centre()? {
            store.centre_import_tick(schedule, chrono::Utc::now())?;
        } else if let Some(transport) = store.delivery_transport()? {
            store.delivery_tick(schedule, chrono::Utc::now(), transport.as_ref())?;
        }
        Ok(())
    };
    if let Err(e) = run() {
        eprintln!("自動配送: {}", e.code());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::test_support::{lock, unlocked};
    use tauri::async_runtime::block_on;

    fn enrol(state: &AppState, profile: &std::path::Path, request: &std::path::Path) -> IpcResult<DeliverySettings> {
        block_on(enrol_into(state, EnrolRequest { profile_path: profile.display().to_string(), request_path: request.display().to_string() }))
    }

    /// Finding 9: the page cannot make enrolment read the keyring or write over a file.
    #[test]
    fn enrolment_reads_and_writes_only_paths_within_the_rules_and_enrols_nothing_otherwise() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = unlocked(tmp.path());
        let centre = chisanpo_core::store::Store::init_with(
            &tmp.path().join("centre"),
            &chisanpo_core::store::Passphrase::new("センターのパスフレーズ"),
            &chisanpo_core::domain::Staff { role: Some(chisanpo_core::domain::StaffRole::Coordinator), name: "統括 花子".into(), ..Default::default() },
            chisanpo_core::store::KdfParams::MINIMUM,
        )
        .unwrap()
        .0;
        let profile = tmp.path().join("centre-profile.json");
        std::fs::write(&profile, centre.centre_init("北部地域産業保健センター", None).unwrap().to_json()).unwrap();
        let bashrc = tmp.path().join("bashrc.json");
        std::fs::write(&bashrc, "keep me").unwrap();
        let keyring = state.data_dir().join("keyring.json");
        for (p, r, says) in [
            (keyring.clone(), tmp.path().join("request.json"), "データフォルダ"),
            (profile.clone(), bashrc.clone(), "上書きはしません"),
            (profile.clone(), tmp.path().join("autostart.desktop"), ".json"),
            (profile.clone(), state.data_dir().join("request.json"), "データフォルダ"),
        ] {
            let err = enrol(&state, &p, &r).unwrap_err();
            assert!(err.message.contains(says), "{} → {}: {}", p.display(), r.display(), err.message);
        }
        assert_eq!(std::fs::read_to_string(&bashrc).unwrap(), "keep me");
        assert!(!state.store().unwrap().delivery_overview(chrono::Utc::now()).unwrap().enrolled, "nothing enrolled");
        // Typed within the rules: enrolled, and the request written as a new file.
        let request = tmp.path().join("request.json");
        assert!(enrol(&state, &profile, &request).unwrap().enrolled);
        assert!(chisanpo_core::delivery::EnrolmentRequest::parse(&std::fs::read_to_string(&request).unwrap()).is_ok());
        lock(&state);
        assert_eq!(enrol(&state, &profile, &tmp.path().join("again.json")).unwrap_err().code, "locked");
    }
}
