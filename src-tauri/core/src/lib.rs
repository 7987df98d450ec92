//! # chisanpo-core
//!
//! Everything in 地さんぽノート that is not GUI. The desktop shell and the CLI are thin adapters
//! over the functions here.
//!
//! - [`domain`]: the records of the 様式, their codes, and the rules of the law as pure functions.
//! - [`store`]: the encrypted SQLite store, its migrations, the record lifecycle, the audit chain,
//!   backups and restore.
//! - [`forms`]: the 様式 as PDF: fonts, a drawing canvas, Japanese line breaking.
//! - [`ledger`]: the 台帳, the annual report, retention and fees.
//! - [`delivery`]: enrolment, the outbox, signed and encrypted bundles, transports, and the
//!   centre's import and consolidation.
//! - [`demo`]: realistic synthetic data for trying the app and for benchmarks.
//! - [`paths`]: where the store lives.

pub mod delivery;
pub mod demo;
pub mod domain;
pub mod error;
pub mod forms;
pub mod ledger;
pub mod paths;
pub mod store;

pub use error::{Error, Result};
