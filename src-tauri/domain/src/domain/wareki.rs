//! 和暦: formatting dates in the Japanese era calendar, and parsing what people type.
//!
//! Forms are printed in the current era (令和); input accepts both 和暦 and 西暦:
//! `R7.4.1`, `令和7年4月1日`, `令和元年5月1日`, `H31.4.30`, `2025-04-01`, `2025/4/1`,
//! full-width digits, and spaces between the parts.

use chrono::{Datelike, NaiveDate, Weekday};
use unicode_normalization::UnicodeNormalization;

/// A Japanese era: its name, its one-letter abbreviation, and its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub letter: char,
    pub start: (i32, u32, u32),
}

/// The eras since the Gregorian calendar was adopted, newest first.
pub const ERAS: &[Era] = &[
    Era { name: "令和", letter: 'R', start: (2019, 5, 1) },
    Era { name: "平成", letter: 'H', start: (1989, 1, 8) },
    Era { name: "昭和", letter: 'S', start: (1926, 12, 25) },
    Era { name: "大正", letter: 'T', start: (1912, 7, 30) },
    Era { name: "明治", letter: 'M', start: (1868, 10, 23) },
];

impl Era {
    fn start_date(&self) -> NaiveDate {
        let (y, m, d) = self.start;
        NaiveDate::from_ymd_opt(y, m, d).expect("era start dates are valid")
    }

    /// The last day of this era, if it has ended.
    fn end_date(&self) -> Option<NaiveDate> {
        let idx = ERAS.iter().position(|e| e == self)?;
        if idx == 0 {
            None
        } else {
            ERAS[idx - 1].start_date().pred_opt()
        }
    }
}

/// The era a date falls in, and the year within it.
pub fn era_of(date: NaiveDate) -> Option<(Era, i32)> {
    ERAS.iter().find(|e| date >= e.start_date()).map(|e| (*e, date.year() - e.start.0 + 1))
}

fn year_text(year: i32) -> String {
    if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    }
}

/// `令和7年4月1日`; dates before 明治 fall back to 西暦.
pub fn format(date: NaiveDate) -> String {
    match era_of(date) {
        Some((era, y)) => format!("{}{}年{}月{}日", era.name, year_text(y), date.month(), date.day()),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// `令和7年4月1日（火）`, for the forms that print the day of the week.
pub fn format_with_weekday(date: NaiveDate) -> String {
    format!("{}（{}）", format(date), weekday_ja(date.weekday()))
}

/// `令和7年4月`: a month, as the 勤務状況情報書 prints the last interview.
pub fn format_year_month(year: i32, month: u32) -> String {
    match NaiveDate::from_ymd_opt(year, month, 1).and_then(era_of) {
        Some((era, y)) => format!("{}{}年{}月", era.name, year_text(y), month),
        None => format!("{year}年{month}月"),
    }
}

/// `令和7年度`: a fiscal year as forms and reports name it. A fiscal year that straddles a
/// change of era takes the new era's name (FY2019 is 令和元年度, as reports call it today).
pub fn format_fiscal_year(fy: i32) -> String {
    let named = NaiveDate::from_ymd_opt(fy + 1, 3, 31)
        .and_then(era_of)
        .map(|(era, _)| (era, fy - era.start.0 + 1))
        .filter(|(_, y)| *y >= 1)
        .or_else(|| NaiveDate::from_ymd_opt(fy, 4, 1).and_then(era_of));
    match named {
        Some((era, y)) => format!("{}{}年度", era.name, year_text(y)),
        None => format!("{fy}年度"),
    }
}

/// `R7.4.1`: the compact form shown next to 西暦 in the UI.
pub fn format_short(date: NaiveDate) -> String {
    match era_of(date) {
        Some((era, y)) => format!("{}{}.{}.{}", era.letter, y, date.month(), date.day()),
        None => date.format("%Y-%m-%d").to_string(),
    }
}

pub fn weekday_ja(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// Why a date could not be read. Messages are in Japanese and say how to fix the input;
/// they never repeat the input itself (it may sit next to health data in a log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日付の形式が読み取れません。「令和7年4月1日」「R7.4.1」「2025-04-01」「2025/4/1」のいずれかで入力してください。")]
    Format,
    #[error("存在しない日付です。月と日を確かめてください（2月30日や4月31日はありません）。")]
    NoSuchDay,
    #[error("{era}の期間外の日付です。{hint}")]
    OutsideEra { era: &'static str, hint: String },
}

/// Parse a date typed by a person or found in a JSON record.
pub fn parse(input: &str) -> Result<NaiveDate, DateError> {
    // NFKC folds full-width digits and letters (２０２５／４／１, Ｒ７) to ASCII.
    let s: String = input.nfkc().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(DateError::Format);
    }
    if let Some(r) = parse_era(&s) {
        return r;
    }
    parse_western(&s)
}

/// Split "7.4.1", "7/4/1", "7-4-1" or "7年4月1日" into numbers.
fn numbers(s: &str) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut trailing_ok = true;
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
            trailing_ok = false;
        } else if matches!(c, '.' | '/' | '-' | '年' | '月' | '日') {
            if cur.is_empty() {
                return None;
            }
            out.push(cur.parse().ok()?);
            cur.clear();
            trailing_ok = c == '日';
        } else {
            return None;
        }
    }
    if !cur.is_empty() {
        out.push(cur.parse().ok()?);
    } else if !trailing_ok {
        return None;
    }
    Some(out)
}

fn parse_era(s: &str) -> Option<Result<NaiveDate, DateError>> {
    let (era, rest) = ERAS.iter().find_map(|e| {
        if let Some(rest) = s.strip_prefix(e.name) {
            return Some((*e, rest));
        }
        let first = s.chars().next()?;
        if first.to_ascii_uppercase() == e.letter {
            return Some((*e, &s[first.len_utf8()..]));
        }
        // 令7.4.1, 平31.4.30: the first character of the era name.
        if first == e.name.chars().next()? && !s.starts_with(e.name) {
            return Some((*e, &s[first.len_utf8()..]));
        }
        None
    })?;
    let rest = rest.replacen('元', "1", 1);
    let nums = match numbers(&rest) {
        Some(n) if n.len() == 3 => n,
        _ => return Some(Err(DateError::Format)),
    };
    let (y, m, d) = (nums[0] as i32, nums[1], nums[2]);
    if y == 0 {
        return Some(Err(DateError::Format));
    }
    let western = era.start.0 + y - 1;
    let Some(date) = NaiveDate::from_ymd_opt(western, m, d) else {
        return Some(Err(DateError::NoSuchDay));
    };
    let outside = |hint: String| DateError::OutsideEra { era: era.name, hint };
    if date < era.start_date() {
        return Some(Err(outside(format!("{}は{}から始まります。", era.name, format(era.start_date())))));
    }
    if let Some(end) = era.end_date() {
        if date > end {
            return Some(Err(outside(format!("{}は{}までです。{}と入力してください。", era.name, format(end), format(date)))));
        }
    }
    Some(Ok(date))
}

fn parse_western(s: &str) -> Result<NaiveDate, DateError> {
    let nums = if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        // 20250401
        vec![s[0..4].parse().map_err(|_| DateError::Format)?, s[4..6].parse().map_err(|_| DateError::Format)?, s[6..8].parse().map_err(|_| DateError::Format)?]
    } else {
        numbers(s).ok_or(DateError::Format)?
    };
    if nums.len() != 3 || nums[0] < 1000 {
        return Err(DateError::Format);
    }
    NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2]).ok_or(DateError::NoSuchDay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn formats_in_the_era_of_the_date() {
        let cases = [
            (d(2025, 4, 1), "令和7年4月1日"),
            (d(2019, 5, 1), "令和元年5月1日"),
            (d(2019, 4, 30), "平成31年4月30日"),
            (d(1989, 1, 8), "平成元年1月8日"),
            (d(1989, 1, 7), "昭和64年1月7日"),
            (d(1926, 12, 25), "昭和元年12月25日"),
            (d(1926, 12, 24), "大正15年12月24日"),
            (d(1912, 7, 30), "大正元年7月30日"),
            (d(1912, 7, 29), "明治45年7月29日"),
        ];
        for (date, want) in cases {
            assert_eq!(format(date), want, "{date}");
        }
    }

    #[test]
    fn formats_weekday_month_fiscal_year_and_short() {
        assert_eq!(format_with_weekday(d(2025, 4, 1)), "令和7年4月1日（火）");
        assert_eq!(format_with_weekday(d(2026, 11, 22)), "令和8年11月22日（日）");
        assert_eq!(format_year_month(2025, 3), "令和7年3月");
        assert_eq!(format_year_month(2019, 4), "平成31年4月");
        assert_eq!(format_fiscal_year(2025), "令和7年度");
        assert_eq!(format_fiscal_year(2019), "令和元年度");
        assert_eq!(format_fiscal_year(2018), "平成30年度");
        assert_eq!(format_fiscal_year(1988), "昭和63年度");
        assert_eq!(format_short(d(2025, 4, 1)), "R7.4.1");
    }

    #[test]
    fn parses_every_accepted_form() {
        let cases = [
            ("R7.4.1", d(2025, 4, 1)),
            ("r7/4/1", d(2025, 4, 1)),
            ("R07.04.01", d(2025, 4, 1)),
            ("令和7年4月1日", d(2025, 4, 1)),
            ("令和 7 年 4 月 1 日", d(2025, 4, 1)),
            ("令和元年5月1日", d(2019, 5, 1)),
            ("令7.4.1", d(2025, 4, 1)),
            ("Ｒ７．４．１", d(2025, 4, 1)),
            ("H31.4.30", d(2019, 4, 30)),
            ("平成元年1月8日", d(1989, 1, 8)),
            ("S50.10.10", d(1975, 10, 10)),
            ("昭和50年10月10日", d(1975, 10, 10)),
            ("2025-04-01", d(2025, 4, 1)),
            ("2025/4/1", d(2025, 4, 1)),
            ("２０２５／４／１", d(2025, 4, 1)),
            ("2025年4月1日", d(2025, 4, 1)),
            ("2025.4.1", d(2025, 4, 1)),
            ("20250401", d(2025, 4, 1)),
            ("2024-02-29", d(2024, 2, 29)),
        ];
        for (input, want) in cases {
            assert_eq!(parse(input), Ok(want), "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_date_with_a_reason() {
        let cases = [
            ("", "形式"),
            ("昨日", "形式"),
            ("R7.4", "形式"),
            ("2025-02-30", "存在しない"),
            ("2023-02-29", "存在しない"),
            ("R7.13.1", "存在しない"),
            ("令和0年1月1日", "形式"),
            ("H31.5.1", "期間外"),
            ("令和1年4月30日", "期間外"),
            ("25/4/1", "形式"),
            ("2025-04-01x", "形式"),
        ];
        for (input, fragment) in cases {
            let err = parse(input).expect_err(input).to_string();
            assert!(err.contains(fragment), "{input}: {err}");
        }
    }

    #[test]
    fn era_end_message_says_the_right_date() {
        let msg = parse("H31.5.1").unwrap_err().to_string();
        assert!(msg.contains("平成31年4月30日まで"), "{msg}");
        assert!(msg.contains("令和元年5月1日と入力"), "{msg}");
    }

    proptest! {
        #[test]
        fn every_date_round_trips_through_its_wareki_forms(days in 0i64..60_000) {
            let date = d(1900, 1, 1) + chrono::Duration::days(days);
            prop_assert_eq!(parse(&format(date)), Ok(date));
            prop_assert_eq!(parse(&format_short(date)), Ok(date));
            prop_assert_eq!(parse(&date.to_string()), Ok(date));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = parse(&s);
        }
    }
}
