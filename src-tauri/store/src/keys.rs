//! Keys. The store is encrypted with a random 256-bit data key. The data key is never stored
//! in clear: the keyring file holds it wrapped twice, once by a key derived from the passphrase
//! (Argon2id) and once by a key derived from the recovery key (HKDF-SHA256). Changing the
//! passphrase re-wraps the data key; the store itself is not re-encrypted. See docs/adr/0002.
//!
//! Key types have no `Serialize`, their `Debug` is redacted, and they are zeroised on drop.

use std::fmt;
use std::path::Path;
use std::sync::LazyLock;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::{Encoding, Specification};
use hkdf::Hkdf;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// The minimum passphrase length, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The 256-bit key SQLCipher encrypts the store with.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::thread_rng().fill_bytes(k.as_mut());
        DataKey(k)
    }

    /// The `PRAGMA key` value: a raw key, so SQLCipher skips its own KDF.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// An HMAC-SHA-256 under a key derived from the data key for one purpose (HKDF-SHA-256, no
    /// salt, `context` as the info): the audit anchor and the backup header each have their own.
    pub(crate) fn mac(&self, context: &[u8]) -> hmac::Hmac<Sha256> {
        use hmac::Mac;
        let mut sub = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, self.0.as_ref()).expand(context, sub.as_mut()).expect("32 bytes is a valid HKDF length");
        <hmac::Hmac<Sha256> as Mac>::new_from_slice(sub.as_ref()).expect("HMAC takes any key length")
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

/// The user's passphrase, held only as long as needed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(s: impl Into<String>) -> Self {
        Passphrase(Zeroizing::new(s.into()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// Check a new passphrase is long enough.
    pub fn check_strength(&self) -> Result<()> {
        if self.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase { min: MIN_PASSPHRASE_CHARS });
        }
        Ok(())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// The recovery key: 160 random bits, shown once as 8 groups of 4 characters
/// (Crockford base32: no I, L, O or U to misread).
pub struct RecoveryKey(Zeroizing<[u8; 20]>);

/// Crockford base32 as a person types it: upper or lower case, and O, I, L read as 0, 1, 1 (the
/// letters left out of the alphabet so that they cannot be misread). Spaces and dashes are taken
/// out before decoding ([`RecoveryKey::parse`]), so `ignore` is not used.
static CROCKFORD: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzOoIiLl");
    spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ001111");
    spec.encoding().expect("the Crockford alphabet is a valid base32 specification")
});

/// 160 bits are 32 characters of 5 bits, with none left over.
const KEY_CHARS: usize = 32;

impl RecoveryKey {
    pub fn generate() -> Self {
        let mut k = Zeroizing::new([0u8; 20]);
        rand::thread_rng().fill_bytes(k.as_mut());
        RecoveryKey(k)
    }

    /// `ABCD-EFGH-…`, 8 groups of 4, for the recovery sheet.
    pub fn display(&self) -> Zeroizing<String> {
        let mut chars = Zeroizing::new([0u8; KEY_CHARS]);
        CROCKFORD.encode_mut(self.0.as_ref(), chars.as_mut());
        let mut shown = Zeroizing::new(String::with_capacity(KEY_CHARS + 7));
        for (i, group) in chars.chunks(4).enumerate() {
            if i > 0 {
                shown.push('-');
            }
            shown.extend(group.iter().map(|b| char::from(*b)));
        }
        shown
    }

    /// Read a recovery key as typed: case, spaces and dashes do not matter, and O/I/L read as 0/1/1.
    pub fn parse(s: &str) -> Result<Self> {
        let typed: Zeroizing<Vec<u8>> =
            Zeroizing::new(s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != 'ー').map(|c| u8::try_from(c).unwrap_or(0xFF)).collect());
        if typed.len() != KEY_CHARS {
            return Err(Error::WrongRecoveryKey);
        }
        let mut out = Zeroizing::new([0u8; 20]);
        match CROCKFORD.decode_mut(&typed, out.as_mut()) {
            Ok(20) => Ok(RecoveryKey(out)),
            _ => Err(Error::WrongRecoveryKey),
        }
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

/// What unlocks a store: the passphrase, or the recovery key when it was forgotten.
pub enum Secret {
    Passphrase(Passphrase),
    Recovery(RecoveryKey),
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Secret::Passphrase(_) => "Secret::Passphrase(<redacted>)",
            Secret::Recovery(_) => "Secret::Recovery(<redacted>)",
        })
    }
}

/// Argon2id cost. See docs/adr/0002 for why these numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: about 0.2 s on the 2-core reference machine.
    pub const DEFAULT: KdfParams = KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 1 };
    /// The floor below which a keyring is refused (OWASP's minimum for Argon2id).
    pub const MINIMUM: KdfParams = KdfParams { memory_kib: 19 * 1024, iterations: 2, parallelism: 1 };
    /// The ceiling above which a keyring is refused: 1 GiB, 16 passes, 8 lanes (about 1 minute
    /// on the reference machine at worst). The app never writes more than [`Self::DEFAULT`], so a
    /// keyring above this was tampered with, to make unlocking take hours or exhaust memory.
    pub const MAXIMUM: KdfParams = KdfParams { memory_kib: 1024 * 1024, iterations: 16, parallelism: 8 };

    /// Check the parameters lie between [`Self::MINIMUM`] and [`Self::MAXIMUM`]; the error names
    /// the setting out of range. Argon2 itself needs at least 8 KiB of memory per lane.
    pub fn check(&self) -> Result<()> {
        let (lo, hi) = (Self::MINIMUM, Self::MAXIMUM);
        let out = |what: String, allowed: String| Err(Error::KdfOutOfRange { what, allowed });
        if !(lo.memory_kib..=hi.memory_kib).contains(&self.memory_kib) {
            return out(format!("メモリ {} KiB", self.memory_kib), format!("{}〜{} KiB", lo.memory_kib, hi.memory_kib));
        }
        if !(lo.iterations..=hi.iterations).contains(&self.iterations) {
            return out(format!("反復 {} 回", self.iterations), format!("{}〜{} 回", lo.iterations, hi.iterations));
        }
        if !(lo.parallelism..=hi.parallelism).contains(&self.parallelism) || self.memory_kib < 8 * self.parallelism {
            return out(format!("並列 {}", self.parallelism), format!("{}〜{}", lo.parallelism, hi.parallelism));
        }
        Ok(())
    }

    /// The parameters a passphrase change wraps with: the current default, or the keyring's own
    /// where they are stronger (a change never weakens the wrap, and old keyrings catch up).
    pub fn for_rewrap(old: KdfParams) -> KdfParams {
        let d = Self::DEFAULT;
        KdfParams {
            memory_kib: d.memory_kib.max(old.memory_kib),
            iterations: d.iterations.max(old.iterations),
            parallelism: d.parallelism.max(old.parallelism),
        }
    }
}

/// A data key encrypted under a wrapping key.
#[derive(Clone, Serialize, Deserialize)]
struct Wrapped {
    nonce: String,
    ciphertext: String,
}

/// The keyring file: everything needed to unlock the store, and nothing that helps without
/// the passphrase or the recovery key.
#[derive(Clone, Serialize, Deserialize)]
pub struct Keyring {
    pub format: u32,
    pub store_id: String,
    pub kdf: KdfParams,
    salt: String,
    passphrase: Wrapped,
    recovery_salt: String,
    recovery: Wrapped,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring").field("format", &self.format).field("store_id", &self.store_id).field("kdf", &self.kdf).finish_non_exhaustive()
    }
}

const KEYRING_FORMAT: u32 = 1;

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::thread_rng().fill_bytes(&mut b);
    b
}

fn passphrase_kek(pass: &Passphrase, salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(p.memory_kib, p.iterations, p.parallelism, Some(32)).map_err(|_| Error::Integrity("鍵の導出設定が不正です".into()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(pass.expose().as_bytes(), salt, out.as_mut())
        .map_err(|_| Error::Integrity("鍵を導出できません".into()))?;
    Ok(out)
}

fn recovery_kek(key: &RecoveryKey, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let hk = Hkdf::<Sha256>::new(Some(salt), key.0.as_ref());
    let mut out = Zeroizing::new([0u8; 32]);
    hk.expand(b"chisanpo recovery key wrap v1", out.as_mut()).expect("32 bytes is a valid HKDF length");
    out
}

fn aad(store_id: &str, purpose: &str) -> Vec<u8> {
    format!("chisanpo-keyring-v{KEYRING_FORMAT}|{store_id}|{purpose}").into_bytes()
}

fn wrap(kek: &[u8; 32], key: &DataKey, aad: &[u8]) -> Wrapped {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let nonce = random::<24>();
    let ct = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad }).expect("encryption of 32 bytes cannot fail");
    Wrapped { nonce: hex::encode(nonce), ciphertext: hex::encode(ct) }
}

fn unwrap(kek: &[u8; 32], w: &Wrapped, aad: &[u8]) -> Option<DataKey> {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let nonce = hex::decode(&w.nonce).ok().filter(|n| n.len() == 24)?;
    let ct = hex::decode(&w.ciphertext).ok()?;
    let plain = Zeroizing::new(cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &ct, aad }).ok()?);
    let arr: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(DataKey(Zeroizing::new(arr)))
}

impl Keyring {
    /// A new keyring for a new data key.
    pub fn create(store_id: &str, key: &DataKey, pass: &Passphrase, recovery: &RecoveryKey, kdf: KdfParams) -> Result<Self> {
        kdf.check()?;
        let salt = random::<16>();
        let recovery_salt = random::<16>();
        let kek = passphrase_kek(pass, &salt, kdf)?;
        let rkek = recovery_kek(recovery, &recovery_salt);
        Ok(Keyring {
            format: KEYRING_FORMAT,
            store_id: store_id.to_string(),
            kdf,
            salt: hex::encode(salt),
            passphrase: wrap(&kek, key, &aad(store_id, "passphrase")),
            recovery_salt: hex::encode(recovery_salt),
            recovery: wrap(&rkek, key, &aad(store_id, "recovery")),
        })
    }

    /// Checked before any key derivation: a keyring of another format is not ours, and KDF
    /// parameters out of range are refused before they cost anything.
    fn check_params(&self) -> Result<()> {
        if self.format != KEYRING_FORMAT {
            return Err(Error::NotAStore { path: "keyring.json".into() });
        }
        self.kdf.check()
    }

    pub fn unlock(&self, pass: &Passphrase) -> Result<DataKey> {
        self.check_params()?;
        let salt = hex::decode(&self.salt).map_err(|_| Error::NotAStore { path: "keyring.json".into() })?;
        let kek = passphrase_kek(pass, &salt, self.kdf)?;
        unwrap(&kek, &self.passphrase, &aad(&self.store_id, "passphrase")).ok_or(Error::WrongPassphrase)
    }

    pub fn unlock_with_recovery(&self, recovery: &RecoveryKey) -> Result<DataKey> {
        self.check_params()?;
        let salt = hex::decode(&self.recovery_salt).map_err(|_| Error::NotAStore { path: "keyring.json".into() })?;
        let kek = recovery_kek(recovery, &salt);
        unwrap(&kek, &self.recovery, &aad(&self.store_id, "recovery")).ok_or(Error::WrongRecoveryKey)
    }

    pub fn unlock_secret(&self, secret: &Secret) -> Result<DataKey> {
        match secret {
            Secret::Passphrase(p) => self.unlock(p),
            Secret::Recovery(r) => self.unlock_with_recovery(r),
        }
    }

    /// Wrap the data key under a new recovery key, with a new salt: once a recovery key has been
    /// typed (its sheet taken out of the safe), it opens the store no more.
    pub fn rewrap_recovery(&self, key: &DataKey, new: &RecoveryKey) -> Keyring {
        let recovery_salt = random::<16>();
        let rkek = recovery_kek(new, &recovery_salt);
        Keyring { recovery_salt: hex::encode(recovery_salt), recovery: wrap(&rkek, key, &aad(&self.store_id, "recovery")), ..self.clone() }
    }

    /// Wrap the data key under a new passphrase, with today's KDF parameters
    /// ([`KdfParams::for_rewrap`]): a keyring made with older, cheaper settings does not keep
    /// them forever. The recovery wrap is kept.
    pub fn rewrap_passphrase(&self, key: &DataKey, new: &Passphrase) -> Result<Keyring> {
        self.rewrap_passphrase_with(key, new, KdfParams::for_rewrap(self.kdf))
    }

    /// As [`Keyring::rewrap_passphrase`], with chosen parameters (checked against the range).
    pub fn rewrap_passphrase_with(&self, key: &DataKey, new: &Passphrase, kdf: KdfParams) -> Result<Keyring> {
        kdf.check()?;
        let salt = random::<16>();
        let kek = passphrase_kek(new, &salt, kdf)?;
        Ok(Keyring { kdf, salt: hex::encode(salt), passphrase: wrap(&kek, key, &aad(&self.store_id, "passphrase")), ..self.clone() })
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|_| Error::File { path: path.display().to_string(), source: None })?;
        serde_json::from_str(&text).map_err(|_| Error::NotAStore { path: path.display().to_string() })
    }

    /// Write the keyring atomically: a crash leaves the old one or the new one, never half.
    pub fn save(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("keyring serialises");
        crate::atomic::write_file(path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams::MINIMUM;

    #[test]
    fn the_passphrase_and_the_recovery_key_both_unlock() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("correct horse"), &rk, FAST).unwrap();
        assert_eq!(ring.unlock(&Passphrase::new("correct horse")).unwrap().bytes(), key.bytes());
        assert_eq!(ring.unlock_with_recovery(&rk).unwrap().bytes(), key.bytes());
        assert!(matches!(ring.unlock(&Passphrase::new("wrong horse")), Err(Error::WrongPassphrase)));
        assert!(matches!(ring.unlock_with_recovery(&RecoveryKey::generate()), Err(Error::WrongRecoveryKey)));
    }

    #[test]
    fn rewrapping_changes_the_passphrase_but_not_the_key() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("old passphrase"), &rk, FAST).unwrap();
        let ring2 = ring.rewrap_passphrase(&key, &Passphrase::new("new passphrase")).unwrap();
        assert_eq!(ring2.unlock(&Passphrase::new("new passphrase")).unwrap().bytes(), key.bytes());
        assert!(ring2.unlock(&Passphrase::new("old passphrase")).is_err());
        assert_eq!(ring2.unlock_with_recovery(&rk).unwrap().bytes(), key.bytes());
    }

    #[test]
    fn a_keyring_moved_to_another_store_does_not_unlock() {
        let key = DataKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("passphrase"), &RecoveryKey::generate(), FAST).unwrap();
        let moved = Keyring { store_id: "s2".into(), ..ring };
        assert!(matches!(moved.unlock(&Passphrase::new("passphrase")), Err(Error::WrongPassphrase)));
    }

    #[test]
    fn weak_kdf_parameters_are_refused() {
        let key = DataKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("passphrase"), &RecoveryKey::generate(), FAST).unwrap();
        let weak = Keyring { kdf: KdfParams { memory_kib: 8, iterations: 1, parallelism: 1 }, ..ring };
        assert!(matches!(weak.unlock(&Passphrase::new("passphrase")), Err(Error::KdfOutOfRange { .. })));
    }

    /// The attack: a keyring.json edited to ask Argon2id for 4 TiB, or a million passes, or
    /// 2^24 lanes. Each is refused at once, before any derivation, naming the setting; with the
    /// check missing, the first would abort on allocation and the second would run for days.
    #[test]
    fn kdf_parameters_above_the_ceiling_are_refused_before_any_derivation() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("passphrase"), &rk, FAST).unwrap();
        let huge = [
            (KdfParams { memory_kib: u32::MAX, ..FAST }, "メモリ"),
            (KdfParams { iterations: 1_000_000, ..FAST }, "反復"),
            (KdfParams { memory_kib: 1024 * 1024, iterations: 2, parallelism: 1 << 24 }, "並列"),
            (KdfParams { parallelism: 0, ..FAST }, "並列"),
        ];
        for (kdf, named) in huge {
            let tampered = Keyring { kdf, ..ring.clone() };
            let started = std::time::Instant::now();
            let e = tampered.unlock(&Passphrase::new("passphrase")).unwrap_err();
            assert!(matches!(e, Error::KdfOutOfRange { .. }), "{kdf:?}: {e:?}");
            let m = e.to_string();
            assert!(m.contains(named) && m.contains("keyring.json") && m.contains("バックアップから復元"), "{m}");
            // The recovery key goes through the same check (its wrap does not use Argon2, but a
            // tampered keyring is not to be trusted for either).
            assert!(matches!(tampered.unlock_with_recovery(&rk), Err(Error::KdfOutOfRange { .. })));
            assert!(started.elapsed() < std::time::Duration::from_secs(5), "refused before deriving: {kdf:?}");
        }
        // The ceiling itself, and the default, are accepted.
        assert!(KdfParams::MAXIMUM.check().is_ok());
        assert!(KdfParams::DEFAULT.check().is_ok());
        assert!(KdfParams::MINIMUM.check().is_ok());
    }

    #[test]
    fn a_passphrase_change_rewraps_with_the_current_default_parameters() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("old passphrase"), &rk, KdfParams::MINIMUM).unwrap();
        assert_eq!(ring.kdf, KdfParams::MINIMUM);
        let ring2 = ring.rewrap_passphrase(&key, &Passphrase::new("new passphrase")).unwrap();
        assert_eq!(ring2.kdf, KdfParams::DEFAULT, "the old, cheaper settings are not kept");
        assert_eq!(ring2.unlock(&Passphrase::new("new passphrase")).unwrap().bytes(), key.bytes());
        assert_eq!(ring2.unlock_with_recovery(&rk).unwrap().bytes(), key.bytes());
        // A keyring stronger than the default is never weakened by a change.
        let strong = KdfParams { memory_kib: 96 * 1024, iterations: 4, parallelism: 2 };
        assert_eq!(KdfParams::for_rewrap(strong), strong);
        assert_eq!(KdfParams::for_rewrap(KdfParams { iterations: 5, ..KdfParams::MINIMUM }), KdfParams { iterations: 5, ..KdfParams::DEFAULT });
        // Parameters out of range are refused when wrapping too.
        assert!(matches!(
            ring.rewrap_passphrase_with(&key, &Passphrase::new("new passphrase"), KdfParams { iterations: 99, ..FAST }),
            Err(Error::KdfOutOfRange { .. })
        ));
    }

    #[test]
    fn recovery_keys_round_trip_through_their_printed_form() {
        let rk = RecoveryKey::generate();
        let shown = rk.display();
        assert_eq!(shown.len(), 39);
        assert_eq!(shown.matches('-').count(), 7);
        let typed = shown.to_lowercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&typed).unwrap().0.as_ref(), rk.0.as_ref());
        assert!(RecoveryKey::parse("ABCD").is_err());
        assert!(RecoveryKey::parse(&format!("{}-ZZZZ", shown.as_str())).is_err());
        assert!(RecoveryKey::parse("!!!!").is_err());
    }

    /// Keys already printed on users' recovery sheets must read back to the same bytes, and a new
    /// key must print the same way. These strings were made by the hand-written encoder that
    /// came before `data-encoding` (issue 15, ADR 0028); they must never change.
    #[test]
    fn recovery_sheets_already_printed_still_read() {
        const PRINTED: [(&str, [u8; 20]); 3] = [
            ("000G-40R4-0M30-E209-185G-R38E-1W81-24GK", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]),
            ("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ", [0xFF; 20]),
            (
                "MMY0-Z4BY-4BC4-PR0S-RZJ3-N3AH-Y03B-WWMM",
                [0xA5, 0x3C, 0x0F, 0x91, 0x7E, 0x22, 0xD8, 0x4B, 0x60, 0x19, 0xC7, 0xE4, 0x3A, 0x8D, 0x51, 0xF0, 0x06, 0xBE, 0x72, 0x94],
            ),
        ];
        for (printed, bytes) in PRINTED {
            assert_eq!(RecoveryKey(Zeroizing::new(bytes)).display().as_str(), printed);
            assert_eq!(*RecoveryKey::parse(printed).unwrap().0, bytes, "{printed}");
        }
        // As a person types it: lower case, spaces or a long-vowel mark for the dashes, a full-width
        // space, and O, I, L for 0, 1, 1.
        let bytes = PRINTED[2].1;
        for typed in [
            "mmy0 z4by 4bc4 pr0s rzj3 n3ah y03b wwmm",
            "MMYO-Z4BY-4BC4-PROS-RZJ3-N3AH-YO3B-WWMM",
            "mmyoーz4byー4bc4ーprosーrzj3ーn3ahーyo3bーwwmm",
            "MMY0Z4BY\u{3000}4BC4PR0SRZJ3N3AHY03BWWMM",
        ] {
            assert_eq!(*RecoveryKey::parse(typed).unwrap().0, bytes, "{typed}");
        }
        let ones = RecoveryKey(Zeroizing::new(PRINTED[0].1)).display().replace('1', "I");
        assert_eq!(*RecoveryKey::parse(&ones).unwrap().0, PRINTED[0].1);
        assert_eq!(*RecoveryKey::parse(&ones.to_lowercase().replace('i', "l")).unwrap().0, PRINTED[0].1);
        // U is not in the alphabet, nor is any other letter or sign; too short or too long is wrong.
        for wrong in [
            "UMY0-Z4BY-4BC4-PR0S-RZJ3-N3AH-Y03B-WWMM",
            "MMY0-Z4BY-4BC4-PR0S-RZJ3-N3AH-Y03B-WWM",
            "MMY0-Z4BY-4BC4-PR0S-RZJ3-N3AH-Y03B-WWMM-0000",
            "ＭMY0-Z4BY-4BC4-PR0S-RZJ3-N3AH-Y03B-WWMM",
            "",
        ] {
            assert!(matches!(RecoveryKey::parse(wrong), Err(Error::WrongRecoveryKey)), "{wrong}");
        }
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let key = DataKey::generate();
        let rk = RecoveryKey::generate();
        let ring = Keyring::create("s1", &key, &Passphrase::new("passphrase"), &rk, FAST).unwrap();
        let all = format!("{key:?} {rk:?} {:?} {ring:?}", Passphrase::new("passphrase"));
        assert!(!all.contains("passphrase\""), "{all}");
        assert!(!all.contains(&hex::encode(key.bytes())));
        assert!(!all.contains(rk.display().as_str()));
        assert!(!all.contains(&ring.passphrase.ciphertext));
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(matches!(Passphrase::new("short").check_strength(), Err(Error::WeakPassphrase { min: 8 })));
        assert!(Passphrase::new("長いパスフレーズです").check_strength().is_ok());
    }
}
