//! 訪問指導・職場巡視: a visit of the centre's doctor (保健師, 労働衛生工学専門員, coordinator) to a
//! small workplace, what was done there, what the 職場巡視 found and advised, and what the
//! employer did about the last visit's findings (issue 16; seed 001 III-2(1)①, III-2(2)②).
//!
//! The employer's report (産業保健指導結果報告書) prints from this record. It holds no individual
//! worker's health data: a finding names a place or a practice, never a person's results.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{code_enum, Code};
use super::dates::{Date, TimeOfDay};
use super::validate::{Strictness, Violations};

code_enum! {
    /// Who went on the visit.
    VisitorRole {
        Doctor = ("1", "産業医"),
        Nurse = ("2", "保健師"),
        Engineer = ("3", "労働衛生工学専門員"),
        Coordinator = ("4", "コーディネーター"),
        PrefecturalCentre = ("5", "産業保健総合支援センター職員"),
        Other = ("6", "その他"),
    }
}

code_enum! {
    /// 実施内容: what was done on the visit (several allowed).
    VisitActivity {
        OpinionHearing = ("1", "健康診断結果の意見聴取"),
        HealthGuidance = ("2", "保健指導"),
        WorkplacePatrol = ("3", "職場巡視"),
        WorkEnvironment = ("4", "作業環境管理"),
        WorkManagement = ("5", "作業管理"),
        LongHours = ("6", "長時間労働対策"),
        MentalHealth = ("7", "メンタルヘルス対策"),
        WorkLifeSupport = ("8", "両立支援"),
        Chemicals = ("9", "化学物質管理"),
        Other = ("10", "その他"),
    }
}

code_enum! {
    /// The category of a 職場巡視 finding.
    FindingCategory {
        WorkEnvironment = ("1", "作業環境"),
        Work = ("2", "作業"),
        HealthManagement = ("3", "健康管理"),
        SafetyOrganisation = ("4", "安全衛生体制"),
        Other = ("5", "その他"),
    }
}

code_enum! {
    /// How soon the employer should act on a finding: 高 速やかに, 中 計画的に, 低 可能な範囲で.
    FindingPriority {
        High = ("A", "高"),
        Medium = ("B", "中"),
        Low = ("C", "低"),
    }
}

code_enum! {
    /// At the next visit: what became of a finding.
    ImprovementStatus {
        Improved = ("1", "改善済"),
        Partly = ("2", "一部改善"),
        NotImproved = ("3", "未改善"),
    }
}

/// One person who went on the visit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Visitor {
    pub role: Option<VisitorRole>,
    /// The staff member on file, when there is one.
    pub staff_id: Option<String>,
    /// The name, when not on file (e.g. staff of the prefectural centre).
    pub name: String,
}

/// One finding of the 職場巡視, with its advice and the date by which the employer will act.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Finding {
    pub category: Option<FindingCategory>,
    pub priority: Option<FindingPriority>,
    /// 場所 (where it was seen).
    pub place: String,
    /// 指摘事項 (what was seen).
    pub observation: String,
    /// 助言・指導内容.
    pub advice: String,
    /// 改善期限: the date by which the employer will act.
    pub due_on: Option<Date>,
}

/// At this visit, what became of one finding of an earlier visit. The finding is named by its
/// visit and its number on that visit's report (1, 2, …).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct FindingFollowUp {
    /// The earlier visit (a record id).
    pub visit_id: String,
    /// The finding's number on that visit (1-based, as printed).
    pub finding_no: u32,
    pub status: Option<ImprovementStatus>,
    pub note: String,
}

/// A photo taken on the visit, by the name the store keeps it under (`store::photos`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct PhotoRef {
    /// SHA-256 of the kept JPEG (64 hex digits).
    pub sha256: String,
    /// 説明 (what it shows; printed under it).
    pub caption: String,
}

/// A photo as a finalised version carries it: the JPEG itself, so that the centre receives it
/// with the record, signed and encrypted in the same bundle.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct PhotoData {
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub jpeg_base64: String,
}

/// The most photos one visit keeps.
pub const MAX_PHOTOS: usize = 6;

/// An earlier finding as a later visit saw it (kept in that visit's snapshot, so that its
/// report prints what the employer was told even if the earlier visit is corrected later).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct FollowedFinding {
    pub visit_id: String,
    pub finding_no: u32,
    pub visited_on: Option<Date>,
    pub observation: String,
}

/// One 訪問指導・職場巡視.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Visit {
    /// 訪問日
    pub visited_on: Option<Date>,
    pub start_time: Option<TimeOfDay>,
    pub end_time: Option<TimeOfDay>,
    pub workplace_id: Option<String>,
    /// The doctor responsible, who signs the employer's report.
    pub doctor_id: Option<String>,
    /// Who went, besides the doctor.
    pub visitors: Vec<Visitor>,
    /// 事業場の対応者 (name and title).
    pub received_by: String,
    /// 実施内容
    pub activities: Vec<VisitActivity>,
    /// What その他 was.
    pub activity_other: String,
    /// 巡視した場所
    pub places_walked: String,
    /// 良好な取組 (printed first on the report).
    pub good_practices: Vec<String>,
    /// 指摘事項と助言
    pub findings: Vec<Finding>,
    /// 前回までの指摘事項の改善状況
    pub follow_ups: Vec<FindingFollowUp>,
    /// The consultations held on the same visit (record ids): one trip.
    pub consultation_ids: Vec<String>,
    /// 写真 (optional), in the order shown.
    pub photos: Vec<PhotoRef>,
    /// 総評 (printed on the report).
    pub comment: String,
    /// 備考 (not printed).
    pub notes: String,
}

impl Visit {
    pub fn validate(&self, strict: Strictness) -> Violations {
        let mut v = Violations::default();
        v.require(strict, &self.visited_on, "visited_on", "訪問日");
        v.require(strict, &self.workplace_id, "workplace_id", "事業場");
        v.require(strict, &self.doctor_id, "doctor_id", "担当産業医");
        if strict == Strictness::Final && self.activities.is_empty() {
            v.push("activities", "実施内容を1つ以上選んでください。");
        }
        let mut seen = Vec::new();
        for a in &self.activities {
            if seen.contains(a) {
                v.push("activities", "同じ実施内容が2回選ばれています。");
            }
            seen.push(*a);
        }
        if strict == Strictness::Final && self.activities.contains(&VisitActivity::Other) {
            v.require_text(strict, &self.activity_other, "activity_other", "「その他」の実施内容");
        }
        if let (Some(s), Some(e)) = (self.start_time, self.end_time) {
            if s >= e {
                v.push("end_time", "終了時刻は開始時刻より後にしてください。");
            }
        }
        if !self.findings.is_empty() && !self.activities.contains(&VisitActivity::WorkplacePatrol) {
            v.push("activities", "指摘事項があるときは、実施内容に「職場巡視」を選んでください。");
        }
        for (i, w) in self.visitors.iter().enumerate() {
            let field = format!("visitors[{i}]");
            if strict == Strictness::Final && w.role.is_none() {
                v.push(format!("{field}.role"), format!("同行者{}の役割を選んでください。", i + 1));
            }
            if strict == Strictness::Final && w.staff_id.is_none() && w.name.trim().is_empty() {
                v.push(format!("{field}.name"), format!("同行者{}の氏名を入力するか、職員を選んでください。", i + 1));
            }
            v.max_len(&w.name, 100, &format!("{field}.name"), "同行者の氏名");
        }
        for (i, f) in self.findings.iter().enumerate() {
            let n = i + 1;
            let field = format!("findings[{i}]");
            if strict == Strictness::Final {
                if f.category.is_none() {
                    v.push(format!("{field}.category"), format!("指摘事項{n}の区分を選んでください。"));
                }
                if f.priority.is_none() {
                    v.push(format!("{field}.priority"), format!("指摘事項{n}の優先度を選んでください。"));
                }
                if f.observation.trim().is_empty() {
                    v.push(format!("{field}.observation"), format!("指摘事項{n}の内容を入力してください。"));
                }
                if f.advice.trim().is_empty() {
                    v.push(format!("{field}.advice"), format!("指摘事項{n}への助言を入力してください。"));
                }
            }
            // A due date before the visit is allowed (the employer may already be late), and shown.
            v.max_len(&f.place, 200, &format!("{field}.place"), "指摘の場所");
            v.max_len(&f.observation, 2000, &format!("{field}.observation"), "指摘事項");
            v.max_len(&f.advice, 2000, &format!("{field}.advice"), "助言・指導内容");
        }
        if self.findings.len() > 50 {
            v.push("findings", "指摘事項は1回の訪問につき50件までです。訪問を分けて記録してください。");
        }
        for (i, g) in self.good_practices.iter().enumerate() {
            v.max_len(g, 1000, &format!("good_practices[{i}]"), "良好な取組");
        }
        let mut followed = Vec::new();
        for (i, f) in self.follow_ups.iter().enumerate() {
            let field = format!("follow_ups[{i}]");
            if f.visit_id.trim().is_empty() || f.finding_no == 0 {
                v.push(field.clone(), "改善状況は、前回の訪問の指摘事項を選んで記録してください。");
            }
            if followed.contains(&(&f.visit_id, f.finding_no)) {
                v.push(field.clone(), "同じ指摘事項の改善状況が2回記録されています。");
            }
            followed.push((&f.visit_id, f.finding_no));
            if strict == Strictness::Final && f.status.is_none() {
                v.push(format!("{field}.status"), "前回の指摘事項の改善状況（改善済・一部改善・未改善）を選んでください。");
            }
            v.max_len(&f.note, 1000, &format!("{field}.note"), "改善状況の備考");
        }
        let mut linked = Vec::new();
        for c in &self.consultation_ids {
            if linked.contains(&c) {
                v.push("consultation_ids", "同じ相談が2回結び付けられています。");
            }
            linked.push(c);
        }
        if self.photos.len() > MAX_PHOTOS {
            v.push("photos", format!("写真は1回の訪問につき{MAX_PHOTOS}枚までです。要るものを選んでください。"));
        }
        let mut shown = Vec::new();
        for (i, p) in self.photos.iter().enumerate() {
            if p.sha256.len() != 64 || !p.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                v.push(format!("photos[{i}]"), "写真は「写真を追加」で取り込んでください。");
            }
            if shown.contains(&&p.sha256) {
                v.push(format!("photos[{i}]"), "同じ写真が2回追加されています。");
            }
            shown.push(&p.sha256);
            v.max_len(&p.caption, 200, &format!("photos[{i}].caption"), "写真の説明");
        }
        v.max_len(&self.received_by, 200, "received_by", "事業場の対応者");
        v.max_len(&self.activity_other, 200, "activity_other", "「その他」の実施内容");
        v.max_len(&self.places_walked, 2000, "places_walked", "巡視した場所");
        v.max_len(&self.comment, 5000, "comment", "総評");
        v.max_len(&self.notes, 5000, "notes", "備考");
        v
    }

    /// The findings that are open on `today`: their date has passed.
    pub fn overdue_findings(&self, today: Date) -> impl Iterator<Item = (u32, &Finding)> {
        self.findings.iter().enumerate().filter(move |(_, f)| f.due_on.is_some_and(|d| d < today)).map(|(i, f)| (i as u32 + 1, f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> Visit {
        Visit {
            visited_on: Date::ymd(2025, 9, 3),
            workplace_id: Some("w".into()),
            doctor_id: Some("d".into()),
            activities: vec![VisitActivity::WorkplacePatrol, VisitActivity::OpinionHearing],
            findings: vec![Finding {
                category: Some(FindingCategory::WorkEnvironment),
                priority: Some(FindingPriority::High),
                place: "塗装場".into(),
                observation: "局所排気装置の吸込みが弱い".into(),
                advice: "フードの点検と風速の測定".into(),
                due_on: Date::ymd(2025, 10, 31),
            }],
            ..Default::default()
        }
    }

    fn fields(v: &Visit, s: Strictness) -> Vec<String> {
        v.validate(s).into_vec().into_iter().map(|x| x.field).collect()
    }

    #[test]
    fn a_complete_visit_finalises() {
        assert!(fields(&complete(), Strictness::Final).is_empty());
    }

    #[test]
    fn an_empty_draft_is_fine_but_cannot_be_finalised() {
        assert!(fields(&Visit::default(), Strictness::Draft).is_empty());
        let f = fields(&Visit::default(), Strictness::Final);
        for want in ["visited_on", "workplace_id", "doctor_id", "activities"] {
            assert!(f.iter().any(|x| x == want), "{want} in {f:?}");
        }
    }

    #[test]
    fn findings_need_the_patrol_and_every_part() {
        let mut v = complete();
        v.activities = vec![VisitActivity::HealthGuidance];
        assert!(fields(&v, Strictness::Draft).contains(&"activities".to_string()));
        let mut v = complete();
        v.findings[0].advice.clear();
        v.findings[0].priority = None;
        let f = fields(&v, Strictness::Final);
        assert!(f.contains(&"findings[0].advice".to_string()) && f.contains(&"findings[0].priority".to_string()), "{f:?}");
        assert!(fields(&v, Strictness::Draft).is_empty());
    }

    #[test]
    fn a_past_due_date_is_allowed_and_shown_as_overdue() {
        let mut v = complete();
        v.findings[0].due_on = Date::ymd(2025, 8, 1);
        assert!(fields(&v, Strictness::Final).is_empty());
        let open: Vec<u32> = v.overdue_findings(Date::ymd(2025, 9, 3).unwrap()).map(|(n, _)| n).collect();
        assert_eq!(open, vec![1]);
        assert_eq!(complete().overdue_findings(Date::ymd(2025, 10, 31).unwrap()).count(), 0, "due today is not overdue");
        assert_eq!(complete().overdue_findings(Date::ymd(2025, 11, 1).unwrap()).count(), 1);
    }

    #[test]
    fn follow_ups_name_a_finding_once_and_say_what_became_of_it() {
        let mut v = complete();
        v.follow_ups = vec![
            FindingFollowUp { visit_id: "v1".into(), finding_no: 1, status: Some(ImprovementStatus::Improved), note: String::new() },
            FindingFollowUp { visit_id: "v1".into(), finding_no: 1, status: None, note: String::new() },
            FindingFollowUp { visit_id: String::new(), finding_no: 0, status: Some(ImprovementStatus::Partly), note: String::new() },
        ];
        let f = fields(&v, Strictness::Final);
        assert!(f.contains(&"follow_ups[1]".to_string()), "duplicate: {f:?}");
        assert!(f.contains(&"follow_ups[1].status".to_string()), "{f:?}");
        assert!(f.contains(&"follow_ups[2]".to_string()), "unnamed: {f:?}");
    }

    #[test]
    fn visitors_need_a_role_and_a_name_or_a_staff_member() {
        let mut v = complete();
        v.visitors = vec![Visitor { role: Some(VisitorRole::Engineer), staff_id: None, name: "  ".into() }, Visitor::default()];
        let f = fields(&v, Strictness::Final);
        assert!(f.contains(&"visitors[0].name".to_string()) && f.contains(&"visitors[1].role".to_string()), "{f:?}");
    }

    #[test]
    fn records_parse_from_the_documented_json() {
        let v: Visit = serde_json::from_value(serde_json::json!({
            "visited_on": "2025-09-03", "workplace_id": "w", "doctor_id": "d",
            "activities": ["workplace_patrol"],
            "findings": [{"category": "work_environment", "priority": "high", "observation": "x", "advice": "y", "due_on": "2025-10-31"}]
        }))
        .unwrap();
        assert_eq!(v.findings[0].category, Some(FindingCategory::WorkEnvironment));
        assert!(serde_json::from_value::<Visit>(serde_json::json!({"photo": "x"})).is_err(), "unknown fields are refused");
    }
}
