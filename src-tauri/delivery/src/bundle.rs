//! The bundle format. A bundle file is the age encryption, to the centre's X25519 key, of an
//! envelope: the payload JSON text and the device's ed25519 signature over exactly those bytes.
//! The payload names the centre, the device and the bundle's sequence number, and carries the
//! entries with their content hashes. The SHA-256 of the file travels beside it in a sidecar
//! (`<name>.sha256`), so a truncated or altered file is caught before it is even decrypted.

use serde::{Deserialize, Serialize};

use super::keys::{encrypt_to, CentreIdentity, DeviceKey};
use super::FORMAT;
use crate::error::Result;

pub const BUNDLE_EXTENSION: &str = "chisanpo-bundle";
pub const HASH_EXTENSION: &str = "sha256";

/// The largest bundle file a reader accepts (a WebDAV answer, a file in a folder): 64 MiB. A
/// reader refuses anything larger unread, so a hostile or broken destination cannot fill the
/// memory of the centre or a device.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A bundle takes entries while their `weight` stays within this (one entry larger than it
/// still goes, alone). An entry's content is JSON without control characters, escaped once
/// into the payload and once more into the envelope: each of its bytes takes at most 4 bytes
/// in the file. Its other texts (a reason, a name) are escaped the same twice and may hold a
/// control character (at most 7 bytes each), so they weigh double. 15 MiB of weight, times 4,
/// plus age's 16 bytes per 64 KiB, stays under `MAX_FILE_BYTES`.
pub const MAX_ENTRIES_WEIGHT: usize = 15 * 1024 * 1024;

/// The bytes of an entry other than its texts (field names, ids, hashes, times), generously.
const ENTRY_OVERHEAD: usize = 512;

/// How much of a bundle an entry may take, before escaping (see `MAX_ENTRIES_WEIGHT`).
pub fn weight(e: &Entry) -> usize {
    let others = e.reason.as_deref().map_or(0, str::len) + e.author_name.len() + e.author_id.len() + e.record_id.len() + e.kind.len() + e.entry_type.len();
    e.content.len() + 2 * others + ENTRY_OVERHEAD
}

/// One finalised version or 廃棄記録.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `version` or `destruction`.
    pub entry_type: String,
    pub record_id: String,
    /// The version; 0 for a destruction.
    pub version: u32,
    pub kind: String,
    /// The version's content as stored on the device (the `VersionContent` JSON, with the
    /// snapshot), or the 廃棄記録 JSON.
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub content_hash: String,
    pub reason: Option<String>,
    pub author_id: String,
    pub author_name: String,
    /// When the device made it, by the device's clock.
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub format: u32,
    pub centre_id: String,
    pub device_id: String,
    pub seq: u64,
    /// When the bundle was made, by the device's clock.
    pub created_at: String,
    pub entries: Vec<Entry>,
    /// The head of the device's audit chain when the bundle was made (ADR 0020); absent in
    /// bundles of 0.2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<super::anchors::AuditHead>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub format: u32,
    pub device_id: String,
    /// The payload JSON; the signature is over these bytes.
    pub payload: String,
    /// ed25519 signature, hex.
    pub signature: String,
}

/// Hex digits of the file's SHA-256 carried in its name.
const NAME_HASH_LEN: usize = 16;

/// `<device-id>-<seq, 8 digits>-<16 hex of the file's SHA-256>.chisanpo-bundle`. The hash makes
/// the name unique even when a device restored from an older backup numbers bundles again from
/// an earlier sequence number, so a new bundle never replaces one not yet imported in a shared
/// folder; and it lets the centre skip a file it has applied without reading it again.
pub fn file_name(device_id: &str, seq: u64, sha256_hex: &str) -> String {
    format!("{device_id}-{seq:08}-{}.{BUNDLE_EXTENSION}", &sha256_hex[..NAME_HASH_LEN])
}

/// What a bundle's name says: the device id, and the start of the file's hash when the name
/// carries one (bundles made before names carried it have `<device-id>-<seq>` only).
#[derive(Debug, PartialEq, Eq)]
pub struct NameParts<'a> {
    pub device_id: &'a str,
    pub seq: u64,
    pub hash_prefix: Option<&'a str>,
}

pub fn parse_name(file: &str) -> Option<NameParts<'_>> {
    let stem = file.strip_suffix(BUNDLE_EXTENSION)?.strip_suffix('.')?;
    let (rest, last) = stem.rsplit_once('-')?;
    let is_hash = last.len() == NAME_HASH_LEN && last.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let (rest, seq, hash_prefix) = if is_hash {
        let (device, seq) = rest.rsplit_once('-')?;
        (device, seq, Some(last))
    } else {
        (rest, last, None)
    };
    if seq.len() != 8 || !seq.bytes().all(|b| b.is_ascii_digit()) || uuid::Uuid::parse_str(rest).is_err() {
        return None;
    }
    Some(NameParts { device_id: rest, seq: seq.parse().ok()?, hash_prefix })
}

/// The sidecar holding the bundle's SHA-256.
pub fn hash_file_name(bundle_name: &str) -> String {
    format!("{bundle_name}.{HASH_EXTENSION}")
}

/// Sign and encrypt a payload.
pub fn seal(payload: &Payload, key: &DeviceKey, recipient: &str) -> Result<Vec<u8>> {
    let text = serde_json::to_string(payload).expect("payloads serialise");
    let envelope = Envelope { format: FORMAT, device_id: payload.device_id.clone(), signature: key.sign_hex(text.as_bytes()), payload: text };
    encrypt_to(recipient, serde_json::to_string(&envelope).expect("envelopes serialise").as_bytes())
}

/// Why a bundle was refused. The messages hold no content, only what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotDecryptable,
    Unreadable,
    UnknownDevice(String),
    BadSignature,
    OtherCentre,
    ContentHash,
    /// The file does not match its hash: cut short or changed on the way.
    Damaged,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::NotDecryptable => "このセンターの鍵で復号できません（別のセンター宛てか、途中で壊れたか書き換えられています）。途中で壊れたのなら、送った端末が元のファイルを自動で送り直します。続くときは、その端末の登録先のセンターを確かめてください。".into(),
            Refusal::Unreadable => "配送ファイルの形式を読み取れません。途中で壊れたのなら、送った端末が元のファイルを自動で送り直します。続くときは、端末とセンターの地さんぽノートの版を揃えてください。".into(),
            Refusal::UnknownDevice(d) => format!("登録されていない端末（{d}）からの配送です。その端末の登録申請ファイルを 設定 › 端末の登録（または `chisanpo centre enrol-device`）で登録すると、次の取り込みで受け付けます。"),
            Refusal::BadSignature => "端末の署名が一致しません（途中で書き換えられたか、登録後に端末の鍵が変わっています）。書き換えられたのなら、送った端末が元のファイルを自動で送り直します。続くときは、その端末を登録し直してください。".into(),
            Refusal::OtherCentre => "別のセンター宛ての配送です。送った端末の担当者に、登録先のセンターを確かめてもらってください。".into(),
            Refusal::ContentHash => "記録の内容がハッシュと一致しません（途中で書き換えられています）。送った端末が元のファイルを自動で送り直します。続くときは、その端末の担当者に連絡してください。".into(),
            Refusal::Damaged => "ファイルのハッシュが一致しません（途中で切れているか、書き換えられています）。送った端末が自動で送り直します。".into(),
        }
    }

    /// A short code for receipts: the device sends the file again on a copy damaged or altered
    /// on the way (see `receipt::resend_on`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotDecryptable => "not_decryptable",
            Refusal::Unreadable => "unreadable",
            Refusal::UnknownDevice(_) => "unknown_device",
            Refusal::BadSignature => "bad_signature",
            Refusal::OtherCentre => "other_centre",
            Refusal::ContentHash => "content_hash",
            Refusal::Damaged => "damaged",
        }
    }
}

/// Decrypt and parse a bundle. The signature is checked by the caller, with the key the
/// centre enrolled for the device named inside.
pub fn open(identity: &CentreIdentity, bytes: &[u8]) -> std::result::Result<Envelope, Refusal> {
    let plain = identity.decrypt(bytes).map_err(|_| Refusal::NotDecryptable)?;
    let env: Envelope = serde_json::from_slice(&plain).map_err(|_| Refusal::Unreadable)?;
    if env.format != FORMAT {
        return Err(Refusal::Unreadable);
    }
    Ok(env)
}

/// Parse a payload whose signature was verified, and check every content hash.
pub fn payload_of(env: &Envelope) -> std::result::Result<Payload, Refusal> {
    let p: Payload = serde_json::from_str(&env.payload).map_err(|_| Refusal::Unreadable)?;
    if p.format != FORMAT || p.device_id != env.device_id {
        return Err(Refusal::Unreadable);
    }
    if p.entries.iter().any(|e| crate::store::audit::sha256_hex(e.content.as_bytes()) != e.content_hash) {
        return Err(Refusal::ContentHash);
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> Payload {
        Payload {
            format: FORMAT,
            centre_id: "c".into(),
            device_id: "d".into(),
            seq: 7,
            created_at: "2025-06-10T00:00:00.000Z".into(),
            anchor: None,
            entries: vec![Entry {
                entry_type: "version".into(),
                record_id: "r".into(),
                version: 1,
                kind: "consultation".into(),
                content: "{\"名前\":\"鷲尾 ヒカル\"}".into(),
                content_hash: crate::store::audit::sha256_hex("{\"名前\":\"鷲尾 ヒカル\"}".as_bytes()),
                reason: None,
                author_id: "a".into(),
                author_name: "産業 一郎".into(),
                created_at: "2025-06-10T00:00:00.000Z".into(),
            }],
        }
    }

    #[test]
    fn sealed_bundles_open_only_for_their_centre_and_hide_names() {
        let (centre, key) = (CentreIdentity::generate(), DeviceKey::generate());
        let bytes = seal(&payload(), &key, &centre.recipient()).unwrap();
        assert!(!bytes.windows("鷲尾".len()).any(|w| w == "鷲尾".as_bytes()));
        let env = open(&centre, &bytes).unwrap();
        assert!(super::super::keys::verify(&key.public_hex(), env.payload.as_bytes(), &env.signature));
        assert_eq!(payload_of(&env).unwrap(), payload());
        assert_eq!(open(&CentreIdentity::generate(), &bytes).unwrap_err(), Refusal::NotDecryptable);
        let mut cut = bytes.clone();
        cut.truncate(bytes.len() - 10);
        assert_eq!(open(&centre, &cut).unwrap_err(), Refusal::NotDecryptable);
    }

    #[test]
    fn names_carry_the_device_the_sequence_and_the_start_of_the_hash() {
        let device = "01977a00-0000-7000-8000-000000000001";
        let sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        let name = file_name(device, 12, sha);
        assert_eq!(name, format!("{device}-00000012-0123456789abcdef.chisanpo-bundle"));
        assert_eq!(parse_name(&name), Some(NameParts { device_id: device, seq: 12, hash_prefix: Some("0123456789abcdef") }));
        let old = format!("{device}-00000003.chisanpo-bundle");
        assert_eq!(parse_name(&old), Some(NameParts { device_id: device, seq: 3, hash_prefix: None }));
        for bad in ["tampered.chisanpo-bundle", "dev-00000012.chisanpo-bundle", &format!("{device}-12.chisanpo-bundle"), &format!("{device}-00000012-0123.txt")]
        {
            assert_eq!(parse_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_bundle_full_to_its_weight_of_the_worst_text_stays_under_what_readers_accept() {
        // Every byte of the content a quote or a backslash (escaped twice: 4 bytes), every
        // other text control characters (7 bytes), 500 entries: the heaviest bundle there is.
        let n = 500;
        let mut e = payload().entries.remove(0);
        e.reason = Some("\u{1}".repeat(64));
        e.author_name = "\u{2}".repeat(64);
        let room = MAX_ENTRIES_WEIGHT / n - weight(&Entry { content: String::new(), ..e.clone() });
        e.content = "\"\\".repeat(room / 2);
        e.content_hash = crate::store::audit::sha256_hex(e.content.as_bytes());
        let entries = vec![e; n];
        assert!(entries.iter().map(weight).sum::<usize>() <= MAX_ENTRIES_WEIGHT);
        let (centre, key) = (CentreIdentity::generate(), DeviceKey::generate());
        let bytes = seal(&Payload { entries, ..payload() }, &key, &centre.recipient()).unwrap();
        assert!(bytes.len() as u64 <= MAX_FILE_BYTES, "{} > {MAX_FILE_BYTES}", bytes.len());
        assert!(bytes.len() as u64 > MAX_FILE_BYTES * 3 / 4, "the bound is near, so the test means something: {}", bytes.len());
    }

    #[test]
    fn a_changed_content_is_caught_by_its_hash() {
        let mut p = payload();
        p.entries[0].content.push(' ');
        let env = Envelope { format: FORMAT, device_id: "d".into(), payload: serde_json::to_string(&p).unwrap(), signature: String::new() };
        assert_eq!(payload_of(&env).unwrap_err(), Refusal::ContentHash);
    }
}
