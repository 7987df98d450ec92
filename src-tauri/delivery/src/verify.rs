//! `verify` as the user runs it: the store's own checks (`Store::verify_store`), a centre's
//! consolidated rows against the payloads its devices signed (ADR 0026), and the newest backup.

use super::consolidation::sqlite::SqliteConsolidation;
use super::consolidation::Consolidation;
use crate::error::Result;
use crate::store::{Store, VerifyReport};

/// `verify` as the user runs it: the store's chain and copies, the consolidated proofs, the backups.
pub trait Verify {
    /// Check the whole store: see `verify_store`, `Consolidation::check_proofs` and
    /// `check_backup_gap`.
    fn verify(&self) -> Result<VerifyReport>;
}

impl Verify for Store {
    fn verify(&self) -> Result<VerifyReport> {
        let mut report = self.verify_store()?;
        let proofs = SqliteConsolidation(self).check_proofs()?;
        if !proofs.ok {
            report.problems.extend(proofs.problems);
            report.ok = false;
        }
        self.check_backup_gap(&mut report)?;
        Ok(report)
    }
}
