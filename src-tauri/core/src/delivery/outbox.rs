//! What the outbox shows: the states of what this device has yet to deliver, for the screens and
//! the CLI. The table and its writes belong to the store (`store::outbox`).

use serde::Serialize;
use ts_rs::TS;

use super::{get_setting, setting};
use crate::error::Result;
use crate::store::Store;

pub(crate) use crate::store::outbox::enqueue_existing;

/// One outbox entry: ids and states, never content.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub entry_type: String,
    pub record_id: String,
    pub version: u32,
    pub kind: String,
    /// waiting, bundled (made, not yet delivered), sent, quarantined.
    pub state: String,
    pub bundle: Option<String>,
    pub enqueued_at: String,
    pub sent_at: Option<String>,
    /// When the centre confirmed it (its signed receipt).
    pub received_at: Option<String>,
    pub reason: Option<String>,
    /// What the centre said of a bundle it set aside.
    pub centre_reason: Option<String>,
}

/// A bundle set aside, on this device or at the centre, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct HeldBundle {
    pub bundle: String,
    #[ts(type = "number")]
    pub entries: i64,
    /// `device` (set aside here after repeated failures) or `centre` (the centre refused it).
    pub held_by: String,
    pub reason: String,
}

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

impl Store {
    /// What has and has not reached the centre, as of `now`.
    pub fn delivery_overview(&self, now: chrono::DateTime<chrono::Utc>) -> Result<DeliveryOverview> {
        let profile = self.centre_profile()?;
        let target = self.delivery_target()?.map(|t| t.describe());
        let state = self.delivery_state()?;
        let receipts = profile.as_ref().is_some_and(|p| p.receipt_key.is_some());
        let cutoff = crate::store::iso(now - chrono::Duration::days(OVERDUE_DAYS));
        self.read(|c| {
            let enrolled = get_setting(c, setting::DEVICE_ID)?.is_some();
            let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
            // Delivered means confirmed by a receipt when the centre sends receipts, else sent.
            let undelivered = if receipts {
                "(o.state IN ('waiting', 'bundled') OR (o.state = 'sent' AND b.received_at IS NULL))"
            } else {
                "o.state IN ('waiting', 'bundled')"
            };
            let (overdue, oldest): (i64, Option<String>) = c.query_row(
                &format!(
                    "SELECT count(*), min(o.made_at) FROM outbox o LEFT JOIN outbox_bundles b ON b.seq = o.bundle_seq \
                     WHERE o.made_at < ?1 AND ({undelivered} OR (o.state = 'quarantined' AND o.bundle_seq IS NOT NULL))"
                ),
                [&cutoff],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let mut held: Vec<HeldBundle> = c
                .prepare(
                    "SELECT file_name, entries, CASE WHEN quarantined_at IS NOT NULL THEN 'device' ELSE 'centre' END, coalesce(CASE WHEN quarantined_at IS NOT NULL THEN last_error END, centre_reason) \
                     FROM outbox_bundles WHERE quarantined_at IS NOT NULL OR (centre_reason IS NOT NULL AND received_at IS NULL) ORDER BY seq",
                )?
                .query_map([], |r| Ok(HeldBundle { bundle: r.get(0)?, entries: r.get(1)?, held_by: r.get(2)?, reason: r.get::<_, Option<String>>(3)?.unwrap_or_default() }))?
                .collect::<rusqlite::Result<_>>()?;
            held.truncate(20);
            Ok(DeliveryOverview {
                enrolled,
                centre_name: profile.as_ref().map(|p| p.centre_name.clone()),
                target,
                waiting: count("SELECT count(*) FROM outbox WHERE state IN ('waiting', 'bundled')")?,
                unconfirmed: count("SELECT count(*) FROM outbox o JOIN outbox_bundles b ON b.seq = o.bundle_seq WHERE o.state = 'sent' AND b.received_at IS NULL")?,
                received: count("SELECT count(*) FROM outbox o JOIN outbox_bundles b ON b.seq = o.bundle_seq WHERE o.state = 'sent' AND b.received_at IS NOT NULL")?,
                // Entries destroyed before they were bundled are 'quarantined' without a bundle:
                // their 廃棄記録 goes instead, so they are not held.
                quarantined: count("SELECT count(*) FROM outbox WHERE state = 'quarantined' AND bundle_seq IS NOT NULL")?,
                held,
                receipts,
                last_delivery_at: state.last_ok_at.clone(),
                failures: state.failures,
                last_error: state.last_error.clone(),
                overdue,
                oldest_overdue_at: oldest,
            })
        })
    }

    pub fn outbox(&self) -> Result<OutboxStatus> {
        let overview = self.delivery_overview(chrono::Utc::now())?;
        self.read(|c| {
            let device_id = get_setting(c, setting::DEVICE_ID)?;
            let mut stmt = c.prepare(
                "SELECT o.seq, o.entry_type, o.record_id, o.version, o.kind, o.state, b.file_name, o.enqueued_at, o.sent_at, b.received_at, o.reason, b.centre_reason \
                 FROM outbox o LEFT JOIN outbox_bundles b ON b.seq = o.bundle_seq ORDER BY o.seq",
            )?;
            let entries = stmt
                .query_map([], |r| {
                    Ok(OutboxEntry {
                        seq: r.get(0)?,
                        entry_type: r.get(1)?,
                        record_id: r.get(2)?,
                        version: r.get(3)?,
                        kind: r.get(4)?,
                        state: r.get(5)?,
                        bundle: r.get(6)?,
                        enqueued_at: r.get(7)?,
                        sent_at: r.get(8)?,
                        received_at: r.get(9)?,
                        reason: r.get(10)?,
                        centre_reason: r.get(11)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(OutboxStatus {
                device_id,
                sent: overview.unconfirmed + overview.received,
                last_sent_at: c.query_row("SELECT max(sent_at) FROM outbox_bundles", [], |r| r.get(0))?,
                overview,
                entries,
            })
        })
    }
}
