//! The outbox's states, as delivery moves entries through them: waiting → bundled → sent →
//! received (by the centre's signed receipt), or set aside (quarantined). Every read and write
//! of `outbox` and `outbox_bundles` after the entry was queued (`store::outbox`) is here;
//! `delivery` decides when (sealing, transports, receipts) and calls these in its transactions.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;

/// Why an entry whose content was destroyed before it was bundled is set aside.
const DESTROYED_BEFORE_SENT: &str = "送る前に廃棄されたため、内容がありません（廃棄記録は別に送ります）";

/// An entry waiting for a bundle.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub seq: i64,
    /// `version` or `destruction`.
    pub entry_type: String,
    pub record_id: String,
    pub version: u32,
    /// The 廃棄記録's id, for a destruction.
    pub ref_id: Option<String>,
    pub kind: String,
}

/// A finalised version as it is sent.
#[derive(Debug, Clone)]
pub struct StoredVersion {
    pub content: String,
    pub content_hash: String,
    pub reason: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub created_at: String,
}

/// A 廃棄記録 as it is sent: its fields (JSON, no names, no health data), who and when.
#[derive(Debug, Clone)]
pub struct StoredDestruction {
    pub detail: String,
    pub author_id: String,
    pub author_name: String,
    pub destroyed_at: String,
}

/// A bundle sent and not yet confirmed by the centre.
#[derive(Debug, Clone)]
pub struct Unconfirmed {
    pub seq: i64,
    pub file_name: String,
    pub sha256: String,
    /// The receipt (hash|time) already acted on by sending the bundle again.
    pub acted_receipt: Option<String>,
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

/// The counts the home screen shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Waiting for a bundle, or bundled and not sent.
    pub waiting: i64,
    /// Sent, no receipt yet.
    pub unconfirmed: i64,
    /// Sent and confirmed.
    pub received: i64,
    /// Set aside in a bundle.
    pub quarantined: i64,
    /// Entries made before the cutoff and not delivered: how many, and the oldest's time.
    pub overdue: i64,
    pub oldest_overdue_at: Option<String>,
}

/// What the schedule needs to know: entries or bundles not sent, bundles not confirmed, and the
/// most failures of one bundle still to send.
pub fn pending(c: &Connection) -> Result<(i64, i64, u32)> {
    Ok(c.query_row(
        "SELECT (SELECT count(*) FROM outbox WHERE state = 'waiting') + \
                (SELECT count(*) FROM outbox_bundles WHERE sent_at IS NULL AND quarantined_at IS NULL), \
                (SELECT count(*) FROM outbox_bundles WHERE sent_at IS NOT NULL AND received_at IS NULL AND quarantined_at IS NULL), \
                (SELECT coalesce(max(attempts), 0) FROM outbox_bundles WHERE sent_at IS NULL AND quarantined_at IS NULL)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// The first `limit` entries waiting, in order.
pub fn waiting(c: &Connection, limit: usize) -> Result<Vec<Waiting>> {
    let rows = c
        .prepare("SELECT seq, entry_type, record_id, version, ref_id, kind FROM outbox WHERE state = 'waiting' ORDER BY seq LIMIT ?1")?
        .query_map([limit as i64], |r| {
            Ok(Waiting { seq: r.get(0)?, entry_type: r.get(1)?, record_id: r.get(2)?, version: r.get(3)?, ref_id: r.get(4)?, kind: r.get(5)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The finalised version an entry stands for; `None` once destroyed.
pub fn version_of(c: &Connection, record_id: &str, version: u32) -> Result<Option<StoredVersion>> {
    Ok(c.query_row(
        "SELECT content, content_hash, reason, author_id, author_name, created_at FROM record_versions WHERE record_id = ?1 AND version = ?2",
        params![record_id, version],
        |r| {
            Ok(StoredVersion {
                content: r.get(0)?,
                content_hash: r.get(1)?,
                reason: r.get(2)?,
                author_id: r.get(3)?,
                author_name: r.get(4)?,
                created_at: r.get(5)?,
            })
        },
    )
    .optional()?)
}

/// The 廃棄記録 `id`, as it is sent.
pub fn destruction_of(c: &Connection, id: &str) -> Result<Option<StoredDestruction>> {
    Ok(c.query_row(
        "SELECT d.id, d.record_id, d.kind, d.fiscal_year, d.ledger_number, d.performed_on, d.retain_until, d.destroyed_at, d.destroyed_by, \
         coalesce(s.name, ''), d.reason FROM destructions d LEFT JOIN staff s ON s.id = d.destroyed_by WHERE d.id = ?1",
        [id],
        |r| {
            let detail = serde_json::json!({
                "id": r.get::<_, String>(0)?, "record_id": r.get::<_, String>(1)?, "kind": r.get::<_, String>(2)?,
                "fiscal_year": r.get::<_, Option<i64>>(3)?, "ledger_number": r.get::<_, Option<i64>>(4)?,
                "performed_on": r.get::<_, Option<String>>(5)?, "retain_until": r.get::<_, Option<String>>(6)?,
                "destroyed_at": r.get::<_, String>(7)?, "reason": r.get::<_, String>(10)?,
            });
            Ok(StoredDestruction { detail: detail.to_string(), author_id: r.get(8)?, author_name: r.get(9)?, destroyed_at: r.get(7)? })
        },
    )
    .optional()?)
}

/// Set aside an entry whose content was destroyed before it was bundled (its 廃棄記録 goes instead).
pub fn set_aside_destroyed(tx: &Connection, seq: i64) -> Result<()> {
    tx.execute("UPDATE outbox SET state = 'quarantined', reason = ?2 WHERE seq = ?1", params![seq, DESTROYED_BEFORE_SENT])?;
    Ok(())
}

/// The number the next bundle takes.
pub fn next_bundle_seq(tx: &Connection) -> Result<i64> {
    Ok(tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM outbox_bundles", [], |r| r.get(0))?)
}

/// Keep a bundle just made (its encrypted bytes, for retries) and mark its entries bundled.
pub fn add_bundle(tx: &Connection, seq: i64, file_name: &str, sha256: &str, bytes: &[u8], entries: &[i64], created_at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox_bundles (seq, file_name, sha256, bytes, entries, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![seq, file_name, sha256, bytes, entries.len() as i64, created_at],
    )?;
    for e in entries {
        tx.execute("UPDATE outbox SET state = 'bundled', bundle_seq = ?2 WHERE seq = ?1", params![e, seq])?;
    }
    Ok(())
}

/// Entries still to deliver: waiting, or in a bundle not set aside.
pub fn still_waiting(c: &Connection) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM outbox WHERE state = 'waiting' OR (state = 'bundled' AND bundle_seq IN (SELECT seq FROM outbox_bundles WHERE quarantined_at IS NULL))",
        [],
        |r| r.get(0),
    )?)
}

/// Bundles not yet sent and not set aside, in order: (seq, file name, bytes).
pub fn unsent(c: &Connection) -> Result<Vec<(i64, String, Vec<u8>)>> {
    let rows = c
        .prepare("SELECT seq, file_name, bytes FROM outbox_bundles WHERE sent_at IS NULL AND quarantined_at IS NULL ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Bundle `seq` was sent to `to` at `at`; returns how many entries it carried. A bundle sent
/// again after a receipt asked for it keeps its count of tries.
pub fn mark_sent(tx: &Connection, seq: i64, at: &str, to: &str) -> Result<usize> {
    tx.execute(
        "UPDATE outbox_bundles SET sent_at = ?2, sent_to = ?3, last_error = NULL, \
         attempts = CASE WHEN acted_receipt IS NULL THEN 0 ELSE attempts END WHERE seq = ?1",
        params![seq, at, to],
    )?;
    Ok(tx.execute("UPDATE outbox SET state = 'sent', sent_at = ?2 WHERE bundle_seq = ?1 AND state = 'bundled'", params![seq, at])?)
}

/// Count one more failure of bundle `seq`; returns the tries so far.
pub fn count_failure(tx: &Connection, seq: i64, message: &str) -> Result<i64> {
    Ok(tx.query_row("UPDATE outbox_bundles SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1 RETURNING attempts", params![seq, message], |r| {
        r.get(0)
    })?)
}

/// Set bundle `seq` and its entries aside, with the reason.
pub fn quarantine(tx: &Connection, seq: i64, at: &str, reason: &str) -> Result<()> {
    tx.execute("UPDATE outbox_bundles SET quarantined_at = ?2 WHERE seq = ?1", params![seq, at])?;
    tx.execute("UPDATE outbox SET state = 'quarantined', reason = ?2 WHERE bundle_seq = ?1 AND state IN ('bundled', 'sent')", params![seq, reason])?;
    Ok(())
}

/// The bytes of a bundle kept for retries, by file name.
pub fn bundle_bytes(c: &Connection, file_name: &str) -> Result<Option<Vec<u8>>> {
    Ok(c.query_row("SELECT bytes FROM outbox_bundles WHERE file_name = ?1", [file_name], |r| r.get(0)).optional()?)
}

/// Put every bundle set aside on this device back in the queue; returns how many.
pub fn release_held(tx: &Connection) -> Result<usize> {
    let n =
        tx.execute("UPDATE outbox_bundles SET quarantined_at = NULL, attempts = 0, last_error = NULL, sent_at = NULL WHERE quarantined_at IS NOT NULL", [])?;
    tx.execute("UPDATE outbox SET state = 'bundled', reason = NULL, sent_at = NULL WHERE state = 'quarantined' AND bundle_seq IS NOT NULL", [])?;
    Ok(n)
}

/// Bundles sent and not yet confirmed, in order.
pub fn unconfirmed(c: &Connection) -> Result<Vec<Unconfirmed>> {
    let rows = c
        .prepare("SELECT seq, file_name, sha256, acted_receipt FROM outbox_bundles WHERE sent_at IS NOT NULL AND received_at IS NULL AND quarantined_at IS NULL ORDER BY seq")?
        .query_map([], |r| Ok(Unconfirmed { seq: r.get(0)?, file_name: r.get(1)?, sha256: r.get(2)?, acted_receipt: r.get(3)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The centre confirmed bundle `seq` at `at`: the encrypted copy kept for retries goes.
pub fn mark_received(tx: &Connection, seq: i64, at: &str) -> Result<()> {
    tx.execute("UPDATE outbox_bundles SET received_at = ?2, centre_reason = NULL, bytes = NULL WHERE seq = ?1", params![seq, at])?;
    Ok(())
}

/// The centre read a damaged copy of bundle `seq`: send it again, remembering the receipt acted on.
pub fn send_again(tx: &Connection, seq: i64, reason: &str, acted_receipt: &str) -> Result<()> {
    tx.execute("UPDATE outbox_bundles SET sent_at = NULL, centre_reason = ?2, acted_receipt = ?3 WHERE seq = ?1", params![seq, reason, acted_receipt])?;
    tx.execute("UPDATE outbox SET state = 'bundled', sent_at = NULL WHERE bundle_seq = ?1 AND state = 'sent'", [seq])?;
    Ok(())
}

/// What the centre said of bundle `seq`, set aside there.
pub fn set_centre_reason(tx: &Connection, seq: i64, reason: &str) -> Result<()> {
    tx.execute("UPDATE outbox_bundles SET centre_reason = ?2 WHERE seq = ?1", params![seq, reason])?;
    Ok(())
}

/// Everything sent and not confirmed goes again (to a new destination).
pub fn resend_unconfirmed(tx: &Connection) -> Result<()> {
    tx.execute("UPDATE outbox_bundles SET sent_at = NULL WHERE sent_at IS NOT NULL AND received_at IS NULL AND quarantined_at IS NULL", [])?;
    tx.execute(
        "UPDATE outbox SET state = 'bundled', sent_at = NULL WHERE state = 'sent' AND bundle_seq IN (SELECT seq FROM outbox_bundles WHERE sent_at IS NULL)",
        [],
    )?;
    Ok(())
}

/// The counts for the home screen. Delivered means confirmed by a receipt when the centre sends
/// receipts (`receipts`), else sent; `cutoff` is the time before which an undelivered entry is
/// overdue.
pub fn counts(c: &Connection, receipts: bool, cutoff: &str) -> Result<QueueCounts> {
    let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
    let undelivered =
        if receipts { "(o.state IN ('waiting', 'bundled') OR (o.state = 'sent' AND b.received_at IS NULL))" } else { "o.state IN ('waiting', 'bundled')" };
    let (overdue, oldest_overdue_at): (i64, Option<String>) = c.query_row(
        &format!(
            "SELECT count(*), min(o.made_at) FROM outbox o LEFT JOIN outbox_bundles b ON b.seq = o.bundle_seq \
             WHERE o.made_at < ?1 AND ({undelivered} OR (o.state = 'quarantined' AND o.bundle_seq IS NOT NULL))"
        ),
        [cutoff],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(QueueCounts {
        waiting: count("SELECT count(*) FROM outbox WHERE state IN ('waiting', 'bundled')")?,
        unconfirmed: count("SELECT count(*) FROM outbox o JOIN outbox_bundles b ON b.seq = o.bundle_seq WHERE o.state = 'sent' AND b.received_at IS NULL")?,
        received: count("SELECT count(*) FROM outbox o JOIN outbox_bundles b ON b.seq = o.bundle_seq WHERE o.state = 'sent' AND b.received_at IS NOT NULL")?,
        // Entries destroyed before they were bundled are 'quarantined' without a bundle: their
        // 廃棄記録 goes instead, so they are not held.
        quarantined: count("SELECT count(*) FROM outbox WHERE state = 'quarantined' AND bundle_seq IS NOT NULL")?,
        overdue,
        oldest_overdue_at,
    })
}

/// When a bundle was last sent.
pub fn last_sent_at(c: &Connection) -> Result<Option<String>> {
    Ok(c.query_row("SELECT max(sent_at) FROM outbox_bundles", [], |r| r.get(0))?)
}

/// The bundles set aside, here or at the centre, the first `limit`.
pub fn held(c: &Connection, limit: usize) -> Result<Vec<HeldBundle>> {
    let mut held: Vec<HeldBundle> = c
        .prepare(
            "SELECT file_name, entries, CASE WHEN quarantined_at IS NOT NULL THEN 'device' ELSE 'centre' END, coalesce(CASE WHEN quarantined_at IS NOT NULL THEN last_error END, centre_reason) \
             FROM outbox_bundles WHERE quarantined_at IS NOT NULL OR (centre_reason IS NOT NULL AND received_at IS NULL) ORDER BY seq",
        )?
        .query_map([], |r| Ok(HeldBundle { bundle: r.get(0)?, entries: r.get(1)?, held_by: r.get(2)?, reason: r.get::<_, Option<String>>(3)?.unwrap_or_default() }))?
        .collect::<rusqlite::Result<_>>()?;
    held.truncate(limit);
    Ok(held)
}

/// Every outbox entry, in order.
pub fn entries(c: &Connection) -> Result<Vec<OutboxEntry>> {
    let mut stmt = c.prepare(
        "SELECT o.seq, o.entry_type, o.record_id, o.version, o.kind, o.state, b.file_name, o.enqueued_at, o.sent_at, b.received_at, o.reason, b.centre_reason \
         FROM outbox o LEFT JOIN outbox_bundles b ON b.seq = o.bundle_seq ORDER BY o.seq",
    )?;
    let rows = stmt
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
    Ok(rows)
}
