//! I 基本的事項 of 別添3: 2 労働局名 and 3 圏域の数, the two settings the report prints beside the
//! centre's name. Checked here, so that the app's 設定 screen and `chisanpo settings` refuse the
//! same values with the same message.
//!
//! Decisions:
//! - 労働局名 is one of the 47 都道府県労働局, written as the bureaus write themselves:
//!   「東京労働局」, 「北海道労働局」, 「京都労働局」 (no 都/府/県). A name typed as the prefecture
//!   (「東京都」, 「東京」) or with the prefecture's suffix (「東京都労働局」) is normalised to
//!   that form; anything else is refused, so that a typo never reaches the 労働局.
//! - 圏域の数 is a whole number from 1 to 99 (a prefecture has a handful of zones; 99 leaves room
//!   and keeps a typo like 1000 out). Full-width digits are accepted, as an IME types them.
//! - Neither can be set empty: once set, a value is replaced, not removed. Until set, the report
//!   prints the cell blank and lists it in [`AnnualReport::unset_fields`](super::AnnualReport).

use std::ops::RangeInclusive;

use crate::error::{Error, Result};
use crate::store::prefs::parse_whole_number;
use crate::store::Store;

use super::{SETTING_LABOUR_BUREAU, SETTING_ZONE_COUNT};

/// The range of 圏域の数.
pub const ZONE_COUNT: RangeInclusive<u32> = 1..=99;
/// The longest 労働局名 accepted as typed (「和歌山県労働局」 is 7 characters).
pub const LABOUR_BUREAU_MAX_CHARS: usize = 20;

/// The 47 都道府県労働局, by the prefecture part of their names.
const BUREAUS: [&str; 47] = [
    "北海道",
    "青森",
    "岩手",
    "宮城",
    "秋田",
    "山形",
    "福島",
    "茨城",
    "栃木",
    "群馬",
    "埼玉",
    "千葉",
    "東京",
    "神奈川",
    "新潟",
    "富山",
    "石川",
    "福井",
    "山梨",
    "長野",
    "岐阜",
    "静岡",
    "愛知",
    "三重",
    "滋賀",
    "京都",
    "大阪",
    "兵庫",
    "奈良",
    "和歌山",
    "鳥取",
    "島根",
    "岡山",
    "広島",
    "山口",
    "徳島",
    "香川",
    "愛媛",
    "高知",
    "福岡",
    "佐賀",
    "長崎",
    "熊本",
    "大分",
    "宮崎",
    "鹿児島",
    "沖縄",
];

/// The suffix of a prefecture's own name: 東京都, 京都府, 大阪府, 北海道, 〇〇県.
fn prefecture_suffix(p: &str) -> &'static str {
    match p {
        "東京" => "都",
        "京都" | "大阪" => "府",
        "北海道" => "",
        _ => "県",
    }
}

/// Check a 労働局名 as typed and return it as printed: 「東京労働局」.
pub fn parse_labour_bureau(text: &str) -> Result<String> {
    let field = SETTING_LABOUR_BUREAU;
    let typed: String = text.split_whitespace().collect();
    if typed.is_empty() {
        return Err(Error::invalid(field, "労働局名を入力してください（例: 東京労働局）。"));
    }
    if typed.chars().count() > LABOUR_BUREAU_MAX_CHARS {
        return Err(Error::invalid(field, format!("労働局名は{LABOUR_BUREAU_MAX_CHARS}文字以内で入力してください（例: 東京労働局）。")));
    }
    let stem = typed.strip_suffix("労働局").unwrap_or(&typed);
    let prefecture = BUREAUS.iter().find(|p| stem == **p || stem.strip_suffix(prefecture_suffix(p)) == Some(p));
    match prefecture {
        Some(p) => Ok(format!("{p}労働局")),
        None => Err(Error::invalid(
            field,
            format!("労働局名「{typed}」は都道府県労働局の名前ではありません。「東京労働局」「大阪労働局」のように、都道府県名に「労働局」を付けて入力してください。"),
        )),
    }
}

/// Check 圏域の数 as typed: a whole number from 1 to 99.
pub fn parse_zone_count(text: &str) -> Result<u32> {
    parse_whole_number(text)
        .filter(|n| ZONE_COUNT.contains(n))
        .ok_or_else(|| Error::invalid(SETTING_ZONE_COUNT, format!("圏域の数は{}から{}までの整数で入力してください。", ZONE_COUNT.start(), ZONE_COUNT.end())))
}

/// The 実績報告書's identity (労働局, 地域窓口の数) kept in the store's settings.
pub trait AnnualIdentity {
    /// 労働局名, when set.
    fn labour_bureau(&self) -> Result<Option<String>>;

    /// 圏域の数, when set (a value out of range typed into the table by hand is not used).
    fn zone_count(&self) -> Result<Option<u32>>;

    /// Set 労働局名 (checked; returned as stored, e.g. 「東京労働局」 for 「東京都」).
    fn set_labour_bureau(&self, text: &str) -> Result<String>;

    /// Set 圏域の数 (checked: 1–99).
    fn set_zone_count(&self, text: &str) -> Result<u32>;

    /// Change either or both (`None` leaves one as it is): both are checked before either is
    /// written, and when both are wrong both are named. `chisanpo settings` calls this.
    fn update_annual_identity(&self, labour_bureau: Option<&str>, zone_count: Option<&str>) -> Result<()>;

    /// The settings `set_annual_identity` would write (checked), without writing them.
    #[doc(hidden)]
    fn annual_identity_settings(&self, labour_bureau: &str, zone_count: &str) -> Result<Vec<(&'static str, String)>>;

    /// Set both from a settings screen, where each is typed as text and shown as stored: a field
    /// left as it was (or left empty when nothing was stored) is not written again; a changed
    /// one is checked, so that a stored value cannot be emptied.
    fn set_annual_identity(&self, labour_bureau: &str, zone_count: &str) -> Result<()>;
}

impl AnnualIdentity for Store {
    fn labour_bureau(&self) -> Result<Option<String>> {
        Ok(self.setting(SETTING_LABOUR_BUREAU)?.filter(|v| !v.trim().is_empty()))
    }

    fn zone_count(&self) -> Result<Option<u32>> {
        Ok(self.setting(SETTING_ZONE_COUNT)?.and_then(|v| parse_zone_count(&v).ok()))
    }

    fn set_labour_bureau(&self, text: &str) -> Result<String> {
        let name = parse_labour_bureau(text)?;
        self.set_setting(SETTING_LABOUR_BUREAU, &name)?;
        Ok(name)
    }

    fn set_zone_count(&self, text: &str) -> Result<u32> {
        let n = parse_zone_count(text)?;
        self.set_setting(SETTING_ZONE_COUNT, &n.to_string())?;
        Ok(n)
    }

    fn update_annual_identity(&self, labour_bureau: Option<&str>, zone_count: Option<&str>) -> Result<()> {
        let settings = identity_settings(labour_bureau, zone_count)?;
        self.write(|tx| settings.iter().try_for_each(|(k, v)| self.put_setting_in(tx, k, v)))
    }

    fn annual_identity_settings(&self, labour_bureau: &str, zone_count: &str) -> Result<Vec<(&'static str, String)>> {
        let bureau_now = self.labour_bureau()?.unwrap_or_default();
        let zones_now = self.zone_count()?.map(|n| n.to_string()).unwrap_or_default();
        let changed = |typed: &'_ str, now: &str| typed.trim() != now;
        identity_settings(changed(labour_bureau, &bureau_now).then_some(labour_bureau), changed(zone_count, &zones_now).then_some(zone_count))
    }

    fn set_annual_identity(&self, labour_bureau: &str, zone_count: &str) -> Result<()> {
        let settings = self.annual_identity_settings(labour_bureau, zone_count)?;
        self.write(|tx| settings.iter().try_for_each(|(k, v)| self.put_setting_in(tx, k, v)))
    }
}

/// The 労働局名 and 圏域の数 given, checked (both named when both are wrong), as settings.
fn identity_settings(labour_bureau: Option<&str>, zone_count: Option<&str>) -> Result<Vec<(&'static str, String)>> {
    let bureau = labour_bureau.map(parse_labour_bureau).transpose();
    let zones = zone_count.map(parse_zone_count).transpose();
    let (bureau, zones) = match (bureau, zones) {
        (Ok(b), Ok(z)) => (b, z),
        (Err(Error::Invalid(mut a)), Err(Error::Invalid(b))) => {
            a.extend(b);
            return Err(Error::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let mut out = Vec::new();
    if let Some(b) = bureau {
        out.push((SETTING_LABOUR_BUREAU, b));
    }
    if let Some(z) = zones {
        out.push((SETTING_ZONE_COUNT, z.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn labour_bureaus_are_the_47_and_typed_forms_are_normalised() {
        for (typed, want) in [
            ("東京労働局", "東京労働局"),
            ("東京都", "東京労働局"),
            ("東京都労働局", "東京労働局"),
            ("東京", "東京労働局"),
            (" 静岡 労働局 ", "静岡労働局"),
            ("北海道", "北海道労働局"),
            ("北海道労働局", "北海道労働局"),
            ("京都府", "京都労働局"),
            ("大阪府労働局", "大阪労働局"),
            ("和歌山県労働局", "和歌山労働局"),
            ("鹿児島", "鹿児島労働局"),
            ("沖縄県", "沖縄労働局"),
        ] {
            assert_eq!(parse_labour_bureau(typed).unwrap(), want, "{typed}");
        }
        assert_eq!(BUREAUS.len(), 47);
        for p in BUREAUS {
            assert_eq!(parse_labour_bureau(&format!("{p}労働局")).unwrap(), format!("{p}労働局"));
        }
    }

    #[test]
    fn a_wrong_labour_bureau_is_refused_with_its_field_and_an_example() {
        for (typed, says) in [
            ("", "入力してください"),
            ("　", "入力してください"),
            ("東京県労働局", "都道府県労働局の名前ではありません"),
            ("大阪県", "都道府県労働局の名前ではありません"),
            ("静岡都", "都道府県労働局の名前ではありません"),
            ("関東労働局", "都道府県労働局の名前ではありません"),
            ("労働局", "都道府県労働局の名前ではありません"),
            ("東京労働基準監督署", "都道府県労働局の名前ではありません"),
            ("あ".repeat(21).as_str(), "20文字以内"),
        ] {
            let err = parse_labour_bureau(typed).unwrap_err();
            let Error::Invalid(v) = &err else { panic!("{typed}: {err}") };
            assert_eq!(v[0].field, SETTING_LABOUR_BUREAU, "{typed}");
            let text = err.to_string();
            assert!(text.contains(says) && text.contains("労働局"), "{typed}: {text}");
        }
    }

    #[test]
    fn zone_counts_are_whole_numbers_from_1_to_99() {
        for (typed, want) in [("1", 1), ("7", 7), ("99", 99), ("１２", 12), (" 3 ", 3)] {
            assert_eq!(parse_zone_count(typed).unwrap(), want, "{typed}");
        }
        for typed in ["0", "100", "", "-1", "2.5", "三", "abc", "7圏域", "99999999999"] {
            let err = parse_zone_count(typed).unwrap_err();
            let Error::Invalid(v) = &err else { panic!("{typed}: {err}") };
            assert_eq!(v[0].field, SETTING_ZONE_COUNT);
            assert!(err.to_string().contains("圏域の数は1から99までの整数"), "{typed}: {err}");
        }
    }

    #[test]
    fn the_store_keeps_them_and_refuses_bad_values_without_writing() {
        let (_d, s) = testing::store();
        assert_eq!((s.labour_bureau().unwrap(), s.zone_count().unwrap()), (None, None));
        assert_eq!(s.set_labour_bureau("静岡県").unwrap(), "静岡労働局");
        assert_eq!(s.set_zone_count("４").unwrap(), 4);
        assert_eq!((s.labour_bureau().unwrap().as_deref(), s.zone_count().unwrap()), (Some("静岡労働局"), Some(4)));
        assert!(s.set_labour_bureau("").is_err());
        assert!(s.set_zone_count("0").is_err());
        assert_eq!((s.labour_bureau().unwrap().as_deref(), s.zone_count().unwrap()), (Some("静岡労働局"), Some(4)));

        // From the CLI: either alone, or both; one bad and nothing is written.
        s.update_annual_identity(None, Some("6")).unwrap();
        assert_eq!((s.labour_bureau().unwrap().as_deref(), s.zone_count().unwrap()), (Some("静岡労働局"), Some(6)));
        assert!(s.update_annual_identity(Some("大阪"), Some("0")).is_err());
        assert_eq!((s.labour_bureau().unwrap().as_deref(), s.zone_count().unwrap()), (Some("静岡労働局"), Some(6)));
        s.update_annual_identity(None, Some("4")).unwrap();
        // From a screen: one bad field and nothing is written; both bad, both named.
        assert!(s.set_annual_identity("大阪", "100").is_err());
        assert_eq!((s.labour_bureau().unwrap().as_deref(), s.zone_count().unwrap()), (Some("静岡労働局"), Some(4)));
        let Err(Error::Invalid(v)) = s.set_annual_identity("関東", "0") else { panic!("both refused") };
        let fields: Vec<&str> = v.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, [SETTING_LABOUR_BUREAU, SETTING_ZONE_COUNT]);
        // Unchanged fields are not checked again; changed ones are.
        s.set_annual_identity("静岡労働局", "5").unwrap();
        assert_eq!(s.zone_count().unwrap(), Some(5));
        s.set_annual_identity("大阪府", "5").unwrap();
        assert_eq!(s.labour_bureau().unwrap().as_deref(), Some("大阪労働局"));
        // Emptying a stored value is refused: it is replaced, not removed.
        assert!(s.set_annual_identity("", "5").is_err());
        // A hand-typed value out of range is not used.
        s.set_setting(SETTING_ZONE_COUNT, "500").unwrap();
        assert_eq!(s.zone_count().unwrap(), None);
        assert!(s.verify_local().unwrap().ok);
    }

    #[test]
    fn a_new_store_accepts_empty_fields_from_the_screen() {
        let (_d, s) = testing::store();
        s.set_annual_identity("", "").unwrap();
        assert_eq!((s.labour_bureau().unwrap(), s.zone_count().unwrap()), (None, None));
    }
}
