//! The batch's renderer: the PDFs of many records drawn on several threads at once.
//!
//! The work is a list of [`FormInput`]s read from the store beforehand (the store is not touched
//! here). Each worker takes the next input by an atomic counter, draws it, and hands the PDF to
//! the caller's `each` on its own thread (to write the file, or to parse it for the merge), so a
//! document's bytes live only as long as its handling. `std::thread::scope`, no thread pool crate
//! (ADR 0032).
//!
//! Cancelling takes effect between documents: a worker checks the flag before it takes the next
//! input, and finishes the one it has. The documents handled are therefore always the first `n`
//! of the list, whatever the number of workers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result, Violation};
use crate::forms::fonts::FontSet;
use crate::forms::{self, FormInput, FormKind};

/// How far a batch is: `done` of `total` documents drawn (and written, in a folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
}

/// What to draw, and on how many threads.
#[derive(Debug, Clone, Copy)]
pub struct RenderJob<'a> {
    pub kind: FormKind,
    pub inputs: &'a [FormInput],
    pub fonts: &'a FontSet,
    /// Threads to draw on (at least 1; never more than there are documents).
    pub workers: usize,
}

/// What [`render_each`] did: what `each` returned for the first documents, in the inputs' order
/// (all of them unless cancelled).
#[derive(Debug)]
pub struct Rendered<T> {
    pub done: Vec<T>,
    pub cancelled: bool,
}

/// The number of threads a batch draws on: every core the system gives this process.
pub fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Draw every input of `job` on `job.workers` threads and hand each PDF to `each` with the
/// input's index (on the thread that drew it). `progress` is called after each document, from the worker threads. The first
/// failure stops the batch (the documents already started are finished) and is returned, naming
/// the record it is about.
pub fn render_each<T: Send>(
    job: RenderJob<'_>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(BatchProgress) + Sync),
    each: &(dyn Fn(usize, Vec<u8>) -> Result<T> + Sync),
) -> Result<Rendered<T>> {
    let total = job.inputs.len();
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let slots: Vec<Mutex<Option<T>>> = (0..total).map(|_| Mutex::new(None)).collect();
    let first_error: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    let work = || loop {
        if cancel.load(Ordering::Relaxed) || failed.load(Ordering::Relaxed) {
            return;
        }
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(input) = job.inputs.get(i) else { return };
        match forms::render(job.kind, input, job.fonts).map_err(|e| about_record(job.kind, input, e)).and_then(|pdf| each(i, pdf)) {
            Ok(v) => {
                *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(v);
                let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
                progress(BatchProgress { done: count(done), total: count(total) });
            }
            Err(e) => {
                failed.store(true, Ordering::Relaxed);
                let mut first = first_error.lock().unwrap_or_else(|e| e.into_inner());
                // The earliest record in the list, whichever thread failed first.
                if first.as_ref().is_none_or(|(at, _)| i < *at) {
                    *first = Some((i, e));
                }
                return;
            }
        }
    };
    let workers = job.workers.clamp(1, total.max(1));
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(work);
            }
        });
    }
    if let Some((_, e)) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    // Taken in order and each finished: the documents done are the first ones of the list.
    let done: Vec<T> = slots.into_iter().map_while(|s| s.into_inner().unwrap_or_else(|e| e.into_inner())).collect();
    let cancelled = done.len() < total;
    Ok(Rendered { done, cancelled })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A form that could not be drawn, said of its record (by id: never a value of the record), so
/// that in a batch of hundreds the user knows which one to fix.
fn about_record(kind: FormKind, input: &FormInput, e: Error) -> Error {
    let message = match e {
        Error::Invalid(v) => v.into_iter().map(|v| format!("{}（{}）", v.message, v.field)).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    };
    Error::Invalid(vec![Violation {
        field: input.record_id.clone(),
        message: format!("記録（ID: {}）の{}を作れません: {message} この記録を直すか、印刷する記録から外してください", input.record_id, kind.label()),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RecordBody;
    use crate::forms::samples;
    use crate::forms::sheet::PrintStatus;

    fn inputs(n: usize) -> Vec<FormInput> {
        (0..n)
            .map(|i| {
                let mut input = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Final);
                input.record_id = format!("record-{i:03}");
                input
            })
            .collect()
    }

    fn job<'a>(inputs: &'a [FormInput], fonts: &'a FontSet, workers: usize) -> RenderJob<'a> {
        RenderJob { kind: FormKind::Opinion, inputs, fonts, workers }
    }

    /// Two workers give every document, in the list's order, and report each one's progress.
    #[test]
    fn every_document_comes_back_in_order_with_its_progress() {
        let fonts = FontSet::embedded().unwrap();
        let inputs = inputs(6);
        let seen = Mutex::new(vec![]);
        let r = render_each(job(&inputs, &fonts, 2), &AtomicBool::new(false), &|p| seen.lock().unwrap().push(p), &|i, pdf| {
            assert!(pdf.starts_with(b"%PDF"));
            Ok(inputs[i].record_id.clone())
        })
        .unwrap();
        assert!(!r.cancelled);
        assert_eq!(r.done, (0..6).map(|i| format!("record-{i:03}")).collect::<Vec<_>>());
        let mut done: Vec<u32> = seen.into_inner().unwrap().iter().map(|p| p.done).collect();
        done.sort();
        assert_eq!(done, [1, 2, 3, 4, 5, 6]);
    }

    /// A cancel between documents stops the batch there: the documents done are the first ones.
    #[test]
    fn a_cancel_stops_between_documents() {
        let fonts = FontSet::embedded().unwrap();
        let inputs = inputs(8);
        let cancel = AtomicBool::new(false);
        let r =
            render_each(job(&inputs, &fonts, 2), &cancel, &|p| cancel.store(p.done >= 2, Ordering::Relaxed), &|i, _| Ok(inputs[i].record_id.clone())).unwrap();
        assert!(r.cancelled);
        assert!((2..8).contains(&r.done.len()), "{:?}", r.done);
        assert_eq!(r.done, (0..r.done.len()).map(|i| format!("record-{i:03}")).collect::<Vec<_>>());
    }

    /// A record that cannot be drawn stops the batch with a message that names it.
    #[test]
    fn a_failure_names_its_record() {
        let fonts = FontSet::embedded().unwrap();
        let mut inputs = inputs(4);
        inputs[2].snapshot.worker.as_mut().unwrap().name = "𠮷野 一郎".into();
        let e = render_each(job(&inputs, &fonts, 2), &AtomicBool::new(false), &|_| {}, &|_, _| Ok(())).unwrap_err();
        let shown = e.to_string();
        assert!(shown.contains("record-002") && shown.contains("U+20BB7") && shown.contains("外して"), "{shown}");
    }
}
