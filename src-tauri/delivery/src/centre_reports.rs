//! The centre's reports in the app, from where it consolidates (issue 18, item 4): the 台帳, the
//! annual report and retention read the shared database when one is chosen in 設定, and this store
//! otherwise, exactly as `chisanpo centre ledger|annual|retention --database` do. On a device, or
//! a centre without a shared database, each is the store's own.

use std::path::Path;

use crate::centre_database::CentreDatabase;
use crate::domain::retention::{DestructionReport, RetentionItem};
use crate::domain::Date;
use crate::error::Result;
use crate::ledger::annual::{AnnualReport, AnnualReports};
use crate::ledger::export::{CsvEncoding, ExportFormat, ExportReport, LedgerExports};
use crate::ledger::rows::Ledgers;
use crate::ledger::{Ledger, LedgerFilter, LedgerKind};
use crate::store::Store;

/// The reports a coordinator's screens show, from the centre's consolidated store.
pub trait CentreReports {
    fn centre_ledger(&self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger>;
    fn centre_export_ledger(&self, kind: LedgerKind, filter: &LedgerFilter, format: ExportFormat, encoding: CsvEncoding, out: &Path) -> Result<ExportReport>;
    fn centre_annual_report(&self, fiscal_year: i32) -> Result<AnnualReport>;
    fn centre_write_annual_report(&self, fiscal_year: i32, xlsx: &Path, json: Option<&Path>) -> Result<AnnualReport>;
    /// Records past their retention period: this store's own, then the shared database's.
    fn centre_retention_due(&self, today: Date) -> Result<Vec<RetentionItem>>;
    /// Destroy records past their retention period: those of this store here, the others in the
    /// shared database (each all or none).
    fn centre_destroy(&self, ids: &[String], reason: &str, today: Date) -> Result<DestructionReport>;
}

impl CentreReports for Store {
    fn centre_ledger(&self, kind: LedgerKind, filter: &LedgerFilter) -> Result<Ledger> {
        if self.centre_database()?.is_none() {
            return self.ledger(kind, filter);
        }
        self.with_consolidation(|t| t.ledger(kind, filter))
    }

    fn centre_export_ledger(&self, kind: LedgerKind, filter: &LedgerFilter, format: ExportFormat, encoding: CsvEncoding, out: &Path) -> Result<ExportReport> {
        if self.centre_database()?.is_none() {
            return self.export_ledger(kind, filter, format, encoding, out);
        }
        self.with_consolidation(|t| self.export_ledger_from(t, kind, filter, format, encoding, out))
    }

    fn centre_annual_report(&self, fiscal_year: i32) -> Result<AnnualReport> {
        if self.centre_database()?.is_none() {
            return self.annual_report(fiscal_year);
        }
        self.with_consolidation(|t| self.annual_report_from(t, fiscal_year))
    }

    fn centre_write_annual_report(&self, fiscal_year: i32, xlsx: &Path, json: Option<&Path>) -> Result<AnnualReport> {
        if self.centre_database()?.is_none() {
            return self.write_annual_report(fiscal_year, xlsx, json);
        }
        self.with_consolidation(|t| self.write_annual_report_from(t, fiscal_year, xlsx, json))
    }

    fn centre_retention_due(&self, today: Date) -> Result<Vec<RetentionItem>> {
        let mut due = self.retention_due(today)?;
        if self.centre_database()?.is_some() {
            due.extend(self.with_consolidation(|t| t.retention_due(today))?);
        }
        Ok(due)
    }

    fn centre_destroy(&self, ids: &[String], reason: &str, today: Date) -> Result<DestructionReport> {
        if self.centre_database()?.is_none() {
            return self.destroy(ids, reason, today);
        }
        let here: Vec<String> = self.retention_due(today)?.into_iter().map(|i| i.record_id).filter(|id| ids.contains(id)).collect();
        let there: Vec<String> = ids.iter().filter(|id| !here.contains(id)).cloned().collect();
        let mut report = if here.is_empty() {
            // Nothing destroyed here: nothing to rebuild.
            DestructionReport {
                destroyed: Vec::new(),
                workers_deleted: 0,
                file_bytes_before: 0,
                file_bytes_after: 0,
                compacted: true,
                saved_copies: Vec::new(),
            }
        } else {
            self.destroy(&here, reason, today)?
        };
        if !there.is_empty() {
            report.destroyed.extend(self.with_consolidation(|t| t.destroy(&there, reason, today))?);
        }
        Ok(report)
    }
}
