//! Issue 13, finding 11 (ADR 0026): the shared PostgreSQL defends itself against a coordinator's
//! database role. Each test logs in as a role that is a member of `chisanpo_coordinator` (as the
//! roles script and docs/centre-postgresql.md set it up) and performs the attack: replacing a
//! device's key, removing a device, changing or deleting versions, dropping or disabling the
//! triggers, writing a forged version. Where the database cannot refuse (a coordinator may add
//! rows), the check (`Consolidation::check_proofs`) names what was added. The triggers are also
//! tried as the owner, so that each layer fails its own test when removed. And the normal work
//! (enrolment, import, ledger, annual report, retention) runs as a coordinator.
#![cfg(unix)]

use std::collections::BTreeSet;

use ::postgres::{Client, NoTls};
use chisanpo_core::delivery::consolidation::postgres::{pg_roles_script, PgConsolidation};
use chisanpo_core::delivery::consolidation::Consolidation;
use chisanpo_core::delivery::FolderTransport;
use chisanpo_core::ledger::{LedgerFilter, LedgerKind, ReportSource};
use chisanpo_core::store::audit::sha256_hex;
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::postgres::PgServer;
use delivery_common::*;

/// A server with one database set up as the roles script says: the owner's and the
/// coordinators' group roles, a login role in each, and the schema made by the owner.
struct Roles {
    pg: PgServer,
    db: String,
}

impl Roles {
    fn new(w: &World) -> Self {
        let pg = PgServer::start();
        pg.database("centre");
        let r = Roles { pg, db: "centre".into() };
        let mut admin = r.client("chisanpo");
        admin.batch_execute(&pg_roles_script()).unwrap();
        admin.batch_execute(&pg_roles_script()).expect("the script runs again");
        admin
            .batch_execute(
                "CREATE ROLE dba_suzuki LOGIN IN ROLE chisanpo_owner; \
                 CREATE ROLE coord_sato LOGIN IN ROLE chisanpo_coordinator; \
                 CREATE ROLE coord_rogue LOGIN IN ROLE chisanpo_coordinator;",
            )
            .unwrap();
        // The schema is made by a member of the owner role, and owned by the owner.
        drop(PgConsolidation::connect(&r.url("dba_suzuki"), &w.centre).unwrap());
        let owner: String = admin.query_one("SELECT tableowner FROM pg_tables WHERE tablename = 'centre_devices'", &[]).unwrap().get(0);
        assert_eq!(owner, "chisanpo_owner");
        r
    }

    fn url(&self, user: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{}", self.pg.port, self.db)
    }

    fn client(&self, user: &str) -> Client {
        Client::connect(&self.url(user), NoTls).unwrap()
    }
}

/// The SQLSTATE a statement failed with ("ok" when it did not fail).
fn code(r: Result<u64, ::postgres::Error>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.code().map(|c| c.code().to_string()).unwrap_or_else(|| format!("{e}")),
    }
}

fn batch_code(c: &mut Client, sql: &str) -> String {
    match c.batch_execute(sql) {
        Ok(()) => "ok".into(),
        Err(e) => e.code().map(|c| c.code().to_string()).unwrap_or_else(|| format!("{e}")),
    }
}

const DENIED: &str = "42501";
const REFUSED: &str = "QC001";

/// As if the record had reached the server in 2019 and been performed then: the server's time
/// moved back by the superuser (a coordinator's role cannot), so that it is due for destruction.
fn arrived_in_2019(superuser: &mut Client, record_id: &str) {
    superuser
        .batch_execute(&format!(
            "ALTER TABLE consolidated_versions DISABLE TRIGGER consolidated_versions_immutable; \
             UPDATE consolidated_versions SET imported_at = '2019-06-11T00:00:00.000Z', received_at = '2019-06-11T00:00:00Z' WHERE record_id = '{record_id}'; \
             ALTER TABLE consolidated_versions ENABLE TRIGGER consolidated_versions_immutable; \
             UPDATE consolidated_latest SET performed_on = '2019-06-10', fiscal_year = 2019 WHERE record_id = '{record_id}';"
        ))
        .unwrap();
}

/// One laptop enrolled and its first record imported, as the coordinator `coord_sato`.
fn one_device_imported(w: &World, r: &Roles) -> (chisanpo_core::store::Store, String) {
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    assert!(w.centre.centre_enrol_device_into(&a.enrol(&w.profile).unwrap(), &mut db).unwrap());
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&FolderTransport::new(&w.synced())).unwrap();
    let rep = w.centre.centre_import_into(&FolderTransport::new(&w.synced()), &mut db).unwrap();
    assert_eq!(rep.versions_added, 1, "{rep:?}");
    (a, id)
}

#[test]
fn a_coordinator_cannot_replace_a_device_key_nor_remove_a_device_and_neither_can_the_owner() {
    let w = world();
    let r = Roles::new(&w);
    let (a, _) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let rogue_key = chisanpo_core::delivery::keys::DeviceKey::generate().public_hex();

    // (a) and (b) as a coordinator: the role has no such right.
    let mut rogue = r.client("coord_rogue");
    assert_eq!(code(rogue.execute("UPDATE centre_devices SET public_key = $1 WHERE device_id = $2", &[&rogue_key, &device])), DENIED);
    assert_eq!(code(rogue.execute("UPDATE centre_devices SET device_id = 'x' WHERE device_id = $1", &[&device])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM centre_devices WHERE device_id = $1", &[&device])), DENIED);
    // Nor through the enrolment: another key for a known device is refused by the code.
    let mut db = PgConsolidation::connect(&r.url("coord_rogue"), &w.centre).unwrap();
    let other = new_store(&w.root.join("other"), "別 端末");
    let mut req = other.enrol(&w.profile).unwrap();
    req.device_id = device.clone();
    assert!(w.centre.centre_enrol_device_into(&req, &mut db).is_err());

    // The same as the owner (the database administrator's role): the triggers refuse.
    let mut owner = r.client("dba_suzuki");
    assert_eq!(code(owner.execute("UPDATE centre_devices SET public_key = $1 WHERE device_id = $2", &[&rogue_key, &device])), REFUSED);
    assert_eq!(code(owner.execute("UPDATE centre_devices SET device_id = 'x' WHERE device_id = $1", &[&device])), REFUSED);
    assert_eq!(code(owner.execute("DELETE FROM centre_devices WHERE device_id = $1", &[&device])), REFUSED);
    assert_eq!(batch_code(&mut owner, "TRUNCATE centre_devices CASCADE"), REFUSED);
    // A label may still be corrected by the owner; the key is the one enrolled.
    assert_eq!(code(owner.execute("UPDATE centre_devices SET label = 'ラベル' WHERE device_id = $1", &[&device])), "ok");
    assert_eq!(db.device_key(&device).unwrap().as_deref(), Some(a.enrol(&w.profile).unwrap().public_key.as_str()));
    assert!(db.check_proofs().unwrap().ok);
}

#[test]
fn a_coordinator_cannot_change_or_delete_consolidated_versions_and_destroys_only_through_the_databases_check() {
    let w = world();
    let r = Roles::new(&w);
    let (_a, id) = one_device_imported(&w, &r);
    let mut rogue = r.client("coord_rogue");

    // (c) as a coordinator: no UPDATE, no DELETE, no permit of their own.
    assert_eq!(code(rogue.execute("UPDATE consolidated_versions SET content = '{}' WHERE record_id = $1", &[&id])), DENIED);
    assert_eq!(code(rogue.execute("UPDATE consolidated_versions SET received_at = now() - interval '10 years'", &[])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM consolidated_versions WHERE record_id = $1", &[&id])), DENIED);
    assert_eq!(code(rogue.execute("INSERT INTO destruction_permits (record_id) VALUES ($1)", &[&id])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM consolidated_latest WHERE record_id = $1", &[&id])), DENIED);
    assert_eq!(code(rogue.execute("UPDATE consolidated_payloads SET payload = '{}'", &[])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM consolidated_payloads", &[])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM destructions", &[])), DENIED);
    assert_eq!(code(rogue.execute("DELETE FROM ledger_numbers", &[])), DENIED);
    // The server's time and the writer's name are the server's: not even at INSERT.
    assert_eq!(
        code(rogue.execute(
            "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, author_id, author_name, created_at, imported_at, bundle, received_at) \
             SELECT record_id, 9, content_hash, kind, device_id, content, author_id, author_name, created_at, imported_at, bundle, now() - interval '10 years' \
             FROM consolidated_versions WHERE record_id = $1",
            &[&id]
        )),
        DENIED
    );
    // The one way to delete: the database's own function, after a 廃棄記録, 5 years after the
    // record reached the server by its clock.
    assert_eq!(code(rogue.execute("SELECT chisanpo_destroy_record($1)", &[&id])), "QC003");
    rogue
        .execute(
            "INSERT INTO destructions (id, record_id, kind, destroyed_at, destroyed_by, reason) VALUES ('d-rogue', $1, 'consultation', '2026-01-01', 'x', 'x')",
            &[&id],
        )
        .unwrap();
    assert_eq!(code(rogue.execute("SELECT chisanpo_destroy_record($1)", &[&id])), "QC002");
    let left: i64 = rogue.query_one("SELECT count(*) FROM consolidated_versions WHERE record_id = $1", &[&id]).unwrap().get(0);
    assert_eq!(left, 1);
    // A made-up record (no version here, so no arrival to count from) is not destroyed either:
    // its destruction would take with it the payloads it claims to share with real records.
    let made_up = "01900000-0000-7000-8000-00000000dead";
    rogue
        .execute(
            "INSERT INTO destructions (id, record_id, kind, destroyed_at, destroyed_by, reason) VALUES ('d-made-up', $1, 'consultation', '2026-01-01', 'x', 'x')",
            &[&made_up],
        )
        .unwrap();
    assert_eq!(code(rogue.execute("SELECT chisanpo_destroy_record($1)", &[&made_up])), "QC002");
    // Whoever wrote the 廃棄記録 is on it, by the server.
    let by: String = rogue.query_one("SELECT recorded_by FROM destructions WHERE id = 'd-rogue'", &[]).unwrap().get(0);
    assert_eq!(by, "coord_rogue");

    // The same as the owner: the triggers refuse (deletion only under a permit).
    let mut owner = r.client("dba_suzuki");
    assert_eq!(code(owner.execute("UPDATE consolidated_versions SET content = '{}' WHERE record_id = $1", &[&id])), REFUSED);
    assert_eq!(code(owner.execute("DELETE FROM consolidated_versions WHERE record_id = $1", &[&id])), REFUSED);
    assert_eq!(batch_code(&mut owner, "TRUNCATE consolidated_versions"), REFUSED);
    assert_eq!(code(owner.execute("UPDATE consolidated_payloads SET payload = '{}'", &[])), REFUSED);
    assert_eq!(code(owner.execute("DELETE FROM consolidated_payloads", &[])), REFUSED);
    assert_eq!(code(owner.execute("DELETE FROM destructions", &[])), REFUSED);
    // A temporary table cannot stand in for the permits in the trigger (nobody but a superuser
    // may make one in this database, and the trigger reads this schema's table only).
    assert_eq!(batch_code(&mut owner, "CREATE TEMP TABLE t (x TEXT)"), DENIED);
    let mut superuser = r.client("chisanpo");
    assert_eq!(
        batch_code(
            &mut superuser,
            &format!("CREATE TEMP TABLE destruction_permits (record_id TEXT); INSERT INTO destruction_permits VALUES ('{id}'); DELETE FROM consolidated_versions WHERE record_id = '{id}'")
        ),
        REFUSED
    );
}

#[test]
fn a_coordinator_cannot_drop_alter_or_disable_what_protects_the_tables() {
    let w = world();
    let r = Roles::new(&w);
    let (_a, id) = one_device_imported(&w, &r);
    let mut rogue = r.client("coord_rogue");
    // (d) no ownership: nothing can be dropped, altered, disabled or replaced.
    for sql in [
        "ALTER TABLE consolidated_versions DISABLE TRIGGER consolidated_versions_immutable",
        "ALTER TABLE centre_devices DISABLE TRIGGER ALL",
        "DROP TRIGGER centre_devices_keep_key ON centre_devices",
        "DROP TABLE consolidated_versions CASCADE",
        "ALTER TABLE consolidated_versions ADD COLUMN note TEXT",
        "ALTER TABLE centre_devices OWNER TO coord_rogue",
        "TRUNCATE consolidated_latest",
        "TRUNCATE centre_bundles",
        "CREATE OR REPLACE FUNCTION chisanpo_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "CREATE TABLE public.shadow (x TEXT)",
        "GRANT chisanpo_owner TO coord_rogue",
        "SET ROLE chisanpo_owner",
    ] {
        assert_eq!(batch_code(&mut rogue, sql), DENIED, "{sql}");
    }
    // What a coordinator may update, it may not turn back: a device's anchor (ADR 0020).
    let anchors: i64 = rogue.query_one("SELECT count(*) FROM device_anchors", &[]).unwrap().get(0);
    assert_eq!(anchors, 1);
    assert_eq!(code(rogue.execute("UPDATE device_anchors SET bundle_seq = 0", &[])), REFUSED);
    assert_eq!(code(rogue.execute("DELETE FROM device_anchors", &[])), DENIED);
    // And everything is as it was: the versions are still immutable.
    let mut owner = r.client("dba_suzuki");
    assert_eq!(code(owner.execute("UPDATE consolidated_versions SET content = '{}' WHERE record_id = $1", &[&id])), REFUSED);
}

#[test]
fn a_forged_version_written_by_a_coordinator_is_named_by_the_check_and_the_import_goes_on() {
    let w = world();
    let r = Roles::new(&w);
    let (a, id) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let clean = db.check_proofs().unwrap();
    assert!(clean.ok && clean.problems.is_empty(), "{clean:?}");
    assert_eq!((clean.payloads_checked, clean.versions_checked), (1, 1));

    // (e) A coordinator's role may add rows: a "version 2" of the record, in the device's name,
    // with a content that matches its hash, made current for the 台帳.
    let mut rogue = r.client("coord_rogue");
    let content: String = rogue.query_one("SELECT content FROM consolidated_versions WHERE record_id = $1", &[&id]).unwrap().get(0);
    let forged = content.replace(HEALTH, "異常なし");
    let hash = sha256_hex(forged.as_bytes());
    rogue
        .execute(
            "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
             SELECT record_id, 2, $2, kind, device_id, $3, '訂正', author_id, author_name, created_at, imported_at, bundle FROM consolidated_versions WHERE record_id = $1",
            &[&id, &hash, &forged],
        )
        .unwrap();
    rogue.execute("UPDATE consolidated_latest SET version = 2, content_hash = $2 WHERE record_id = $1", &[&id, &hash]).unwrap();
    // A bundle cannot be marked applied without its signed payload (no false 届いた receipt).
    rogue
        .execute("INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, entries, at) VALUES ('x', 'x', $1, 'quarantined', 0, 'x')", &[&device])
        .unwrap();
    assert_eq!(code(rogue.execute("UPDATE centre_bundles SET outcome = 'applied' WHERE sha256 = 'x'", &[])), REFUSED);

    // The attack shows in the 台帳 ...
    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let ledger = db.ledger(LedgerKind::Consultation, &fy).unwrap();
    assert_eq!(ledger.entries.iter().find(|e| e.record_id == id).unwrap().version, 2);
    // ... the import still works (a new record from the device) ...
    let (wp, wk) = worker(&a, WORKER_B);
    let second = finalised(&a, &consultation(&a, &wp, &wk, 11, "経過観察"));
    a.deliver(&FolderTransport::new(&w.synced())).unwrap();
    let rep = w.centre.centre_import_into(&FolderTransport::new(&w.synced()), &mut db).unwrap();
    assert_eq!((rep.versions_added, rep.quarantined.len()), (1, 0), "{rep:?}");
    // ... and the check names the forged version, who wrote it, and the wrong current version.
    let check = db.check_proofs().unwrap();
    assert!(!check.ok);
    assert_eq!(check.unproven.len(), 1, "{check:?}");
    let u = &check.unproven[0];
    assert_eq!((u.record_id.as_str(), u.version, u.device_id.as_str(), u.received_by.as_deref()), (id.as_str(), 2, device.as_str(), Some("coord_rogue")));
    assert_eq!(check.wrong_current, vec![id.clone()]);
    assert!(check.bad_payloads.is_empty() && check.changed_keys.is_empty() && check.missing.is_empty(), "{check:?}");
    assert!(!check.unproven.iter().any(|v| v.record_id == second));
    assert!(check.problems.iter().any(|p| p.contains(&id) && p.contains("coord_rogue")), "{:?}", check.problems);
    assert!(check.problems.iter().all(|p| !p.contains(HEALTH) && !p.contains("異常なし") && !p.contains(WORKER_A)), "no health data in the report");
}

#[test]
fn a_key_swapped_or_a_payload_rewritten_by_someone_above_the_roles_is_named_by_the_check() {
    // A superuser (or whoever has the server's files) is outside the roles; the check still
    // sees what they changed, against the payloads and this coordinator's audit chain.
    let w = world();
    let r = Roles::new(&w);
    let (a, id) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let mut superuser = r.client("chisanpo");
    let rogue_key = chisanpo_core::delivery::keys::DeviceKey::generate().public_hex();
    superuser
        .batch_execute(&format!(
            "ALTER TABLE centre_devices DISABLE TRIGGER centre_devices_keep_key; \
             UPDATE centre_devices SET public_key = '{rogue_key}' WHERE device_id = '{device}'; \
             ALTER TABLE centre_devices ENABLE TRIGGER centre_devices_keep_key;"
        ))
        .unwrap();
    let check = db.check_proofs().unwrap();
    assert_eq!(check.changed_keys, vec![device.clone()], "{check:?}");
    assert_eq!(check.bad_payloads.len(), 1, "the device's payload no longer verifies under the swapped key: {check:?}");
    assert!(check.unproven.iter().any(|v| v.record_id == id));

    // A second coordinator's store did not enrol the device: listed with who did, not accused.
    let pass = chisanpo_core::store::Passphrase::new("鍵ファイル用の長いパスフレーズ");
    let second = new_store(&w.root.join("coordinator-2"), "連携 三子");
    second.centre_join(&w.centre.centre_export_keys(&pass).unwrap(), &pass).unwrap();
    let check = PgConsolidation::connect(&r.url("coord_sato"), &second).unwrap().check_proofs().unwrap();
    assert!(check.changed_keys.is_empty(), "{check:?}");
    assert_eq!(check.enrolled_elsewhere.len(), 1);
    assert_eq!(check.enrolled_elsewhere[0].enrolled_by.as_deref(), Some("coord_sato"));
}

#[test]
fn two_devices_enrol_import_number_report_and_destroy_as_a_coordinator() {
    // (f) The normal work, as a member of chisanpo_coordinator only.
    let w = world();
    let r = Roles::new(&w);
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let (a, b, shared, body) = twin_laptops(&w);
    for s in [&a, &b] {
        let req = s.enrol(&w.profile).unwrap();
        assert!(w.centre.centre_enrol_device_into(&req, &mut db).unwrap());
        assert!(!w.centre.centre_enrol_device_into(&req, &mut db).unwrap());
    }
    a.deliver(&t).unwrap();
    a.amend(&shared, &with_content(&body, "Aでの訂正"), "追記").unwrap();
    b.amend(&shared, &with_content(&body, "Bでの訂正"), "追記").unwrap();
    let (wp_b, wk_b) = worker(&b, WORKER_B);
    let other = finalised(&b, &consultation(&b, &wp_b, &wk_b, 12, "経過観察"));
    a.deliver(&t).unwrap();
    b.deliver(&t).unwrap();
    let rep = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(rep.quarantined.is_empty() && rep.receipts_written > 0, "{rep:?}");
    assert!(rep.needs_review.contains(&shared), "{rep:?}");
    let again = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert_eq!((again.bundles_applied.len(), again.versions_added), (0, 0));

    let expected: BTreeSet<(String, u32)> = pairs(&a).union(&pairs(&b)).cloned().collect();
    let got: BTreeSet<(String, u32)> = db.records().unwrap().iter().flat_map(|r| r.versions.iter().map(move |v| (r.id.clone(), *v))).collect();
    assert_eq!(got, expected);
    let fy = LedgerFilter { fiscal_year: Some(2025), ..Default::default() };
    let ledger = db.ledger(LedgerKind::Consultation, &fy).unwrap();
    assert_eq!(ledger.entries.iter().map(|e| e.number).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(w.centre.annual_report_from(&mut db, 2025).unwrap().consultations.records.ids.len(), 2);
    assert!(!a.deliver(&t).unwrap().received.is_empty(), "receipts reached the device");
    assert!(db.devices().unwrap().iter().all(|d| d.flagged.is_none()));
    let check = db.check_proofs().unwrap();
    assert!(check.ok, "{check:?}");
    assert_eq!(check.enrolled_elsewhere.len(), 0);

    // Retention, as if `other` had arrived in 2019 (the server's time moved back by the superuser).
    let mut superuser = r.client("chisanpo");
    arrived_in_2019(&mut superuser, &other);
    let today = chisanpo_core::store::today();
    assert!(db.retention_due(today).unwrap().iter().any(|d| d.record_id == other && d.held.is_none()));
    assert!(db.destroy(std::slice::from_ref(&shared), "保存期間（5年）満了のため", today).is_err(), "inside its period");
    let d = db.destroy(std::slice::from_ref(&other), "保存期間（5年）満了のため", today).unwrap();
    assert_eq!(d.len(), 1);
    // Its content is gone from every table, signed payloads included; a tombstone keeps ids.
    let left: i64 = superuser
        .query_one(
            "SELECT (SELECT count(*) FROM consolidated_versions WHERE record_id = $1) + (SELECT count(*) FROM consolidated_payloads WHERE payload LIKE '%' || $2 || '%')",
            &[&other, &"経過観察"],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    let (by, destroyed_for): (String, String) =
        superuser.query_one("SELECT destroyed_by, destroyed_for FROM consolidated_payloads_destroyed", &[]).map(|r| (r.get(0), r.get(1))).unwrap();
    assert_eq!((by.as_str(), destroyed_for.as_str()), ("coord_sato", other.as_str()));
    // Versions of other records that shared the removed payload cannot be re-checked any more:
    // listed apart, not as forged.
    let check = db.check_proofs().unwrap();
    assert!(check.ok, "{check:?}");
    assert!(!check.proof_destroyed.is_empty() && check.proof_destroyed.iter().all(|v| v.record_id != other), "{check:?}");
    assert!(w.centre.verify().unwrap().ok);

    // The tombstone was sealed by the signing key of the day. After a rotation replaces that key
    // (ADR 0025), the seal still counts, here and for a coordinator who joins afterwards.
    let root_pass = chisanpo_core::store::Passphrase::new("責任者だけが知る長いパスフレーズ");
    let (root_file, _) = w.centre.centre_make_root(&root_pass, &|_| Ok(())).unwrap();
    let root = chisanpo_core::delivery::root::RootKey::open(&root_file, &root_pass).unwrap();
    w.centre.centre_rotate_key(Some(&root)).unwrap();
    let check = db.check_proofs().unwrap();
    assert!(check.ok && check.unsealed_tombstones.is_empty(), "{check:?}");
    let pass = chisanpo_core::store::Passphrase::new("鍵ファイル用の長いパスフレーズ");
    let later = new_store(&w.root.join("coordinator-later"), "後任 四郎");
    later.centre_join(&w.centre.centre_export_keys(&pass).unwrap(), &pass).unwrap();
    let check = PgConsolidation::connect(&r.url("coord_sato"), &later).unwrap().check_proofs().unwrap();
    assert!(check.unsealed_tombstones.is_empty() && check.unproven.is_empty(), "{check:?}");
}

#[test]
fn a_coordinator_connects_without_ddl_and_is_told_who_brings_the_schema_up_to_date() {
    let w = world();
    let pg = PgServer::start();
    pg.database("empty");
    let mut admin = Client::connect(&format!("postgres://chisanpo@127.0.0.1:{}/empty", pg.port), NoTls).unwrap();
    admin.batch_execute(&pg_roles_script()).unwrap();
    admin.batch_execute("CREATE ROLE coord_sato LOGIN IN ROLE chisanpo_coordinator; CREATE ROLE dba_suzuki LOGIN IN ROLE chisanpo_owner;").unwrap();
    let coord = format!("postgres://coord_sato@127.0.0.1:{}/empty", pg.port);
    // An empty database: the coordinator may create nothing, and is told who can.
    let err = PgConsolidation::connect(&coord, &w.centre).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("chisanpo_owner") && m.contains("database-roles")), "{err}");
    let tables: i64 = admin.query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap().get(0);
    assert_eq!(tables, 0);
    // Once the owner's member has connected, the coordinator connects and works; the session
    // issued no DDL (the schema's version table is unchanged, and owned by the owner).
    drop(PgConsolidation::connect(&format!("postgres://dba_suzuki@127.0.0.1:{}/empty", pg.port), &w.centre).unwrap());
    let mut db = PgConsolidation::connect(&coord, &w.centre).unwrap();
    assert!(db.devices().unwrap().is_empty());
    let owners: Vec<String> =
        admin.query("SELECT DISTINCT tableowner::TEXT FROM pg_tables WHERE schemaname = 'public'", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(owners, vec!["chisanpo_owner".to_string()]);
}

#[test]
fn a_database_made_by_a_coordinators_own_role_is_handed_to_the_owner_by_the_roles_script() {
    // Before ADR 0026 the guide let the first coordinator's role create (and so own) the tables.
    let w = world();
    let pg = PgServer::start();
    pg.database("old");
    let mut admin = Client::connect(&format!("postgres://chisanpo@127.0.0.1:{}/old", pg.port), NoTls).unwrap();
    admin.batch_execute("CREATE ROLE coord_old LOGIN; GRANT CREATE ON SCHEMA public TO coord_old; GRANT CONNECT ON DATABASE old TO coord_old;").unwrap();
    let old = format!("postgres://coord_old@127.0.0.1:{}/old", pg.port);
    let mut db = PgConsolidation::connect(&old, &w.centre).unwrap();
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device_into(&a.enrol(&w.profile).unwrap(), &mut db).unwrap();
    drop(db);
    let mut c = Client::connect(&old, NoTls).unwrap();
    assert_eq!(
        batch_code(
            &mut c,
            "ALTER TABLE centre_devices DISABLE TRIGGER centre_devices_keep_key; ALTER TABLE centre_devices ENABLE TRIGGER centre_devices_keep_key"
        ),
        "ok"
    );
    drop(c);

    // The administrator runs the script and puts the old role in the coordinators' group.
    admin.batch_execute(&pg_roles_script()).unwrap();
    admin.batch_execute("GRANT chisanpo_coordinator TO coord_old").unwrap();
    let mut c = Client::connect(&old, NoTls).unwrap();
    assert_eq!(batch_code(&mut c, "ALTER TABLE centre_devices DISABLE TRIGGER centre_devices_keep_key"), DENIED);
    assert_eq!(batch_code(&mut c, "CREATE TABLE public.shadow (x TEXT)"), DENIED);
    assert_eq!(code(c.execute("UPDATE centre_devices SET public_key = 'x'", &[])), DENIED);
    // And the old role still does its job, as a coordinator.
    let mut db = PgConsolidation::connect(&old, &w.centre).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&FolderTransport::new(&w.synced())).unwrap();
    let rep = w.centre.centre_import_into(&FolderTransport::new(&w.synced()), &mut db).unwrap();
    assert_eq!(rep.versions_added, 1, "{rep:?}");
    assert!(db.check_proofs().unwrap().ok);
}

/// The bundles in the folder no receipt answers yet: (file name, SHA-256 from its hash file).
fn unanswered_bundles(folder: &std::path::Path) -> Vec<(String, String)> {
    use chisanpo_core::delivery::{bundle, receipt, BUNDLE_EXTENSION};
    let mut out = Vec::new();
    for e in std::fs::read_dir(folder).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(&format!(".{BUNDLE_EXTENSION}")) && !folder.join(receipt::receipt_name(&name)).exists() {
            let sha = std::fs::read_to_string(folder.join(bundle::hash_file_name(&name))).unwrap().trim().to_string();
            out.push((name, sha));
        }
    }
    out
}

#[test]
fn a_payload_written_under_a_coming_bundles_hash_is_not_taken_for_it_and_no_receipt_says_it_arrived() {
    let w = world();
    let r = Roles::new(&w);
    let (a, _) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let mut rogue = r.client("coord_rogue");
    let (real_payload, real_signature): (String, String) =
        rogue.query_one("SELECT payload, signature FROM consolidated_payloads", &[]).map(|r| (r.get(0), r.get(1))).unwrap();

    // (g) A second record is on its way. Before the import, a coordinator's role writes under its
    // bundle's hash another payload (the first bundle's, genuinely signed) and an "applied" row.
    let (wp, wk) = worker(&a, WORKER_B);
    let second = finalised(&a, &consultation(&a, &wp, &wk, 11, "経過観察"));
    a.deliver(&t).unwrap();
    let [(file, sha)] = unanswered_bundles(&folder).try_into().unwrap();
    rogue
        .execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, $4, $5, 'x')",
            &[&sha, &file, &device, &real_payload, &real_signature],
        )
        .unwrap();
    rogue
        .execute(
            "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, entries, at) VALUES ($1, $2, $3, 'applied', 0, 'x')",
            &[&sha, &file, &device],
        )
        .unwrap();
    // The honest import reads the file, finds another content kept for it, and says so: the
    // record is not counted as arrived, and no receipt tells the laptop to drop its copy.
    let rep = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(rep.warnings.iter().any(|m| m.contains(&file) && m.contains("受領書も書きません")), "{rep:?}");
    assert_eq!((rep.versions_added, rep.receipts_written, rep.bundles_already_applied), (0, 0, 1), "{rep:?}");
    assert!(!folder.join(chisanpo_core::delivery::receipt::receipt_name(&file)).exists());
    assert!(db.records().unwrap().iter().all(|r| r.id != second));
    assert!(a.deliver(&t).unwrap().received.is_empty(), "the laptop keeps the bundle to send again");

    // The same without the "applied" row: the payload kept under the hash is not the file's, so
    // the bundle is not applied over it either.
    let (wp3, wk3) = worker(&a, "第三 労働者");
    finalised(&a, &consultation(&a, &wp3, &wk3, 12, "経過観察"));
    a.deliver(&t).unwrap();
    let third = unanswered_bundles(&folder).into_iter().find(|(f, _)| *f != file).unwrap();
    rogue
        .execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, $4, $5, 'x')",
            &[&third.1, &third.0, &device, &real_payload, &real_signature],
        )
        .unwrap();
    let rep = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(rep.warnings.iter().any(|m| m.contains(&third.0)), "{rep:?}");
    assert!(rep.bundles_applied.is_empty() && rep.versions_added == 0, "{rep:?}");
    assert!(!folder.join(chisanpo_core::delivery::receipt::receipt_name(&third.0)).exists());

    // The same with the row naming the honest import's own source (read from the table): the
    // receipts it writes are those it decided on after reading the file, not the rows it finds.
    let source: String = rogue.query_one("SELECT source FROM centre_bundles WHERE source IS NOT NULL LIMIT 1", &[]).unwrap().get(0);
    let (wp4, wk4) = worker(&a, "第四 労働者");
    finalised(&a, &consultation(&a, &wp4, &wk4, 13, "経過観察"));
    a.deliver(&t).unwrap();
    let fourth = unanswered_bundles(&folder).into_iter().find(|(f, _)| *f != file && *f != third.0).unwrap();
    rogue
        .execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, $4, $5, 'x')",
            &[&fourth.1, &fourth.0, &device, &real_payload, &real_signature],
        )
        .unwrap();
    rogue
        .execute(
            "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, entries, at, source) VALUES ($1, $2, $3, 'applied', 0, 'x', $4)",
            &[&fourth.1, &fourth.0, &device, &source],
        )
        .unwrap();
    let rep = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(rep.warnings.iter().any(|m| m.contains(&fourth.0)), "{rep:?}");
    assert!(!folder.join(chisanpo_core::delivery::receipt::receipt_name(&fourth.0)).exists(), "no receipt from the row alone");
    assert!(a.deliver(&t).unwrap().received.is_empty(), "the laptop keeps every bundle the centre does not hold");
}

#[test]
fn a_tombstone_a_role_made_under_a_coming_bundles_hash_does_not_answer_for_that_bundle() {
    let w = world();
    let r = Roles::new(&w);
    let (a, id) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let mut rogue = r.client("coord_rogue");
    let source: String = rogue.query_one("SELECT source FROM centre_bundles WHERE source IS NOT NULL LIMIT 1", &[]).unwrap().get(0);

    // (i) A second record is on its way. Under its bundle's hash, the role writes a junk payload
    // that claims the first record, gets it destroyed once due (through the database's own
    // function), and marks the hash applied: the tombstone stands in for the payload.
    let (wp, wk) = worker(&a, WORKER_B);
    let second = finalised(&a, &consultation(&a, &wp, &wk, 11, "経過観察"));
    a.deliver(&t).unwrap();
    let [(file, sha)] = unanswered_bundles(&folder).try_into().unwrap();
    let junk =
        serde_json::json!({ "device_id": device, "entries": [{ "entry_type": "version", "record_id": id, "version": 1, "content_hash": "0" }] }).to_string();
    rogue
        .execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, $4, '00', 'x')",
            &[&sha, &file, &device, &junk],
        )
        .unwrap();
    let mut superuser = r.client("chisanpo");
    arrived_in_2019(&mut superuser, &id);
    rogue
        .execute(
            "INSERT INTO destructions (id, record_id, kind, destroyed_at, destroyed_by, reason) VALUES ('d-rogue', $1, 'consultation', '2026-01-01', 'x', 'x')",
            &[&id],
        )
        .unwrap();
    assert_eq!(code(rogue.execute("SELECT chisanpo_destroy_record($1)", &[&id])), "ok");
    rogue
        .execute(
            "INSERT INTO centre_bundles (sha256, file_name, device_id, outcome, entries, at, source) VALUES ($1, $2, $3, 'applied', 0, 'x', $4)",
            &[&sha, &file, &device, &source],
        )
        .unwrap();
    // Nor can a payload come back under a hash whose payload was destroyed.
    assert_eq!(
        code(rogue.execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, $2, $3, '{}', '00', 'x')",
            &[&sha, &file, &device]
        )),
        REFUSED
    );

    // The honest import: an unsealed tombstone agrees with no file. No receipt, nothing lost.
    let rep = w.centre.centre_import_into(&t, &mut db).unwrap();
    assert!(rep.warnings.iter().any(|m| m.contains(&file) && m.contains("受領書も書きません")), "{rep:?}");
    assert_eq!((rep.versions_added, rep.receipts_written), (0, 0), "{rep:?}");
    assert!(!folder.join(chisanpo_core::delivery::receipt::receipt_name(&file)).exists());
    assert!(a.deliver(&t).unwrap().received.is_empty(), "the laptop keeps the bundle");
    assert!(db.records().unwrap().iter().all(|r| r.id != second));
}

#[test]
fn a_tombstone_made_outside_the_app_vouches_for_nothing_and_the_app_refuses_to_destroy_with_a_junk_payload() {
    let w = world();
    let r = Roles::new(&w);
    let (a, id) = one_device_imported(&w, &r);
    let device = a.device_id().unwrap().unwrap();
    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let mut rogue = r.client("coord_rogue");

    // (h) A coordinator's role writes a junk payload that claims the real record and a forged
    // one, and the forged record's version (its content matches its hash).
    let forged_id = "01900000-0000-7000-8000-00000000f0f0";
    let (kind, content): (String, String) =
        rogue.query_one("SELECT kind, content FROM consolidated_versions WHERE record_id = $1", &[&id]).map(|r| (r.get(0), r.get(1))).unwrap();
    let forged = content.replace(&id, forged_id);
    let forged_hash = sha256_hex(forged.as_bytes());
    let junk = serde_json::json!({ "device_id": device, "entries": [
        { "entry_type": "version", "record_id": id, "version": 1, "content_hash": "0" },
        { "entry_type": "version", "record_id": forged_id, "version": 1, "content_hash": forged_hash },
    ]})
    .to_string();
    let junk_sha = "f".repeat(64);
    rogue
        .execute(
            "INSERT INTO consolidated_payloads (sha256, file_name, device_id, payload, signature, imported_at) VALUES ($1, 'junk', $2, $3, '00', 'x')",
            &[&junk_sha, &device, &junk],
        )
        .unwrap();
    rogue
        .execute(
            "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, author_id, author_name, created_at, imported_at, bundle) \
             VALUES ($1, 1, $2, $3, $4, $5, 'x', 'x', '2025-04-01T00:00:00Z', 'x', 'junk')",
            &[&forged_id, &forged_hash, &kind, &device, &forged],
        )
        .unwrap();
    let check = db.check_proofs().unwrap();
    assert!(!check.ok && check.bad_payloads == vec!["junk".to_string()], "{check:?}");

    // The record reaches its 5 years (the server's clock moved back by the superuser).
    let mut superuser = r.client("chisanpo");
    arrived_in_2019(&mut superuser, &id);
    // The app checks every payload a destruction removes: the junk one stops it, nothing is lost.
    let today = chisanpo_core::store::today();
    let e = db.destroy(std::slice::from_ref(&id), "保存期間（5年）満了のため", today).unwrap_err();
    assert!(e.to_string().contains("junk") && e.to_string().contains("廃棄は行っていません"), "{e}");
    let left: i64 = rogue.query_one("SELECT count(*) FROM consolidated_versions WHERE record_id = $1", &[&id]).unwrap().get(0);
    assert_eq!(left, 1);

    // The role destroys it itself, through the database's function: the junk payload goes into a
    // tombstone, which no app sealed, so it vouches for nothing.
    rogue
        .execute(
            "INSERT INTO destructions (id, record_id, kind, destroyed_at, destroyed_by, reason) VALUES ('d-rogue', $1, 'consultation', '2026-01-01', 'x', 'x')",
            &[&id],
        )
        .unwrap();
    assert_eq!(code(rogue.execute("SELECT chisanpo_destroy_record($1)", &[&id])), "ok");
    // Nor can the role seal it: it has no centre key, and a seal by any other key is refused.
    let other = chisanpo_core::delivery::keys::DeviceKey::generate();
    rogue
        .execute(
            "INSERT INTO consolidated_tombstone_seals (sha256, signing_key, signature) VALUES ($1, $2, $3)",
            &[&junk_sha, &other.public_hex(), &other.sign_hex(b"x")],
        )
        .unwrap();
    assert_eq!(code(rogue.execute("DELETE FROM consolidated_tombstone_seals", &[])), DENIED);
    let check = db.check_proofs().unwrap();
    assert!(!check.ok, "{check:?}");
    assert!(check.unsealed_tombstones.contains(&"junk".to_string()), "{check:?}");
    assert!(check.unproven.iter().any(|v| v.record_id == forged_id), "the forged version stays unproven: {check:?}");
    assert!(check.problems.iter().any(|p| p.contains("junk") && p.contains("coord_rogue")), "{:?}", check.problems);
}

/// `centre move-to` (ADR 0031) keeps the rows' arrival times, which a coordinator's role may not
/// write: a coordinator is refused before anything is written and told who runs it; a member of
/// the owner role moves, and the coordinators then work on the moved records.
#[test]
fn a_coordinator_cannot_move_a_centre_in_and_the_owners_member_can() {
    use chisanpo_core::delivery::consolidation::move_to::move_into;
    let w = world();
    let r = Roles::new(&w);
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&FolderTransport::new(&w.synced())).unwrap();
    w.centre.centre_import(&w.synced()).unwrap();

    let mut db = PgConsolidation::connect(&r.url("coord_sato"), &w.centre).unwrap();
    let err = move_into(&mut db, &mut |_| panic!("nothing is copied")).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("chisanpo_owner") && m.contains("何も書き込んでいません")), "{err}");
    let mut admin = r.client("chisanpo");
    let written: i64 = admin.query_one("SELECT (SELECT count(*) FROM ledger_numbers) + (SELECT count(*) FROM centre_moves)", &[]).unwrap().get(0);
    assert_eq!(written, 0);

    let mut dba = PgConsolidation::connect(&r.url("dba_suzuki"), &w.centre).unwrap();
    let report = move_into(&mut dba, &mut |_| {}).unwrap();
    assert!(report.ok, "{report:#?}");
    let ledger = db.ledger(LedgerKind::Consultation, &LedgerFilter { fiscal_year: Some(2025), ..Default::default() }).unwrap();
    assert_eq!(ledger.entries.iter().map(|e| (e.record_id.clone(), e.number)).collect::<Vec<_>>(), vec![(id, 1)]);
    assert!(db.check_proofs().unwrap().ok, "the coordinator checks the moved rows");
}
