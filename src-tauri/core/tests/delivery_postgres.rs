//! The consolidation scenario on PostgreSQL (a real server from Debian's packages on
//! 127.0.0.1, started by the test): two devices and a centre whose consolidated store is a
//! shared database; bundles reordered and twice; a tampered bundle and an unknown device's
//! quarantined; a conflicting amendment kept twice (要確認); the ledger the union of the devices'
//! records; receipts back; versions that cannot be changed; two coordinators importing at once
//! without giving one 台帳 number twice.
#![cfg(unix)]

use std::collections::BTreeSet;

use chisanpo_core::delivery::consolidation::postgres::PgConsolidation;
use chisanpo_core::delivery::consolidation::Consolidation;
use chisanpo_core::delivery::FolderTransport;
use chisanpo_core::ledger::{LedgerFilter, LedgerKind, ReportSource};
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::postgres::PgServer;
use delivery_common::*;

#[test]
fn two_devices_consolidate_into_postgresql() {
    let pg = PgServer::start();
    let url = pg.database("centre");
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut db = PgConsolidation::connect(&url, &w.centre).unwrap();
    assert!(!format!("{db:?}").contains("chisanpo@"), "no user or password in Debug");

    // Laptop B starts as a copy of laptop A (restored from its backup), then both amend the
    // same record: a conflict.
    let (a, b, shared, body) = twin_laptops(&w);
    for s in [&a, &b] {
        let req = s.enrol(&w.profile).unwrap();
        assert!(w.centre.centre_enrol_device_into(&req, &mut db).unwrap());
        assert!(!w.centre.centre_enrol_device_into(&req, &mut db).unwrap(), "the same request twice is a no-op");
    }
    assert_eq!(db.devices().unwrap().len(), 2);
    a.deliver(&t).unwrap();
    a.amend(&shared, &with_content(&body, "Aでの訂正"), "追記").unwrap();
    b.amend(&shared, &with_content(&body, "Bでの訂正"), "追記").unwrap();
    let (wp_b, wk_b) = worker(&b, WORKER_B);
    finalised(&b, &consultation(&b, &wp_b, &wk_b, 12, "経過観察"));
    a.deliver(&t).unwrap();
    b.deliver(&t).unwrap();

    // An unknown laptop, and a tampered copy of a real bundle.
    let stranger = new_store(&w.root.join("s"), "不明 端末");
    stranger.enrol(&w.profile).unwrap();
    let (wp_s, wk_s) = worker(&stranger, "見知らぬ 人");
    finalised(&stranger, &consultation(&stranger, &wp_s, &wk_s, 13, HEALTH));
    stranger.deliver(&t).unwrap();
    let tampered_dir = w.root.join("tampered");
    let original = bundles_in(&folder).remove(0);
    let copy = copy_bundle(&original, &tampered_dir, Some("00000000-0000-7000-8000-000000000000-00000009.chisanpo-bundle"));
    let mut bytes = std::fs::read(&copy).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&copy, &bytes).unwrap();
    std::fs::write(sidecar(&copy), format!("{}\n", chisanpo_core::store::audit::sha256_hex(&bytes))).unwrap();

    // Reordered: the later bundles first (only B's folder copy), then everything, then again.
    let later = w.root.join("later");
    for bnd in bundles_in(&folder)
        .into_iter()
        .filter(|p| chisanpo_core::delivery::bundle::parse_name(&p.file_name().unwrap().to_string_lossy()).is_some_and(|n| n.seq == 2))
    {
        copy_bundle(&bnd, &later, None);
    }
    let r = w.centre.centre_import_into(&FolderTransport::new(&later), &mut db).unwrap();
    assert!(!r.bundles_applied.is_empty(), "{r:?}");
    let r = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert_eq!(r.quarantined.len(), 1, "the unknown device: {r:?}");
    assert!(r.quarantined[0].reason.contains("登録されていない端末"), "{r:?}");
    let r = w.centre.centre_import_into(&FolderTransport::new(&tampered_dir), &mut db).unwrap();
    assert_eq!(r.quarantined.len(), 1, "the tampered copy: {r:?}");
    let again = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert_eq!((again.bundles_applied.len(), again.versions_added), (0, 0), "{again:?}");

    // The union of the devices' finalised (record, version) pairs; the conflict flagged, both kept.
    let expected: BTreeSet<(String, u32)> = pairs(&a).union(&pairs(&b)).cloned().collect();
    let recs = db.records().unwrap();
    let got: BTreeSet<(String, u32)> = recs.iter().flat_map(|r| r.versions.iter().map(move |v| (r.id.clone(), *v))).collect();
    assert_eq!(got, expected);
    let conflict = recs.iter().find(|r| r.id == shared).unwrap();
    assert!(conflict.needs_review && conflict.review.as_deref() == Some("要確認"));
    assert_eq!(conflict.source_devices.len(), 2);
    assert!(db.conflicted(&shared).unwrap());

    // The ledger: every record once, numbered 1..n.
    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let ledger = db.ledger(LedgerKind::Consultation, &fy).unwrap();
    let ids: BTreeSet<String> = ledger.entries.iter().map(|e| e.record_id.clone()).collect();
    assert_eq!(ids, expected.iter().map(|(id, _)| id.clone()).collect());
    assert_eq!(ledger.entries.iter().map(|e| e.number).collect::<Vec<_>>(), (1..=ids.len() as u32).collect::<Vec<_>>());
    let row = ledger.entries.iter().find(|e| e.record_id == shared).unwrap();
    assert_eq!(row.version, 2);
    // The annual report counts the database's records (the centre's own store has none).
    let annual = w.centre.annual_report_from(&mut db, 2025).unwrap();
    assert_eq!(annual.consultations.records.ids.iter().cloned().collect::<BTreeSet<_>>(), ids);
    assert_eq!(w.centre.annual_report(2025).unwrap().consultations.records.value, 0);

    // Receipts reached the devices.
    assert!(!a.deliver(&t).unwrap().received.is_empty());
    assert_eq!(a.delivery_overview(chrono::Utc::now()).unwrap().unconfirmed, 0);

    // Every row is backed by a payload its device signed (ADR 0026), whatever the order.
    let proofs = db.check_proofs().unwrap();
    assert!(proofs.ok, "{proofs:?}");
    assert_eq!(proofs.versions_checked, expected.len() + 1, "two contents of the shared record's version 2");

    // Versions cannot be changed or deleted in the database either.
    let mut raw = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    assert!(raw.execute("UPDATE consolidated_versions SET content = '{}'", &[]).is_err());
    assert!(raw.execute("DELETE FROM consolidated_versions", &[]).is_err());
    // Nothing of the records is in the local store's tables; the local audit chain holds.
    assert!(w.centre.consolidated_records().unwrap().is_empty());
    assert!(w.centre.verify().unwrap().ok);
}

#[test]
fn two_coordinators_importing_at_once_from_their_own_stores_never_share_a_ledger_number() {
    let pg = PgServer::start();
    let url = pg.database("shared");
    let w = world();
    let mut setup = PgConsolidation::connect(&url, &w.centre).unwrap();
    let mut folders = Vec::new();
    for name in ["a", "b"] {
        let s = new_store(&w.root.join(name), name);
        w.centre.centre_enrol_device_into(&s.enrol(&w.profile).unwrap(), &mut setup).unwrap();
        let folder = w.root.join(format!("synced-{name}"));
        std::fs::create_dir_all(&folder).unwrap();
        for day in 1..=12 {
            let (wp, wk) = worker(&s, &format!("{WORKER_A}{name}{day}"));
            finalised(&s, &consultation(&s, &wp, &wk, day, HEALTH));
            // One bundle per record, so the two imports interleave.
            s.deliver(&FolderTransport::new(&folder)).unwrap();
        }
        folders.push(folder);
    }
    // The second coordinator works from a store of their own, with the centre's keys.
    let pass = chisanpo_core::store::Passphrase::new("鍵ファイル用の長いパスフレーズ");
    let second = new_store(&w.root.join("coordinator-2"), "連携 三子");
    second.centre_join(&w.centre.centre_export_keys(&pass).unwrap(), &pass).unwrap();
    std::thread::scope(|scope| {
        for (folder, centre) in folders.iter().zip([&w.centre, &second]) {
            let url = &url;
            scope.spawn(move || {
                let mut db = PgConsolidation::connect(url, centre).unwrap();
                let r = centre.centre_import_into(&FolderTransport::new(folder), &mut db).unwrap();
                assert_eq!(r.versions_added, 12, "{r:?}");
            });
        }
    });
    let ledger = setup.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2025), ..Default::default() }).unwrap();
    let numbers: Vec<u32> = ledger.entries.iter().map(|e| e.number).collect();
    assert_eq!(numbers, (1..=24).collect::<Vec<_>>());

    // Each device's audit anchor (ADR 0020): the head of its twelfth bundle, nobody flagged.
    // A flag, once kept, stays through later bundles until replaced by another.
    let devices = setup.devices().unwrap();
    assert_eq!(devices.len(), 2);
    for d in &devices {
        assert!(d.flagged.is_none(), "{d:?}");
        let held = setup.device_anchor(&d.device_id).unwrap().expect("an anchor per device");
        assert_eq!(held.bundle_seq, 12);
        assert!(held.head.seq > 12 && held.head.hash.len() == 64, "{held:?}");
    }
    let d = &devices[0].device_id;
    let mut later = setup.device_anchor(d).unwrap().unwrap();
    later.bundle_seq += 1;
    setup.keep_device_anchor(d, &later, Some("監査ログが巻き戻っています"), "2026-12-03T00:00:00.000Z").unwrap();
    later.bundle_seq += 1;
    setup.keep_device_anchor(d, &later, None, "2026-12-03T00:01:00.000Z").unwrap();
    assert_eq!(setup.device_anchor(d).unwrap().unwrap().bundle_seq, 14);
    let flagged = setup.devices().unwrap().into_iter().find(|x| &x.device_id == d).unwrap().flagged;
    assert_eq!(flagged.as_deref(), Some("監査ログが巻き戻っています"));
}

#[test]
fn retention_on_postgresql_destroys_only_what_is_due_and_keeps_a_destruction_record() {
    use chisanpo_core::domain::{Consultation, Date, RecordBody};
    let pg = PgServer::start();
    let url = pg.database("retention");
    let w = world();
    let mut db = PgConsolidation::connect(&url, &w.centre).unwrap();
    let folder = w.synced();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device_into(&a.enrol(&w.profile).unwrap(), &mut db).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let RecordBody::Consultation(c) = consultation(&a, &wp, &wk, 10, HEALTH) else { unreachable!() };
    let old = finalised(&a, &RecordBody::Consultation(Consultation { performed_on: Date::ymd(2019, 6, 10), ..c }));
    let (wp2, wk2) = worker(&a, WORKER_B);
    let recent = finalised(&a, &consultation(&a, &wp2, &wk2, 11, "経過観察"));
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    w.centre.centre_import_into(&FolderTransport::new(&folder), &mut db).unwrap();

    let today = chisanpo_core::store::today();
    let due = db.retention_due(today).unwrap();
    assert_eq!(due.iter().map(|d| d.record_id.as_str()).collect::<Vec<_>>(), vec![old.as_str()]);
    // Arrived today: held 5 years from its arrival, by the centre's clock (issue 13, Medium 7).
    assert!(due[0].held.as_deref().is_some_and(|why| why.contains("センターに届いた日")), "{due:?}");
    let err = db.destroy(std::slice::from_ref(&old), "保存期間（5年）満了のため", today).unwrap_err();
    assert!(matches!(err, Error::RetentionHeld { count: 1, .. }), "{err:?}");
    // As if it had arrived in 2019 (the arrival time moved back, the trigger lifted for it).
    let mut admin = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!(
            "ALTER TABLE consolidated_versions DISABLE TRIGGER consolidated_versions_immutable; \
             UPDATE consolidated_versions SET imported_at = '2019-06-11T00:00:00.000Z', received_at = '2019-06-11T00:00:00Z' WHERE record_id = '{old}'; \
             ALTER TABLE consolidated_versions ENABLE TRIGGER consolidated_versions_immutable;"
        ))
        .unwrap();
    drop(admin);
    assert!(db.retention_due(today).unwrap()[0].held.is_none());
    assert!(db.destroy(std::slice::from_ref(&recent), "保存期間（5年）満了のため", today).is_err(), "inside its period: refused");
    assert!(db.destroy(std::slice::from_ref(&old), " ", today).is_err(), "a reason is needed");
    let d = db.destroy(std::slice::from_ref(&old), "保存期間（5年）満了のため", today).unwrap();
    assert_eq!((d.len(), d[0].record_id.as_str()), (1, old.as_str()));
    let left: BTreeSet<String> = db.records().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(left, [recent.clone()].into_iter().collect());
    let mut raw = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
    let logged: i64 = raw.query_one("SELECT count(*) FROM destructions WHERE record_id = $1", &[&old]).unwrap().get(0);
    assert_eq!(logged, 1);
    assert!(raw.execute("DELETE FROM consolidated_versions WHERE record_id = $1", &[&recent]).is_err(), "only under a permit");
    assert!(w.centre.verify().unwrap().ok);
}

#[test]
fn the_shared_database_is_reached_over_tls_with_its_certificate_checked() {
    let pg = PgServer::start_tls();
    let plain_url = pg.database("tls");
    let url = format!("{}?sslmode=require", plain_url.replace("127.0.0.1", "localhost"));
    let w = world();
    // The server's certificate is its own: not trusted without the centre's CA, and the message
    // says what to give.
    let err = PgConsolidation::connect_with_ca(&url, &w.centre, None).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("証明書") && m.contains("CHISANPO_DATABASE_CA")), "{err}");
    // A plain connection to a server that takes TLS only is refused.
    let err = PgConsolidation::connect_with_ca(&plain_url, &w.centre, None).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("接続できません")), "{err}");
    // A CA file that is not a certificate.
    let bogus = w.root.join("not-a-ca.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    assert!(matches!(PgConsolidation::connect_with_ca(&url, &w.centre, Some(&bogus)), Err(Error::Delivery { message: m, .. }) if m.contains("PEM")));

    // With the CA: an encrypted connection, and the consolidation works through it.
    let mut db = PgConsolidation::connect_with_ca(&url, &w.centre, Some(&pg.ca())).unwrap();
    assert!(db.encrypted().unwrap(), "the server sees TLS");
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device_into(&a.enrol(&w.profile).unwrap(), &mut db).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    let folder = w.synced();
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    let r = w.centre.centre_import_into(&FolderTransport::new(&folder), &mut db).unwrap();
    assert_eq!((r.bundles_applied.len(), r.versions_added), (1, 1), "{r:?}");
}

/// The import writes a bundle's rows into PostgreSQL a statement per bundle (ADR 0030): the
/// numbers, the current versions and the counts must be what the embedded store gives, row by
/// row, for the same bundles, including a bundle whose versions of one record come out of order
/// and one version twice.
#[test]
fn postgresql_numbers_and_current_versions_match_the_embedded_store_bundle_for_bundle() {
    use chisanpo_core::delivery::bundle::{self, Entry, Payload};
    use chisanpo_core::delivery::keys::DeviceKey;
    use chisanpo_core::delivery::{EnrolmentRequest, FORMAT};
    use chisanpo_core::domain::RecordBody;
    use chisanpo_core::store::audit::sha256_hex;

    let pg = PgServer::start();
    let url = pg.database("centre");
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut db = PgConsolidation::connect(&url, &w.centre).unwrap();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let b = new_store(&w.root.join("b"), "産業 二郎");
    chisanpo_core::demo::generate(&a, 400, 7).unwrap();
    chisanpo_core::demo::generate(&b, 300, 8).unwrap();
    for s in [&a, &b] {
        let req = s.enrol(&w.profile).unwrap();
        w.centre.centre_enrol_device(&req).unwrap();
        w.centre.centre_enrol_device_into(&req, &mut db).unwrap();
        s.deliver(&t).unwrap();
    }

    // A device of its own sending, in one bundle: a record's version 2 before its version 1,
    // version 1 twice, and a record of another fiscal year.
    let key = DeviceKey::generate();
    let device = uuid::Uuid::now_v7().to_string();
    let req = EnrolmentRequest::signed(&key, &w.profile.centre_id, device.clone(), "第三 端末".into());
    w.centre.centre_enrol_device(&req).unwrap();
    w.centre.centre_enrol_device_into(&req, &mut db).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let entry = |record: &str, version: u32, body: &RecordBody| {
        let mut v = a.get_version(&a.list_records(&Default::default()).unwrap()[0].id, 1).unwrap();
        v.body = body.clone();
        let content = serde_json::to_string(&v).unwrap();
        Entry {
            entry_type: "version".into(),
            record_id: record.into(),
            version,
            kind: "consultation".into(),
            content_hash: sha256_hex(content.as_bytes()),
            content,
            reason: (version > 1).then(|| "追記".to_string()),
            author_id: "x".into(),
            author_name: "第三 端末".into(),
            created_at: "2026-12-03T00:00:00.000Z".into(),
        }
    };
    let x = uuid::Uuid::now_v7().to_string();
    let y = uuid::Uuid::now_v7().to_string();
    let older = {
        let RecordBody::Consultation(c) = consultation(&a, &wp, &wk, 9, HEALTH) else { unreachable!() };
        RecordBody::Consultation(chisanpo_core::domain::Consultation { performed_on: chisanpo_core::domain::Date::ymd(2023, 5, 9), ..c })
    };
    let v1 = entry(&x, 1, &consultation(&a, &wp, &wk, 10, HEALTH));
    let payload = Payload {
        format: FORMAT,
        centre_id: w.profile.centre_id.clone(),
        device_id: device.clone(),
        seq: 1,
        created_at: "2026-12-03T00:00:00.000Z".into(),
        entries: vec![entry(&x, 2, &with_content(&consultation(&a, &wp, &wk, 10, HEALTH), "訂正")), v1.clone(), v1, entry(&y, 1, &older)],
        anchor: None,
    };
    let bytes = bundle::seal(&payload, &key, &w.profile.recipient).unwrap();
    let name = bundle::file_name(&device, 1, &sha256_hex(&bytes));
    std::fs::write(folder.join(&name), &bytes).unwrap();
    std::fs::write(folder.join(bundle::hash_file_name(&name)), sha256_hex(&bytes)).unwrap();

    let embedded = w.centre.centre_import(&folder).unwrap();
    let shared = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(embedded.versions_added > 600, "{embedded:?}");
    let counts =
        |r: &chisanpo_core::delivery::import::ImportReport| (r.bundles_applied.len(), r.versions_added, r.versions_already_present, r.quarantined.len());
    assert_eq!(counts(&shared), counts(&embedded));
    assert_eq!(shared.needs_review, embedded.needs_review);

    for kind in [LedgerKind::Consultation, LedgerKind::Interview] {
        let rows = |l: chisanpo_core::ledger::Ledger| l.entries.into_iter().map(|e| (e.record_id, e.fiscal_year, e.number, e.version)).collect::<Vec<_>>();
        let mine = rows(w.centre.ledger(kind, &LedgerFilter::default()).unwrap());
        let theirs = rows(db.ledger(kind, &LedgerFilter::default()).unwrap());
        assert!(mine.len() > 100, "{kind:?}: {}", mine.len());
        assert_eq!(theirs, mine, "{kind:?}");
    }
    let fy2025 = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let row = |id: &str, l: chisanpo_core::ledger::Ledger| l.entries.into_iter().find(|e| e.record_id == id).map(|e| e.version);
    assert_eq!(row(&x, db.ledger(LedgerKind::Consultation, &fy2025).unwrap()), Some(2), "version 2 is current although it came first");
    let fy2023 = LedgerFilter { fiscal_year: Some(2023), ..Default::default() };
    assert!(row(&y, db.ledger(LedgerKind::Consultation, &fy2023).unwrap()).is_some());

    // Again: nothing added, every version present, the same on both.
    let embedded = w.centre.centre_import(&folder).unwrap();
    let shared = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert_eq!(counts(&shared), counts(&embedded));
    assert!(db.check_proofs().unwrap().ok);
}

/// The centre's whole job on a shared database, as the app does it (設定 › 共有データベース):
/// the database chosen once, then the overview, the device list, enrolment from a request file,
/// the background import, the 台帳, the annual report and retention all work on it, and the
/// centre's own store stays empty of consolidated records. Going back to this store is one call.
#[test]
fn the_apps_centre_works_on_the_shared_database_once_chosen() {
    use chisanpo_core::delivery::DeliveryTarget;
    use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};

    let pg = PgServer::start();
    let url = pg.database("centre");
    let w = world();
    let folder = w.synced();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    let request = w.root.join("a-request.json");
    std::fs::write(&request, serde_json::to_string(&a.enrol(&w.profile).unwrap()).unwrap()).unwrap();
    a.deliver(&FolderTransport::new(&folder)).unwrap();

    // Refused before anything is saved: not a URL, or a database that cannot be reached.
    assert!(w.centre.set_centre_database(Some("http://example.jp/db")).is_err());
    let unreachable = format!("postgres://chisanpo@127.0.0.1:{}/centre", pg.port + 1);
    assert!(w.centre.set_centre_database(Some(&unreachable)).is_err());
    assert!(w.centre.centre_database().unwrap().is_none());
    // A device cannot choose one.
    assert!(a.set_centre_database(Some(&url)).is_err());

    let label = w.centre.set_centre_database(Some(&url)).unwrap().unwrap();
    assert!(label.ends_with("/centre") && !label.contains("chisanpo@"), "{label}");
    assert_eq!(w.centre.centre_overview().unwrap().unwrap().database.as_deref(), Some(label.as_str()));

    // Enrolment and the import go to the database.
    let (req, added) = w.centre.centre_enrol_device_file(&request).unwrap();
    assert!(added && req.label == "産業 一郎");
    assert_eq!(w.centre.centre_devices().unwrap().len(), 1);
    w.centre.set_delivery_target(&DeliveryTarget::Folder { path: folder.display().to_string() }, None).unwrap();
    let r = w.centre.centre_import_now().unwrap().unwrap();
    assert_eq!(r.versions_added, 1, "{r:?}");
    let o = w.centre.centre_overview().unwrap().unwrap();
    assert_eq!((o.devices, o.records, o.bundles_applied), (1, 1, 1), "{o:?}");
    let mut db = PgConsolidation::connect(&url, &w.centre).unwrap();
    assert_eq!(db.records().unwrap().len(), 1);
    assert!(w.centre.consolidated_records().unwrap().is_empty(), "nothing consolidated in the centre's own store");

    // The reports read the database.
    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let ledger = w.centre.centre_ledger(LedgerKind::Consultation, &fy).unwrap();
    assert_eq!(ledger.entries.iter().map(|e| (e.record_id.as_str(), e.number)).collect::<Vec<_>>(), vec![(id.as_str(), 1)]);
    assert!(w.centre.ledger(LedgerKind::Consultation, &fy).unwrap().entries.is_empty(), "the store's own ledger is empty");
    let out = w.root.join("ledger.csv");
    assert_eq!(w.centre.centre_export_ledger(LedgerKind::Consultation, &fy, ExportFormat::Csv, CsvEncoding::Utf8Bom, &out).unwrap().rows, 1);
    assert_eq!(w.centre.centre_annual_report(2025).unwrap().consultations.records.value, 1);
    let today = chisanpo_core::domain::Date::ymd(2031, 6, 1).unwrap();
    assert!(w.centre.centre_retention_due(today).unwrap().iter().any(|i| i.record_id == id));

    // Another centre cannot choose this centre's database: its imports would go into this 台帳.
    let other_centre = world();
    let refused = other_centre.centre.set_centre_database(Some(&url)).unwrap_err();
    assert!(refused.to_string().contains("別のセンター"), "{refused}");
    assert!(other_centre.centre.centre_database().unwrap().is_none());

    // The CLI's commands without --database use the same choice (`with_consolidation`).
    assert_eq!(w.centre.with_consolidation(|t| t.records()).unwrap().len(), 1);

    // Back to this store: its own (empty) consolidation again, the database untouched.
    assert_eq!(w.centre.set_centre_database(None).unwrap(), None);
    assert_eq!(w.centre.centre_overview().unwrap().unwrap().records, 0);
    assert_eq!(db.records().unwrap().len(), 1);
    assert!(w.centre.verify().unwrap().ok);

    // A shared database that goes away: the home screen stays up and says why.
    let other = PgServer::start();
    w.centre.set_centre_database(Some(&other.database("other"))).unwrap();
    drop(other);
    let o = w.centre.centre_overview().unwrap().unwrap();
    assert!(o.last_error.is_some() && o.failures > 0, "{o:?}");
}
