//! When the next delivery pass is due. After a pass that could not reach the destination the
//! wait doubles (15 s, 30 s, 1 min, … up to 5 min), so an offline laptop does not spin, and a
//! laptop back online is delivering again within minutes with nobody pressing anything. With
//! nothing failing, a pass is due as soon as something waits, and every couple of minutes while
//! the centre has not yet confirmed what was sent.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::deliver::DeliveryReport;
use super::transport::Transport;
use super::{get_setting, put_setting, setting};
use crate::deliver::Delivering;
use crate::enrol::Enrolment;
use crate::error::Result;
use crate::store::Store;

/// Backoff and polling. `Schedule::default()` in the app; tests shorten it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// The wait after the first failed pass; doubled after each further one.
    pub base: Duration,
    /// The longest wait.
    pub cap: Duration,
    /// How often to look for receipts while something sent is unconfirmed.
    pub poll: Duration,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule { base: Duration::from_secs(15), cap: Duration::from_secs(5 * 60), poll: Duration::from_secs(2 * 60) }
    }
}

impl Schedule {
    /// The default, or every wait in seconds from `CHISANPO_DELIVERY_RETRY_SECONDS` (tests).
    pub fn from_env() -> Self {
        match std::env::var("CHISANPO_DELIVERY_RETRY_SECONDS").ok().and_then(|s| s.parse::<u64>().ok()).filter(|&s| s > 0) {
            Some(s) => Schedule { base: Duration::from_secs(s), cap: Duration::from_secs(s * 4), poll: Duration::from_secs(s) },
            None => Schedule::default(),
        }
    }

    /// The wait after `failures` consecutive failed passes (0 → none).
    pub fn backoff(&self, failures: u32) -> Duration {
        if failures == 0 {
            return Duration::ZERO;
        }
        let doubled = self.base.saturating_mul(1u32.checked_shl(failures.min(31) - 1).unwrap_or(u32::MAX));
        doubled.min(self.cap)
    }
}

/// The schedule's state, for the home screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryState {
    /// Consecutive passes that could not reach the destination.
    pub failures: u32,
    /// The last such pass's message (Japanese, no content).
    pub last_error: Option<String>,
    pub last_pass_at: Option<String>,
    /// The last pass that reached the destination.
    pub last_ok_at: Option<String>,
}

/// Where a schedule keeps its state in `settings`: the device's deliveries, or the centre's
/// imports.
pub(crate) struct StateKeys {
    failures: &'static str,
    last_error: &'static str,
    last_pass: &'static str,
    last_ok: &'static str,
}

pub(crate) const DELIVERY: StateKeys =
    StateKeys { failures: setting::FAILURES, last_error: setting::LAST_ERROR, last_pass: setting::LAST_PASS_AT, last_ok: setting::LAST_OK_AT };

pub(crate) const CENTRE_IMPORT: StateKeys = StateKeys {
    failures: "centre_import_failures",
    last_error: "centre_import_last_error",
    last_pass: "centre_import_last_attempt_at",
    last_ok: "centre_import_last_ok_at",
};

pub(crate) fn reset(tx: &Connection) -> Result<()> {
    reset_keys(tx, &DELIVERY)
}

fn reset_keys(tx: &Connection, k: &StateKeys) -> Result<()> {
    put_setting(tx, k.failures, "0")?;
    super::delete_setting(tx, k.last_error)?;
    Ok(())
}

/// Make the next pass due at once (the wait counts from the last pass, which is forgotten).
pub(crate) fn due_now_keys(tx: &Connection, k: &StateKeys) -> Result<()> {
    super::delete_setting(tx, k.last_pass)?;
    Ok(())
}

pub(crate) fn record_ok(tx: &Connection, at: &str) -> Result<()> {
    record_ok_keys(tx, &DELIVERY, at)
}

pub(crate) fn record_ok_keys(tx: &Connection, k: &StateKeys, at: &str) -> Result<()> {
    reset_keys(tx, k)?;
    put_setting(tx, k.last_pass, at)?;
    put_setting(tx, k.last_ok, at)
}

pub(crate) fn record_failure(tx: &Connection, at: &str, message: &str) -> Result<()> {
    record_failure_keys(tx, &DELIVERY, at, message)
}

pub(crate) fn record_failure_keys(tx: &Connection, k: &StateKeys, at: &str, message: &str) -> Result<()> {
    let failures = state_of(tx, k)?.failures.saturating_add(1);
    put_setting(tx, k.failures, &failures.to_string())?;
    put_setting(tx, k.last_error, message)?;
    put_setting(tx, k.last_pass, at)
}

pub(crate) fn state_of(c: &Connection, k: &StateKeys) -> Result<DeliveryState> {
    Ok(DeliveryState {
        failures: get_setting(c, k.failures)?.and_then(|s| s.parse().ok()).unwrap_or(0),
        last_error: get_setting(c, k.last_error)?,
        last_pass_at: get_setting(c, k.last_pass)?,
        last_ok_at: get_setting(c, k.last_ok)?,
    })
}

fn parse(at: &Option<String>) -> Option<DateTime<Utc>> {
    at.as_deref().and_then(|s| DateTime::parse_from_rfc3339(s).ok()).map(|t| t.with_timezone(&Utc))
}

/// `wait` after the stored time `last`, if there is one.
pub(crate) fn after(last: &Option<String>, wait: Duration) -> Option<DateTime<Utc>> {
    parse(last).map(|t| t + chrono::Duration::from_std(wait).unwrap_or_default())
}

/// When the next delivery pass (or centre import) is due.
pub trait DeliverySchedule {
    fn delivery_state(&self) -> Result<DeliveryState>;

    /// When the next pass is due, if one is: now or later. `None` when there is nothing to do
    /// (not enrolled, nothing waiting or unconfirmed).
    fn delivery_next_at(&self, schedule: &Schedule, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>>;

    /// What the app's background worker and `deliver --watch` call every few seconds: run a
    /// pass through `transport` if one is due. `None` if none was due.
    fn delivery_tick(&self, schedule: &Schedule, now: DateTime<Utc>, transport: &dyn Transport) -> Result<Option<DeliveryReport>>;
}

impl DeliverySchedule for Store {
    fn delivery_state(&self) -> Result<DeliveryState> {
        self.read(|c| state_of(c, &DELIVERY))
    }

    fn delivery_next_at(&self, schedule: &Schedule, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        if self.device_id()?.is_none() {
            return Ok(None);
        }
        let state = self.delivery_state()?;
        let (unsent, unconfirmed, file_attempts) = self.read(crate::store::outbox_queue::pending)?;
        let after = |wait: Duration| after(&state.last_pass_at, wait).unwrap_or(now);
        Ok(if state.failures > 0 {
            Some(after(schedule.backoff(state.failures)))
        } else if file_attempts > 0 {
            // A file that failed on its own waits too, so a passing problem does not use up its
            // tries within seconds.
            Some(after(schedule.backoff(file_attempts)))
        } else if unsent > 0 {
            Some(now)
        } else if unconfirmed > 0 {
            Some(after(schedule.poll))
        } else {
            None
        })
    }

    fn delivery_tick(&self, schedule: &Schedule, now: DateTime<Utc>, transport: &dyn Transport) -> Result<Option<DeliveryReport>> {
        match self.delivery_next_at(schedule, now)? {
            Some(at) if at <= now => self.deliver_pass(transport).map(Some),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_cap() {
        let s = Schedule::default();
        let secs: Vec<u64> = (0..8).map(|n| s.backoff(n).as_secs()).collect();
        assert_eq!(secs, vec![0, 15, 30, 60, 120, 240, 300, 300]);
        assert_eq!(s.backoff(1000), s.cap);
    }
}
