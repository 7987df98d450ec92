//! Where this device delivers: a folder or a WebDAV URL, chosen by the user (or the centre
//! profile's endpoint when none is chosen). Kept in the encrypted store; the WebDAV app
//! password too, and it is never returned to the screen or printed.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::transport::{FolderTransport, Transport};
use super::webdav::{is_url, WebDavTransport};
use super::{get_setting, put_setting, setting};
use crate::enrol::Enrolment;
use crate::error::{Error, Result};
use crate::store::{Action, Store};

/// A delivery destination. `user` is a WebDAV user name; its password is stored apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryTarget {
    Folder { path: String },
    WebDav { url: String, user: Option<String> },
}

impl DeliveryTarget {
    /// From an endpoint string: a URL is WebDAV, anything else a folder.
    pub fn from_endpoint(endpoint: &str) -> Option<Self> {
        let e = endpoint.trim();
        if e.is_empty() {
            None
        } else if is_url(e) {
            Some(DeliveryTarget::WebDav { url: e.to_string(), user: None })
        } else {
            Some(DeliveryTarget::Folder { path: e.to_string() })
        }
    }

    pub fn describe(&self) -> String {
        match self {
            DeliveryTarget::Folder { path } => path.clone(),
            DeliveryTarget::WebDav { url, .. } => url.clone(),
        }
    }

    /// The transport, with the password for WebDAV.
    pub fn transport(&self, password: Option<&str>) -> Result<Box<dyn Transport>> {
        Ok(match self {
            DeliveryTarget::Folder { path } => Box::new(FolderTransport::new(&PathBuf::from(path))),
            DeliveryTarget::WebDav { url, user } => Box::new(WebDavTransport::new(url, user.as_deref(), password)?),
        })
    }
}

/// `scheme://host:port` of a WebDAV target (a folder has none).
fn origin(t: Option<&DeliveryTarget>) -> Option<String> {
    match t {
        Some(DeliveryTarget::WebDav { url, .. }) => {
            let (scheme, rest) = url.trim().split_once("://")?;
            Some(format!("{}://{}", scheme.to_ascii_lowercase(), rest.split('/').next().unwrap_or("").to_ascii_lowercase()))
        }
        _ => None,
    }
}

/// Where this device delivers.
pub trait DeliveryTargets {
    /// Where this device delivers: the chosen target, else the centre profile's endpoint.
    fn delivery_target(&self) -> Result<Option<DeliveryTarget>>;

    /// Choose where this device delivers. For WebDAV, `password` replaces the stored one when
    /// given (`None` keeps it). A URL is checked for form, not reached (the laptop may be offline).
    fn set_delivery_target(&self, target: &DeliveryTarget, password: Option<&str>) -> Result<()>;

    /// Whether a WebDAV password is stored (the password itself never leaves the store).
    fn has_delivery_password(&self) -> Result<bool>;

    /// The transport for the chosen target, if there is one.
    fn delivery_transport(&self) -> Result<Option<Box<dyn Transport>>>;
}

impl DeliveryTargets for Store {
    fn delivery_target(&self) -> Result<Option<DeliveryTarget>> {
        if let Some(t) = self.read(|c| get_setting(c, setting::TARGET))? {
            return serde_json::from_str(&t).map(Some).map_err(|_| Error::Integrity("配送先の設定を読み取れません".into()));
        }
        Ok(self.centre_profile()?.and_then(|p| p.endpoint).and_then(|e| DeliveryTarget::from_endpoint(&e)))
    }

    fn set_delivery_target(&self, target: &DeliveryTarget, password: Option<&str>) -> Result<()> {
        match target {
            DeliveryTarget::Folder { path } if path.trim().is_empty() => {
                return Err(Error::invalid("path", "配送先のフォルダを選んでください。"));
            }
            DeliveryTarget::WebDav { url, user } => {
                WebDavTransport::new(url, user.as_deref(), password)?;
            }
            DeliveryTarget::Folder { .. } => {}
        }
        let previous = self.delivery_target()?;
        self.write(|tx| {
            put_setting(tx, setting::TARGET, &serde_json::to_string(target).expect("targets serialise"))?;
            match password {
                Some(p) => put_setting(tx, setting::TARGET_PASSWORD, &zeroize::Zeroizing::new(p.to_string()))?,
                // The stored password is for the old server only: never send it to another one.
                None if origin(previous.as_ref()) != origin(Some(target)) => {
                    super::delete_setting(tx, setting::TARGET_PASSWORD)?;
                }
                None => {}
            }
            if previous.as_ref() != Some(target) {
                // What was sent to the old destination and not confirmed goes to the new one too
                // (the centre skips a bundle it already applied), so nothing is stranded there.
                crate::store::outbox_queue::resend_unconfirmed(tx)?;
            }
            // A new destination is tried at once: forget the backoff of the old one.
            super::schedule::reset(tx)?;
            self.audit(tx, Action::Edit, "delivery_target", serde_json::json!({ "delivery": "target", "to": target.describe() })).map(|_| ())
        })
    }

    fn has_delivery_password(&self) -> Result<bool> {
        self.read(|c| Ok(get_setting(c, setting::TARGET_PASSWORD)?.is_some_and(|p| !p.is_empty())))
    }

    fn delivery_transport(&self) -> Result<Option<Box<dyn Transport>>> {
        let Some(target) = self.delivery_target()? else { return Ok(None) };
        let password = self.read(|c| get_setting(c, setting::TARGET_PASSWORD))?.map(zeroize::Zeroizing::new);
        target.transport(password.as_deref().map(String::as_str)).map(Some)
    }
}
