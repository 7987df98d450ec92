//! 利用申込 (様式例1-1 特定健康相談・面接指導利用申込書) and the appointment it leads to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{Place, Service};
use super::dates::{Date, TimeOfDay};
use super::validate::{Strictness, Violations};

/// A preferred date and time (第1希望, 第2希望).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct PreferredSlot {
    pub date: Option<Date>,
    pub from: Option<TimeOfDay>,
    pub to: Option<TimeOfDay>,
}

/// 利用申込: who applied, for what, when they would like it, and the appointment made.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Application {
    /// 受付日
    pub received_on: Option<Date>,
    pub workplace_id: Option<String>,
    /// 申込担当者 (職)
    pub applicant_title: String,
    /// 申込担当者 (氏名)
    pub applicant_name: String,
    /// 連絡先
    pub phone: String,
    pub fax: String,
    pub email: String,
    /// 希望する相談の種類
    pub services: Vec<Service>,
    /// 希望日時 (第1希望, 第2希望)
    pub preferred: Vec<PreferredSlot>,
    /// 人数
    pub headcount: Option<u32>,
    /// 相談したい内容の概要 (no clinical detail: the form goes through the employer)
    pub summary: String,
    /// The doctor or 保健師 assigned.
    pub doctor_id: Option<String>,
    /// The place chosen.
    pub place: Option<Place>,
    pub place_name: String,
    /// The appointment made.
    pub appointment_on: Option<Date>,
    pub appointment_from: Option<TimeOfDay>,
    pub appointment_to: Option<TimeOfDay>,
    /// 備考
    pub notes: String,
}

impl Application {
    pub fn validate(&self, strict: Strictness) -> Violations {
        let mut v = Violations::default();
        v.require(strict, &self.received_on, "received_on", "受付日");
        v.require(strict, &self.workplace_id, "workplace_id", "事業場");
        v.require_text(strict, &self.applicant_name, "applicant_name", "申込担当者の氏名");
        if strict == Strictness::Final && self.services.is_empty() {
            v.push("services", "希望する相談の種類を1つ以上選んでください。");
        }
        if self.preferred.len() > 2 {
            v.push("preferred", "希望日時は第2希望まで入力できます。");
        }
        for (i, slot) in self.preferred.iter().enumerate() {
            if let (Some(f), Some(t)) = (slot.from, slot.to) {
                if f >= t {
                    v.push(format!("preferred.{i}.to"), format!("第{}希望の終了時刻は開始時刻より後にしてください。", i + 1));
                }
            }
        }
        if let (Some(f), Some(t)) = (self.appointment_from, self.appointment_to) {
            if f >= t {
                v.push("appointment_to", "予約の終了時刻は開始時刻より後にしてください。");
            }
        }
        v.max_len(&self.summary, 2000, "summary", "相談したい内容");
        v
    }
}
