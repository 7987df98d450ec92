//! The outbox table: what this device has yet to deliver to its centre. A row is written in the
//! same transaction as the finalised version, amendment or 廃棄記録 it stands for, so nothing
//! finalised can miss it. Rows hold ids and states only; the content is read when a bundle is
//! made (`delivery::deliver`), which also reads and updates the states.

use rusqlite::{params, Connection};

use super::now;
use crate::error::Result;

/// The settings holding this device's id once enrolled, and the centre's profile (JSON).
pub const DEVICE_ID_SETTING: &str = "delivery_device_id";
pub const CENTRE_PROFILE_SETTING: &str = "delivery_centre_profile";

use super::kv::get as get_setting;

fn enrolled(tx: &Connection) -> Result<bool> {
    Ok(get_setting(tx, DEVICE_ID_SETTING)?.is_some())
}

/// Queue a finalised version (確定 or 訂正). Does nothing before enrolment: `enrol` queues
/// everything finalised until then.
pub(crate) fn enqueue_version(tx: &Connection, record_id: &str, version: u32, kind: &str) -> Result<()> {
    if enrolled(tx)? {
        tx.execute(
            "INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at, made_at) \
             VALUES ('version', ?1, ?2, ?3, ?4, coalesce((SELECT created_at FROM record_versions WHERE record_id = ?1 AND version = ?2), ?4)) ON CONFLICT DO NOTHING",
            params![record_id, version, kind, now()],
        )?;
    }
    Ok(())
}

/// Queue a 廃棄記録.
pub(crate) fn enqueue_destruction(tx: &Connection, destruction_id: &str, record_id: &str, kind: &str) -> Result<()> {
    if enrolled(tx)? {
        tx.execute(
            "INSERT INTO outbox (entry_type, record_id, version, ref_id, kind, enqueued_at, made_at) \
             VALUES ('destruction', ?1, 0, ?2, ?3, ?4, coalesce((SELECT destroyed_at FROM destructions WHERE id = ?2), ?4)) ON CONFLICT DO NOTHING",
            params![record_id, destruction_id, kind, now()],
        )?;
    }
    Ok(())
}

/// At enrolment: queue every version and 廃棄記録 made so far, oldest first. Returns how many.
pub fn enqueue_existing(tx: &Connection) -> Result<usize> {
    let now = now();
    let versions = tx.execute(
        "INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at, made_at) \
         SELECT 'version', v.record_id, v.version, r.kind, ?1, v.created_at FROM record_versions v JOIN records r ON r.id = v.record_id WHERE true \
         ORDER BY v.created_at, v.record_id, v.version ON CONFLICT DO NOTHING",
        [&now],
    )?;
    let destructions = tx.execute(
        "INSERT INTO outbox (entry_type, record_id, version, ref_id, kind, enqueued_at, made_at) \
         SELECT 'destruction', d.record_id, 0, d.id, d.kind, ?1, d.destroyed_at FROM destructions d WHERE true ORDER BY d.destroyed_at, d.id ON CONFLICT DO NOTHING",
        [&now],
    )?;
    Ok(versions + destructions)
}

/// Whether a record has reached the centre, for retention: a record the centre never received
/// must not be destroyed on the device (it would then be lost everywhere).
pub(crate) struct ReachedCentre {
    /// The centre sends signed receipts: only a receipt that says "applied" counts. Without
    /// receipts, a version counts as delivered once its bundle was sent.
    receipts: bool,
}

impl ReachedCentre {
    /// `None` when this store is not enrolled with a centre: there is no centre to wait for.
    pub(crate) fn of(c: &Connection) -> Result<Option<Self>> {
        if !enrolled(c)? {
            return Ok(None);
        }
        // A profile that cannot be read is treated as one with receipts: the stricter reading.
        let receipts =
            get_setting(c, CENTRE_PROFILE_SETTING)?.is_none_or(|p| serde_json::from_str::<serde_json::Value>(&p).map_or(true, |p| !p["receipt_key"].is_null()));
        Ok(Some(ReachedCentre { receipts }))
    }

    /// How many of the record's finalised versions have not reached the centre (no outbox
    /// entry, waiting, bundled, set aside, or sent without the centre's receipt).
    pub(crate) fn undelivered_versions(&self, c: &Connection, record_id: &str) -> Result<u32> {
        Ok(c.query_row(
            "SELECT count(*) FROM record_versions v WHERE v.record_id = ?1 AND NOT EXISTS ( \
               SELECT 1 FROM outbox o LEFT JOIN outbox_bundles b ON b.seq = o.bundle_seq \
               WHERE o.entry_type = 'version' AND o.record_id = v.record_id AND o.version = v.version \
                 AND o.state = 'sent' AND (?2 = 0 OR b.received_at IS NOT NULL))",
            params![record_id, self.receipts],
            |r| r.get(0),
        )?)
    }
}
