//! The centre's tables in this store: the enrolled devices (`centre_devices`) and their
//! anchors (`device_anchors`), the bundles read (`centre_bundles`), the retired keys
//! (`centre_old_identities`) and the consolidated records (`consolidated_*`). Every read and
//! write of them is here; `delivery::consolidation::sqlite` decides what to write (the import,
//! the proofs), the ledgers read the view `consolidated_current`.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::error::Result;

/// The ids and hashes of a kept payload's entries, read without the delivery types.
#[derive(serde::Deserialize)]
struct PayloadIds {
    entries: Vec<EntryIds>,
}

#[derive(serde::Deserialize)]
struct EntryIds {
    entry_type: String,
    record_id: String,
    version: u32,
    content_hash: String,
}

/// Remove every kept payload holding a record being destroyed (they hold its content), leaving
/// the ids and hashes of their entries. Called under the record's destruction permit.
pub(crate) fn forget_payloads(tx: &rusqlite::Transaction, record_id: &str, at: &str) -> Result<()> {
    let mut stmt = tx.prepare(
        "SELECT p.sha256, p.file_name, p.device_id, p.payload FROM consolidated_payloads p JOIN consolidated_payload_records r ON r.sha256 = p.sha256 WHERE r.record_id = ?1",
    )?;
    let rows = stmt
        .query_map([record_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (sha256, file, device, text) in rows {
        let entries: Vec<(String, String, u32, String)> = serde_json::from_str::<PayloadIds>(&text)
            .map(|p| p.entries.into_iter().map(|e| (e.entry_type, e.record_id, e.version, e.content_hash)).collect())
            .unwrap_or_default();
        tx.execute(
            "INSERT INTO consolidated_payloads_destroyed (sha256, file_name, device_id, entries, destroyed_for, destroyed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![sha256, file, device, serde_json::to_string(&entries).expect("ids serialise"), record_id, at],
        )?;
        tx.execute("DELETE FROM consolidated_payloads WHERE sha256 = ?1", [&sha256])?;
    }
    Ok(())
}

// ---- The centre's devices (`centre_devices`) ----

/// An enrolled device as the table holds it.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    pub device_id: String,
    pub public_key: String,
    pub label: String,
    pub enrolled_at: String,
    /// Why the device's chain is in doubt, if it is (`device_anchors`).
    pub flagged: Option<String>,
}

/// The public key device `device_id` was enrolled with.
pub fn device_key(c: &Connection, device_id: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT public_key FROM centre_devices WHERE device_id = ?1", [device_id], |r| r.get(0)).optional()?)
}

/// Enrol a device.
pub fn add_device(tx: &Connection, device_id: &str, public_key: &str, label: &str, at: &str) -> Result<()> {
    tx.execute("INSERT INTO centre_devices (device_id, public_key, label, enrolled_at) VALUES (?1, ?2, ?3, ?4)", params![device_id, public_key, label, at])?;
    Ok(())
}

/// Every enrolled device, in the order enrolled.
pub fn devices(c: &Connection) -> Result<Vec<DeviceRow>> {
    let mut stmt = c.prepare(
        "SELECT d.device_id, d.public_key, d.label, d.enrolled_at, a.flagged FROM centre_devices d \
         LEFT JOIN device_anchors a ON a.device_id = d.device_id ORDER BY d.enrolled_at, d.device_id",
    )?;
    let rows =
        stmt.query_map([], |r| Ok(DeviceRow { device_id: r.get(0)?, public_key: r.get(1)?, label: r.get(2)?, enrolled_at: r.get(3)?, flagged: r.get(4)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ---- Each device's last anchored chain head (`device_anchors`) ----

/// A device's last anchor: (bundle seq, audit seq, audit hash).
pub fn device_anchor(c: &Connection, device_id: &str) -> Result<Option<(i64, i64, String)>> {
    Ok(c.query_row("SELECT bundle_seq, audit_seq, audit_hash FROM device_anchors WHERE device_id = ?1", [device_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// Keep a device's anchor if it comes from a later bundle; a flag, once set, stays.
pub fn keep_device_anchor(tx: &Connection, device_id: &str, bundle_seq: i64, audit_seq: i64, audit_hash: &str, flag: Option<&str>, at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO device_anchors (device_id, bundle_seq, audit_seq, audit_hash, updated_at, flagged, flagged_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?6 IS NULL THEN NULL ELSE ?5 END) \
         ON CONFLICT (device_id) DO UPDATE SET bundle_seq = excluded.bundle_seq, audit_seq = excluded.audit_seq, audit_hash = excluded.audit_hash, \
           updated_at = excluded.updated_at, flagged = coalesce(excluded.flagged, flagged), flagged_at = coalesce(excluded.flagged_at, flagged_at) \
         WHERE excluded.bundle_seq > device_anchors.bundle_seq",
        params![device_id, bundle_seq, audit_seq, audit_hash, at, flag],
    )?;
    Ok(())
}

// ---- The bundles the centre read (`centre_bundles`) ----

/// A bundle the centre applied or set aside, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRow {
    pub sha256: String,
    pub file_name: String,
    pub device_id: Option<String>,
    pub outcome: String,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

/// What became of the bundle with this hash: `applied` or `quarantined`.
pub fn bundle_outcome(c: &Connection, sha256: &str) -> Result<Option<String>> {
    Ok(c.query_row("SELECT outcome FROM centre_bundles WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?)
}

/// The bundles applied: file name → hash.
pub fn applied_files(c: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = c.prepare("SELECT file_name, sha256 FROM centre_bundles WHERE outcome = 'applied'")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Bundle `sha256` was applied (also one set aside before, now fixed): its receipt is due again.
pub fn note_applied(tx: &Connection, sha256: &str, file: &str, device_id: &str, entries: i64, at: &str, source: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES (?1, ?2, ?3, 'applied', NULL, ?4, ?5, ?6, NULL) \
         ON CONFLICT(sha256) DO UPDATE SET device_id = excluded.device_id, outcome = 'applied', reason = NULL, entries = excluded.entries, \
         at = excluded.at, source = excluded.source, code = NULL, receipt_at = NULL",
        params![sha256, file, device_id, entries, at, source],
    )?;
    Ok(())
}

/// Bundle `sha256` was set aside; returns whether this is the first time.
#[allow(clippy::too_many_arguments)]
pub fn note_refused(tx: &Connection, sha256: &str, file: &str, device_id: Option<&str>, reason: &str, code: &str, at: &str, source: &str) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, reason, entries, at, source, code) VALUES (?1, ?2, ?3, 'quarantined', ?4, 0, ?5, ?6, ?7) \
         ON CONFLICT(sha256) DO NOTHING",
        params![sha256, file, device_id, reason, at, source, code],
    )? == 1)
}

/// The bundles from `source` not yet answered, and those `also` names, oldest first.
pub fn receipts_pending(c: &Connection, source: &str, also: &[String]) -> Result<Vec<BundleRow>> {
    let mut stmt = c.prepare(
        "SELECT sha256, file_name, device_id, outcome, code, reason, at FROM centre_bundles \
         WHERE (receipt_at IS NULL AND source = ?1) OR sha256 IN (SELECT value FROM json_each(?2)) ORDER BY at, file_name",
    )?;
    let rows = stmt.query_map(params![source, serde_json::to_string(also).expect("ids serialise")], |r| {
        Ok(BundleRow { sha256: r.get(0)?, file_name: r.get(1)?, device_id: r.get(2)?, outcome: r.get(3)?, code: r.get(4)?, reason: r.get(5)?, at: r.get(6)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The receipt of bundle `sha256` was written at `at`.
pub fn receipt_written(tx: &Connection, sha256: &str, at: &str) -> Result<()> {
    tx.execute("UPDATE centre_bundles SET receipt_at = ?2 WHERE sha256 = ?1", params![sha256, at])?;
    Ok(())
}

/// The counts of the centre's overview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CentreCounts {
    pub devices: i64,
    pub records: i64,
    /// Records with two different contents for one version.
    pub needs_review: i64,
    pub bundles_applied: i64,
    pub quarantined_total: i64,
    /// The latest bundles set aside, the newest first: (file, reason, code).
    pub quarantined: Vec<(String, String, Option<String>)>,
}

/// The counts of the centre's overview, with the last `limit` bundles set aside.
pub fn centre_counts(c: &Connection, limit: usize) -> Result<CentreCounts> {
    let count = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
    let mut stmt = c.prepare("SELECT file_name, coalesce(reason, ''), code FROM centre_bundles WHERE outcome = 'quarantined' ORDER BY at DESC LIMIT ?1")?;
    let quarantined = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(CentreCounts {
        devices: count("SELECT count(*) FROM centre_devices")?,
        records: count("SELECT count(*) FROM consolidated_latest")?,
        needs_review: count(
            "SELECT count(DISTINCT record_id) FROM (SELECT record_id FROM consolidated_versions GROUP BY record_id, version HAVING count(DISTINCT content_hash) > 1)",
        )?,
        bundles_applied: count("SELECT count(*) FROM centre_bundles WHERE outcome = 'applied'")?,
        quarantined_total: count("SELECT count(*) FROM centre_bundles WHERE outcome = 'quarantined'")?,
        quarantined,
    })
}

// ---- The centre's retired keys (`centre_old_identities`) ----

/// A key no longer in use: (recipient, identity secret, retired at). Kept to open bundles made
/// for it.
pub type OldIdentityRow = (String, Zeroizing<String>, String);

/// Keep a key no longer in use (once per key).
pub fn keep_old_identity(tx: &Connection, recipient: &str, identity: &str, retired_at: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO centre_old_identities (recipient, identity, retired_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![recipient, identity, retired_at],
    )?;
    Ok(())
}

/// The keys no longer in use, the oldest retired first.
pub fn old_identities(c: &Connection) -> Result<Vec<OldIdentityRow>> {
    let mut stmt = c.prepare("SELECT recipient, identity, retired_at FROM centre_old_identities ORDER BY retired_at")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, Zeroizing::new(r.get::<_, String>(1)?), r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the key with this recipient was retired.
pub fn is_retired(c: &Connection, recipient: &str) -> Result<bool> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM centre_old_identities WHERE recipient = ?1)", [recipient], |r| r.get(0))?)
}

// ---- The consolidated records (`consolidated_*`) ----

/// A version as it arrived in a bundle.
#[derive(Debug, Clone, Copy)]
pub struct VersionIn<'a> {
    pub record_id: &'a str,
    pub version: u32,
    pub content_hash: &'a str,
    pub kind: &'a str,
    pub device_id: &'a str,
    pub content: &'a str,
    pub reason: Option<&'a str>,
    pub author_id: &'a str,
    pub author_name: &'a str,
    pub created_at: &'a str,
}

/// The columns of `consolidated_latest` a version's content gives: what the ledgers filter on.
#[derive(Debug, Clone, Default)]
pub struct LatestColumns {
    pub performed_on: Option<String>,
    pub fiscal_year: Option<i32>,
    pub place: Option<&'static str>,
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
}

/// A consolidated version as the proofs read it.
#[derive(Debug, Clone)]
pub struct VersionOut {
    pub record_id: String,
    pub version: u32,
    pub content_hash: String,
    pub kind: String,
    pub device_id: String,
    pub content: String,
    pub reason: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub created_at: String,
    pub imported_at: String,
    /// Consolidated before payloads were kept (migration 0007): no payload proves it.
    pub before_proofs: bool,
}

/// What the store holds under a bundle's hash: the payload kept, and the tombstone of one
/// removed by a destruction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptUnder {
    pub payload: Option<String>,
    /// (device, the ids and hashes of its entries)
    pub tombstone: Option<(String, String)>,
}

/// A consolidated version as the records list reads it: (record, kind, version, device, content).
pub type VersionListed = (String, String, u32, String, String);

/// The payload kept under `sha256`, and the tombstone of one removed.
pub fn kept_payload(c: &Connection, sha256: &str) -> Result<KeptUnder> {
    let text: Option<String> = c.query_row("SELECT payload FROM consolidated_payloads WHERE sha256 = ?1", [sha256], |r| r.get(0)).optional()?;
    let removed =
        c.query_row("SELECT device_id, entries FROM consolidated_payloads_destroyed WHERE sha256 = ?1", [sha256], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    Ok(KeptUnder { payload: text, tombstone: removed })
}

/// Keep a bundle's payload as its device signed it, with the records it holds. Returns the
/// payload already kept under this hash when it is another one.
#[allow(clippy::too_many_arguments)]
pub fn keep_payload(
    tx: &Connection,
    sha256: &str,
    file: &str,
    device_id: &str,
    text: &str,
    signature: &str,
    record_ids: &[&str],
    at: &str,
) -> Result<Option<String>> {
    let n = tx.execute(
        "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![sha256, file, device_id, text, signature, at],
    )?;
    if n == 0 {
        let kept: String = tx.query_row("SELECT payload FROM consolidated_payloads WHERE sha256 = ?1", [sha256], |r| r.get(0))?;
        return Ok((kept != text).then_some(kept));
    }
    for id in record_ids {
        tx.execute("INSERT INTO consolidated_payload_records (record_id, sha256) VALUES (?1, ?2) ON CONFLICT DO NOTHING", params![id, sha256])?;
    }
    Ok(None)
}

/// Add a device's 廃棄記録; returns whether it is new.
pub fn add_destruction(tx: &Connection, destruction_id: &str, record_id: &str, device_id: &str, detail: &str, at: &str, file: &str) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO consolidated_destructions (destruction_id, record_id, device_id, detail, imported_at, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        params![destruction_id, record_id, device_id, detail, at, file],
    )? == 1)
}

/// Add a version; returns whether it is new (a version already there is never changed).
pub fn add_version(tx: &Connection, v: &VersionIn, at: &str, file: &str) -> Result<bool> {
    Ok(tx.execute(
        "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT DO NOTHING",
        params![v.record_id, v.version, v.content_hash, v.kind, v.device_id, v.content, v.reason, v.author_id, v.author_name, v.created_at, at, file],
    )? == 1)
}

/// Make a version just added current if it is newer and comes from the device the record first
/// came from.
pub fn note_latest(tx: &Connection, v: &VersionIn, c: &LatestColumns) -> Result<()> {
    tx.execute(
        "INSERT INTO consolidated_latest (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(record_id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash, kind = excluded.kind, \
           performed_on = excluded.performed_on, fiscal_year = excluded.fiscal_year, place = excluded.place, doctor_id = excluded.doctor_id, \
           workplace_id = excluded.workplace_id, device_id = excluded.device_id \
         WHERE excluded.version > consolidated_latest.version AND excluded.device_id = consolidated_latest.device_id",
        params![v.record_id, v.version, v.content_hash, v.kind, c.performed_on, c.fiscal_year, c.place, c.doctor_id, c.workplace_id, v.device_id],
    )?;
    Ok(())
}

/// Whether a record has two contents for one version, or a version from another device.
pub fn conflicted(c: &Connection, record_id: &str) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM consolidated_versions WHERE record_id = ?1 GROUP BY version HAVING count(DISTINCT content_hash) > 1) \
         OR EXISTS (SELECT 1 FROM consolidated_versions v JOIN consolidated_latest l ON l.record_id = v.record_id \
                    WHERE v.record_id = ?1 AND v.device_id <> l.device_id)",
        [record_id],
        |r| r.get(0),
    )?)
}

/// Every consolidated version: (record, kind, version, device, content), by record, the newest
/// version first.
pub fn all_versions(c: &Connection) -> Result<Vec<VersionListed>> {
    let mut stmt = c.prepare(
        "SELECT v.record_id, v.kind, v.version, v.device_id, v.content FROM consolidated_versions v \
         ORDER BY v.record_id, v.version DESC, v.imported_at, v.device_id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the device that made the record destroyed it (its 廃棄記録 arrived).
pub fn destroyed_on_device(c: &Connection, record_id: &str) -> Result<bool> {
    Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM consolidated_destructions WHERE record_id = ?1)", [record_id], |x| x.get(0))?)
}

/// Everything the proofs check, row by row: the kept payloads, their tombstones, the versions,
/// the 廃棄記録 and the current versions.
pub trait ProofRows {
    fn payload(&mut self, file: &str, device_id: &str, payload: &str, signature: &str);
    fn tombstone(&mut self, device_id: &str, entries: &str, destroyed_at: &str);
    fn version(&mut self, v: VersionOut);
    fn destruction(&mut self, destruction_id: &str, record_id: &str, device_id: &str, detail: &str, before_proofs: bool);
    fn latest(&mut self, record_id: String, version: u32, content_hash: String, device_id: String);
}

/// Read every row the proofs check into `to`.
pub fn proof_rows(c: &Connection, to: &mut dyn ProofRows) -> Result<()> {
    let mut stmt = c.prepare("SELECT file_name, device_id, payload, signature FROM consolidated_payloads ORDER BY sha256")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        to.payload(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?);
    }
    let mut stmt = c.prepare("SELECT device_id, entries, destroyed_at FROM consolidated_payloads_destroyed")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        to.tombstone(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?);
    }
    let mut stmt = c.prepare(
        "SELECT v.record_id, v.version, v.content_hash, v.kind, v.device_id, v.content, v.reason, v.author_id, v.author_name, v.created_at, v.imported_at, \
         EXISTS (SELECT 1 FROM consolidated_before_proofs b WHERE b.record_id = v.record_id AND b.version = v.version AND b.content_hash = v.content_hash) \
         FROM consolidated_versions v ORDER BY v.record_id, v.version",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        to.version(VersionOut {
            record_id: r.get(0)?,
            version: r.get(1)?,
            content_hash: r.get(2)?,
            kind: r.get(3)?,
            device_id: r.get(4)?,
            content: r.get(5)?,
            reason: r.get(6)?,
            author_id: r.get(7)?,
            author_name: r.get(8)?,
            created_at: r.get(9)?,
            imported_at: r.get(10)?,
            before_proofs: r.get(11)?,
        });
    }
    let mut stmt = c.prepare(
        "SELECT d.destruction_id, d.record_id, d.device_id, d.detail, \
         EXISTS (SELECT 1 FROM consolidated_destructions_before_proofs b WHERE b.destruction_id = d.destruction_id) FROM consolidated_destructions d",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        to.destruction(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &r.get::<_, String>(3)?, r.get(4)?);
    }
    let mut stmt = c.prepare("SELECT record_id, version, content_hash, device_id FROM consolidated_latest")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        to.latest(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
    }
    Ok(())
}

// ---- Moving the consolidated records to PostgreSQL (`chisanpo centre move-to`) ----

/// A table of the consolidated store as `chisanpo centre move-to` copies it into the centre's
/// PostgreSQL (which has a table of the same name and meaning), in the order it is copied: the
/// 台帳 numbers first, so that an import into the database meanwhile numbers after them; the
/// devices before what names them; the signed payloads and their tombstones before the versions
/// they prove and the bundles recorded as applied (the database refuses an applied bundle
/// without its payload).
///
/// Not copied: `centre_old_identities` (keys never go into the database; they stay in each
/// coordinator's store), `destruction_permits` (empty outside a destruction's transaction),
/// `consolidated_before_proofs` and `consolidated_destructions_before_proofs` (carried as the
/// rows' missing arrival time, which is how the database marks them), the view
/// `consolidated_current` (the database derives it), and the 廃棄記録 of the centre's own records
/// (their records are not in the database).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveTable {
    /// `ledger_numbers`, all of them: the centre's own records share the sequence, and their
    /// numbers are reserved in the database so that no number is given twice.
    LedgerNumbers,
    Devices,
    Payloads,
    Tombstones,
    PayloadRecords,
    Versions,
    DeviceDestructions,
    Latest,
    /// `destructions` of consolidated records only.
    Destructions,
    Anchors,
    /// `centre_bundles` (applied and quarantined, with their receipts), but for those applied
    /// before payloads were kept (`move_applied_without_payload`).
    Bundles,
}

/// How one table is read for the move: its columns as text (NULL stays NULL), from where, in
/// which order, and each row's identity (its key and the values the copy must keep).
struct MoveSql {
    select: &'static str,
    from: &'static str,
    order: &'static str,
    key: &'static str,
}

impl MoveTable {
    pub const ALL: [MoveTable; 11] = [
        MoveTable::LedgerNumbers,
        MoveTable::Devices,
        MoveTable::Payloads,
        MoveTable::Tombstones,
        MoveTable::PayloadRecords,
        MoveTable::Versions,
        MoveTable::DeviceDestructions,
        MoveTable::Latest,
        MoveTable::Destructions,
        MoveTable::Anchors,
        MoveTable::Bundles,
    ];

    /// The table's name (the same in the database).
    pub fn name(self) -> &'static str {
        match self {
            MoveTable::LedgerNumbers => "ledger_numbers",
            MoveTable::Devices => "centre_devices",
            MoveTable::Payloads => "consolidated_payloads",
            MoveTable::Tombstones => "consolidated_payloads_destroyed",
            MoveTable::PayloadRecords => "consolidated_payload_records",
            MoveTable::Versions => "consolidated_versions",
            MoveTable::DeviceDestructions => "consolidated_destructions",
            MoveTable::Latest => "consolidated_latest",
            MoveTable::Destructions => "destructions",
            MoveTable::Anchors => "device_anchors",
            MoveTable::Bundles => "centre_bundles",
        }
    }

    /// What the table holds, for people.
    pub fn label(self) -> &'static str {
        match self {
            MoveTable::LedgerNumbers => "台帳の番号",
            MoveTable::Devices => "登録済みの端末",
            MoveTable::Payloads => "署名付きの配送内容",
            MoveTable::Tombstones => "廃棄で取り除いた配送内容の控え",
            MoveTable::PayloadRecords => "配送内容と記録の対応",
            MoveTable::Versions => "集約した版",
            MoveTable::DeviceDestructions => "端末からの廃棄記録",
            MoveTable::Latest => "記録の現在の版",
            MoveTable::Destructions => "センターでの廃棄記録",
            MoveTable::Anchors => "端末の監査ログの控え",
            MoveTable::Bundles => "取り込んだ・隔離した配送ファイル（受領通知を含む）",
        }
    }

    fn sql(self) -> MoveSql {
        match self {
            MoveTable::LedgerNumbers => MoveSql {
                select: "record_id, ledger, CAST(fiscal_year AS TEXT), CAST(number AS TEXT), assigned_at",
                from: "ledger_numbers",
                order: "record_id",
                key: "record_id || '|' || ledger || '|' || fiscal_year || '|' || number",
            },
            MoveTable::Devices => MoveSql {
                select: "device_id, public_key, label, enrolled_at",
                from: "centre_devices",
                order: "device_id",
                key: "device_id || '|' || public_key",
            },
            MoveTable::Payloads => MoveSql {
                select: "sha256, file_name, device_id, payload, signature, imported_at",
                from: "consolidated_payloads",
                order: "sha256",
                key: "sha256 || '|' || device_id || '|' || signature",
            },
            MoveTable::Tombstones => MoveSql {
                select: "sha256, file_name, device_id, entries, destroyed_for, destroyed_at",
                from: "consolidated_payloads_destroyed",
                order: "sha256",
                key: "sha256 || '|' || device_id || '|' || destroyed_for",
            },
            MoveTable::PayloadRecords => {
                MoveSql { select: "record_id, sha256", from: "consolidated_payload_records", order: "record_id, sha256", key: "record_id || '|' || sha256" }
            }
            MoveTable::Versions => MoveSql {
                select: "v.record_id, CAST(v.version AS TEXT), v.content_hash, v.kind, v.device_id, v.content, v.reason, v.author_id, v.author_name, \
                         v.created_at, v.imported_at, v.bundle, \
                         CASE WHEN EXISTS (SELECT 1 FROM consolidated_before_proofs b \
                                           WHERE b.record_id = v.record_id AND b.version = v.version AND b.content_hash = v.content_hash) \
                              THEN '1' ELSE '0' END",
                from: "consolidated_versions v",
                order: "v.record_id, v.version, v.content_hash",
                key: "v.record_id || '|' || v.version || '|' || v.content_hash || '|' || v.device_id",
            },
            MoveTable::DeviceDestructions => MoveSql {
                select: "d.destruction_id, d.record_id, d.device_id, d.detail, d.imported_at, d.bundle, \
                         CASE WHEN EXISTS (SELECT 1 FROM consolidated_destructions_before_proofs b WHERE b.destruction_id = d.destruction_id) \
                              THEN '1' ELSE '0' END",
                from: "consolidated_destructions d",
                order: "d.destruction_id",
                key: "d.destruction_id || '|' || d.record_id || '|' || d.device_id",
            },
            MoveTable::Latest => MoveSql {
                select:
                    "record_id, CAST(version AS TEXT), content_hash, kind, performed_on, CAST(fiscal_year AS TEXT), place, doctor_id, workplace_id, device_id",
                from: "consolidated_latest",
                order: "record_id",
                // The current version may move on in the database (a later import); the proofs
                // check it against the signed versions.
                key: "record_id || '|' || device_id",
            },
            MoveTable::Destructions => MoveSql {
                select: "d.id, d.record_id, d.kind, CAST(d.fiscal_year AS TEXT), CAST(d.ledger_number AS TEXT), d.performed_on, d.retain_until, \
                         d.destroyed_at, d.destroyed_by, s.name, d.reason",
                from: "destructions d LEFT JOIN staff s ON s.id = d.destroyed_by \
                       WHERE d.record_id IN (SELECT record_id FROM consolidated_payload_records UNION SELECT record_id FROM consolidated_before_proofs \
                                             UNION SELECT destroyed_for FROM consolidated_payloads_destroyed)",
                order: "d.id",
                key: "d.id || '|' || d.record_id",
            },
            MoveTable::Anchors => MoveSql {
                select: "device_id, CAST(bundle_seq AS TEXT), CAST(audit_seq AS TEXT), audit_hash, updated_at, flagged, flagged_at",
                from: "device_anchors",
                order: "device_id",
                // An anchor only moves forward; the database's may have moved on since.
                key: "device_id",
            },
            MoveTable::Bundles => MoveSql {
                select: "b.sha256, b.file_name, b.device_id, b.outcome, b.reason, b.code, CAST(b.entries AS TEXT), b.at, b.source, b.receipt_at",
                from: "centre_bundles b WHERE b.outcome = 'quarantined' \
                       OR EXISTS (SELECT 1 FROM consolidated_payloads p WHERE p.sha256 = b.sha256) \
                       OR EXISTS (SELECT 1 FROM consolidated_payloads_destroyed t WHERE t.sha256 = b.sha256)",
                order: "b.sha256",
                // The outcome and the receipt may move on in the database (a bundle set aside,
                // applied later); written receipts are compared apart (`move_receipts_written`).
                key: "b.sha256 || '|' || b.file_name",
            },
        }
    }
}

/// A row as the move copies it: its columns as text, in the order of `MoveTable`'s select.
pub type MoveRow = Vec<Option<String>>;

/// Rows `offset..offset + limit` of a table, in its key's order.
pub fn move_rows(c: &Connection, t: MoveTable, offset: usize, limit: usize) -> Result<Vec<MoveRow>> {
    let s = t.sql();
    let mut stmt = c.prepare(&format!("SELECT {} FROM {} ORDER BY {} LIMIT ?1 OFFSET ?2", s.select, s.from, s.order))?;
    let n = stmt.column_count();
    let rows =
        stmt.query_map(params![limit as i64, offset as i64], |r| (0..n).map(|i| r.get::<_, Option<String>>(i)).collect::<rusqlite::Result<MoveRow>>())?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every row's identity (its key and the values the copy must keep, joined with `|`), sorted:
/// compared with the copy's.
pub fn move_keys(c: &Connection, t: MoveTable) -> Result<Vec<String>> {
    let s = t.sql();
    let mut stmt = c.prepare(&format!("SELECT {} FROM {} ORDER BY 1", s.key, s.from))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Bundles recorded as applied before payloads were kept (migration 0009): their payload is not
/// here to copy, and the database records a bundle as applied only with it. File names.
pub fn move_applied_without_payload(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare(
        "SELECT b.file_name FROM centre_bundles b WHERE b.outcome = 'applied' \
         AND NOT EXISTS (SELECT 1 FROM consolidated_payloads p WHERE p.sha256 = b.sha256) \
         AND NOT EXISTS (SELECT 1 FROM consolidated_payloads_destroyed t WHERE t.sha256 = b.sha256) ORDER BY b.file_name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The bundles whose receipt was written (SHA-256s), sorted: the copy must keep them written.
pub fn move_receipts_written(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare("SELECT sha256 FROM centre_bundles WHERE receipt_at IS NOT NULL ORDER BY sha256")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
