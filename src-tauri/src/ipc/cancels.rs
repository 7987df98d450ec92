//! The 中止 flags of the long commands: one per command kind, so that 中止 of one (or leaving its
//! screen) never stops another, and a command starting never clears another's pending stop. A
//! lock sets them all.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::progress::Operation;

/// Which command a flag stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cancellable {
    Operation(Operation),
    BatchPrint,
}

#[derive(Default)]
pub struct Cancels {
    /// Every run under way, by kind (the annual count may run twice at once: a year typed, then
    /// another); a run's flag is dropped with it.
    flags: Mutex<HashMap<Cancellable, Vec<Weak<AtomicBool>>>>,
}

impl Cancels {
    /// A command of this kind starts: it gets a fresh flag (a 中止 pressed before now, or a lock
    /// taken before now, does not stop it). Runs that started earlier keep theirs.
    ///
    /// Made before the command takes the store, and a lock empties the store before it sets the
    /// flags: a lock at any moment either stops the command or leaves it no store to take.
    pub fn start(&self, what: Cancellable) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        let mut flags = self.flags.lock().unwrap_or_else(|e| e.into_inner());
        let runs = flags.entry(what).or_default();
        runs.retain(|run| run.strong_count() > 0);
        runs.push(Arc::downgrade(&flag));
        flag
    }

    /// 中止 for every command of this kind under way.
    pub fn cancel(&self, what: Cancellable) {
        if let Some(runs) = self.flags.lock().unwrap_or_else(|e| e.into_inner()).get(&what) {
            stop(runs);
        }
    }

    /// A lock: every command under way stops at its next safe point.
    pub fn cancel_all(&self) {
        self.flags.lock().unwrap_or_else(|e| e.into_inner()).values().for_each(|runs| stop(runs));
    }
}

fn stop(runs: &[Weak<AtomicBool>]) {
    for flag in runs.iter().filter_map(Weak::upgrade) {
        flag.store(true, Ordering::Relaxed);
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

    #[test]
    fn two_runs_of_one_kind_are_both_stopped_by_a_lock_and_by_their_cancel() {
        let cancels = Cancels::default();
        let kind = Cancellable::Operation(Operation::AnnualReport);
        let (first, second) = (cancels.start(kind), cancels.start(kind));
        cancels.cancel_all();
        assert!(first.load(Ordering::Relaxed) && second.load(Ordering::Relaxed), "the earlier run is not forgotten");
        let (third, fourth) = (cancels.start(kind), cancels.start(kind));
        cancels.cancel(kind);
        assert!(third.load(Ordering::Relaxed) && fourth.load(Ordering::Relaxed));
        // A finished run's flag goes with it.
        drop((first, second, third, fourth));
        let _fifth = cancels.start(kind);
        assert_eq!(cancels.flags.lock().unwrap()[&kind].len(), 1);
    }

    #[test]
    fn the_lock_button_stops_every_command_under_way() {
        let tmp = tempfile::tempdir().unwrap();
        let (state, _) = crate::ipc::test_support::unlocked(tmp.path());
        let backup = state.cancels().start(Cancellable::Operation(Operation::Backup));
        let batch = state.cancels().start(Cancellable::BatchPrint);
        crate::ipc::test_support::lock(&state);
        assert!(backup.load(Ordering::Relaxed) && batch.load(Ordering::Relaxed));
    }
}
