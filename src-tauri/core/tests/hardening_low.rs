//! Issue 13, the small findings, each performed on a real store in a temporary folder:
//!
//! - the data folder, the keyring, the database (and its `-wal`/`-shm`) and the backups are
//!   readable by the user only, whatever the umask (Unix);
//! - a keyring.json edited to ask for absurd KDF parameters is refused at once, naming them;
//! - a passphrase change re-wraps with today's KDF parameters, not the keyring's old ones;
//! - a store written by a newer app (a higher schema version) is refused, not migrated nor used.

use std::path::Path;

use chisanpo_core::domain::{Staff, StaffRole};
use chisanpo_core::prelude::*;
use chisanpo_core::store::backup;
use chisanpo_core::store::{raw_connection, schema, KdfParams, Keyring, Passphrase, Secret, Store};
use chisanpo_core::Error;

#[cfg(unix)]
#[path = "delivery_common/postgres.rs"]
mod pg;

const PASS: &str = "堅牢化テストのパスフレーズ";

fn doctor() -> Staff {
    Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), affiliation: "さんぽクリニック".into(), ..Default::default() }
}

fn new_store(dir: &Path) -> Store {
    Store::init_with(dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).unwrap().0
}

fn audit_entries(dir: &Path) -> i64 {
    raw_connection(dir, &Passphrase::new(PASS)).unwrap().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap()
}

#[cfg(unix)]
mod modes {
    use super::*;
    use chisanpo_core::store::private::mode;
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    /// Files made the ordinary way here get the process's umask; the test is only meaningful
    /// when that umask would have let others read them (the usual 022 or 002).
    fn umask_is_open(tmp: &Path) -> bool {
        let probe = tmp.join("probe");
        fs::write(&probe, b"").unwrap();
        let open = mode(&probe).unwrap() & 0o044 != 0;
        fs::remove_file(probe).unwrap();
        open
    }

    #[test]
    fn the_data_folder_keyring_database_and_backups_are_private() {
        let tmp = tempfile::tempdir().unwrap();
        // A world-readable parent, as a home folder often is.
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(umask_is_open(tmp.path()), "the test needs a umask that lets others read (022 or 002)");
        let dir = tmp.path().join("data");
        let store = new_store(&dir);
        store.set_setting("centre_name", "テストさんぽ").unwrap();
        assert_eq!(mode(&dir).unwrap(), 0o700, "data folder");
        for f in ["keyring.json", "chisanpo.db", "chisanpo.db-wal", "chisanpo.db-shm"] {
            assert_eq!(mode(&dir.join(f)).unwrap(), 0o600, "{f}");
        }

        // A backup in a folder the user chose: the file is private, the folder is left as it is.
        let out = tmp.path().join("backups");
        fs::create_dir(&out).unwrap();
        let info = store.backup(&out.join("b.chisanpo-backup")).unwrap();
        assert_eq!(mode(Path::new(&info.path)).unwrap(), 0o600, "backup file");
        assert_eq!(mode(&out).unwrap() & 0o700, 0o700);
        let auto = store.backup_to_folder(&out, 3).unwrap();
        assert_eq!(mode(Path::new(&auto.path)).unwrap(), 0o600, "automatic backup file");

        // A passphrase change rewrites the keyring: still private.
        store.change_passphrase(&Passphrase::new("新しいパスフレーズです")).unwrap();
        assert_eq!(mode(&dir.join("keyring.json")).unwrap(), 0o600);
        drop(store);

        // Restored into a new folder: private too.
        let restored = tmp.path().join("restored");
        backup::restore(&restored, Path::new(&info.path), &Secret::Passphrase(Passphrase::new(PASS)), false).unwrap();
        assert_eq!(mode(&restored).unwrap(), 0o700, "restored data folder");
        for f in ["keyring.json", "chisanpo.db"] {
            assert_eq!(mode(&restored.join(f)).unwrap(), 0o600, "restored {f}");
        }
        let leftovers: Vec<_> = fs::read_dir(&restored).unwrap().map(|e| e.unwrap().file_name()).collect();
        for f in &leftovers {
            let m = mode(&restored.join(f)).unwrap();
            assert_eq!(m & 0o077, 0, "{f:?} is readable by others ({m:o})");
        }
    }

    #[test]
    fn a_store_made_with_the_default_umask_is_narrowed_when_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        drop(new_store(&dir));
        // As an older version left it.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        for f in ["keyring.json", "chisanpo.db"] {
            fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o644)).unwrap();
        }
        let store = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
        assert_eq!(mode(&dir).unwrap(), 0o700);
        for f in ["keyring.json", "chisanpo.db"] {
            assert_eq!(mode(&dir.join(f)).unwrap(), 0o600, "{f}");
        }
        drop(store);
    }
}

/// The attack: keyring.json edited so that unlocking asks Argon2id for 4 TiB of memory, or a
/// million passes. The app refuses at once and says which setting is out of range.
#[test]
fn a_tampered_keyring_asking_for_absurd_kdf_costs_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    drop(new_store(&dir));
    let ring_path = dir.join("keyring.json");
    let original = std::fs::read_to_string(&ring_path).unwrap();
    for (field, value, named) in [("memory_kib", "4294967295", "メモリ"), ("iterations", "1000000", "反復"), ("parallelism", "16777215", "並列")] {
        let mut json: serde_json::Value = serde_json::from_str(&original).unwrap();
        json["kdf"][field] = serde_json::from_str(value).unwrap();
        std::fs::write(&ring_path, serde_json::to_vec(&json).unwrap()).unwrap();
        let started = std::time::Instant::now();
        let e = Store::open(&dir, &Passphrase::new(PASS)).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{field}: refused before deriving");
        assert!(matches!(e, Error::KdfOutOfRange { .. }), "{field}: {e:?}");
        let m = e.to_string();
        assert!(m.contains(named) && m.contains(value) && m.contains("keyring.json") && m.contains("改ざん"), "{m}");
        assert_eq!(e.code(), "kdf_out_of_range");
    }
    std::fs::write(&ring_path, original).unwrap();
    Store::open(&dir, &Passphrase::new(PASS)).expect("the untouched keyring still opens");
}

#[test]
fn a_passphrase_change_rewraps_with_the_current_default_kdf() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let store = new_store(&dir);
    assert_eq!(Keyring::load(&dir.join("keyring.json")).unwrap().kdf, KdfParams::MINIMUM);
    store.change_passphrase(&Passphrase::new("新しいパスフレーズです")).unwrap();
    drop(store);
    assert_eq!(Keyring::load(&dir.join("keyring.json")).unwrap().kdf, KdfParams::DEFAULT, "the old, cheaper settings were kept");
    Store::open(&dir, &Passphrase::new("新しいパスフレーズです")).unwrap();
    assert!(matches!(Store::open(&dir, &Passphrase::new(PASS)), Err(Error::WrongPassphrase)));
}

/// The fault: an older app opens a store a newer one has written. It must not migrate it, use it,
/// or even note the unlock in the audit log; it says to update the app.
#[test]
fn an_older_binary_refuses_a_store_with_a_newer_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (store, recovery) = Store::init_with(&dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).unwrap();
    drop(store);
    let newer = schema::latest_version() + 1;
    raw_connection(&dir, &Passphrase::new(PASS)).unwrap().pragma_update(None, "user_version", newer).unwrap();
    let entries = audit_entries(&dir);

    let e = Store::open(&dir, &Passphrase::new(PASS)).unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { found, known } if found == newer && known == schema::latest_version()), "{e:?}");
    let m = e.to_string();
    assert!(m.contains("新しい版の地さんぽノート") && m.contains("更新"), "{m}");
    assert_eq!(e.code(), "schema_too_new");
    // The recovery key path is refused the same way.
    assert!(matches!(Store::open_with_recovery(&dir, &recovery), Err(Error::SchemaTooNew { .. })));
    let c = raw_connection(&dir, &Passphrase::new(PASS)).unwrap();
    assert_eq!(schema::current_version(&c).unwrap(), newer, "the version is left as the newer app wrote it");
    drop(c);
    assert_eq!(audit_entries(&dir), entries, "nothing was written");

    // Put back to the version this binary knows: it opens and verifies.
    raw_connection(&dir, &Passphrase::new(PASS)).unwrap().pragma_update(None, "user_version", schema::latest_version()).unwrap();
    let store = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
    assert!(store.verify().unwrap().ok);
}

/// The same fault through a backup: a backup made by a newer app is restored by an older one.
/// The restore is refused when the restored store will not open, and the live store is kept.
#[test]
fn a_backup_from_a_newer_schema_is_not_restored_over_the_live_store() {
    let tmp = tempfile::tempdir().unwrap();
    let newer_dir = tmp.path().join("newer");
    let store = new_store(&newer_dir);
    // The newer app's store: its schema version is above ours (set behind the open store's back).
    let newer = schema::latest_version() + 1;
    raw_connection(&newer_dir, &Passphrase::new(PASS)).unwrap().pragma_update(None, "user_version", newer).unwrap();
    let file = tmp.path().join("newer.chisanpo-backup");
    store.backup(&file).unwrap();
    drop(store);

    let live = tmp.path().join("live");
    let s = new_store(&live);
    s.set_setting("centre_name", "今のストア").unwrap();
    drop(s);
    let e = backup::restore(&live, &file, &Secret::Passphrase(Passphrase::new(PASS)), true).unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { .. }), "{e:?}");
    let s = Store::open(&live, &Passphrase::new(PASS)).expect("the live store is back and opens");
    assert_eq!(s.setting("centre_name").unwrap().as_deref(), Some("今のストア"));
    assert!(s.verify().unwrap().ok);
}

/// The same fault on the centre's shared PostgreSQL: a coordinator with an older app connects
/// to a schema a newer app has migrated. It is refused before anything is written there.
#[cfg(unix)]
#[test]
fn an_older_binary_refuses_a_shared_database_with_a_newer_schema() {
    use chisanpo_core::delivery::consolidation::postgres::PgConsolidation;
    let server = pg::PgServer::start();
    let url = server.database("centre");
    let tmp = tempfile::tempdir().unwrap();
    let centre = new_store(&tmp.path().join("centre"));
    let known = {
        drop(PgConsolidation::connect(&url, &centre).expect("a fresh database is migrated"));
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let v: i32 = c.query_one("SELECT max(version) FROM chisanpo_schema", &[]).unwrap().get(0);
        // The newer app's migration.
        c.execute("INSERT INTO chisanpo_schema (version) VALUES ($1)", &[&(v + 1)]).unwrap();
        c.batch_execute("CREATE TABLE from_the_future (x INTEGER)").unwrap();
        v as u32
    };
    let e = PgConsolidation::connect(&url, &centre).unwrap_err();
    assert!(matches!(e, Error::SchemaTooNew { found, known: k } if found == known + 1 && k == known), "{e:?}");
    assert!(e.to_string().contains("新しい版の地さんぽノート"), "{e}");
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let v: i32 = c.query_one("SELECT max(version) FROM chisanpo_schema", &[]).unwrap().get(0);
    let rows: i64 = c.query_one("SELECT count(*) FROM chisanpo_schema", &[]).unwrap().get(0);
    assert_eq!((v as u32, rows), (known + 1, i64::from(known) + 1), "the schema table is left as the newer app wrote it");
}

/// Low finding: the recovery key was never rotated after use. `recover` sets the new passphrase
/// and a new recovery key in one keyring write: the key that was typed opens the store no more,
/// the new one does, and a backup made before still opens with the key it was made with.
#[test]
fn a_used_recovery_key_is_replaced_and_opens_the_store_no_more() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let (store, used) = Store::init_with(&dir, &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).unwrap();
    chisanpo_core::demo::generate(&store, 4, 1).unwrap();
    let before = tmp.path().join("before.chisanpo-backup");
    store.backup(&before).unwrap();
    drop(store);

    const NEW: &str = "思い出した新しいパスフレーズ";
    assert!(matches!(Store::recover(&dir, &used, &Passphrase::new("short")), Err(Error::WeakPassphrase { .. })));
    let (store, fresh) = Store::recover(&dir, &used, &Passphrase::new(NEW)).unwrap();
    assert_ne!(fresh.display().as_str(), used.display().as_str());
    assert_eq!(store.record_count().unwrap(), 4);
    drop(store);
    assert!(matches!(Store::open_with_recovery(&dir, &used), Err(Error::WrongRecoveryKey)), "the used key is spent");
    assert!(matches!(Store::recover(&dir, &used, &Passphrase::new(NEW)), Err(Error::WrongRecoveryKey)));
    assert_eq!(Store::open_with_recovery(&dir, &fresh).unwrap().record_count().unwrap(), 4);
    assert!(Store::open(&dir, &Passphrase::new(NEW)).is_ok());
    assert!(matches!(Store::open(&dir, &Passphrase::new(PASS)), Err(Error::WrongPassphrase)));
    // The backup made before keeps the wrap it was made with.
    let elsewhere = tmp.path().join("elsewhere");
    let report = backup::restore(&elsewhere, &before, &Secret::Recovery(used), false).unwrap();
    assert_eq!(report.record_count, 4);
}
