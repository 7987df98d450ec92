//! # chisanpo-core
//!
//! Everything in 地さんぽノート that is not GUI, as the desktop shell and the CLI use it: they are
//! thin adapters over the functions here. The layers are crates (ADR 0027), each using only
//! those below it, so a cycle is a compile error:
//!
//! - [`delivery`]: the crate `chisanpo-delivery`: enrolment, signed and encrypted bundles,
//!   transports, the centre's import and consolidation (embedded, or PostgreSQL behind the
//!   feature `postgres`), and `verify` as the user runs it.
//! - [`ledger`], [`print`]: the crate `chisanpo-reports`: the 台帳, the annual report and the
//!   home screen's deadlines; a record's 様式 and the recovery sheet, printed from the store.
//! - [`store`], [`demo`]: the crate `chisanpo-store`: the encrypted SQLite store and every table
//!   in it (records, versions, the audit chain, fees, ledger numbers, the outbox, the centre's
//!   tables), its migrations, backups, restore and retention; and realistic synthetic data.
//! - [`forms`]: the crate `chisanpo-forms`: the 様式 as PDF (fonts, a drawing canvas, Japanese
//!   line breaking); it knows records, never the store.
//! - [`domain`], [`error`], [`paths`]: the crate `chisanpo-domain`: the records of the 様式,
//!   their codes, the rules of the law as pure functions (利用料, retention), the error type
//!   and the messages every layer shares, and where the store lives.
//!
//! This crate adds only what spans them: [`settings`] (the 設定 screen's settings, checked
//! together and saved in one transaction) and the [`prelude`] of the traits through which the
//! reports and delivery add their capabilities to the [`store::Store`].

pub mod settings;

pub use chisanpo_delivery as delivery;
pub use chisanpo_domain::{domain, error, paths, progress};
pub use chisanpo_forms::forms;
pub use chisanpo_reports::{ledger, print};
pub use chisanpo_store as store;
pub use chisanpo_store::demo;
pub use error::{Error, Result};

/// The capability traits of the upper layers: `use chisanpo_core::prelude::*;` to call
/// `store.ledger(…)`, `store.print_form(…)` or `store.deliver(…)`.
pub mod prelude {
    pub use chisanpo_delivery::prelude::*;
    pub use chisanpo_reports::prelude::*;
}
