//! The centre's consolidated records as the ledgers and the annual report see them: for each
//! record, its current version (the highest from the device it first came from; of two
//! conflicting ones, the first imported) in
//! `consolidated_latest`, and a 台帳 number in the centre's own per-fiscal-year sequence, assigned
//! when the record first arrives and never changed. Kept up to date in the import's transaction.

use rusqlite::{params, Connection};

use super::bundle::Entry;
use crate::domain::fiscal::fiscal_year;
use crate::domain::VersionContent;
use crate::error::Result;

/// The columns of `consolidated_latest` a version's content gives: what the ledgers filter on.
pub(crate) struct Columns {
    pub performed_on: Option<String>,
    pub fiscal_year: Option<i32>,
    pub place: Option<&'static str>,
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
}

impl Columns {
    pub(crate) fn of(e: &Entry) -> Self {
        let body = serde_json::from_str::<VersionContent>(&e.content).ok().map(|c| c.body);
        let performed = body.as_ref().and_then(|b| b.performed_on());
        Columns {
            performed_on: performed.map(|d| d.iso()),
            fiscal_year: performed.map(|d| fiscal_year(d.naive())),
            place: body.as_ref().and_then(|b| b.place()).map(|p| p.as_str()),
            doctor_id: body.as_ref().and_then(|b| b.doctor_id()).map(str::to_string),
            workplace_id: body.as_ref().and_then(|b| b.workplace_id()).map(str::to_string),
        }
    }

    /// The 台帳 this version is numbered in, if any: consultations and interviews with a date.
    pub(crate) fn ledger<'e>(&self, e: &'e Entry) -> Option<(&'e str, i32)> {
        match (self.fiscal_year, e.kind.as_str()) {
            (Some(fy), kind @ ("consultation" | "interview")) => Some((kind, fy)),
            _ => None,
        }
    }
}

/// A version was added to `consolidated_versions`: make it current if it is newer and comes from
/// the device the record first came from (its owner: another enrolled device cannot replace a
/// record it did not make, finding 5; its version is kept and the record flagged 要確認), and
/// number the record if it has no number yet.
pub(crate) fn note_version(tx: &Connection, device_id: &str, e: &Entry, now: &str) -> Result<()> {
    let c = Columns::of(e);
    tx.execute(
        "INSERT INTO consolidated_latest (record_id, version, content_hash, kind, performed_on, fiscal_year, place, doctor_id, workplace_id, device_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(record_id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash, kind = excluded.kind, \
           performed_on = excluded.performed_on, fiscal_year = excluded.fiscal_year, place = excluded.place, doctor_id = excluded.doctor_id, \
           workplace_id = excluded.workplace_id, device_id = excluded.device_id \
         WHERE excluded.version > consolidated_latest.version AND excluded.device_id = consolidated_latest.device_id",
        params![e.record_id, e.version, e.content_hash, e.kind, c.performed_on, c.fiscal_year, c.place, c.doctor_id, c.workplace_id, device_id],
    )?;
    if let Some((kind, fy)) = c.ledger(e) {
        tx.execute(
            "INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) \
             SELECT ?1, ?2, ?3, coalesce(max(number), 0) + 1, ?4 FROM ledger_numbers WHERE ledger = ?2 AND fiscal_year = ?3 \
             ON CONFLICT(record_id) DO NOTHING",
            params![e.record_id, kind, fy, now],
        )?;
    }
    Ok(())
}
