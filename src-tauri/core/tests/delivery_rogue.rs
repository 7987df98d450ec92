//! Issue 13, finding High 5: any enrolled device could overwrite any record at the centre by
//! sending a higher version, and an enrolment request carried no proof that its sender holds the
//! key it names. Both attacks performed against a real centre store.

use chisanpo_core::delivery::bundle::{self, Entry, Payload};
use chisanpo_core::delivery::keys::DeviceKey;
use chisanpo_core::delivery::{EnrolmentRequest, FolderTransport, FORMAT};
use chisanpo_core::domain::RecordBody;
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::store::audit::sha256_hex;
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::*;

/// A rogue device's version 99 of a record another laptop made: kept (versions are never
/// thrown away), flagged 要確認, and never made current, so the ledgers and the annual report
/// keep the owner's version.
#[test]
fn a_rogue_devices_version_99_is_kept_flagged_and_never_current() {
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&t).unwrap();
    w.centre.centre_import(&folder).unwrap();

    // The rogue: a key of its own, properly enrolled, sending "version 99" of A's record.
    let key = DeviceKey::generate();
    let rogue_id = uuid::Uuid::now_v7().to_string();
    w.centre.centre_enrol_device(&EnrolmentRequest::signed(&key, &w.profile.centre_id, rogue_id.clone(), "不正 端末".into())).unwrap();
    let mut forged = a.get_version(&id, 1).unwrap();
    let RecordBody::Consultation(c) = &mut forged.body else { unreachable!() };
    c.content = "所見なし（書き換え）".into();
    let content = serde_json::to_string(&forged).unwrap();
    let payload = Payload {
        format: FORMAT,
        centre_id: w.profile.centre_id.clone(),
        device_id: rogue_id.clone(),
        seq: 1,
        created_at: "2026-12-03T00:00:00.000Z".into(),
        entries: vec![Entry {
            entry_type: "version".into(),
            record_id: id.clone(),
            version: 99,
            kind: "consultation".into(),
            content_hash: sha256_hex(content.as_bytes()),
            content,
            reason: Some("改ざん".into()),
            author_id: "x".into(),
            author_name: "不正 端末".into(),
            created_at: "2026-12-03T00:00:00.000Z".into(),
        }],
        anchor: None,
    };
    let bytes = bundle::seal(&payload, &key, &w.profile.recipient).unwrap();
    let name = bundle::file_name(&rogue_id, 1, &sha256_hex(&bytes));
    std::fs::write(folder.join(&name), &bytes).unwrap();
    std::fs::write(folder.join(bundle::hash_file_name(&name)), sha256_hex(&bytes)).unwrap();

    let r = w.centre.centre_import(&folder).unwrap();
    assert_eq!(r.versions_added, 1, "kept, never thrown away: {r:?}");
    assert_eq!(r.needs_review, vec![id.clone()], "{r:?}");
    let rec = w.centre.consolidated_records().unwrap().into_iter().find(|x| x.id == id).unwrap();
    assert!(rec.needs_review && rec.versions == [1, 99], "{rec:?}");
    // The 台帳 shows A's version 1, with A's content.
    let ledger = w.centre.ledger(LedgerKind::Consultation, &LedgerFilter::default()).unwrap();
    let entry = ledger.entries.iter().find(|e| e.record_id == id).expect("in the ledger");
    assert_eq!(entry.version, 1);
    let RecordBody::Consultation(shown) = &entry.content.body else { unreachable!() };
    assert_eq!(shown.content, HEALTH);

    // A's own amendment still becomes current.
    a.amend(&id, &with_content(&consultation(&a, &wp, &wk, 10, HEALTH), "Aの訂正"), "追記").unwrap();
    a.deliver(&t).unwrap();
    w.centre.centre_import(&folder).unwrap();
    let ledger = w.centre.ledger(LedgerKind::Consultation, &LedgerFilter::default()).unwrap();
    assert_eq!(ledger.entries.iter().find(|e| e.record_id == id).unwrap().version, 2);
}

/// A request naming a key its sender does not hold (someone else's public key, or one edited in
/// the file), or made without a proof, is refused, and nothing is enrolled.
#[test]
fn an_enrolment_request_without_proof_of_its_key_is_refused() {
    let w = world();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    let genuine = a.enrol(&w.profile).unwrap();
    assert!(genuine.proves_possession());
    let victim_key = DeviceKey::generate().public_hex();
    let mut stolen = genuine.clone();
    stolen.public_key = victim_key;
    let mut relabelled = genuine.clone();
    relabelled.label = "院長".into();
    let unsigned = EnrolmentRequest { proof: None, ..genuine.clone() };
    for (what, req) in [("someone else's key", &stolen), ("an edited label", &relabelled), ("no proof (0.2.0)", &unsigned)] {
        let err = w.centre.centre_enrol_device(req).unwrap_err();
        assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("署名") && m.contains("作り直して")), "{what}: {err}");
    }
    assert!(w.centre.centre_devices().unwrap().is_empty());
    // The request file as written carries its proof, and enrols.
    let text = serde_json::to_string(&genuine).unwrap();
    assert!(w.centre.centre_enrol_device(&EnrolmentRequest::parse(&text).unwrap()).unwrap());
}
