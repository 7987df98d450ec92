//! # chisanpo-core
//!
//! Everything in 地さんぽノート that is not GUI. The desktop shell and the CLI are thin adapters
//! over the functions here. The modules are layers, each using only those listed below it
//! (ADR 0027, checked by `tests/layers.rs`):
//!
//! - [`demo`]: realistic synthetic data for trying the app and for benchmarks.
//! - [`delivery`]: enrolment, signed and encrypted bundles, transports, the centre's import and
//!   consolidation (embedded or PostgreSQL), and `verify` as the user runs it.
//! - [`settings`]: the 設定 screen's settings, checked together and saved in one transaction.
//! - [`ledger`]: the 台帳, the annual report, retention and the home screen's deadlines.
//! - [`print`]: a record's 様式 and the recovery sheet, drawn from the store into a file the
//!   user chose or the private print spool.
//! - [`store`]: the encrypted SQLite store and every table in it (records, versions, the audit
//!   chain, fees, ledger numbers, the outbox, the consolidated tables), its migrations,
//!   backups and restore.
//! - [`forms`]: the crate `chisanpo-forms`, re-exported: the 様式 as PDF (fonts, a drawing
//!   canvas, Japanese line breaking); it knows records, never the store.
//! - [`domain`], [`error`], [`paths`]: the crate `chisanpo-domain`, re-exported: the records of
//!   the 様式, their codes, the rules of the law as pure functions (the 利用料 included), the
//!   error type and the messages every layer shares, and where the store lives.

pub mod delivery;
pub mod demo;
pub mod ledger;
pub mod print;
pub mod settings;
pub mod store;

// The bottom layer is its own crate (ADR 0027): nothing in it can use the layers above.
pub use chisanpo_domain::{domain, error, paths};
pub use chisanpo_forms::forms;
pub use error::{Error, Result};
