//! The centre's keys for a second coordinator. With a shared PostgreSQL ledger, every
//! coordinator who imports needs the centre's keys: the X25519 key that opens bundles (and the
//! retired ones, for bundles made before a rotation), and the ed25519 key that signs receipts
//! and profiles. `centre export-keys` writes them in one file encrypted with a passphrase (age,
//! scrypt); `centre join --keys` takes them into another coordinator's encrypted store. The
//! passphrase travels separately (by phone, never with the file).

use age::secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keys::{CentreIdentity, DeviceKey};
use super::rotate::keep_retired;
use super::{get_setting, put_setting, setting, CentreProfile, FORMAT};
use crate::enrol::Enrolment;
use crate::error::{DeliveryCode, Error, Result};
use crate::store::{now, Action, Passphrase, Store};

/// A retired X25519 key, kept to open bundles made for it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OldIdentity {
    recipient: String,
    identity: String,
    retired_at: String,
}

/// The plaintext inside the key file. No `Debug`: it holds the secrets.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    format: u32,
    centre_id: String,
    /// The signed profile, as the devices have it.
    profile: String,
    identity: String,
    /// The receipt and profile signing key, hex.
    signing_key: String,
    old_identities: Vec<OldIdentity>,
    /// The signing keys rotations replaced (public, hex) and when, so that a store joining after
    /// a rotation made elsewhere still knows which tombstone seals were made in their time.
    #[serde(default)]
    retired_signing_keys: Vec<(String, String)>,
}

impl Drop for KeyFile {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.identity.zeroize();
        self.signing_key.zeroize();
        for o in &mut self.old_identities {
            o.identity.zeroize();
        }
    }
}

fn unreadable() -> Error {
    Error::delivery(DeliveryCode::KeyFile,
        "鍵ファイルを開けません。パスフレーズが違うか、ファイルが壊れています。鍵ファイルを書き出したコーディネーターにパスフレーズを確かめ、必要なら書き出し直してもらってください。",
    )
}

/// The centre's keys, exported and joined by a second coordinator's store.
pub trait CentreKeys {
    /// `centre export-keys`: the centre's keys, encrypted with `passphrase` (at least
    /// `MIN_PASSPHRASE_CHARS` characters). The export is written to the audit log.
    fn centre_export_keys(&self, passphrase: &Passphrase) -> Result<Vec<u8>>;

    /// `centre join --keys`: make this store a coordinator's store of the centre whose keys
    /// are in `bytes`. A store of the same centre takes keys it lacks (after a rotation); a
    /// laptop's store, or another centre's, is refused. Returns the centre's profile.
    fn centre_join(&self, bytes: &[u8], passphrase: &Passphrase) -> Result<CentreProfile>;

    /// The fingerprint two coordinators compare by phone before one takes the other's key file:
    /// the start of the receipt key both stores sign with.
    fn centre_key_fingerprint(&self) -> Result<Option<String>>;
}

impl CentreKeys for Store {
    fn centre_export_keys(&self, passphrase: &Passphrase) -> Result<Vec<u8>> {
        passphrase.check_strength()?;
        let plain = self.write(|tx| {
            let (centre_id, identity) = super::enrol::require_centre(tx)?;
            let signing = super::rotate::receipt_key(tx)?;
            let profile = get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default();
            let old_identities = crate::store::consolidated::old_identities(tx)?
                .into_iter()
                .map(|(recipient, identity, retired_at)| OldIdentity { recipient, identity: identity.to_string(), retired_at })
                .collect();
            let file = KeyFile {
                format: FORMAT,
                centre_id: centre_id.clone(),
                profile,
                identity: identity.secret().expose_secret().to_string(),
                signing_key: signing.secret_hex().to_string(),
                old_identities,
                retired_signing_keys: super::rotate::retired_signing_keys(tx)?,
            };
            self.audit(tx, Action::Edit, &centre_id, serde_json::json!({ "delivery": "centre_export_keys", "recipient": identity.recipient() }))?;
            Ok(Zeroizing::new(serde_json::to_string(&file).expect("key files serialise")))
        })?;
        let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.expose().to_string()));
        age::encrypt(&recipient, plain.as_bytes()).map_err(|_| Error::Integrity("鍵ファイルを暗号化できませんでした".into()))
    }

    fn centre_join(&self, bytes: &[u8], passphrase: &Passphrase) -> Result<CentreProfile> {
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.expose().to_string()));
        let plain = Zeroizing::new(age::decrypt(&identity, bytes).map_err(|_| unreadable())?);
        let file: KeyFile = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
        let profile = CentreProfile::parse(&file.profile).map_err(|_| unreadable())?;
        let current = CentreIdentity::parse(&file.identity).map_err(|_| unreadable())?;
        let signing = DeviceKey::from_secret_hex(&file.signing_key).ok_or_else(unreadable)?;
        if file.format != FORMAT
            || profile.centre_id != file.centre_id
            || profile.recipient != current.recipient()
            || profile.receipt_key.as_deref() != Some(signing.public_hex().as_str())
            || !profile.signed_by(&signing.public_hex())
        {
            return Err(unreadable());
        }
        // Retired keys by the recipient their secret gives, never by what the file says.
        let old_keys = file
            .old_identities
            .iter()
            .map(|o| CentreIdentity::parse(&o.identity).map(|k| (k, o.retired_at.as_str())).map_err(|_| unreadable()))
            .collect::<Result<Vec<_>>>()?;
        self.write(|tx| {
            if get_setting(tx, setting::DEVICE_ID)?.is_some() {
                return Err(Error::delivery(
                    DeliveryCode::KeyFile,
                    "この端末は医師の端末としてセンターに登録されています。センターの鍵は、コーディネーター用に新しく作ったストアで取り込んでください。",
                ));
            }
            match get_setting(tx, setting::CENTRE_ID)? {
                Some(id) if id != file.centre_id => {
                    return Err(Error::delivery(DeliveryCode::KeyFile, "このストアは別のセンターのストアです。この鍵ファイルは取り込めません。"));
                }
                Some(_) => joining_again(tx, &current, &signing, &profile)?,
                None => put_setting(tx, setting::CENTRE_ID, &file.centre_id)?,
            }
            current.save(tx)?;
            signing.save_as(tx, setting::CENTRE_SIGNING_KEY)?;
            put_setting(tx, setting::CENTRE_PROFILE, &file.profile)?;
            for (key, retired_at) in &old_keys {
                keep_retired(tx, key, retired_at)?;
            }
            self.audit(
                tx,
                Action::Edit,
                &file.centre_id,
                serde_json::json!({ "delivery": "centre_join", "recipient": current.recipient(), "retired_signing_keys": file.retired_signing_keys }),
            )?;
            Ok(())
        })?;
        Ok(profile)
    }

    fn centre_key_fingerprint(&self) -> Result<Option<String>> {
        Ok(self.centre_profile()?.and_then(|p| p.receipt_key).map(|k| fingerprint(&k)))
    }
}

/// `abcd-ef01-…`: the first 16 hex digits of a public key, in groups of four.
pub fn fingerprint(public_hex: &str) -> String {
    public_hex.chars().take(16).collect::<Vec<_>>().chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A store of the same centre takes a key file only if it is that centre's signing key and not
/// older than what the store has: an older export would put back a retired key, and another
/// signing key would make every device distrust this store's receipts. A new signing key comes
/// only with a root-signed profile: of the same root with a higher serial (a rotation, ADR
/// 0025), or introducing the root to a store that had none. Its current
/// X25519 key, if the file's differs, is kept as a retired one.
fn joining_again(tx: &rusqlite::Connection, current: &CentreIdentity, signing: &DeviceKey, profile: &CentreProfile) -> Result<()> {
    let mine_profile = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
    if mine_profile.root_key.is_some() {
        mine_profile.may_be_replaced_by(profile).map_err(|_| {
            Error::delivery(DeliveryCode::KeyFile,
                "この鍵ファイルは、このストアのセンターの鍵より古いか、このセンターの責任者鍵で署名されていません。鍵を新しくした後に書き出した鍵ファイルを取り込んでください。",
            )
        })?;
    }
    // A rotation under the root this store knows, or a root this store did not know yet (the
    // key file came with its passphrase and a fingerprint read over the phone).
    let rotated = profile.root_key.is_some() && (mine_profile.root_key.is_none() || profile.serial > mine_profile.serial);
    let mine = DeviceKey::load_from(tx, setting::CENTRE_SIGNING_KEY)?;
    if !rotated && mine.is_some_and(|k| k.public_hex() != signing.public_hex()) {
        return Err(Error::delivery(DeliveryCode::KeyFile,
            "この鍵ファイルの署名鍵は、このストアのセンターの署名鍵と違います。取り込むと端末が受領通知を信用しなくなるため、取り込みません。鍵ファイルを書き出したストアを確かめてください。",
        ));
    }
    let retired = crate::store::consolidated::is_retired(tx, &current.recipient())?;
    if retired {
        return Err(Error::delivery(
            DeliveryCode::KeyFile,
            "この鍵ファイルは、このストアがすでに新しくした鍵の時点のものです（古い書き出し）。鍵を新しくした後に書き出した鍵ファイルを取り込んでください。",
        ));
    }
    let (_, mine) = super::enrol::require_centre(tx)?;
    if mine.recipient() != current.recipient() {
        keep_retired(tx, &mine, &now())?;
    }
    Ok(())
}
