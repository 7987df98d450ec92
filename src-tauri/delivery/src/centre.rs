//! The centre's side running by itself in the app: import from where the devices deliver (the
//! profile's endpoint or a chosen folder/URL) every couple of minutes, with the same backoff as
//! devices while the source is away; and an overview for the coordinator's home screen.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::import::ImportReport;
use super::schedule::{self, Schedule};
use crate::centre_database::CentreDatabase;
use crate::enrol::Enrolment;
use crate::error::{DeliveryCode, Error, Result};
use crate::import::CentreImport;
use crate::store::{iso, Store};
use crate::target::DeliveryTargets;

/// A bundle the centre set aside, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CentreHeld {
    pub file: String,
    pub reason: String,
    /// Why, as a code (`unknown_device`, `damaged`, …; `bundle::Refusal::code`), for the screen
    /// to act on rather than on the wording.
    pub code: Option<String>,
}

/// What the centre has consolidated, for the coordinator's home screen. Counts and ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CentreOverview {
    pub centre_name: String,
    /// Where the devices' bundles are imported from.
    pub source: Option<String>,
    /// The shared database the centre consolidates into (host and database); `null`: this store.
    pub database: Option<String>,
    #[ts(type = "number")]
    pub devices: i64,
    /// Consolidated records, and those with two different versions of one number (要確認).
    #[ts(type = "number")]
    pub records: i64,
    #[ts(type = "number")]
    pub needs_review: i64,
    #[ts(type = "number")]
    pub bundles_applied: i64,
    #[ts(type = "number")]
    pub quarantined_total: i64,
    pub quarantined: Vec<CentreHeld>,
    pub last_import_at: Option<String>,
    pub failures: u32,
    pub last_error: Option<String>,
}

/// The centre's imports in the app, and its home-screen overview.
pub trait CentreImports {
    /// The centre's overview; `None` on a device.
    fn centre_overview(&self) -> Result<Option<CentreOverview>>;

    /// Import now from the chosen source, recording the outcome for the schedule and the home
    /// screen. `Err` only for a problem of this store; a source that is away is recorded.
    fn centre_import_now(&self) -> Result<Option<ImportReport>>;

    /// The app's background tick on a centre: an import when one is due (every `poll`, or
    /// after the backoff while the source is away). `None` if none ran.
    fn centre_import_tick(&self, schedule: &Schedule, now: DateTime<Utc>) -> Result<Option<ImportReport>>;
}

impl CentreImports for Store {
    fn centre_overview(&self) -> Result<Option<CentreOverview>> {
        if !self.is_centre()? {
            return Ok(None);
        }
        let centre_name = self.centre_profile()?.map(|p| p.centre_name).unwrap_or_default();
        let source = self.delivery_target()?.map(|t| t.describe());
        let database = self.centre_database()?.map(|u| u.label());
        // A shared database that cannot be reached leaves the screen up, saying so.
        let (counts, unreachable) = match self.with_consolidation(|t| t.counts(20)) {
            Ok(c) => (c, None),
            Err(Error::Delivery { message, .. }) if database.is_some() => (Default::default(), Some(message)),
            Err(e) => return Err(e),
        };
        self.read(|c| {
            let state = schedule::state_of(c, &schedule::CENTRE_IMPORT)?;
            Ok(Some(CentreOverview {
                centre_name,
                source,
                database,
                devices: counts.devices,
                records: counts.records,
                needs_review: counts.needs_review,
                bundles_applied: counts.bundles_applied,
                quarantined_total: counts.quarantined_total,
                quarantined: counts.quarantined.into_iter().map(|(file, reason, code)| CentreHeld { file, reason, code }).collect(),
                last_import_at: state.last_ok_at,
                failures: state.failures.max(u32::from(unreachable.is_some())),
                last_error: unreachable.or(state.last_error),
            }))
        })
    }

    fn centre_import_now(&self) -> Result<Option<ImportReport>> {
        let transport = self.delivery_transport()?.ok_or_else(|| {
            Error::delivery(
                DeliveryCode::NoTarget,
                "取り込み元が決まっていません。設定の「センターへの配送」で、端末が送るフォルダか WebDAV の URL を選んでください。",
            )
        })?;
        let outcome = self.with_consolidation(|t| self.centre_import_into(transport.as_ref(), t));
        let at = crate::store::now();
        let (report, failure) = match outcome {
            Ok(r) => (Some(r), None),
            Err(Error::Delivery { message: m, .. }) => (None, Some(m)),
            Err(e) => return Err(e),
        };
        self.write(|tx| match &failure {
            None => schedule::record_ok_keys(tx, &schedule::CENTRE_IMPORT, &at),
            Some(m) => schedule::record_failure_keys(tx, &schedule::CENTRE_IMPORT, &at, m),
        })?;
        Ok(report)
    }

    fn centre_import_tick(&self, schedule: &Schedule, now: DateTime<Utc>) -> Result<Option<ImportReport>> {
        if !self.is_centre()? || self.delivery_target()?.is_none() {
            return Ok(None);
        }
        let state = self.read(|c| schedule::state_of(c, &schedule::CENTRE_IMPORT))?;
        let wait = if state.failures > 0 { schedule.backoff(state.failures) } else { schedule.poll };
        if schedule::after(&state.last_pass_at, wait).is_some_and(|d| iso(d) > iso(now)) {
            return Ok(None);
        }
        self.centre_import_now()
    }
}
