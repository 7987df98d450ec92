//! 利用料: which consultations and interviews must be charged, how much, and the gate that keeps
//! a charged appointment from being held (確定) before the payment is confirmed.
//!
//! The rules (seed 002):
//! - 記4(1)オ: the service is free, except when the same worker uses 保健指導 or 面接指導 again
//!   beyond the limit of 別添1, or a worker whom the doctor told to see a doctor (受診勧奨) uses
//!   メンタル相談 again. Payment is by bank transfer only, and the service is held after the
//!   payment has been confirmed.
//! - 別添1 §2(2): ① a 保健指導 for a worker who already had a 保健指導 in the fiscal year; ② a
//!   メンタル相談 for a worker who already had one in the fiscal year *and* was given a 受診勧奨.
//! - 別添2 §2(2): a 面接指導 for a worker who already had a 面接指導 in the fiscal year (any
//!   article: 66条の8, 66条の9 or 66条の10).
//! - 6(5): the standard fee is ½ of the 謝金 paid to the doctor for the time spent; 6(1)ア: the
//!   doctor's hourly 謝金 is at most 11,500 円.
//!
//! Decisions:
//! - fee = ⌊hourly_rate × minutes ÷ 120⌋ (½ × rate × hours), **rounded down** to the whole yen, so
//!   the employer is never charged more than the standard. 90 minutes at 11,500 円 → 8,625 円.
//! - The hourly rate is the setting `fee_hourly_rate`, default 11,500 円. 11,500 円 is the 上限額
//!   of 6(1)ア, so a higher rate is refused when it is set, and a higher value found in the
//!   settings (typed by hand) is capped, never used. A rate of 0 is refused.
//! - 意見聴取 (健康診断結果に基づく医師の意見聴取) and 利用申込 are never charged. A record
//!   with no worker or no date cannot be a repeat, so it is free.
//! - Without both start and end time the fee is required but its amount is unknown (`None`).
//! - A 確定 is the appointment being held: the gate in `Store::finalise` refuses version 1 of a
//!   charged record until the payment is confirmed or an exception is recorded with a reason.
//!   Corrections (訂正) are not gated: the appointment was held already.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::domain::fiscal::fiscal_year;
use crate::domain::{ConsultationKind, Date, RecordBody, RecordKind, RecordStatus, VersionContent};
use crate::error::{Error, Result};
use crate::store::{now, Action, Store};

/// The 上限額 of the doctor's hourly 謝金 (6(1)ア), and the default rate.
pub const FEE_HOURLY_RATE_CAP: u32 = 11_500;
/// The setting that holds the hourly rate.
pub const FEE_HOURLY_RATE_SETTING: &str = "fee_hourly_rate";

/// Whether a record must be charged, and how much. Holds no names and no health data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FeeAssessment {
    pub required: bool,
    /// Why (Japanese): which rule applies, or why none does.
    pub reason: String,
    /// Minutes spent, from the start and end time.
    #[ts(type = "number | null")]
    pub minutes: Option<i64>,
    /// The doctor's hourly 謝金 used (at most 11,500 円).
    pub hourly_rate: u32,
    /// The standard fee in yen (½ × rate × hours, rounded down); None when not required or when
    /// the times are not known.
    pub amount: Option<u32>,
}

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

/// ½ × `hourly_rate` × `minutes` / 60, rounded down to the whole yen.
pub fn fee_amount(minutes: i64, hourly_rate: u32) -> u32 {
    let minutes = u64::try_from(minutes).unwrap_or(0);
    u32::try_from(u64::from(hourly_rate) * minutes / 120).unwrap_or(u32::MAX)
}

/// `8,625円`
pub fn yen(amount: u32) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out.push('円');
    out
}

fn fy_of(b: &RecordBody) -> Option<i32> {
    b.performed_on().map(|d| fiscal_year(d.naive()))
}

fn minutes_of(b: &RecordBody) -> Option<i64> {
    match b {
        RecordBody::Consultation(c) => c.minutes(),
        RecordBody::Interview(i) => i.minutes(),
        RecordBody::Application(_) => None,
    }
}

fn has_kind(b: &RecordBody, kind: ConsultationKind) -> bool {
    matches!(b, RecordBody::Consultation(c) if c.kinds.contains(&kind))
}

/// The rules, as a pure function. `earlier` are the records the worker already had; only those of
/// the same worker, in the same fiscal year, performed on or before the candidate count (the
/// caller passes the finalised ones performed before it). `hourly_rate` is capped at 11,500 円.
pub fn assess(candidate: &RecordBody, earlier: &[RecordBody], hourly_rate: u32) -> FeeAssessment {
    let hourly_rate = hourly_rate.min(FEE_HOURLY_RATE_CAP);
    let minutes = minutes_of(candidate);
    let free = |reason: &str| FeeAssessment { required: false, reason: reason.to_string(), minutes, hourly_rate, amount: None };
    let repeatable = match candidate {
        RecordBody::Application(_) => return free("利用申込は利用料の対象ではありません。"),
        RecordBody::Interview(_) => true,
        RecordBody::Consultation(_) => has_kind(candidate, ConsultationKind::HealthGuidance) || has_kind(candidate, ConsultationKind::MentalHealth),
    };
    if !repeatable {
        return free("健康診断結果に基づく意見聴取は利用料の対象ではありません。");
    }
    let (Some(worker), Some(fy), Some(date)) = (candidate.worker_id(), fy_of(candidate), candidate.performed_on()) else {
        return free("労働者か実施日が未入力のため、同一年度内の再度の利用に当たりません（無料）。");
    };
    let same: Vec<&RecordBody> =
        earlier.iter().filter(|e| e.worker_id() == Some(worker) && fy_of(e) == Some(fy) && e.performed_on().is_some_and(|d| d <= date)).collect();
    let mut reasons = Vec::new();
    match candidate {
        RecordBody::Consultation(_) => {
            if has_kind(candidate, ConsultationKind::HealthGuidance) && same.iter().any(|e| has_kind(e, ConsultationKind::HealthGuidance)) {
                reasons.push("同一年度内に2回目以降の保健指導");
            }
            let referred =
                |e: &&RecordBody| matches!(e, RecordBody::Consultation(c) if c.kinds.contains(&ConsultationKind::MentalHealth) && c.referral == Some(true));
            if has_kind(candidate, ConsultationKind::MentalHealth) && same.iter().any(referred) {
                reasons.push("同一年度内に受診勧奨を受けた後の再度のメンタルヘルス相談");
            }
        }
        RecordBody::Interview(_) => {
            if same.iter().any(|e| matches!(e, RecordBody::Interview(_))) {
                reasons.push("同一年度内に2回目以降の面接指導");
            }
        }
        RecordBody::Application(_) => {}
    }
    if reasons.is_empty() {
        return free("同一年度内の再度の利用（利用料の対象）に当たらないため無料です。");
    }
    let amount = minutes.map(|m| fee_amount(m, hourly_rate));
    let basis = match amount {
        Some(a) => format!("標準額 {}（謝金 時間単価{}の2分の1 × {}分）", yen(a), yen(hourly_rate), minutes.unwrap_or(0)),
        None => "標準額は謝金の2分の1（開始・終了時刻を入力すると算出します）".to_string(),
    };
    FeeAssessment { required: true, reason: format!("{}のため利用料の対象です。{basis}", reasons.join("、")), minutes, hourly_rate, amount }
}

/// The hourly rate in force: the setting, capped at 11,500 円; the cap when unset or unreadable.
fn rate_in(c: &Connection) -> Result<u32> {
    let v: Option<String> = c.query_row("SELECT value FROM settings WHERE key = ?1", [FEE_HOURLY_RATE_SETTING], |r| r.get(0)).optional()?;
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
    RecordBody::from_json(kind, v).map_err(|e| Error::from_json(&e))
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

impl Store {
    /// The doctor's hourly 謝金 the fees are computed from (at most 11,500 円).
    pub fn fee_hourly_rate(&self) -> Result<u32> {
        self.read(rate_in)
    }

    /// Set the hourly rate. Refused above the 上限額 of 11,500 円 (6(1)ア) and at 0.
    pub fn set_fee_hourly_rate(&self, rate: u32) -> Result<()> {
        if rate == 0 || rate > FEE_HOURLY_RATE_CAP {
            return Err(Error::invalid(
                FEE_HOURLY_RATE_SETTING,
                format!("謝金の時間単価は1円以上、上限額{}以下で入力してください（実施要領 6(1)ア）。", yen(FEE_HOURLY_RATE_CAP)),
            ));
        }
        self.set_setting(FEE_HOURLY_RATE_SETTING, &rate.to_string())
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
        if confirmed_on > crate::store::today() {
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

    /// The gate of 記4(1)オ: a charged appointment is held (確定, version 1) only after the payment
    /// is confirmed or an exception is recorded with its reason.
    pub(crate) fn fee_gate(&self, tx: &Connection, id: &str, body: &RecordBody) -> Result<()> {
        if matches!(body, RecordBody::Application(_)) {
            return Ok(());
        }
        let a = assess_in(tx, id, body, None)?;
        if !a.required {
            return Ok(());
        }
        match recorded_in(tx, id)? {
            Some((confirmed, _, override_reason, _)) if confirmed.is_some() || override_reason.is_some() => Ok(()),
            _ => Err(Error::FeeRequired { amount: a.amount }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_down_to_the_yen() {
        assert_eq!(fee_amount(90, 11_500), 8_625);
        assert_eq!(fee_amount(60, 11_500), 5_750);
        assert_eq!(fee_amount(45, 11_500), 4_312); // 4,312.5 → 4,312
        assert_eq!(fee_amount(1, 10_001), 83); // 83.34 → 83
        assert_eq!(fee_amount(0, 11_500), 0);
        assert_eq!(fee_amount(-5, 11_500), 0);
        assert_eq!(yen(8_625), "8,625円");
        assert_eq!(yen(11_500), "11,500円");
        assert_eq!(yen(500), "500円");
        assert_eq!(yen(1_234_567), "1,234,567円");
    }
}
