//! Issue 13, finding Medium 6: with the passphrase, history could be rewritten and `verify`
//! missed it. Each rewrite is performed on a real store through a raw connection (the
//! immutability triggers dropped, as someone with the passphrase could), and must be reported;
//! a retention date moved back must not make a record due.

use chisanpo_core::delivery::FolderTransport;
use chisanpo_core::domain::Date;
use chisanpo_core::store::{raw_connection, Passphrase};
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::*;

fn raw(dir: &std::path::Path) -> rusqlite::Connection {
    raw_connection(dir, &Passphrase::new(PASS)).unwrap()
}

#[test]
fn a_retention_date_moved_back_is_reported_and_does_not_make_the_record_due() {
    let w = world();
    let dir = w.root.join("a");
    let s = new_store(&dir, "産業 一郎");
    let (wp, wk) = worker(&s, WORKER_A);
    let id = finalised(&s, &consultation(&s, &wp, &wk, 10, HEALTH));
    assert!(s.verify().unwrap().ok);
    drop(s);
    raw(&dir).execute("UPDATE records SET retain_until = '2001-01-01', performed_on = '1996-01-01' WHERE id = ?1", [&id]).unwrap();

    let s = open(&dir);
    let report = s.verify().unwrap();
    assert!(!report.ok);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("保存期限の列")), "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("実施日の列")), "{:?}", report.problems);
    // The ledgers' column says 2001; the finalised content says 2025-06-10, kept until 2030.
    let today = chisanpo_core::store::today();
    assert!(s.retention_due(today).unwrap().iter().all(|i| i.record_id != id), "listed as due on a moved column");
    let err = s.destroy(std::slice::from_ref(&id), "保存期間満了", today).unwrap_err();
    assert!(matches!(err, Error::StillRetained { .. }), "{err:?}");
    assert!(err.to_string().contains(&Date::ymd(2030, 6, 10).unwrap().wareki()), "{err}");
    assert!(s.get_record(&id).is_ok());
}

#[test]
fn a_finalised_version_deleted_behind_the_logs_back_is_reported() {
    let w = world();
    let dir = w.root.join("a");
    let s = new_store(&dir, "産業 一郎");
    let (wp, wk) = worker(&s, WORKER_A);
    let body = consultation(&s, &wp, &wk, 10, HEALTH);
    let id = finalised(&s, &body);
    s.amend(&id, &with_content(&body, "訂正した所見"), "誤記の訂正").unwrap();
    drop(s);
    // The amendment deleted, the record put back at version 1: every remaining version still
    // matches its own entry, so only the log's entry for version 2 shows it.
    let c = raw(&dir);
    c.execute_batch("DROP TRIGGER record_versions_kept;").unwrap();
    c.execute("DELETE FROM record_versions WHERE record_id = ?1 AND version = 2", [&id]).unwrap();
    c.execute("UPDATE records SET version = 1 WHERE id = ?1", [&id]).unwrap();
    drop(c);
    let s = open(&dir);
    assert_eq!(s.history(&id).unwrap().len(), 1, "the attack works: the amendment is gone");
    let report = s.verify().unwrap();
    assert!(!report.ok);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("第2版") && p.contains("その版がありません")), "{:?}", report.problems);
}

#[test]
fn a_consolidated_version_changed_at_the_centre_is_reported() {
    let w = world();
    let t = FolderTransport::new(&w.synced());
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&t).unwrap();
    w.centre.centre_import(&w.synced()).unwrap();
    assert!(w.centre.verify().unwrap().ok, "a centre with a consolidated record verifies");
    let centre_dir = w.centre.dir().to_path_buf();
    let c = raw(&centre_dir);
    c.execute_batch("DROP TRIGGER consolidated_versions_immutable;").unwrap();
    let n = c.execute("UPDATE consolidated_versions SET content = replace(content, ?2, '異常なし') WHERE record_id = ?1", [&id, HEALTH]).unwrap();
    assert_eq!(n, 1);
    drop(c);
    let report = w.centre.verify().unwrap();
    assert!(!report.ok);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("集約した記録") && p.contains("ハッシュと一致しません")), "{:?}", report.problems);
}

#[test]
fn a_consolidated_version_added_behind_the_import_is_reported_against_the_signed_payloads() {
    // ADR 0026 on the embedded store: the content and its hash rewritten together (so the hash
    // check passes) and made current; only the payload the device signed shows it.
    let w = world();
    let t = FolderTransport::new(&w.synced());
    let a = new_store(&w.root.join("a"), "産業 一郎");
    w.centre.centre_enrol_device(&a.enrol(&w.profile).unwrap()).unwrap();
    let (wp, wk) = worker(&a, WORKER_A);
    let id = finalised(&a, &consultation(&a, &wp, &wk, 10, HEALTH));
    a.deliver(&t).unwrap();
    w.centre.centre_import(&w.synced()).unwrap();
    assert!(w.centre.verify().unwrap().ok);
    let c = raw(w.centre.dir());
    let content: String = c.query_row("SELECT content FROM consolidated_versions WHERE record_id = ?1", [&id], |r| r.get(0)).unwrap();
    let forged = content.replace(HEALTH, "異常なし");
    let hash = chisanpo_core::store::audit::sha256_hex(forged.as_bytes());
    c.execute(
        "INSERT INTO consolidated_versions (record_id, version, content_hash, kind, device_id, content, reason, author_id, author_name, created_at, imported_at, bundle) \
         SELECT record_id, 2, ?2, kind, device_id, ?3, '訂正', author_id, author_name, created_at, imported_at, bundle FROM consolidated_versions WHERE record_id = ?1",
        rusqlite::params![id, hash, forged],
    )
    .unwrap();
    c.execute("UPDATE consolidated_latest SET version = 2, content_hash = ?2 WHERE record_id = ?1", [&id, &hash]).unwrap();
    drop(c);
    let report = w.centre.verify().unwrap();
    assert!(!report.ok);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("第2版") && p.contains("署名した配送内容にありません")), "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.contains(&id) && p.contains("現在の版")), "{:?}", report.problems);
    assert!(report.problems.iter().all(|p| !p.contains(HEALTH) && !p.contains("異常なし")));
}
