//! The 設定 screen's settings, read together and saved together: every value is checked first
//! (the problems of all typed fields named at once), then all of them are written in one
//! transaction, so that a bad font file after a good hourly rate leaves nothing half saved.
//! The rules of each value stay with their owner (`store::prefs`, `store::fees`,
//! `ledger::annual::identity`, the fonts of `forms`); this module only gathers them.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::Staff;
use crate::error::{Error, Result};
use crate::forms::fonts::FontSet;
use crate::paths;
use crate::store::fees::{check_fee_hourly_rate, FEE_HOURLY_RATE_SETTING};
use crate::store::prefs::{self, TextSize, IDLE_LOCK_SETTING, TEXT_SIZE_SETTING};
use crate::store::{check_pdf_folder, Store};
use chisanpo_reports::prelude::AnnualIdentity;

/// The settings of the 設定 screen, as shown and as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppSettings {
    pub centre_name: String,
    /// A TrueType font file for characters IPAex lacks (外字), or empty.
    pub fallback_font: String,
    /// Where exports (台帳, 実績報告書) are saved by default. Printed forms go to the print spool.
    pub pdf_folder: String,
    /// The user's own profile (氏名, 役割, 所属, 印字する職名・氏名).
    pub profile: Staff,
    /// 謝金の時間単価 (円), as typed (full-width digits and 11,500円 are accepted).
    pub fee_hourly_rate: String,
    /// 自動ロックまでの時間 (分), as typed: 1–120.
    pub idle_lock_minutes: String,
    pub text_size: TextSize,
    /// 労働局名 (別添3 I-2), as stored (e.g. 東京労働局) or typed; empty until set.
    pub labour_bureau: String,
    /// 圏域の数 (別添3 I-3), as typed: 1–99; empty until set.
    pub zone_count: String,
}

/// The settings as the screen shows them.
pub fn app_settings(s: &Store) -> Result<AppSettings> {
    Ok(AppSettings {
        centre_name: s.setting("centre_name")?.unwrap_or_default(),
        fallback_font: s.setting("fallback_font")?.unwrap_or_default(),
        pdf_folder: output_folder(s)?.display().to_string(),
        profile: s.profile()?.staff,
        fee_hourly_rate: s.fee_hourly_rate()?.to_string(),
        idle_lock_minutes: s.idle_lock_minutes()?.to_string(),
        text_size: s.text_size()?,
        labour_bureau: s.labour_bureau()?.unwrap_or_default(),
        zone_count: s.zone_count()?.map(|n| n.to_string()).unwrap_or_default(),
    })
}

/// Where exports go unless the save dialog says otherwise: the folder of the settings, or
/// Documents/地さんぽノート when none is set. The one place that decides it.
pub fn output_folder(s: &Store) -> Result<PathBuf> {
    Ok(s.setting("pdf_folder")?.filter(|f| !f.is_empty()).map(PathBuf::from).unwrap_or_else(paths::default_output_dir))
}

/// Check every setting, then save them all in one transaction (or none).
pub fn save_app_settings(s: &Store, req: &AppSettings) -> Result<()> {
    let mut problems = Problems::default();
    let folder = problems.take(check_pdf_folder(&req.pdf_folder));
    let idle = problems.take(prefs::parse_idle_minutes(&req.idle_lock_minutes));
    // 0 (not a number) is refused with the message of the rate.
    let rate = problems.take(check_fee_hourly_rate(prefs::parse_whole_number(&req.fee_hourly_rate).unwrap_or(0)));
    let identity = problems.take(s.annual_identity_settings(&req.labour_bureau, &req.zone_count));
    let violations = req.profile.validate();
    if !violations.is_empty() {
        problems.take::<()>(Err(Error::Invalid(violations.into_vec())));
    }
    let font = req.fallback_font.trim();
    if !font.is_empty() {
        problems.take(FontSet::with_fallback(Path::new(font)).map(|_| ()));
    }
    problems.into_result()?;
    let (Some(folder), Some(idle), Some(rate), Some(identity)) = (folder, idle, rate, identity) else {
        unreachable!("every value was checked");
    };
    let me = s.actor().id.clone();
    s.write(|tx| {
        for (key, value) in identity.iter().map(|(k, v)| (*k, v.as_str())).chain([
            (FEE_HOURLY_RATE_SETTING, rate.to_string().as_str()),
            ("fallback_font", font),
            ("centre_name", req.centre_name.trim()),
            ("pdf_folder", folder),
            (IDLE_LOCK_SETTING, idle.to_string().as_str()),
            (TEXT_SIZE_SETTING, req.text_size.as_str()),
        ]) {
            s.put_setting_in(tx, key, value)?;
        }
        s.update_staff_in(tx, &me, &req.profile)
    })
}

/// The problems found so far: every field's violations together; another error (a font file
/// that cannot be read) is reported first, alone.
#[derive(Default)]
struct Problems {
    violations: Vec<crate::error::Violation>,
    other: Option<Error>,
}

impl Problems {
    fn take<T>(&mut self, r: Result<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(Error::Invalid(v)) => {
                self.violations.extend(v);
                None
            }
            Err(e) => {
                self.other.get_or_insert(e);
                None
            }
        }
    }

    fn into_result(self) -> Result<()> {
        match (self.other, self.violations.is_empty()) {
            (Some(e), _) => Err(e),
            (None, false) => Err(Error::Invalid(self.violations)),
            (None, true) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    fn current(s: &Store) -> AppSettings {
        app_settings(s).unwrap()
    }

    #[test]
    fn all_settings_are_saved_together_and_read_back() {
        let (_d, s) = testing::store();
        let mut req = current(&s);
        req.centre_name = " 静岡県地域産業保健センター ".into();
        req.fee_hourly_rate = "１０，０００円".into();
        req.idle_lock_minutes = "15".into();
        req.text_size = TextSize::Large;
        req.labour_bureau = "静岡".into();
        req.zone_count = "3".into();
        req.profile.affiliation = "静岡支部".into();
        save_app_settings(&s, &req).unwrap();
        let got = current(&s);
        assert_eq!(got.centre_name, "静岡県地域産業保健センター");
        assert_eq!((got.fee_hourly_rate.as_str(), got.idle_lock_minutes.as_str()), ("10000", "15"));
        assert_eq!((got.labour_bureau.as_str(), got.zone_count.as_str()), ("静岡労働局", "3"));
        assert_eq!((got.text_size, got.profile.affiliation.as_str()), (TextSize::Large, "静岡支部"));
        assert!(s.verify_local().unwrap().ok);
    }

    /// A good rate with a bad font file and a bad lock time: nothing is written, and the typed
    /// fields' problems are named together.
    #[test]
    fn one_bad_value_saves_nothing_and_every_typed_problem_is_named() {
        let (d, s) = testing::store();
        let before = current(&s);
        let mut req = before.clone();
        req.fee_hourly_rate = "9000".into();
        req.centre_name = "変わった名前".into();
        req.idle_lock_minutes = "0".into();
        req.zone_count = "百".into();
        let e = save_app_settings(&s, &req).unwrap_err();
        let Error::Invalid(v) = &e else { panic!("{e:?}") };
        let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
        assert!(fields.contains(&IDLE_LOCK_SETTING) && fields.len() == 2, "{fields:?}");
        assert_eq!(current(&s), before, "nothing was written");

        let not_font = d.path().join("memo.ttf");
        std::fs::write(&not_font, b"not a font").unwrap();
        req.idle_lock_minutes = "10".into();
        req.zone_count = String::new();
        req.fallback_font = not_font.display().to_string();
        assert_eq!(save_app_settings(&s, &req).unwrap_err().code(), "not_a_font");
        assert_eq!(current(&s), before, "the rate typed before the font is not saved either");
    }
}
