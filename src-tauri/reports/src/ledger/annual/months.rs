//! The year month by month, for the annual report screen's chart: the records of each month by
//! kind, and the consultation sessions held at the workplace against all of them. The sheet
//! itself has no monthly lines; these follow the same rules as its counts (finalised records,
//! the latest version's date and place, 延べ, sessions as in `compute`).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ServiceSession;
use crate::domain::fiscal::fiscal_year_range;
use crate::domain::{ConsultationKind, Date, Place};

/// One month of the fiscal year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MonthCounts {
    /// The calendar year and month: April of FY2025 is 2025, 4; March is 2026, 3.
    pub year: i32,
    pub month: u32,
    /// 特定健康相談 (records, 延べ).
    #[ts(type = "number")]
    pub consultations: u64,
    /// Of them, by kind: ① 意見聴取, ② 保健指導, ③ メンタル相談 (a visit that covered two kinds
    /// counts in both, as on the sheet).
    #[ts(type = "number")]
    pub opinion_hearing: u64,
    #[ts(type = "number")]
    pub health_guidance: u64,
    #[ts(type = "number")]
    pub mental_health: u64,
    /// 面接指導 (records, 延べ).
    #[ts(type = "number")]
    pub interviews: u64,
    /// 特定健康相談の開催回数, and how many of them were 事業場訪問.
    #[ts(type = "number")]
    pub consultation_sessions: u64,
    #[ts(type = "number")]
    pub workplace_visit_sessions: u64,
    /// 訪問指導・職場巡視 (finalised visits; not on the sheet, issue 16).
    #[serde(default)]
    #[ts(type = "number")]
    pub visits: u64,
}

/// Count each finalised visit of the year in its month (`months`: the year's twelve, in order).
pub(super) fn count_visits(months: &mut [MonthCounts], visits: &[&crate::domain::Visit]) {
    for v in visits {
        let Some(d) = v.visited_on.map(Date::naive) else { continue };
        if let Some(m) = months.iter_mut().find(|m| m.year == d.year() && m.month == d.month()) {
            m.visits += 1;
        }
    }
}

/// The twelve months of a fiscal year, April to March, counted as records and sessions come.
pub(super) struct MonthTally {
    start: NaiveDate,
    months: Vec<MonthCounts>,
}

impl MonthTally {
    pub(super) fn new(fiscal_year: i32) -> MonthTally {
        let (start, _) = fiscal_year_range(fiscal_year);
        let months = (0..12)
            .map(|i| {
                let d = start.checked_add_months(Months::new(i)).unwrap_or(start);
                MonthCounts { year: d.year(), month: d.month(), ..Default::default() }
            })
            .collect();
        MonthTally { start, months }
    }

    /// The month a date falls in; None outside the year.
    fn at(&mut self, date: Date) -> Option<&mut MonthCounts> {
        let d = date.naive();
        let i = (d.year() - self.start.year()) * 12 + d.month() as i32 - self.start.month() as i32;
        usize::try_from(i).ok().and_then(|i| self.months.get_mut(i))
    }

    pub(super) fn consultation(&mut self, date: Date, kinds: &[ConsultationKind]) {
        if let Some(m) = self.at(date) {
            m.consultations += 1;
            m.opinion_hearing += u64::from(kinds.contains(&ConsultationKind::OpinionHearing));
            m.health_guidance += u64::from(kinds.contains(&ConsultationKind::HealthGuidance));
            m.mental_health += u64::from(kinds.contains(&ConsultationKind::MentalHealth));
        }
    }

    pub(super) fn interview(&mut self, date: Date) {
        if let Some(m) = self.at(date) {
            m.interviews += 1;
        }
    }

    /// The consultation sessions as `compute` grouped them.
    pub(super) fn consultation_sessions(&mut self, sessions: &[ServiceSession]) {
        for s in sessions {
            if let Some(m) = self.at(s.date) {
                m.consultation_sessions += 1;
                m.workplace_visit_sessions += u64::from(s.place == Place::WorkplaceVisit);
            }
        }
    }

    pub(super) fn finish(self) -> Vec<MonthCounts> {
        self.months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(y: i32, m: u32, d: u32, place: Place) -> ServiceSession {
        ServiceSession { date: Date::ymd(y, m, d).unwrap(), place, place_name: String::new(), doctor_id: None, record_ids: vec!["r".into()] }
    }

    #[test]
    fn twelve_months_from_april_to_march() {
        let months = MonthTally::new(2025).finish();
        let got: Vec<(i32, u32)> = months.iter().map(|m| (m.year, m.month)).collect();
        let mut want: Vec<(i32, u32)> = (4..=12).map(|m| (2025, m)).collect();
        want.extend((1..=3).map(|m| (2026, m)));
        assert_eq!(got, want);
    }

    #[test]
    fn records_and_sessions_fall_in_their_month() {
        let mut t = MonthTally::new(2025);
        let d = |y, m, day| Date::ymd(y, m, day).unwrap();
        t.consultation(d(2025, 4, 1), &[ConsultationKind::OpinionHearing, ConsultationKind::HealthGuidance]);
        t.consultation(d(2025, 4, 30), &[ConsultationKind::MentalHealth]);
        t.consultation(d(2026, 3, 31), &[ConsultationKind::HealthGuidance]);
        t.interview(d(2025, 12, 24));
        // Outside the year: the day before and the day after.
        t.consultation(d(2025, 3, 31), &[ConsultationKind::HealthGuidance]);
        t.interview(d(2026, 4, 1));
        t.consultation_sessions(&[
            session(2025, 4, 1, Place::WorkplaceVisit),
            session(2025, 4, 30, Place::MedicalInstitution),
            session(2026, 3, 31, Place::WorkplaceVisit),
            session(2024, 4, 1, Place::WorkplaceVisit),
        ]);
        let m = t.finish();
        let april = &m[0];
        assert_eq!((april.consultations, april.opinion_hearing, april.health_guidance, april.mental_health), (2, 1, 1, 1));
        assert_eq!((april.consultation_sessions, april.workplace_visit_sessions), (2, 1));
        assert_eq!((m[8].year, m[8].month, m[8].interviews), (2025, 12, 1));
        let march = &m[11];
        assert_eq!((march.consultations, march.health_guidance, march.workplace_visit_sessions), (1, 1, 1));
        assert_eq!(m.iter().map(|m| m.consultations).sum::<u64>(), 3);
        assert_eq!(m.iter().map(|m| m.interviews).sum::<u64>(), 1);
        assert_eq!(m.iter().map(|m| m.consultation_sessions).sum::<u64>(), 3);
    }
}
