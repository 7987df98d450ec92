//! What the outbox shows: the states of what this device has yet to deliver, for the screens and
//! the CLI. The table and its writes belong to the store (`store::outbox`).

use serde::Serialize;
use ts_rs::TS;

use super::{get_setting, setting};
use crate::error::Result;
use crate::store::outbox_queue as queue;
use crate::store::Store;

pub(crate) use crate::store::outbox::enqueue_existing;

use crate::enrol::Enrolment;
use crate::schedule::DeliverySchedule;
pub use crate::store::outbox_queue::{HeldBundle, OutboxEntry};
use crate::target::DeliveryTargets;

/// What has and has not reached the centre, for the home screen. Counts of finalised versions
/// and 廃棄記録; no content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DeliveryOverview {
    pub enrolled: bool,
    pub centre_name: Option<String>,
    /// Where this device delivers (a folder or a URL), if chosen.
    pub target: Option<String>,
    /// Not yet sent (in no bundle yet, or in a bundle not yet sent).
    #[ts(type = "number")]
    pub waiting: i64,
    /// Sent, not yet confirmed by the centre's receipt.
    #[ts(type = "number")]
    pub unconfirmed: i64,
    /// Confirmed by the centre.
    #[ts(type = "number")]
    pub received: i64,
    /// Set aside on this device after repeated failures.
    #[ts(type = "number")]
    pub quarantined: i64,
    pub held: Vec<HeldBundle>,
    /// Whether the centre's profile lets this device check receipts.
    pub receipts: bool,
    /// The last pass that reached the destination.
    pub last_delivery_at: Option<String>,
    /// Consecutive passes that could not reach it, and the last one's message.
    pub failures: u32,
    pub last_error: Option<String>,
    /// Finalised more than `OVERDUE_DAYS` days ago and not yet at the centre.
    #[ts(type = "number")]
    pub overdue: i64,
    pub oldest_overdue_at: Option<String>,
}

/// The home screen warns about anything finalised this many days ago and not yet delivered.
pub const OVERDUE_DAYS: i64 = 7;

/// `outbox --json`.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxStatus {
    #[serde(flatten)]
    pub overview: DeliveryOverview,
    pub device_id: Option<String>,
    /// Sent, confirmed or not (`unconfirmed + received`).
    pub sent: i64,
    pub last_sent_at: Option<String>,
    pub entries: Vec<OutboxEntry>,
}

/// What has and has not reached the centre.
pub trait DeliveryStatus {
    /// What has and has not reached the centre, as of `now`.
    fn delivery_overview(&self, now: chrono::DateTime<chrono::Utc>) -> Result<DeliveryOverview>;

    fn outbox(&self) -> Result<OutboxStatus>;
}

impl DeliveryStatus for Store {
    fn delivery_overview(&self, now: chrono::DateTime<chrono::Utc>) -> Result<DeliveryOverview> {
        let profile = self.centre_profile()?;
        let target = self.delivery_target()?.map(|t| t.describe());
        let state = self.delivery_state()?;
        let receipts = profile.as_ref().is_some_and(|p| p.receipt_key.is_some());
        let cutoff = crate::store::iso(now - chrono::Duration::days(OVERDUE_DAYS));
        self.read(|c| {
            let enrolled = get_setting(c, setting::DEVICE_ID)?.is_some();
            let counts = queue::counts(c, receipts, &cutoff)?;
            Ok(DeliveryOverview {
                enrolled,
                centre_name: profile.as_ref().map(|p| p.centre_name.clone()),
                target,
                waiting: counts.waiting,
                unconfirmed: counts.unconfirmed,
                received: counts.received,
                quarantined: counts.quarantined,
                held: queue::held(c, 20)?,
                receipts,
                last_delivery_at: state.last_ok_at.clone(),
                failures: state.failures,
                last_error: state.last_error.clone(),
                overdue: counts.overdue,
                oldest_overdue_at: counts.oldest_overdue_at,
            })
        })
    }

    fn outbox(&self) -> Result<OutboxStatus> {
        let overview = self.delivery_overview(chrono::Utc::now())?;
        self.read(|c| {
            let device_id = get_setting(c, setting::DEVICE_ID)?;
            let entries = queue::entries(c)?;
            Ok(OutboxStatus { device_id, sent: overview.unconfirmed + overview.received, last_sent_at: queue::last_sent_at(c)?, overview, entries })
        })
    }
}
