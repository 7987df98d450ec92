//! Printing a fiscal year's 意見書 at once, against a real encrypted store with demo records, read
//! back by poppler (`pdftotext`, `pdfinfo`, `pdffonts`), which did not write them.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use chisanpo_domain::domain::{RecordKind, RecordStatus};
use chisanpo_forms::forms::FormKind;
use chisanpo_reports::prelude::*;
use chisanpo_reports::print::batch::{BatchOutput, BatchProgress, BatchSelection};
use chisanpo_store::{demo, testing, ListFilter, RecordSummary, Store};

/// A store with a few hundred demo records, and the fiscal year with the most finalised
/// interviews (with drafts among its interviews, if a year has any).
fn store_with_interviews() -> (tempfile::TempDir, Store, i32) {
    let (tmp, s) = testing::store();
    demo::generate(&s, 240, 18).unwrap();
    let all = interviews(&s, None);
    let years: BTreeSet<i32> = all.iter().filter_map(|r| r.fiscal_year).collect();
    let finals = |y: i32| all.iter().filter(|r| r.fiscal_year == Some(y) && r.status == RecordStatus::Final).count();
    let drafts = |y: i32| all.iter().filter(|r| r.fiscal_year == Some(y) && r.status == RecordStatus::Draft).count();
    let year = years.into_iter().max_by_key(|y| (drafts(*y).min(1), finals(*y))).expect("the demo has interviews");
    assert!(finals(year) >= 3, "too few interviews in FY{year} to test a batch");
    (tmp, s, year)
}

fn interviews(s: &Store, year: Option<i32>) -> Vec<RecordSummary> {
    s.list_records(&ListFilter { kind: Some(RecordKind::Interview), fiscal_year: year, ..Default::default() }).unwrap()
}

fn finalised(s: &Store, year: i32) -> Vec<RecordSummary> {
    interviews(s, Some(year)).into_iter().filter(|r| r.status == RecordStatus::Final).collect()
}

fn fiscal_year(year: i32) -> BatchSelection {
    BatchSelection::FiscalYear { fiscal_year: year }
}

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool).args(args).arg(pdf).args(if tool == "pdftotext" { &["-"][..] } else { &[][..] }).output();
    let out = out.unwrap_or_else(|e| panic!("{tool} is needed (Debian poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed on {}: {}", pdf.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("no page count: {info}"));
    line["Pages:".len()..].trim().parse().unwrap()
}

fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    files
}

/// What `pdftotext` shows for a record, without white space (the layout splits lines): its 実施日
/// in 和暦 (labelled 実施日 on the long-hours 意見書, 実施年月日 on the high-stress one), and its worker.
fn expected_text(r: &RecordSummary) -> (String, String) {
    let worker = r.worker_name.clone().expect("a demo interview names its worker");
    let on = r.performed_on.expect("a finalised interview has its date").wareki();
    (flat(&on), flat(&worker))
}

fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn no_progress(_: BatchProgress) {}

/// A fiscal year into a folder: one PDF per finalised interview, each showing its own 実施日 and
/// worker; drafts skipped and counted; every print in the audit log with its place kept.
#[test]
fn a_fiscal_year_into_a_folder_gives_one_pdf_per_finalised_interview() {
    let (tmp, s, year) = store_with_interviews();
    let finals = finalised(&s, year);
    let drafts = interviews(&s, Some(year)).len() - finals.len();
    let dir = tmp.path().join("意見書");
    let seen = Mutex::new(0u32);
    let report = s
        .print_batch(
            FormKind::Opinion,
            &fiscal_year(year),
            &BatchOutput::Folder(dir.clone()),
            &|p| *seen.lock().unwrap() += p.total.min(1),
            &AtomicBool::new(false),
        )
        .unwrap();
    assert!(!report.cancelled);
    assert_eq!((report.selected as usize, report.printed as usize, report.skipped_drafts as usize), (finals.len(), finals.len(), drafts));
    assert_eq!(*seen.lock().unwrap() as usize, finals.len(), "one progress report per document");
    let files = pdfs_in(&dir);
    assert_eq!(files.len(), finals.len(), "{files:?}");
    assert_eq!(files.iter().map(|p| p.display().to_string()).collect::<BTreeSet<_>>(), report.files.iter().cloned().collect());
    for r in &finals {
        let short: String = r.id.chars().filter(|c| c.is_ascii_hexdigit()).take(8).collect();
        let date = r.performed_on.unwrap().iso();
        // Among the files of its date and id prefix, one shows this worker.
        let (on, worker) = expected_text(r);
        let found = files.iter().filter(|f| f.file_name().unwrap().to_string_lossy().contains(&format!("_{date}_{short}"))).any(|f| {
            let text = flat(&poppler("pdftotext", &["-raw"], f));
            text.contains(&on) && text.contains(&worker) && text.contains(&r.id)
        });
        assert!(found, "no PDF shows {} ({on}, {worker})", r.id);
        let last = s.audit_trail(&r.id).unwrap().pop().unwrap();
        assert_eq!((last.action.as_str(), last.detail["saved"].as_bool(), last.detail["form"].as_str()), ("print", Some(true), Some("opinion")));
        assert_eq!(last.detail["batch"].as_u64(), Some(finals.len() as u64));
        assert!(!last.detail.to_string().contains(&worker), "the audit log names no worker: {}", last.detail);
        assert_eq!(s.saved_copies_of(&r.id).unwrap().len(), 1);
    }
    for f in &files {
        assert_eq!(pdf_pages(f), 1, "{}", f.display());
        assert!(!f.file_name().unwrap().to_string_lossy().starts_with('.'), "a temporary file was left: {}", f.display());
    }
}

/// A fiscal year merged into one PDF: one page per 意見書 in the order they happened, every
/// record's text there, and its fonts embedded subsets that still give the text back.
#[test]
fn a_fiscal_year_merged_has_a_page_per_opinion_and_working_fonts() {
    let (tmp, s, year) = store_with_interviews();
    let mut finals = finalised(&s, year);
    finals.reverse();
    let out = tmp.path().join("年度の意見書.pdf");
    let report = s.print_batch(FormKind::Opinion, &fiscal_year(year), &BatchOutput::Merged(out.clone()), &no_progress, &AtomicBool::new(false)).unwrap();
    assert_eq!((report.printed as usize, report.pages as usize, report.cancelled), (finals.len(), finals.len(), false));
    assert_eq!(report.files, [out.display().to_string()]);
    assert_eq!(pdf_pages(&out), finals.len());
    let text = poppler("pdftotext", &["-raw"], &out);
    let pages: Vec<String> = text.split('\u{c}').map(flat).collect();
    assert_eq!(pages.iter().filter(|p| !p.is_empty()).count(), finals.len());
    for (page, r) in pages.iter().zip(&finals) {
        let (on, worker) = expected_text(r);
        assert!(page.contains(&r.id) && page.contains(&on) && page.contains(&worker), "page of {} lacks {on} or {worker}:\n{page}", r.id);
    }
    let fonts = poppler("pdffonts", &[], &out);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        // name, type, encoding, emb, sub, uni: every font embedded, subset, with a ToUnicode map.
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert!(cols[0].contains('+') && cols[n - 5..n - 2] == ["yes", "yes", "yes"], "{row}");
    }
    assert_eq!(s.saved_copies_of(&finals[0].id).unwrap(), [out.display().to_string()]);
}

/// Merged for printing, as a single print goes (ADR 0017): one PDF inside the private spool,
/// named for the year and no person, audited as gone to the spool (no saved copy kept until
/// 廃棄), and gone when the spool is cleared; a cancel leaves nothing in the spool.
#[test]
fn a_fiscal_year_merged_for_printing_goes_to_the_spool_only() {
    let (_tmp, s, year) = store_with_interviews();
    let finals = finalised(&s, year);
    let cancel = AtomicBool::new(false);
    let stopped = s.print_batch(FormKind::Opinion, &fiscal_year(year), &BatchOutput::Spool, &|_| cancel.store(true, Ordering::Relaxed), &cancel).unwrap();
    assert!(stopped.cancelled && stopped.files.is_empty());
    assert!(!s.spool().dir().exists() || pdfs_in(s.spool().dir()).is_empty(), "a cancelled batch left a file in the spool");

    let report = s.print_batch(FormKind::Opinion, &fiscal_year(year), &BatchOutput::Spool, &no_progress, &AtomicBool::new(false)).unwrap();
    assert_eq!((report.printed as usize, report.pages as usize), (finals.len(), finals.len()));
    let pdf = PathBuf::from(&report.files[0]);
    assert!(s.spool().holds(&pdf), "{}", pdf.display());
    let name = pdf.file_name().unwrap().to_string_lossy().to_string();
    assert!(name.ends_with(&format!("_{}_{}.pdf", FormKind::Opinion.label(), chisanpo_domain::domain::wareki::format_fiscal_year(year))), "{name}");
    assert_eq!(pdf_pages(&pdf), finals.len());
    let last = s.audit_trail(&finals[0].id).unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.detail["to"].as_str(), last.detail.get("saved")), ("print", Some("spool"), None));
    assert!(s.saved_copies_of(&finals[0].id).unwrap().is_empty(), "a print for the viewer is not a saved copy");
    assert_eq!(s.spool().clear(), 1);
}

/// A cancelled merge leaves no file at all (nothing half written, no temporary), says it was
/// cancelled, and audits nothing.
#[test]
fn a_cancelled_merge_leaves_no_file() {
    let (tmp, s, year) = store_with_interviews();
    let first = finalised(&s, year)[0].id.clone();
    let audited = s.audit_trail(&first).unwrap().len();
    let out_dir = tmp.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("意見書.pdf");
    let cancel = AtomicBool::new(false);
    let report =
        s.print_batch(FormKind::Opinion, &fiscal_year(year), &BatchOutput::Merged(out.clone()), &|_| cancel.store(true, Ordering::Relaxed), &cancel).unwrap();
    assert!(report.cancelled);
    assert_eq!((report.printed, report.files.len()), (0, 0));
    assert!(!out.exists());
    assert!(pdfs_in(&out_dir).is_empty(), "{:?}", pdfs_in(&out_dir));
    assert_eq!(s.audit_trail(&first).unwrap().len(), audited, "nothing was printed, nothing audited");
}

/// A cancelled folder batch leaves only complete PDFs, as many as it says, and audits those.
#[test]
fn a_cancelled_folder_batch_leaves_only_complete_files_and_says_how_many() {
    let (tmp, s, year) = store_with_interviews();
    let dir = tmp.path().join("途中まで");
    let cancel = AtomicBool::new(false);
    let report = s
        .print_batch(FormKind::Opinion, &fiscal_year(year), &BatchOutput::Folder(dir.clone()), &|p| cancel.store(p.done >= 2, Ordering::Relaxed), &cancel)
        .unwrap();
    assert!(report.cancelled);
    let files = pdfs_in(&dir);
    assert_eq!(files.len(), report.printed as usize);
    assert!(report.printed >= 2 && report.printed < report.selected, "{report:?}");
    for f in &files {
        assert_eq!(pdf_pages(f), 1, "{}", f.display());
    }
    let printed = finalised(&s, year).into_iter().filter(|r| s.audit_trail(&r.id).unwrap().last().is_some_and(|e| e.action == "print")).count();
    assert_eq!(printed, report.printed as usize);
}

/// A year with no finalised interview, or no record chosen, is refused in Japanese, saying what to
/// do; nothing is written.
#[test]
fn an_empty_selection_says_why_in_japanese() {
    let (tmp, s, _) = store_with_interviews();
    let out = tmp.path().join("none");
    let e = s.print_batch(FormKind::Opinion, &fiscal_year(1999), &BatchOutput::Folder(out.clone()), &no_progress, &AtomicBool::new(false)).unwrap_err();
    let m = e.to_string();
    assert!(m.contains("1999年度に確定した面接指導の記録がありません") && m.contains("年度を確かめる"), "{m}");
    let e = s
        .print_batch(FormKind::Opinion, &BatchSelection::Records { ids: vec![] }, &BatchOutput::Merged(out.clone()), &no_progress, &AtomicBool::new(false))
        .unwrap_err();
    assert!(e.to_string().contains("印刷する記録が選ばれていません"), "{e}");
    assert!(!out.exists());
}

/// Records chosen by id are printed in the order given, a draft among them marked 下書き; a record
/// of another kind is refused by its id before anything is written.
#[test]
fn chosen_records_print_in_their_order_with_drafts_marked() {
    let (tmp, s, _) = store_with_interviews();
    let all = interviews(&s, None);
    let draft = all.iter().find(|r| r.status == RecordStatus::Draft && r.performed_on.is_some());
    let finals: Vec<&RecordSummary> = all.iter().filter(|r| r.status == RecordStatus::Final).take(2).collect();
    let mut ids: Vec<String> = finals.iter().map(|r| r.id.clone()).collect();
    ids.extend(draft.map(|d| d.id.clone()));
    let out = tmp.path().join("選んだ記録.pdf");
    let report = s
        .print_batch(FormKind::Opinion, &BatchSelection::Records { ids: ids.clone() }, &BatchOutput::Merged(out.clone()), &no_progress, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(report.printed as usize, ids.len());
    let text = poppler("pdftotext", &[], &out);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    for (page, id) in pages.iter().zip(&ids) {
        assert!(page.contains(id.as_str()), "{id} is not on its page");
    }
    if draft.is_some() {
        assert!(pages[2].contains("下書き"), "the draft is not marked:\n{}", pages[2]);
    }

    let consultation = s.list_records(&ListFilter { kind: Some(RecordKind::Consultation), ..Default::default() }).unwrap()[0].id.clone();
    let other = tmp.path().join("混在.pdf");
    let e = s
        .print_batch(
            FormKind::Opinion,
            &BatchSelection::Records { ids: vec![ids[0].clone(), consultation.clone()] },
            &BatchOutput::Merged(other.clone()),
            &no_progress,
            &AtomicBool::new(false),
        )
        .unwrap_err();
    assert!(e.to_string().contains(&consultation) && e.to_string().contains("面接指導の記録だけ"), "{e}");
    assert!(!other.exists());
}
