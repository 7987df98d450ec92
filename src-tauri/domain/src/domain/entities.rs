//! 事業場, 労働者 and staff: the people and places records refer to.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{Industry, Sex, StaffRole};
use super::dates::Date;
use super::validate::{Strictness, Violations};

/// 事業場: a workplace served by the centre.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Workplace {
    /// 事業場名
    pub name: String,
    /// 事業場名のよみ (カナ)
    pub kana: String,
    /// 所在地
    pub address: String,
    /// 業種 (JSIC A–T)
    pub industry: Option<Industry>,
    /// 労働者数 (男)
    pub workers_male: Option<u32>,
    /// 労働者数 (女)
    pub workers_female: Option<u32>,
    /// 労働者数 (計); when absent, 男 + 女.
    pub workers_total: Option<u32>,
    /// 担当者 (職)
    pub contact_title: String,
    /// 担当者 (氏名)
    pub contact_name: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    /// 常時50人以上の労働者を使用する (eligibility).
    pub fifty_or_more: bool,
    /// 企業として総括産業医を選任している (eligibility: outside the scheme).
    pub has_general_physician: bool,
    /// 大企業の支店・営業所等である (eligibility: parent company's 産業医 first).
    pub branch_of_large_company: bool,
    /// 備考
    pub notes: String,
}

impl Workplace {
    /// 労働者数 (計): as given, or 男 + 女.
    pub fn total_workers(&self) -> Option<u32> {
        self.workers_total.or_else(|| match (self.workers_male, self.workers_female) {
            (None, None) => None,
            (m, f) => Some(m.unwrap_or(0) + f.unwrap_or(0)),
        })
    }

    pub fn validate(&self) -> Violations {
        let mut v = Violations::default();
        v.require_text(Strictness::Final, &self.name, "name", "事業場名");
        v.max_len(&self.name, 100, "name", "事業場名");
        v.max_len(&self.address, 200, "address", "所在地");
        if let (Some(t), Some(m), Some(f)) = (self.workers_total, self.workers_male, self.workers_female) {
            if m + f != t {
                v.push("workers_total", "労働者数の計が男女の合計と合いません。人数を確かめてください。");
            }
        }
        v
    }
}

/// 労働者: a worker of a workplace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Worker {
    /// The workplace the worker belongs to.
    pub workplace_id: String,
    /// 氏名
    pub name: String,
    /// 氏名のよみ (カナ)
    pub kana: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
    /// 所属 (部・課)
    pub department: String,
    /// 役職
    pub position: String,
}

impl Worker {
    pub fn validate(&self, today: Date) -> Violations {
        let mut v = Violations::default();
        v.require_text(Strictness::Final, &self.workplace_id, "workplace_id", "事業場");
        v.require_text(Strictness::Final, &self.name, "name", "氏名");
        v.max_len(&self.name, 60, "name", "氏名");
        v.max_len(&self.kana, 60, "kana", "よみ");
        if let Some(b) = self.birth_date {
            if b > today {
                v.push("birth_date", "生年月日が未来の日付です。確かめてください。");
            } else if today.age_of(b).is_some_and(|a| a > 120) {
                v.push("birth_date", "生年月日が古すぎます。元号と年を確かめてください。");
            }
        }
        v
    }
}

/// A member of the centre's staff: a doctor, a 保健師 or a coordinator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Staff {
    pub role: Option<StaffRole>,
    pub name: String,
    pub kana: String,
    /// 所属医療機関 (doctors, 保健師) or 所属 (coordinators)
    pub affiliation: String,
    /// The text printed on the seal line, e.g. 「医師 山田太郎」.
    pub seal_line: String,
    /// コーディネーター兼務: a 統括コーディネーター who also works as a coordinator. 別添3 counts
    /// them twice in コーディネーターの人数 (「※統括兼務のコーディネーターは2名と計上」).
    /// Only for the role 統括コーディネーター; absent (false) in older records.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub concurrent_coordinator: bool,
}

impl Staff {
    pub fn validate(&self) -> Violations {
        let mut v = Violations::default();
        v.require(Strictness::Final, &self.role, "role", "役割");
        v.require_text(Strictness::Final, &self.name, "name", "氏名");
        v.max_len(&self.name, 60, "name", "氏名");
        if self.concurrent_coordinator && self.role != Some(StaffRole::ChiefCoordinator) {
            v.push(
                "concurrent_coordinator",
                "コーディネーター兼務は役割が統括コーディネーターの人にだけ付けられます。役割を確かめるか、兼務を外してください。",
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_workers_is_given_or_summed() {
        let mut w = Workplace { workers_male: Some(20), workers_female: Some(9), ..Default::default() };
        assert_eq!(w.total_workers(), Some(29));
        w.workers_total = Some(30);
        assert_eq!(w.total_workers(), Some(30));
        assert!(!w.validate().is_empty(), "30 ≠ 20 + 9 must be refused");
        assert_eq!(Workplace::default().total_workers(), None);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Workplace>(r#"{"name":"A","colour":"red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[test]
    fn worker_birth_dates_must_be_possible() {
        let today = Date::ymd(2025, 4, 1).unwrap();
        let mut w = Worker { workplace_id: "x".into(), name: "山田太郎".into(), ..Default::default() };
        assert!(w.validate(today).is_empty());
        w.birth_date = Date::ymd(2026, 1, 1);
        assert_eq!(w.validate(today).0[0].field, "birth_date");
        w.birth_date = Date::ymd(1890, 1, 1);
        assert_eq!(w.validate(today).0[0].field, "birth_date");
    }
}
