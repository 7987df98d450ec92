//! The centre's root key (ADR 0025): it signs the centre profile, and nothing else. It lives
//! only in a root key file encrypted with its own passphrase, kept by the centre's 責任者 away
//! from every store; `centre export-keys` never carries it. `centre root-key` makes it;
//! `centre rotate-key --root-key` uses it to give the centre new keys that devices accept.

use age::secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keys::{domain, DeviceKey};
use super::rotate::{receipt_key, seal};
use super::{get_setting, put_setting, setting, CentreProfile, FORMAT};
use crate::error::{DeliveryCode, Error, Result};
use crate::store::{Action, Passphrase, Store};

/// A root key file's passphrase is longer than a store's: the file may be copied and guessed at
/// offline, and it is typed rarely.
pub const ROOT_MIN_CHARS: usize = 12;

/// The root key, opened from its file. `Debug` shows only the public half.
#[derive(Debug)]
pub struct RootKey {
    centre_id: String,
    key: DeviceKey,
}

/// The plaintext inside a root key file. No `Debug`: it holds the secret.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RootFile {
    format: u32,
    kind: String,
    centre_id: String,
    root_key: String,
}

impl Drop for RootFile {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.root_key.zeroize();
    }
}

const KIND: &str = "chisanpo-centre-root-key";

fn unreadable() -> Error {
    Error::delivery(DeliveryCode::RootKey,
        "責任者鍵ファイルを開けません。パスフレーズが違うか、責任者鍵ファイルではないか、ファイルが壊れています。センターの責任者が保管している責任者鍵ファイルとパスフレーズを確かめてください。",
    )
}

impl RootKey {
    pub fn public_hex(&self) -> String {
        self.key.public_hex()
    }

    /// Open a root key file with its passphrase.
    pub fn open(bytes: &[u8], passphrase: &Passphrase) -> Result<Self> {
        let identity = age::scrypt::Identity::new(SecretString::from(passphrase.expose().to_string()));
        let plain = Zeroizing::new(age::decrypt(&identity, bytes).map_err(|_| unreadable())?);
        let file: RootFile = serde_json::from_slice(&plain).map_err(|_| unreadable())?;
        if file.format != FORMAT || file.kind != KIND {
            return Err(unreadable());
        }
        let key = DeviceKey::from_secret_hex(&file.root_key).ok_or_else(unreadable)?;
        Ok(RootKey { centre_id: file.centre_id.clone(), key })
    }

    fn file(&self, passphrase: &Passphrase) -> Result<Vec<u8>> {
        if passphrase.expose().chars().count() < ROOT_MIN_CHARS {
            return Err(Error::WeakPassphrase { min: ROOT_MIN_CHARS });
        }
        let file = RootFile { format: FORMAT, kind: KIND.into(), centre_id: self.centre_id.clone(), root_key: self.key.secret_hex().to_string() };
        let plain = Zeroizing::new(serde_json::to_string(&file).expect("root files serialise"));
        let recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.expose().to_string()));
        age::encrypt(&recipient, plain.as_bytes()).map_err(|_| Error::Integrity("責任者鍵ファイルを暗号化できませんでした".into()))
    }

    /// Sign a profile as its root (the profile must already name this root).
    pub(crate) fn sign(&self, profile: &CentreProfile) -> String {
        self.key.sign_in(domain::PROFILE, &profile.signed_bytes())
    }

    /// This root, if it is the one `profile` names; otherwise a clear refusal.
    pub(crate) fn check_for(&self, profile: &CentreProfile) -> Result<()> {
        if self.centre_id != profile.centre_id || profile.root_key.as_deref() != Some(self.public_hex().as_str()) {
            return Err(Error::delivery(
                DeliveryCode::RootKey,
                "この責任者鍵ファイルは、このセンターの責任者鍵ではありません。このセンターの `centre root-key` で作った責任者鍵ファイルを指定してください。",
            ));
        }
        Ok(())
    }
}

/// The centre's root key, kept offline.
pub trait CentreRoot {
    /// `centre root-key`: make the centre's root key, once. Returns the root key file (encrypted
    /// with `passphrase`, at least `ROOT_MIN_CHARS` characters) and the profile that introduces
    /// the root to the devices (signed by the root and by the current signing key, which the
    /// devices already trust). `keep` stores the file (e.g. writes it where the 責任者 chose)
    /// before the root is committed: a root whose file could not be kept is never made.
    fn centre_make_root(&self, passphrase: &Passphrase, keep: &dyn Fn(&[u8]) -> Result<()>) -> Result<(Vec<u8>, CentreProfile)>;
}

impl CentreRoot for Store {
    fn centre_make_root(&self, passphrase: &Passphrase, keep: &dyn Fn(&[u8]) -> Result<()>) -> Result<(Vec<u8>, CentreProfile)> {
        if passphrase.expose().chars().count() < ROOT_MIN_CHARS {
            return Err(Error::WeakPassphrase { min: ROOT_MIN_CHARS });
        }
        self.write(|tx| {
            let (centre_id, _) = super::enrol::require_centre(tx)?;
            let profile = CentreProfile::parse(&get_setting(tx, setting::CENTRE_PROFILE)?.unwrap_or_default())?;
            if profile.root_key.is_some() {
                return Err(Error::delivery(DeliveryCode::RootKey,
                    "このセンターには既に責任者鍵があります。責任者鍵は作り直せません（端末が受け付けなくなるため）。鍵を新しくするには `chisanpo centre rotate-key --root-key 責任者鍵ファイル` を使ってください。",
                ));
            }
            let root = RootKey { centre_id: centre_id.clone(), key: DeviceKey::generate() };
            let file = root.file(passphrase)?;
            let profile = CentreProfile { serial: Some(1), ..profile };
            let profile = seal(profile, &receipt_key(tx)?, Some(&root));
            put_setting(tx, setting::CENTRE_PROFILE, &profile.to_json())?;
            self.audit(tx, Action::Edit, &centre_id, serde_json::json!({ "delivery": "centre_root_key", "root_key": root.public_hex() }))?;
            keep(&file)?;
            Ok((file, profile))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_file_opens_only_with_its_passphrase_and_never_shows_its_secret() {
        let root = RootKey { centre_id: "c".into(), key: DeviceKey::generate() };
        let pass = Passphrase::new("責任者の長いパスフレーズ");
        let bytes = root.file(&pass).unwrap();
        assert_eq!(RootKey::open(&bytes, &pass).unwrap().public_hex(), root.public_hex());
        assert!(RootKey::open(&bytes, &Passphrase::new("違うパスフレーズです!!")).unwrap_err().to_string().contains("責任者鍵ファイルを開けません"));
        assert!(matches!(root.file(&Passphrase::new("short")), Err(Error::WeakPassphrase { min: ROOT_MIN_CHARS })));
        let shown = format!("{root:?}");
        assert!(!shown.contains(root.key.secret_hex().as_str()), "{shown}");
    }
}
