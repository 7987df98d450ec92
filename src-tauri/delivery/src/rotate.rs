//! Keys over time. The centre can rotate its X25519 key (`centre rotate-key`): the old key is
//! kept to open bundles already made for it, and devices re-enrol with the new profile. A
//! device that enrols again with a profile of the same centre keeps its id and signing key (so
//! nothing is queued twice and the centre's list stays right) and takes the new key, receipt
//! key and endpoint; a profile of another centre is refused. Once the centre has a root key
//! (ADR 0025, `root.rs`), a rotation needs it and renews the signing key too, and a device takes
//! only profiles the root signed with a higher serial.

use age::secrecy::ExposeSecret;
use rusqlite::Connection;

use super::keys::{CentreIdentity, DeviceKey};
use super::root::RootKey;
use super::{get_setting, put_setting, setting, CentreProfile};
use crate::error::{DeliveryCode, Error, Result};
use crate::store::{now, Action, Store};

/// The centre's receipt-signing key, made the first time it is needed (centres made before
/// receipts existed get one then; their profile is updated to carry its public half).
pub(crate) fn receipt_key(tx: &Connection) -> Result<DeviceKey> {
    if let Some(k) = DeviceKey::load_from(tx, setting::CENTRE_SIGNING_KEY)? {
        return Ok(k);
    }
    let key = DeviceKey::generate();
    key.save_as(tx, setting::CENTRE_SIGNING_KEY)?;
    if let Some(p) = get_setting(tx, setting::CENTRE_PROFILE)? {
        let mut p = CentreProfile::parse(&p)?;
        p.receipt_key = Some(key.public_hex());
        put_setting(tx, setting::CENTRE_PROFILE, &seal(p, &key, None).to_json())?;
    }
    Ok(key)
}

/// The profile signed by the centre's signing key (which it names as the receipt key) and, when
/// given, by the root, which it then names (ADR 0025).
pub(crate) fn seal(profile: CentreProfile, key: &DeviceKey, root: Option<&RootKey>) -> CentreProfile {
    let mut p = CentreProfile {
        receipt_key: Some(key.public_hex()),
        root_key: root.map(RootKey::public_hex).or(profile.root_key.clone()),
        signature: None,
        root_signature: None,
        ..profile
    };
    p.signature = Some(key.sign_hex(&p.signed_bytes()));
    p.root_signature = root.map(|r| r.sign(&p));
    p
}

/// Keep a key no longer in use, to open bundles made for it (once per key).
pub(crate) fn keep_retired(tx: &Connection, key: &CentreIdentity, retired_at: &str) -> Result<()> {
    crate::store::consolidated::keep_old_identity(tx, &key.recipient(), key.secret().expose_secret(), retired_at)
}

/// The centre signing keys a rotation replaced, with when (oldest first): the rotations made in
/// this store and those a key file it joined with carried, both read from its audit chain. A
/// tombstone sealed by one of them counts only if sealed before (ADR 0026 addendum).
pub(crate) fn retired_signing_keys(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (at, _, detail) in crate::store::audit::entries_mentioning(c, &["centre_rotate_key", "retired_signing_keys"])? {
        let d: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let mut found = Vec::new();
        match d["delivery"].as_str() {
            Some("centre_rotate_key") => {
                if let (Some(old), Some(new)) = (d["old_signing_key"].as_str(), d["signing_key"].as_str()) {
                    if old != new {
                        found.push((old.to_string(), at));
                    }
                }
            }
            Some("centre_join") => {
                found.extend(serde_json::from_value::<Vec<(String, String)>>(d["retired_signing_keys"].clone()).unwrap_or_default());
            }
            _ => {}
        }
        for (key, at) in found {
            if !out.iter().any(|(k, _)| *k == key) {
                out.push((key, at));
            }
        }
    }
    Ok(out)
}

/// Every key the centre can open bundles with: the current one first, then the retired ones.
pub(crate) fn all_identities(c: &Connection) -> Result<Vec<CentreIdentity>> {
    let mut out: Vec<CentreIdentity> = CentreIdentity::load(c)?.into_iter().collect();
    // The most recently retired first.
    for (_, identity, _) in crate::store::consolidated::old_identities(c)?.into_iter().rev() {
        out.push(CentreIdentity::parse(&identity)?);
    }
    Ok(out)
}

/// Key rotation at the centre and re-enrolment on a device.
pub trait KeyRotation {
    /// `centre rotate-key`: a new X25519 key for the centre. Returns the new profile for the
    /// devices; bundles made for the old key still open. A centre with a root key (ADR 0025)
    /// needs it (`root`), and then also gets a new signing key, so that whatever a coordinator
    /// who left took away no longer signs anything a device accepts.
    fn centre_rotate_key(&self, root: Option<&RootKey>) -> Result<CentreProfile>;

    /// `enrol` on a device already enrolled: the same centre's new profile replaces the old one
    /// (same device id and key); another centre's is refused.
    #[doc(hidden)]
    fn re_enrol(&self, tx: &Connection, profile: &CentreProfile) -> Result<()>;
}

impl KeyRotation for Store {
    fn centre_rotate_key(&self, root: Option<&RootKey>) -> Result<CentreProfile> {
        self.write(|tx| {
            let (_, old) = super::enrol::require_centre(tx)?;
            let profile = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
            match (&profile.root_key, root) {
                (Some(_), None) => {
                    return Err(Error::delivery(DeliveryCode::RootKey,
                        "このセンターには責任者鍵があります。鍵を新しくするには、責任者鍵ファイルを指定してください（`chisanpo centre rotate-key --root-key 責任者鍵ファイル --out プロファイル.json`）。",
                    ))
                }
                (None, Some(_)) => {
                    return Err(Error::delivery(DeliveryCode::RootKey,
                        "このセンターにはまだ責任者鍵がありません。先に `chisanpo centre root-key` で責任者鍵を作り、端末に登録し直してもらってください。",
                    ))
                }
                (Some(_), Some(r)) => r.check_for(&profile)?,
                (None, None) => {}
            }
            let old_signing = receipt_key(tx)?.public_hex();
            keep_retired(tx, &old, &now())?;
            let new = CentreIdentity::generate();
            new.save(tx)?;
            let signing = match root {
                Some(_) => {
                    let k = DeviceKey::generate();
                    k.save_as(tx, setting::CENTRE_SIGNING_KEY)?;
                    k
                }
                None => receipt_key(tx)?,
            };
            let profile = CentreProfile { recipient: new.recipient(), serial: profile.serial.map(|s| s + 1), ..profile };
            let profile = seal(profile, &signing, root);
            put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
            self.audit(
                tx,
                Action::Edit,
                &profile.centre_id,
                serde_json::json!({
                    "delivery": "centre_rotate_key",
                    "old": old.recipient(),
                    "new": profile.recipient,
                    "old_signing_key": old_signing,
                    "signing_key": signing.public_hex(),
                    "serial": profile.serial,
                }),
            )?;
            Ok(profile)
        })
    }

    fn re_enrol(&self, tx: &Connection, profile: &CentreProfile) -> Result<()> {
        let current = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
        if current.centre_id != profile.centre_id {
            return Err(Error::delivery(DeliveryCode::EnrolledElsewhere, format!(
                "この端末は既に「{}」に登録されています。別のセンターに送るには、そのセンター用に新しいストアを作ってください（送った記録が混ざらないようにするためです）。",
                current.centre_name
            )));
        }
        // Only a profile the centre signed may replace the one the device has: with a root, the
        // root's signature and a higher serial; before it, the receipt key the device trusts. A
        // forged profile with the same (public) centre id could otherwise send the bundles
        // elsewhere, or sign receipts for bundles that never arrived.
        current.may_be_replaced_by(profile)?;
        put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
        self.audit(
            tx,
            Action::Edit,
            &profile.centre_id,
            serde_json::json!({ "delivery": "re_enrol", "recipient": profile.recipient, "serial": profile.serial }),
        )?;
        Ok(())
    }
}
