//! Enrolment: the centre makes its key pair and profile; a device imports the profile, gets an
//! id and a signing key, and hands the centre its enrolment request; the centre lists it.

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::centre_database::CentreDatabase;
use super::keys::{verify, CentreIdentity, DeviceKey};
use super::{get_setting, outbox, put_setting, setting, CentreProfile, FORMAT};
use crate::error::{DeliveryCode, Error, Result};
use crate::rotate::KeyRotation;
use crate::store::{new_id, now, Action, Store};

/// What a device gives the centre to be enrolled. Public data only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    pub format: u32,
    pub centre_id: String,
    pub device_id: String,
    /// The device's ed25519 public key, hex.
    pub public_key: String,
    /// Who uses the device, for the centre's list.
    pub label: String,
    /// The device's ed25519 signature, with the key named in `public_key`, over the request's
    /// other fields (`proof_message`): whoever made the request holds the private key. Absent in
    /// requests made by 0.2.0, which the centre refuses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<String>,
}

/// What a device signs to prove it holds its key: prefixed, so that the message can never be
/// taken for a bundle's payload (JSON) signed with the same key.
fn proof_message(centre_id: &str, device_id: &str, public_key: &str, label: &str) -> Vec<u8> {
    let fields = serde_json::json!([centre_id, device_id, public_key, label]).to_string();
    format!("chisanpo enrolment proof v1\n{fields}").into_bytes()
}

impl EnrolmentRequest {
    /// A request signed with the device's key.
    pub fn signed(key: &DeviceKey, centre_id: &str, device_id: String, label: String) -> Self {
        let public_key = key.public_hex();
        let proof = key.sign_hex(&proof_message(centre_id, &device_id, &public_key, &label));
        EnrolmentRequest { format: FORMAT, centre_id: centre_id.to_string(), device_id, public_key, label, proof: Some(proof) }
    }

    /// Whether the request is signed by the key it names (finding 5: otherwise anyone could enrol
    /// someone else's public key, or a key nobody holds, under a device id of their choosing).
    pub fn proves_possession(&self) -> bool {
        self.proof.as_deref().is_some_and(|p| verify(&self.public_key, &proof_message(&self.centre_id, &self.device_id, &self.public_key, &self.label), p))
    }

    pub fn parse(text: &str) -> Result<Self> {
        let r: EnrolmentRequest = serde_json::from_str(text)
            .map_err(|_| Error::delivery(DeliveryCode::RequestUnreadable, "端末の登録申請として読み取れません。端末の 設定 › センターへの登録（または `chisanpo enrol`）で作った登録申請ファイル（.json）を指定してください。"))?;
        if r.format != FORMAT || uuid::Uuid::parse_str(&r.device_id).is_err() || r.public_key.len() != 64 || hex::decode(&r.public_key).is_err() {
            return Err(Error::delivery(DeliveryCode::RequestUnreadable,
                "端末の登録申請の内容が正しくありません。端末の 設定 › センターへの登録（または `chisanpo enrol`）で登録申請を作り直し、そのファイルを指定してください。",
            ));
        }
        Ok(r)
    }
}

/// An enrolled device, as the centre lists it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct EnrolledDevice {
    pub device_id: String,
    pub public_key: String,
    pub label: String,
    pub enrolled_at: String,
    /// Why the device was flagged: its audit chain went back between two bundles (ADR 0020).
    pub flagged: Option<String>,
}

fn not_a_centre() -> Error {
    Error::delivery(DeliveryCode::NotACentre, "このストアはセンターとして設定されていません。センターのストアで `chisanpo centre init --name センター名 --out プロファイル.json` を先に実行してください。")
}

/// Enrolment: the centre made, devices enrolled with it.
pub trait Enrolment {
    /// `centre init`: create the centre's key pair in this store and return its profile.
    fn centre_init(&self, name: &str, endpoint: Option<&str>) -> Result<CentreProfile>;

    /// The centre profile this store made (a centre) or enrolled with (a device).
    fn centre_profile(&self) -> Result<Option<CentreProfile>>;

    /// Whether this store is a centre (has the centre key).
    fn is_centre(&self) -> Result<bool>;

    /// This device's id, once enrolled.
    fn device_id(&self) -> Result<Option<String>>;

    /// `enrol`: enrol this device with a centre. Everything finalised before is queued too.
    fn enrol(&self, profile: &CentreProfile) -> Result<EnrolmentRequest>;

    /// `centre enrol-device`: add a device to this store's list. The same request twice is a no-op.
    fn centre_enrol_device(&self, req: &EnrolmentRequest) -> Result<bool>;

    /// Add a device to the list of `target` (this store, or the shared database), after
    /// checking the request is for this centre.
    fn centre_enrol_device_into(&self, req: &EnrolmentRequest, target: &mut dyn super::consolidation::Consolidation) -> Result<bool>;

    /// Enrol the device whose request file a coordinator chose (設定 on the centre's store):
    /// the request, and whether it was new.
    fn centre_enrol_device_file(&self, path: &Path) -> Result<(EnrolmentRequest, bool)>;

    /// The centre's enrolled devices, in its consolidated store (the shared database when one
    /// is chosen in 設定).
    fn centre_devices(&self) -> Result<Vec<EnrolledDevice>>;
}

impl Enrolment for Store {
    fn centre_init(&self, name: &str, endpoint: Option<&str>) -> Result<CentreProfile> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("name", "センター名を入力してください。"));
        }
        self.write(|tx| {
            if get_setting(tx, setting::CENTRE_ID)?.is_some() {
                return Err(Error::delivery(DeliveryCode::CentreExists,
                    "このストアには既にセンターの鍵があります。プロファイルをもう一度書き出す場合は `chisanpo centre profile --out ファイル` を使ってください。",
                ));
            }
            let identity = CentreIdentity::generate();
            let profile = CentreProfile {
                format: FORMAT,
                centre_name: name.to_string(),
                centre_id: new_id(),
                recipient: identity.recipient(),
                endpoint: endpoint.map(str::to_string).filter(|e| !e.trim().is_empty()),
                receipt_key: None,
                signature: None,
                root_key: None,
                serial: None,
                root_signature: None,
            };
            let profile = super::rotate::seal(profile, &super::rotate::receipt_key(tx)?, None);
            identity.save(tx)?;
            put_setting(tx, setting::CENTRE_ID, &profile.centre_id)?;
            put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
            self.audit(tx, Action::Create, &profile.centre_id, serde_json::json!({ "delivery": "centre_init", "recipient": profile.recipient }))?;
            Ok(profile)
        })
    }

    fn centre_profile(&self) -> Result<Option<CentreProfile>> {
        self.read(|c| get_setting(c, setting::CENTRE_PROFILE)?.map(|p| CentreProfile::parse(&p)).transpose())
    }

    fn is_centre(&self) -> Result<bool> {
        self.read(|c| Ok(get_setting(c, setting::CENTRE_ID)?.is_some()))
    }

    fn device_id(&self) -> Result<Option<String>> {
        self.read(|c| get_setting(c, setting::DEVICE_ID))
    }

    fn enrol(&self, profile: &CentreProfile) -> Result<EnrolmentRequest> {
        self.write(|tx| {
            if get_setting(tx, setting::CENTRE_ID)?.is_some() {
                return Err(Error::delivery(DeliveryCode::IsCentre, "このストアはセンターのストアです。端末の登録は記録を作る端末のストアで行ってください。"));
            }
            if let Some(device_id) = get_setting(tx, setting::DEVICE_ID)? {
                // Enrolling again (a new profile after the centre rotated its key, or the same
                // one twice): same id, same key, nothing queued twice; the same request again.
                self.re_enrol(tx, profile)?;
                let key = DeviceKey::load(tx)?.ok_or_else(|| Error::Integrity("端末の署名鍵がありません".into()))?;
                return Ok(EnrolmentRequest::signed(&key, &profile.centre_id, device_id, self.actor().name.clone()));
            }
            let device_id = new_id();
            let key = DeviceKey::generate();
            key.save(tx)?;
            put_setting(tx, setting::DEVICE_ID, &device_id)?;
            put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
            let queued = outbox::enqueue_existing(tx)?;
            self.audit(tx, Action::Create, &device_id, serde_json::json!({ "delivery": "enrol", "centre_id": profile.centre_id, "queued": queued }))?;
            Ok(EnrolmentRequest::signed(&key, &profile.centre_id, device_id, self.actor().name.clone()))
        })
    }

    fn centre_enrol_device(&self, req: &EnrolmentRequest) -> Result<bool> {
        self.centre_enrol_device_into(req, &mut super::consolidation::sqlite::SqliteConsolidation(self))
    }

    fn centre_enrol_device_into(&self, req: &EnrolmentRequest, target: &mut dyn super::consolidation::Consolidation) -> Result<bool> {
        let centre_id = self.read(|c| get_setting(c, setting::CENTRE_ID))?.ok_or_else(not_a_centre)?;
        if req.centre_id != centre_id {
            return Err(Error::delivery(
                DeliveryCode::RequestUnreadable,
                "この登録申請は別のセンター宛てです。このセンターのプロファイルで端末を登録し直し（`chisanpo enrol`）、新しい申請を取り込んでください。",
            ));
        }
        if !req.proves_possession() {
            return Err(Error::delivery(DeliveryCode::RequestUnsigned,
                "この登録申請には端末の鍵による署名がないか、署名が合いません（以前の版で作った申請か、書き換えられた申請です）。端末のアプリを最新版に更新し、設定 › センターへの登録（または `chisanpo enrol`）で登録申請を作り直してください。何も登録していません。",
            ));
        }
        target.enrol_device(req, &now())
    }

    fn centre_enrol_device_file(&self, path: &Path) -> Result<(EnrolmentRequest, bool)> {
        let text = std::fs::read_to_string(path).map_err(|_| Error::File { path: path.display().to_string(), source: None })?;
        let req = EnrolmentRequest::parse(&text)?;
        let added = self.with_consolidation(|t| self.centre_enrol_device_into(&req, t))?;
        if added {
            // Its bundles set aside as from an unknown device are taken at the next tick, not
            // after the poll interval.
            self.write(|tx| super::schedule::due_now_keys(tx, &super::schedule::CENTRE_IMPORT))?;
        }
        Ok((req, added))
    }

    fn centre_devices(&self) -> Result<Vec<EnrolledDevice>> {
        self.with_consolidation(|t| t.devices())
    }
}

pub(crate) fn require_centre(c: &rusqlite::Connection) -> Result<(String, CentreIdentity)> {
    let id = get_setting(c, setting::CENTRE_ID)?.ok_or_else(not_a_centre)?;
    let identity = CentreIdentity::load(c)?.ok_or_else(not_a_centre)?;
    Ok((id, identity))
}
