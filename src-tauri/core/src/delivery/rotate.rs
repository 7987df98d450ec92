//! Keys over time. The centre can rotate its X25519 key (`centre rotate-key`): the old key is
//! kept to open bundles already made for it, and devices re-enrol with the new profile. A
//! device that enrols again with a profile of the same centre keeps its id and signing key (so
//! nothing is queued twice and the centre's list stays right) and takes the new key, receipt
//! key and endpoint; a profile of another centre is refused.

use age::secrecy::ExposeSecret;
use rusqlite::{params, Connection};

use super::keys::{CentreIdentity, DeviceKey};
use super::{get_setting, put_setting, setting, CentreProfile};
use crate::error::{Error, Result};
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
        put_setting(tx, setting::CENTRE_PROFILE, &sign(p, &key).to_json())?;
    }
    Ok(key)
}

/// The profile signed by the centre's key.
pub(crate) fn sign(profile: CentreProfile, key: &DeviceKey) -> CentreProfile {
    let mut p = CentreProfile { receipt_key: Some(key.public_hex()), signature: None, ..profile };
    p.signature = Some(key.sign_hex(&p.signed_bytes()));
    p
}

/// Keep a key no longer in use, to open bundles made for it (once per key).
pub(crate) fn keep_retired(tx: &Connection, key: &CentreIdentity, retired_at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO centre_old_identities (recipient, identity, retired_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![key.recipient(), key.secret().expose_secret(), retired_at],
    )?;
    Ok(())
}

/// Every key the centre can open bundles with: the current one first, then the retired ones.
pub(crate) fn all_identities(c: &Connection) -> Result<Vec<CentreIdentity>> {
    let mut out: Vec<CentreIdentity> = CentreIdentity::load(c)?.into_iter().collect();
    let mut stmt = c.prepare("SELECT identity FROM centre_old_identities ORDER BY retired_at DESC")?;
    for s in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let s = zeroize::Zeroizing::new(s?);
        out.push(CentreIdentity::parse(&s)?);
    }
    Ok(out)
}

impl Store {
    /// `centre rotate-key`: a new X25519 key for the centre. Returns the new profile for the
    /// devices; bundles made for the old key still open.
    pub fn centre_rotate_key(&self) -> Result<CentreProfile> {
        self.write(|tx| {
            let (_, old) = super::enrol::require_centre(tx)?;
            let mut profile = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
            profile.signature = None;
            keep_retired(tx, &old, &now())?;
            let new = CentreIdentity::generate();
            new.save(tx)?;
            profile.recipient = new.recipient();
            let profile = sign(profile, &receipt_key(tx)?);
            put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
            self.audit(
                tx,
                Action::Edit,
                &profile.centre_id,
                serde_json::json!({ "delivery": "centre_rotate_key", "old": old.recipient(), "new": profile.recipient }),
            )?;
            Ok(profile)
        })
    }

    /// `enrol` on a device already enrolled: the same centre's new profile replaces the old one
    /// (same device id and key); another centre's is refused.
    pub(crate) fn re_enrol(&self, tx: &Connection, profile: &CentreProfile) -> Result<()> {
        let current = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
        if current.centre_id != profile.centre_id {
            return Err(Error::Delivery(format!(
                "この端末は既に「{}」に登録されています。別のセンターに送るには、そのセンター用に新しいストアを作ってください（送った記録が混ざらないようにするためです）。",
                current.centre_name
            )));
        }
        // Only a profile signed by the centre key this device already trusts may replace the
        // one it has: a forged profile with the same (public) centre id could otherwise send
        // the bundles elsewhere, or sign receipts for bundles that never arrived.
        if let Some(trusted) = &current.receipt_key {
            if profile.receipt_key.as_deref() != Some(trusted.as_str()) || !profile.signed_by(trusted) {
                return Err(Error::Delivery(
                    "このプロファイルには、登録済みのセンターの署名がありません（偽のプロファイルの可能性があります）。センターから直接受け取ったプロファイルか確かめてください。登録はそのままです。".into(),
                ));
            }
        }
        put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
        self.audit(tx, Action::Edit, &profile.centre_id, serde_json::json!({ "delivery": "re_enrol", "recipient": profile.recipient }))?;
        Ok(())
    }
}
