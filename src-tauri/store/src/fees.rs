//! The `fees` table: each charged record's assessment, payment and exception, the hourly rate
//! setting, and the gate `finalise` runs in its transaction. The rules are `domain::fees`.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::fees::{assess, fy_of, gate, FeeAssessment, FEE_HOURLY_RATE_CAP};
use crate::domain::{Date, RecordBody, RecordKind, RecordStatus, VersionContent};
use crate::error::{yen, Error, Result};
use crate::{now, Action, Store};

/// The setting that holds the hourly rate.
pub const FEE_HOURLY_RATE_SETTING: &str = "fee_hourly_rate";

/// The fee of a record as the screens show it: the assessment, and the payment or exception.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct FeeStatus {
    pub record_id: String,
    pub kind: RecordKind,
    pub status: RecordStatus,
    pub performed_on: Option<Date>,
    pub fiscal_year: Option<i32>,
    pub workplace_id: Option<String>,
    pub workplace_name: Option<String>,
    pub worker_id: Option<String>,
    pub worker_name: Option<String>,
    pub assessment: FeeAssessment,
    /// 入金確認日
    pub confirmed_on: Option<Date>,
    /// Who confirmed the payment (staff id).
    pub confirmed_by: Option<String>,
    /// Why no fee is charged although the rules require one (例外).
    pub override_reason: Option<String>,
    /// The amount recorded with the payment or the exception.
    pub recorded_amount: Option<u32>,
}

impl FeeStatus {
    /// Paid, or excepted: the record may be held.
    pub fn settled(&self) -> bool {
        self.confirmed_on.is_some() || self.override_reason.is_some()
    }
}

/// The hourly rate in force: the setting, capped at 11,500 円; the cap when unset or unreadable.
fn rate_in(c: &Connection) -> Result<u32> {
    let v = super::kv::get(c, FEE_HOURLY_RATE_SETTING)?;
    Ok(v.and_then(|v| v.trim().parse::<u32>().ok()).filter(|r| *r > 0).map_or(FEE_HOURLY_RATE_CAP, |r| r.min(FEE_HOURLY_RATE_CAP)))
}

/// What the fee rules need of a stored record.
struct Subject {
    body: RecordBody,
    status: RecordStatus,
    finalised_at: Option<String>,
}

fn parse_body(kind: RecordKind, json: &str) -> Result<RecordBody> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| Error::from_json(&e))?;
    RecordBody::parse(kind, v)
}

/// The record as held: its latest finalised version, or the draft of a record never finalised.
fn subject(c: &Connection, id: &str) -> Result<Subject> {
    type Row = (String, String, u32, Option<String>, Option<String>);
    let row: Option<Row> = c
        .query_row("SELECT kind, status, version, draft, finalised_at FROM records WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let (kind, status, version, draft, finalised_at) = row.ok_or_else(|| Error::NotFound { what: "記録", id: id.to_string() })?;
    let kind = RecordKind::parse(&kind).expect("kind is checked by the schema");
    let status = RecordStatus::parse(&status).expect("status is checked by the schema");
    let body = if status == RecordStatus::Final {
        let json: String = c.query_row("SELECT content FROM record_versions WHERE record_id = ?1 AND version = ?2", params![id, version], |r| r.get(0))?;
        serde_json::from_str::<VersionContent>(&json).map_err(|e| Error::from_json(&e))?.body
    } else {
        parse_body(kind, draft.as_deref().unwrap_or("{}"))?
    };
    Ok(Subject { body, status, finalised_at })
}

/// The finalised records of the same worker and fiscal year held before this one: performed on an
/// earlier day, or on the same day and finalised before it (a draft comes after all of them).
fn earlier_in(c: &Connection, id: &str, body: &RecordBody, finalised_at: Option<&str>) -> Result<Vec<RecordBody>> {
    let (Some(worker), Some(fy), Some(date)) = (body.worker_id(), fy_of(body), body.performed_on()) else { return Ok(Vec::new()) };
    let mut stmt = c.prepare_cached(
        // INDEXED BY: with no statistics SQLite would pick records_kind_year and read the whole
        // fiscal year (5 ms a record with 100,000 records); a worker has a handful of records.
        "SELECT v.content FROM records r INDEXED BY records_worker JOIN record_versions v ON v.record_id = r.id AND v.version = r.version \
         WHERE r.worker_id = ?1 AND r.status = 'final' AND r.kind IN ('consultation', 'interview') AND r.fiscal_year = ?2 AND r.id <> ?3 \
           AND (r.performed_on < ?4 OR (r.performed_on = ?4 AND (?5 IS NULL OR r.finalised_at < ?5))) \
         ORDER BY r.performed_on, r.finalised_at",
    )?;
    let rows = stmt.query_map(params![worker, fy, id, date.iso(), finalised_at], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str::<VersionContent>(&json?).map_err(|e| Error::from_json(&e))?.body);
    }
    Ok(out)
}

fn assess_in(c: &Connection, id: &str, body: &RecordBody, finalised_at: Option<&str>) -> Result<FeeAssessment> {
    let earlier = earlier_in(c, id, body, finalised_at)?;
    Ok(assess(body, &earlier, rate_in(c)?))
}

/// The payment or exception recorded for a record: (confirmed_on, confirmed_by, override_reason, amount).
type Recorded = (Option<String>, Option<String>, Option<String>, Option<u32>);

fn recorded_in(c: &Connection, id: &str) -> Result<Option<Recorded>> {
    Ok(c.query_row("SELECT confirmed_at, confirmed_by, override_reason, amount FROM fees WHERE record_id = ?1", [id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .optional()?)
}

/// Write the assessment with the payment or the exception (one row per record).
fn upsert(c: &Connection, id: &str, a: &FeeAssessment, confirmed: Option<(&str, &str)>, override_reason: Option<&str>) -> Result<()> {
    c.execute(
        "INSERT INTO fees (record_id, required, reason, minutes, hourly_rate, amount, confirmed_at, confirmed_by, override_reason, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(record_id) DO UPDATE SET required = excluded.required, reason = excluded.reason, minutes = excluded.minutes, \
           hourly_rate = excluded.hourly_rate, amount = excluded.amount, \
           confirmed_at = coalesce(excluded.confirmed_at, confirmed_at), confirmed_by = coalesce(excluded.confirmed_by, confirmed_by), \
           override_reason = coalesce(excluded.override_reason, override_reason), updated_at = excluded.updated_at",
        params![id, a.required, a.reason, a.minutes, a.hourly_rate, a.amount, confirmed.map(|c| c.0), confirmed.map(|c| c.1), override_reason, now()],
    )?;
    Ok(())
}

fn status_in(c: &Connection, id: &str) -> Result<FeeStatus> {
    let s = subject(c, id)?;
    let assessment = assess_in(c, id, &s.body, s.finalised_at.as_deref())?;
    let names: (Option<String>, Option<String>) = c.query_row(
        "SELECT wp.name, wk.name FROM records r LEFT JOIN workplaces wp ON wp.id = r.workplace_id LEFT JOIN workers wk ON wk.id = r.worker_id WHERE r.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (confirmed_on, confirmed_by, override_reason, recorded_amount) = recorded_in(c, id)?.unwrap_or_default();
    Ok(FeeStatus {
        record_id: id.to_string(),
        kind: s.body.kind(),
        status: s.status,
        performed_on: s.body.performed_on(),
        fiscal_year: fy_of(&s.body),
        workplace_id: s.body.workplace_id().map(str::to_string),
        workplace_name: names.0,
        worker_id: s.body.worker_id().map(str::to_string),
        worker_name: names.1,
        assessment,
        confirmed_on: confirmed_on.and_then(|d| d.parse().ok()),
        confirmed_by,
        override_reason,
        recorded_amount,
    })
}

/// A 謝金 hourly rate as set: 1 円 to the 上限額 of 6(1)ア.
pub fn check_fee_hourly_rate(rate: u32) -> Result<u32> {
    if rate == 0 || rate > FEE_HOURLY_RATE_CAP {
        return Err(Error::invalid(
            FEE_HOURLY_RATE_SETTING,
            format!("謝金の時間単価は1円以上、上限額{}以下で入力してください（実施要領 6(1)ア）。", yen(FEE_HOURLY_RATE_CAP)),
        ));
    }
    Ok(rate)
}

impl Store {
    /// The doctor's hourly 謝金 the fees are computed from (at most 11,500 円).
    pub fn fee_hourly_rate(&self) -> Result<u32> {
        self.read(rate_in)
    }

    /// Set the hourly rate. Refused above the 上限額 of 11,500 円 (6(1)ア) and at 0.
    pub fn set_fee_hourly_rate(&self, rate: u32) -> Result<()> {
        self.set_setting(FEE_HOURLY_RATE_SETTING, &check_fee_hourly_rate(rate)?.to_string())
    }

    /// Whether a record must be charged: its latest finalised version (or its draft), against the
    /// finalised records of the same worker held earlier in the same fiscal year.
    pub fn fee_assessment(&self, id: &str) -> Result<FeeAssessment> {
        self.read(|c| {
            let s = subject(c, id)?;
            assess_in(c, id, &s.body, s.finalised_at.as_deref())
        })
    }

    /// The assessment with the payment or exception recorded, for the record screen.
    pub fn fee_status(&self, id: &str) -> Result<FeeStatus> {
        self.read(|c| status_in(c, id))
    }

    /// Record that the fee was paid (入金確認), on `confirmed_on`. Refused when no fee applies.
    pub fn confirm_payment(&self, id: &str, confirmed_on: Date) -> Result<()> {
        if confirmed_on > crate::today() {
            return Err(Error::invalid("confirmed_on", "入金確認日に未来の日付は入力できません。通帳や入金明細の日付を入力してください。"));
        }
        self.write(|tx| self.confirm_payment_in(tx, id, confirmed_on))
    }

    /// Inside an existing transaction (the demo generator).
    pub(crate) fn confirm_payment_in(&self, tx: &Connection, id: &str, confirmed_on: Date) -> Result<()> {
        let s = subject(tx, id)?;
        let a = assess_in(tx, id, &s.body, s.finalised_at.as_deref())?;
        if !a.required {
            return Err(Error::FeeNotRequired);
        }
        upsert(tx, id, &a, Some((&confirmed_on.iso(), &self.actor().id)), None)?;
        self.audit(
            tx,
            Action::Edit,
            id,
            serde_json::json!({ "fee": "payment_confirmed", "confirmed_on": confirmed_on.iso(), "amount": a.amount, "hourly_rate": a.hourly_rate }),
        )?;
        Ok(())
    }

    /// Hold the record without the fee (例外), with the reason. Refused when no fee applies.
    pub fn override_fee(&self, id: &str, reason: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("override_reason", "利用料を徴収せずに実施する理由（例外の理由）を入力してください。"));
        }
        self.write(|tx| {
            let s = subject(tx, id)?;
            let a = assess_in(tx, id, &s.body, s.finalised_at.as_deref())?;
            if !a.required {
                return Err(Error::FeeNotRequired);
            }
            upsert(tx, id, &a, None, Some(reason))?;
            // The reason is free text: it stays in the fees table, not in the audit log.
            self.audit(tx, Action::Edit, id, serde_json::json!({ "fee": "override", "amount": a.amount }))?;
            Ok(())
        })
    }

    /// Appointments not yet held (drafts) that must be charged and are neither paid nor excepted:
    /// the home screen's list, soonest first.
    ///
    /// Only records not finalised are read (the partial index `records_open`), and only those that
    /// can be charged are assessed: those of a worker who already had a finalised record of the
    /// same kind in the fiscal year.
    pub fn fees_awaiting(&self) -> Result<Vec<FeeStatus>> {
        self.read(|c| {
            let ids: Vec<String> = c
                .prepare(
                    "SELECT r.id FROM records r INDEXED BY records_open LEFT JOIN fees f ON f.record_id = r.id \
                     WHERE r.status = 'draft' AND r.kind IN ('consultation', 'interview') \
                       AND r.worker_id IS NOT NULL AND r.performed_on IS NOT NULL \
                       AND f.confirmed_at IS NULL AND f.override_reason IS NULL \
                       AND EXISTS (SELECT 1 FROM records e WHERE e.worker_id = r.worker_id AND e.performed_on <= r.performed_on \
                                   AND e.fiscal_year = r.fiscal_year AND e.status = 'final' AND e.kind = r.kind) \
                     ORDER BY r.performed_on, r.id",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::new();
            for id in ids {
                let s = status_in(c, &id)?;
                if s.assessment.required && !s.settled() {
                    out.push(s);
                }
            }
            Ok(out)
        })
    }

    /// The assessment inside an existing transaction (the demo generator, the gate).
    pub(crate) fn fee_assessment_in(&self, tx: &Connection, id: &str, body: &RecordBody) -> Result<FeeAssessment> {
        assess_in(tx, id, body, None)
    }

    /// The gate of 記4(1)オ (`domain::fees::gate`), run by `finalise` in its transaction.
    pub(crate) fn fee_gate(&self, tx: &Connection, id: &str, body: &RecordBody) -> Result<()> {
        if matches!(body, RecordBody::Application(_)) {
            return Ok(());
        }
        let a = assess_in(tx, id, body, None)?;
        let settled = matches!(recorded_in(tx, id)?, Some((confirmed, _, override_reason, _)) if confirmed.is_some() || override_reason.is_some());
        gate(body, &a, settled)
    }
}
