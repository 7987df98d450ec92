//! The 中止 flags of the long commands: one per command kind, so that 中止 of one (or leaving its
//! screen) never stops another, and a command starting never clears another's pending stop. A
//! lock sets them all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::progress::Operation;

/// Which command a flag stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cancellable {
    Operation(Operation),
    BatchPrint,
}

#[derive(Default)]
pub struct Cancels {
    flags: Mutex<HashMap<Cancellable, Arc<AtomicBool>>>,
}

impl Cancels {
    /// A command of this kind starts: it gets a fresh flag (a 中止 pressed before now, or a lock
    /// taken before now, does not stop it). The flag of an earlier run of the same kind stays
    /// with that run.
    pub fn start(&self, what: Cancellable) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.flags.lock().unwrap_or_else(|e| e.into_inner()).insert(what, flag.clone());
        flag
    }

    /// 中止 for the command of this kind under way, if any.
    pub fn cancel(&self, what: Cancellable) {
        if let Some(flag) = self.flags.lock().unwrap_or_else(|e| e.into_inner()).get(&what) {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// A lock: every command under way stops at its next safe point.
    pub fn cancel_all(&self) {
        for flag in self.flags.lock().unwrap_or_else(|e| e.into_inner()).values() {
            flag.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_stops_only_its_own_kind_and_a_start_clears_nothing_else() {
        let cancels = Cancels::default();
        let backup = cancels.start(Cancellable::Operation(Operation::Backup));
        let ledger = cancels.start(Cancellable::Operation(Operation::LedgerExport));
        cancels.cancel(Cancellable::Operation(Operation::LedgerExport));
        assert!(ledger.load(Ordering::Relaxed));
        assert!(!backup.load(Ordering::Relaxed), "leaving the ledger must not stop a backup");

        // A new run of another kind does not clear the pending stop.
        let _annual = cancels.start(Cancellable::Operation(Operation::AnnualReport));
        assert!(ledger.load(Ordering::Relaxed));

        let batch = cancels.start(Cancellable::BatchPrint);
        cancels.cancel_all();
        assert!(backup.load(Ordering::Relaxed) && batch.load(Ordering::Relaxed));

        // After the lock, a restore starting gets its own, clear flag.
        let restore = cancels.start(Cancellable::Operation(Operation::Restore));
        assert!(!restore.load(Ordering::Relaxed));
        // 中止 with nothing of that kind under way does nothing.
        cancels.cancel(Cancellable::Operation(Operation::CentreImport));
        assert!(!restore.load(Ordering::Relaxed));
    }
}
