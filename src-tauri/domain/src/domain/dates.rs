//! Date and time value types of the record format.
//!
//! In JSON a date is written `YYYY-MM-DD`, but any form [`wareki::parse`] accepts is read,
//! so a record typed by hand may say `R7.4.1`. A time of day is `HH:MM`.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use super::wareki;

/// A calendar date.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(export, type = "string")]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn ymd(y: i32, m: u32, d: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }
    pub fn naive(self) -> NaiveDate {
        self.0
    }
    /// `令和7年4月1日`
    pub fn wareki(self) -> String {
        wareki::format(self.0)
    }
    /// `令和7年4月1日（火）`
    pub fn wareki_weekday(self) -> String {
        wareki::format_with_weekday(self.0)
    }
    pub fn iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
    /// Whole years from `birth` to this date.
    pub fn age_of(self, birth: Date) -> Option<u32> {
        let (b, d) = (birth.0, self.0);
        if b > d {
            return None;
        }
        let mut age = d.year() - b.year();
        if (d.month(), d.day()) < (b.month(), b.day()) {
            age -= 1;
        }
        u32::try_from(age).ok()
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({})", self.iso())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl std::str::FromStr for Date {
    type Err = wareki::DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        wareki::parse(s).map(Date)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// A time of day, `HH:MM`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(export, type = "string")]
pub struct TimeOfDay(pub NaiveTime);

impl TimeOfDay {
    pub fn hm(h: u32, m: u32) -> Option<Self> {
        NaiveTime::from_hms_opt(h, m, 0).map(TimeOfDay)
    }
    pub fn hour(self) -> u32 {
        self.0.hour()
    }
    pub fn minute(self) -> u32 {
        self.0.minute()
    }
    /// Minutes from `self` to `later` on the same day.
    pub fn minutes_until(self, later: TimeOfDay) -> i64 {
        (later.0 - self.0).num_minutes()
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({self})")
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// The error for a time of day that cannot be read.
pub const TIME_ERROR: &str = "時刻は「9:30」「17:00」のように 0:00〜23:59 で入力してください。";

impl std::str::FromStr for TimeOfDay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        let s = s.replace('時', ":").replace('分', "");
        let (h, m) = s.split_once(':').ok_or(TIME_ERROR)?;
        let h: u32 = h.parse().map_err(|_| TIME_ERROR)?;
        let m: u32 = if m.is_empty() { 0 } else { m.parse().map_err(|_| TIME_ERROR)? };
        TimeOfDay::hm(h, m).ok_or_else(|| TIME_ERROR.to_string())
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// A month, `YYYY-MM` (the 勤務状況情報書's 直近の面接指導 年月).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(export, type = "string")]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

pub const YEAR_MONTH_ERROR: &str = "年月は「2025-03」または「R7.3」のように入力してください。";

impl YearMonth {
    pub fn wareki(self) -> String {
        wareki::format_year_month(self.year, self.month)
    }
    /// The number of calendar days in the month.
    pub fn days(self) -> u32 {
        days_in_month(self.year, self.month)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Reuse the date parser by naming the first day of the month.
        let s: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        let s = s.trim_end_matches('月');
        let sep = if s.contains('年') {
            "月1日"
        } else if s.contains('/') {
            "/1"
        } else if s.contains('.') {
            ".1"
        } else {
            "-01"
        };
        let s = format!("{s}{sep}");
        let date = wareki::parse(&s).map_err(|_| YEAR_MONTH_ERROR.to_string())?;
        Ok(YearMonth { year: date.year(), month: date.month() })
    }
}

impl Serialize for YearMonth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for YearMonth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

/// Calendar days in a month (28–31). Months out of range give 0.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return 0;
    };
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    next.map(|n| (n - first).num_days() as u32).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_wareki_and_write_iso() {
        let d: Date = serde_json::from_str("\"R7.4.1\"").unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2025-04-01\"");
        assert_eq!(d.wareki(), "令和7年4月1日");
        let err = serde_json::from_str::<Date>("\"2025-02-30\"").unwrap_err().to_string();
        assert!(err.contains("存在しない日付"), "{err}");
    }

    #[test]
    fn age_is_whole_years_at_the_record_date() {
        let birth = Date::ymd(1980, 4, 2).unwrap();
        let cases = [((2025, 4, 1), Some(44)), ((2025, 4, 2), Some(45)), ((1980, 4, 2), Some(0)), ((1979, 1, 1), None)];
        for ((y, m, d), want) in cases {
            assert_eq!(Date::ymd(y, m, d).unwrap().age_of(birth), want, "{y}-{m}-{d}");
        }
        // Born on 29 February: a year older on 1 March in common years.
        let leap = Date::ymd(2000, 2, 29).unwrap();
        assert_eq!(Date::ymd(2021, 2, 28).unwrap().age_of(leap), Some(20));
        assert_eq!(Date::ymd(2021, 3, 1).unwrap().age_of(leap), Some(21));
    }

    #[test]
    fn times_accept_what_people_type() {
        for (input, want) in [("9:30", "09:30"), ("09:30", "09:30"), ("１７：００", "17:00"), ("17時", "17:00"), ("8時15分", "08:15")] {
            assert_eq!(input.parse::<TimeOfDay>().unwrap().to_string(), want, "{input}");
        }
        for bad in ["24:00", "9", "9:60", "abc", ""] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
        let t = |s: &str| s.parse::<TimeOfDay>().unwrap();
        assert_eq!(t("9:30").minutes_until(t("11:00")), 90);
    }

    #[test]
    fn year_months_accept_both_calendars() {
        for (input, want) in [("2025-03", "2025-03"), ("R7.3", "2025-03"), ("令和7年3月", "2025-03"), ("2025/3", "2025-03")] {
            assert_eq!(input.parse::<YearMonth>().unwrap().to_string(), want, "{input}");
        }
        assert!("2025-13".parse::<YearMonth>().is_err());
    }

    #[test]
    fn days_in_month_knows_leap_years() {
        let cases = [((2025, 1), 31), ((2025, 2), 28), ((2024, 2), 29), ((2100, 2), 28), ((2000, 2), 29), ((2025, 4), 30), ((2025, 12), 31), ((2025, 13), 0)];
        for ((y, m), want) in cases {
            assert_eq!(days_in_month(y, m), want, "{y}-{m}");
        }
    }
}
