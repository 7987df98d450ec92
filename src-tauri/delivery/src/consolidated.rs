//! The centre's consolidated records as the ledgers and the annual report see them: for each
//! record, its current version (the highest from the device it first came from; of two
//! conflicting ones, the first imported) in
//! `consolidated_latest`, and a 台帳 number in the centre's own per-fiscal-year sequence, assigned
//! when the record first arrives and never changed. Kept up to date in the import's transaction.

use rusqlite::Connection;

use super::bundle::Entry;
use crate::domain::fiscal::fiscal_year;
use crate::domain::VersionContent;
use crate::error::Result;
use crate::store::consolidated as db;

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

    /// The 台帳 this version is numbered in, if any: consultations, interviews and visits with a
    /// date (as a device numbers them at 確定, `store::records::assign_ledger_number`).
    pub(crate) fn ledger<'e>(&self, e: &'e Entry) -> Option<(&'e str, i32)> {
        match (self.fiscal_year, e.kind.as_str()) {
            (Some(fy), kind @ ("consultation" | "interview" | "visit")) => Some((kind, fy)),
            _ => None,
        }
    }
}

/// A version was added to `consolidated_versions`: make it current if it is newer and comes from
/// the device the record first came from (its owner: another enrolled device cannot replace a
/// record it did not make, finding 5; its version is kept and the record flagged 要確認), and
/// number the record if it has no number yet.
pub(crate) fn note_version(tx: &Connection, v: &db::VersionIn, e: &Entry, now: &str) -> Result<()> {
    let c = Columns::of(e);
    db::note_latest(
        tx,
        v,
        &db::LatestColumns {
            performed_on: c.performed_on.clone(),
            fiscal_year: c.fiscal_year,
            place: c.place,
            doctor_id: c.doctor_id.clone(),
            workplace_id: c.workplace_id.clone(),
        },
    )?;
    if let Some((kind, fy)) = c.ledger(e) {
        crate::store::records::number_in_ledger(tx, &e.record_id, kind, fy, now)?;
    }
    Ok(())
}
