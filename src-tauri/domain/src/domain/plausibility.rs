//! Plausibility warnings for an interview: combinations a doctor may have meant, but that are
//! worth a second look. They are listed at their step and before 確定, and never stop it (the
//! contradictions that the law or the 様式 rule out are errors, in `interview.rs`).
//! Messages name the fields, never their health content.

use super::codes::{Diagnosis, Fatigue, GuidanceClass, WorkClass};
use super::interview::{HoursMeasure, Interview};
use super::validate::Violation;

fn warn(field: &str, message: impl Into<String>) -> Violation {
    Violation { field: field.to_string(), message: message.into() }
}

/// Every warning for an interview, in the order of its steps.
pub fn interview_warnings(i: &Interview) -> Vec<Violation> {
    let mut w = Vec::new();
    request(i, &mut w);
    period(i, &mut w);
    if !i.is_high_stress() {
        findings(i, &mut w);
    }
    measures(i, &mut w);
    // The fatigue checklists and the stress-check scores against the doctor's judgement.
    w.extend(super::checklists::warnings(i));
    w
}

/// 66条の8 and 66条の10 follow the worker's 申出: a missing request date is worth a look.
fn request(i: &Interview, w: &mut Vec<Violation>) {
    if i.kind.is_some_and(|k| k.needs_request()) && i.request.requested_on.is_none() {
        w.push(warn("request.requested_on", "申出日が入っていません。この面接指導は本人の申出によるものです。申出書（様式例2-1）の日付を確かめてください。"));
    }
}

/// The lines are a month's: a 「前1ヶ月間」 shorter than any month is compared with them anyway.
fn period(i: &Interview, w: &mut Vec<Violation>) {
    let Some(days) = i.work_status.as_ref().and_then(|ws| ws.period_days()) else { return };
    if days < 28 {
        w.push(warn(
            "work_status.period_to",
            format!("前1ヶ月間の期間が{days}日です。時間外・休日労働の区分（45・80・100時間）は1か月（28〜31日）の時間で判断します。期間を確かめてください。"),
        ));
    }
}

/// The findings of the long-hours report (様式例2-3).
fn findings(i: &Interview, w: &mut Vec<Violation>) {
    let r = &i.result;
    if r.diagnosis == Some(Diagnosis::Normal) && r.guidance == Some(GuidanceClass::MedicalGuidance) {
        w.push(warn("result.guidance", "診断区分が「0：異常なし」で、指導区分が「2：要医療指導」です。どちらかの選び違いでないか確かめてください。"));
    }
    if r.diagnosis == Some(Diagnosis::MedicalCare) && r.guidance == Some(GuidanceClass::NotNeeded) {
        w.push(warn("result.guidance", "診断区分が「2：要医療」で、指導区分が「0：指導不要」です。どちらかの選び違いでないか確かめてください。"));
    }
    if r.diagnosis == Some(Diagnosis::MedicalCare) && i.opinion.medical_consideration.trim().is_empty() {
        w.push(warn(
            "opinion.medical_consideration",
            "診断区分が「2：要医療」ですが、医療機関への受診配慮等が空欄です。必要な配慮を記入するか、空欄でよいか確かめてください。",
        ));
    }
    if r.fatigue == Some(Fatigue::None) && i.kind == Some(super::codes::InterviewKind::LongHours) {
        w.push(warn(
            "result.fatigue",
            "法66条の8の面接指導は疲労の蓄積が認められる労働者が対象ですが、疲労の蓄積が「0：なし」です。区分と所見を確かめてください。",
        ));
    }
}

/// The opinion against the findings.
fn measures(i: &Interview, w: &mut Vec<Violation>) {
    let o = &i.opinion;
    let no_measure = o.other_measures.is_empty() && o.hours_measures.iter().all(|m| *m == HoursMeasure::NoInstruction);
    if i.result.fatigue == Some(Fatigue::Severe) && no_measure {
        w.push(warn(
            "opinion.hours_measures",
            "疲労の蓄積が「3：重」ですが、労働時間の短縮が「特に指示なし」で、ほかの措置もありません。措置が要らない理由を確かめてください。",
        ));
    }
    if i.result.work_class == Some(WorkClass::Restricted) && o.period_amount.is_none() && o.period_from.is_none() && o.next_interview_on.is_none() {
        w.push(warn("opinion.period_amount", "就業制限の意見ですが、措置期間も次回面接予定日も入っていません。措置をいつまで続けるかを記入してください。"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::InterviewKind;
    use crate::domain::dates::Date;
    use crate::domain::interview::tests::long_hours;
    use crate::domain::validate::Strictness;

    fn fields(i: &Interview) -> Vec<String> {
        interview_warnings(i).into_iter().map(|v| v.field).collect()
    }

    fn coherent() -> Interview {
        let mut i = long_hours();
        i.request.requested_on = Date::ymd(2025, 6, 10);
        i.opinion.period_amount = Some(1);
        i.opinion.period_unit = Some(crate::domain::codes::PeriodUnit::Month);
        i
    }

    #[test]
    fn a_coherent_interview_has_no_warning() {
        assert_eq!(fields(&coherent()), Vec::<String>::new());
    }

    #[test]
    fn warnings_case_table() {
        let mut cases: Vec<(Interview, &str)> = Vec::new();
        let mut i = coherent();
        i.result.fatigue = Some(Fatigue::Severe);
        i.result.work_class = Some(WorkClass::Normal);
        i.opinion.hours_measures = vec![HoursMeasure::NoInstruction];
        cases.push((i, "opinion.hours_measures"));
        let mut i = coherent();
        i.result.diagnosis = Some(Diagnosis::Normal);
        i.result.guidance = Some(GuidanceClass::MedicalGuidance);
        cases.push((i, "result.guidance"));
        let mut i = coherent();
        i.result.diagnosis = Some(Diagnosis::MedicalCare);
        i.result.guidance = Some(GuidanceClass::NotNeeded);
        i.opinion.medical_consideration = "紹介状".into();
        cases.push((i, "result.guidance"));
        let mut i = coherent();
        i.result.diagnosis = Some(Diagnosis::MedicalCare);
        cases.push((i, "opinion.medical_consideration"));
        let mut i = coherent();
        i.request.requested_on = None;
        cases.push((i, "request.requested_on"));
        let mut i = coherent();
        i.result.fatigue = Some(Fatigue::None);
        cases.push((i, "result.fatigue"));
        let mut i = coherent();
        i.opinion.period_amount = None;
        i.opinion.period_unit = None;
        cases.push((i, "opinion.period_amount"));
        let mut i = coherent();
        i.work_status.as_mut().unwrap().period_from = Date::ymd(2025, 5, 20);
        cases.push((i, "work_status.period_to"));
        for (i, field) in cases {
            assert_eq!(fields(&i), [field], "{:?} {:?}", i.result, i.opinion);
        }
    }

    #[test]
    fn warnings_never_stop_finalising() {
        let mut i = coherent();
        i.result.diagnosis = Some(Diagnosis::Normal);
        i.result.guidance = Some(GuidanceClass::MedicalGuidance);
        i.request.requested_on = None;
        assert_eq!(fields(&i).len(), 2);
        assert!(i.validate(Strictness::Final).is_empty());
    }

    #[test]
    fn kinds_held_without_a_request_do_not_ask_for_one() {
        let mut i = coherent();
        i.request.requested_on = None;
        i.kind = Some(InterviewKind::ResearchOver100);
        i.work_status.as_mut().unwrap().total_hours = Some(300.0);
        assert_eq!(fields(&i), Vec::<String>::new());
    }
}
