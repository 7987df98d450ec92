//! Receipts: after looking at a bundle the centre writes `<bundle>.chisanpo-receipt` beside it,
//! through the same transport. A receipt is signed with the centre's ed25519 key (its public
//! half is in the centre profile), so nobody with write access to a shared folder can make a
//! device believe something arrived. Receipts hold ids, hashes and reasons only.

use serde::{Deserialize, Serialize};

use super::keys::{domain, verify, verify_in, DeviceKey};
use super::FORMAT;

pub const RECEIPT_EXTENSION: &str = "chisanpo-receipt";

/// `<bundle name>.chisanpo-receipt`.
pub fn receipt_name(bundle_name: &str) -> String {
    format!("{bundle_name}.{RECEIPT_EXTENSION}")
}

/// Whether the device sends the very same file again after this refusal: the copy the centre
/// read was cut short, damaged or altered on the way, and the device still holds the original.
/// `same_bytes`: the centre read exactly the bytes the device holds. Then only a file whose hash
/// file did not match is worth sending again (the two files are sent together); any other
/// refusal of those bytes would come back the same. (Tries are counted, so a file that is bad at
/// the source is set aside on the device.)
pub fn resend_on(code: Option<&str>, same_bytes: bool) -> bool {
    match code {
        Some("damaged") => true,
        Some("bad_signature" | "content_hash" | "not_decryptable" | "unreadable") => !same_bytes,
        _ => false,
    }
}

/// What the doctor's home screen says about a bundle the centre set aside: what happens next
/// and what to do, in the device's terms (the centre's own message is for the coordinator).
pub fn device_advice(code: Option<&str>, centre_reason: Option<&str>, resending: bool) -> String {
    if resending {
        return "センターが受け取ったファイルは途中で壊れたか書き換えられていました。端末に残っている元のファイルを自動で送り直します。".into();
    }
    match code {
        Some("unknown_device") => "センターでこの端末の登録がまだ済んでいません。設定で作った登録申請ファイルをセンターの担当者に渡してください。登録されると次の取り込みで自動で受け付けられます。".into(),
        Some("other_centre") => "別のセンター宛てとして保留されました。設定の登録先センターを確かめ、違っていればセンターの担当者から正しいプロファイルを受け取って登録し直してください。".into(),
        _ => format!("センターがこの配送ファイルを受け付けませんでした。センターの担当者に連絡してください（センターの説明: {}）。", centre_reason.unwrap_or("なし")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub format: u32,
    pub centre_id: String,
    pub device_id: String,
    pub bundle: String,
    /// SHA-256 of the bundle file the centre read.
    pub sha256: String,
    /// `applied` or `quarantined`.
    pub outcome: String,
    /// Why it was set aside (`damaged`, `unknown_device`, …) and the centre's message.
    pub code: Option<String>,
    pub reason: Option<String>,
    /// The centre's clock.
    pub at: String,
    /// The newest head of the device's audit chain the centre holds (ADR 0020); only in
    /// receipts of applied bundles that carried one, so devices of 0.2.0 read them as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<super::anchors::AuditHead>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Signed {
    receipt: String,
    signature: String,
}

/// The receipt file's bytes. `rooted`: the centre's profile names a root key (ADR 0025), so the
/// receipt is signed in its own domain.
pub fn sign(receipt: &Receipt, key: &DeviceKey, rooted: bool) -> Vec<u8> {
    let text = serde_json::to_string(receipt).expect("receipts serialise");
    let signature = if rooted { key.sign_in(domain::RECEIPT, text.as_bytes()) } else { key.sign_hex(text.as_bytes()) };
    let signed = Signed { signature, receipt: text };
    serde_json::to_vec_pretty(&signed).expect("receipts serialise")
}

/// Read a receipt, if it is signed by `centre_key` (hex). `None` for anything else. `rooted`:
/// the device's profile names a root, so only the separated form counts; a device not yet
/// rooted also takes it (its centre may have made a root since).
pub fn open(bytes: &[u8], centre_key: &str, rooted: bool) -> Option<Receipt> {
    let signed: Signed = serde_json::from_slice(bytes).ok()?;
    let text = signed.receipt.as_bytes();
    let separated = verify_in(domain::RECEIPT, centre_key, text, &signed.signature);
    if !separated && (rooted || !verify(centre_key, text, &signed.signature)) {
        return None;
    }
    let r: Receipt = serde_json::from_str(&signed.receipt).ok()?;
    (r.format == FORMAT).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_centres_signature_opens_a_receipt() {
        let key = DeviceKey::generate();
        let r = Receipt {
            format: FORMAT,
            centre_id: "c".into(),
            device_id: "d".into(),
            bundle: "d-00000001.chisanpo-bundle".into(),
            sha256: "ab".into(),
            outcome: "applied".into(),
            code: None,
            reason: None,
            at: "2026-11-22T00:00:00.000Z".into(),
            anchor: None,
        };
        for rooted in [false, true] {
            let bytes = sign(&r, &key, rooted);
            assert_eq!(open(&bytes, &key.public_hex(), rooted), Some(r.clone()));
            assert_eq!(open(&bytes, &DeviceKey::generate().public_hex(), rooted), None);
            let forged = String::from_utf8(bytes).unwrap().replace("applied", "quarantined");
            assert_eq!(open(forged.as_bytes(), &key.public_hex(), rooted), None);
        }
        // A device that knows the root takes only the separated form; one that does not yet
        // takes both (its centre may have made a root since it enrolled).
        assert_eq!(open(&sign(&r, &key, false), &key.public_hex(), true), None);
        assert_eq!(open(&sign(&r, &key, true), &key.public_hex(), false), Some(r.clone()));
        // A signature the same key made over the same bytes for a profile is no receipt.
        let text = serde_json::to_string(&r).unwrap();
        let profile_sig = key.sign_in(domain::PROFILE, text.as_bytes());
        let confused = serde_json::to_vec(&Signed { receipt: text, signature: profile_sig }).unwrap();
        assert_eq!(open(&confused, &key.public_hex(), true), None);
        assert_eq!(receipt_name("x.chisanpo-bundle"), "x.chisanpo-bundle.chisanpo-receipt");
    }

    #[test]
    fn the_device_resends_only_what_a_resend_can_mend_and_says_who_acts_otherwise() {
        // A copy that differs from the device's: any damage or alteration is mended by resending.
        for code in ["damaged", "bad_signature", "content_hash", "not_decryptable", "unreadable"] {
            assert!(resend_on(Some(code), false), "{code}");
        }
        // The centre read the device's very bytes: only a hash file that did not match is mended.
        assert!(resend_on(Some("damaged"), true));
        for code in ["bad_signature", "content_hash", "not_decryptable", "unreadable", "unknown_device", "other_centre"] {
            assert!(!resend_on(Some(code), true), "{code}");
        }
        assert!(!resend_on(Some("unknown_device"), false) && !resend_on(None, false));
        assert!(device_advice(Some("damaged"), None, true).contains("自動で送り直します"));
        assert!(device_advice(Some("unknown_device"), Some("centre text"), false).contains("登録申請ファイル"));
        assert!(device_advice(Some("other_centre"), None, false).contains("登録先センター"));
        let other = device_advice(Some("bad_signature"), Some("端末の署名が一致しません"), false);
        assert!(other.contains("担当者に連絡") && other.contains("端末の署名が一致しません") && !other.contains("送り直します"), "{other}");
    }
}
