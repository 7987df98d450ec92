//! The 勤務状況 panel of the interview screen, as one pure function: the user enters either the
//! 総労働時間 or the 時間外・休日労働時間 of the month; the other is computed from the calendar days
//! of the period, with the 45/80/100 h class and the 2–6 month averages.

use chrono::{Datelike, Months};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dates::{days_in_month, Date};
use super::hours::{averages, check_period, overtime_figure, overtime_for_days, total_for_days, HoursClass};

/// What the screen knows so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct HoursQuery {
    /// 前1ヶ月間の期間, when the employer gave it.
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// The interview (or today): without a period, the month before it is the period.
    pub reference: Option<Date>,
    pub total_hours: Option<f64>,
    pub overtime_hours: Option<f64>,
    /// 時間外・休日労働 of the months before, newest first.
    pub previous_overtime: Vec<f64>,
}

/// Which of the two numbers the app computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Computed {
    Total,
    Overtime,
}

/// One 2–6 month average.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct MonthAverage {
    pub months: u32,
    pub average: f64,
    /// Over 80 h: the 過労死ライン.
    pub over_80: bool,
}

/// The panel's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HoursReport {
    /// Calendar days of the period.
    pub days: u32,
    /// The period in words, e.g. 「令和7年3月（31日）」.
    pub basis: String,
    pub total_hours: Option<f64>,
    pub overtime_hours: Option<f64>,
    pub computed: Option<Computed>,
    pub class: Option<HoursClass>,
    pub class_label: String,
    pub advice: String,
    pub averages: Vec<MonthAverage>,
    /// What is wrong with the numbers, in Japanese, or None.
    pub error: Option<String>,
}

/// The period's days and its description.
fn period(q: &HoursQuery) -> Result<(u32, String), String> {
    match (q.period_from, q.period_to) {
        (Some(from), Some(to)) => {
            let days = (to.naive() - from.naive()).num_days() + 1;
            if !(1..=31).contains(&days) {
                return Err("前1ヶ月間の期間が正しくありません。1日から31日までの期間を入力してください。".into());
            }
            Ok((days as u32, format!("{}～{}（{days}日）", from.wareki(), to.wareki())))
        }
        (Some(_), None) | (None, Some(_)) => Err("前1ヶ月間の期間は始まりと終わりの両方を入力してください。".into()),
        (None, None) => {
            let reference = q.reference.map(Date::naive).unwrap_or_else(|| chrono::Local::now().date_naive());
            let month = reference.with_day(1).and_then(|d| d.checked_sub_months(Months::new(1))).unwrap_or(reference);
            let days = days_in_month(month.year(), month.month());
            Ok((days, format!("{}（{days}日）", super::wareki::format_year_month(month.year(), month.month()))))
        }
    }
}

/// Compute the panel. Never fails: problems are reported in `error`.
pub fn report(q: &HoursQuery) -> HoursReport {
    let mut r = HoursReport {
        days: 0,
        basis: String::new(),
        total_hours: q.total_hours,
        overtime_hours: q.overtime_hours,
        computed: None,
        class: None,
        class_label: String::new(),
        advice: String::new(),
        averages: Vec::new(),
        error: None,
    };
    let (days, basis) = match period(q) {
        Ok(p) => p,
        Err(e) => {
            r.error = Some(e);
            return r;
        }
    };
    r.days = days;
    r.basis = basis;
    let computed = match (q.total_hours, q.overtime_hours) {
        (Some(t), None) => overtime_for_days(t, days).map(|o| {
            r.overtime_hours = Some(o);
            Some(Computed::Overtime)
        }),
        (None, Some(o)) => total_for_days(o, days).map(|t| {
            r.total_hours = Some(t);
            Some(Computed::Total)
        }),
        (t, o) => check_period(t, o, days).map(|()| {
            r.overtime_hours = o.map(overtime_figure);
            None
        }),
    };
    match computed {
        Ok(c) => r.computed = c,
        Err(e) => {
            r.error = Some(e.to_string());
            return r;
        }
    }
    if let Some(o) = r.overtime_hours {
        let class = HoursClass::of(o);
        r.class = Some(class);
        r.class_label = class.label().to_string();
        r.advice = class.advice().to_string();
        let mut months = vec![o];
        months.extend(q.previous_overtime.iter().copied().filter(|h| h.is_finite() && *h >= 0.0));
        r.averages = averages(&months).into_iter().map(|(n, average)| MonthAverage { months: n as u32, average, over_80: average > 80.0 }).collect();
        if r.averages.iter().any(|a| a.over_80) && class < HoursClass::Over80 {
            r.advice.push_str("ただし2～6か月の平均が80時間を超えています。");
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> HoursQuery {
        HoursQuery { reference: Date::ymd(2025, 2, 10), ..Default::default() }
    }

    #[test]
    fn total_gives_overtime_for_the_month_before_the_interview() {
        // January 2025: 31 days, 177.1 h allowed.
        let r = report(&HoursQuery { total_hours: Some(257.1), ..q() });
        assert_eq!(r.days, 31);
        assert_eq!(r.basis, "令和7年1月（31日）");
        assert_eq!(r.overtime_hours, Some(80.0));
        assert_eq!(r.computed, Some(Computed::Overtime));
        assert_eq!(r.class, Some(HoursClass::Over45));
        assert_eq!(r.error, None);
    }

    #[test]
    fn overtime_gives_total_over_the_given_period() {
        let r = report(&HoursQuery { period_from: Date::ymd(2025, 2, 1), period_to: Date::ymd(2025, 2, 28), overtime_hours: Some(100.5), ..q() });
        assert_eq!(r.days, 28);
        assert_eq!(r.total_hours, Some(260.5));
        assert_eq!(r.computed, Some(Computed::Total));
        assert_eq!(r.class, Some(HoursClass::Over100));
        assert_eq!(r.class_label, "月100時間超");
    }

    #[test]
    fn averages_come_when_past_months_are_known() {
        let r = report(&HoursQuery { overtime_hours: Some(70.0), previous_overtime: vec![90.0, 85.0], ..q() });
        assert_eq!(r.averages, vec![MonthAverage { months: 2, average: 80.0, over_80: false }, MonthAverage { months: 3, average: 81.7, over_80: true }]);
        assert!(r.advice.contains("平均が80時間を超えて"), "{}", r.advice);
    }

    #[test]
    fn problems_are_reported_not_thrown() {
        assert!(report(&HoursQuery { total_hours: Some(-3.0), ..q() }).error.unwrap().contains("負の値"));
        assert!(report(&HoursQuery { total_hours: Some(100.0), overtime_hours: Some(120.0), ..q() }).error.unwrap().contains("超えています"));
        assert!(report(&HoursQuery { period_from: Date::ymd(2025, 2, 1), ..q() }).error.unwrap().contains("両方"));
        assert!(report(&HoursQuery { period_from: Date::ymd(2025, 1, 1), period_to: Date::ymd(2025, 3, 1), ..q() }).error.unwrap().contains("1日から31日"));
        // Nothing entered: no class, no error.
        let r = report(&q());
        assert_eq!((r.class, r.error), (None, None));
    }
}
