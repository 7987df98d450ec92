//! 利用料: which consultations and interviews must be charged, how much, and the gate that keeps
//! a charged appointment from being held (確定) before the payment is confirmed, as pure
//! functions. The `fees` table and the gate's place in `finalise` are the store's (`store::fees`).
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

use serde::Serialize;
use ts_rs::TS;

use crate::domain::fiscal::fiscal_year;
use crate::domain::{ConsultationKind, RecordBody};
use crate::error::{yen, Error, Result};

/// The 上限額 of the doctor's hourly 謝金 (6(1)ア), and the default rate.
pub const FEE_HOURLY_RATE_CAP: u32 = 11_500;

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

/// ½ × `hourly_rate` × `minutes` / 60, rounded down to the whole yen.
pub fn fee_amount(minutes: i64, hourly_rate: u32) -> u32 {
    let minutes = u64::try_from(minutes).unwrap_or(0);
    u32::try_from(u64::from(hourly_rate) * minutes / 120).unwrap_or(u32::MAX)
}

pub fn fy_of(b: &RecordBody) -> Option<i32> {
    b.performed_on().map(|d| fiscal_year(d.naive()))
}

fn minutes_of(b: &RecordBody) -> Option<i64> {
    match b {
        RecordBody::Consultation(c) => c.minutes(),
        RecordBody::Interview(i) => i.minutes(),
        RecordBody::Application(_) | RecordBody::Visit(_) | RecordBody::Referral(_) => None,
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
        RecordBody::Visit(_) => return free("訪問指導・職場巡視は利用料の対象ではありません。"),
        RecordBody::Referral(_) => return free("外部機関紹介は利用料の対象ではありません。"),
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
        RecordBody::Application(_) | RecordBody::Visit(_) | RecordBody::Referral(_) => {}
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

/// The gate of 記4(1)オ: a charged record is held (確定, version 1) only after the payment is
/// confirmed or an exception is recorded. `settled`: either is recorded.
pub fn gate(body: &RecordBody, assessment: &FeeAssessment, settled: bool) -> Result<()> {
    if matches!(body, RecordBody::Application(_)) || !assessment.required || settled {
        return Ok(());
    }
    Err(Error::FeeRequired { amount: assessment.amount })
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
