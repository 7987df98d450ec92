//! `chisanpo centre move-to --database URL` (ADR 0031), against a real PostgreSQL on 127.0.0.1
//! (Debian's packages, started by the test): a centre that consolidated in its own store moves
//! to PostgreSQL with its 台帳 numbers, devices, applied and quarantined bundles, receipts,
//! anchors, destructions and tombstones; the database's proofs hold; the next import numbers
//! after the moved ones. A move cut by the database dropping the connection finishes when run
//! again, with nothing twice; a database of another centre is refused and left as it was; a
//! second run copies nothing; a database of an older schema is brought up to date first.
#![cfg(all(unix, feature = "postgres"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chisanpo_delivery::consolidation::move_to::{move_into, schema_of_an_older_app, MoveReport, MoveTable};
use chisanpo_delivery::consolidation::postgres::PgConsolidation;
use chisanpo_delivery::consolidation::sqlite::SqliteConsolidation;
use chisanpo_delivery::consolidation::Consolidation;
use chisanpo_delivery::prelude::*;
use chisanpo_delivery::{CentreProfile, FolderTransport};
use chisanpo_domain::domain::{Consultation, ConsultationKind, Date, Place, RecordBody, Requester, Staff, StaffRole, Worker, Workplace};
use chisanpo_domain::Error;
use chisanpo_reports::ledger::{LedgerFilter, LedgerKind, ReportSource};
use chisanpo_store::{KdfParams, Passphrase, Store};

#[path = "../../core/tests/delivery_common/postgres.rs"]
mod postgres_server;
use postgres_server::PgServer;

const PASS: &str = "移行テストのパスフレーズ";

fn new_store(dir: &Path, name: &str) -> Store {
    let me = Staff { role: Some(StaffRole::Doctor), name: name.into(), affiliation: "さんぽクリニック".into(), ..Default::default() };
    Store::init_with(dir, &Passphrase::new(PASS), &me, KdfParams::MINIMUM).unwrap().0
}

fn consultation(s: &Store, worker: &str, on: Option<Date>, content: &str) -> RecordBody {
    let wp = s.add_workplace(&Workplace { name: format!("{worker}の職場"), ..Default::default() }).unwrap();
    let w = s.add_worker(&Worker { workplace_id: wp.clone(), name: worker.into(), kana: "ワシオ ヒカル".into(), ..Default::default() }).unwrap();
    RecordBody::Consultation(Consultation {
        performed_on: on,
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(s.actor().id.clone()),
        workplace_id: Some(wp),
        worker_id: Some(w),
        requester: Some(Requester::Worker),
        kinds: vec![ConsultationKind::HealthGuidance],
        content: content.into(),
        ..Default::default()
    })
}

fn finalised(s: &Store, body: &RecordBody) -> String {
    let id = s.create_record(body).unwrap();
    s.finalise(&id).unwrap();
    id
}

fn fy2025() -> LedgerFilter {
    LedgerFilter { fiscal_year: Some(2025), ..Default::default() }
}

/// A centre that consolidated in its own store: one record of its own (numbered first), two
/// laptops' records imported, an unknown laptop's bundle quarantined, receipts written, and an old
/// record destroyed at the centre (its bundle held another record, now vouched for by the
/// tombstone).
struct Centre {
    _tmp: tempfile::TempDir,
    root: std::path::PathBuf,
    centre: Store,
    profile: CentreProfile,
    a: Store,
    destroyed: String,
}

fn centre_with_history(name: &str) -> Centre {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let centre = new_store(&root.join("centre"), "統括 花子");
    let profile = centre.centre_init(name, None).unwrap();
    finalised(&centre, &consultation(&centre, "センター 自身", Date::ymd(2025, 5, 1), "センターでの相談"));
    let folder = root.join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    let t = FolderTransport::new(&folder);

    let a = new_store(&root.join("a"), "産業 一郎");
    let b = new_store(&root.join("b"), "産業 二郎");
    for s in [&a, &b] {
        centre.centre_enrol_device(&s.enrol(&profile).unwrap()).unwrap();
    }
    let old = finalised(&a, &consultation(&a, "古い 記録", Date::ymd(2019, 6, 10), "左冠動脈の狭窄を疑う所見あり"));
    let kept = finalised(&a, &consultation(&a, "鷲尾 ヒカル", Date::ymd(2025, 6, 10), "経過観察"));
    a.deliver(&t).unwrap();
    let body = consultation(&b, "東雲 ミドリ", Date::ymd(2025, 6, 11), "保健指導");
    let amended = finalised(&b, &body);
    let RecordBody::Consultation(first) = body else { unreachable!() };
    b.amend(&amended, &RecordBody::Consultation(Consultation { content: "保健指導（訂正）".into(), ..first }), "追記").unwrap();
    finalised(&b, &consultation(&b, "北村 アオイ", Date::ymd(2025, 6, 12), "面談"));
    let b_old = finalised(&b, &consultation(&b, "南 ハルカ", Date::ymd(2019, 7, 1), "面談"));
    b.deliver(&t).unwrap();
    let stranger = new_store(&root.join("s"), "不明 端末");
    stranger.enrol(&profile).unwrap();
    finalised(&stranger, &consultation(&stranger, "見知らぬ 人", Date::ymd(2025, 6, 13), "相談"));
    stranger.deliver(&t).unwrap();
    let r = centre.centre_import(&folder).unwrap();
    assert_eq!((r.quarantined.len(), r.versions_added), (1, 6), "{r:?}");
    assert!(r.receipts_written >= 3, "{r:?}");

    // Laptop B destroys its old record (its 確定 set back to the day performed, as an old
    // record's was), and its 廃棄記録 reaches the centre.
    assert_eq!(b.deliver(&t).unwrap().received.len(), 1);
    drop(b);
    let raw = chisanpo_store::raw_connection(&root.join("b"), &Passphrase::new(PASS)).unwrap();
    raw.execute("UPDATE records SET finalised_at = performed_on || substr(finalised_at, 11) WHERE id = ?1", [&b_old]).unwrap();
    drop(raw);
    let b = Store::open(&root.join("b"), &Passphrase::new(PASS)).unwrap();
    b.destroy(std::slice::from_ref(&b_old), "保存期間満了", chisanpo_store::today()).unwrap();
    b.deliver(&t).unwrap();
    assert_eq!(centre.centre_import(&folder).unwrap().destructions_added, 1);

    // The old record arrived years ago (the arrival time moved back), and is destroyed.
    let raw = chisanpo_store::raw_connection(&root.join("centre"), &Passphrase::new(PASS)).unwrap();
    raw.execute_batch("DROP TRIGGER consolidated_versions_immutable;").unwrap();
    raw.execute("UPDATE consolidated_versions SET imported_at = '2019-06-11T00:00:00.000Z' WHERE record_id = ?1", [&old]).unwrap();
    drop(raw);
    let today = chisanpo_store::today();
    assert_eq!(centre.destroy(std::slice::from_ref(&old), "保存期間（5年）満了のため", today).unwrap().destroyed.len(), 1);
    let proofs = SqliteConsolidation(&centre).check_proofs().unwrap();
    assert!(proofs.ok && proofs.proof_destroyed.iter().any(|v| v.record_id == kept), "{proofs:?}");
    Centre { _tmp: tmp, root, centre, profile, a, destroyed: old }
}

/// (record, fiscal year, number) of the 2025 consultation ledger.
fn numbers(src: &mut dyn ReportSource) -> Vec<(String, i32, u32)> {
    src.ledger(LedgerKind::Consultation, &fy2025()).unwrap().entries.into_iter().map(|e| (e.record_id, e.fiscal_year, e.number)).collect()
}

fn versions(c: &mut dyn Consolidation) -> BTreeSet<(String, Vec<u32>, bool, bool)> {
    c.records().unwrap().into_iter().map(|r| (r.id, r.versions, r.needs_review, r.destroyed_on_device)).collect()
}

/// Rows in each of the database's tables.
fn table_counts(url: &str) -> BTreeMap<&'static str, i64> {
    let mut raw = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let mut out = BTreeMap::new();
    for t in MoveTable::ALL.iter().map(|t| t.name()).chain(["consolidated_tombstone_seals", "chisanpo_centre"]) {
        out.insert(t, raw.query_one(&format!("SELECT count(*) FROM {t}"), &[]).unwrap().get(0));
    }
    out
}

fn all_there(r: &MoveReport) {
    assert!(r.ok && r.proofs_ok, "{r:#?}");
    for t in &r.tables {
        assert_eq!((t.missing, t.target), (0, t.source), "{t:?}");
    }
}

#[test]
fn a_centre_moves_to_postgresql_with_its_numbers_and_the_next_import_follows_them() {
    let pg = PgServer::start();
    let url = pg.database("moved");
    let c = centre_with_history("北部地域産業保健センター");
    let mut here = SqliteConsolidation(&c.centre);
    let (ledger_before, records_before, devices_before) = (numbers(&mut here), versions(&mut here), here.devices().unwrap());
    assert_eq!(ledger_before.iter().map(|n| n.2).collect::<Vec<_>>(), vec![1, 2, 3, 4], "the centre's own first, then the laptops'");
    let anchor_before = here.device_anchor(&devices_before[0].device_id).unwrap().unwrap();

    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    let mut chunks = 0;
    let r = move_into(&mut db, &mut |_| chunks += 1).unwrap();
    all_there(&r);
    assert!(!r.resumed && chunks >= 10, "{chunks} {r:#?}");
    let count = |t: MoveTable| r.tables.iter().find(|x| x.table == t).unwrap().clone();
    assert_eq!(count(MoveTable::Versions).copied, 5, "six versions came, one destroyed at the centre");
    assert_eq!(count(MoveTable::LedgerNumbers).source, 6, "the centre's own, the laptops' and the destroyed record's");
    assert_eq!((count(MoveTable::Tombstones).copied, count(MoveTable::Destructions).copied), (1, 1));
    assert_eq!(count(MoveTable::DeviceDestructions).copied, 1, "laptop B's 廃棄記録");
    assert_eq!(count(MoveTable::Bundles).copied, 4, "three applied, one quarantined");
    assert!(r.receipts >= 3 && r.receipts_missing == 0, "{r:#?}");

    // The same records, numbers, devices, anchors, bundles, quarantine and receipts.
    assert_eq!(numbers(&mut db)[..], ledger_before[1..], "the laptops' records keep their numbers");
    assert_eq!(versions(&mut db), records_before);
    assert_eq!(records_before.iter().filter(|r| r.3).count(), 1, "laptop B's destroyed record, marked as such");
    let devices: Vec<(String, String)> = db.devices().unwrap().into_iter().map(|d| (d.device_id, d.public_key)).collect();
    assert_eq!(devices, devices_before.iter().map(|d| (d.device_id.clone(), d.public_key.clone())).collect::<Vec<_>>());
    assert_eq!(db.device_anchor(&devices[0].0).unwrap(), Some(anchor_before));
    let applied_here = SqliteConsolidation(&c.centre).applied_files().unwrap();
    assert_eq!(db.applied_files().unwrap(), applied_here);
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let quarantined: i64 = raw.query_one("SELECT count(*) FROM centre_bundles WHERE outcome = 'quarantined' AND receipt_at IS NOT NULL", &[]).unwrap().get(0);
    assert_eq!(quarantined, 1, "the quarantined bundle, its receipt written");
    let pending: i64 = raw.query_one("SELECT count(*) FROM centre_bundles WHERE receipt_at IS NULL", &[]).unwrap().get(0);
    assert_eq!(pending, 0, "no receipt written twice");
    // The 廃棄記録 and the destroyed record's number stay; the record is gone.
    let row = raw.query_one("SELECT fiscal_year, ledger_number FROM destructions WHERE record_id = $1", &[&c.destroyed]).unwrap();
    let d: (Option<i32>, Option<i32>) = (row.get(0), row.get(1));
    assert_eq!(d, (Some(2019), Some(1)));
    assert!(!versions(&mut db).iter().any(|(id, ..)| *id == c.destroyed));
    // The versions arrived when they reached the centre (the retention counts from then).
    let arrived: bool = raw.query_one("SELECT bool_and(received_at = imported_at::TIMESTAMPTZ) FROM consolidated_versions", &[]).unwrap().get(0);
    assert!(arrived);

    // The database proves every row, the tombstone sealed by the centre's key.
    let proofs = db.check_proofs().unwrap();
    assert!(proofs.ok, "{proofs:?}");
    assert_eq!(proofs.proof_destroyed.len(), 1, "{proofs:?}");

    // A new record imported into the database takes the next number of the centre's sequence.
    let folder = c.root.join("later");
    std::fs::create_dir_all(&folder).unwrap();
    let new = finalised(&c.a, &consultation(&c.a, "新しい 記録", Date::ymd(2025, 7, 1), "面談"));
    c.a.deliver(&FolderTransport::new(&folder)).unwrap();
    let r = c.centre.centre_import_into(&FolderTransport::new(&folder), &mut db).unwrap();
    assert_eq!(r.versions_added, 1, "{r:?}");
    assert_eq!(numbers(&mut db).last().unwrap(), &(new, 2025, 5));
    assert!(db.check_proofs().unwrap().ok);
    let _ = c.profile;
}

/// Drop every other connection to the database, as a server restart or a network cut would.
fn cut_connections(url: &str) {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", &[]).unwrap();
}

#[test]
fn a_move_cut_by_the_database_finishes_when_run_again_with_nothing_twice() {
    let pg = PgServer::start();
    let url = pg.database("cut");
    let c = centre_with_history("北部地域産業保健センター");

    // The connection drops while the versions are being copied, before their chunk commits.
    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    let err = move_into(&mut db, &mut |p| {
        if p.table == MoveTable::Versions {
            cut_connections(&url);
        }
    })
    .unwrap_err();
    assert!(matches!(&err, Error::Delivery { message, .. } if message.contains("もう一度 `chisanpo centre move-to`") && message.contains("続きから")), "{err}");
    drop(db);
    let cut = table_counts(&url);
    assert_eq!((cut["ledger_numbers"], cut["centre_devices"], cut["consolidated_versions"]), (6, 2, 0), "{cut:?}");

    // Run again: finished, every row once.
    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    let r = move_into(&mut db, &mut |_| {}).unwrap();
    all_there(&r);
    assert!(r.resumed);
    let count = |t: MoveTable| r.tables.iter().find(|x| x.table == t).unwrap().clone();
    assert_eq!(count(MoveTable::LedgerNumbers).copied, 0, "committed before the cut: not copied again");
    assert_eq!(count(MoveTable::Versions).copied, 5, "rolled back with the cut: copied now");
    let after = table_counts(&url);
    let fresh = {
        let url = pg.database("clean");
        let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
        all_there(&move_into(&mut db, &mut |_| {}).unwrap());
        table_counts(&url)
    };
    assert_eq!(after, fresh, "the same rows as a move never cut");
    assert!(db.check_proofs().unwrap().ok);
}

#[test]
fn a_database_of_another_centre_is_refused_and_left_as_it_was() {
    let pg = PgServer::start();
    let url = pg.database("other");
    // Another centre imports into the database.
    let other = centre_with_history("南部地域産業保健センター");
    let mut theirs = PgConsolidation::connect(&url, &other.centre).unwrap();
    move_into(&mut theirs, &mut |_| {}).unwrap();
    let before = table_counts(&url);

    let c = centre_with_history("北部地域産業保健センター");
    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    let err = move_into(&mut db, &mut |_| panic!("nothing is copied")).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message, .. } if message.contains("別のセンター") && message.contains("空のデータベース")), "{err}");
    assert_eq!(table_counts(&url), before);
    let moves: i64 = postgres::Client::connect(&url, postgres::NoTls).unwrap().query_one("SELECT count(*) FROM centre_moves", &[]).unwrap().get(0);
    assert_eq!(moves, 1, "only the other centre's move");

    // Nor a database whose records name no centre it can tell (enrolled devices only).
    let url = pg.database("devices-only");
    let mut db = PgConsolidation::connect(&url, &other.centre).unwrap();
    other.centre.centre_enrol_device_into(&new_store(&other.root.join("x"), "x").enrol(&other.profile).unwrap(), &mut db).unwrap();
    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    let err = move_into(&mut db, &mut |_| {}).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message, .. } if message.contains("確かめられません")), "{err}");
}

#[test]
fn a_second_move_copies_nothing_and_an_older_schema_is_brought_up_to_date_first() {
    let pg = PgServer::start();
    let url = pg.database("older");
    // The database of an app from before the proofs (ADR 0026): migrated when connecting.
    schema_of_an_older_app(&url, 3).unwrap();
    let version = |url: &str| -> i32 {
        postgres::Client::connect(url, postgres::NoTls).unwrap().query_one("SELECT max(version) FROM chisanpo_schema", &[]).unwrap().get(0)
    };
    assert_eq!(version(&url), 3);
    let c = centre_with_history("北部地域産業保健センター");
    let mut db = PgConsolidation::connect(&url, &c.centre).unwrap();
    assert!(version(&url) > 3);
    all_there(&move_into(&mut db, &mut |_| {}).unwrap());
    let once = table_counts(&url);

    let again = move_into(&mut db, &mut |_| {}).unwrap();
    all_there(&again);
    assert!(again.resumed);
    assert!(again.tables.iter().all(|t| t.copied == 0), "{again:#?}");
    assert_eq!(table_counts(&url), once);

    // A database of a newer app is refused as it is, with what to do.
    let newer = pg.database("newer");
    drop(PgConsolidation::connect(&newer, &c.centre).unwrap());
    postgres::Client::connect(&newer, postgres::NoTls).unwrap().execute("INSERT INTO chisanpo_schema (version) VALUES (99)", &[]).unwrap();
    let err = PgConsolidation::connect(&newer, &c.centre).unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("最新版に更新"), "{err}");
}
