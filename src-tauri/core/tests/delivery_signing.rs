//! Issue 13, finding High 4 (ADR 0025): a coordinator who left keeps the centre's signing key
//! (it is in every key file from `centre export-keys`). Once the centre's 責任者 rotates the keys
//! with the root key file, nothing that key signs is taken by a device: not a "rotated" profile,
//! not a profile with a root of its own, not an older root-signed profile, not an "applied"
//! receipt. The same forged receipt is shown to be believed before the rotation, so the test
//! shows what the rotation stops.

use age::secrecy::SecretString;
use chisanpo_core::delivery::keys::domain;
use chisanpo_core::delivery::receipt::{self, Receipt};
use chisanpo_core::delivery::root::RootKey;
use chisanpo_core::delivery::{CentreProfile, FolderTransport};
use chisanpo_core::store::Passphrase;
use chisanpo_core::Error;
use ed25519_dalek::Signer;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::*;

const KEY_PASS: &str = "鍵ファイル用の長いパスフレーズ";
const ROOT_PASS: &str = "責任者だけが知る長いパスフレーズ";

/// What a coordinator holds after `centre join`: the key file and its passphrase. Opened here
/// as an attacker would, with the age tool's scrypt, to take the signing key out.
fn signing_key_in(key_file: &[u8]) -> (ed25519_dalek::SigningKey, serde_json::Value) {
    let id = age::scrypt::Identity::new(SecretString::from(KEY_PASS.to_string()));
    let plain: serde_json::Value = serde_json::from_slice(&age::decrypt(&id, key_file).unwrap()).unwrap();
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(plain["signing_key"].as_str().unwrap(), &mut bytes).unwrap();
    (ed25519_dalek::SigningKey::from_bytes(&bytes), plain)
}

/// An "applied" receipt for `bundle`, signed with `key` in the receipt domain.
fn forged_receipt(key: &ed25519_dalek::SigningKey, centre_id: &str, device_id: &str, bundle: &std::path::Path) -> Vec<u8> {
    let name = bundle.file_name().unwrap().to_string_lossy().to_string();
    let sha = std::fs::read_to_string(sidecar(bundle)).unwrap().trim().to_string();
    let r = Receipt {
        format: 1,
        centre_id: centre_id.into(),
        device_id: device_id.into(),
        bundle: name,
        sha256: sha,
        outcome: "applied".into(),
        code: None,
        reason: None,
        at: "2026-12-03T00:00:00.000Z".into(),
        anchor: None,
    };
    let text = serde_json::to_string(&r).unwrap();
    let mut msg = format!("{}\0", domain::RECEIPT).into_bytes();
    msg.extend_from_slice(text.as_bytes());
    let signature = hex::encode(key.sign(&msg).to_bytes());
    serde_json::to_vec(&serde_json::json!({ "receipt": text, "signature": signature })).unwrap()
}

fn refused(r: chisanpo_core::Result<impl std::fmt::Debug>, says: &str) {
    let err = r.unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains(says)), "expected 「{says}」: {err}");
}

#[test]
fn a_coordinator_who_left_signs_nothing_a_device_takes_once_the_centre_rotates() {
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    // A laptop enrolled before the centre had a root; a coordinator who will leave joins.
    let a = new_store(&w.root.join("a"), "産業 一郎");
    assert!(w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap());
    let device_id = a.device_id().unwrap().unwrap();
    let key_file = w.centre.centre_export_keys(&Passphrase::new(KEY_PASS)).unwrap();
    let former = new_store(&w.root.join("former"), "退職 次郎");
    former.centre_join(&key_file, &Passphrase::new(KEY_PASS)).unwrap();
    let staying = new_store(&w.root.join("staying"), "連携 三子");
    staying.centre_join(&key_file, &Passphrase::new(KEY_PASS)).unwrap();

    // The 責任者 makes the root; the laptop takes the profile that introduces it (signed by the
    // key it trusts). No key file carries the root.
    let (root_file, rooted) = w.centre.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Ok(())).unwrap();
    assert_eq!(rooted.serial, Some(1));
    assert!(rooted.root_signed() && rooted.receipt_key == w.profile.receipt_key);
    refused(w.centre.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Ok(())), "既に責任者鍵があります");
    // A root whose file cannot be kept is not made (the first call above kept its file).
    let other = new_store(&w.root.join("unkept"), "保管 失敗");
    other.centre_init("東部地域産業保健センター", None).unwrap();
    assert!(other.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Err(Error::File { path: "/media/usb".into(), source: None })).is_err());
    assert!(other.centre_profile().unwrap().unwrap().root_key.is_none(), "no root without its file");
    a.enrol(&rooted).unwrap();
    let (_, plain) = signing_key_in(&w.centre.centre_export_keys(&Passphrase::new(KEY_PASS)).unwrap());
    let fields: Vec<&String> = plain.as_object().unwrap().keys().collect();
    assert_eq!(
        fields,
        ["centre_id", "format", "identity", "old_identities", "profile", "retired_signing_keys", "signing_key"],
        "no root in a key file (the retired signing keys are public halves)"
    );
    let root = RootKey::open(&root_file, &Passphrase::new(ROOT_PASS)).unwrap();
    assert_ne!(Some(root.public_hex()), rooted.receipt_key);

    // A record goes out. The coordinator who left forges its "applied" receipt with the signing
    // key from the key file: before the rotation, the laptop would believe it.
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&t).unwrap();
    let bundle = bundle_file(&folder, &device_id, 1);
    let (old_key, _) = signing_key_in(&key_file);
    let forged = forged_receipt(&old_key, &w.profile.centre_id, &device_id, &bundle);
    assert!(receipt::open(&forged, rooted.receipt_key.as_deref().unwrap(), true).is_some(), "the control: the old key's receipt is taken before");

    // The rotation needs the root file, of this centre.
    refused(w.centre.centre_rotate_key(None), "責任者鍵ファイルを指定");
    refused(RootKey::open(&root_file, &Passphrase::new("違うパスフレーズをここに")).map(|_| ()), "責任者鍵ファイルを開けません");
    let rotated = w.centre.centre_rotate_key(Some(&root)).unwrap();
    assert_eq!(rotated.serial, Some(2));
    assert!(rotated.receipt_key != rooted.receipt_key && rotated.recipient != rooted.recipient, "both keys are new");
    a.enrol(&rotated).unwrap();

    // The forged receipt, beside the bundle, is no longer read: the copy kept for retries stays.
    std::fs::write(folder.join(receipt::receipt_name(&bundle.file_name().unwrap().to_string_lossy())), &forged).unwrap();
    let r = a.deliver(&t).unwrap();
    assert!(r.received.is_empty(), "{r:?}");
    assert!(r.warnings.iter().any(|m| m.contains("署名を確かめられません")), "{r:?}");
    let o = a.delivery_overview(chrono::Utc::now()).unwrap();
    assert_eq!((o.unconfirmed, o.received), (1, 0), "{o:?}");

    // Profiles the coordinator who left can make: its own "rotation" (signed by the old key),
    // one with a root of its own, and the older root-signed profile naming the old key. None is
    // taken, and the laptop keeps the centre's.
    let own = former.centre_rotate_key(None).unwrap();
    assert!(own.root_key.is_none() && own.receipt_key == rooted.receipt_key);
    refused(a.enrol(&own), "署名がありません");
    let (own_root_file, own_root) = former.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Ok(())).unwrap();
    refused(a.enrol(&own_root), "署名がありません");
    refused(a.enrol(&rooted), "古い版");
    let mut edited = rotated.clone();
    edited.endpoint = Some("https://attacker.example/dav".into());
    refused(a.enrol(&edited), "署名がありません");
    assert_eq!(a.centre_profile().unwrap(), Some(rotated.clone()));
    // Its root file (same centre id) rotates nothing at the centre.
    let own_root_key = RootKey::open(&own_root_file, &Passphrase::new(ROOT_PASS)).unwrap();
    refused(w.centre.centre_rotate_key(Some(&own_root_key)), "このセンターの責任者鍵ではありません");

    // The centre imports (the bundle was made for the retired key, which it kept) and its
    // receipt, signed by the new key, is believed.
    w.centre.centre_import_into(&t, &mut chisanpo_core::delivery::consolidation::sqlite::SqliteConsolidation(&w.centre)).unwrap();
    let r = a.deliver(&t).unwrap();
    assert_eq!(r.received.len(), 1, "{r:?}");

    // The coordinator who stays takes the new key file; the key file from before is refused.
    let new_keys = w.centre.centre_export_keys(&Passphrase::new(KEY_PASS)).unwrap();
    staying.centre_join(&new_keys, &Passphrase::new(KEY_PASS)).unwrap();
    assert_eq!(staying.centre_key_fingerprint().unwrap(), w.centre.centre_key_fingerprint().unwrap());
    refused(staying.centre_join(&key_file, &Passphrase::new(KEY_PASS)), "古い");
    assert_eq!(staying.centre_profile().unwrap(), Some(rotated.clone()));
    // A new laptop enrols straight from the rotated profile.
    let b = new_store(&w.root.join("b"), "新人 四郎");
    b.enrol(&rotated).unwrap();
}

#[test]
fn a_root_file_of_another_centre_rotates_nothing_and_an_edited_root_signature_is_refused() {
    let w = world();
    let other = new_store(&w.root.join("other"), "他所 五郎");
    other.centre_init("南部地域産業保健センター", None).unwrap();
    let (other_file, _) = other.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Ok(())).unwrap();
    let other_root = RootKey::open(&other_file, &Passphrase::new(ROOT_PASS)).unwrap();
    refused(w.centre.centre_rotate_key(Some(&other_root)), "まだ責任者鍵がありません");
    let (_, rooted) = w.centre.centre_make_root(&Passphrase::new(ROOT_PASS), &|_| Ok(())).unwrap();
    refused(w.centre.centre_rotate_key(Some(&other_root)), "このセンターの責任者鍵ではありません");
    assert_eq!(w.centre.centre_profile().unwrap(), Some(rooted.clone()), "nothing changed");
    assert!(matches!(w.centre.centre_make_root(&Passphrase::new("短すぎる"), &|_| Ok(())), Err(Error::WeakPassphrase { .. })));

    // A profile whose root signature does not cover what it says is not a profile.
    let text = rooted.to_json().replace("北部地域産業保健センター", "北部地域産業保健センター分室");
    assert!(CentreProfile::parse(&text).is_err());
    let mut no_sig = rooted.clone();
    no_sig.root_signature = None;
    assert!(CentreProfile::parse(&no_sig.to_json()).is_err());
}
