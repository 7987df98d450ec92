//! # chisanpo-domain
//!
//! The bottom layer of 地さんぽノート (ADR 0027): what every other crate builds on, and which
//! uses none of them, so that a rule of the law can never reach up into the store, the forms or
//! the delivery.
//!
//! - [`domain`]: the records of the 様式 (面接指導, 特定健康相談, 利用申込), their codes, the
//!   rules of the law as pure functions (hours, eligibility, plausibility, the 利用料), dates in
//!   和暦, and worker CSV reading.
//! - [`error`]: the error type every layer returns, and the messages they share.
//! - [`paths`]: where the store lives (the `directories` crate) and the names of output files.
//! - [`progress`]: what a long operation is doing, for a progress bar or a terminal, and 中止.
//!
//! `chisanpo-core` re-exports the three modules, so `chisanpo_core::domain::…` keeps working.

pub mod domain;
pub mod error;
pub mod paths;
pub mod progress;

pub use error::{Error, Result};
