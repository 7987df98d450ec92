//! The keys of delivery, kept in the encrypted store's settings. Neither secret type prints
//! itself: `Debug` shows only the public part.

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rusqlite::Connection;

use super::{get_setting, put_setting, setting};
use crate::error::{DeliveryCode, Error, Result};

/// The centre's X25519 key pair (age). The secret half never leaves the centre's store.
pub struct CentreIdentity(age::x25519::Identity);

impl std::fmt::Debug for CentreIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CentreIdentity").field("recipient", &self.recipient()).finish_non_exhaustive()
    }
}

impl CentreIdentity {
    pub fn generate() -> Self {
        CentreIdentity(age::x25519::Identity::generate())
    }

    /// The public key, `age1…`, that devices encrypt to.
    pub fn recipient(&self) -> String {
        self.0.to_public().to_string()
    }

    pub(crate) fn save(&self, c: &Connection) -> Result<()> {
        put_setting(c, setting::CENTRE_IDENTITY, self.0.to_string().expose_secret())
    }

    pub(crate) fn load(c: &Connection) -> Result<Option<Self>> {
        let Some(s) = get_setting(c, setting::CENTRE_IDENTITY)? else { return Ok(None) };
        Self::parse(&zeroize::Zeroizing::new(s)).map(Some)
    }

    pub(crate) fn parse(s: &str) -> Result<Self> {
        let id = s.parse::<age::x25519::Identity>().map_err(|_| Error::Integrity("センターの鍵を読み取れません".into()))?;
        Ok(CentreIdentity(id))
    }

    /// The secret, to keep a retired key in the encrypted store.
    pub(crate) fn secret(&self) -> age::secrecy::SecretString {
        self.0.to_string()
    }

    pub fn decrypt(&self, bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
        age::decrypt(&self.0, bytes).map_err(|e| e.to_string())
    }
}

/// Encrypt to a centre's public key.
pub fn encrypt_to(recipient: &str, plain: &[u8]) -> Result<Vec<u8>> {
    let r = recipient.parse::<age::x25519::Recipient>().map_err(|_| bad_profile("センターの公開鍵"))?;
    age::encrypt(&r, plain).map_err(|_| Error::Integrity("配送ファイルを暗号化できませんでした".into()))
}

pub(crate) fn bad_profile(what: &str) -> Error {
    Error::delivery(
        DeliveryCode::ProfileUnreadable,
        format!(
            "センタープロファイルの{what}を読み取れません。センターから受け取ったファイルを確かめ、もう一度 `chisanpo enrol --profile` を実行してください。"
        ),
    )
}

/// An ed25519 signing key: the device's (bundles) or the centre's (receipts).
pub struct DeviceKey(SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKey").field("public_key", &self.public_hex()).finish_non_exhaustive()
    }
}

impl DeviceKey {
    pub fn generate() -> Self {
        DeviceKey(SigningKey::generate(&mut rand::rngs::OsRng))
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.0.verifying_key().to_bytes())
    }

    pub fn sign_hex(&self, msg: &[u8]) -> String {
        hex::encode(self.0.sign(msg).to_bytes())
    }

    /// A signature over `domain` + NUL + `msg` (ADR 0025): a signature made for one kind of
    /// message can never be taken for another.
    pub fn sign_in(&self, domain: &str, msg: &[u8]) -> String {
        self.sign_hex(&in_domain(domain, msg))
    }

    pub(crate) fn save(&self, c: &Connection) -> Result<()> {
        self.save_as(c, setting::DEVICE_KEY)
    }

    pub(crate) fn load(c: &Connection) -> Result<Option<Self>> {
        Self::load_from(c, setting::DEVICE_KEY)
    }

    /// The secret key, hex (kept in the encrypted store, or the centre's key file).
    pub(crate) fn secret_hex(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(hex::encode(self.0.to_bytes()))
    }

    pub(crate) fn from_secret_hex(s: &str) -> Option<Self> {
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(s, &mut bytes[..]).ok()?;
        Some(DeviceKey(SigningKey::from_bytes(&bytes)))
    }

    pub(crate) fn save_as(&self, c: &Connection, name: &str) -> Result<()> {
        put_setting(c, name, &self.secret_hex())
    }

    pub(crate) fn load_from(c: &Connection, name: &str) -> Result<Option<Self>> {
        let Some(s) = get_setting(c, name)? else { return Ok(None) };
        let s = zeroize::Zeroizing::new(s);
        Self::from_secret_hex(&s).map(Some).ok_or_else(|| Error::Integrity("端末の署名鍵を読み取れません".into()))
    }
}

/// The kinds of message the centre's keys sign, each signed over its own prefix (ADR 0025).
pub mod domain {
    /// A centre profile, signed by the centre's root key.
    pub const PROFILE: &str = "chisanpo centre profile v2";
    /// A receipt, signed by the centre's signing key under a profile that names a root.
    pub const RECEIPT: &str = "chisanpo receipt v2";
    /// A tombstone, sealed by the centre's signing key after the payload it removes was checked.
    pub const TOMBSTONE: &str = "chisanpo tombstone v1";
}

fn in_domain(domain: &str, msg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(domain.len() + 1 + msg.len());
    out.extend_from_slice(domain.as_bytes());
    out.push(0);
    out.extend_from_slice(msg);
    out
}

/// Check a signature made with `DeviceKey::sign_in` for `domain`.
pub fn verify_in(domain: &str, public_hex: &str, msg: &[u8], signature_hex: &str) -> bool {
    verify(public_hex, &in_domain(domain, msg), signature_hex)
}

/// Check an ed25519 signature (hex) by a public key (hex).
pub fn verify(public_hex: &str, msg: &[u8], signature_hex: &str) -> bool {
    let (mut pk, mut sig) = ([0u8; 32], [0u8; 64]);
    if hex::decode_to_slice(public_hex, &mut pk).is_err() || hex::decode_to_slice(signature_hex, &mut sig).is_err() {
        return false;
    }
    let Ok(vk) = VerifyingKey::from_bytes(&pk) else { return false };
    vk.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_for_one_domain_is_not_one_for_another_nor_a_plain_one() {
        let k = DeviceKey::generate();
        let sig = k.sign_in(domain::RECEIPT, b"{}");
        assert!(verify_in(domain::RECEIPT, &k.public_hex(), b"{}", &sig));
        assert!(!verify_in(domain::PROFILE, &k.public_hex(), b"{}", &sig));
        assert!(!verify(&k.public_hex(), b"{}", &sig));
        assert!(!verify_in(domain::RECEIPT, &k.public_hex(), b"{}", &k.sign_hex(b"{}")));
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let c = CentreIdentity::generate();
        let secret = c.0.to_string().expose_secret().to_string();
        let shown = format!("{c:?}");
        assert!(!shown.contains(&secret) && !shown.contains("AGE-SECRET-KEY"), "{shown}");
        let d = DeviceKey::generate();
        let shown = format!("{d:?}");
        assert!(!shown.contains(&hex::encode(d.0.to_bytes())), "{shown}");
    }

    #[test]
    fn sign_verify_encrypt_decrypt() {
        let d = DeviceKey::generate();
        let sig = d.sign_hex(b"payload");
        assert!(verify(&d.public_hex(), b"payload", &sig));
        assert!(!verify(&d.public_hex(), b"payloaD", &sig));
        let c = CentreIdentity::generate();
        let enc = encrypt_to(&c.recipient(), b"secret words").unwrap();
        assert_eq!(c.decrypt(&enc).unwrap(), b"secret words");
        assert!(CentreIdentity::generate().decrypt(&enc).is_err());
    }
}
