//! Integration tests of the encrypted store, against real SQLCipher files in temporary folders.
//!
//! - nothing readable on disk: no names, no health text, no SQLite header;
//! - opening the wrong thing (wrong passphrase, empty folder, foreign or random database, a
//!   folder that cannot be created) fails with the right error and changes nothing;
//! - the record lifecycle survives closing and reopening;
//! - tampering with the audit log or a finalised version behind the store's back is detected;
//! - a store made by schema version 1 (a committed fixture) upgrades to the fresh schema.
//!
//! The stores use the minimum KDF cost so the tests run fast.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chisanpo_core::demo;
use chisanpo_core::domain::fiscal::fiscal_year;
use chisanpo_core::domain::{
    Consultation, ConsultationKind, Date, Place, RecordBody, RecordStatus, Requester, Sex, Snapshot, Staff, StaffRole, VersionContent, Worker, Workplace,
};
use chisanpo_core::prelude::*;
use chisanpo_core::store::audit::{self, sha256_hex, Action, Actor};
use chisanpo_core::store::records::retain_until;
use chisanpo_core::store::{raw_connection, schema, KdfParams, Keyring, ListFilter, Passphrase, RecoveryKey, Store};
use chisanpo_core::Error;
use rusqlite::{params, Connection};

const PASS: &str = "結合テストのパスフレーズ";

fn doctor() -> Staff {
    Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), affiliation: "さんぽクリニック".into(), ..Default::default() }
}

/// A new store in `dir` (which must not hold one yet).
fn new_store(dir: &Path) -> Store {
    Store::init_with(dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).expect("a new store can be created").0
}

fn open(dir: &Path) -> Store {
    Store::open(dir, &Passphrase::new(PASS)).expect("the store opens with its passphrase")
}

fn file_hash(path: &Path) -> String {
    sha256_hex(&std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
}

/// A complete consultation by the store's own doctor, about a worker of a workplace.
fn consultation(store: &Store, workplace_id: &str, worker_id: &str, content: &str) -> RecordBody {
    RecordBody::Consultation(Consultation {
        performed_on: Date::ymd(2025, 6, 10),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(store.actor().id.clone()),
        workplace_id: Some(workplace_id.into()),
        worker_id: Some(worker_id.into()),
        requester: Some(Requester::Worker),
        kinds: vec![ConsultationKind::HealthGuidance],
        content: content.into(),
        ..Default::default()
    })
}

fn with_content(body: &RecordBody, content: &str) -> RecordBody {
    let RecordBody::Consultation(c) = body else { panic!("a consultation was expected") };
    RecordBody::Consultation(Consultation { content: content.into(), ..c.clone() })
}

// ---------------------------------------------------------------------------------------------
// a. Nothing readable on disk
// ---------------------------------------------------------------------------------------------

const WORKPLACE_NAME: &str = "鷲尾製作所";
const WORKPLACE_KANA: &str = "ワシオセイサクショ";
const WORKER_NAME: &str = "鷲尾 ヒカル";
const WORKER_KANA: &str = "ワシオ ヒカル";
const ASCII_NAME: &str = "Zyxwvut";
const HEALTH_PHRASE: &str = "左冠動脈の狭窄を疑う所見あり";
const HEALTH_PHRASE_AMENDED: &str = "睡眠時無呼吸症候群の精査を勧めた";

/// Every file in the data folder, with its bytes.
fn files_in(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("the data folder can be listed")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

fn assert_no_plaintext(dir: &Path, when: &str) {
    let files = files_in(dir);
    let names: Vec<String> = files.keys().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for required in ["chisanpo.db", "keyring.json"] {
        assert!(names.iter().any(|n| n == required), "{when}: {required} is missing from the data folder: {names:?}");
    }
    let needles: Vec<String> = [WORKPLACE_NAME, WORKPLACE_KANA, WORKER_NAME, WORKER_KANA, ASCII_NAME, HEALTH_PHRASE, HEALTH_PHRASE_AMENDED]
        .iter()
        .flat_map(|s| {
            // The search columns hold folded forms: without spaces, lower case.
            let folded = s.replace(' ', "");
            [s.to_string(), folded.clone(), folded.to_lowercase()]
        })
        // Fragments too: a phrase split over two pages still leaks its halves.
        .chain(["鷲尾", "ヒカル", "冠動脈", "無呼吸"].iter().map(|s| s.to_string()))
        .collect();
    for (path, bytes) in &files {
        for needle in &needles {
            let found = bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
            assert!(!found, "{when}: {} contains the plaintext {needle:?}", path.display());
        }
    }
    let db = &files[&dir.join("chisanpo.db")];
    assert!(db.len() >= 4096, "{when}: the database is only {} bytes", db.len());
    assert!(!db.starts_with(b"SQLite format 3\0"), "{when}: chisanpo.db starts with the plaintext SQLite header");
}

#[test]
fn nothing_readable_is_written_to_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let store = new_store(&dir);
    let wp = store
        .add_workplace(&Workplace { name: WORKPLACE_NAME.into(), kana: WORKPLACE_KANA.into(), contact_name: ASCII_NAME.into(), ..Default::default() })
        .unwrap();
    let worker = store
        .add_worker(&Worker {
            workplace_id: wp.clone(),
            name: WORKER_NAME.into(),
            kana: WORKER_KANA.into(),
            sex: Some(Sex::Female),
            department: ASCII_NAME.into(),
            ..Default::default()
        })
        .unwrap();
    let body = consultation(&store, &wp, &worker, HEALTH_PHRASE);
    let id = store.create_record(&body).unwrap();
    store.finalise(&id).unwrap();
    store.amend(&id, &with_content(&body, HEALTH_PHRASE_AMENDED), "所見の訂正").unwrap();
    // A correction draft left open holds health text too.
    store.save_draft(&id, &with_content(&body, &format!("{HEALTH_PHRASE}（下書き）"))).unwrap();
    // The data really is there (the test would prove nothing if the writes had failed).
    assert_eq!(store.get_record(&id).unwrap().current.unwrap().body, with_content(&body, HEALTH_PHRASE_AMENDED));
    assert_eq!(store.search_workers("わしお", None, 10).unwrap().len(), 1);

    // While the store is open, the write-ahead log holds the latest pages.
    assert_no_plaintext(&dir, "with the store open");
    drop(store);
    assert_no_plaintext(&dir, "after closing the store");

    // And it all comes back with the passphrase.
    let store = open(&dir);
    let view = store.get_record(&id).unwrap();
    assert_eq!(view.summary.worker_name.as_deref(), Some(WORKER_NAME));
    assert_eq!(view.current.unwrap().body, with_content(&body, HEALTH_PHRASE_AMENDED));
    assert_eq!(store.get_version(&id, 1).unwrap().body, body);
}

// ---------------------------------------------------------------------------------------------
// b. Opening the wrong thing
// ---------------------------------------------------------------------------------------------

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    drop(new_store(&dir));
    let (db, ring) = (dir.join("chisanpo.db"), dir.join("keyring.json"));
    let (db_before, ring_before) = (file_hash(&db), file_hash(&ring));
    let files_before: Vec<PathBuf> = files_in(&dir).into_keys().collect();

    for wrong in ["結合テストのパスフレーズ ", "結合テストのぱすふれーず", "password1234", ""] {
        let r = Store::open(&dir, &Passphrase::new(wrong));
        assert!(matches!(r, Err(Error::WrongPassphrase)), "passphrase {wrong:?}: expected WrongPassphrase, got {r:?}");
    }
    assert_eq!(file_hash(&db), db_before, "a refused unlock changed chisanpo.db");
    assert_eq!(file_hash(&ring), ring_before, "a refused unlock changed keyring.json");
    assert_eq!(files_in(&dir).into_keys().collect::<Vec<_>>(), files_before, "a refused unlock created or removed files");
    // The right passphrase still works.
    assert!(open(&dir).verify().unwrap().ok);
}

#[test]
fn a_folder_without_a_store_is_not_initialised() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = Store::open(&empty, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotInitialised { .. })), "an empty folder: expected NotInitialised, got {r:?}");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "opening an empty folder wrote into it");

    let missing = tmp.path().join("missing");
    let r = Store::open(&missing, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotInitialised { .. })), "a missing folder: expected NotInitialised, got {r:?}");
    assert!(!missing.exists(), "opening a missing folder created it");
}

#[test]
fn a_keyring_next_to_a_database_that_is_not_its_own_is_not_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    drop(new_store(&a));
    drop(new_store(&b));

    // Random bytes where the database should be.
    let random: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(a.join("chisanpo.db"), &random).unwrap();
    let r = Store::open(&a, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotAStore { .. })), "random bytes: expected NotAStore, got {r:?}");
    assert_eq!(std::fs::read(a.join("chisanpo.db")).unwrap(), random, "a failed open changed the file it could not read");

    // Another store's database (encrypted with another key).
    std::fs::copy(b.join("chisanpo.db"), a.join("chisanpo.db")).unwrap();
    let foreign = file_hash(&a.join("chisanpo.db"));
    let r = Store::open(&a, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotAStore { .. })), "store B's database with store A's keyring: expected NotAStore, got {r:?}");
    assert_eq!(file_hash(&a.join("chisanpo.db")), foreign, "a failed open changed the foreign database");
    // Store B itself is untouched and still opens.
    assert!(open(&b).verify().unwrap().ok);

    // A keyring with no database at all.
    std::fs::remove_file(a.join("chisanpo.db")).unwrap();
    let r = Store::open(&a, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotAStore { .. })), "a keyring alone: expected NotAStore, got {r:?}");
    assert!(!a.join("chisanpo.db").exists(), "opening a keyring alone created a database");

    // A keyring that is not one.
    std::fs::write(a.join("keyring.json"), b"{\"format\": 1}").unwrap();
    let r = Store::open(&a, &Passphrase::new(PASS));
    assert!(matches!(r, Err(Error::NotAStore { .. })), "a broken keyring: expected NotAStore, got {r:?}");
}

#[test]
fn a_data_folder_that_cannot_be_created_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"not a folder").unwrap();
    let r = Store::init_with(&file.join("data"), &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM);
    assert!(matches!(r, Err(Error::DirNotWritable { .. })), "a folder under a regular file: expected DirNotWritable, got {:?}", r.map(|_| ()));
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder");
    // A store is not created twice in one folder either.
    let dir = tmp.path().join("data");
    drop(new_store(&dir));
    let r = Store::init_with(&dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM);
    assert!(matches!(r, Err(Error::AlreadyInitialised { .. })), "a second init: expected AlreadyInitialised, got {:?}", r.map(|_| ()));
}

// ---------------------------------------------------------------------------------------------
// c. The lifecycle through closing and reopening
// ---------------------------------------------------------------------------------------------

#[test]
fn versions_and_reasons_survive_reopening() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let store = new_store(&dir);
    let wp = store.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
    let worker = store.add_worker(&Worker { workplace_id: wp.clone(), name: "佐藤 花子".into(), ..Default::default() }).unwrap();
    let v1 = consultation(&store, &wp, &worker, "第1版の内容");
    let v2 = with_content(&v1, "第2版の内容");
    let v3 = with_content(&v1, "第3版の内容");
    let id = store.create_record(&v1).unwrap();
    assert_eq!(store.get_record(&id).unwrap().summary.status, RecordStatus::Draft);
    assert_eq!(store.finalise(&id).unwrap(), 1);
    assert_eq!(store.amend(&id, &v2, "誤記の訂正").unwrap(), 2);
    assert_eq!(store.amend(&id, &v3, "受診結果の追記").unwrap(), 3);
    drop(store);

    let store = open(&dir);
    let h = store.history(&id).unwrap();
    assert_eq!(h.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3], "history after reopening: {h:?}");
    assert_eq!(h.iter().map(|v| v.reason.as_deref()).collect::<Vec<_>>(), [None, Some("誤記の訂正"), Some("受診結果の追記")]);
    assert!(h.iter().all(|v| v.author_name == "産業 一郎" && v.author_id == store.actor().id), "{h:?}");
    for (n, body) in [(1, &v1), (2, &v2), (3, &v3)] {
        let content = store.get_version(&id, n).unwrap();
        assert_eq!(&content.body, body, "version {n} after reopening");
        assert_eq!(h[n as usize - 1].content_hash, sha256_hex(serde_json::to_string(&content).unwrap().as_bytes()), "version {n}'s hash");
    }
    assert!(matches!(store.get_version(&id, 4), Err(Error::NotFound { .. })));
    let view = store.get_record(&id).unwrap();
    assert_eq!(view.summary.status, RecordStatus::Final);
    assert_eq!(view.summary.version, 3);
    assert!(view.summary.amended);
    assert_eq!(view.current.unwrap().body, v3);
    // The old versions stay readable, and the record stays final.
    assert!(matches!(store.finalise(&id), Err(Error::AlreadyFinal)));
    let report = store.verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.versions_checked, 3);
    let actions: Vec<String> = store.audit_trail(&id).unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["create", "finalise", "amend", "amend"]);
}

// ---------------------------------------------------------------------------------------------
// d. Tampering behind the store's back
// ---------------------------------------------------------------------------------------------

/// A store with a few dozen audit entries, and a raw connection to it with the triggers that
/// guard the audit log dropped.
fn tamperable_store(tmp: &Path) -> (Store, Connection) {
    let dir = tmp.join("data");
    let store = new_store(&dir);
    demo::generate(&store, 30, 1).unwrap();
    let report = store.verify().unwrap();
    assert!(report.ok, "a fresh store must verify: {report:?}");
    assert!(report.audit_entries > 30, "only {} audit entries", report.audit_entries);
    let conn = raw_connection(&dir, &Passphrase::new(PASS)).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;").unwrap();
    (store, conn)
}

type AuditRow = (String, String, String, String, String, String, String, String);

fn audit_row(conn: &Connection, seq: i64) -> AuditRow {
    conn.query_row("SELECT at, actor_id, actor_name, action, target, detail, prev_hash, hash FROM audit_log WHERE seq = ?1", [seq], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    })
    .unwrap()
}

fn put_audit_row(conn: &Connection, seq: i64, r: &AuditRow) {
    let n = conn
        .execute(
            "UPDATE audit_log SET at = ?2, actor_id = ?3, actor_name = ?4, action = ?5, target = ?6, detail = ?7, prev_hash = ?8, hash = ?9 WHERE seq = ?1",
            params![seq, r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7],
        )
        .unwrap();
    assert_eq!(n, 1);
}

fn assert_chain_breaks_at(store: &Store, seq: i64, what: &str) {
    let report = store.verify().unwrap();
    assert!(!report.ok, "{what}: verify passed a tampered store: {report:?}");
    let b = report.chain_break.as_ref().unwrap_or_else(|| panic!("{what}: no chain break reported: {report:?}"));
    assert_eq!(b.seq, seq, "{what}: the break is reported at the wrong entry: {report:?}");
    assert!(report.problems.iter().any(|p| p.contains(&format!("監査ログの{seq}番目"))), "{what}: {:?}", report.problems);
}

#[test]
fn a_fresh_store_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let store = new_store(&tmp.path().join("data"));
    let report = store.verify().unwrap();
    assert!(report.ok && report.chain_break.is_none() && report.problems.is_empty(), "{report:?}");
    assert_eq!(report.audit_entries, 1, "a fresh store has exactly its init entry: {report:?}");
}

#[test]
fn an_edited_audit_entry_breaks_the_chain_there() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, conn) = tamperable_store(tmp.path());
    let before = audit_row(&conn, 5);
    conn.execute("UPDATE audit_log SET actor_name = '別人 二郎' WHERE seq = 5", []).unwrap();
    assert_chain_breaks_at(&store, 5, "actor_name of entry 5 changed");
    // Put it back: the chain is whole again. Then change the detail instead.
    put_audit_row(&conn, 5, &before);
    assert!(store.verify().unwrap().ok, "restoring the entry must restore the chain");
    conn.execute("UPDATE audit_log SET detail = '{\"entity\":\"nothing\"}' WHERE seq = 5", []).unwrap();
    assert_chain_breaks_at(&store, 5, "detail of entry 5 changed");
}

#[test]
fn a_deleted_audit_entry_breaks_the_chain_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, conn) = tamperable_store(tmp.path());
    assert_eq!(conn.execute("DELETE FROM audit_log WHERE seq = 5", []).unwrap(), 1);
    assert_chain_breaks_at(&store, 6, "entry 5 deleted");
}

#[test]
fn reordered_audit_entries_break_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, conn) = tamperable_store(tmp.path());
    let (five, six) = (audit_row(&conn, 5), audit_row(&conn, 6));
    assert_ne!(five, six);
    put_audit_row(&conn, 5, &six);
    put_audit_row(&conn, 6, &five);
    assert_chain_breaks_at(&store, 5, "entries 5 and 6 swapped");
}

#[test]
fn cutting_off_the_tail_of_the_audit_log_changes_the_last_hash() {
    // Deleting the last entries leaves a valid (shorter) chain; the next entry chains from the
    // new last one. What verify can promise is that the chain is whole, so assert exactly that,
    // and that the entry count went down (a caller comparing with a printed count sees it).
    let tmp = tempfile::tempdir().unwrap();
    let (store, conn) = tamperable_store(tmp.path());
    let before = store.verify().unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)", []).unwrap();
    let after = store.verify().unwrap();
    assert_eq!(after.audit_entries, before.audit_entries - 1);
    assert_ne!(after.last_hash, before.last_hash, "the last hash is what reveals a cut-off tail");
}

#[test]
fn a_changed_finalised_version_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, conn) = tamperable_store(tmp.path());
    conn.execute_batch("DROP TRIGGER record_versions_immutable;").unwrap();
    let (id, version, content): (String, i64, String) = conn
        .query_row("SELECT record_id, version, content FROM record_versions ORDER BY record_id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&content).unwrap();
    let forged = "改ざんされた所見";
    match v["body"]["kind"].as_str() {
        Some("consultation") => v["body"]["data"]["content"] = forged.into(),
        Some("interview") => v["body"]["data"]["result"]["special_notes"] = forged.into(),
        _ => v["body"]["data"]["notes"] = forged.into(),
    }
    let forged_content = serde_json::to_string(&v).unwrap();
    assert_ne!(forged_content, content);

    // The content changed, its hash not.
    conn.execute("UPDATE record_versions SET content = ?3 WHERE record_id = ?1 AND version = ?2", params![id, version, forged_content]).unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok, "a changed version passed verify: {report:?}");
    assert!(report.chain_break.is_none(), "the audit chain itself is whole: {report:?}");
    assert!(report.problems.iter().any(|p| p.contains(&id)), "the problems do not name record {id}: {:?}", report.problems);

    // The content and its hash changed together: the audit entry still has the old hash.
    conn.execute(
        "UPDATE record_versions SET content_hash = ?3 WHERE record_id = ?1 AND version = ?2",
        params![id, version, sha256_hex(forged_content.as_bytes())],
    )
    .unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok, "a version re-hashed after a change passed verify: {report:?}");
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("監査ログ")), "{:?}", report.problems);
}

// ---------------------------------------------------------------------------------------------
// e. Upgrading a store made by schema version 1
// ---------------------------------------------------------------------------------------------

/// The fixture: a store made with only migration 0001, committed under tests/fixtures.
fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-v1")
}

const FIXTURE_PASS: &str = "fixture-v1-passphrase";
const FX_STORE: &str = "01977a00-0000-7000-8000-000000000000";
const FX_DOCTOR: &str = "01977a00-0000-7000-8000-000000000001";
const FX_NURSE: &str = "01977a00-0000-7000-8000-000000000002";
const FX_WORKPLACE: &str = "01977a00-0000-7000-8000-000000000003";
const FX_WORKER: &str = "01977a00-0000-7000-8000-000000000004";
const FX_RECORD: &str = "01977a00-0000-7000-8000-000000000005";
const FX_DRAFT: &str = "01977a00-0000-7000-8000-000000000006";
const FX_WORKER_NAME: &str = "鷲尾 ヒカル";
const FX_WORKER_KANA: &str = "ワシオ ヒカル";
const FX_WORKPLACE_NAME: &str = "株式会社鷲尾製作所";
const FX_WORKPLACE_KANA: &str = "カブシキガイシャワシオセイサクショ";

fn fx_doctor() -> Staff {
    Staff {
        role: Some(StaffRole::Doctor),
        name: "旧版 医師".into(),
        kana: "キュウハン イシ".into(),
        affiliation: "旧版クリニック".into(),
        seal_line: "医師 旧版".into(),
        concurrent_coordinator: false,
    }
}
fn fx_nurse() -> Staff {
    Staff { role: Some(StaffRole::Nurse), name: "旧版 保健師".into(), kana: "キュウハン ホケンシ".into(), ..Default::default() }
}
fn fx_workplace() -> Workplace {
    Workplace { name: FX_WORKPLACE_NAME.into(), kana: FX_WORKPLACE_KANA.into(), workers_male: Some(12), workers_female: Some(5), ..Default::default() }
}
fn fx_worker() -> Worker {
    Worker {
        workplace_id: FX_WORKPLACE.into(),
        name: FX_WORKER_NAME.into(),
        kana: FX_WORKER_KANA.into(),
        sex: Some(Sex::Male),
        birth_date: Date::ymd(1980, 5, 1),
        ..Default::default()
    }
}
fn fx_record(content: &str) -> RecordBody {
    RecordBody::Consultation(Consultation {
        performed_on: Date::ymd(2024, 11, 15),
        place: Some(Place::WorkplaceVisit),
        doctor_id: Some(FX_DOCTOR.into()),
        workplace_id: Some(FX_WORKPLACE.into()),
        worker_id: Some(FX_WORKER.into()),
        requester: Some(Requester::Employer),
        kinds: vec![ConsultationKind::OpinionHearing],
        subject_count: Some(3),
        content: content.into(),
        ..Default::default()
    })
}
const FX_V1: &str = "健診結果について意見を述べた（第1版）";
const FX_V2: &str = "健診結果について意見を述べた（第2版、訂正）";
const FX_REASON: &str = "記載漏れの追記";
fn fx_draft() -> RecordBody {
    RecordBody::Consultation(Consultation {
        performed_on: Date::ymd(2025, 1, 20),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(FX_NURSE.into()),
        workplace_id: Some(FX_WORKPLACE.into()),
        kinds: vec![ConsultationKind::HealthGuidance],
        ..Default::default()
    })
}

/// Write the fixture's rows as the version-1 code did: SQL against migration 0001, the entity
/// JSON of the domain types, and the audit chain through the audit module.
fn write_v1_rows(conn: &mut Connection) {
    const T0: &str = "2024-11-01T00:00:00.000Z";
    let actor = Actor { id: FX_DOCTOR.into(), name: fx_doctor().name };
    let tx = conn.transaction().unwrap();
    let log = |action: Action, target: &str, detail: serde_json::Value| {
        audit::append(&tx, FX_STORE, &actor, action, target, detail).unwrap();
    };
    for (k, v) in [("store_id", FX_STORE), ("created_at", T0), ("app_version", "0.1.0")] {
        tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [k, v]).unwrap();
    }
    let staff = |id: &str, s: &Staff| {
        tx.execute(
            "INSERT INTO staff (id, role, name, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![id, serde_json::to_value(s.role).unwrap().as_str().unwrap(), s.name, serde_json::to_string(s).unwrap(), T0],
        )
        .unwrap();
    };
    staff(FX_DOCTOR, &fx_doctor());
    tx.execute("INSERT INTO settings (key, value) VALUES ('profile_staff_id', ?1), ('centre_name', '旧版地域産業保健センター')", [FX_DOCTOR]).unwrap();
    log(Action::Init, FX_STORE, serde_json::json!({ "schema": 1 }));
    staff(FX_NURSE, &fx_nurse());
    log(Action::Create, FX_NURSE, serde_json::json!({ "entity": "staff" }));
    let wp = fx_workplace();
    tx.execute(
        "INSERT INTO workplaces (id, name, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![FX_WORKPLACE, wp.name, serde_json::to_string(&wp).unwrap(), T0],
    )
    .unwrap();
    log(Action::Create, FX_WORKPLACE, serde_json::json!({ "entity": "workplace" }));
    let w = fx_worker();
    tx.execute(
        "INSERT INTO workers (id, workplace_id, name, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![FX_WORKER, FX_WORKPLACE, w.name, serde_json::to_string(&w).unwrap(), T0],
    )
    .unwrap();
    log(Action::Create, FX_WORKER, serde_json::json!({ "entity": "worker" }));

    let insert_record = |id: &str, body: &RecordBody| {
        let d = body.performed_on().unwrap();
        tx.execute(
            "INSERT INTO records (id, kind, status, version, performed_on, fiscal_year, place, workplace_id, worker_id, doctor_id, draft, draft_saved_at, \
             created_at, created_by, updated_at, retain_until) VALUES (?1, ?2, 'draft', 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?10, ?12)",
            params![
                id,
                body.kind().as_str(),
                d.iso(),
                fiscal_year(d.naive()),
                body.place().map(|p| p.as_str()),
                body.workplace_id(),
                body.worker_id(),
                body.doctor_id(),
                body.data_json().to_string(),
                T0,
                FX_DOCTOR,
                retain_until(d).iso()
            ],
        )
        .unwrap();
        log(Action::Create, id, serde_json::json!({ "kind": body.kind().as_str() }));
    };
    let freeze = |id: &str, body: &RecordBody, version: u32, reason: Option<&str>| {
        let snapshot = Snapshot { workplace: Some(fx_workplace()), worker: Some(fx_worker()), doctor: Some(fx_doctor()), ..Default::default() };
        let json = serde_json::to_string(&VersionContent { body: body.clone(), snapshot }).unwrap();
        let hash = sha256_hex(json.as_bytes());
        tx.execute(
            "INSERT INTO record_versions (record_id, version, content, content_hash, reason, author_id, author_name, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, version, json, hash, reason, FX_DOCTOR, fx_doctor().name, T0],
        )
        .unwrap();
        tx.execute(
            "UPDATE records SET status = 'final', version = ?2, draft = NULL, draft_saved_at = NULL, finalised_at = coalesce(finalised_at, ?3), \
             amended_at = CASE WHEN ?2 > 1 THEN ?3 ELSE amended_at END WHERE id = ?1",
            params![id, version, T0],
        )
        .unwrap();
        let action = if version == 1 { Action::Finalise } else { Action::Amend };
        log(action, id, serde_json::json!({ "kind": body.kind().as_str(), "version": version, "content_hash": hash }));
    };
    insert_record(FX_RECORD, &fx_record(FX_V1));
    freeze(FX_RECORD, &fx_record(FX_V1), 1, None);
    freeze(FX_RECORD, &fx_record(FX_V2), 2, Some(FX_REASON));
    insert_record(FX_DRAFT, &fx_draft());
    tx.commit().unwrap();
}

/// (Re)create tests/fixtures/store-v1: a keyring and a database at schema version 1.
///
/// Run it only when the fixture must change (it never should: it stands for stores already on
/// users' disks):
///
/// ```sh
/// cargo test -p chisanpo-core --test store -- --ignored regenerate_store_v1_fixture
/// ```
#[test]
#[ignore = "regenerates the committed fixture; run by hand"]
fn regenerate_store_v1_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store-v1");
    std::fs::create_dir(&dir).unwrap();
    let pass = Passphrase::new(FIXTURE_PASS);
    let key = chisanpo_core::store::DataKey::generate();
    Keyring::create(FX_STORE, &key, &pass, &RecoveryKey::generate(), KdfParams::MINIMUM).unwrap().save(&dir.join("keyring.json")).unwrap();
    drop(key);
    {
        let mut conn = raw_connection(&dir, &pass).unwrap();
        assert_eq!(schema::migrate_to(&mut conn, 1).unwrap(), 1);
        write_v1_rows(&mut conn);
        // One self-contained file: everything checkpointed into the database.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)).unwrap();
    }
    for leftover in ["chisanpo.db-wal", "chisanpo.db-shm"] {
        let _ = std::fs::remove_file(dir.join(leftover));
    }
    let out = fixture_dir();
    std::fs::create_dir_all(&out).unwrap();
    for f in ["keyring.json", "chisanpo.db"] {
        std::fs::copy(dir.join(f), out.join(f)).unwrap();
    }
    for leftover in ["chisanpo.db-wal", "chisanpo.db-shm"] {
        let _ = std::fs::remove_file(out.join(leftover));
    }
    eprintln!("wrote {}", out.display());
}

fn copy_fixture(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let mut copied = Vec::new();
    for entry in std::fs::read_dir(fixture_dir()).expect("the fixture tests/fixtures/store-v1 exists") {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&p, to.join(&name)).unwrap();
        copied.push(name);
    }
    copied.sort();
    assert_eq!(copied, ["chisanpo.db", "keyring.json"], "the fixture must be exactly a keyring and a self-contained database");
}

fn describe_at(dir: &Path, pass: &str) -> (Vec<String>, u32) {
    let conn = raw_connection(dir, &Passphrase::new(pass)).unwrap();
    (schema::describe(&conn).unwrap(), schema::current_version(&conn).unwrap())
}

#[test]
fn a_version_1_store_upgrades_to_the_fresh_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("old");
    copy_fixture(&dir);
    let (old_schema, old_version) = describe_at(&dir, FIXTURE_PASS);
    assert_eq!(old_version, 1, "the fixture must be at schema version 1");

    let fresh_dir = tmp.path().join("fresh");
    drop(new_store(&fresh_dir));
    let (fresh_schema, fresh_version) = describe_at(&fresh_dir, PASS);
    assert_eq!(fresh_version, schema::latest_version());
    assert_ne!(old_schema, fresh_schema, "the fixture already has the latest schema; it proves nothing");

    // Opening migrates.
    let store = Store::open(&dir, &Passphrase::new(FIXTURE_PASS)).expect("the version-1 fixture opens");
    assert_eq!(store.store_id(), FX_STORE);
    assert_eq!(store.actor().id, FX_DOCTOR);

    // Every row is there, readable by today's code.
    assert_eq!(store.get_workplace(FX_WORKPLACE).unwrap().data, fx_workplace());
    assert_eq!(store.get_worker(FX_WORKER).unwrap().data, fx_worker());
    assert_eq!(store.get_staff(FX_DOCTOR).unwrap().data, fx_doctor());
    assert_eq!(store.get_staff(FX_NURSE).unwrap().data, fx_nurse());
    let profile = store.profile().unwrap();
    assert_eq!((profile.staff_id.as_str(), profile.centre_name.as_str()), (FX_DOCTOR, "旧版地域産業保健センター"));
    let view = store.get_record(FX_RECORD).unwrap();
    assert_eq!(view.summary.status, RecordStatus::Final);
    assert_eq!(view.summary.version, 2);
    assert_eq!(view.summary.fiscal_year, Some(2024));
    assert_eq!(view.summary.worker_name.as_deref(), Some(FX_WORKER_NAME));
    assert_eq!(view.current.unwrap().body, fx_record(FX_V2));
    assert_eq!(store.get_version(FX_RECORD, 1).unwrap().body, fx_record(FX_V1));
    let h = store.history(FX_RECORD).unwrap();
    assert_eq!(h.iter().map(|v| (v.version, v.reason.as_deref())).collect::<Vec<_>>(), [(1, None), (2, Some(FX_REASON))]);
    let draft = store.get_record(FX_DRAFT).unwrap();
    assert_eq!(draft.summary.status, RecordStatus::Draft);
    assert_eq!(draft.draft, Some(fx_draft()));
    assert_eq!(store.list_records(&ListFilter::default()).unwrap().len(), 2);
    let finals: Vec<String> =
        store.list_records(&ListFilter { status: Some(RecordStatus::Final), ..Default::default() }).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(finals, [FX_RECORD]);
    assert_eq!(store.list_records(&ListFilter { fiscal_year: Some(2024), ..Default::default() }).unwrap().len(), 2, "both fixture records are in FY2024");

    // Migration 0002 filled the search keys of the rows it found.
    for q in ["わしお", "ﾜｼｵ", "ヒカル", "鷲尾"] {
        let found: Vec<String> = store.search_workers(q, None, 10).unwrap().into_iter().map(|w| w.id).collect();
        assert_eq!(found, [FX_WORKER], "search_workers({q:?}) after the upgrade");
    }
    assert_eq!(store.search_workers("", Some(FX_WORKPLACE), 10).unwrap().len(), 1);
    let found: Vec<String> = store.search_workplaces("かぶしきがいしゃわしお", 10).unwrap().into_iter().map(|w| w.id).collect();
    assert_eq!(found, [FX_WORKPLACE]);

    // The old audit chain continues, and every old version still matches its entry.
    let report = store.verify().unwrap();
    assert!(report.ok, "the upgraded store must verify: {report:?}");
    assert_eq!(report.versions_checked, 2);

    // The upgraded store keeps working: a new record on the old rows.
    let body = with_content(&fx_record(FX_V1), "移行後の新しい記録");
    let id = store.create_record(&body).unwrap();
    store.finalise(&id).unwrap();
    drop(store);

    let (new_schema, new_version) = describe_at(&dir, FIXTURE_PASS);
    assert_eq!(new_version, schema::latest_version());
    assert_eq!(new_schema, fresh_schema, "the upgraded schema differs from a fresh one");
    assert!(open_fixture(&dir).verify().unwrap().ok);
}

fn open_fixture(dir: &Path) -> Store {
    Store::open(dir, &Passphrase::new(FIXTURE_PASS)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// What a crashed init leaves behind
// ---------------------------------------------------------------------------------------------

#[test]
fn a_database_without_a_keyring_is_set_aside_not_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    let leftovers = [("chisanpo.db", b"the database".to_vec()), ("chisanpo.db-wal", b"the log".to_vec()), ("chisanpo.db-shm", b"the index".to_vec())];
    for (name, bytes) in &leftovers {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let store = new_store(&dir);
    assert!(store.verify().unwrap().ok);
    drop(store);
    // Each leftover is kept, under its own name, with its bytes.
    let kept: Vec<Vec<u8>> =
        files_in(&dir).into_iter().filter(|(p, _)| p.file_name().unwrap().to_string_lossy().contains("orphan")).map(|(_, bytes)| bytes).collect();
    for (name, bytes) in &leftovers {
        assert!(
            kept.contains(bytes),
            "the leftover {name} was not kept (kept: {:?})",
            kept.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect::<Vec<_>>()
        );
    }
}
