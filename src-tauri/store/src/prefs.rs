//! The user's preferences kept in the store's settings: the profile, the idle lock time and the
//! text size. (The 利用料 hourly rate is in `store::fees`, the fallback font in the `print` module.)
//!
//! Decisions:
//! - The app locks itself after `idle_lock_minutes` minutes with no key, mouse or wheel activity:
//!   default 10, from 1 to 120. A value out of range found in the settings (typed by hand) is not
//!   used; the default is.
//! - `CHISANPO_IDLE_SECONDS` (environment, read once when the app starts) overrides the idle time
//!   in seconds. It exists for the end-to-end tests, which cannot wait minutes; it is not shown
//!   in the settings screen.
//! - Numbers typed in the settings screen may be full-width (１０) or have a thousands separator
//!   and a unit (11,500円, 10分): IMEs type them so.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Staff;
use crate::error::{Error, Result};

use super::{Profile, Store};

/// The setting that holds the idle lock time, in minutes.
pub const IDLE_LOCK_SETTING: &str = "idle_lock_minutes";
pub const IDLE_LOCK_DEFAULT_MINUTES: u32 = 10;
pub const IDLE_LOCK_MINUTES: RangeInclusive<u32> = 1..=120;
/// The environment variable that overrides the idle lock time, in seconds (end-to-end tests).
pub const IDLE_OVERRIDE_ENV: &str = "CHISANPO_IDLE_SECONDS";
/// The setting that holds the text size.
pub const TEXT_SIZE_SETTING: &str = "text_size";

/// 文字の大きさ: the root font size of the screens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TextSize {
    /// 標準
    #[default]
    Standard,
    /// 大
    Large,
    /// 特大
    ExtraLarge,
}

impl TextSize {
    pub fn as_str(self) -> &'static str {
        match self {
            TextSize::Standard => "standard",
            TextSize::Large => "large",
            TextSize::ExtraLarge => "extra_large",
        }
    }

    pub fn parse(s: &str) -> Option<TextSize> {
        [TextSize::Standard, TextSize::Large, TextSize::ExtraLarge].into_iter().find(|t| t.as_str() == s)
    }
}

/// A whole number as typed: ASCII or full-width digits, with thousands separators and a trailing
/// unit (円, 分) allowed. None for anything else (empty, negative, a fraction, too large).
pub fn parse_whole_number(text: &str) -> Option<u32> {
    let mut digits = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.extend(char::from_digit(u32::from(c) - u32::from('０'), 10)),
            ',' | '，' if !digits.is_empty() => {}
            '円' | '分' if !digits.is_empty() && chars.peek().is_none() => {}
            _ => return None,
        }
    }
    digits.parse().ok()
}

/// Check the idle lock time as typed: a whole number of minutes from 1 to 120.
pub fn parse_idle_minutes(text: &str) -> Result<u32> {
    parse_whole_number(text).filter(|m| IDLE_LOCK_MINUTES.contains(m)).ok_or_else(|| {
        Error::invalid(
            IDLE_LOCK_SETTING,
            format!("自動ロックまでの時間は{}分から{}分までの整数で入力してください。", IDLE_LOCK_MINUTES.start(), IDLE_LOCK_MINUTES.end()),
        )
    })
}

/// The idle time override of `CHISANPO_IDLE_SECONDS`: a whole number of seconds from 1 to a day;
/// anything else is ignored.
pub fn idle_seconds_override(value: Option<&str>) -> Option<u32> {
    value.and_then(|v| v.trim().parse::<u32>().ok()).filter(|s| (1..=86_400).contains(s))
}

/// How long after the screen's own idle lock the app's back end locks the store by itself, when
/// the screen did not (a page frozen or broken, or not running its timer): the screen locks first
/// in the normal case, after saving its drafts.
pub const BACKEND_LOCK_GRACE_SECONDS: u32 = 30;

/// Whether the back end must lock the store: no activity reported by the screen for the idle
/// lock time and the grace after it.
pub fn backend_lock_due(idle_for: std::time::Duration, idle_lock_seconds: u32) -> bool {
    idle_for >= std::time::Duration::from_secs(u64::from(idle_lock_seconds) + u64::from(BACKEND_LOCK_GRACE_SECONDS))
}

impl Store {
    /// The idle lock time in minutes: the setting, or the default when unset or out of range.
    pub fn idle_lock_minutes(&self) -> Result<u32> {
        Ok(self.setting(IDLE_LOCK_SETTING)?.and_then(|v| parse_idle_minutes(&v).ok()).unwrap_or(IDLE_LOCK_DEFAULT_MINUTES))
    }

    /// Set the idle lock time (1–120 minutes).
    pub fn set_idle_lock_minutes(&self, minutes: u32) -> Result<()> {
        let minutes = parse_idle_minutes(&minutes.to_string())?;
        self.set_setting(IDLE_LOCK_SETTING, &minutes.to_string())
    }

    /// The text size of the screens (標準 when unset or unknown).
    pub fn text_size(&self) -> Result<TextSize> {
        Ok(self.setting(TEXT_SIZE_SETTING)?.and_then(|v| TextSize::parse(&v)).unwrap_or_default())
    }

    pub fn set_text_size(&self, size: TextSize) -> Result<()> {
        self.set_setting(TEXT_SIZE_SETTING, size.as_str())
    }

    /// Change the user's own profile (氏名, 役割, 所属, 印字する職名・氏名). Records already
    /// finalised keep the profile of their snapshot; the audit log names the user as they were
    /// when the store was unlocked, until the next unlock.
    pub fn update_profile(&self, staff: &Staff) -> Result<Profile> {
        let id = self.actor().id.clone();
        self.update_staff(&id, staff)?;
        self.profile()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_back_end_locks_only_after_the_screen_should_have_and_its_grace() {
        use std::time::Duration;
        assert!(!backend_lock_due(Duration::from_secs(600), 600));
        assert!(!backend_lock_due(Duration::from_secs(600 + u64::from(BACKEND_LOCK_GRACE_SECONDS) - 1), 600));
        assert!(backend_lock_due(Duration::from_secs(600 + u64::from(BACKEND_LOCK_GRACE_SECONDS)), 600));
        assert!(backend_lock_due(Duration::from_secs(31), 1));
    }

    use super::super::testing;
    use super::*;
    use crate::domain::StaffRole;

    #[test]
    fn idle_minutes_are_whole_numbers_from_1_to_120() {
        for (text, want) in [("1", Some(1)), ("10", Some(10)), ("120", Some(120)), ("１５", Some(15)), (" 30分 ", Some(30))] {
            assert_eq!(parse_idle_minutes(text).ok(), want, "{text}");
        }
        for text in ["0", "121", "", "-5", "1.5", "十", "abc", "99999999999", "分"] {
            let err = parse_idle_minutes(text).unwrap_err();
            assert!(err.to_string().contains("1分から120分"), "{text}: {err}");
        }
    }

    #[test]
    fn whole_numbers_as_typed() {
        assert_eq!(parse_whole_number("11,500円"), Some(11_500));
        assert_eq!(parse_whole_number("１１，５００"), Some(11_500));
        assert_eq!(parse_whole_number(",5"), None);
        assert_eq!(parse_whole_number("5円円"), None);
        assert_eq!(parse_whole_number("円"), None);
    }

    #[test]
    fn the_idle_override_is_seconds_or_nothing() {
        assert_eq!(idle_seconds_override(Some("3")), Some(3));
        assert_eq!(idle_seconds_override(Some(" 60 ")), Some(60));
        for v in [None, Some(""), Some("0"), Some("-1"), Some("x"), Some("86401")] {
            assert_eq!(idle_seconds_override(v), None, "{v:?}");
        }
    }

    #[test]
    fn preferences_are_stored_and_bad_values_refused() {
        let (_d, s) = testing::store();
        assert_eq!(s.idle_lock_minutes().unwrap(), IDLE_LOCK_DEFAULT_MINUTES);
        assert_eq!(s.text_size().unwrap(), TextSize::Standard);
        s.set_idle_lock_minutes(3).unwrap();
        assert_eq!(s.idle_lock_minutes().unwrap(), 3);
        assert!(matches!(s.set_idle_lock_minutes(0), Err(Error::Invalid(_))));
        assert!(matches!(s.set_idle_lock_minutes(500), Err(Error::Invalid(_))));
        assert_eq!(s.idle_lock_minutes().unwrap(), 3);
        // A value typed into the settings table by hand is not used.
        s.set_setting(IDLE_LOCK_SETTING, "9999").unwrap();
        assert_eq!(s.idle_lock_minutes().unwrap(), IDLE_LOCK_DEFAULT_MINUTES);

        s.set_text_size(TextSize::ExtraLarge).unwrap();
        assert_eq!(s.text_size().unwrap(), TextSize::ExtraLarge);
        s.set_setting(TEXT_SIZE_SETTING, "huge").unwrap();
        assert_eq!(s.text_size().unwrap(), TextSize::Standard);
        assert_eq!(serde_json::to_string(&TextSize::ExtraLarge).unwrap(), "\"extra_large\"");
    }

    #[test]
    fn the_profile_is_updated_and_checked() {
        let (_d, s) = testing::store();
        let mut staff = s.profile().unwrap().staff;
        staff.name = "産業 次郎".into();
        staff.affiliation = "みなと診療所".into();
        staff.seal_line = "医師 産業次郎".into();
        let p = s.update_profile(&staff).unwrap();
        assert_eq!(p.staff, staff);
        assert_eq!(s.profile().unwrap().staff.name, "産業 次郎");
        assert_eq!(s.profile().unwrap().staff_id, s.actor().id);

        let mut bad = staff.clone();
        bad.name = " ".into();
        assert!(matches!(s.update_profile(&bad), Err(Error::Invalid(_))));
        bad.name = "x".into();
        bad.role = None;
        assert!(matches!(s.update_profile(&bad), Err(Error::Invalid(_))));
        assert_eq!(s.profile().unwrap().staff, staff, "nothing is written when refused");
        assert_eq!(s.profile().unwrap().staff.role, Some(StaffRole::Doctor));
        assert!(s.verify_local().unwrap().ok);
    }
}
