//! The centre's consolidated records as the ledgers and the annual report see them: for each
//! record, its current version (the highest; of two conflicting ones, the first imported) in
//! `consolidated_latest`, and a 台帳 number in the centre's own per-fiscal-year sequence, assigned
//! when the record first arrives and never changed. Kept up to date in the import's transaction.

use rusqlite::{params, Connection};

use crate::domain::fiscal::fiscal_year;
use crate::domain::VersionContent;
use crate::error::Result;

/// A version was added to `consolidated_versions`: make it current if it is newer, and number
/// the record if it has no number yet.
pub(crate) fn note_version(
    tx: &Connection,
    device_id: &str,
    record_id: &str,
    version: u32,
    content_hash: &str,
    kind: &str,
    content: &str,
    now: &str,
) -> Result<()> {
    let body = serde_json::from_str::<VersionContent>(content).ok().map(|c| c.body);
    let performed = body.as_ref().and_then(|b| b.performed_on());
    let fy = performed.map(|d| fiscal_year(d.naive()));
    tx.execute(
        "INSERT INTO consolidated_latest (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(record_id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash, kind = excluded.kind, \
           performed_on = excluded.performed_on, fiscal_year = excluded.fiscal_year, place = excluded.place, doctor_id = excluded.doctor_id, \
           workplace_id = excluded.workplace_id, device_id = excluded.device_id \
         WHERE excluded.version > consolidated_latest.version",
        params![
            record_id,
            version,
            content_hash,
            kind,
            performed.map(|d| d.iso()),
            fy,
            body.as_ref().and_then(|b| b.place()).map(|p| p.as_str()),
            body.as_ref().and_then(|b| b.doctor_id()),
            body.as_ref().and_then(|b| b.workplace_id()),
            device_id
        ],
    )?;
    if let (Some(fy), "consultation" | "interview") = (fy, kind) {
        tx.execute(
            "INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) \
             SELECT ?1, ?2, ?3, coalesce(max(number), 0) + 1, ?4 FROM ledger_numbers WHERE ledger = ?2 AND fiscal_year = ?3 \
             ON CONFLICT(record_id) DO NOTHING",
            params![record_id, kind, fy, now],
        )?;
    }
    Ok(())
}

/// The current consolidated versions with their content and the columns to filter on, as a
/// subquery: `kind, record_id, fiscal_year` (of the 台帳 number), `number, version, amended,
/// content, performed_on, performed_fy` (of the current date), `place, doctor_id, workplace_id`.
/// Empty on a device.
pub(crate) const CURRENT: &str = "SELECT l.kind AS kind, l.record_id AS record_id, n.fiscal_year AS fiscal_year, n.number AS number, \
     l.version AS version, l.version > 1 AS amended, v.content AS content, l.performed_on AS performed_on, l.fiscal_year AS performed_fy, \
     l.place AS place, l.doctor_id AS doctor_id, l.workplace_id AS workplace_id \
     FROM consolidated_latest l JOIN ledger_numbers n ON n.record_id = l.record_id \
     JOIN consolidated_versions v ON v.record_id = l.record_id AND v.version = l.version AND v.content_hash = l.content_hash";
