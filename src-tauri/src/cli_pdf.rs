//! `chisanpo pdf`: one record's 様式 into a file (`--id … --out …`), or many at once on every core
//! (`--fiscal-year 2025` or several `--id`, into `--out-dir DIR` or `--merge FILE.pdf`). A thin
//! adapter over `Printing::print_form` and `BatchPrinting::print_batch`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use chisanpo_core::forms::FormKind;
use chisanpo_core::prelude::*;
use chisanpo_core::print::batch::{BatchOutput, BatchProgress, BatchReport, BatchSelection};
use chisanpo_core::store::Store;
use chisanpo_core::{Error, Result};

use crate::cli::line;

/// What `chisanpo pdf` was given, as clap parsed it.
#[derive(Debug, Default)]
pub struct PdfArgs {
    pub ids: Vec<String>,
    pub fiscal_year: Option<i32>,
    pub out: Option<PathBuf>,
    pub out_dir: Option<PathBuf>,
    pub merge: Option<PathBuf>,
    pub version: Option<u32>,
}

/// What to print: one record into one file, or a batch.
#[derive(Debug, PartialEq, Eq)]
pub enum PdfPlan {
    One { id: String, out: PathBuf, version: Option<u32> },
    Batch { selection: BatchSelection, output: BatchOutput },
}

const WHICH: &str = "--id / --fiscal-year";
const WHERE: &str = "--out / --out-dir / --merge";

/// Exactly one selection and one output, checked here rather than by clap so that the message is
/// Japanese and says what to give.
pub fn plan(a: PdfArgs) -> Result<PdfPlan> {
    let outputs = [a.out.is_some(), a.out_dir.is_some(), a.merge.is_some()].into_iter().filter(|x| *x).count();
    if a.ids.is_empty() == a.fiscal_year.is_none() {
        return Err(Error::invalid(
            WHICH,
            "印刷する記録を --id（記録のID。複数可）か --fiscal-year（その年度の確定した記録すべて）のどちらか一方で指定してください。",
        ));
    }
    if outputs != 1 {
        return Err(Error::invalid(
            WHERE,
            "出力先を --out（1件のPDF）、--out-dir（1件ずつのPDFを入れるフォルダ）、--merge（1つにまとめたPDF）のどれか一つで指定してください。",
        ));
    }
    if let Some(out) = a.out {
        if a.fiscal_year.is_some() || a.ids.len() > 1 {
            return Err(Error::invalid(
                WHERE,
                "--out は1件だけ印刷するときの出力先です。複数の記録は --out-dir（フォルダ）か --merge（1つのPDF）に出力してください。",
            ));
        }
        let id = a.ids.into_iter().next().unwrap_or_default();
        return Ok(PdfPlan::One { id, out, version: a.version });
    }
    if a.version.is_some() {
        return Err(Error::invalid(
            "--version",
            "--version は --id と --out で1件を印刷するときだけ指定できます。まとめて印刷するときは各記録の最新の確定版を印刷します。",
        ));
    }
    let selection = match a.fiscal_year {
        Some(fiscal_year) => BatchSelection::FiscalYear { fiscal_year },
        None => BatchSelection::Records { ids: a.ids },
    };
    let output = match (a.out_dir, a.merge) {
        (Some(dir), _) => BatchOutput::Folder(dir),
        (_, Some(file)) => BatchOutput::Merged(file),
        (None, None) => unreachable!("one output was counted"),
    };
    Ok(PdfPlan::Batch { selection, output })
}

/// Run `chisanpo pdf` as [`plan`] made it.
pub fn pdf(store: &Store, form: FormKind, plan: PdfPlan) -> Result<()> {
    match plan {
        PdfPlan::One { id, out, version } => {
            let r = store.print_form(&id, form, version, &out)?;
            let mark = if r.draft { "下書き".to_string() } else { format!("第{}版", r.version) };
            line(format!("{}を作成しました: {}（{mark}、{} KB）", form.label(), r.path, r.bytes.div_ceil(1024)));
        }
        PdfPlan::Batch { selection, output } => {
            let bar = ProgressBar::new(form, std::io::stderr().is_terminal());
            let report = store.print_batch(form, &selection, &output, &|p| bar.show(p), &AtomicBool::new(false));
            bar.end();
            line(summary(&report?, &output));
        }
    }
    Ok(())
}

/// The one line that says what a batch made.
pub fn summary(r: &BatchReport, output: &BatchOutput) -> String {
    let label = r.form.label();
    let drafts =
        if r.skipped_drafts > 0 { format!("確定していない下書き{}件は印刷していません。", r.skipped_drafts) } else { String::new() };
    match (output, r.cancelled) {
        (BatchOutput::Folder(dir), false) => format!("{label}を{}件作成しました: {}（{} KB）。{drafts}", r.printed, dir.display(), r.bytes.div_ceil(1024)),
        (BatchOutput::Folder(dir), true) => {
            format!("中止しました。{label}は{}件中{}件を作成済みです（{}）。残りはもう一度実行して作成してください。", r.selected, r.printed, dir.display())
        }
        (BatchOutput::Merged(file), false) => {
            format!("{label}{}件を1つのPDFにまとめました: {}（{}ページ、{} KB）。{drafts}", r.printed, file.display(), r.pages, r.bytes.div_ceil(1024))
        }
        (BatchOutput::Merged(_) | BatchOutput::Spool, true) => "中止しました。まとめたPDFは作成していません。".to_string(),
        // The CLI never prints into the app's spool; a merged file is where --merge said.
        (BatchOutput::Spool, false) => format!("{label}{}件を1つのPDFにまとめました（{}ページ）。{drafts}", r.printed, r.pages),
    }
}

/// The progress on stderr, on one line redrawn in place, only when stderr is a terminal (a script
/// reading it gets only the summary and the errors).
struct ProgressBar {
    label: &'static str,
    shown: Option<Mutex<u32>>,
}

impl ProgressBar {
    fn new(form: FormKind, terminal: bool) -> Self {
        ProgressBar { label: form.label(), shown: terminal.then(|| Mutex::new(0)) }
    }

    /// Called from the drawing threads, in any order: only ever moves forward.
    fn show(&self, p: BatchProgress) {
        let Some(shown) = &self.shown else { return };
        let mut shown = shown.lock().unwrap_or_else(|e| e.into_inner());
        if p.done <= *shown {
            return;
        }
        *shown = p.done;
        crate::cli_progress::draw(self.label, u64::from(p.done), u64::from(p.total));
    }

    fn end(&self) {
        if self.shown.as_ref().is_some_and(|s| *s.lock().unwrap_or_else(|e| e.into_inner()) > 0) {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(ids: &[&str], fiscal_year: Option<i32>, out: Option<&str>, out_dir: Option<&str>, merge: Option<&str>) -> PdfArgs {
        PdfArgs {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            fiscal_year,
            out: out.map(PathBuf::from),
            out_dir: out_dir.map(PathBuf::from),
            merge: merge.map(PathBuf::from),
            version: None,
        }
    }

    #[test]
    fn one_selection_and_one_output_make_a_plan() {
        assert_eq!(plan(args(&["a"], None, Some("a.pdf"), None, None)).unwrap(), PdfPlan::One { id: "a".into(), out: "a.pdf".into(), version: None });
        assert_eq!(
            plan(args(&[], Some(2025), None, Some("dir"), None)).unwrap(),
            PdfPlan::Batch { selection: BatchSelection::FiscalYear { fiscal_year: 2025 }, output: BatchOutput::Folder("dir".into()) }
        );
        assert_eq!(
            plan(args(&["a", "b"], None, None, None, Some("all.pdf"))).unwrap(),
            PdfPlan::Batch { selection: BatchSelection::Records { ids: vec!["a".into(), "b".into()] }, output: BatchOutput::Merged("all.pdf".into()) }
        );
    }

    #[test]
    fn anything_else_is_refused_in_japanese_saying_what_to_give() {
        let refused = |a: PdfArgs, says: &str| {
            let e = plan(a).unwrap_err();
            assert_eq!(e.code(), "invalid");
            assert!(e.to_string().contains(says), "{e}");
        };
        refused(args(&[], None, Some("a.pdf"), None, None), "どちらか一方");
        refused(args(&["a"], Some(2025), None, Some("d"), None), "どちらか一方");
        refused(args(&[], Some(2025), None, None, None), "どれか一つ");
        refused(args(&[], Some(2025), None, Some("d"), Some("m.pdf")), "どれか一つ");
        refused(args(&[], Some(2025), Some("a.pdf"), None, None), "--out-dir（フォルダ）か --merge");
        refused(args(&["a", "b"], None, Some("a.pdf"), None, None), "--out-dir（フォルダ）か --merge");
        refused(PdfArgs { version: Some(2), ..args(&[], Some(2025), None, Some("d"), None) }, "--version は");
    }

    #[test]
    fn the_summary_says_what_was_made_and_what_was_not() {
        let r =
            BatchReport { form: FormKind::Opinion, selected: 10, printed: 10, skipped_drafts: 2, cancelled: false, files: vec![], pages: 10, bytes: 300_000 };
        let merged = BatchOutput::Merged("年度.pdf".into());
        let s = summary(&r, &merged);
        assert!(s.contains("10件を1つのPDFにまとめました") && s.contains("10ページ") && s.contains("下書き2件は印刷していません"), "{s}");
        let cancelled = BatchReport { cancelled: true, printed: 4, ..r };
        let s = summary(&cancelled, &BatchOutput::Folder("dir".into()));
        assert!(s.contains("中止しました") && s.contains("10件中4件を作成済み"), "{s}");
    }
}
