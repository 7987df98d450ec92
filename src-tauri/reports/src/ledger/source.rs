//! Where the reports read the records consolidated from devices: this store's own tables
//! (`ThisStore`), or a centre's consolidated store, which implements `ReportSource` as part of
//! `delivery::consolidation::Consolidation`. The reports never name the delivery layer.

use super::annual::AnnualRow;
use super::{Ledger, LedgerFilter, LedgerKind};
use crate::error::Result;
use crate::ledger::rows::Ledgers;
use crate::store::Store;

/// The consolidated records a 台帳 or an annual report is made from.
pub trait ReportSource {
    /// The 台帳 of `kind` (on the embedded store, with the centre's own records).
    fn ledger(&mut self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger>;
    /// The current versions of the fiscal year's consultations and interviews, for the annual
    /// report; `None` when the store's own tables are read in the report's snapshot (embedded).
    fn annual_rows(&mut self, fiscal_year: i32) -> Result<Option<Vec<AnnualRow>>>;
}

/// This store: its own records and the consolidated ones it holds.
pub struct ThisStore<'a>(pub &'a Store);

impl ReportSource for ThisStore<'_> {
    fn ledger(&mut self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        self.0.ledger(kind, filter)
    }

    fn annual_rows(&mut self, _fiscal_year: i32) -> Result<Option<Vec<AnnualRow>>> {
        Ok(None)
    }
}
