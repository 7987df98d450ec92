//! The outbox: what this device has yet to deliver. A row is written in the same transaction as
//! the finalised version, amendment or 廃棄記録 it stands for, so nothing finalised can miss
//! it. Rows hold ids and states only; the content is read when a bundle is made.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::{get_setting, setting};
use crate::error::Result;
use crate::store::{now, Store};

fn enrolled(tx: &Connection) -> Result<bool> {
    Ok(get_setting(tx, setting::DEVICE_ID)?.is_some())
}

/// Queue a finalised version (確定 or 訂正). Does nothing before enrolment: `enrol` queues
/// everything finalised until then.
pub(crate) fn enqueue_version(tx: &Connection, record_id: &str, version: u32, kind: &str) -> Result<()> {
    if enrolled(tx)? {
        tx.execute(
            "INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at) VALUES ('version', ?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![record_id, version, kind, now()],
        )?;
    }
    Ok(())
}

/// Queue a 廃棄記録.
pub(crate) fn enqueue_destruction(tx: &Connection, destruction_id: &str, record_id: &str, kind: &str) -> Result<()> {
    if enrolled(tx)? {
        tx.execute(
            "INSERT INTO outbox (entry_type, record_id, version, ref_id, kind, enqueued_at) VALUES ('destruction', ?1, 0, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![record_id, destruction_id, kind, now()],
        )?;
    }
    Ok(())
}

/// At enrolment: queue every version and 廃棄記録 made so far, oldest first. Returns how many.
pub(crate) fn enqueue_existing(tx: &Connection) -> Result<usize> {
    let now = now();
    let versions = tx.execute(
        "INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at) \
         SELECT 'version', v.record_id, v.version, r.kind, ?1 FROM record_versions v JOIN records r ON r.id = v.record_id WHERE true \
         ORDER BY v.created_at, v.record_id, v.version ON CONFLICT DO NOTHING",
        [&now],
    )?;
    let destructions = tx.execute(
        "INSERT INTO outbox (entry_type, record_id, version, ref_id, kind, enqueued_at) \
         SELECT 'destruction', d.record_id, 0, d.id, d.kind, ?1 FROM destructions d WHERE true ORDER BY d.destroyed_at, d.id ON CONFLICT DO NOTHING",
        [&now],
    )?;
    Ok(versions + destructions)
}

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
    pub reason: Option<String>,
}

/// `outbox --json`.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxStatus {
    pub enrolled: bool,
    pub device_id: Option<String>,
    pub centre_name: Option<String>,
    /// Not yet delivered (in no bundle yet, or in a bundle not yet written).
    pub waiting: i64,
    pub sent: i64,
    pub quarantined: i64,
    pub last_sent_at: Option<String>,
    pub entries: Vec<OutboxEntry>,
}

impl Store {
    pub fn outbox(&self) -> Result<OutboxStatus> {
        let centre_name = self.centre_profile()?.map(|p| p.centre_name);
        self.read(|c| {
            let device_id = get_setting(c, setting::DEVICE_ID)?;
            let count = |states: &str| -> Result<i64> { Ok(c.query_row(&format!("SELECT count(*) FROM outbox WHERE state IN ({states})"), [], |r| r.get(0))?) };
            let mut stmt = c.prepare(
                "SELECT o.seq, o.entry_type, o.record_id, o.version, o.kind, o.state, b.file_name, o.enqueued_at, o.sent_at, o.reason \
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
                        reason: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(OutboxStatus {
                enrolled: device_id.is_some(),
                device_id,
                centre_name,
                waiting: count("'waiting', 'bundled'")?,
                sent: count("'sent'")?,
                quarantined: count("'quarantined'")?,
                last_sent_at: c.query_row("SELECT max(sent_at) FROM outbox_bundles", [], |r| r.get(0))?,
                entries,
            })
        })
    }
}
