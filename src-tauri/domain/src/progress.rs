//! Progress of long operations (issue 17): a fiscal year's ledger export, the annual report, a
//! backup or restore, a centre import, a worker or directory CSV import. The operation says what
//! it is doing and how far it is ([`step`]) and, where stopping is safe, asks whether to stop
//! ([`checkpoint`]); whoever runs it ([`run`]) decides where that goes: an event to the window's
//! progress bar, a line on a terminal, or nowhere.
//!
//! The reporter is the running thread's, so the operations keep their signatures and a caller
//! that does not ask for progress pays nothing. Steps are thinned to those a person can see (a
//! new label, or a new per-mille), so a loop over 100,000 rows sends about a thousand.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};

/// Where an operation is: what it is doing now, and how far through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Step {
    /// 記録を読み込んでいます, 台帳を PDF にしています …: what a person should read.
    pub label: String,
    /// Done so far, of `total` (0 of 0: no measure yet, only the label).
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
    /// Whether 中止 is honoured now (a restore's last stage, replacing the store, is not).
    pub cancellable: bool,
}

impl Step {
    /// Per mille done, 0–1000.
    pub fn permille(&self) -> u64 {
        (self.done.min(self.total) * 1000).checked_div(self.total).unwrap_or(0)
    }
}

struct Scope {
    sink: Rc<dyn Fn(&Step)>,
    cancel: Option<Arc<AtomicBool>>,
    last: RefCell<Option<(String, u64)>>,
    cancellable: std::cell::Cell<bool>,
}

thread_local! {
    static CURRENT: RefCell<Vec<Rc<Scope>>> = const { RefCell::new(Vec::new()) };
}

/// Run `f` on this thread with its progress sent to `sink`, and stopped at its next
/// [`checkpoint`] once `cancel` is set. Scopes nest: the inner one reports while it runs.
pub fn run<T>(sink: impl Fn(&Step) + 'static, cancel: Option<Arc<AtomicBool>>, f: impl FnOnce() -> T) -> T {
    let scope = Rc::new(Scope { sink: Rc::new(sink), cancel, last: RefCell::new(None), cancellable: std::cell::Cell::new(true) });
    CURRENT.with(|c| c.borrow_mut().push(scope));
    struct Pop;
    impl Drop for Pop {
        fn drop(&mut self) {
            CURRENT.with(|c| c.borrow_mut().pop());
        }
    }
    let _pop = Pop;
    f()
}

fn current() -> Option<Rc<Scope>> {
    CURRENT.with(|c| c.borrow().last().cloned())
}

/// Say what the operation is doing and how far it is. Nothing happens outside [`run`].
pub fn step(label: &str, done: u64, total: u64) {
    let Some(scope) = current() else { return };
    let s = Step { label: label.to_string(), done, total, cancellable: scope.cancellable.get() };
    let key = (s.label.clone(), s.permille());
    {
        let mut last = scope.last.borrow_mut();
        if last.as_ref() == Some(&key) && done != total {
            return;
        }
        *last = Some(key);
    }
    (scope.sink)(&s);
}

/// Stop here if 中止 was pressed: `Err(Error::Cancelled)`. Call it only where nothing is half
/// written (before a file is renamed into place, before a transaction commits).
pub fn checkpoint() -> Result<()> {
    match current() {
        Some(scope) if scope.cancellable.get() && scope.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) => Err(Error::Cancelled),
        _ => Ok(()),
    }
}

/// From here on the operation cannot be stopped (its last, indivisible stage): the bar hides 中止.
pub fn no_longer_cancellable() {
    if let Some(scope) = current() {
        scope.cancellable.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect<T>(cancel: Option<Arc<AtomicBool>>, f: impl FnOnce() -> T) -> (T, Vec<Step>) {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = {
            let seen = seen.clone();
            move |s: &Step| seen.borrow_mut().push(s.clone())
        };
        let out = run(sink, cancel, f);
        let steps = seen.borrow().clone();
        (out, steps)
    }

    #[test]
    fn steps_are_thinned_to_what_a_person_can_see() {
        let ((), steps) = collect(None, || {
            step("読み込み", 0, 0);
            for i in 0..=100_000u64 {
                step("記録を読み込んでいます", i, 100_000);
            }
            step("書き出しています", 0, 1);
            step("書き出しています", 1, 1);
        });
        assert!(steps.len() <= 1005, "{}", steps.len());
        assert_eq!(steps.first().unwrap().label, "読み込み");
        let reading: Vec<&Step> = steps.iter().filter(|s| s.label == "記録を読み込んでいます").collect();
        assert!(reading.windows(2).all(|w| w[0].done < w[1].done), "never backwards");
        assert_eq!(reading.last().unwrap().done, 100_000, "the last step is always sent");
        assert_eq!(steps.last().unwrap(), &Step { label: "書き出しています".into(), done: 1, total: 1, cancellable: true });
    }

    #[test]
    fn nothing_is_reported_and_nothing_stops_outside_a_scope() {
        step("誰も聞いていない", 1, 2);
        assert!(checkpoint().is_ok());
    }

    #[test]
    fn a_checkpoint_stops_once_cancel_is_set_and_not_after_the_last_stage_began() {
        let cancel = Arc::new(AtomicBool::new(false));
        let (r, _) = collect(Some(cancel.clone()), || {
            checkpoint()?;
            cancel.store(true, Ordering::Relaxed);
            checkpoint()
        });
        assert!(matches!(r, Err(Error::Cancelled)));
        let (r, steps) = collect(Some(cancel.clone()), || {
            no_longer_cancellable();
            step("置き換えています", 1, 2);
            checkpoint()
        });
        assert!(r.is_ok(), "the indivisible stage runs to its end");
        assert!(!steps[0].cancellable, "and the bar says so");
    }

    #[test]
    fn scopes_nest_and_unwind() {
        let outer = Rc::new(RefCell::new(0));
        let o = outer.clone();
        run(
            move |_| *o.borrow_mut() += 1,
            None,
            || {
                let ((), inner) = collect(None, || step("内側", 1, 1));
                assert_eq!(inner.len(), 1);
                step("外側", 1, 1);
            },
        );
        assert_eq!(*outer.borrow(), 1, "the inner steps went to the inner sink only");
        assert!(current().is_none());
    }
}
