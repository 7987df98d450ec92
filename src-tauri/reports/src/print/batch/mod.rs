//! Printing many records at once: a fiscal year's 意見書 (or any form, or the records chosen) into
//! a folder, one PDF per record, or into one merged PDF, drawn on every core.
//!
//! The steps: [`select`] reads every record's [`FormInput`] from the store first (on the calling
//! thread: the store is read there and nowhere else); [`pool`] draws them on all cores, with
//! progress and a cancel checked between documents; the folder's files are written as they are
//! drawn (each atomically), the merged file ([`merge`]) only at the end; then one transaction
//! audits each record printed, as [`super::Printing::print_form`] does for one.

pub mod merge;
pub mod pool;
pub mod select;

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::forms::sheet::PrintStatus;
use crate::forms::{FormInput, FormKind};
use crate::store::{atomic, Action, Store};
use chisanpo_domain::paths;

pub use pool::{all_cores, render_each, BatchProgress, RenderJob, Rendered};

use super::Printing;

/// Which records a batch prints.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "by")]
#[ts(export)]
pub enum BatchSelection {
    /// Every finalised record of the fiscal year that the form is made from, oldest first (its
    /// latest version). Records never finalised are skipped, and counted.
    FiscalYear { fiscal_year: i32 },
    /// These records, in this order; one never finalised is printed marked 下書き.
    Records { ids: Vec<String> },
}

/// Where a batch goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutput {
    /// One PDF per record in this folder (made if missing), named as a single print is
    /// (`paths::output_file_name`).
    Folder(PathBuf),
    /// Every record's pages in one PDF, written only once all are drawn.
    Merged(PathBuf),
    /// Every record's pages in one PDF in the private print spool, for the viewer to print, as a
    /// single print goes (ADR 0017): removed at lock, quit, the next start and 廃棄, and audited
    /// as gone to the spool, not as a saved copy. Named for the batch (`batch_name`).
    Spool,
}

/// What a batch printed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BatchReport {
    pub form: FormKind,
    /// The records chosen to print.
    pub selected: u32,
    /// The records printed: complete files in the folder, or documents in the merged file.
    pub printed: u32,
    /// Of a fiscal year, the records never finalised (drafts), not printed.
    pub skipped_drafts: u32,
    /// Stopped by the user: the folder holds `printed` complete files; no merged file is written.
    pub cancelled: bool,
    /// The files written.
    pub files: Vec<String>,
    /// The pages of the merged file (0 for a folder).
    pub pages: u32,
    pub bytes: u64,
}

/// Printing many records at once.
pub trait BatchPrinting {
    /// Print `form` for the records `selection` names into `output`, drawing on every core.
    /// `progress` is called (from the drawing threads) after each document; `cancel`, once set,
    /// stops the batch between documents, which is then reported as `cancelled`. Each record
    /// printed is in the audit log, as a saved copy (its place kept until 廃棄). An empty
    /// selection is an error that says why.
    fn print_batch(
        &self,
        form: FormKind,
        selection: &BatchSelection,
        output: &BatchOutput,
        progress: &(dyn Fn(BatchProgress) + Sync),
        cancel: &AtomicBool,
    ) -> Result<BatchReport>;
}

impl BatchPrinting for Store {
    fn print_batch(
        &self,
        form: FormKind,
        selection: &BatchSelection,
        output: &BatchOutput,
        progress: &(dyn Fn(BatchProgress) + Sync),
        cancel: &AtomicBool,
    ) -> Result<BatchReport> {
        let chosen = select::inputs(self, form, selection, cancel)?;
        let mut report = BatchReport {
            form,
            selected: count(chosen.inputs.len()),
            printed: 0,
            skipped_drafts: chosen.skipped_drafts,
            cancelled: chosen.cancelled,
            files: vec![],
            pages: 0,
            bytes: 0,
        };
        if chosen.cancelled {
            return Ok(report);
        }
        let fonts = self.fonts()?;
        let job = RenderJob { kind: form, inputs: &chosen.inputs, fonts: &fonts, workers: all_cores() };
        let (printed, files) = match output {
            BatchOutput::Folder(dir) => {
                let written = into_folder(job, dir, progress, cancel);
                // What was written left the app, even when a later record failed: audit it first.
                let files: Vec<(usize, PathBuf)> = written.files.into_inner().unwrap_or_else(|e| e.into_inner());
                let done: Vec<(&FormInput, &Path)> = files.iter().map(|(i, p)| (&chosen.inputs[*i], p.as_path())).collect();
                self.audit_batch(form, &done, true)?;
                report.cancelled = written.result?.cancelled;
                report.bytes = files.iter().filter_map(|(_, p)| fs::metadata(p).ok()).map(|m| m.len()).sum();
                let mut files = files;
                files.sort_unstable_by_key(|(i, _)| *i);
                (files.len(), files.into_iter().map(|(_, p)| p).collect())
            }
            BatchOutput::Merged(_) | BatchOutput::Spool => {
                let docs = render_each(job, cancel, progress, &|_, pdf| merge::parse(&pdf))?;
                if docs.cancelled || cancel.load(Ordering::Relaxed) {
                    report.cancelled = true;
                    return Ok(report);
                }
                let mut merged = merge::merge(docs.done, &format!("{}（{}件）", form.label(), chosen.inputs.len()))?;
                report.pages = count(merged.get_pages().len());
                let (path, saved) = match output {
                    BatchOutput::Merged(path) => (path.clone(), true),
                    _ => (self.spool().new_path(&batch_name(form, selection))?, false),
                };
                write_pdf(&path, &mut merged)?;
                let done: Vec<(&FormInput, &Path)> = chosen.inputs.iter().map(|i| (i, path.as_path())).collect();
                self.audit_batch(form, &done, saved)?;
                report.bytes = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                (chosen.inputs.len(), vec![path])
            }
        };
        report.printed = count(printed);
        report.files = files.iter().map(|p| p.display().to_string()).collect();
        Ok(report)
    }
}

/// The files of a folder batch written so far (by input index), and how the drawing ended.
struct Written {
    files: Mutex<Vec<(usize, PathBuf)>>,
    result: Result<Rendered<()>>,
}

/// Draw into `dir`, one file per record, each written atomically as soon as it is drawn.
fn into_folder(job: RenderJob<'_>, dir: &Path, progress: &(dyn Fn(BatchProgress) + Sync), cancel: &AtomicBool) -> Written {
    let files = Mutex::new(Vec::new());
    let result = fs::create_dir_all(dir).map_err(|e| Error::File { path: dir.display().to_string(), source: Some(e) }).and_then(|()| {
        let names = file_names(job.kind, job.inputs);
        render_each(job, cancel, progress, &|i, pdf| {
            let path = dir.join(&names[i]);
            atomic::write_file(&path, &pdf)?;
            files.lock().unwrap_or_else(|e| e.into_inner()).push((i, path));
            Ok(())
        })
    });
    Written { files, result }
}

/// The name of a batch's merged file when the app names it (the spool): the form and the fiscal
/// year, or the number of records chosen; never a person's name.
pub fn batch_name(form: FormKind, selection: &BatchSelection) -> String {
    match selection {
        BatchSelection::FiscalYear { fiscal_year } => format!("{}_{}.pdf", form.label(), crate::domain::wareki::format_fiscal_year(*fiscal_year)),
        BatchSelection::Records { ids } => format!("{}_{}件.pdf", form.label(), ids.len()),
    }
}

/// The file name of each input in a folder: as a single print names it, unless two records of
/// the batch would get the same name (ids made in the same minute share their first 8 digits),
/// which then carry every digit of their id.
pub fn file_names(kind: FormKind, inputs: &[FormInput]) -> Vec<String> {
    let name = |input: &FormInput| {
        let date = input.body.performed_on().map(|d| d.iso());
        paths::output_file_name(kind.label(), date.as_deref(), &input.record_id)
    };
    let mut uses: HashMap<String, usize> = HashMap::new();
    for input in inputs {
        *uses.entry(name(input)).or_default() += 1;
    }
    inputs
        .iter()
        .map(|input| {
            let short = name(input);
            if uses[&short] == 1 {
                return short;
            }
            let rest: String = input.record_id.chars().filter(|c| c.is_ascii_hexdigit()).skip(8).collect();
            format!("{}{rest}.pdf", short.trim_end_matches(".pdf"))
        })
        .collect()
}

/// Save the merged document to `path` atomically.
fn write_pdf(path: &Path, doc: &mut lopdf::Document) -> Result<()> {
    atomic::write_with(path, |f| {
        let mut out = std::io::BufWriter::new(f);
        doc.save_to(&mut out).map_err(std::io::Error::other)?;
        out.flush()
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The audit of a batch, private to this module.
trait BatchAudit {
    /// One audit entry per record printed, in one transaction, as a single print's: a saved copy
    /// (`saved: true`, its place kept apart until 廃棄), or gone to the spool (`to: "spool"`);
    /// `batch` says how many were printed together.
    fn audit_batch(&self, form: FormKind, done: &[(&FormInput, &Path)], saved: bool) -> Result<()>;
}

impl BatchAudit for Store {
    fn audit_batch(&self, form: FormKind, done: &[(&FormInput, &Path)], saved: bool) -> Result<()> {
        if done.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            for (input, path) in done {
                let draft = input.status == PrintStatus::Draft;
                let mut detail = serde_json::json!({ "form": form.as_str(), "version": input.version, "draft": draft, "batch": done.len() });
                if saved {
                    Store::remember_saved_copy(tx, &input.record_id, path)?;
                    detail["saved"] = true.into();
                } else {
                    detail["to"] = "spool".into();
                }
                self.audit(tx, Action::Print, &input.record_id, detail)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RecordBody;
    use crate::forms::samples;

    /// Two records whose ids begin alike (made in the same minute) on the same day get names that
    /// differ, by every digit of their ids; a record alone keeps the name a single print gives it.
    #[test]
    fn records_that_would_share_a_file_name_get_their_whole_id() {
        let input = |id: &str| {
            let mut i = samples::input(RecordBody::Interview(samples::long_hours()), PrintStatus::Final);
            i.record_id = id.into();
            i
        };
        let inputs =
            [input("0195cc87-b280-72c9-82e5-5323bb1b2549"), input("0195cc87-b280-7000-8000-000000000001"), input("0195dd00-0000-7000-8000-000000000002")];
        let names = file_names(FormKind::Opinion, &inputs);
        assert_eq!(
            names,
            [
                "面接指導結果報告書及び意見書_2025-06-20_0195cc87b28072c982e55323bb1b2549.pdf",
                "面接指導結果報告書及び意見書_2025-06-20_0195cc87b28070008000000000000001.pdf",
                "面接指導結果報告書及び意見書_2025-06-20_0195dd00.pdf",
            ]
        );
    }
}
