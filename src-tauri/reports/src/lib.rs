//! # chisanpo-reports
//!
//! What is made from the finalised records, over the store and the forms:
//!
//! - [`print`]: a record's 様式 and the recovery sheet, drawn from the store into a file the
//!   user chose or the private print spool.
//! - [`ledger`]: the 台帳, the annual report and the home screen's deadlines, as tables, counts
//!   and lists of the rows the store reads (no SQL here: `chisanpo-store` owns every table).
//!
//! `print` comes before `ledger`: the ledger's PDF export uses the print's fonts, never the
//! other way (ADR 0027, `core/tests/layers.rs`). Each adds its capabilities to the `Store`
//! through a trait named for them ([`prelude`]).

pub mod directory;
pub mod ledger;
pub mod print;

// The layers below, under the names this crate's modules use.
pub(crate) use chisanpo_domain::{domain, error, progress};
pub(crate) use chisanpo_forms::forms;
pub(crate) use chisanpo_store as store;

/// The traits through which the reports add their capabilities to the `Store`.
pub mod prelude {
    pub use crate::directory::DirectoryExports;
    pub use crate::ledger::annual::identity::AnnualIdentity;
    pub use crate::ledger::annual::AnnualReports;
    pub use crate::ledger::deadlines::HomeDeadlines;
    pub use crate::ledger::export::LedgerExports;
    pub use crate::ledger::rows::Ledgers;
    pub use crate::print::batch::BatchPrinting;
    pub use crate::print::Printing;
}
