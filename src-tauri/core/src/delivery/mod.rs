//! Delivery to the centre (issue 7): a device queues every finalised version, amendment and
//! 廃棄記録 in its outbox, batches them into bundles signed by the device and encrypted to the
//! centre, and hands them to a transport. The centre decrypts, checks and consolidates them.
//!
//! - `keys`: the centre's age identity and the device's ed25519 signing key, kept in the store.
//! - `profile`: the centre profile and the device's enrolment request (small JSON files).
//! - `enrol`: `centre init`, `enrol`, `centre enrol-device`.
//! - `outbox`: the queue, filled in the same transaction as the version it carries.
//! - `bundle`: the bundle format: payload, signature, encryption, file name and hash.
//! - `transport`: the transport trait and the folder transport; one delivery pass.
//! - `import`: the centre's import and consolidation, with quarantine.
//!
//! See docs/adr/0010-delivery-to-the-centre.md.

pub mod bundle;
pub mod enrol;
pub mod import;
pub mod keys;
pub mod outbox;
pub mod profile;
pub mod transport;

pub use bundle::{BUNDLE_EXTENSION, HASH_EXTENSION};
pub use enrol::EnrolmentRequest;
pub use import::{ConsolidatedRecord, ImportReport};
pub use outbox::{OutboxEntry, OutboxStatus};
pub use profile::CentreProfile;
pub use transport::{DeliveryReport, FolderTransport, Transport};

/// The format version of the profile, the enrolment request and the bundles.
pub const FORMAT: u32 = 1;

/// Settings keys. The two secrets are only ever read by `keys`.
pub(crate) mod setting {
    pub const CENTRE_ID: &str = "delivery_centre_id";
    pub const CENTRE_IDENTITY: &str = "delivery_centre_identity";
    pub const CENTRE_PROFILE: &str = "delivery_centre_profile";
    pub const DEVICE_ID: &str = "delivery_device_id";
    pub const DEVICE_KEY: &str = "delivery_device_key";
}

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

pub(crate) fn get_setting(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub(crate) fn put_setting(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
    Ok(())
}
