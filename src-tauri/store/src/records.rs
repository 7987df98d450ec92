//! The record lifecycle: a draft is edited freely; 確定 freezes version 1; 訂正 adds version
//! n+1 with a reason and an author. Finalised versions are never updated or deleted, and every
//! step writes the row, the version and the audit entry in one transaction.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::fiscal::fiscal_year;
use crate::domain::{
    ConsultationKind, Date, RecordBody, RecordKind, RecordStatus, Snapshot, Staff, StaffRole, Strictness, VersionContent, Violations, Worker, Workplace,
};
use crate::error::{Error, Result};

use super::audit::sha256_hex;
use super::entities::{exists, get_in};
use super::{new_id, now, Action, ListFilter, ListedRecord, RecordSummary, RecordView, Store, VersionInfo};

pub use crate::domain::retention::{retain_until, RETENTION_YEARS};

fn invalid(v: Violations) -> Result<()> {
    if v.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(v.into_vec()))
    }
}

/// Check the ids a record names exist, that the worker belongs to the workplace, and, when
/// finalising, that the person who performed it may do so.
fn check_refs(conn: &Connection, id: &str, body: &RecordBody, strict: Strictness) -> Result<()> {
    let mut v = Violations::default();
    if let Some(id) = body.workplace_id() {
        if !exists(conn, "workplaces", id)? {
            v.push("workplace_id", "事業場が見つかりません。事業場を選び直してください。");
        }
    }
    if let Some(id) = body.worker_id() {
        match get_in::<Worker>(conn, id)? {
            None => v.push("worker_id", "労働者が見つかりません。労働者を選び直してください。"),
            Some(w) if body.workplace_id().is_some_and(|wp| wp != w.data.workplace_id) => {
                v.push("worker_id", "この労働者は選んだ事業場に所属していません。事業場か労働者を選び直してください。")
            }
            Some(_) => {}
        }
    }
    if let Some(id) = body.doctor_id() {
        match get_in::<Staff>(conn, id)? {
            None => v.push("doctor_id", "担当者が見つかりません。担当者を選び直してください。"),
            Some(s) if strict == Strictness::Final => {
                let role = s.data.role;
                let doctor_only = match body {
                    RecordBody::Interview(_) => true,
                    RecordBody::Consultation(c) => c.kinds.contains(&ConsultationKind::OpinionHearing),
                    RecordBody::Application(_) | RecordBody::Visit(_) | RecordBody::Referral(_) => false,
                };
                if doctor_only && role != Some(StaffRole::Doctor) {
                    v.push("doctor_id", "面接指導と健康診断結果の意見聴取は医師（産業医等）だけが行えます。担当者を医師にしてください。");
                } else if matches!(body, RecordBody::Consultation(_)) && !matches!(role, Some(StaffRole::Doctor | StaffRole::Nurse)) {
                    v.push("doctor_id", "特定健康相談は医師か保健師が行います。担当者を選び直してください。");
                } else if matches!(body, RecordBody::Referral(_)) && !matches!(role, Some(StaffRole::Doctor | StaffRole::Nurse)) {
                    v.push("doctor_id", "外部機関へ紹介するのは医師か保健師です。紹介した人を選び直してください。");
                } else if matches!(body, RecordBody::Visit(_)) && !matches!(role, Some(StaffRole::Doctor | StaffRole::Nurse)) {
                    v.push("doctor_id", "訪問指導の担当者（報告書に記名する人）は医師か保健師です。担当者を選び直してください。");
                }
            }
            Some(_) => {}
        }
    }
    if let RecordBody::Visit(visit) = body {
        super::visits::check_refs(conn, id, visit, strict, &mut v)?;
    }
    if let (RecordBody::Consultation(c), Strictness::Final) = (body, strict) {
        super::visits::check_linked_consultation(conn, id, c, &mut v)?;
    }
    if let RecordBody::Referral(r) = body {
        super::referrals::check_refs(conn, id, r, strict, &mut v)?;
    }
    invalid(v)
}

pub fn snapshot(conn: &Connection, body: &RecordBody) -> Result<Snapshot> {
    let (visitors, followed, photos) = match body {
        RecordBody::Visit(v) => (super::visits::visitors_of(conn, v)?, super::visits::followed_of(conn, v)?, super::photos::photos_of(conn, v)?),
        _ => (Vec::new(), Vec::new(), Vec::new()),
    };
    Ok(Snapshot {
        workplace: body.workplace_id().map(|id| get_in::<Workplace>(conn, id)).transpose()?.flatten().map(|r| r.data),
        worker: body.worker_id().map(|id| get_in::<Worker>(conn, id)).transpose()?.flatten().map(|r| r.data),
        doctor: body.doctor_id().map(|id| get_in::<Staff>(conn, id)).transpose()?.flatten().map(|r| r.data),
        visitors,
        followed,
        photos,
        outside_body: match body {
            RecordBody::Referral(r) => super::referrals::body_named(conn, r)?,
            _ => None,
        },
    })
}

/// Copy the facts ledgers filter on into the record's columns.
fn update_columns(conn: &Connection, id: &str, body: &RecordBody, now: &str) -> Result<()> {
    let performed = body.performed_on();
    conn.execute(
        "UPDATE records SET performed_on = ?2, fiscal_year = ?3, place = ?4, workplace_id = ?5, worker_id = ?6, doctor_id = ?7, retain_until = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            performed.map(|d| d.iso()),
            performed.map(|d| fiscal_year(d.naive())),
            body.place().map(|p| p.as_str()),
            body.workplace_id(),
            body.worker_id(),
            body.doctor_id(),
            performed.map(|d| retain_until(d).iso()),
            now
        ],
    )?;
    Ok(())
}

pub(super) struct Row {
    pub(super) kind: RecordKind,
    pub(super) status: RecordStatus,
    pub(super) version: u32,
    pub(super) draft: Option<String>,
}

pub(super) fn load_row(conn: &Connection, id: &str) -> Result<Row> {
    conn.query_row("SELECT kind, status, version, draft FROM records WHERE id = ?1", [id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?, r.get::<_, Option<String>>(3)?))
    })
    .optional()?
    .map(|(k, s, version, draft)| Row {
        kind: RecordKind::parse(&k).expect("kind is checked by the schema"),
        status: RecordStatus::parse(&s).expect("status is checked by the schema"),
        version,
        draft,
    })
    .ok_or_else(|| Error::NotFound { what: "記録", id: id.to_string() })
}

pub(super) fn parse_body(kind: RecordKind, json: &str) -> Result<RecordBody> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::from_json(&e))?;
    RecordBody::parse(kind, v)
}

/// The finalised body of a record, or its draft while it has no finalised version.
pub(super) fn body_for_facts(conn: &Connection, id: &str) -> Result<Option<RecordBody>> {
    let row = load_row(conn, id)?;
    if row.version > 0 {
        return Ok(latest_content(conn, id, row.version)?.map(|c| c.body));
    }
    row.draft.as_deref().map(|d| parse_body(row.kind, d)).transpose()
}

pub(super) fn latest_content(conn: &Connection, id: &str, version: u32) -> Result<Option<VersionContent>> {
    let content: Option<String> =
        conn.query_row("SELECT content FROM record_versions WHERE record_id = ?1 AND version = ?2", params![id, version], |r| r.get(0)).optional()?;
    content.map(|c| serde_json::from_str(&c).map_err(|e| Error::from_json(&e))).transpose()
}

pub(crate) const SUMMARY_SELECT: &str =
    "SELECT r.id, r.kind, r.status, r.version, r.performed_on, r.fiscal_year, r.place, r.workplace_id, wp.name, r.worker_id, wk.name, \
     r.doctor_id, r.draft IS NOT NULL, r.amended_at IS NOT NULL, r.updated_at, r.retain_until \
     FROM records r LEFT JOIN workplaces wp ON wp.id = r.workplace_id LEFT JOIN workers wk ON wk.id = r.worker_id";

pub(crate) fn summary(r: &rusqlite::Row) -> rusqlite::Result<RecordSummary> {
    let date = |i: usize| -> rusqlite::Result<Option<Date>> { Ok(r.get::<_, Option<String>>(i)?.and_then(|s| s.parse().ok())) };
    let place: Option<String> = r.get(6)?;
    Ok(RecordSummary {
        id: r.get(0)?,
        kind: RecordKind::parse(&r.get::<_, String>(1)?).unwrap_or(RecordKind::Consultation),
        status: RecordStatus::parse(&r.get::<_, String>(2)?).unwrap_or(RecordStatus::Draft),
        version: r.get(3)?,
        performed_on: date(4)?,
        fiscal_year: r.get(5)?,
        place: place.and_then(|p| serde_json::from_value(serde_json::Value::String(p)).ok()),
        workplace_id: r.get(7)?,
        workplace_name: r.get(8)?,
        worker_id: r.get(9)?,
        worker_name: r.get(10)?,
        doctor_id: r.get(11)?,
        has_draft: r.get(12)?,
        amended: r.get(13)?,
        updated_at: r.get(14)?,
        retain_until: date(15)?,
    })
}

impl Store {
    /// Create a record as a draft (下書き). What it holds must be possible; it may be incomplete.
    pub fn create_record(&self, body: &RecordBody) -> Result<String> {
        let id = new_id();
        self.write(|tx| self.create_in(tx, &id, body))?;
        Ok(id)
    }

    /// Create a draft inside an existing transaction, with a given id.
    pub(crate) fn create_in(&self, tx: &Connection, id: &str, body: &RecordBody) -> Result<String> {
        invalid(body.validate(Strictness::Draft))?;
        check_refs(tx, id, body, Strictness::Draft)?;
        let now = now();
        tx.execute(
            "INSERT INTO records (id, kind, status, version, draft, draft_saved_at, created_at, created_by, updated_at) VALUES (?1, ?2, 'draft', 0, ?3, ?4, ?4, ?5, ?4)",
            params![id, body.kind().as_str(), body.data_json().to_string(), now, self.actor().id],
        )?;
        update_columns(tx, id, body, &now)?;
        self.audit(tx, Action::Create, id, serde_json::json!({ "kind": body.kind().as_str() }))?;
        Ok(id.to_string())
    }

    /// Date the 確定 of record `id` back to the day it was performed, keeping the time of day.
    /// For the demo data only, whose records are finalised on the day, as a centre's are.
    #[doc(hidden)]
    pub fn backdate_finalised_in(tx: &Connection, id: &str) -> Result<()> {
        tx.execute(
            "UPDATE records SET finalised_at = performed_on || substr(finalised_at, 11) \
             WHERE id = ?1 AND performed_on IS NOT NULL AND performed_on < substr(finalised_at, 1, 10)",
            [id],
        )?;
        Ok(())
    }

    /// Finalise a draft inside an existing transaction (the body is the draft's).
    pub(crate) fn finalise_in(&self, tx: &Connection, id: &str, body: &RecordBody) -> Result<u32> {
        self.freeze(tx, id, body, 1, None)
    }

    /// Amend inside an existing transaction.
    pub(crate) fn amend_in(&self, tx: &Connection, id: &str, version: u32, body: &RecordBody, reason: &str) -> Result<u32> {
        self.freeze(tx, id, body, version, Some(reason))
    }

    /// Save the open draft: a record not yet finalised, or a correction of a finalised one.
    /// A finalised version is never touched.
    pub fn save_draft(&self, id: &str, body: &RecordBody) -> Result<()> {
        invalid(body.validate(Strictness::Draft))?;
        self.write(|tx| {
            let row = load_row(tx, id)?;
            if row.kind != body.kind() {
                return Err(Error::invalid("kind", "記録の種類は変更できません。"));
            }
            check_refs(tx, id, body, Strictness::Draft)?;
            // A photo the draft no longer names goes, unless another record names it.
            let photos = super::photos::named_by(tx, id)?;
            let now = now();
            tx.execute("UPDATE records SET draft = ?2, draft_saved_at = ?3, updated_at = ?3 WHERE id = ?1", params![id, body.data_json().to_string(), now])?;
            if row.status == RecordStatus::Draft {
                update_columns(tx, id, body, &now)?;
            }
            super::photos::forget_unreferenced(tx, &photos)?;
            self.audit(tx, Action::Edit, id, serde_json::json!({ "kind": row.kind.as_str(), "draft_of_version": row.version }))?;
            Ok(())
        })
    }

    /// Drop the open draft. A record never finalised is removed; a finalised one keeps its versions.
    pub fn discard_draft(&self, id: &str) -> Result<()> {
        self.write(|tx| {
            let row = load_row(tx, id)?;
            let photos = super::photos::named_by(tx, id)?;
            if row.status == RecordStatus::Draft {
                // 利用料 (`store::fees`): a confirmed payment is money received and is kept; an
                // exception recorded for an appointment that will not be held goes with it.
                let paid: Option<Option<String>> = tx.query_row("SELECT confirmed_at FROM fees WHERE record_id = ?1", [id], |r| r.get(0)).optional()?;
                if paid.as_ref().is_some_and(Option::is_some) {
                    return Err(Error::invalid(
                        "fee",
                        "入金を確認した予定は破棄できません（入金の記録を残すため）。下書きのまま残し、返金などの経過は備考に記録してください。",
                    ));
                }
                tx.execute("DELETE FROM fees WHERE record_id = ?1", [id])?;
                tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
            } else {
                tx.execute("UPDATE records SET draft = NULL, draft_saved_at = NULL WHERE id = ?1", [id])?;
            }
            super::photos::forget_unreferenced(tx, &photos)?;
            self.audit(tx, Action::Discard, id, serde_json::json!({ "kind": row.kind.as_str() }))?;
            Ok(())
        })
    }

    /// 確定: freeze the draft as version 1. It must be complete and consistent.
    pub fn finalise(&self, id: &str) -> Result<u32> {
        self.write(|tx| {
            let row = load_row(tx, id)?;
            if row.status == RecordStatus::Final {
                return Err(Error::AlreadyFinal);
            }
            let body = parse_body(row.kind, row.draft.as_deref().unwrap_or("{}"))?;
            self.freeze(tx, id, &body, 1, None)
        })
    }

    /// 訂正: add a new version of a finalised record, with the reason. The old versions stay.
    pub fn amend(&self, id: &str, body: &RecordBody, reason: &str) -> Result<u32> {
        if reason.trim().is_empty() {
            return Err(Error::ReasonRequired);
        }
        self.write(|tx| {
            let row = load_row(tx, id)?;
            if row.status != RecordStatus::Final {
                return Err(Error::NotFinal);
            }
            if row.kind != body.kind() {
                return Err(Error::invalid("kind", "記録の種類は変更できません。"));
            }
            if latest_content(tx, id, row.version)?.is_some_and(|c| &c.body == body) {
                return Err(Error::NoChange);
            }
            self.freeze(tx, id, body, row.version + 1, Some(reason.trim()))
        })
    }

    /// Write one finalised version: validate, snapshot, insert, update the row, audit.
    fn freeze(&self, tx: &Connection, id: &str, body: &RecordBody, version: u32, reason: Option<&str>) -> Result<u32> {
        invalid(body.validate(Strictness::Final))?;
        // What a referral's versions may change comes first: it says why better than the rest.
        if let RecordBody::Referral(r) = body {
            super::referrals::check_version(tx, id, r, version, reason)?;
        }
        check_refs(tx, id, body, Strictness::Final)?;
        // What the draft named and the new version does not (a correction that drops a photo).
        let photos = super::photos::named_by(tx, id)?;
        // 利用料 (記4(1)オ): holding a charged appointment (確定, version 1) needs the payment
        // confirmed or an exception recorded; see `domain::fees`. Corrections are not gated.
        if version == 1 {
            self.fee_gate(tx, id, body)?;
        }
        let mut snapshot = snapshot(tx, body)?;
        if let RecordBody::Referral(r) = body {
            snapshot.outside_body = super::referrals::body_to_freeze(tx, id, r)?;
        }
        let content = VersionContent { body: body.clone(), snapshot };
        let json = serde_json::to_string(&content).expect("versions serialise");
        let hash = sha256_hex(json.as_bytes());
        let now = now();
        tx.execute(
            "INSERT INTO record_versions (record_id, version, content, content_hash, reason, author_id, author_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, version, json, hash, reason, self.actor().id, self.actor().name, now],
        )?;
        let (finalised, amended) = if version == 1 { (Some(&now), None) } else { (None, Some(&now)) };
        tx.execute(
            "UPDATE records SET status = 'final', version = ?2, draft = NULL, draft_saved_at = NULL, finalised_at = coalesce(finalised_at, ?3), amended_at = coalesce(?4, amended_at) WHERE id = ?1",
            params![id, version, finalised, amended],
        )?;
        update_columns(tx, id, body, &now)?;
        if let RecordBody::Visit(v) = body {
            super::visits::note_links(tx, id, v)?;
        }
        super::photos::forget_unreferenced(tx, &photos)?;
        if version == 1 {
            assign_ledger_number(tx, id, body, &now)?;
        }
        let action = if version == 1 { Action::Finalise } else { Action::Amend };
        self.audit(tx, action, id, serde_json::json!({ "kind": body.kind().as_str(), "version": version, "content_hash": hash }))?;
        // Queued for the centre in this same transaction (once the device is enrolled).
        super::outbox::enqueue_version(tx, id, version, body.kind().as_str())?;
        Ok(version)
    }

    /// A record in full.
    pub fn get_record(&self, id: &str) -> Result<RecordView> {
        self.read(|c| {
            let summary = c
                .query_row(&format!("{SUMMARY_SELECT} WHERE r.id = ?1"), [id], summary)
                .optional()?
                .ok_or_else(|| Error::NotFound { what: "記録", id: id.to_string() })?;
            let row = load_row(c, id)?;
            let current = if row.version > 0 { latest_content(c, id, row.version)? } else { None };
            let draft = row.draft.as_deref().map(|d| parse_body(row.kind, d)).transpose()?;
            let versions = history_in(c, id)?;
            let facts = current.as_ref().map(|c| &c.body).or(draft.as_ref()).and_then(RecordBody::facts);
            Ok(RecordView { summary, current, draft, versions, facts })
        })
    }

    /// One finalised version's content.
    pub fn get_version(&self, id: &str, version: u32) -> Result<VersionContent> {
        self.read(|c| latest_content(c, id, version))?.ok_or_else(|| Error::NotFound { what: "記録の版", id: format!("{id} 第{version}版") })
    }

    /// Every finalised version, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<VersionInfo>> {
        self.read(|c| {
            load_row(c, id)?;
            history_in(c, id)
        })
    }

    /// Records matching the filter, newest first.
    pub fn list_records(&self, f: &ListFilter) -> Result<Vec<RecordSummary>> {
        let mut cond = Vec::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut arg = |c: &str, v: rusqlite::types::Value| {
            args.push(v);
            cond.push(format!("{c} ?{}", args.len()));
        };
        if let Some(k) = f.kind {
            arg("r.kind =", k.as_str().to_string().into());
        }
        if let Some(s) = f.status {
            arg("r.status =", s.as_str().to_string().into());
        }
        if let Some(y) = f.fiscal_year {
            arg("r.fiscal_year =", i64::from(y).into());
        }
        if let Some(d) = f.from {
            arg("r.performed_on >=", d.iso().into());
        }
        if let Some(d) = f.to {
            arg("r.performed_on <=", d.iso().into());
        }
        if let Some(w) = &f.workplace_id {
            arg("r.workplace_id =", w.clone().into());
        }
        if let Some(w) = &f.worker_id {
            arg("r.worker_id =", w.clone().into());
        }
        if let Some(d) = &f.doctor_id {
            arg("r.doctor_id =", d.clone().into());
        }
        if f.drafts_only {
            cond.push("r.draft IS NOT NULL".into());
        }
        let where_ = if cond.is_empty() { String::new() } else { format!(" WHERE {}", cond.join(" AND ")) };
        let order = if f.drafts_only { "r.draft_saved_at DESC" } else { "r.performed_on DESC, r.id DESC" };
        let limit = f.limit.map(|l| format!(" LIMIT {l}")).unwrap_or_default();
        let sql = format!("{SUMMARY_SELECT}{where_} ORDER BY {order}{limit}");
        self.read(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), summary)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Records matching the filter, each with an interview's hours as the core derives them (of
    /// the finalised version, or of the draft while there is none).
    pub fn list_records_with_facts(&self, f: &ListFilter) -> Result<Vec<ListedRecord>> {
        let summaries = self.list_records(f)?;
        self.read(|c| {
            summaries
                .into_iter()
                .map(|summary| {
                    // The hours only: not the checklists and warnings a full `facts()` would compute.
                    let body = if summary.kind == RecordKind::Interview { body_for_facts(c, &summary.id)? } else { None };
                    let ws = match &body {
                        Some(RecordBody::Interview(i)) => i.work_status.as_ref().map(|ws| (ws, i.performed_on)),
                        _ => None,
                    };
                    let hours = ws.map(|(ws, performed)| ws.hours_report(performed));
                    let hours_category = ws.and_then(|(ws, _)| ws.hours_category());
                    Ok(ListedRecord { summary, hours, hours_category })
                })
                .collect()
        })
    }

    /// The most recently touched records, drafts and finalised alike (the home screen).
    pub fn recent_records(&self, limit: u32) -> Result<Vec<RecordSummary>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!("{SUMMARY_SELECT} ORDER BY r.updated_at DESC LIMIT ?1"))?;
            let rows = stmt.query_map([limit], summary)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The audit entries of one record or entity.
    pub fn audit_trail(&self, target: &str) -> Result<Vec<super::audit::AuditEntry>> {
        self.read(|c| super::audit::entries_for(c, target))
    }
}

/// Give a consultation, interview or visit its 台帳 number at its first 確定: the next number in its
/// ledger and fiscal year. The number never changes afterwards, even if a correction moves the
/// date into another fiscal year.
fn assign_ledger_number(tx: &Connection, id: &str, body: &RecordBody, now: &str) -> Result<()> {
    let ledger = match body.kind() {
        RecordKind::Consultation | RecordKind::Interview | RecordKind::Visit => body.kind().as_str(),
        RecordKind::Application | RecordKind::Referral => return Ok(()),
    };
    let Some(fy) = body.performed_on().map(|d| fiscal_year(d.naive())) else { return Ok(()) };
    number_in_ledger(tx, id, ledger, fy, now)
}

/// Give record `id` the next number of `ledger` (consultation or interview) in fiscal year
/// `fy`, unless it has one: the centre's own records at 確定, and those consolidated from its
/// devices when they first arrive, share the sequence.
pub fn number_in_ledger(tx: &Connection, id: &str, ledger: &str, fy: i32, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) \
         SELECT ?1, ?2, ?3, coalesce(max(number), 0) + 1, ?4 FROM ledger_numbers WHERE ledger = ?2 AND fiscal_year = ?3 \
         ON CONFLICT(record_id) DO NOTHING",
        params![id, ledger, fy, now],
    )?;
    Ok(())
}

/// The 台帳 number of a record, if it has one.
pub fn ledger_number(c: &Connection, id: &str) -> Result<Option<(i32, u32)>> {
    Ok(c.query_row("SELECT fiscal_year, number FROM ledger_numbers WHERE record_id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

fn history_in(c: &Connection, id: &str) -> Result<Vec<VersionInfo>> {
    let mut stmt = c.prepare_cached(
        "SELECT version, created_at, author_id, author_name, reason, content_hash FROM record_versions WHERE record_id = ?1 ORDER BY version",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok(VersionInfo { version: r.get(0)?, created_at: r.get(1)?, author_id: r.get(2)?, author_name: r.get(3)?, reason: r.get(4)?, content_hash: r.get(5)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use crate::domain::{Consultation, Place, Requester};

    pub(crate) fn consultation(s: &Store) -> (RecordBody, String) {
        let wp = s.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
        let body = RecordBody::Consultation(Consultation {
            performed_on: Date::ymd(2025, 6, 10),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some(s.actor().id.clone()),
            workplace_id: Some(wp.clone()),
            requester: Some(Requester::Employer),
            kinds: vec![ConsultationKind::OpinionHearing],
            subject_count: Some(2),
            ..Default::default()
        });
        (body, wp)
    }

    #[test]
    fn retention_is_five_years_from_the_day_performed() {
        assert_eq!(retain_until(Date::ymd(2025, 6, 10).unwrap()), Date::ymd(2030, 6, 10).unwrap());
        assert_eq!(retain_until(Date::ymd(2024, 2, 29).unwrap()), Date::ymd(2029, 2, 28).unwrap());
    }

    #[test]
    fn draft_finalise_amend_history() {
        let (_d, s) = testing::store();
        let (body, _) = consultation(&s);
        let id = s.create_record(&body).unwrap();
        let view = s.get_record(&id).unwrap();
        assert_eq!(view.summary.status, RecordStatus::Draft);
        assert_eq!(view.summary.fiscal_year, Some(2025));
        assert_eq!(view.draft.as_ref(), Some(&body));
        assert_eq!(s.finalise(&id).unwrap(), 1);
        assert!(matches!(s.finalise(&id), Err(Error::AlreadyFinal)));

        let RecordBody::Consultation(mut c) = body.clone() else { unreachable!() };
        c.notes = "受診結果を確認".into();
        let amended = RecordBody::Consultation(c);
        assert!(matches!(s.amend(&id, &amended, "  "), Err(Error::ReasonRequired)));
        assert!(matches!(s.amend(&id, &body, "同じ"), Err(Error::NoChange)));
        assert_eq!(s.amend(&id, &amended, "備考の追記").unwrap(), 2);

        let h = s.history(&id).unwrap();
        assert_eq!(h.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(h[1].reason.as_deref(), Some("備考の追記"));
        assert_eq!(s.get_version(&id, 1).unwrap().body, body);
        let view = s.get_record(&id).unwrap();
        assert!(view.summary.amended);
        assert_eq!(view.current.unwrap().body, amended);
        assert!(s.verify_local().unwrap().ok);
    }

    #[test]
    fn a_correction_draft_never_touches_the_finalised_version() {
        let (_d, s) = testing::store();
        let (body, _) = consultation(&s);
        let id = s.create_record(&body).unwrap();
        s.finalise(&id).unwrap();
        let RecordBody::Consultation(mut c) = body.clone() else { unreachable!() };
        c.content = "訂正中".into();
        s.save_draft(&id, &RecordBody::Consultation(c)).unwrap();
        let view = s.get_record(&id).unwrap();
        assert_eq!(view.current.unwrap().body, body);
        assert!(view.summary.has_draft);
        s.discard_draft(&id).unwrap();
        assert!(!s.get_record(&id).unwrap().summary.has_draft);
        assert_eq!(s.history(&id).unwrap().len(), 1);
    }

    #[test]
    fn finalised_versions_cannot_be_changed_or_deleted_even_with_sql() {
        let (_d, s) = testing::store();
        let (body, _) = consultation(&s);
        let id = s.create_record(&body).unwrap();
        s.finalise(&id).unwrap();
        let w = s.writer.lock().unwrap();
        assert!(w.execute("UPDATE record_versions SET content = '{}' WHERE record_id = ?1", [&id]).is_err());
        assert!(w.execute("DELETE FROM record_versions WHERE record_id = ?1", [&id]).is_err());
        assert!(w.execute("DELETE FROM records WHERE id = ?1", [&id]).is_err());
        assert!(w.execute("UPDATE records SET status = 'draft' WHERE id = ?1", [&id]).is_err());
        assert!(w.execute("DELETE FROM audit_log", []).is_err());
    }

    #[test]
    fn incomplete_or_inconsistent_records_are_not_finalised() {
        let (_d, s) = testing::store();
        let (body, _) = consultation(&s);
        let RecordBody::Consultation(mut c) = body else { unreachable!() };
        c.subject_count = None;
        let id = s.create_record(&RecordBody::Consultation(c.clone())).unwrap();
        let err = s.finalise(&id).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "subject_count"), "{err}");
        assert_eq!(s.get_record(&id).unwrap().summary.status, RecordStatus::Draft);
        // A nurse may not give the 意見聴取.
        let nurse = s.add_staff(&Staff { role: Some(StaffRole::Nurse), name: "保健 花子".into(), ..Default::default() }).unwrap();
        c.subject_count = Some(1);
        c.doctor_id = Some(nurse);
        s.save_draft(&id, &RecordBody::Consultation(c)).unwrap();
        let err = s.finalise(&id).unwrap_err();
        assert!(matches!(&err, Error::Invalid(v) if v[0].field == "doctor_id"), "{err}");
    }

    #[test]
    fn ledger_numbers_run_per_fiscal_year_and_never_change() {
        let (_d, s) = testing::store();
        let (body, _) = consultation(&s);
        let RecordBody::Consultation(c) = body else { unreachable!() };
        let mut ids = Vec::new();
        for date in ["2025-04-01", "2025-06-10", "2026-03-31", "2026-04-01"] {
            let mut c = c.clone();
            c.performed_on = date.parse().ok();
            let id = s.create_record(&RecordBody::Consultation(c)).unwrap();
            s.finalise(&id).unwrap();
            ids.push(id);
        }
        let numbers: Vec<_> = ids.iter().map(|id| s.read(|c| ledger_number(c, id)).unwrap()).collect();
        assert_eq!(numbers, [Some((2025, 1)), Some((2025, 2)), Some((2025, 3)), Some((2026, 1))]);
        // A correction keeps the number.
        let mut moved = c.clone();
        moved.performed_on = "2026-04-02".parse().ok();
        s.amend(&ids[0], &RecordBody::Consultation(moved), "日付の誤記").unwrap();
        assert_eq!(s.read(|c| ledger_number(c, &ids[0])).unwrap(), Some((2025, 1)));
        // A draft has none.
        let draft = s.create_record(&RecordBody::Consultation(c)).unwrap();
        assert_eq!(s.read(|c| ledger_number(c, &draft)).unwrap(), None);
    }

    #[test]
    fn list_filters() {
        let (_d, s) = testing::store();
        let (body, wp) = consultation(&s);
        let a = s.create_record(&body).unwrap();
        s.finalise(&a).unwrap();
        let RecordBody::Consultation(mut c) = body else { unreachable!() };
        c.performed_on = Date::ymd(2026, 3, 31);
        let b = s.create_record(&RecordBody::Consultation(c.clone())).unwrap();
        c.performed_on = Date::ymd(2026, 4, 1);
        let c_id = s.create_record(&RecordBody::Consultation(c)).unwrap();
        let ids = |f: ListFilter| s.list_records(&f).unwrap().into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(ListFilter { fiscal_year: Some(2025), ..Default::default() }), [b.clone(), a.clone()]);
        assert_eq!(ids(ListFilter { fiscal_year: Some(2026), ..Default::default() }), vec![c_id.clone()]);
        assert_eq!(ids(ListFilter { status: Some(RecordStatus::Final), ..Default::default() }), vec![a.clone()]);
        assert_eq!(ids(ListFilter { workplace_id: Some(wp), kind: Some(RecordKind::Consultation), ..Default::default() }).len(), 3);
        assert_eq!(ids(ListFilter { kind: Some(RecordKind::Interview), ..Default::default() }).len(), 0);
        assert_eq!(ids(ListFilter { drafts_only: true, ..Default::default() }).len(), 2);
        assert_eq!(ids(ListFilter { limit: Some(1), ..Default::default() }), [c_id]);
    }
}
