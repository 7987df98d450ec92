//! 特定健康相談 (様式例1-2 特定健康相談記録票).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{ConsultationKind, Place, Requester};
use super::dates::{Date, TimeOfDay};
use super::validate::{Strictness, Violations};

/// One 特定健康相談. One visit may cover several kinds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Consultation {
    /// The application this came from, if any.
    pub application_id: Option<String>,
    /// 受付日 (台帳)
    pub received_on: Option<Date>,
    /// 実施日
    pub performed_on: Option<Date>,
    pub start_time: Option<TimeOfDay>,
    pub end_time: Option<TimeOfDay>,
    /// 実施場所の区分
    pub place: Option<Place>,
    /// 実施場所 (名称)
    pub place_name: String,
    /// 担当産業医等
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
    /// 相談者の区分
    pub requester: Option<Requester>,
    /// 相談者の職名・職務内容
    pub requester_title: String,
    /// 相談者の氏名 (when not the worker on file)
    pub requester_name: String,
    /// The worker, when the consultation is about (or with) a worker on file.
    pub worker_id: Option<String>,
    /// 相談内容 (該当事項に○; several allowed)
    pub kinds: Vec<ConsultationKind>,
    /// 意見聴取の対象者数 (名)
    pub subject_count: Option<u32>,
    /// 相談・指導内容
    pub content: String,
    /// 受診勧奨 有・無 (メンタルヘルス相談)
    pub referral: Option<bool>,
    /// 備考
    pub notes: String,
}

impl Consultation {
    pub fn validate(&self, strict: Strictness) -> Violations {
        let mut v = Violations::default();
        v.require(strict, &self.performed_on, "performed_on", "実施日");
        v.require(strict, &self.place, "place", "実施場所の区分");
        v.require(strict, &self.doctor_id, "doctor_id", "担当産業医等");
        v.require(strict, &self.workplace_id, "workplace_id", "事業場");
        v.require(strict, &self.requester, "requester", "相談者の区分");
        if strict == Strictness::Final && self.kinds.is_empty() {
            v.push("kinds", "相談内容を1つ以上選んでください。");
        }
        let mut seen = Vec::new();
        for k in &self.kinds {
            if seen.contains(k) {
                v.push("kinds", "同じ相談内容が2回選ばれています。");
            }
            seen.push(*k);
        }
        if let (Some(r), Some(p)) = (self.received_on, self.performed_on) {
            if r > p {
                v.push("received_on", "受付日が実施日より後になっています。日付を確かめてください。");
            }
        }
        if let (Some(s), Some(e)) = (self.start_time, self.end_time) {
            if s >= e {
                v.push("end_time", "終了時刻は開始時刻より後にしてください。");
            }
        }
        if strict == Strictness::Final {
            if self.kinds.contains(&ConsultationKind::OpinionHearing) && self.subject_count.unwrap_or(0) == 0 {
                v.push("subject_count", "意見聴取の対象者数を1名以上で入力してください。");
            }
            if self.kinds.contains(&ConsultationKind::MentalHealth) && self.referral.is_none() {
                v.push("referral", "メンタルヘルス相談の受診勧奨の有無を選んでください。");
            }
            if self.requester == Some(Requester::Worker) && self.worker_id.is_none() && self.requester_name.trim().is_empty() {
                v.push("worker_id", "相談者が本人の場合は労働者を選んでください。");
            }
        }
        if self.referral == Some(true) && !self.kinds.contains(&ConsultationKind::MentalHealth) {
            v.push("referral", "受診勧奨はメンタルヘルス相談を選んだ場合に記録します。");
        }
        v.max_len(&self.content, 20_000, "content", "相談・指導内容");
        v.max_len(&self.notes, 5_000, "notes", "備考");
        v
    }

    /// Minutes spent, when both times are known (the basis of the fee).
    pub fn minutes(&self) -> Option<i64> {
        Some(self.start_time?.minutes_until(self.end_time?)).filter(|m| *m > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> Consultation {
        Consultation {
            performed_on: Date::ymd(2025, 6, 10),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some("d".into()),
            workplace_id: Some("w".into()),
            requester: Some(Requester::Employer),
            kinds: vec![ConsultationKind::OpinionHearing],
            subject_count: Some(3),
            ..Default::default()
        }
    }

    fn fields(c: &Consultation, s: Strictness) -> Vec<String> {
        c.validate(s).into_vec().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn a_complete_record_passes_and_an_empty_draft_passes() {
        assert!(fields(&complete(), Strictness::Final).is_empty());
        assert!(fields(&Consultation::default(), Strictness::Draft).is_empty());
        assert_eq!(fields(&Consultation::default(), Strictness::Final), ["performed_on", "place", "doctor_id", "workplace_id", "requester", "kinds"]);
    }

    #[test]
    fn rule_case_table() {
        let cases: Vec<(Consultation, &str)> = vec![
            (Consultation { subject_count: None, ..complete() }, "subject_count"),
            (Consultation { kinds: vec![ConsultationKind::MentalHealth], referral: None, ..complete() }, "referral"),
            (Consultation { referral: Some(true), ..complete() }, "referral"),
            (Consultation { start_time: TimeOfDay::hm(11, 0), end_time: TimeOfDay::hm(10, 0), ..complete() }, "end_time"),
            (Consultation { received_on: Date::ymd(2025, 7, 1), ..complete() }, "received_on"),
            (Consultation { kinds: vec![ConsultationKind::OpinionHearing, ConsultationKind::OpinionHearing], ..complete() }, "kinds"),
            (Consultation { requester: Some(Requester::Worker), ..complete() }, "worker_id"),
        ];
        for (c, field) in cases {
            assert_eq!(fields(&c, Strictness::Final), [field], "{c:?}");
        }
    }

    #[test]
    fn minutes_spent() {
        let c = Consultation { start_time: TimeOfDay::hm(14, 0), end_time: TimeOfDay::hm(15, 30), ..complete() };
        assert_eq!(c.minutes(), Some(90));
        assert_eq!(complete().minutes(), None);
    }
}
