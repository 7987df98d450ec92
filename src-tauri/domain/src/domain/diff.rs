//! The differences between two versions of a record, field by field, in words a doctor reads:
//! the field's label from the 様式 and the values as printed (codes as their labels, dates in 和暦).
//!
//! Used when a finalised record is corrected (訂正): the screen shows what the new version
//! changes before the reason is given, and the history shows what each version changed.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::codes::{
    Code, ConsultationKind, Diagnosis, DoctorChoice, Fatigue, GuidanceClass, InterviewKind, OtherMeasure, PeriodUnit, Place, Requester, Service,
    StressGuidance, WorkClass, WorkStatusCategory,
};
use super::dates::Date;
use super::interview::HoursMeasure;
use super::record::RecordBody;

/// One field that differs between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct FieldChange {
    /// The field's path in the record format, e.g. `opinion.remarks`.
    pub path: String,
    /// The field as the 様式 names it, e.g. 「意見書 連絡事項等」.
    pub label: String,
    /// The value before, as printed (empty when there was none).
    pub before: String,
    /// The value after, as printed (empty when there is none).
    pub after: String,
}

/// Every field that differs between `before` and `after`, in the order of the record format.
pub fn changes(before: &RecordBody, after: &RecordBody) -> Vec<FieldChange> {
    let (a, b) = (before.data_json(), after.data_json());
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<FieldChange>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            // The keys of the newer version first (its order is the format's), then any it dropped.
            let keys = y.keys().chain(x.keys().filter(|k| !y.contains_key(*k)));
            for k in keys {
                let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(&child, x.get(k).unwrap_or(&Value::Null), y.get(k).unwrap_or(&Value::Null), out);
            }
        }
        (Value::Object(x), Value::Null) => walk(path, &Value::Object(x.clone()), &Value::Object(Default::default()), out),
        (Value::Null, Value::Object(y)) => walk(path, &Value::Object(Default::default()), &Value::Object(y.clone()), out),
        _ => {
            let (before, after) = (display(path, a), display(path, b));
            if before != after {
                out.push(FieldChange { path: path.to_string(), label: label(path), before, after });
            }
        }
    }
}

fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// A value as the forms print it.
fn display(path: &str, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "はい・あり".into(),
        Value::Bool(false) => "いいえ・なし".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => code_label(leaf(path), s).or_else(|| date_label(s)).unwrap_or_else(|| s.clone()),
        Value::Array(items) if leaf(path) == "hours_measures" => {
            let measures: Vec<HoursMeasure> = serde_json::from_value(v.clone()).unwrap_or_default();
            measures.iter().map(hours_measure).collect::<Vec<_>>().join("、")
        }
        Value::Array(items) => items.iter().map(|i| display(path, i)).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("、"),
        Value::Object(map) => map.iter().map(|(k, v)| display(&format!("{path}.{k}"), v)).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" "),
    }
}

fn hours_measure(m: &HoursMeasure) -> String {
    match m {
        HoursMeasure::OvertimeLimit { hours_per_month: Some(h) } => format!("{}（月{h}時間まで）", m.label()),
        HoursMeasure::WorkingHours { from, to } => {
            let t = |t: &Option<super::dates::TimeOfDay>| t.map(|t| t.to_string()).unwrap_or_default();
            format!("{}（{}～{}）", m.label(), t(from), t(to))
        }
        HoursMeasure::Other { text } => format!("{}（{text}）", m.label()),
        _ => m.label().to_string(),
    }
}

fn date_label(s: &str) -> Option<String> {
    if s.len() != 10 {
        return None;
    }
    let d: Date = serde_json::from_value(Value::String(s.to_string())).ok()?;
    Some(d.wareki())
}

fn code<C: Code + for<'de> Deserialize<'de>>(s: &str) -> Option<String> {
    serde_json::from_value::<C>(Value::String(s.to_string())).ok().map(|c| c.label().to_string())
}

/// The label of a code, by the field it is in (the same code can mean different things:
/// `normal` is 異常なし as a 診断区分 and 通常勤務 as a 就業区分).
fn code_label(field: &str, s: &str) -> Option<String> {
    match field {
        "kind" => code::<InterviewKind>(s),
        "kinds" => code::<ConsultationKind>(s),
        "services" => code::<Service>(s),
        "place" => code::<Place>(s),
        "requester" => code::<Requester>(s),
        "doctor_choice" => code::<DoctorChoice>(s),
        "categories" => code::<WorkStatusCategory>(s),
        "fatigue" => code::<Fatigue>(s),
        "diagnosis" => code::<Diagnosis>(s),
        "work_class" => code::<WorkClass>(s),
        "guidance" => code::<GuidanceClass>(s),
        "stress_guidance" => code::<StressGuidance>(s),
        "other_measures" => code::<OtherMeasure>(s),
        "period_unit" => code::<PeriodUnit>(s),
        "activities" => code::<super::visit::VisitActivity>(s),
        "category" => code::<super::visit::FindingCategory>(s),
        "priority" => code::<super::visit::FindingPriority>(s),
        "status" => code::<super::visit::ImprovementStatus>(s),
        "role" => code::<super::visit::VisitorRole>(s),
        _ => None,
    }
}

/// The field's name as the 様式 gives it. Unknown paths keep their path, so nothing is hidden.
pub fn label(path: &str) -> String {
    let section = match path.split('.').next().unwrap_or("") {
        "request" => "申出 ",
        "work_status" => "勤務状況 ",
        "stress" => "ストレスチェック ",
        "consent" => "同席の同意 ",
        "result" => "面接指導結果 ",
        "opinion" => "意見書 ",
        "fatigue_checklist" => "疲労蓄積度チェックリスト ",
        "family_checklist" => "家族用チェックリスト ",
        _ => "",
    };
    let name = match leaf(path) {
        "kind" => "面接指導の区分",
        "kinds" => "相談内容",
        "received_on" => "受付日",
        "performed_on" => "実施日",
        "start_time" => "開始時刻",
        "end_time" => "終了時刻",
        "place" => "実施場所の区分",
        "place_name" => "実施場所",
        "doctor_id" => "担当医師",
        "workplace_id" => "事業場",
        "worker_id" => "労働者",
        "application_id" => "利用申込",
        "requester" => "相談者の区分",
        "requester_title" => "相談者の職名",
        "requester_name" => "相談者の氏名",
        "subject_count" => "意見聴取の対象者数",
        "content" => "相談・指導内容",
        "referral" => "受診勧奨",
        "notes" => "備考",
        "requested_on" => "申出日",
        "doctor_choice" => "面接指導を受ける医師",
        "considerations" => "配慮を求める事項",
        "categories" => "区分",
        "past_interview" => "過去の面接指導",
        "past_interview_month" => "直近の面接指導の年月",
        "period_from" => "期間（から）",
        "period_to" => "期間（まで）",
        "total_hours" => "総労働時間",
        "overtime_hours" => "時間外・休日労働時間",
        "previous_overtime" => "前月以前の時間外・休日労働時間",
        "commute_minutes" => "通勤時間",
        "duties" => "業務内容",
        "name" => "氏名",
        "workplace" => "所属",
        "contact" => "連絡先",
        "a" => "A（ストレスの要因）",
        "b" => "B（心身の自覚症状）",
        "c" => "C（周囲の支援）",
        "checked_on" => "実施日",
        "coordinator_attends" => "コーディネーターの同席",
        "given_on" => "同意日",
        "method" => "同意の方法",
        "fatigue" => "疲労の蓄積の状況",
        "mind_body_attention" => "配慮すべき心身の状況",
        "special_notes" => "特記事項",
        "diagnosis" => "診断区分",
        "work_class" => "就業区分",
        "guidance" => "指導区分",
        "recommendation_needed" => "指導勧告の必要性",
        "necessary_items" => "必要事項",
        "work_situation" => "勤務の状況",
        "other_findings" => "その他の心身の状況",
        "other_findings_text" => "その他の心身の状況（所見）",
        "medical_notes" => "医学的所見に関する特記事項",
        "stress_guidance" => "本人への指導区分",
        "reinterview_timing" => "要再面接の時期",
        "other_notes" => "その他の特記事項",
        "hours_measures" => "労働時間の短縮",
        "other_measures" => "労働時間以外の項目",
        "measure_lines" => "措置内容",
        "period_amount" => "措置期間",
        "period_unit" => "措置期間の単位",
        "next_interview_on" => "次回面接予定日",
        "workplace_environment" => "職場環境の改善に関する意見",
        "medical_consideration" => "医療機関への受診配慮等",
        "remarks" => "連絡事項等",
        "opinion_on" => "意見書の日付",
        "applicant_title" => "申込担当者の職",
        "applicant_name" => "申込担当者の氏名",
        "phone" => "電話",
        "fax" => "FAX",
        "email" => "メール",
        "services" => "希望する相談の種類",
        "preferred" => "希望日時",
        "headcount" => "人数",
        "summary" => "相談内容の概要",
        "appointment_on" => "予定日",
        "appointment_from" => "予定時刻（から）",
        "appointment_to" => "予定時刻（まで）",
        "symptoms" => "症状の回答",
        "work" => "勤務の状況の回答",
        "symptom_total" => "自覚症状の合計点",
        "work_total" => "勤務の状況の合計点",
        "work_rest_count" => "働き方と休養の該当個数",
        "score" => "疲労蓄積度の点数",
        "scale_a" => "A 評価点の合計",
        "scale_b" => "B 評価点の合計",
        "scale_c" => "C 評価点の合計",
        "judged_high" => "ストレスチェックでの高ストレス判定",
        "visited_on" => "訪問日",
        "visitors" => "同行者",
        "received_by" => "事業場の対応者",
        "activities" => "実施内容",
        "activity_other" => "その他の実施内容",
        "places_walked" => "巡視した場所",
        "good_practices" => "良好な取組",
        "findings" => "指摘事項と助言",
        "follow_ups" => "前回までの指摘事項の改善状況",
        "consultation_ids" => "同じ訪問での相談",
        "comment" => "総評",
        "photos" => "写真",
        "source_id" => "紹介元の記録",
        "referred_on" => "紹介日",
        "body_id" => "紹介先の機関",
        "reason" => "紹介の理由",
        "reason_text" => "紹介の理由（自由記載）",
        "outcome" => "受診結果",
        "outcome_on" => "受診日",
        "outcome_note" => "受診結果の備考",
        _ => return path.to_string(),
    };
    format!("{section}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::interview::Interview;

    fn interview() -> Interview {
        let mut i = Interview { kind: Some(InterviewKind::LongHours), ..Default::default() };
        i.result.work_class = Some(WorkClass::Normal);
        i.result.diagnosis = Some(Diagnosis::Normal);
        i.opinion.remarks = "特になし".into();
        i
    }

    #[test]
    fn no_change_no_lines() {
        let a = RecordBody::Interview(interview());
        assert!(changes(&a, &a.clone()).is_empty());
    }

    #[test]
    fn changed_fields_are_named_as_on_the_form_with_codes_as_labels() {
        let a = interview();
        let mut b = a.clone();
        b.result.work_class = Some(WorkClass::Restricted);
        b.opinion.remarks = "来月再面接".into();
        b.opinion.hours_measures = vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(30.0) }];
        b.performed_on = Date::ymd(2025, 4, 1);
        let c = changes(&RecordBody::Interview(a), &RecordBody::Interview(b));
        let find = |p: &str| c.iter().find(|x| x.path == p).unwrap_or_else(|| panic!("{p} in {c:?}"));
        assert_eq!(find("result.work_class").label, "面接指導結果 就業区分");
        assert_eq!(find("result.work_class").before, WorkClass::Normal.label());
        assert_eq!(find("result.work_class").after, WorkClass::Restricted.label());
        assert_eq!(find("opinion.remarks").before, "特になし");
        assert_eq!(find("opinion.remarks").after, "来月再面接");
        assert_eq!(find("opinion.hours_measures").after, "時間外労働の制限（月30時間まで）");
        assert_eq!(find("performed_on").after, "令和7年4月1日");
        assert_eq!(find("performed_on").before, "");
        // 診断区分 `normal` did not change and is not listed.
        assert!(c.iter().all(|x| x.path != "result.diagnosis"));
        assert_eq!(c.len(), 4, "{c:?}");
    }

    #[test]
    fn the_same_code_reads_by_its_field() {
        assert_eq!(code_label("diagnosis", "normal").as_deref(), Some(Diagnosis::Normal.label()));
        assert_eq!(code_label("work_class", "normal").as_deref(), Some(WorkClass::Normal.label()));
        assert_ne!(Diagnosis::Normal.label(), WorkClass::Normal.label());
    }
}
