//! The checklists that come with an interview application: the worker's 疲労蓄積度自己診断
//! チェックリスト (2023), the family's チェックリスト, and the stress-check scores, scored in one
//! place for the screen and the record. A result is information for the doctor: it never sets the
//! doctor's judgement (`result.fatigue`).

pub mod family;
pub mod section;
pub mod worker;

use serde::Serialize;
use ts_rs::TS;

pub use family::{FamilyChecklist, FamilyChecklistResult};
pub use section::{ChecklistChoice, ChecklistItem, SectionResult};
pub use worker::{BurdenReading, SymptomGrade, WorkGrade, WorkerChecklist, WorkerChecklistResult};

use super::codes::Fatigue;
use super::interview::Interview;
use super::stress_check::{self, StressJudgement};
use super::validate::{Strictness, Violation, Violations};

/// What the checklists and the stress-check scores of an interview give.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InterviewScores {
    /// 労働者の疲労蓄積度自己診断チェックリスト (2023).
    pub fatigue_checklist: Option<WorkerChecklistResult>,
    /// 家族による労働者の疲労蓄積度チェックリスト.
    pub family_checklist: Option<FamilyChecklistResult>,
    /// 高ストレスの判定 from the scores.
    pub stress: Option<StressJudgement>,
    /// Plausibility warnings (never blocking 確定).
    pub warnings: Vec<Violation>,
}

/// Score everything an interview carries. Never fails: out-of-range input scores nothing.
pub fn scores(i: &Interview) -> InterviewScores {
    InterviewScores {
        fatigue_checklist: i.fatigue_checklist.as_ref().filter(|c| !c.is_empty()).map(worker::score),
        family_checklist: i.family_checklist.as_ref().filter(|c| !c.is_empty()).map(family::score),
        stress: i.stress.as_ref().map(stress_check::judge),
        warnings: warnings(i),
    }
}

/// The 負担度 from which a 疲労の蓄積 of 「なし」 deserves a second look: 4–7, read 高い or 非常に高い.
const HIGH_BURDEN: u32 = 4;

/// Warnings, never blocking 確定: the doctor's judgement against what the worker's sheet and the
/// stress-check scores say. The doctor may well be right; the warning only asks for a look.
pub fn warnings(i: &Interview) -> Vec<Violation> {
    let mut v = Violations::default();
    let burden = i.fatigue_checklist.as_ref().filter(|c| !c.is_empty()).map(worker::score).and_then(|r| r.burden);
    if burden.is_some_and(|b| b >= HIGH_BURDEN) && i.result.fatigue == Some(Fatigue::None) {
        v.push(
            "fatigue_checklist",
            format!("本人の疲労蓄積度チェックリストでは仕事による負担度が高い（{HIGH_BURDEN}点以上）のに、疲労の蓄積の状況が「なし」になっています。判定を確かめてください。"),
        );
    }
    let mut out = v.into_vec();
    out.extend(stress_check::warnings(i));
    out
}

/// Errors in the checklists. Called from `Interview::validate`.
pub fn validate(i: &Interview, strict: Strictness, v: &mut Violations) {
    if let Some(c) = &i.fatigue_checklist {
        worker::validate(c, strict, v);
    }
    if let Some(c) = &i.family_checklist {
        family::validate(c, v);
    }
}

/// The item texts for the entry screen, generated from the tables here so they exist once.
#[derive(Serialize)]
struct Forms {
    worker_symptoms: Vec<ChecklistItem>,
    worker_work: Vec<ChecklistItem>,
    family_symptoms: Vec<ChecklistItem>,
}

fn forms() -> Forms {
    Forms {
        worker_symptoms: section::describe(&worker::SYMPTOMS),
        worker_work: section::describe(&worker::WORK),
        family_symptoms: section::describe(&family::SYMPTOMS),
    }
}

/// The TypeScript module `checklistForms.ts` the entry screen imports.
pub fn forms_ts() -> String {
    let json = serde_json::to_string_pretty(&forms()).expect("static tables serialise");
    format!(
        "// Generated from src-tauri/domain/src/domain/checklists by `cargo test`. Do not edit.\nimport type {{ ChecklistItem }} from \"./ChecklistItem\";\n\nexport const CHECKLIST_FORMS: {{ worker_symptoms: ChecklistItem[]; worker_work: ChecklistItem[]; family_symptoms: ChecklistItem[] }} = {json};\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_checklist_forms() {
        let dir = std::env::var("TS_RS_EXPORT_DIR").expect("set in .cargo/config.toml");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(std::path::Path::new(&dir).join("checklistForms.ts"), forms_ts()).unwrap();
    }

    #[test]
    fn the_forms_carry_every_item() {
        let f = forms();
        assert_eq!((f.worker_symptoms.len(), f.worker_work.len(), f.family_symptoms.len()), (14, 13, 13));
        let ts = forms_ts();
        assert!(ts.contains("食欲がないと感じる") && ts.contains("終業時刻から次の始業時刻の間にある休息時間"));
    }

    #[test]
    fn bad_checklists_and_scores_stop_a_save_through_interview_validate() {
        use crate::domain::interview::StressScores;
        let i = Interview {
            fatigue_checklist: Some(WorkerChecklist { symptom_total: Some(50), ..Default::default() }),
            family_checklist: Some(FamilyChecklist { score: Some(5), ..Default::default() }),
            stress: Some(StressScores { b: Some(150), ..Default::default() }),
            ..Default::default()
        };
        let fields: Vec<String> = i.validate(Strictness::Draft).into_vec().into_iter().map(|v| v.field).collect();
        assert_eq!(fields, ["stress.b", "fatigue_checklist.symptom_total", "family_checklist.score"]);
        // Old records, without the new fields, still read.
        let old = r#"{"kind":"high_stress","stress":{"a":40,"b":80,"c":20,"checked_on":null}}"#;
        let i: Interview = serde_json::from_str(old).unwrap();
        assert_eq!((i.fatigue_checklist, i.stress.unwrap().scale_a), (None, None));
    }

    #[test]
    fn a_high_burden_against_no_fatigue_is_a_warning_not_an_error() {
        let top = worker::WORK.iter().map(|it| Some(it.choices.len() as u8 - 1)).collect();
        let mut i =
            Interview { fatigue_checklist: Some(WorkerChecklist { symptom_total: Some(8), work_total: Some(6), ..Default::default() }), ..Default::default() };
        i.result.fatigue = Some(Fatigue::None);
        // Ⅲ × C = 4: 高い.
        assert_eq!(warnings(&i).iter().map(|w| w.field.as_str()).collect::<Vec<_>>(), ["fatigue_checklist"]);
        assert!(i.validate(Strictness::Draft).is_empty());
        // Ⅱ × C = 3: やや高い, no warning; nor with a judgement other than なし.
        i.fatigue_checklist = Some(WorkerChecklist { symptom_total: Some(7), work_total: Some(6), ..Default::default() });
        assert!(warnings(&i).is_empty());
        i.fatigue_checklist = Some(WorkerChecklist { symptoms: vec![Some(2); 14], work: top, ..Default::default() });
        i.result.fatigue = Some(Fatigue::Mild);
        assert!(warnings(&i).is_empty());
        assert_eq!(scores(&i).warnings, warnings(&i));
    }

    #[test]
    fn a_correction_names_the_checklist_fields() {
        use crate::domain::diff;
        assert_eq!(diff::label("fatigue_checklist.symptom_total"), "疲労蓄積度チェックリスト 自覚症状の合計点");
        assert_eq!(diff::label("family_checklist.score"), "家族用チェックリスト 疲労蓄積度の点数");
        assert_eq!(diff::label("stress.scale_b"), "ストレスチェック B 評価点の合計");
    }

    #[test]
    fn scores_never_touch_the_doctors_judgement() {
        let top = worker::WORK.iter().map(|it| Some(it.choices.len() as u8 - 1)).collect();
        let i = Interview { fatigue_checklist: Some(WorkerChecklist { symptoms: vec![Some(2); 14], work: top, ..Default::default() }), ..Default::default() };
        let before = i.result.clone();
        let s = scores(&i);
        assert_eq!(s.fatigue_checklist.unwrap().burden, Some(7));
        assert_eq!(i.result, before);
        assert_eq!(i.result.fatigue, None);
    }
}
