//! Progress and 中止 of the long operations (issue 17), on a real encrypted demo store: each says
//! what it is doing and how far, never going backwards, and 中止 leaves nothing half made — no
//! ledger file, no backup file, no worker row, the live store untouched by a restore.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chisanpo_core::domain::{Staff, StaffRole, Worker, Workplace};
use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::prelude::*;
use chisanpo_core::progress::{self, Step};
use chisanpo_core::store::{backup, KdfParams, Passphrase, Secret, Store};
use chisanpo_core::{demo, Error};

mod delivery_common;

const PASS: &str = "進捗テストのパスフレーズ";

fn demo_store(dir: &std::path::Path, records: usize) -> Store {
    let profile = Staff { role: Some(StaffRole::Doctor), name: "進捗 医師".into(), ..Default::default() };
    let (store, _) = Store::init_with(&dir.join("data"), &Passphrase::new(PASS), &profile, KdfParams::MINIMUM).unwrap();
    demo::generate(&store, records, 7).unwrap();
    store
}

/// Run `f` with its steps collected; `stop_at` sets 中止 on the first step whose label it names.
fn observed<T>(stop_at: Option<&'static str>, f: impl FnOnce() -> T) -> (T, Vec<Step>) {
    observed_until(move |s| stop_at.is_some_and(|l| s.label.contains(l)), f)
}

/// Run `f` with its steps collected; 中止 is set on the first step `stop` picks.
fn observed_until<T>(stop: impl Fn(&Step) -> bool + 'static, f: impl FnOnce() -> T) -> (T, Vec<Step>) {
    let cancel = Arc::new(AtomicBool::new(false));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = {
        let (seen, cancel) = (seen.clone(), cancel.clone());
        move |s: &Step| {
            if stop(s) {
                cancel.store(true, Ordering::Relaxed);
            }
            seen.borrow_mut().push(s.clone());
        }
    };
    let out = progress::run(sink, Some(cancel), f);
    let steps = seen.borrow().clone();
    (out, steps)
}

fn never_backwards(steps: &[Step]) {
    for w in steps.windows(2) {
        if w[0].label == w[1].label {
            assert!(w[0].done <= w[1].done, "{w:?}");
        }
    }
}

#[test]
fn a_ledger_export_says_how_far_it_is_and_stopped_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path(), 120);
    let fy = s.list_records(&Default::default()).unwrap().iter().filter_map(|r| r.fiscal_year).max().unwrap();
    let filter = LedgerFilter { fiscal_year: Some(fy), ..Default::default() };
    let out = dir.path().join("台帳.pdf");
    let (r, steps) = observed(None, || s.export_ledger(LedgerKind::Consultation, &filter, ExportFormat::Pdf, CsvEncoding::Utf8Bom, &out));
    let rows = r.unwrap().rows as u64;
    assert!(rows > 0);
    never_backwards(&steps);
    let labels: Vec<&str> = steps.iter().map(|s| s.label.as_str()).collect();
    assert!(labels.contains(&"記録を読み込んでいます") && labels.contains(&"台帳を PDF にしています"), "{labels:?}");
    let pdf_last = steps.iter().rev().find(|s| s.label == "台帳を PDF にしています").unwrap();
    assert_eq!((pdf_last.done, pdf_last.total), (rows, rows), "the bar reaches the end");
    let writing = steps.iter().filter(|s| s.label == "ファイルに書き出しています").collect::<Vec<_>>();
    assert_eq!(steps.last().unwrap().label, "ファイルに書き出しています");
    assert!(writing.iter().all(|s| !s.cancellable), "once the file is being written, 中止 is no longer offered: {writing:?}");
    assert!(steps.iter().filter(|s| s.label != "ファイルに書き出しています").all(|s| s.cancellable));
    std::fs::remove_file(&out).unwrap();

    let (r, _) = observed(Some("PDF"), || s.export_ledger(LedgerKind::Consultation, &filter, ExportFormat::Pdf, CsvEncoding::Utf8Bom, &out));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(!out.exists(), "no file, not even part of one");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("台帳")).count(), 0);
}

#[test]
fn the_annual_report_counts_with_progress_and_can_be_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path(), 80);
    let fy = s.list_records(&Default::default()).unwrap().iter().filter_map(|r| r.fiscal_year).max().unwrap();
    let (r, steps) = observed(None, || s.annual_report(fy));
    r.unwrap();
    assert!(steps.iter().any(|s| s.label == "記録を数えています" && s.total > 0), "{steps:?}");
    let xlsx = dir.path().join("実績.xlsx");
    let (r, _) = observed(Some("数えて"), || s.write_annual_report(fy, &xlsx, None));
    assert!(matches!(r, Err(Error::Cancelled)));
    assert!(!xlsx.exists());
    // Written whole: once writing, no 中止 is offered (it would be ignored).
    let (r, steps) = observed(None, || s.write_annual_report(fy, &xlsx, None));
    r.unwrap();
    let writing: Vec<&Step> = steps.iter().filter(|s| s.label == "ファイルに書き出しています").collect();
    assert!(!writing.is_empty() && writing.iter().all(|s| !s.cancellable), "{writing:?}");
}

#[test]
fn a_stopped_backup_leaves_no_file_and_a_finished_one_reached_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path(), 60);
    let folder = dir.path().join("backups");
    let (r, _) = observed(Some("複写"), || s.backup(&folder.join("b.chisanpo-backup")));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0, "neither the backup nor its staging file");
    let (r, steps) = observed(None, || s.backup(&folder.join("b.chisanpo-backup")));
    let info = r.unwrap();
    let copied = steps.iter().rev().find(|s| s.label == "データベースを複写しています").unwrap();
    assert!(copied.total > 0 && copied.done == copied.total, "{copied:?}");
    assert!(copied.cancellable);
    let writing: Vec<&Step> = steps.iter().filter(|s| s.label == "バックアップファイルを書き出しています").collect();
    assert!(!writing.is_empty() && writing.iter().all(|s| !s.cancellable), "no 中止 once the file is written: {writing:?}");
    never_backwards(&steps);

    // A restore stopped while the backup is checked leaves the live store as it was.
    let before = s.list_records(&Default::default()).unwrap().len();
    let data = dir.path().join("data");
    drop(s);
    let (r, steps) =
        observed(Some("確かめて"), || backup::restore(&data, std::path::Path::new(&info.path), &Secret::Passphrase(Passphrase::new(PASS)), false));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(steps.iter().all(|s| s.cancellable));
    let untouched = |data: &std::path::Path| {
        let s = Store::open(data, &Passphrase::new(PASS)).unwrap();
        assert_eq!(s.list_records(&Default::default()).unwrap().len(), before);
        assert!(!std::fs::read_dir(data).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with(".restore-")), "no staging left");
    };
    untouched(&data);
    // Stopped while the copy is checked: on a damaged copy, the stop comes before its hash is
    // compared (so 中止, not 壊れています), and the store is untouched.
    let damaged = dir.path().join("damaged.chisanpo-backup");
    let mut bytes = std::fs::read(&info.path).unwrap();
    *bytes.last_mut().unwrap() ^= 0x55;
    std::fs::write(&damaged, &bytes).unwrap();
    let restore_damaged = || backup::restore(&data, &damaged, &Secret::Passphrase(Passphrase::new(PASS)), false);
    assert!(matches!(restore_damaged(), Err(Error::BackupInvalid { .. })), "the damage is seen when not stopped");
    let (r, _) = observed(Some("確かめて"), restore_damaged);
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    untouched(&data);
    // Stopped after the check, before the swap: the same.
    let (r, steps) = observed_until(
        |s| s.label.contains("確かめて") && s.done == 1,
        || backup::restore(&data, std::path::Path::new(&info.path), &Secret::Passphrase(Passphrase::new(PASS)), false),
    );
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(steps.iter().any(|s| s.done == 1), "{steps:?}");
    untouched(&data);
    // Not stopped: the last stage, replacing the store, offers no 中止.
    let (r, steps) = observed(None, || backup::restore(&data, std::path::Path::new(&info.path), &Secret::Passphrase(Passphrase::new(PASS)), false));
    r.unwrap();
    let replacing = steps.iter().find(|s| s.label.contains("置き換えて")).expect("the swap is reported");
    assert!(!replacing.cancellable, "{replacing:?}");
    untouched(&data);
}

#[test]
fn a_stopped_worker_import_adds_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path(), 0);
    let wp = s.add_workplace(&Workplace { name: "取込工業".into(), ..Default::default() }).unwrap();
    let workers: Vec<Worker> = (0..30).map(|i| Worker { name: format!("取込 {i}"), ..Default::default() }).collect();
    let (r, _) = observed(Some("登録"), || s.import_workers(&wp, &workers));
    assert!(matches!(r, Err(Error::Cancelled)));
    assert!(s.search_workers("", Some(&wp), 100).unwrap().is_empty(), "one transaction, rolled back");
    let (r, steps) = observed(None, || s.import_workers(&wp, &workers));
    assert_eq!(r.unwrap().len(), 30);
    assert_eq!(steps.last().map(|s| (s.done, s.total)), Some((30, 30)));
}

#[test]
fn a_stopped_directory_import_adds_no_body_and_a_finished_one_reaches_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let s = demo_store(dir.path(), 0);
    let mut csv = String::from("名称,フリガナ,種別,郵便番号,所在地,地域,電話番号,対応内容,備考\r\n");
    for i in 0..25 {
        csv.push_str(&format!("進捗クリニック{i},,精神科・心療内科,,静岡市葵区{i},静岡市,054-000-{i:04},,\r\n"));
    }
    let listed = |s: &Store| s.search_directory(&Default::default(), 100).unwrap().len();
    let before = listed(&s);
    let (r, _) = observed_until(|s| s.label.contains("名簿") && s.done == 10, || s.import_directory(csv.as_bytes()));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert_eq!(listed(&s), before, "one transaction: the ten lines before 中止 rolled back too");
    let (r, steps) = observed(None, || s.import_directory(csv.as_bytes()));
    assert_eq!(r.unwrap().added, 25);
    assert_eq!(listed(&s), before + 25);
    assert_eq!(steps.last().map(|s| (s.done, s.total)), Some((25, 25)), "the bar reaches its end");
    never_backwards(&steps);
}

#[test]
fn a_centre_import_stops_between_bundles_and_the_next_import_applies_the_rest() {
    use chisanpo_core::delivery::FolderTransport;
    use delivery_common::*;
    let w = world();
    let outbox = w.synced();
    let a = new_store(&w.root.join("a"), "進捗 一郎");
    let req = a.enrol(&w.profile).unwrap();
    assert!(w.centre.centre_enrol_device(&req).unwrap());
    // Three deliveries, three bundles (three workers: a second consultation of one is charged).
    for (day, name) in [(10, WORKER_A), (11, WORKER_B), (12, "進捗 三郎")] {
        let (wp, wk) = worker(&a, name);
        finalised(&a, &consultation(&a, &wp, &wk, day, HEALTH));
        a.deliver(&FolderTransport::new(&outbox)).unwrap();
    }
    assert_eq!(bundles_in(&outbox).len(), 3);

    // 中止 while the second bundle is reached: the first is applied whole, no other.
    let (r, steps) = observed_until(|s| s.label.contains("取り込んで") && s.done == 1, || w.centre.centre_import(&outbox));
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    assert!(steps.iter().all(|s| s.cancellable));
    assert_eq!(consolidated_pairs(&w.centre).len(), 1, "only the bundle before 中止");

    let (r, steps) = observed(None, || w.centre.centre_import(&outbox));
    let r = r.unwrap();
    assert_eq!(r.bundles_applied.len(), 2, "{r:?}");
    assert_eq!(consolidated_pairs(&w.centre), pairs(&a), "the rest arrived on the next import");
    let importing: Vec<&Step> = steps.iter().filter(|s| s.label.contains("取り込んで")).collect();
    assert_eq!(importing.last().map(|s| (s.done, s.total)), Some((3, 3)), "the bar reaches its end: {importing:?}");
    never_backwards(&steps);
}
