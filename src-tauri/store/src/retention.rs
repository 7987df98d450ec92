//! 保存と廃棄: records are kept 5 years (別添1 §2(5), 別添2 §2(6)); after that they may be
//! destroyed, and destruction must protect the health information. A 廃棄記録 says what was
//! destroyed, when, by whom and why, and holds no names and no health data.
//!
//! Decisions:
//! - A finalised record is due the day after its `retain_until` (5 years from the date performed,
//!   see `store::records::retain_until`; a finalised record without a date counts from the day it
//!   was finalised).
//! - A draft never finalised carries no legal obligation to keep it, but it holds health data and
//!   must not stay forever: it is due 5 years after it was last touched (created or saved), so
//!   a draft still being worked on is never due.
//! - Nothing inside its retention period can be destroyed, even by mistake: `destroy` refuses the
//!   whole request when any record is not due, and a `today` later than the computer's clock is
//!   not honoured (listing with a later date, to plan ahead, is allowed).
//! - The 台帳 number stays in `ledger_numbers` and in the 廃棄記録, so a gap in a ledger is
//!   explained.
//! - Workers named by destroyed records who have no record left are deleted too: their names are
//!   personal data with no purpose left. Workplaces (business data) and staff (the authors of the
//!   audit log) are kept.
//! - On a centre, the records consolidated from its devices are kept and destroyed the same way
//!   (their versions may be deleted only under a destruction permit; migration 0006).
//! - A due record is still held (listed, with the reason, and refused by `destroy`) when
//!   - the store is a device enrolled with a centre and one of its finalised versions has not
//!     reached the centre (no receipt "applied", or not sent when the centre sends no receipts):
//!     destroying it would lose it everywhere (issue 13, Medium #7);
//!   - it was finalised (`finalised_at`, the store's own clock at 確定) less than 5 years ago,
//!     whatever its typed date says: a mistyped era (平成7 for 令和7) must not make a new record
//!     due at once;
//!   - on a centre, a consolidated record first arrived (the centre's own clock) less than 5
//!     years ago, for the same reason: the device's 確定 time is the device's clock.
//! - After the transaction the database is rebuilt (VACUUM, with secure_delete on) and the
//!   write-ahead log is folded in and truncated, so nothing destroyed is recoverable from the files.
//!   Backups made before the destruction still hold the records: they are encrypted, and are
//!   replaced in the normal rotation.

//!
//! The rules (how long, what holds a destruction back, the 廃棄記録) are pure functions in
//! `domain::retention`; this module reads the rows and destroys them.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, OptionalExtension};

use super::consistency;
use super::outbox::ReachedCentre;
use super::records::retain_until;
use super::{day_of, new_id, now, Action, Store};
use crate::domain::retention::{self, arrived_too_recently, check_destroy_request, ledger_order, retention_item, HELD_UNDELIVERED};
pub use crate::domain::retention::{DestructionRecord, DestructionReport, RetentionItem};
use crate::domain::{Date, RecordKind, RecordStatus};
use crate::error::{Error, Result};

const ITEM_SELECT: &str = "SELECT r.id, r.kind, r.status, coalesce(n.fiscal_year, r.fiscal_year), n.number, r.performed_on, r.retain_until, \
     r.finalised_at, r.updated_at FROM records r LEFT JOIN ledger_numbers n ON n.record_id = r.id";

fn item(r: &rusqlite::Row) -> rusqlite::Result<RetentionItem> {
    let date = |i: usize| -> rusqlite::Result<Option<Date>> { Ok(r.get::<_, Option<String>>(i)?.and_then(|s| s.parse().ok())) };
    let kind = RecordKind::parse(&r.get::<_, String>(1)?).unwrap_or(RecordKind::Consultation);
    let status = RecordStatus::parse(&r.get::<_, String>(2)?).unwrap_or(RecordStatus::Draft);
    let finalised_at: Option<String> = r.get(7)?;
    let updated_at: String = r.get(8)?;
    let touched = day_of(&updated_at).map(retain_until);
    let until = match status {
        RecordStatus::Final => date(6)?.or_else(|| finalised_at.as_deref().and_then(day_of).map(retain_until)).or(touched),
        RecordStatus::Draft => touched,
    };
    Ok(RetentionItem {
        record_id: r.get(0)?,
        kind,
        status,
        fiscal_year: r.get(3)?,
        ledger_number: r.get(4)?,
        performed_on: date(5)?,
        // A timestamp the store wrote always has a date; should one not, the record is kept.
        retain_until: until.unwrap_or(retention::never()),
        held: None,
    })
}

fn item_in(c: &Connection, id: &str) -> Result<Option<RetentionItem>> {
    let Some(mut it) = c.query_row(&format!("{ITEM_SELECT} WHERE r.id = ?1"), [id], item).optional()? else { return Ok(None) };
    // The columns could have been moved back (with the passphrase, finding 6): a finalised record
    // is kept until the later of its column and what its latest version and its 確定 entry say.
    if it.status == RecordStatus::Final {
        if let Some(until) = consistency::evidence_of(c, id)?.and_then(|e| e.retain_until) {
            it.retain_until = it.retain_until.max(until);
        }
    }
    Ok(Some(it))
}

/// On a centre: the records consolidated from its devices, kept 5 years from the date performed
/// (or from when they first arrived, when they have none), like its own.
const CONSOLIDATED_SELECT: &str = "SELECT l.record_id, l.kind, coalesce(n.fiscal_year, l.fiscal_year), n.number, l.performed_on, \
     (SELECT min(imported_at) FROM consolidated_versions v WHERE v.record_id = l.record_id) \
     FROM consolidated_latest l LEFT JOIN ledger_numbers n ON n.record_id = l.record_id";

fn consolidated_item(r: &rusqlite::Row) -> rusqlite::Result<RetentionItem> {
    Ok(retention_item(r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

/// Why the record `id` (due on `today`) may not be destroyed yet, if it may not: see the module
/// comment. A record consolidated from a device (not in `records`) is at the centre already.
fn held_reason(c: &Connection, id: &str, today: Date, reached: Option<&ReachedCentre>) -> Result<Option<String>> {
    let row: Option<(String, Option<String>)> =
        c.query_row("SELECT status, finalised_at FROM records WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    let Some((status, finalised_at)) = row else {
        // A record consolidated from a device: its 確定 time is the device's clock, so the
        // centre counts from when the record first arrived, by its own clock.
        let arrived: Option<String> =
            c.query_row("SELECT min(imported_at) FROM consolidated_versions WHERE record_id = ?1", [id], |r| r.get(0)).optional()?.flatten();
        return Ok(arrived_too_recently(arrived.as_deref(), today));
    };
    let mut reasons = Vec::new();
    if let Some(reached) = reached {
        if reached.undelivered_versions(c, id)? > 0 {
            reasons.push(HELD_UNDELIVERED.to_string());
        }
    }
    let finalised = finalised_at.as_deref().and_then(day_of).filter(|_| status == RecordStatus::Final.as_str());
    if let Some(f) = finalised.filter(|f| retain_until(*f) >= today) {
        reasons.push(format!("確定日（{}）から5年たっていないため廃棄できません。実施日と確定日が5年以上離れています。実施日を確かめてください。", f.wareki()));
    }
    Ok((!reasons.is_empty()).then(|| reasons.join(" ")))
}

fn consolidated_item_in(c: &Connection, id: &str) -> Result<Option<RetentionItem>> {
    Ok(c.query_row(&format!("{CONSOLIDATED_SELECT} WHERE l.record_id = ?1"), [id], consolidated_item).optional()?)
}

/// The workers a record names: in its row, its draft and every version.
fn workers_named(c: &Connection, id: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let (worker, draft): (Option<String>, Option<String>) =
        c.query_row("SELECT worker_id, draft FROM records WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    out.extend(worker);
    let mut add = |json: &str, pointer: &str| {
        if let Some(w) = serde_json::from_str::<serde_json::Value>(json).ok().and_then(|v| v.pointer(pointer).and_then(|w| w.as_str().map(str::to_string))) {
            out.insert(w);
        }
    };
    if let Some(d) = draft {
        add(&d, "/worker_id");
    }
    let mut stmt = c.prepare("SELECT content FROM record_versions WHERE record_id = ?1")?;
    for content in stmt.query_map([id], |r| r.get::<_, String>(0))? {
        add(&content?, "/body/data/worker_id");
    }
    Ok(out)
}

/// Whether any record still names the worker (its row, a draft or any version).
fn worker_still_named(c: &Connection, worker: &str) -> Result<bool> {
    let needle = format!("\"worker_id\":{}", serde_json::Value::String(worker.to_string()));
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM records WHERE worker_id = ?1) OR EXISTS (SELECT 1 FROM records WHERE instr(draft, ?2) > 0) \
            OR EXISTS (SELECT 1 FROM record_versions WHERE instr(content, ?2) > 0)",
        params![worker, needle],
        |r| r.get(0),
    )?)
}

fn destruction(r: &rusqlite::Row) -> rusqlite::Result<DestructionRecord> {
    let date = |i: usize| -> rusqlite::Result<Option<Date>> { Ok(r.get::<_, Option<String>>(i)?.and_then(|s| s.parse().ok())) };
    Ok(DestructionRecord {
        id: r.get(0)?,
        record_id: r.get(1)?,
        kind: RecordKind::parse(&r.get::<_, String>(2)?).unwrap_or(RecordKind::Consultation),
        fiscal_year: r.get(3)?,
        ledger_number: r.get(4)?,
        performed_on: date(5)?,
        retain_until: date(6)?,
        destroyed_at: r.get(7)?,
        destroyed_by: r.get(8)?,
        destroyed_by_name: r.get(9)?,
        reason: r.get(10)?,
    })
}

const DESTRUCTION_SELECT: &str = "SELECT d.id, d.record_id, d.kind, d.fiscal_year, d.ledger_number, d.performed_on, d.retain_until, d.destroyed_at, \
     d.destroyed_by, s.name, d.reason FROM destructions d LEFT JOIN staff s ON s.id = d.destroyed_by";

/// Oldest destruction first; one destruction's records in ledger order.
const DESTRUCTION_ORDER: &str = "d.destroyed_at, d.kind, d.fiscal_year, d.ledger_number, d.performed_on, d.record_id";

impl Store {
    /// Records whose retention period is over on `today` (retain_until < today), finalised
    /// records and abandoned drafts alike, the longest overdue first.
    ///
    /// Only the candidates are read, through the indexes (the home screen lists them with 100,000
    /// records in the store): records performed up to 5 years ago, records with no date, and
    /// records untouched for 5 years. Every record that can be due is among them, since a record
    /// is kept 5 years from its date, or from its 確定 or last change when it has none.
    pub fn retention_due(&self, today: Date) -> Result<Vec<RetentionItem>> {
        // Two days of margin around the 29 February rule of `retain_until`; the exact test follows.
        let cut = today.naive().checked_sub_months(chrono::Months::new(12 * crate::records::RETENTION_YEARS as u32)).unwrap_or(chrono::NaiveDate::MIN)
            + chrono::Days::new(2);
        let cut = cut.format("%Y-%m-%d").to_string();
        let mut items: Vec<RetentionItem> = self.read(|c| {
            let mut out = std::collections::BTreeMap::new();
            for cond in ["r.performed_on < ?1", "r.performed_on IS NULL AND ?1 = ?1", "r.updated_at < ?1"] {
                let mut stmt = c.prepare_cached(&format!("{ITEM_SELECT} WHERE {cond}"))?;
                for i in stmt.query_map([&cut], item)? {
                    let i = i?;
                    out.insert(i.record_id.clone(), i);
                }
            }
            // A finalised record's columns are checked against its evidence (see `item_in`).
            for i in out.values_mut().filter(|i| i.status == RecordStatus::Final) {
                if let Some(until) = consistency::evidence_of(c, &i.record_id)?.and_then(|e| e.retain_until) {
                    i.retain_until = i.retain_until.max(until);
                }
            }
            let mut stmt = c.prepare_cached(&format!("{CONSOLIDATED_SELECT} WHERE l.performed_on < ?1 OR l.performed_on IS NULL"))?;
            for i in stmt.query_map([&cut], consolidated_item)? {
                let i = i?;
                out.insert(i.record_id.clone(), i);
            }
            Ok(out.into_values().collect())
        })?;
        items.retain(|i| i.retain_until < today);
        self.read(|c| {
            let reached = ReachedCentre::of(c)?;
            for i in &mut items {
                i.held = held_reason(c, &i.record_id, today, reached.as_ref())?;
            }
            Ok(())
        })?;
        items.sort_by(|a, b| (a.retain_until, &a.record_id).cmp(&(b.retain_until, &b.record_id)));
        Ok(items)
    }

    /// Destroy records whose retention period is over: all of them or none. Refused when any id
    /// is unknown, still inside its retention period or held (see `RetentionItem::held`), or
    /// when the reason is empty.
    pub fn destroy(&self, ids: &[String], reason: &str, today: Date) -> Result<DestructionReport> {
        let reason = check_destroy_request(ids, reason)?;
        let mut seen = BTreeSet::new();
        let ids: Vec<&String> = ids.iter().filter(|id| seen.insert(id.as_str())).collect();
        // A date later than the computer's clock could destroy a record early: not honoured.
        let today = today.min(crate::today());
        let file_bytes_before = self.file_bytes();
        let (destroyed, workers_deleted, saved) = self.write(|tx| {
            // (the item, whether it is a record consolidated from a device)
            let mut items = Vec::new();
            for id in &ids {
                let found = match item_in(tx, id)? {
                    Some(i) => (i, false),
                    None => (consolidated_item_in(tx, id)?.ok_or_else(|| Error::NotFound { what: "記録", id: id.to_string() })?, true),
                };
                items.push(found);
            }
            let items_only: Vec<&RetentionItem> = items.iter().map(|(i, _)| i).collect();
            let kept: Vec<Date> = items_only.iter().map(|i| i.retain_until).filter(|u| *u >= today).collect();
            if let Some(last) = kept.iter().max() {
                let until = if kept.len() == 1 { format!("{}まで", last.wareki()) } else { format!("最も遅いもので{}まで", last.wareki()) };
                return Err(Error::StillRetained { count: kept.len(), until });
            }
            // Due, but held (not at the centre, or finalised too recently): nothing is destroyed.
            let reached = ReachedCentre::of(tx)?;
            let mut held = Vec::new();
            // Device records and consolidated ones alike (see `held_reason`).
            for (it, _) in &items {
                if let Some(why) = held_reason(tx, &it.record_id, today, reached.as_ref())? {
                    held.push(format!("・ID {}: {why}", it.record_id));
                }
            }
            if !held.is_empty() {
                return Err(Error::RetentionHeld { count: held.len(), detail: held.join("\n") });
            }
            let mut workers = BTreeSet::new();
            let mut destroyed = Vec::new();
            let mut saved = Vec::new();
            let now = now();
            for (it, consolidated) in &items {
                let id = it.record_id.as_str();
                tx.execute("INSERT INTO destruction_permits (record_id) VALUES (?1)", [id])?;
                if *consolidated {
                    // A device's record at the centre: its versions (and their names) go; the
                    // device's workers are not in this store.
                    crate::consolidated::forget_payloads(tx, id, &now)?;
                    tx.execute("DELETE FROM consolidated_versions WHERE record_id = ?1", [id])?;
                    tx.execute("DELETE FROM consolidated_latest WHERE record_id = ?1", [id])?;
                } else {
                    workers.extend(workers_named(tx, id)?);
                    let photos = crate::photos::named_by(tx, id)?;
                    tx.execute("DELETE FROM fees WHERE record_id = ?1", [id])?;
                    tx.execute("DELETE FROM record_versions WHERE record_id = ?1", [id])?;
                    tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
                    crate::photos::forget_unreferenced(tx, &photos)?;
                }
                tx.execute("DELETE FROM destruction_permits WHERE record_id = ?1", [id])?;
                for place in Store::forget_saved_copies(tx, id)? {
                    if !saved.contains(&place) {
                        saved.push(place);
                    }
                }
                let d = DestructionRecord::of(it, new_id(), &self.actor().id, &self.actor().name, reason, &now);
                tx.execute(
                    "INSERT INTO destructions (id, record_id, kind, fiscal_year, ledger_number, performed_on, retain_until, destroyed_at, destroyed_by, reason) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        d.id,
                        d.record_id,
                        d.kind.as_str(),
                        d.fiscal_year,
                        d.ledger_number,
                        d.performed_on.map(|p| p.iso()),
                        it.retain_until.iso(),
                        d.destroyed_at,
                        d.destroyed_by,
                        d.reason
                    ],
                )?;
                self.audit(
                    tx,
                    Action::Destroy,
                    id,
                    serde_json::json!({ "kind": it.kind.as_str(), "fiscal_year": it.fiscal_year, "ledger_number": it.ledger_number, "destruction_id": d.id }),
                )?;
                // The 廃棄記録 goes to the centre too, queued in this same transaction.
                crate::outbox::enqueue_destruction(tx, &d.id, id, it.kind.as_str())?;
                destroyed.push(d);
            }
            let mut workers_deleted = 0u32;
            for w in workers {
                if worker_still_named(tx, &w)? {
                    continue;
                }
                // Should a table this module does not know refer to the worker, the worker is kept
                // rather than the whole destruction failing.
                tx.execute_batch("SAVEPOINT delete_worker")?;
                match tx.execute("DELETE FROM workers WHERE id = ?1", [&w]) {
                    Ok(n) => {
                        tx.execute_batch("RELEASE delete_worker")?;
                        if n > 0 {
                            self.audit(tx, Action::Destroy, &w, serde_json::json!({ "entity": "worker", "why": "no_records_left" }))?;
                            workers_deleted += 1;
                        }
                    }
                    Err(_) => tx.execute_batch("ROLLBACK TO delete_worker; RELEASE delete_worker")?,
                }
            }
            destroyed.sort_by(|a, b| ledger_order(a).cmp(&ledger_order(b)));
            Ok((destroyed, workers_deleted, saved))
        })?;
        // A PDF made for printing may hold a destroyed record: the print spool is emptied (ADR
        // 0017). Copies the user chose to save elsewhere are named in the audit log.
        self.spool().clear();
        // Their places were forgotten with the records; those still on disk are named.
        let saved_copies: Vec<String> = saved.into_iter().filter(|p| std::path::Path::new(p).is_file()).collect();
        // The records are gone once the transaction commits; a failed rebuild must not make it
        // look as if they were not.
        let compacted = self.compact().is_ok();
        Ok(DestructionReport { destroyed, workers_deleted, file_bytes_before, file_bytes_after: self.file_bytes(), compacted, saved_copies })
    }

    /// 廃棄記録: every destruction, oldest first.
    pub fn destructions(&self) -> Result<Vec<DestructionRecord>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!("{DESTRUCTION_SELECT} ORDER BY {DESTRUCTION_ORDER}"))?;
            let rows = stmt.query_map([], destruction)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The size of the database and its write-ahead log.
    fn file_bytes(&self) -> u64 {
        let db = self.db_path();
        let mut wal = db.clone().into_os_string();
        wal.push("-wal");
        [db, wal.into()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
    }
}
