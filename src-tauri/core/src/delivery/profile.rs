//! The centre profile: what a device needs to deliver to a centre. Public data only.

use serde::{Deserialize, Serialize};

use super::FORMAT;
use crate::error::{Error, Result};

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
}

impl CentreProfile {
    pub fn parse(text: &str) -> Result<Self> {
        let p: CentreProfile = serde_json::from_str(text)
            .map_err(|_| Error::Delivery("センタープロファイルとして読み取れません。センターから受け取った .json ファイルを指定してください。".into()))?;
        if p.format != FORMAT {
            return Err(Error::Delivery(format!(
                "センタープロファイルの形式（第{}版）に対応していません。地さんぽノートを更新してから、もう一度実行してください。",
                p.format
            )));
        }
        if p.recipient.parse::<age::x25519::Recipient>().is_err() || uuid::Uuid::parse_str(&p.centre_id).is_err() {
            return Err(super::keys::bad_profile("公開鍵またはセンターID"));
        }
        Ok(p)
    }

    /// The bytes the signature covers: the profile without its signature.
    pub fn signed_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&CentreProfile { signature: None, ..self.clone() }).expect("profiles serialise")
    }

    /// Whether the profile is signed by `key` (hex ed25519 public key).
    pub fn signed_by(&self, key: &str) -> bool {
        self.signature.as_deref().is_some_and(|sig| super::keys::verify(key, &self.signed_bytes(), sig))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("profiles serialise")
    }
}
