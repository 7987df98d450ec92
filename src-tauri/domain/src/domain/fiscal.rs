//! 年度: the fiscal year runs from 1 April to 31 March and is named by the year it starts in.

use chrono::{Datelike, NaiveDate};

/// The fiscal year a date falls in: 2026-03-31 is in FY2025, 2026-04-01 in FY2026.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The first and last day of a fiscal year.
pub fn fiscal_year_range(fy: i32) -> (NaiveDate, NaiveDate) {
    (NaiveDate::from_ymd_opt(fy, 4, 1).expect("1 April exists"), NaiveDate::from_ymd_opt(fy + 1, 3, 31).expect("31 March exists"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fiscal_year_case_table() {
        let cases =
            [(d(2025, 4, 1), 2025), (d(2025, 12, 31), 2025), (d(2026, 1, 1), 2025), (d(2026, 3, 31), 2025), (d(2026, 4, 1), 2026), (d(2024, 2, 29), 2023)];
        for (date, want) in cases {
            assert_eq!(fiscal_year(date), want, "{date}");
        }
        assert_eq!(fiscal_year_range(2025), (d(2025, 4, 1), d(2026, 3, 31)));
    }

    proptest! {
        #[test]
        fn every_date_is_inside_its_fiscal_years_range(days in 0i64..50_000) {
            let date = d(1990, 1, 1) + chrono::Duration::days(days);
            let (from, to) = fiscal_year_range(fiscal_year(date));
            prop_assert!(from <= date && date <= to);
        }
    }
}
