//! The centre profile: what a device needs to deliver to a centre. Public data only.

use serde::{Deserialize, Serialize};

use super::FORMAT;
use crate::error::{DeliveryCode, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CentreProfile {
    pub format: u32,
    pub centre_name: String,
    pub centre_id: String,
    /// The centre's age X25519 public key (`age1…`).
    pub recipient: String,
    /// Where bundles go (a folder or a URL), if the centre names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The centre's ed25519 public key (hex) that signs receipts. Without it a device cannot
    /// trust receipts and shows its bundles as sent but unconfirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_key: Option<String>,
    /// The centre's signature (ed25519, hex, by `receipt_key`) over the profile without this
    /// field. A device already enrolled takes a new profile only when it is signed by the key it
    /// already trusts, so a forged profile cannot redirect its bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// The centre's root key (ed25519, hex), held only in the 責任者's root key file (ADR 0025).
    /// A device that knows it takes a new profile only when the root signed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_key: Option<String>,
    /// Raised by every profile the root signs; a device never goes back to a lower one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<u64>,
    /// The root's signature over `domain::PROFILE` and the profile without its signatures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_signature: Option<String>,
}

fn not_from_the_centre() -> Error {
    Error::delivery(DeliveryCode::ProfileUnsigned,
        "このプロファイルには、登録済みのセンターの署名がありません（偽のプロファイルの可能性があります）。センターから直接受け取ったプロファイルか確かめてください。登録はそのままです。",
    )
}

impl CentreProfile {
    pub fn parse(text: &str) -> Result<Self> {
        let p: CentreProfile = serde_json::from_str(text).map_err(|_| {
            Error::delivery(
                DeliveryCode::ProfileUnreadable,
                "センタープロファイルとして読み取れません。センターから受け取った .json ファイルを指定してください。",
            )
        })?;
        if p.format != FORMAT {
            return Err(Error::delivery(
                DeliveryCode::ProfileUnreadable,
                format!("センタープロファイルの形式（第{}版）に対応していません。地さんぽノートを更新してから、もう一度実行してください。", p.format),
            ));
        }
        if p.recipient.parse::<age::x25519::Recipient>().is_err() || uuid::Uuid::parse_str(&p.centre_id).is_err() {
            return Err(super::keys::bad_profile("公開鍵またはセンターID"));
        }
        // A profile that names a root is signed by it, whoever reads it.
        if p.root_key.is_some() && (p.serial.is_none() || !p.root_signed()) {
            return Err(super::keys::bad_profile("責任者鍵の署名"));
        }
        Ok(p)
    }

    /// The bytes the signatures cover: the profile without its signatures.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&CentreProfile { signature: None, root_signature: None, ..self.clone() }).expect("profiles serialise")
    }

    /// Whether the profile is signed by the root it names.
    pub fn root_signed(&self) -> bool {
        match (&self.root_key, &self.root_signature) {
            (Some(root), Some(sig)) => super::keys::verify_in(super::keys::domain::PROFILE, root, &self.signed_bytes(), sig),
            _ => false,
        }
    }

    /// Whether a device that trusts `self` may take `new` in its place (enrolling again). With
    /// a root: the same root, its signature, and a higher serial (the same serial only for the
    /// same profile). Without one: signed by the receipt key the device trusts (ADR 0025).
    pub fn may_be_replaced_by(&self, new: &CentreProfile) -> Result<()> {
        if let Some(root) = &self.root_key {
            if new.root_key.as_deref() != Some(root.as_str()) || !new.root_signed() {
                return Err(not_from_the_centre());
            }
            let (mine, theirs) = (self.serial.unwrap_or(0), new.serial.unwrap_or(0));
            if theirs < mine || (theirs == mine && new.signed_bytes() != self.signed_bytes()) {
                return Err(Error::delivery(DeliveryCode::ProfileUnreadable, format!(
                    "このプロファイルは、この端末が使っているものより古い版です（第{theirs}版、使用中は第{mine}版）。センターから最新のプロファイルを受け取ってください。登録はそのままです。"
                )));
            }
            return Ok(());
        }
        // Not yet rooted: the receipt key the device trusts must sign it (and a root it
        // introduces must have signed it too, which `parse` checked).
        if let Some(trusted) = &self.receipt_key {
            if new.receipt_key.as_deref() != Some(trusted.as_str()) || !new.signed_by(trusted) {
                return Err(not_from_the_centre());
            }
        }
        Ok(())
    }

    /// Whether the profile is signed by `key` (hex ed25519 public key).
    pub fn signed_by(&self, key: &str) -> bool {
        self.signature.as_deref().is_some_and(|sig| super::keys::verify(key, &self.signed_bytes(), sig))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("profiles serialise")
    }
}
