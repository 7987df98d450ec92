//! Delivery to the centre, end to end on real encrypted stores in temporary folders: two
//! devices and a centre; bundles delivered through a folder, imported out of order and twice;
//! tampered, truncated and unknown-device bundles quarantined while the rest apply; a
//! conflicting amendment kept twice and flagged 要確認; no plaintext names in bundles.

use std::collections::BTreeSet;

use chisanpo_core::delivery::FolderTransport;
use chisanpo_core::domain::{Consultation, Date, RecordBody};
use chisanpo_core::error::DeliveryCode;
use chisanpo_core::store::audit::sha256_hex;
use chisanpo_core::store::Passphrase;
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::*;

#[test]
fn two_devices_deliver_through_a_folder_and_the_centre_consolidates_the_union() {
    let w = world();
    let outbox = w.synced();

    // Device A: a record finalised before enrolment is queued at enrolment.
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let (wp_a, wk_a) = worker(&a, WORKER_A);
    let body_a1 = consultation(&a, &wp_a, &wk_a, 10, HEALTH);
    let a1 = finalised(&a, &body_a1);
    assert!(!a.outbox().unwrap().overview.enrolled);
    let req_a = a.enrol(&w.profile).unwrap();
    assert_eq!(a.outbox().unwrap().overview.waiting, 1, "the record finalised before enrolment is queued");
    // Enrolling again with the same centre's profile keeps the id and key and queues nothing twice.
    assert_eq!(a.enrol(&w.profile).unwrap(), req_a, "enrolling again gives the same request");
    assert_eq!(a.outbox().unwrap().overview.waiting, 1, "nothing is queued twice");
    let elsewhere = world();
    assert!(matches!(a.enrol(&elsewhere.profile), Err(Error::Delivery { message: m, .. }) if m.contains("既に")), "another centre's profile is refused");
    // A program tells the refusal by its code, not its wording (ADR 0029).
    let refused = a.enrol(&elsewhere.profile).unwrap_err();
    assert_eq!((refused.code(), matches!(refused, Error::Delivery { code: DeliveryCode::EnrolledElsewhere, .. })), ("delivery_enrolled_elsewhere", true));
    // A device not enrolled is told so by its code too.
    let lone = new_store(&w.root.join("lone"), "単独 花子");
    assert_eq!(lone.deliver(&FolderTransport::new(&outbox)).unwrap_err().code(), "delivery_not_enrolled");
    // First delivery: bundle 1.
    a.deliver(&FolderTransport::new(&outbox)).unwrap();
    // Then a second record and an amendment: bundle 2.
    let (wp_a2, wk_a2) = worker(&a, "鷲尾 ツバサ");
    let a2 = finalised(&a, &consultation(&a, &wp_a2, &wk_a2, 11, "経過観察"));
    a.amend(&a1, &with_content(&body_a1, "紹介状を作成"), "追記").unwrap();
    let st = a.outbox().unwrap();
    assert_eq!((st.overview.waiting, st.sent), (2, 1), "{st:?}");
    let r = a.deliver(&FolderTransport::new(&outbox)).unwrap();
    assert_eq!((r.bundles_sent.len(), r.entries_sent, r.waiting), (1, 2, 0));
    // Nothing new: nothing is sent again.
    let r = a.deliver(&FolderTransport::new(&outbox)).unwrap();
    assert!(r.bundles_sent.is_empty() && r.bundles_made == 0);

    // Device B, enrolled before it records anything; one old record is later destroyed.
    let b = new_store(&w.root.join("b"), "診療 次郎");
    let req_b = b.enrol(&w.profile).unwrap();
    let (wp_b, wk_b) = worker(&b, WORKER_B);
    let b1 = finalised(&b, &consultation(&b, &wp_b, &wk_b, 12, HEALTH));
    let RecordBody::Consultation(old) = consultation(&b, &wp_b, &wk_b, 1, "古い相談") else { unreachable!() };
    let b_old = finalised(&b, &RecordBody::Consultation(Consultation { performed_on: Date::ymd(2019, 6, 10), ..old }));
    b.deliver(&FolderTransport::new(&outbox)).unwrap();

    // A device the centre never enrolled.
    let d = new_store(&w.root.join("d"), "未登録 三郎");
    d.enrol(&w.profile).unwrap();
    let (wp_d, wk_d) = worker(&d, "不明 四郎");
    finalised(&d, &consultation(&d, &wp_d, &wk_d, 13, "未登録端末の記録"));
    d.deliver(&FolderTransport::new(&outbox)).unwrap();

    let expected: BTreeSet<_> = pairs(&a).union(&pairs(&b)).cloned().collect();
    assert_eq!(expected.len(), 5);
    assert!(expected.contains(&(a1.clone(), 2)) && expected.contains(&(a2.clone(), 1)) && expected.contains(&(b_old.clone(), 1)));
    // The old record is sent, but the centre has not applied it (it has not enrolled B yet):
    // B may not destroy it, or it would be lost everywhere (issue 13, Medium #7).
    assert!(matches!(b.destroy(std::slice::from_ref(&b_old), "保存期間満了", Date::ymd(2026, 1, 10).unwrap()), Err(Error::RetentionHeld { .. })));
    assert!(b.get_record(&b_old).is_ok());

    // Bundles at rest hold no names and no health data.
    let no_names = |n: usize| {
        let all = bundles_in(&outbox);
        assert_eq!(all.len(), n, "{all:?}");
        for f in &all {
            let bytes = std::fs::read(f).unwrap();
            for needle in [WORKER_A, WORKER_B, HEALTH, "産業 一郎", "鷲尾"] {
                assert!(!contains(&bytes, needle), "{} holds {needle}", f.display());
            }
            assert_eq!(std::fs::read_to_string(sidecar(f)).unwrap().trim(), sha256_hex(&bytes));
        }
    };
    no_names(4);

    // The centre enrols A and B (not D); the same request twice is a no-op.
    assert!(w.centre.centre_enrol_device(&req_a).unwrap());
    assert!(w.centre.centre_enrol_device(&req_b).unwrap());
    assert!(!w.centre.centre_enrol_device(&req_b).unwrap());

    // Arrival out of order: A's second bundle first, together with a tampered copy of B's and a
    // truncated copy of A's first; the rest later, one of them twice under another name.
    let name = |dev: &str, seq: u64| bundle_file(&outbox, dev, seq);
    let first = w.root.join("arrive-1");
    copy_bundle(&name(&req_a.device_id, 2), &first, None);
    let tampered = copy_bundle(&name(&req_b.device_id, 1), &first, Some("tampered.chisanpo-bundle"));
    let mut bytes = std::fs::read(&tampered).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&tampered, &bytes).unwrap();
    std::fs::write(sidecar(&tampered), sha256_hex(&bytes)).unwrap();
    let truncated = copy_bundle(&name(&req_a.device_id, 1), &first, Some("truncated.chisanpo-bundle"));
    let bytes = std::fs::read(&truncated).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() - 40]).unwrap();
    let r = w.centre.centre_import(&first).unwrap();
    assert_eq!(r.bundles_applied.len(), 1, "{r:?}");
    assert_eq!(r.quarantined.len(), 2, "{r:?}");
    assert!(r.quarantined.iter().all(|q| q.reason.contains("自動で送り直します")), "{r:?}");
    assert_eq!(r.versions_added, 2);
    // Version 2 of a1 arrived before version 1: it is kept as it is.
    assert_eq!(w.centre.consolidated_records().unwrap().iter().find(|c| c.id == a1).unwrap().versions, [2]);

    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!(r.bundles_already_applied, 1, "A's second bundle was applied already: {r:?}");
    assert_eq!(r.bundles_applied.len(), 2, "{r:?}");
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert!(r.quarantined[0].reason.contains("登録されていない端末"), "{r:?}");
    assert!(r.quarantined[0].file.starts_with(&d.device_id().unwrap().unwrap()), "{r:?}");
    assert_eq!(r.destructions_added, 0);
    assert!(r.needs_review.is_empty());

    let again = w.root.join("arrive-3");
    copy_bundle(&name(&req_b.device_id, 1), &again, Some("copy-of-b.chisanpo-bundle"));
    let r = w.centre.centre_import(&again).unwrap();
    assert_eq!((r.bundles_applied.len(), r.bundles_already_applied, r.versions_added), (0, 1, 0), "{r:?}");

    // The consolidated set is the union of the devices' finalised versions, by id and version.
    assert_eq!(consolidated_pairs(&w.centre), expected);
    let recs = w.centre.consolidated_records().unwrap();
    let rec = |id: &str| recs.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(rec(&a1).source_device, req_a.device_id);
    assert_eq!(rec(&a1).version, 2);
    assert_eq!(rec(&b1).source_device, req_b.device_id);
    assert!(!rec(&b_old).destroyed_on_device);
    assert!(recs.iter().all(|r| !r.needs_review && r.fiscal_year.is_some()));

    // B reads the centre's receipt: the old record is at the centre. Its 確定 is set back to
    // the day it was performed (typed 2019, finalised today, it would be held as a mistyped
    // era); B destroys it, and the 廃棄記録 reaches the centre.
    assert_eq!(b.deliver(&FolderTransport::new(&outbox)).unwrap().received.len(), 1);
    drop(b);
    let raw = chisanpo_core::store::raw_connection(&w.root.join("b"), &Passphrase::new(PASS)).unwrap();
    raw.execute("UPDATE records SET finalised_at = performed_on || substr(finalised_at, 11) WHERE id = ?1", [&b_old]).unwrap();
    drop(raw);
    let b = open(&w.root.join("b"));
    b.destroy(std::slice::from_ref(&b_old), "保存期間満了", Date::ymd(2026, 1, 10).unwrap()).unwrap();
    assert_eq!(b.outbox().unwrap().overview.waiting, 1, "the 廃棄記録 is queued");
    b.deliver(&FolderTransport::new(&outbox)).unwrap();
    no_names(5);
    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!((r.bundles_applied.len(), r.destructions_added), (1, 1), "{r:?}");
    assert!(w.centre.consolidated_records().unwrap().iter().find(|r| r.id == b_old).unwrap().destroyed_on_device);

    // Re-running every import changes nothing.
    let before = consolidated_pairs(&w.centre);
    for dir in [&first, &outbox, &again] {
        let r = w.centre.centre_import(dir).unwrap();
        assert_eq!((r.bundles_applied.len(), r.versions_added, r.destructions_added), (0, 0, 0), "{r:?}");
    }
    assert_eq!(consolidated_pairs(&w.centre), before);

    // A file applied before, whose name carries its hash, is not read again: even a copy
    // damaged since then in the shared folder is skipped, not set aside.
    let applied_a2 = name(&req_a.device_id, 2);
    std::fs::write(&applied_a2, b"damaged after it was imported").unwrap();
    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!((r.bundles_already_applied, r.quarantined.len()), (4, 1), "only D's bundle is looked at again: {r:?}");

    // The unenrolled device reads the centre's receipt, and its home screen says what to do.
    d.deliver(&FolderTransport::new(&outbox)).unwrap();
    let held = d.outbox().unwrap().overview.held;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0].held_by, "centre");
    assert!(held[0].reason.contains("登録申請ファイル") && held[0].reason.contains("担当者"), "{held:?}");
    // Once the centre enrols it, its bundle applies at the next import and the device hears so.
    assert!(w.centre.centre_enrol_device(&d.enrol(&w.profile).unwrap()).unwrap());
    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!((r.bundles_applied.len(), r.quarantined.len(), r.versions_added), (1, 0, 1), "{r:?}");
    let r = d.deliver(&FolderTransport::new(&outbox)).unwrap();
    assert_eq!(r.received.len(), 1, "{r:?}");
    assert!(d.outbox().unwrap().overview.held.is_empty());

    assert!(w.centre.verify().unwrap().ok);
    assert!(a.verify().unwrap().ok && b.verify().unwrap().ok);
}

#[test]
fn a_conflicting_amendment_from_two_devices_is_kept_twice_and_flagged() {
    let w = world();
    let outbox = w.synced();
    // Laptop B is a copy of laptop A (restored from its backup) before either was enrolled.
    let (a, b, id, body) = twin_laptops(&w);
    for s in [&a, &b] {
        let req = s.enrol(&w.profile).unwrap();
        w.centre.centre_enrol_device(&req).unwrap();
    }
    a.amend(&id, &with_content(&body, "Aでの訂正"), "追記").unwrap();
    b.amend(&id, &with_content(&body, "Bでの訂正"), "追記").unwrap();
    a.deliver(&FolderTransport::new(&outbox)).unwrap();
    b.deliver(&FolderTransport::new(&outbox)).unwrap();

    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!(r.bundles_applied.len(), 2, "{r:?}");
    // Version 1 came from both laptops, identical: stored once.
    assert_eq!((r.versions_added, r.versions_already_present), (3, 1), "{r:?}");
    assert_eq!(r.needs_review, vec![id.clone()]);
    let rec = w.centre.consolidated_records().unwrap().into_iter().find(|r| r.id == id).unwrap();
    assert!(rec.needs_review);
    assert_eq!(rec.review.as_deref(), Some("要確認"));
    assert_eq!(rec.versions, [1, 2]);
    assert_eq!(rec.source_devices.len(), 2);
    // Nothing overwritten, and importing again changes nothing.
    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!((r.bundles_applied.len(), r.bundles_already_applied), (0, 2));
    // Consolidated versions cannot be changed or deleted, even with SQL.
    let raw = chisanpo_core::store::raw_connection(&w.root.join("centre"), &Passphrase::new(PASS)).unwrap();
    assert!(raw.execute("UPDATE consolidated_versions SET content = '{}' WHERE record_id = ?1", [&id]).is_err());
    assert!(raw.execute("DELETE FROM consolidated_versions WHERE record_id = ?1", [&id]).is_err());
}

#[test]
fn a_bundle_for_another_centre_is_quarantined_and_an_unwritable_folder_keeps_the_queue() {
    let w = world();
    let other = world();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let req = a.enrol(&other.profile).unwrap();
    w.centre.centre_enrol_device(&req).unwrap_err();
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));

    // The folder does not exist: a clear message, and the entry stays waiting.
    let err = a.deliver(&FolderTransport::new(&w.root.join("missing"))).unwrap_err();
    assert!(err.to_string().contains("自動で送ります"), "{err}");
    assert!(!err.to_string().contains(HEALTH));
    assert_eq!(a.outbox().unwrap().overview.waiting, 1);

    let outbox = w.synced();
    let r = a.deliver(&FolderTransport::new(&outbox)).unwrap();
    assert_eq!(r.bundles_sent.len(), 1, "the bundle made in the failed pass is sent now");
    let st = a.outbox().unwrap();
    assert_eq!((st.overview.waiting, st.sent, st.overview.quarantined), (0, 1, 0));
    assert!(st.last_sent_at.is_some());
    let json = serde_json::to_string(&st).unwrap();
    assert!(!json.contains(HEALTH) && !json.contains(WORKER_A), "{json}");

    let r = w.centre.centre_import(&outbox).unwrap();
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert!(r.quarantined[0].reason.contains("復号できません"), "{r:?}");
    assert!(w.centre.consolidated_records().unwrap().is_empty());
    // The other centre takes it.
    other.centre.centre_enrol_device(&req).unwrap();
    let r = other.centre.centre_import(&outbox).unwrap();
    assert_eq!(r.versions_added, 1, "{r:?}");
}

#[test]
fn outbox_rows_are_written_with_the_version_in_one_transaction() {
    let w = world();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    a.enrol(&w.profile).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let body = consultation(&a, &wp, &wk, 10, HEALTH);
    let id = a.create_record(&body).unwrap();
    assert_eq!(a.outbox().unwrap().entries.len(), 0, "a draft is not queued");
    a.finalise(&id).unwrap();
    // A finalisation refused (nothing changed) queues nothing either.
    let RecordBody::Consultation(c) = body.clone() else { unreachable!() };
    let bad = a.create_record(&RecordBody::Consultation(Consultation { kinds: vec![], ..c })).unwrap();
    assert!(a.finalise(&bad).is_err());
    let st = a.outbox().unwrap();
    assert_eq!(st.entries.len(), 1);
    assert_eq!((st.entries[0].record_id.as_str(), st.entries[0].version, st.entries[0].state.as_str()), (id.as_str(), 1, "waiting"));
}

/// The centre's ledger and annual report include every record consolidated from its devices,
/// once, at its latest version, numbered in the centre's sequence; a number never changes when
/// a later amendment arrives. Exported as CSV and read back with a CSV parser.
#[test]
fn the_centres_ledger_and_annual_report_cover_every_devices_records() {
    use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
    use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut ids = BTreeSet::new();
    let mut devices = Vec::new();
    for name in ["a", "b"] {
        let s = new_store(&w.root.join(name), name);
        w.centre.centre_enrol_device(&s.enrol(&w.profile).unwrap()).unwrap();
        for day in [3, 9] {
            let (wp, wk) = worker(&s, &format!("{WORKER_A}{name}{day}"));
            ids.insert(finalised(&s, &consultation(&s, &wp, &wk, day, HEALTH)));
        }
        s.deliver(&t).unwrap();
        devices.push(s);
    }
    w.centre.centre_import(&folder).unwrap();
    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let ledger = w.centre.ledger(LedgerKind::Consultation, &fy).unwrap();
    let got: BTreeSet<String> = ledger.entries.iter().map(|e| e.record_id.clone()).collect();
    assert_eq!(got, ids, "every device's record, once");
    let numbers: Vec<u32> = ledger.entries.iter().map(|e| e.number).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4]);

    // An amendment on device a arrives: the same number, the new version.
    let a = &devices[0];
    let first = ledger.entries.iter().find(|e| a.get_record(&e.record_id).is_ok()).unwrap().clone();
    let body = a.get_record(&first.record_id).unwrap().current.unwrap().body;
    a.amend(&first.record_id, &with_content(&body, "紹介状を作成"), "追記").unwrap();
    a.deliver(&t).unwrap();
    w.centre.centre_import(&folder).unwrap();
    let ledger = w.centre.ledger(LedgerKind::Consultation, &fy).unwrap();
    let e = ledger.entries.iter().find(|e| e.record_id == first.record_id).unwrap();
    assert_eq!((e.number, e.version, e.amended), (first.number, 2, true));
    assert_eq!(ledger.entries.len(), 4);

    // Exported, and read back by a CSV parser: four rows.
    let out = w.root.join("ledger.csv");
    let r = w.centre.export_ledger(LedgerKind::Consultation, &fy, ExportFormat::Csv, CsvEncoding::Utf8Bom, &out).unwrap();
    assert_eq!(r.rows, 4);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rows = csv::ReaderBuilder::new().has_headers(true).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rows.records().count(), 4);

    // The annual report counts them.
    let annual = w.centre.annual_report(2025).unwrap();
    let counted: BTreeSet<String> = annual.consultations.records.ids.iter().cloned().collect();
    assert_eq!(counted, ids);
    assert_eq!(annual.consultations.records.value, 4);
}

/// Retention on the centre: a device's record performed more than five years ago is listed as
/// due with the centre's own records, destroyed with a 廃棄記録, and gone from the consolidated
/// records and the ledger; its versions cannot be deleted outside a destruction.
#[test]
fn the_centre_keeps_and_destroys_consolidated_records_like_its_own() {
    let w = world();
    let folder = w.synced();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let RecordBody::Consultation(old) = consultation(&a, &wp, &wk, 10, HEALTH) else { unreachable!() };
    let old_id = finalised(&a, &RecordBody::Consultation(Consultation { performed_on: Date::ymd(2019, 6, 10), ..old }));
    let (wp2, wk2) = worker(&a, WORKER_B);
    let recent = finalised(&a, &consultation(&a, &wp2, &wk2, 11, "経過観察"));
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    w.centre.centre_import(&folder).unwrap();

    let today = chisanpo_core::store::today();
    let due = w.centre.retention_due(today).unwrap();
    assert_eq!(due.iter().map(|d| d.record_id.clone()).collect::<Vec<_>>(), vec![old_id.clone()], "{due:?}");
    assert_eq!(due[0].retain_until, Date::ymd(2024, 6, 10).unwrap());
    // It arrived today: its date may be a mistyped era, so the centre holds it for 5 years from
    // its arrival, by the centre's own clock (issue 13, Medium 7).
    let why = due[0].held.as_deref().expect("held: it arrived less than 5 years ago");
    assert!(why.contains("センターに届いた日") && why.contains("実施日を確かめてください"), "{why}");
    let err = w.centre.destroy(std::slice::from_ref(&old_id), "保存期間（5年）満了のため", today).unwrap_err();
    assert!(matches!(err, Error::RetentionHeld { count: 1, .. }), "{err:?}");
    // It arrived years ago, as a centre's old records did (the arrival time moved back here).
    let raw = chisanpo_core::store::raw_connection(&w.root.join("centre"), &Passphrase::new(PASS)).unwrap();
    raw.execute_batch("DROP TRIGGER consolidated_versions_immutable;").unwrap();
    raw.execute("UPDATE consolidated_versions SET imported_at = '2019-06-11T00:00:00.000Z' WHERE record_id = ?1", [&old_id]).unwrap();
    drop(raw);
    assert!(w.centre.retention_due(today).unwrap()[0].held.is_none());
    assert!(w.centre.destroy(std::slice::from_ref(&recent), "保存期間（5年）満了のため", today).is_err(), "inside its period: refused");
    let r = w.centre.destroy(std::slice::from_ref(&old_id), "保存期間（5年）満了のため", today).unwrap();
    assert_eq!(r.destroyed.len(), 1);
    assert_eq!(w.centre.destructions().unwrap().iter().filter(|d| d.record_id == old_id).count(), 1);
    let left: BTreeSet<String> = w.centre.consolidated_records().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(left, [recent.clone()].into_iter().collect());
    assert!(w.centre.retention_due(today).unwrap().is_empty());
    // The bundle imported again does not bring it back as a new record silently: it was applied.
    let again = w.centre.centre_import(&folder).unwrap();
    assert_eq!(again.versions_added, 0, "{again:?}");
    let raw = chisanpo_core::store::raw_connection(&w.root.join("centre"), &Passphrase::new(PASS)).unwrap();
    assert!(raw.execute("DELETE FROM consolidated_versions WHERE record_id = ?1", [&recent]).is_err(), "only under a destruction permit");
    assert!(w.centre.verify().unwrap().ok);
}

#[test]
fn a_coordinator_enrols_a_laptop_from_its_request_file_and_the_next_import_is_due_at_once() {
    use chisanpo_core::delivery::{DeliveryTarget, Schedule};
    let w = world();
    let folder = w.synced();
    w.centre.set_delivery_target(&DeliveryTarget::Folder { path: folder.display().to_string() }, None).unwrap();
    let d = new_store(&w.root.join("d"), "産業 一郎");
    let req = d.enrol(&w.profile).unwrap();
    let (wp, wk) = worker(&d, WORKER_A);
    finalised(&d, &consultation(&d, &wp, &wk, 10, HEALTH));
    d.deliver(&FolderTransport::new(&folder)).unwrap();

    // Before enrolment the laptop's bundle is set aside, and the next import waits for the poll.
    let (schedule, now) = (Schedule::default(), chrono::Utc::now());
    let r = w.centre.centre_import_tick(&schedule, now).unwrap().expect("the first import runs");
    assert_eq!((r.bundles_applied.len(), r.quarantined.len()), (0, 1), "{r:?}");
    assert!(w.centre.centre_import_tick(&schedule, now).unwrap().is_none(), "not due again before the poll interval");

    // Files that are not a request: a Japanese message that says which file to choose.
    let missing = w.root.join("none.json");
    assert!(matches!(w.centre.centre_enrol_device_file(&missing), Err(Error::File { .. })));
    let bad = w.root.join("bad.json");
    std::fs::write(&bad, "{\"format\": 1}").unwrap();
    let err = w.centre.centre_enrol_device_file(&bad).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("登録申請") && m.contains("設定")), "{err}");
    assert!(w.centre.centre_devices().unwrap().is_empty());

    // The request file: enrolled, and the import that takes its bundle is due at once.
    let file = w.root.join("request.json");
    std::fs::write(&file, serde_json::to_string_pretty(&req).unwrap()).unwrap();
    let (r, added) = w.centre.centre_enrol_device_file(&file).unwrap();
    assert!(added);
    assert_eq!((r.device_id.as_str(), r.label.as_str()), (req.device_id.as_str(), req.label.as_str()));
    let r = w.centre.centre_import_tick(&schedule, now).unwrap().expect("due at once after an enrolment");
    assert_eq!((r.bundles_applied.len(), r.quarantined.len(), r.versions_added), (1, 0, 1), "{r:?}");
    // The same file again changes nothing.
    assert!(!w.centre.centre_enrol_device_file(&file).unwrap().1);
    assert_eq!(w.centre.centre_devices().unwrap().len(), 1);
}

#[test]
fn a_second_coordinator_joins_with_the_centres_keys_and_imports_bundles_for_old_and_new_keys() {
    const KEY_PASS: &str = "鍵ファイル用の長いパスフレーズ";
    let w = world();
    let folder = w.synced();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let req = a.enrol(&w.profile).unwrap();
    assert!(w.centre.centre_enrol_device(&req).unwrap());
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    // An export made before the rotation, kept somewhere.
    let early = w.centre.centre_export_keys(&Passphrase::new(KEY_PASS)).unwrap();
    // The centre rotates its key; the laptop re-enrols and its next bundle is for the new key.
    let rotated = w.centre.centre_rotate_key(None).unwrap();
    a.enrol(&rotated).unwrap();
    let (wp2, wk2) = worker(&a, WORKER_B);
    finalised(&a, &consultation(&a, &wp2, &wk2, 11, HEALTH));
    a.deliver(&FolderTransport::new(&folder)).unwrap();

    // The key file: a passphrase long enough, and no key or id in the clear.
    assert!(matches!(w.centre.centre_export_keys(&Passphrase::new("short")), Err(Error::WeakPassphrase { .. })));
    let file = w.centre.centre_export_keys(&Passphrase::new(KEY_PASS)).unwrap();
    for needle in ["AGE-SECRET-KEY", w.profile.centre_id.as_str(), "北部地域産業保健センター"] {
        assert!(!contains(&file, needle), "the key file holds {needle} in the clear");
    }

    // A second coordinator's own encrypted store takes the keys.
    let c = new_store(&w.root.join("coordinator-2"), "連携 三子");
    let err = c.centre_join(&file, &Passphrase::new("違うパスフレーズです")).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("パスフレーズが違う")), "{err}");
    assert!(!c.is_centre().unwrap(), "nothing taken from a file that did not open");
    let mut cut = file.clone();
    cut.truncate(file.len() - 20);
    assert!(c.centre_join(&cut, &Passphrase::new(KEY_PASS)).is_err());
    let profile = c.centre_join(&file, &Passphrase::new(KEY_PASS)).unwrap();
    assert_eq!((profile.centre_id.as_str(), profile.recipient.as_str()), (w.profile.centre_id.as_str(), rotated.recipient.as_str()));
    assert!(c.is_centre().unwrap());
    // Both coordinators see the same fingerprint (compared by phone before the join).
    assert_eq!(c.centre_key_fingerprint().unwrap(), w.centre.centre_key_fingerprint().unwrap());
    assert_eq!(c.centre_key_fingerprint().unwrap().unwrap().len(), 19);
    // Taking the same file again changes nothing; an export older than the key in use is refused.
    let before = (c.centre_profile().unwrap(), c.centre_export_keys(&Passphrase::new(KEY_PASS)).map(|f| f.len()).unwrap());
    c.centre_join(&file, &Passphrase::new(KEY_PASS)).unwrap();
    let err = c.centre_join(&early, &Passphrase::new(KEY_PASS)).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("古い書き出し")), "{err}");
    assert_eq!((c.centre_profile().unwrap(), c.centre_export_keys(&Passphrase::new(KEY_PASS)).map(|f| f.len()).unwrap()), before);

    // Bundles for the retired key and for the current one both open there, and the laptop
    // believes the receipts the second coordinator signs.
    assert!(c.centre_enrol_device(&req).unwrap());
    let r = c.centre_import(&folder).unwrap();
    assert_eq!((r.bundles_applied.len(), r.quarantined.len(), r.versions_added), (2, 0, 2), "{r:?}");
    let r = a.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(r.received.len(), 2, "{r:?}");

    // A laptop's store and another centre's store refuse the keys.
    let err = a.centre_join(&file, &Passphrase::new(KEY_PASS)).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("医師の端末")), "{err}");
    let elsewhere = world();
    let err = elsewhere.centre.centre_join(&file, &Passphrase::new(KEY_PASS)).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("別のセンター")), "{err}");
    assert!(c.verify().unwrap().ok && w.centre.verify().unwrap().ok);
}

#[test]
fn a_copy_damaged_on_the_way_again_and_again_is_set_aside_on_the_device_after_three_resends() {
    let w = world();
    let folder = w.synced();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    assert!(w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap());
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    let bundle = bundles_in(&folder).pop().unwrap();
    for round in 1..=3usize {
        // The sync client cuts the file short, differently each time.
        let bytes = std::fs::read(&bundle).unwrap();
        std::fs::write(&bundle, &bytes[..bytes.len() - 10 * round]).unwrap();
        let r = w.centre.centre_import(&folder).unwrap();
        assert_eq!((r.bundles_applied.len(), r.quarantined.len()), (0, 1), "round {round}: {r:?}");
        let r = a.deliver(&FolderTransport::new(&folder)).unwrap();
        if round < 3 {
            assert_eq!((r.resent.len(), r.bundles_sent.len()), (1, 1), "round {round}: resent whole: {r:?}");
            let held = a.outbox().unwrap().overview.held;
            assert!(held.iter().all(|h| h.reason.contains("自動で送り直します")), "round {round}: {held:?}");
        } else {
            assert_eq!((r.quarantined.len(), r.bundles_sent.len()), (1, 0), "the third damaged copy sets it aside: {r:?}");
        }
    }
    let held = a.outbox().unwrap().overview.held;
    assert_eq!((held.len(), held[0].held_by.as_str()), (1, "device"), "{held:?}");
    // Released once the cause is fixed, it goes whole and is applied.
    assert_eq!(a.release_held_bundles().unwrap(), 1);
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(w.centre.centre_import(&folder).unwrap().bundles_applied.len(), 1);
    assert_eq!(a.deliver(&FolderTransport::new(&folder)).unwrap().received.len(), 1);
}

/// A finalised 訪問指導 travels like every record: the centre holds its version, numbers it in the
/// visits' 台帳, lists its findings as open, and the bundle shows none of its words.
#[test]
fn a_site_visit_reaches_the_centre_numbered_with_its_findings() {
    use chisanpo_core::domain::{Finding, FindingCategory, FindingPriority, Visit, VisitActivity};
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let s = new_store(&w.root.join("laptop"), "産業 一郎");
    w.centre.centre_enrol_device(&s.enrol(&w.profile).unwrap()).unwrap();
    let (wp, _) = worker(&s, WORKER_A);
    // A photo of the visit (a tiny PNG; kept as a JPEG without metadata).
    let mut png_bytes = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png_bytes, 8, 8);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.write_header().unwrap().write_image_data(&[120u8; 8 * 8 * 3]).unwrap();
    }
    let photo = s.add_photo(&png_bytes).unwrap();
    let visit = Visit {
        photos: vec![chisanpo_core::domain::PhotoRef { sha256: photo.sha256.clone(), caption: "塗装場".into() }],
        visited_on: Date::ymd(2025, 9, 3),
        workplace_id: Some(wp),
        doctor_id: Some(s.actor().id.clone()),
        activities: vec![VisitActivity::WorkplacePatrol],
        findings: vec![Finding {
            category: Some(FindingCategory::WorkEnvironment),
            priority: Some(FindingPriority::High),
            place: "塗装場".into(),
            observation: "局所排気装置の吸込みが弱い".into(),
            advice: "制御風速を測定すること".into(),
            due_on: Date::ymd(2025, 10, 31),
        }],
        ..Default::default()
    };
    let id = finalised(&s, &RecordBody::Visit(visit));
    s.deliver(&t).unwrap();
    for b in bundles_in(&folder) {
        assert!(!contains(&std::fs::read(&b).unwrap(), "局所排気装置"), "the bundle is encrypted");
    }
    w.centre.centre_import(&folder).unwrap();
    assert!(consolidated_pairs(&w.centre).contains(&(id.clone(), 1)));
    let number = w.centre.read(|c| chisanpo_core::store::records::ledger_number(c, &id)).unwrap();
    assert_eq!(number, Some((2025, 1)), "numbered in the centre's 訪問指導 台帳");
    let annual = w.centre.annual_report(2025).unwrap();
    assert!(!annual.consultations.records.ids.contains(&id), "a visit is not counted as a consultation");
    assert_eq!(annual.visits.visits.ids, vec![id.clone()], "and the centre counts it as a visit");
    // The photo came with the version: the same JPEG, byte for byte.
    let content: String = w.centre.read(|c| Ok(c.query_row("SELECT content FROM consolidated_versions WHERE record_id = ?1", [&id], |r| r.get(0))?)).unwrap();
    let arrived = serde_json::from_str::<chisanpo_core::domain::VersionContent>(&content).unwrap().snapshot.photos;
    assert_eq!(arrived.len(), 1);
    use base64::Engine;
    let jpeg = base64::engine::general_purpose::STANDARD.decode(&arrived[0].jpeg_base64).unwrap();
    assert_eq!(jpeg, s.photo(&photo.sha256).unwrap());
}

#[test]
fn a_referral_and_its_outcome_reach_the_centre_with_the_body_it_named() {
    use chisanpo_core::domain::{BodyKind, OutsideBody, ReferralOutcome};
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let s = new_store(&w.root.join("laptop"), "産業 一郎");
    w.centre.centre_enrol_device(&s.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&s, WORKER_A);
    let source = finalised(&s, &consultation(&s, &wp, &wk, 10, HEALTH));
    let clinic = s
        .add_outside_body(&OutsideBody {
            name: "こころのクリニック".into(), kind: Some(BodyKind::Psychiatry), phone: "054-1".into(), ..Default::default()
        })
        .unwrap();
    let mut r = s.referral_from(&source).unwrap();
    r.body_id = Some(clinic.clone());
    r.reason_text = "精密検査のため".into();
    let id = finalised(&s, &RecordBody::Referral(r));
    s.remove_outside_body(&clinic).unwrap();
    s.record_referral_outcome(&id, ReferralOutcome::Attended, Date::ymd(2025, 6, 20), "").unwrap();
    s.deliver(&t).unwrap();
    for b in bundles_in(&folder) {
        assert!(!contains(&std::fs::read(&b).unwrap(), "こころのクリニック"), "the bundle is encrypted");
    }
    w.centre.centre_import(&folder).unwrap();
    let pairs = consolidated_pairs(&w.centre);
    assert!(pairs.contains(&(id.clone(), 1)) && pairs.contains(&(id.clone(), 2)), "both versions arrived: {pairs:?}");
    assert_eq!(w.centre.read(|c| chisanpo_core::store::records::ledger_number(c, &id)).unwrap(), None, "a referral has no 台帳 number");
    let content: String =
        w.centre.read(|c| Ok(c.query_row("SELECT content FROM consolidated_versions WHERE record_id = ?1 AND version = 2", [&id], |r| r.get(0))?)).unwrap();
    let v2 = serde_json::from_str::<chisanpo_core::domain::VersionContent>(&content).unwrap();
    assert_eq!(v2.snapshot.outside_body.map(|b| b.name), Some("こころのクリニック".to_string()), "the body as it was, though removed since");
    let RecordBody::Referral(r) = v2.body else { panic!("a referral") };
    assert_eq!(r.outcome, Some(ReferralOutcome::Attended));
}
