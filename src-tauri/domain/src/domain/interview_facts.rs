//! What the core derives from an interview, in one place: the hours (the other figure, the
//! 45/80/100 h class, the 2–6 month averages), the 区分 the 勤務状況情報書 prints, the fatigue
//! checklists' grades and 負担度, the stress-check judgement, and the plausibility warnings. `show --json`, `list --json`, the record screen and the forms read these
//! rather than computing them again.

use serde::Serialize;
use ts_rs::TS;

use super::checklists::{self, FamilyChecklistResult, WorkerChecklistResult};
use super::codes::WorkStatusCategory;
use super::hours_report::HoursReport;
use super::interview::Interview;
use super::plausibility::interview_warnings;
use super::stress_check::StressJudgement;
use super::validate::Violation;

/// The derived facts of one interview.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct InterviewFacts {
    /// The 勤務の状況 computed from what the employer gave (none without a 勤務状況情報書).
    pub hours: Option<HoursReport>,
    /// The 区分 of hours (3/4/5) the hours make, if any.
    pub hours_category: Option<WorkStatusCategory>,
    /// The 区分 the 勤務状況情報書 prints: the employer's other ticks and the class of hours.
    pub printed_categories: Vec<WorkStatusCategory>,
    /// Some 2–6 month average is over 80 h.
    pub any_average_over_80: bool,
    /// 労働者の疲労蓄積度自己診断チェックリスト: the grades and the 仕事による負担度.
    pub fatigue_checklist: Option<WorkerChecklistResult>,
    /// 家族による労働者の疲労蓄積度チェックリスト.
    pub family_checklist: Option<FamilyChecklistResult>,
    /// 高ストレスの判定 computed from the stress-check scores.
    pub stress: Option<StressJudgement>,
    /// Combinations worth a second look; they never stop 確定.
    pub warnings: Vec<Violation>,
}

impl Interview {
    pub fn facts(&self) -> InterviewFacts {
        let hours = self.work_status.as_ref().map(|ws| ws.hours_report(self.performed_on));
        let scores = checklists::scores(self);
        InterviewFacts {
            fatigue_checklist: scores.fatigue_checklist,
            family_checklist: scores.family_checklist,
            stress: scores.stress,
            any_average_over_80: hours.as_ref().is_some_and(|h| h.averages.iter().any(|a| a.over_80)),
            hours,
            hours_category: self.work_status.as_ref().and_then(|ws| ws.hours_category()),
            printed_categories: self.work_status.as_ref().map(|ws| ws.printed_categories()).unwrap_or_default(),
            warnings: interview_warnings(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::codes::WorkStatusCategory;
    use crate::domain::hours::HoursClass;
    use crate::domain::interview::tests::long_hours;
    use crate::domain::interview::WorkStatus;
    use crate::domain::Date;

    fn with_hours(total: Option<f64>, overtime: Option<f64>, from: (i32, u32, u32), to: (i32, u32, u32)) -> crate::domain::Interview {
        let mut i = long_hours();
        i.work_status = Some(WorkStatus {
            period_from: Date::ymd(from.0, from.1, from.2),
            period_to: Date::ymd(to.0, to.1, to.2),
            total_hours: total,
            overtime_hours: overtime,
            ..Default::default()
        });
        i
    }

    #[test]
    fn the_facts_carry_the_computed_hours_and_class() {
        // 240 h in February 2025 (28 days): 80.0 h, which is not over 80.
        let f = with_hours(Some(240.0), None, (2025, 2, 1), (2025, 2, 28)).facts();
        let h = f.hours.unwrap();
        assert_eq!((h.overtime_hours, h.class), (Some(80.0), Some(HoursClass::Over45)));
        assert_eq!(f.hours_category, Some(WorkStatusCategory::Over45));
        let cases = [(Some(84.3), WorkStatusCategory::Over80), (Some(100.1), WorkStatusCategory::Over100), (Some(45.1), WorkStatusCategory::Over45)];
        for (overtime, want) in cases {
            let f = with_hours(None, overtime, (2025, 5, 1), (2025, 5, 31)).facts();
            assert_eq!(f.printed_categories, [want], "{overtime:?}");
        }
        assert_eq!(with_hours(None, Some(45.0), (2025, 5, 1), (2025, 5, 31)).facts().printed_categories, []);
    }
}
