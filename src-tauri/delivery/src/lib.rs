//! # chisanpo-delivery
//!
//! Delivery to the centre (issue 7): a device queues every finalised version, amendment and
//! 廃棄記録 in its outbox, batches them into bundles signed by the device and encrypted to the
//! centre, and hands them to a transport. The centre decrypts, checks and consolidates them.
//!
//! - `keys`: the centre's age identity and the device's ed25519 signing key, kept in the store.
//! - `profile`: the centre profile and the device's enrolment request (small JSON files).
//! - `enrol`: `centre init`, `enrol`, `centre enrol-device`.
//! - `outbox`: the queue, filled in the same transaction as the version it carries.
//! - `bundle`: the bundle format: payload, signature, encryption, file name and hash.
//! - `transport`: the transport trait and the folder transport.
//! - `webdav`: the WebDAV/HTTPS transport.
//! - `deliver`: one delivery pass: bundles out, receipts in, retries and device-side quarantine.
//! - `schedule`: when the next pass is due (backoff while offline; it restarts by itself).
//! - `target`: where this device delivers (a folder or a URL), kept in the store.
//! - `receipt`: the centre's signed receipts.
//! - `import`: the centre's import and consolidation, with quarantine; it writes the receipts.
//! - `centre`: the centre's imports on a schedule in the app, and its home-screen overview.
//! - `consolidated`: the consolidated records' current versions and 台帳 numbers, for the ledgers.
//! - `consolidation`: where the centre keeps what it consolidated: its own store or PostgreSQL.
//! - `rotate`: re-enrolment with a new profile and the centre's key rotation.
//! - `anchors`: each device's audit anchor at the centre; a device whose chain goes back is flagged.
//!
//! See docs/adr/0010-delivery-to-the-centre.md and 0011-delivery-retries-receipts.md.

//!
//! Over `chisanpo-store` (whose functions hold every SQL statement on the store's own tables)
//! and `chisanpo-reports` (the consolidated ledgers and the annual report a centre's
//! PostgreSQL serves). The centre's PostgreSQL is `consolidation::postgres`, behind the
//! feature `postgres` (on by default: the app and the CLI are one program for devices and
//! centres).

// The layers below, under the names this crate's modules use.
pub(crate) use chisanpo_domain::{domain, error, progress};
pub(crate) use chisanpo_reports::ledger;
pub(crate) use chisanpo_store as store;

/// The traits through which delivery adds its capabilities to the `Store`.
pub mod prelude {
    pub use crate::centre::CentreImports;
    pub use crate::centre_database::CentreDatabase;
    pub use crate::centre_keys::CentreKeys;
    pub use crate::centre_reports::CentreReports;
    pub use crate::deliver::Delivering;
    pub use crate::enrol::Enrolment;
    pub use crate::import::CentreImport;
    pub use crate::outbox::DeliveryStatus;
    pub use crate::root::CentreRoot;
    pub use crate::rotate::KeyRotation;
    pub use crate::schedule::DeliverySchedule;
    pub use crate::target::DeliveryTargets;
    pub use crate::verify::Verify;
}

pub mod anchors;
pub mod bundle;
pub mod centre;
pub mod centre_database;
pub mod centre_keys;
pub mod centre_reports;
pub(crate) mod consolidated;
pub mod consolidation;
pub mod deliver;
pub mod enrol;
pub mod import;
pub mod keys;
pub mod outbox;
pub mod profile;
pub mod receipt;
pub mod root;
pub mod rotate;
pub mod schedule;
pub mod target;
pub mod transport;
mod verify;
pub mod webdav;

pub use bundle::{BUNDLE_EXTENSION, HASH_EXTENSION};
pub use centre::{CentreHeld, CentreOverview};
pub use deliver::DeliveryReport;
pub use enrol::{EnrolledDevice, EnrolmentRequest};
pub use import::{ConsolidatedRecord, ImportReport};
pub use outbox::{DeliveryOverview, HeldBundle, OutboxEntry, OutboxStatus};
pub use profile::CentreProfile;
pub use schedule::{DeliveryState, Schedule};
pub use target::DeliveryTarget;
pub use transport::{FailureKind, FolderTransport, Transport, TransportError};
pub use webdav::WebDavTransport;

/// The format version of the profile, the enrolment request and the bundles.
pub const FORMAT: u32 = 1;

/// Settings keys. The two secrets are only ever read by `keys`.
pub(crate) mod setting {
    pub const CENTRE_ID: &str = "delivery_centre_id";
    pub const CENTRE_IDENTITY: &str = "delivery_centre_identity";
    pub const CENTRE_PROFILE: &str = crate::store::outbox::CENTRE_PROFILE_SETTING;
    /// The centre's ed25519 key that signs receipts.
    pub const CENTRE_SIGNING_KEY: &str = "delivery_centre_signing_key";
    pub const DEVICE_ID: &str = crate::store::outbox::DEVICE_ID_SETTING;
    pub const DEVICE_KEY: &str = "delivery_device_key";
    /// Where this device delivers (JSON `DeliveryTarget`), and the WebDAV app password.
    pub const TARGET: &str = "delivery_target";
    pub const TARGET_PASSWORD: &str = "delivery_target_password";
    /// The schedule's state: consecutive failed passes, the last message, the last pass and
    /// the last pass that reached the destination.
    pub const FAILURES: &str = "delivery_failures";
    pub const LAST_ERROR: &str = "delivery_last_error";
    pub const LAST_PASS_AT: &str = "delivery_last_pass_at";
    pub const LAST_OK_AT: &str = "delivery_last_ok_at";
}

pub(crate) use crate::store::kv::{delete as delete_setting, get as get_setting, put as put_setting};
