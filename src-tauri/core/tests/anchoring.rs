//! Issue 13, finding High 2: the audit chain is anchored outside the database (ADR 0020).
//!
//! Each attack is performed on a real encrypted store in a temporary folder, exactly as the
//! review measured it: a `-wal` deleted after a crash right after 確定, an older `chisanpo.db`
//! copied over the current one (same keyring), and both the database and its `anchor.json`
//! copied back, which only the newest backup can show. Each must now be reported, by unlock
//! (`anchor_problem`) and by `verify`, naming what was lost.

use std::fs;
use std::path::Path;

use chisanpo_core::demo;
use chisanpo_core::domain::{RecordStatus, Staff, StaffRole};
use chisanpo_core::prelude::*;
use chisanpo_core::store::anchor::ANCHOR_FILE;
use chisanpo_core::store::{backup, KdfParams, ListFilter, Passphrase, Secret, Store};

const PASS: &str = "アンカー試験のパスフレーズ";

fn doctor() -> Staff {
    Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), affiliation: "さんぽクリニック".into(), ..Default::default() }
}

fn open(dir: &Path) -> Store {
    Store::open(dir, &Passphrase::new(PASS)).expect("the store opens")
}

/// A store with demo records, some of them drafts.
fn store_with_drafts(dir: &Path) -> Store {
    let s = Store::init_with(dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).unwrap().0;
    demo::generate(&s, 40, 3).unwrap();
    s
}

fn drafts(s: &Store) -> Vec<String> {
    s.list_records(&ListFilter { status: Some(RecordStatus::Draft), ..Default::default() }).unwrap().into_iter().map(|r| r.id).collect()
}

/// Finalise up to `n` drafts; returns their ids.
fn finalise_some(s: &Store, n: usize) -> Vec<String> {
    let done: Vec<String> = drafts(s).into_iter().filter(|id| s.finalise(id).is_ok()).take(n).collect();
    assert_eq!(done.len(), n, "the demo store has {n} drafts that can be finalised");
    done
}

fn status(s: &Store, id: &str) -> RecordStatus {
    s.get_record(id).unwrap().summary.status
}

/// The database's files (what the attacker copies), from `dir` into `to`: the database, its
/// write-ahead log if there is one, and the anchor if asked.
fn copy_db(dir: &Path, to: &Path, with_anchor: bool) {
    fs::create_dir_all(to).unwrap();
    fs::copy(dir.join("chisanpo.db"), to.join("chisanpo.db")).unwrap();
    if dir.join("chisanpo.db-wal").exists() {
        fs::copy(dir.join("chisanpo.db-wal"), to.join("chisanpo.db-wal")).unwrap();
    }
    if with_anchor {
        fs::copy(dir.join(ANCHOR_FILE), to.join(ANCHOR_FILE)).unwrap();
    }
}

/// Put copied files back over the store, with no `-wal` or `-shm` left.
fn put_back(from: &Path, dir: &Path, with_anchor: bool) {
    for f in ["chisanpo.db-wal", "chisanpo.db-shm"] {
        let _ = fs::remove_file(dir.join(f));
    }
    fs::copy(from.join("chisanpo.db"), dir.join("chisanpo.db")).unwrap();
    if from.join("chisanpo.db-wal").exists() {
        fs::copy(from.join("chisanpo.db-wal"), dir.join("chisanpo.db-wal")).unwrap();
    }
    if with_anchor {
        fs::copy(from.join(ANCHOR_FILE), dir.join(ANCHOR_FILE)).unwrap();
    }
}

#[test]
fn a_deleted_wal_after_a_crash_right_after_finalising_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = store_with_drafts(&dir);
    drop(s);
    assert!(!dir.join("chisanpo.db-wal").exists(), "a clean close folds the log into the database");
    let s = open(&dir);
    // The crash image: the database file as it is while the app runs, with 確定 still only in
    // the write-ahead log; then the log is deleted.
    let finalised = finalise_some(&s, 1);
    let crash = tmp.path().join("crash");
    fs::create_dir_all(&crash).unwrap();
    fs::copy(dir.join("chisanpo.db"), crash.join("chisanpo.db")).unwrap();
    drop(s);
    put_back(&crash, &dir, false);

    let s = open(&dir);
    assert_eq!(status(&s, &finalised[0]), RecordStatus::Draft, "the attack works: the finalised record is a draft again");
    let at_unlock = s.anchor_problem().expect("the unlock notices the lost writes");
    assert!(at_unlock.contains("失われています") && at_unlock.contains("chisanpo.db-wal"), "{at_unlock}");
    let report = s.verify().unwrap();
    assert!(!report.ok, "verify passed a store that lost its last writes: {report:?}");
    assert!(report.problems.iter().any(|p| p.contains("番目で終わっています")), "{:?}", report.problems);
    // The anchor stays where it was while the problem stands: more writes do not hide it.
    finalise_some(&s, 1);
    drop(s);
    let s = open(&dir);
    assert!(s.anchor_problem().is_some(), "writes after the loss must not move the anchor past it");
}

#[test]
fn an_older_database_copied_over_the_current_one_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    drop(store_with_drafts(&dir));
    let old = tmp.path().join("old");
    copy_db(&dir, &old, false);
    let s = open(&dir);
    let finalised = finalise_some(&s, 5);
    drop(s);
    put_back(&old, &dir, false);

    let s = open(&dir);
    assert!(finalised.iter().all(|id| status(&s, id) == RecordStatus::Draft), "the attack works: five finalised records are drafts again");
    let report = s.verify().unwrap();
    assert!(!report.ok, "verify passed an older database: {report:?}");
    assert!(report.problems.iter().any(|p| p.contains("anchor.json") && p.contains("失われています")), "{:?}", report.problems);
    // The user accepts the loss explicitly (after restoring what could be restored): recorded
    // in the audit log, and the store verifies again.
    s.reanchor().unwrap();
    assert!(s.anchor_problem().is_none());
    assert!(s.verify().unwrap().ok);
    let trail = s.audit_trail("anchor").unwrap();
    assert_eq!(trail.last().unwrap().detail["had_problem"], true);
}

#[test]
fn a_changed_or_deleted_anchor_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let s = store_with_drafts(&dir);
    finalise_some(&s, 1);
    drop(s);
    // Edited without the key (a lower sequence number, to hide a later loss).
    let text = fs::read_to_string(dir.join(ANCHOR_FILE)).unwrap();
    let edited = text.replacen("\"seq\": ", "\"seq\": 1", 1);
    assert_ne!(edited, text);
    fs::write(dir.join(ANCHOR_FILE), edited).unwrap();
    let s = open(&dir);
    assert!(s.anchor_problem().unwrap().contains("書き換えられています"));
    assert!(!s.verify().unwrap().ok);
    drop(s);
    // Deleted: the database says it was anchored, so the absence is reported, not re-created.
    fs::remove_file(dir.join(ANCHOR_FILE)).unwrap();
    let s = open(&dir);
    assert!(s.anchor_problem().unwrap().contains("anchor.json がありません"));
    assert!(!dir.join(ANCHOR_FILE).exists());
    assert!(!s.verify().unwrap().ok);
}

/// The attacker copies back both the old database and its old anchor: the pair is consistent,
/// so only the newest backup, which saw the later writes, can tell. `verify` names the records.
#[test]
fn an_older_database_with_its_own_anchor_is_caught_by_the_newest_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let backups = tmp.path().join("backups");
    let s = store_with_drafts(&dir);
    s.set_backup_settings(&backups.display().to_string(), 7).unwrap();
    drop(s);
    let old = tmp.path().join("old");
    copy_db(&dir, &old, true);
    let s = open(&dir);
    let finalised = finalise_some(&s, 3);
    s.auto_backup(true).unwrap().expect("a backup into the folder");
    assert!(s.verify().unwrap().ok, "a store with a backup of itself verifies");
    drop(s);
    put_back(&old, &dir, true);

    let s = open(&dir);
    assert!(s.anchor_problem().is_none(), "the old pair is consistent on its own");
    let report = s.verify().unwrap();
    assert!(!report.ok, "verify passed an older database and anchor: {report:?}");
    let gap = report.backup_gap.as_ref().expect("the gap to the newest backup");
    let mut missing = gap.missing_records.clone();
    missing.sort();
    let mut expected = finalised.clone();
    expected.sort();
    assert_eq!(missing, expected, "verify names exactly the records the backup holds in a newer version");
    assert!(report.problems.iter().any(|p| p.contains("最新のバックアップ")), "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| finalised.iter().all(|id| p.contains(id.as_str()))), "{:?}", report.problems);
    // No copy of the backup's database is left in the data folder.
    assert!(fs::read_dir(&dir).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".verify-")));
}

/// Legitimate changes never trip the anchor: a restore of an older generation from the backup
/// folder (confirmed), with newer backups beside it, and the store reopened.
#[test]
fn a_restore_moves_the_anchor_with_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let backups = tmp.path().join("backups");
    let s = store_with_drafts(&dir);
    s.set_backup_settings(&backups.display().to_string(), 7).unwrap();
    let file = s.auto_backup(true).unwrap().unwrap().path;
    finalise_some(&s, 2);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    s.auto_backup(true).unwrap().expect("a newer generation");
    drop(s);
    backup::restore(&dir, Path::new(&file), &Secret::Passphrase(Passphrase::new(PASS)), true).unwrap();
    let s = open(&dir);
    assert!(s.anchor_problem().is_none());
    let report = s.verify().unwrap();
    assert!(report.ok, "{report:?}");
    finalise_some(&s, 1);
    drop(s);
    let s = open(&dir);
    assert!(s.anchor_problem().is_none() && s.verify().unwrap().ok);
}
