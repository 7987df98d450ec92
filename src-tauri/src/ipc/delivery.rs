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

use super::{blocking, AppState, IpcResult};

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
    let s = state.store()?;
    blocking(move || {
        let text = std::fs::read_to_string(req.profile_path.trim()).map_err(|_| Error::File { path: req.profile_path.clone() })?;
        let request = s.enrol(&CentreProfile::parse(&text)?)?;
        atomic::write_file(std::path::Path::new(req.request_path.trim()), serde_json::to_string_pretty(&request).expect("requests serialise").as_bytes())?;
        settings_of(&s)
    })
    .await
}

#[tauri::command]
pub async fn set_delivery_target(state: State<'_, AppState>, req: SetDeliveryTargetRequest) -> IpcResult<DeliverySettings> {
    let s = state.store()?;
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
        let transport = s
            .delivery_transport()?
            .ok_or_else(|| Error::Delivery("配送先が決まっていません。設定の「センターへの配送」で、フォルダか WebDAV の URL を選んでください。".into()))?;
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
    blocking(move || {
        let (request, added) = s.centre_enrol_device_file(std::path::Path::new(req.request_path.trim()))?;
        Ok(CentreEnrolResult { label: request.label, added, devices: s.centre_devices()? })
    })
    .await
}

/// Import now from the source (the background worker would do it soon anyway).
#[tauri::command]
pub async fn centre_import_now(state: State<'_, AppState>) -> IpcResult<Option<CentreOverview>> {
    let s = state.store()?;
    blocking(move || {
        s.centre_import_now()?;
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
