//! 外部機関紹介: a worker (or, from a visit, the employer) sent to an outside body — a psychiatric
//! clinic, a hospital, a 両立支援 desk, the prefectural centre, a consultant — from a
//! consultation, an interview or a visit (issue 16; seed 001 III-2(2)②: 個別の事例は外部機関を紹介).
//!
//! A referral is a record of its own, finalised when it is made. What came of it (受診した /
//! 未受診 / 不明) is learned weeks later and recorded as a 訂正 with the fixed reason
//! [`OUTCOME_REASON`], so the referral's history shows when the centre learned it and the
//! consultation it came from is never rewritten.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{code_enum, Code, RecordKind};
use super::dates::Date;
use super::validate::{Strictness, Violations};

code_enum! {
    /// Why the body was recommended.
    ReferralReason {
        MentalHealth = ("1", "メンタルヘルス不調"),
        Treatment = ("2", "受診勧奨・精密検査"),
        WorkLifeSupport = ("3", "治療と仕事の両立支援"),
        WorkEnvironment = ("4", "作業環境の測定・改善"),
        SafetyHealth = ("5", "労働衛生管理の助言"),
        Other = ("6", "その他"),
    }
}

code_enum! {
    /// What came of the referral, once the centre knows.
    ReferralOutcome {
        Attended = ("1", "受診した"),
        NotAttended = ("2", "未受診"),
        Unknown = ("3", "不明"),
    }
}

/// The reason of the 訂正 that records a referral's outcome.
pub const OUTCOME_REASON: &str = "紹介先の受診結果の記録";

/// A referral with no outcome this many days after it was made is listed for a follow-up call.
pub const AWAIT_OUTCOME_DAYS: i64 = 30;

/// The record kinds a referral may come from.
pub const REFERRAL_SOURCES: [RecordKind; 3] = [RecordKind::Consultation, RecordKind::Interview, RecordKind::Visit];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Referral {
    /// The consultation, interview or visit the referral was made in.
    pub source_id: Option<String>,
    /// The source's workplace and worker, copied from it (the core checks they agree).
    pub workplace_id: Option<String>,
    /// Absent when a visit refers the employer (a 作業環境測定機関, a consultant).
    pub worker_id: Option<String>,
    /// Who referred: the source's doctor.
    pub doctor_id: Option<String>,
    /// 紹介日
    pub referred_on: Option<Date>,
    /// The body in the directory (地域の専門機関の名簿). The version keeps its name, address and
    /// phone as they were, so a body removed from the directory later is still named.
    pub body_id: Option<String>,
    pub reason: Option<ReferralReason>,
    /// 紹介の理由（自由記載）
    pub reason_text: String,
    /// 受診結果, once known.
    pub outcome: Option<ReferralOutcome>,
    /// The date of the visit to the body (受診日), or the day the centre learned it was not made.
    pub outcome_on: Option<Date>,
    pub outcome_note: String,
}

impl Referral {
    pub fn validate(&self, strict: Strictness) -> Violations {
        let mut v = Violations::default();
        v.require(strict, &self.source_id, "source_id", "紹介元の記録（相談・面接指導・訪問指導）");
        v.require(strict, &self.workplace_id, "workplace_id", "事業場");
        v.require(strict, &self.doctor_id, "doctor_id", "紹介した医師");
        v.require(strict, &self.referred_on, "referred_on", "紹介日");
        v.require(strict, &self.body_id, "body_id", "紹介先の機関");
        v.require(strict, &self.reason, "reason", "紹介の理由");
        if strict == Strictness::Final && self.reason == Some(ReferralReason::Other) {
            v.require_text(strict, &self.reason_text, "reason_text", "「その他」の紹介理由");
        }
        v.max_len(&self.reason_text, 2000, "reason_text", "紹介の理由");
        v.max_len(&self.outcome_note, 2000, "outcome_note", "受診結果の備考");
        if self.outcome.is_none() && self.outcome_on.is_some() {
            v.push("outcome", "受診結果（受診した・未受診・不明）を選んでください。日付だけでは記録できません。");
        }
        if strict == Strictness::Final && matches!(self.outcome, Some(ReferralOutcome::Attended | ReferralOutcome::NotAttended)) {
            v.require(strict, &self.outcome_on, "outcome_on", "受診日（未受診なら確認した日）");
        }
        if let (Some(made), Some(known)) = (self.referred_on, self.outcome_on) {
            if known < made {
                v.push("outcome_on", format!("受診結果の日付は紹介日（{}）以降にしてください。", made.wareki()));
            }
        }
        v
    }

    /// Waiting for an outcome on `today`: no outcome, and made [`AWAIT_OUTCOME_DAYS`] or more ago.
    pub fn awaits_outcome(&self, today: Date) -> bool {
        self.outcome.is_none() && self.referred_on.is_some_and(|d| (today.naive() - d.naive()).num_days() >= AWAIT_OUTCOME_DAYS)
    }

    /// The label of the reason as printed: the code, and the free text after it.
    pub fn reason_label(&self) -> String {
        match (self.reason, self.reason_text.trim()) {
            (Some(r), "") => r.label().to_string(),
            (Some(r), t) => format!("{}（{t}）", r.label()),
            (None, t) => t.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::ymd(y, m, day).unwrap()
    }

    fn made() -> Referral {
        Referral {
            source_id: Some("c1".into()),
            workplace_id: Some("wp".into()),
            worker_id: Some("w".into()),
            doctor_id: Some("doc".into()),
            referred_on: Some(d(2026, 5, 1)),
            body_id: Some("b".into()),
            reason: Some(ReferralReason::MentalHealth),
            ..Default::default()
        }
    }

    fn fields(r: &Referral, strict: Strictness) -> Vec<String> {
        r.validate(strict).into_vec().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_referral_names_its_source_body_reason_and_date() {
        assert!(fields(&made(), Strictness::Final).is_empty());
        let empty = fields(&Referral::default(), Strictness::Final);
        for f in ["source_id", "workplace_id", "doctor_id", "referred_on", "body_id", "reason"] {
            assert!(empty.contains(&f.to_string()), "{f}: {empty:?}");
        }
        assert!(fields(&Referral::default(), Strictness::Draft).is_empty(), "a draft may be empty");
        let other = Referral { reason: Some(ReferralReason::Other), ..made() };
        assert_eq!(fields(&other, Strictness::Final), vec!["reason_text"]);
    }

    #[test]
    fn an_outcome_needs_its_date_and_cannot_come_before_the_referral() {
        let attended = Referral { outcome: Some(ReferralOutcome::Attended), ..made() };
        assert_eq!(fields(&attended, Strictness::Final), vec!["outcome_on"]);
        let early = Referral { outcome_on: Some(d(2026, 4, 30)), ..attended.clone() };
        assert_eq!(fields(&early, Strictness::Final), vec!["outcome_on"]);
        let ok = Referral { outcome_on: Some(d(2026, 5, 20)), ..attended };
        assert!(fields(&ok, Strictness::Final).is_empty());
        let unknown = Referral { outcome: Some(ReferralOutcome::Unknown), ..made() };
        assert!(fields(&unknown, Strictness::Final).is_empty(), "不明 may have no date");
        let date_only = Referral { outcome_on: Some(d(2026, 5, 20)), ..made() };
        assert_eq!(fields(&date_only, Strictness::Draft), vec!["outcome"]);
    }

    #[test]
    fn a_referral_awaits_its_outcome_from_the_thirtieth_day() {
        let r = made();
        assert!(!r.awaits_outcome(d(2026, 5, 30)));
        assert!(r.awaits_outcome(d(2026, 5, 31)));
        let known = Referral { outcome: Some(ReferralOutcome::Unknown), ..made() };
        assert!(!known.awaits_outcome(d(2027, 1, 1)), "不明 is an outcome recorded");
        assert!(!Referral::default().awaits_outcome(d(2027, 1, 1)));
    }
}
