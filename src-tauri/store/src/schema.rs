//! Migrations: embedded `.sql` files, applied in order, each in one transaction, tracked by
//! `PRAGMA user_version`. The list is append-only: a shipped migration is never edited.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

use crate::domain::kana;
use crate::error::{Error, Result};

/// Every migration, in order. Version n is `MIGRATIONS[n - 1]`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("migrations/0001_init.sql")),
    ("0002_search_and_indexes", include_str!("migrations/0002_search_and_indexes.sql")),
    ("0003_ledgers_fees_retention", include_str!("migrations/0003_ledgers_fees_retention.sql")),
    ("0004_open_drafts_index", include_str!("migrations/0004_open_drafts_index.sql")),
    ("0005_delivery", include_str!("migrations/0005_delivery.sql")),
    ("0006_delivery_retries_receipts", include_str!("migrations/0006_delivery_retries_receipts.sql")),
    ("0007_outbox_made_at", include_str!("migrations/0007_outbox_made_at.sql")),
    ("0008_device_anchors", include_str!("migrations/0008_device_anchors.sql")),
    ("0009_consolidated_payloads", include_str!("migrations/0009_consolidated_payloads.sql")),
    ("0010_consolidated_current_view", include_str!("migrations/0010_consolidated_current_view.sql")),
    ("0011_visits", include_str!("migrations/0011_visits.sql")),
    ("0012_photos", include_str!("migrations/0012_photos.sql")),
    ("0013_referrals_directory", include_str!("migrations/0013_referrals_directory.sql")),
    ("0014_visit_links", include_str!("migrations/0014_visit_links.sql")),
];

/// The schema version of a fresh store.
pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// SQL functions the schema and the queries use. Registered on every connection.
pub fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function("chisanpo_search_key", 1, FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC, |ctx| {
        let s: String = ctx.get(0)?;
        Ok(kana::search_key(&s))
    })?;
    Ok(())
}

pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuse a store whose schema is newer than this binary knows: an older app must never use,
/// nor migrate, what a newer one wrote (it would misread or drop what it does not know).
pub fn check_known(conn: &Connection) -> Result<u32> {
    let version = current_version(conn)?;
    if version > latest_version() {
        return Err(Error::SchemaTooNew { found: version, known: latest_version() });
    }
    Ok(version)
}

/// Apply the migrations above the store's version, up to `target`. A store newer than this
/// binary is refused ([`check_known`]).
///
/// Foreign keys are off while a migration runs, so that one may rebuild a table others refer to
/// (SQLite's way of changing a constraint; 0011), and every reference is checked with
/// `PRAGMA foreign_key_check` before the migration commits: a migration that would add a
/// dangling reference is rolled back whole.
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<u32> {
    run_migrations(conn, MIGRATIONS, target)
}

fn run_migrations(conn: &mut Connection, migrations: &[(&str, &str)], target: u32) -> Result<u32> {
    let mut version = check_known(conn)?;
    if version >= target {
        return Ok(version);
    }
    let enforced: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    // It has no effect inside an open transaction: a rebuild would then run with references checked.
    if conn.query_row::<bool, _, _>("PRAGMA foreign_keys", [], |r| r.get(0))? {
        return Err(Error::Integrity(
            "データの更新を始められませんでした（参照の確認を止められません）。アプリを起動し直してください。データは変更していません。".into(),
        ));
    }
    let outcome = (|| {
        while version < target {
            let (name, sql) = migrations[version as usize];
            let tx = conn.transaction()?;
            let before = dangling_references(&tx)?;
            tx.execute_batch(sql)?;
            let dangling = dangling_references(&tx)? - before;
            if dangling > 0 {
                return Err(Error::Integrity(format!(
                    "データの更新（{name}）で参照の切れた行が{dangling}件見つかったため、更新を取り消しました。データは更新前のままです。バックアップから復元するか、サポートに連絡してください。"
                )));
            }
            tx.pragma_update(None, "user_version", version + 1)?;
            tx.commit()?;
            version += 1;
        }
        Ok(version)
    })();
    // The migration's own error comes first; then whether the references are checked again.
    let restored = if enforced { conn.execute_batch("PRAGMA foreign_keys = ON").map_err(Error::from) } else { Ok(()) };
    let version = outcome?;
    restored?;
    Ok(version)
}

/// How many rows refer to a row that is not there. A migration may not add any; what a store
/// already had (a test's fixture, an old bug) is left for the consistency check to report
/// rather than making the store impossible to open.
fn dangling_references(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?)
}

/// Apply every pending migration.
pub fn migrate(conn: &mut Connection) -> Result<u32> {
    migrate_to(conn, latest_version())
}

/// The schema as SQLite reports it, normalised, for comparing two stores.
pub fn describe(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")?;
    let rows = stmt.query_map([], |r| {
        let sql: String = r.get(3)?;
        let sql = sql.split_whitespace().collect::<Vec<_>>().join(" ");
        Ok(format!("{}|{}|{}|{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, sql))
    })?;
    let mut out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Columns as the engine sees them (ALTER TABLE keeps the original CREATE text).
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT name, type, \"notnull\", coalesce(dflt_value, ''), pk FROM pragma_table_info('{t}') ORDER BY cid"))?;
        let cols = stmt.query_map([], |r| {
            Ok(format!("{}:{}:{}:{}:{}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
        })?;
        out.push(format!("columns|{t}|{}", cols.collect::<rusqlite::Result<Vec<_>>>()?.join(",")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order() {
        for (i, (name, _)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name}");
        }
    }

    #[test]
    fn migrating_in_steps_equals_migrating_at_once() {
        let mut a = Connection::open_in_memory().unwrap();
        register_functions(&a).unwrap();
        for v in 1..=latest_version() {
            assert_eq!(migrate_to(&mut a, v).unwrap(), v);
        }
        let mut b = Connection::open_in_memory().unwrap();
        register_functions(&b).unwrap();
        migrate(&mut b).unwrap();
        assert_eq!(describe(&a).unwrap(), describe(&b).unwrap());
        // Running again is a no-op.
        assert_eq!(migrate(&mut b).unwrap(), latest_version());
    }

    #[test]
    fn a_schema_newer_than_this_binary_is_refused_and_left_alone() {
        let mut c = Connection::open_in_memory().unwrap();
        register_functions(&c).unwrap();
        migrate(&mut c).unwrap();
        let before = describe(&c).unwrap();
        c.pragma_update(None, "user_version", latest_version() + 1).unwrap();
        let e = migrate(&mut c).unwrap_err();
        assert!(matches!(e, Error::SchemaTooNew { found, known } if found == latest_version() + 1 && known == latest_version()), "{e:?}");
        assert!(e.to_string().contains("新しい版の地さんぽノート"), "{e}");
        assert_eq!(current_version(&c).unwrap(), latest_version() + 1, "the version is not touched");
        assert_eq!(describe(&c).unwrap(), before, "nothing is migrated");
    }

    #[test]
    fn the_outbox_learns_when_each_entry_was_made_from_the_version_or_the_destruction() {
        let mut c = Connection::open_in_memory().unwrap();
        register_functions(&c).unwrap();
        migrate_to(&mut c, 6).unwrap();
        // Only the rows the backfill reads (their records and people are not needed here).
        c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        c.execute_batch(
            "INSERT INTO record_versions (record_id, version, content, content_hash, author_id, author_name, created_at) \
               VALUES ('r1', 1, '{}', 'h', 'a', 'n', '2025-04-01T09:00:00Z');
             INSERT INTO destructions (id, record_id, kind, destroyed_at, destroyed_by, reason) \
               VALUES ('d1', 'r2', 'consultation', '2025-05-01T09:00:00Z', 'a', '満了');
             INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at) VALUES ('version', 'r1', 1, 'consultation', '2026-01-01T00:00:00Z');
             INSERT INTO outbox (entry_type, record_id, version, ref_id, kind, enqueued_at) VALUES ('destruction', 'r2', 0, 'd1', 'consultation', '2026-01-01T00:00:00Z');
             INSERT INTO outbox (entry_type, record_id, version, kind, enqueued_at) VALUES ('version', 'gone', 1, 'consultation', '2026-01-02T00:00:00Z');",
        )
        .unwrap();
        migrate(&mut c).unwrap();
        let made: Vec<String> =
            c.prepare("SELECT made_at FROM outbox ORDER BY seq").unwrap().query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(made, ["2025-04-01T09:00:00Z", "2025-05-01T09:00:00Z", "2026-01-02T00:00:00Z"]);
    }

    #[test]
    fn visits_rebuild_the_records_keeping_every_row_and_every_guard() {
        let mut c = Connection::open_in_memory().unwrap();
        register_functions(&c).unwrap();
        migrate_to(&mut c, 10).unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        c.execute_batch(
            "INSERT INTO workplaces (id, name, data, created_at, updated_at) VALUES ('w', '株式会社テスト', '{}', 't', 't');
             INSERT INTO records (id, kind, status, version, performed_on, fiscal_year, workplace_id, created_at, created_by, updated_at, finalised_at)
               VALUES ('r1', 'interview', 'final', 1, '2025-06-01', 2025, 'w', 't', 'a', 't', 't');
             INSERT INTO records (id, kind, status, version, draft, created_at, created_by, updated_at) VALUES ('r2', 'consultation', 'draft', 0, '{}', 't', 'a', 't');
             INSERT INTO record_versions (record_id, version, content, content_hash, author_id, author_name, created_at) VALUES ('r1', 1, '{}', 'h', 'a', 'n', 't');
             INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) VALUES ('r1', 'interview', 2025, 7, 't');",
        )
        .unwrap();
        let rows = |c: &Connection, sql: &str| -> Vec<String> {
            c.prepare(sql).unwrap().query_map([], |r| r.get::<_, String>(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        let records = "SELECT id || kind || status || version || coalesce(performed_on, '') || coalesce(workplace_id, '') FROM records ORDER BY id";
        let before = (rows(&c, records), rows(&c, "SELECT record_id || ledger || fiscal_year || number FROM ledger_numbers"));
        migrate(&mut c).unwrap();
        assert!(c.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0)).unwrap(), "foreign keys are on again");
        assert_eq!((rows(&c, records), rows(&c, "SELECT record_id || ledger || fiscal_year || number FROM ledger_numbers")), before);
        // The guards hold on the rebuilt table, and its references too.
        assert!(c.execute("DELETE FROM records WHERE id = 'r1'", []).is_err(), "a finalised record cannot be deleted");
        assert!(c.execute("UPDATE records SET status = 'draft' WHERE id = 'r1'", []).is_err(), "nor return to draft");
        assert!(c.execute("UPDATE records SET workplace_id = 'nowhere' WHERE id = 'r2'", []).is_err(), "references are enforced");
        assert!(c
            .execute("INSERT INTO records (id, kind, status, created_at, created_by, updated_at) VALUES ('x', 'nonsense', 'draft', 't', 'a', 't')", [])
            .is_err());
        c.execute("INSERT INTO records (id, kind, status, created_at, created_by, updated_at) VALUES ('v', 'visit', 'draft', 't', 'a', 't')", []).unwrap();
        c.execute("INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) VALUES ('v', 'visit', 2025, 1, 't')", []).unwrap();
        // 0013 rebuilt the table again for referrals, keeping the same.
        c.execute("INSERT INTO records (id, kind, status, created_at, created_by, updated_at) VALUES ('rf', 'referral', 'draft', 't', 'a', 't')", []).unwrap();
        assert!(
            c.execute("INSERT INTO ledger_numbers (record_id, ledger, fiscal_year, number, assigned_at) VALUES ('rf', 'referral', 2025, 1, 't')", []).is_err(),
            "referrals have no 台帳 number"
        );
        // The view over the numbers is back, and the record_versions still point at records.
        c.query_row("SELECT count(*) FROM consolidated_current", [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(dangling_references(&c).unwrap(), 0);
        let indexes = rows(&c, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        assert_eq!(indexes.len(), 9, "{indexes:?}");
    }

    #[test]
    fn the_links_of_the_visits_finalised_before_0014_are_filled_in() {
        let mut c = Connection::open_in_memory().unwrap();
        register_functions(&c).unwrap();
        migrate_to(&mut c, 13).unwrap();
        c.execute_batch(
            r#"INSERT INTO records (id, kind, status, version, created_at, created_by, updated_at) VALUES ('v', 'visit', 'final', 2, 't', 'a', 't');
               INSERT INTO records (id, kind, status, version, created_at, created_by, updated_at) VALUES ('d', 'visit', 'draft', 0, 't', 'a', 't');
               INSERT INTO record_versions (record_id, version, content, content_hash, author_id, author_name, created_at)
                 VALUES ('v', 1, '{"body":{"kind":"visit","data":{"consultation_ids":["old"]}}}', 'h1', 'a', 'n', 't'),
                        ('v', 2, '{"body":{"kind":"visit","data":{"consultation_ids":["c1","c2"]}}}', 'h2', 'a', 'n', 't');"#,
        )
        .unwrap();
        migrate(&mut c).unwrap();
        let links: Vec<String> = c
            .prepare("SELECT visit_id || '>' || consultation_id FROM visit_links ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(links, ["v>c1", "v>c2"], "the latest version's links, of finalised visits only");
    }

    #[test]
    fn a_migration_that_would_leave_a_dangling_reference_is_rolled_back() {
        let mut c = Connection::open_in_memory().unwrap();
        register_functions(&c).unwrap();
        c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        let mut list: Vec<(&str, &str)> = MIGRATIONS[..10].to_vec();
        list.push(("0011_broken", "INSERT INTO record_versions (record_id, version, content, content_hash, author_id, author_name, created_at) VALUES ('ghost', 1, '{}', 'h', 'a', 'n', 't');"));
        assert_eq!(run_migrations(&mut c, &list, 10).unwrap(), 10);
        let e = run_migrations(&mut c, &list, 11).unwrap_err();
        assert!(matches!(&e, Error::Integrity(m) if m.contains("0011_broken") && m.contains("1件")), "{e:?}");
        assert_eq!(current_version(&c).unwrap(), 10, "the version stays");
        assert_eq!(c.query_row("SELECT count(*) FROM record_versions", [], |r| r.get::<_, i64>(0)).unwrap(), 0, "the migration's rows are rolled back");
        assert!(c.query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0)).unwrap(), "foreign keys are on again after a failure too");
    }
}
