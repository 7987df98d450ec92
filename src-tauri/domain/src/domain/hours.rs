//! Working hours: 時間外・休日労働 from 総労働時間, the 45/80/100 h classes, and averages.
//!
//! The formula (seed 003): 1か月の時間外・休日労働時間 = 1か月の総労働時間 − (暦日数 ÷ 7) × 40.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dates::days_in_month;

/// Hours a month may hold before 時間外・休日労働 starts: (暦日数 ÷ 7) × 40.
pub fn statutory_hours(days_in_month: u32) -> f64 {
    f64::from(days_in_month) / 7.0 * 40.0
}

/// Why a number of hours cannot be right.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HoursError {
    #[error("{field}に負の値は入力できません。0以上の時間を入力してください。")]
    Negative { field: &'static str },
    #[error("{field}がその月の時間数（{max}時間）を超えています。月と時間を確かめてください。")]
    MoreThanTheMonth { field: &'static str, max: u32 },
    #[error("{field}が数値ではありません。")]
    NotANumber { field: &'static str },
    #[error("期間が正しくありません。1日から31日までの期間を入力してください。")]
    NoSuchMonth,
    #[error("時間外・休日労働時間が総労働時間を超えています。どちらかを直してください。")]
    OvertimeExceedsTotal,
    /// Overtime that, with the hours every period holds before overtime starts, needs more hours
    /// than the period has: 600 h in a 29-day February needs 765.7 h of a possible 696.
    #[error("時間外・休日労働時間がその期間に入り得る時間（{days}日で最大{max}時間）を超えています。月と時間を確かめてください。")]
    OvertimeBeyondThePeriod { days: u32, max: String },
}

fn check(field: &'static str, hours: f64, days: u32) -> Result<(), HoursError> {
    if !hours.is_finite() {
        return Err(HoursError::NotANumber { field });
    }
    if hours < 0.0 {
        return Err(HoursError::Negative { field });
    }
    if hours > f64::from(days * 24) {
        return Err(HoursError::MoreThanTheMonth { field, max: days * 24 });
    }
    Ok(())
}

/// Round to one decimal place, as the forms print hours.
pub fn round1(h: f64) -> f64 {
    (h * 10.0).round() / 10.0
}

/// Floating-point noise below which two hours are the same (a few milliseconds).
const NOISE: f64 = 1e-6;

/// 時間外・休日労働 as the forms print it and the law reads it: to one decimal, rounded *up*,
/// so that any time over a line prints over it (80 h 01 min is 80.1, never 80.0; the law says
/// 超える). Figures already in tenths, and the formula applied to totals in tenths, are unchanged:
/// 257.1 h in a 31-day month is 79.96 h, printed 80.0.
pub fn overtime_figure(hours: f64) -> f64 {
    (((hours - NOISE) * 10.0).ceil() / 10.0).max(0.0) + 0.0
}

/// 時間外・休日労働時間 for a period of `days` calendar days from its 総労働時間. Never below zero.
pub fn overtime_for_days(total: f64, days: u32) -> Result<f64, HoursError> {
    if days == 0 {
        return Err(HoursError::NoSuchMonth);
    }
    check("総労働時間", total, days)?;
    Ok(overtime_figure(total - statutory_hours(days)))
}

/// The most 時間外・休日労働 a period of `days` calendar days can hold: every hour of it, less
/// the hours before overtime starts, to one decimal.
pub fn max_overtime(days: u32) -> f64 {
    round1(f64::from(days * 24) - statutory_hours(days))
}

/// 総労働時間 for a period of `days` calendar days from its 時間外・休日労働時間.
pub fn total_for_days(overtime: f64, days: u32) -> Result<f64, HoursError> {
    if days == 0 {
        return Err(HoursError::NoSuchMonth);
    }
    check_period(None, Some(overtime), days)?;
    Ok(round1((overtime + statutory_hours(days)).min(f64::from(days * 24))))
}

/// 時間外・休日労働時間 for a calendar month from its 総労働時間.
pub fn overtime_from_total(total: f64, year: i32, month: u32) -> Result<f64, HoursError> {
    overtime_for_days(total, days_in_month(year, month))
}

/// 総労働時間 for a calendar month from its 時間外・休日労働時間.
pub fn total_from_overtime(overtime: f64, year: i32, month: u32) -> Result<f64, HoursError> {
    total_for_days(overtime, days_in_month(year, month))
}

/// Check the hours given for a period of `days` days: each valid, and the overtime no more
/// than the total leaves room for.
pub fn check_period(total: Option<f64>, overtime: Option<f64>, days: u32) -> Result<(), HoursError> {
    if days == 0 {
        return Err(HoursError::NoSuchMonth);
    }
    if let Some(t) = total {
        check("総労働時間", t, days)?;
    }
    if let Some(o) = overtime {
        check("時間外・休日労働時間", o, days)?;
        let room = max_overtime(days);
        if o > room + 0.05 {
            return Err(HoursError::OvertimeBeyondThePeriod { days, max: format!("{room:.1}") });
        }
    }
    if let (Some(t), Some(o)) = (total, overtime) {
        if o > t + 0.05 {
            return Err(HoursError::OvertimeExceedsTotal);
        }
    }
    Ok(())
}

/// The class of a month's 時間外・休日労働, as the law draws the lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HoursClass {
    /// 45 h or less.
    UpTo45,
    /// Over 45 h: the company's own measures (66条の9) may apply.
    Over45,
    /// Over 80 h: a worker with fatigue may request the mandatory interview (66条の8).
    Over80,
    /// Over 100 h: R&D workers and 高度プロフェッショナル are interviewed without a request.
    Over100,
}

impl HoursClass {
    /// The class of a month's 時間外・休日労働, strictly over each line (the law says 超える).
    ///
    /// The hours are taken as the forms print them ([`overtime_figure`]), so that the paper never
    /// shows 「80.0時間」 beside ■80時間超: 240 h in a 28-day month is 80.0 h, which is not over 80,
    /// and 80 h 01 min is 80.1 h, which is.
    pub fn of(overtime: f64) -> Self {
        let overtime = overtime_figure(overtime);
        if overtime > 100.0 {
            HoursClass::Over100
        } else if overtime > 80.0 {
            HoursClass::Over80
        } else if overtime > 45.0 {
            HoursClass::Over45
        } else {
            HoursClass::UpTo45
        }
    }

    /// The line this class is over (0 for 45 h or less).
    pub fn line(self) -> f64 {
        match self {
            HoursClass::UpTo45 => 0.0,
            HoursClass::Over45 => 45.0,
            HoursClass::Over80 => 80.0,
            HoursClass::Over100 => 100.0,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            HoursClass::UpTo45 => "月45時間以下",
            HoursClass::Over45 => "月45時間超",
            HoursClass::Over80 => "月80時間超",
            HoursClass::Over100 => "月100時間超",
        }
    }

    /// What the class means for the interview, in a sentence for the screen.
    pub fn advice(self) -> &'static str {
        match self {
            HoursClass::UpTo45 => "面接指導の義務の対象ではありません。",
            HoursClass::Over45 => "事業場の基準により面接指導等の措置（法66条の9）の対象となり得ます。",
            HoursClass::Over80 => "疲労の蓄積があり本人の申出があれば、面接指導（法66条の8）の対象です。",
            HoursClass::Over100 => "研究開発業務従事者・高度プロフェッショナルは申出がなくても面接指導の対象です。",
        }
    }
}

/// The average over the latest n months, for n = 2..=6, where that many months are known.
///
/// `months` holds 時間外・休日労働 newest first: `[this month, the month before, …]`.
pub fn averages(months: &[f64]) -> Vec<(usize, f64)> {
    (2..=6).filter(|n| *n <= months.len()).map(|n| (n, overtime_figure(months[..n].iter().sum::<f64>() / n as f64))).collect()
}

/// True when any 2–6 month average exceeds 80 h (the 過労死ライン).
pub fn any_average_over_80(months: &[f64]) -> bool {
    averages(months).iter().any(|(_, avg)| *avg > 80.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn statutory_hours_follow_the_calendar() {
        let cases = [(28, 160.0), (29, 165.7), (30, 171.4), (31, 177.1)];
        for (days, want) in cases {
            assert_eq!(round1(statutory_hours(days)), want, "{days}");
        }
    }

    #[test]
    fn overtime_from_total_case_table() {
        let cases = [
            // (total, year, month, overtime)
            (257.1, 2025, 1, 80.0), // 31 days: 177.1 allowed
            (177.1, 2025, 1, 0.0),
            (100.0, 2025, 1, 0.0),   // never negative
            (260.0, 2025, 2, 100.0), // 28 days: 160 allowed
            (265.7, 2024, 2, 100.0), // leap February: 165.7 allowed
            (216.4, 2025, 4, 45.0),  // 30 days: 171.4 allowed
        ];
        for (total, y, m, want) in cases {
            assert_eq!(overtime_from_total(total, y, m), Ok(want), "{total} {y}-{m}");
        }
    }

    #[test]
    fn total_from_overtime_is_the_inverse() {
        assert_eq!(total_from_overtime(80.0, 2025, 1), Ok(257.1));
        assert_eq!(total_from_overtime(0.0, 2025, 4), Ok(171.4));
    }

    #[test]
    fn impossible_hours_are_refused_with_a_reason() {
        assert_eq!(overtime_from_total(-1.0, 2025, 1), Err(HoursError::Negative { field: "総労働時間" }));
        assert_eq!(overtime_from_total(745.0, 2025, 1), Err(HoursError::MoreThanTheMonth { field: "総労働時間", max: 744 }));
        assert_eq!(overtime_from_total(f64::NAN, 2025, 1), Err(HoursError::NotANumber { field: "総労働時間" }));
        assert_eq!(total_from_overtime(-5.0, 2025, 1), Err(HoursError::Negative { field: "時間外・休日労働時間" }));
        // 600 h of overtime in February cannot fit: 160 + 600 > 672.
        assert!(matches!(total_from_overtime(600.0, 2025, 2), Err(HoursError::OvertimeBeyondThePeriod { days: 28, .. })));
        // Typed directly, overtime is bounded by the period too: 600 h in February 2024 would
        // need 765.7 h of a possible 696.
        let e = check_period(None, Some(600.0), 29).unwrap_err();
        assert_eq!(e, HoursError::OvertimeBeyondThePeriod { days: 29, max: "530.3".into() });
        assert!(e.to_string().contains("530.3時間"), "{e}");
        assert_eq!(overtime_from_total(100.0, 2025, 13), Err(HoursError::NoSuchMonth));
        assert_eq!(check_period(Some(100.0), Some(120.0), 31), Err(HoursError::OvertimeExceedsTotal));
        assert_eq!(check_period(Some(-1.0), None, 31), Err(HoursError::Negative { field: "総労働時間" }));
        assert_eq!(check_period(Some(250.0), Some(80.0), 31), Ok(()));
        assert_eq!(overtime_for_days(257.1, 31), Ok(80.0));
        let msg = HoursError::MoreThanTheMonth { field: "総労働時間", max: 744 }.to_string();
        assert!(msg.contains("744時間"), "{msg}");
    }

    #[test]
    fn classes_are_strictly_over_the_line() {
        let cases = [
            (0.0, HoursClass::UpTo45),
            (45.0, HoursClass::UpTo45),
            (45.1, HoursClass::Over45),
            (80.0, HoursClass::Over45),
            (80.5, HoursClass::Over80),
            (100.0, HoursClass::Over80),
            (100.1, HoursClass::Over100),
        ];
        for (h, want) in cases {
            assert_eq!(HoursClass::of(h), want, "{h}");
        }
    }

    /// Every month length, at each line and one tenth over it, typed as 総労働時間 and as
    /// 時間外・休日労働時間.
    #[test]
    fn classes_for_every_month_length() {
        // (days, statutory hours as printed, most overtime the period can hold)
        let months = [(28, 160.0, 512.0), (29, 165.7, 530.3), (30, 171.4, 548.6), (31, 177.1, 566.9)];
        for (days, statutory, room) in months {
            assert_eq!(round1(statutory_hours(days)), statutory, "{days}");
            assert_eq!(max_overtime(days), room, "{days}");
            for (line, at, over) in [
                (45.0, HoursClass::UpTo45, HoursClass::Over45),
                (80.0, HoursClass::Over45, HoursClass::Over80),
                (100.0, HoursClass::Over80, HoursClass::Over100),
            ] {
                // Typed as overtime.
                assert_eq!(HoursClass::of(line), at, "{days} days, {line} h");
                assert_eq!(HoursClass::of(line + 0.1), over, "{days} days, {line}.1 h");
                // Typed as the total that makes exactly the line, and a tenth more.
                let total = total_for_days(line, days).unwrap();
                let o = overtime_for_days(total, days).unwrap();
                assert_eq!(HoursClass::of(o), at, "{days} days, total {total} gives {o}");
                let o = overtime_for_days(total + 0.2, days).unwrap();
                assert_eq!(HoursClass::of(o), over, "{days} days, total {} gives {o}", total + 0.2);
            }
            // The month's every hour is the most; a tenth of an hour more is refused.
            assert_eq!(check_period(None, Some(room), days), Ok(()));
            assert!(matches!(check_period(None, Some(room + 0.2), days), Err(HoursError::OvertimeBeyondThePeriod { .. })));
            assert_eq!(check_period(Some(f64::from(days * 24)), None, days), Ok(()));
        }
        // The case: 240 h in a 28-day month is 80.0 h of overtime, which is not over 80.
        assert_eq!(overtime_for_days(240.0, 28), Ok(80.0));
        assert_eq!(HoursClass::of(80.0), HoursClass::Over45);
        // Any time over a line is over it, and prints over it: 80 h 01 min, 80.04 h, a total
        // of 240.02 h in February.
        for over in [80.0 + 1.0 / 60.0, 80.04, 80.000_1] {
            assert_eq!(overtime_figure(over), 80.1, "{over}");
            assert_eq!(HoursClass::of(over), HoursClass::Over80, "{over}");
        }
        assert_eq!(overtime_for_days(240.02, 28), Ok(80.1));
        assert_eq!(HoursClass::of(100.0 + 1.0 / 60.0), HoursClass::Over100);
        assert_eq!(HoursClass::of(45.01), HoursClass::Over45);
        // Floating-point noise is not time: 80 computed as 80.000000000001 is still 80.0.
        assert_eq!(overtime_figure(80.000_000_000_01), 80.0);
        assert_eq!(overtime_figure(-0.3), 0.0);
        assert!(overtime_figure(0.0).is_sign_positive());
    }

    #[test]
    fn averages_over_two_to_six_months() {
        assert_eq!(averages(&[90.0]), vec![]);
        assert_eq!(averages(&[90.0, 70.0]), vec![(2, 80.0)]);
        let months = [100.0, 80.0, 60.0, 70.0, 90.0, 80.0, 10.0];
        assert_eq!(averages(&months), vec![(2, 90.0), (3, 80.0), (4, 77.5), (5, 80.0), (6, 80.0)]);
        assert!(any_average_over_80(&months));
        assert!(!any_average_over_80(&[80.0, 80.0, 80.0]));
        // Only the 3-month average crosses the line.
        assert!(any_average_over_80(&[70.0, 85.0, 95.0]));
    }

    proptest! {
        #[test]
        fn round_trip_total_overtime(over in 0.0f64..400.0, month in 1u32..=12, year in 2000i32..2100) {
            let total = total_from_overtime(over, year, month).unwrap();
            let back = overtime_from_total(total, year, month).unwrap();
            prop_assert!((back - round1(over)).abs() <= 0.11, "{} -> {} -> {}", over, total, back);
        }

        #[test]
        fn overtime_is_never_negative_nor_more_than_total(total in 0.0f64..672.0, month in 1u32..=12) {
            let o = overtime_from_total(total, 2025, month).unwrap();
            prop_assert!(o >= 0.0);
            prop_assert!(o <= round1(total));
        }
    }
}
