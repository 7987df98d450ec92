//! The rows the reports read (ADR 0027): the 台帳's entries, the annual report's records and
//! drafts, the home screen's open interviews. The SQL over `records`, `record_versions` and
//! `ledger_numbers` is here, with the store that owns those tables; the ledger module turns the
//! rows into tables, counts and lists, and knows no SQL. On a centre, the records consolidated
//! from its devices are read through the view `consolidated_current` (migration 0010).

use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::records::{summary, SUMMARY_SELECT};
use super::{RecordSummary, Store};
use crate::domain::{Date, RecordKind, VersionContent};
use crate::error::{Error, Result};

/// Which records a report covers: the dates performed (inclusive), the doctor, the workplace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
}

impl RowFilter {
    /// The filter as SQL conditions on the columns every ledger source has (`performed_on`,
    /// `doctor_id`, `workplace_id`): (column and operator, value). Each source (this store, or
    /// a centre's PostgreSQL) adds its own table alias and placeholder.
    pub fn conditions(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(f) = self.from {
            out.push(("performed_on >=", f.iso()));
        }
        if let Some(t) = self.to {
            out.push(("performed_on <=", t.iso()));
        }
        if let Some(d) = &self.doctor_id {
            out.push(("doctor_id =", d.clone()));
        }
        if let Some(w) = &self.workplace_id {
            out.push(("workplace_id =", w.clone()));
        }
        out
    }
}

/// One line of a ledger: its number and the finalised version it shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LedgerEntry {
    pub record_id: String,
    /// 番号 (per fiscal year, given at the first 確定)
    pub fiscal_year: i32,
    pub number: u32,
    pub version: u32,
    /// Corrected after finalising: the row shows the latest version.
    pub amended: bool,
    pub content: VersionContent,
}

/// A finalised consultation or interview as the annual report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualRow {
    pub id: String,
    pub performed_on: Option<String>,
    pub place: Option<String>,
    pub doctor_id: Option<String>,
    /// The version's content (`VersionContent` JSON).
    pub content: String,
}

/// An interview not finalised: (id, 実施日).
pub type OpenInterview = (String, Option<Date>);

fn date(s: Option<String>) -> Option<Date> {
    s.and_then(|s| s.parse().ok())
}

/// A version's content without a visit's photos (its snapshot's JPEGs): ledgers and counts never
/// print them, and reading them for every visit of every year would take megabytes a line.
/// What the progress bar says while the ledgers' and the annual report's records are read.
pub const READING: &str = "記録を読み込んでいます";

const PHOTOLESS_R: &str = "CASE WHEN r.kind = 'visit' THEN json_remove(v.content, '$.snapshot.photos') ELSE v.content END";
const PHOTOLESS_C: &str = "CASE WHEN c.kind = 'visit' THEN json_remove(c.content, '$.snapshot.photos') ELSE c.content END";

impl Store {
    /// The finalised records of `kind` the filter covers, in number order, with their ledger
    /// numbers. On a centre's store, the records consolidated from its devices are among them,
    /// numbered in the same sequence.
    pub fn ledger_entries(&self, kind: RecordKind, filter: &RowFilter) -> Result<Vec<LedgerEntry>> {
        let mut args: Vec<String> = vec![kind.as_str().to_string()];
        // The same conditions over the centre's own records (r) and the consolidated ones (c).
        let mut conds = String::new();
        for (col, v) in filter.conditions() {
            args.push(v);
            conds.push_str(&format!(" AND {{}}.{col} ?{}", args.len()));
        }
        let sql = format!(
            "SELECT * FROM (SELECT r.id, n.fiscal_year, n.number, r.version, r.amended_at IS NOT NULL, {PHOTOLESS_R} \
             FROM records r JOIN ledger_numbers n ON n.record_id = r.id \
             JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
             WHERE r.kind = ?1 AND r.status = 'final'{} \
             UNION ALL SELECT record_id, fiscal_year, number, version, amended, {PHOTOLESS_C} FROM consolidated_current c WHERE c.kind = ?1{}) \
             ORDER BY 2, 3",
            conds.replace("{}", "r"),
            conds.replace("{}", "c"),
        );
        self.read(|c| {
            let mut stmt = c.prepare(&sql)?;
            crate::progress::step(READING, 0, 0);
            let rows: Vec<(String, i32, u32, u32, bool, String)> = stmt
                .query_map(params_from_iter(args.iter()), |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, i32>(1)?, r.get::<_, u32>(2)?, r.get::<_, u32>(3)?, r.get::<_, bool>(4)?, r.get::<_, String>(5)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let total = rows.len() as u64;
            let mut out = Vec::with_capacity(rows.len());
            for (i, (record_id, fiscal_year, number, version, amended, json)) in rows.into_iter().enumerate() {
                let content: VersionContent = serde_json::from_str(&json).map_err(|e| Error::from_json(&e))?;
                out.push(LedgerEntry { record_id, fiscal_year, number, version, amended, content });
                crate::progress::step(READING, i as u64 + 1, total);
                crate::progress::checkpoint()?;
            }
            Ok(out)
        })
    }

    /// Interviews not finalised, with their 実施日 if given: found through the partial index
    /// `records_open` (migration 0004; `INDEXED BY`, so the query fails rather than silently
    /// reading every record, should the index go).
    pub fn open_interviews(&self) -> Result<Vec<OpenInterview>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT r.id, r.performed_on FROM records r INDEXED BY records_open WHERE r.status = 'draft' AND r.kind = 'interview'")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, date(r.get(1)?))))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The 申出日, or failing it the 受付日, of each draft interview `ids` names: only these rows are
    /// read.
    pub fn requested_on(&self, ids: &[&str]) -> Result<Vec<Option<Date>>> {
        self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT json_extract(draft, '$.request.requested_on'), json_extract(draft, '$.received_on') FROM records WHERE id = ?1")?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let (requested, received): (Option<String>, Option<String>) = stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                out.push(date(requested).or(date(received)));
            }
            Ok(out)
        })
    }

    /// The summaries of the records `ids` names, in that order; a record gone since is left out.
    pub fn summaries_of(&self, ids: &[&str]) -> Result<Vec<RecordSummary>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!("{SUMMARY_SELECT} WHERE r.id = ?1"))?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(record) = stmt.query_row(params![id], summary).optional()? {
                    out.push(record);
                }
            }
            Ok(out)
        })
    }
}

/// The finalised consultations and interviews of fiscal year `fy`; with `consolidated`, those
/// consolidated into this (centre's) store from its devices too.
pub fn annual_rows(c: &Connection, fy: i32, consolidated: bool) -> Result<Vec<AnnualRow>> {
    let mut stmt = c.prepare(&format!(
        "SELECT r.id, r.performed_on, r.place, r.doctor_id, v.content \
         FROM records r JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
         WHERE r.fiscal_year = ?1 AND r.status = 'final' AND r.kind IN ('consultation', 'interview') {}",
        if consolidated {
            "UNION ALL SELECT record_id, performed_on, place, doctor_id, content FROM consolidated_current WHERE performed_fy = ?1 AND kind IN ('consultation', 'interview')"
        } else {
            ""
        }
    ))?;
    let rows = stmt
        .query_map([fy], |r| Ok(AnnualRow { id: r.get(0)?, performed_on: r.get(1)?, place: r.get(2)?, doctor_id: r.get(3)?, content: r.get(4)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The consultations and interviews of fiscal year `fy` still drafts, by date then id.
pub fn draft_ids(c: &Connection, fy: i32) -> Result<Vec<String>> {
    let mut stmt =
        c.prepare("SELECT id FROM records WHERE fiscal_year = ?1 AND status = 'draft' AND kind IN ('consultation', 'interview') ORDER BY performed_on, id")?;
    let rows = stmt.query_map([fy], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::super::testing;

    /// The home screen must stay fast with 100,000 records: every query of it searches an index
    /// and none reads the whole `records` table.
    #[test]
    fn the_home_queries_use_indexes() {
        let (_d, s) = testing::store();
        let plans = s
            .read(|c| {
                let mut out = Vec::new();
                let queries = [
                    "SELECT r.id, r.performed_on FROM records r INDEXED BY records_open WHERE r.status = 'draft' AND r.kind = 'interview'",
                    "SELECT r.id FROM records r LEFT JOIN ledger_numbers n ON n.record_id = r.id WHERE r.performed_on < '2020-01-01'",
                    "SELECT r.id FROM records r LEFT JOIN ledger_numbers n ON n.record_id = r.id WHERE r.performed_on IS NULL",
                    "SELECT r.id FROM records r LEFT JOIN ledger_numbers n ON n.record_id = r.id WHERE r.updated_at < '2020-01-01'",
                ];
                for q in queries {
                    let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {q}"))?;
                    let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
                    out.push((q, rows.collect::<rusqlite::Result<Vec<_>>>()?.join("; ")));
                }
                Ok(out)
            })
            .unwrap();
        for (q, plan) in plans {
            assert!(plan.contains(" INDEX "), "{q}: {plan}");
            assert!(!plan.split("; ").any(|step| step == "SCAN r"), "{q} reads every record: {plan}");
        }
    }
}
