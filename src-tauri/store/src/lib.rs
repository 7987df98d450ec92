//! # chisanpo-store
//!
//! The encrypted record store: SQLCipher, one writer connection and a pool of readers. Every
//! table of the store's file is this crate's (ADR 0027): no other crate writes SQL over them
//! (`core/tests/tables.rs`); the reports and delivery call the functions here, in the
//! transactions `Store::read` and `Store::write` give them. Over `chisanpo-domain` only.
//!
//!
//! - `keys`: the data key and its two wraps (passphrase, recovery key).
//! - `schema`: the append-only migrations.
//! - `audit`: the hash-chained audit log.
//! - `consistency`: the columns and copies `verify` checks against the chain and the versions.
//! - `anchor`: the audit chain's head, kept outside the database, so an old database shows.
//! - `entities`: workplaces, workers and staff.
//! - `records`: the record lifecycle (draft → 確定 → 訂正).
//! - `views`: what the store returns, as the UI and the CLI see it.
//! - `prefs`: the user's profile, idle lock time and text size.
//! - `instance`: one process at a time replaces a data folder's store.

pub mod activities;
pub mod anchor;
pub mod appointments;
pub mod atomic;
pub mod audit;
pub mod backup;
pub(crate) mod consistency;
pub mod consolidated;
pub mod demo;
pub mod directory;
pub mod editing;
pub mod entities;
pub mod fees;
pub mod import;
pub mod instance;
pub mod keys;
pub mod kv;
pub mod outbox;
pub mod outbox_queue;
pub mod photos;
pub mod prefs;
pub mod private;
pub mod records;
pub mod referrals;
pub mod report_rows;
pub mod retention;
pub mod saved_copies;
pub mod schema;
pub mod spool;
pub mod views;
pub mod visits;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;
use ts_rs::TS;

// The bottom layer, under the names the store's modules use.
pub(crate) use chisanpo_domain::{domain, error, paths, progress};

use crate::domain::{Staff, StaffRole};
use crate::error::{Error, Result};
use crate::paths::StorePaths;
pub use audit::{Action, Actor};
pub use keys::{DataKey, KdfParams, Keyring, Passphrase, RecoveryKey, Secret};
pub use views::*;

/// The current time, UTC, as stored (RFC 3339 with milliseconds).
pub fn now() -> String {
    iso(chrono::Utc::now())
}

/// A time as stored (RFC 3339, UTC, milliseconds), so stored times compare as text.
pub fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) use crate::domain::retention::day_of;

/// Today in the local time zone.
pub fn today() -> crate::domain::Date {
    crate::domain::Date(chrono::Local::now().date_naive())
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

const MAX_READERS: usize = 4;

/// An unlocked store.
pub struct Store {
    paths: StorePaths,
    key: DataKey,
    store_id: String,
    actor: Actor,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// A write in progress finalised, amended, destroyed or restored: the anchor follows it.
    anchor_due: AtomicBool,
    /// What the anchor said at unlock when the database does not hold the anchored entry. While
    /// set, the anchor is not moved (the evidence stays) until `reanchor`.
    anchor_problem: Mutex<Option<String>>,
}

/// On close, the readers go first, so that the writer is the last connection: SQLite then folds
/// the write-ahead log into the database and deletes it. (A read-only connection closing last
/// cannot, and the log would carry the session's writes until the next checkpoint: a `-wal`
/// lost or deleted between sessions would take them with it.)
impl Drop for Store {
    fn drop(&mut self) {
        self.readers.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("dir", &self.paths.dir).field("store_id", &self.store_id).finish_non_exhaustive()
    }
}

/// Open a database file, once SQLCipher is fully initialised. SQLite marks itself initialised
/// *before* it runs SQLCipher's extra initialisation, so a second thread opening a file at that
/// moment skips the wait, and its `PRAGMA key` fails ("An error occurred with PRAGMA key"). It
/// was seen once in a few runs of a test file whose tests open stores in parallel. The first
/// open in the process is done alone, to completion, before any other.
pub(crate) fn open_file(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    static SQLCIPHER_READY: std::sync::Once = std::sync::Once::new();
    SQLCIPHER_READY.call_once(|| drop(Connection::open_in_memory()));
    Connection::open_with_flags(path, flags)
}

/// Key a connection just opened. SQLCipher would log a failed HMAC check to stderr; the caller
/// reports it in Japanese instead.
pub(crate) fn apply_key(conn: &Connection, key: &DataKey) -> Result<()> {
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", key.pragma_value().as_str()))?;
    Ok(())
}

/// Open a connection to the database file and apply the key and the pragmas.
fn connect(path: &Path, key: &DataKey, create: bool, read_only: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    flags |= if read_only { OpenFlags::SQLITE_OPEN_READ_ONLY } else { OpenFlags::SQLITE_OPEN_READ_WRITE };
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
        // Created by us, 0600, before SQLite creates it with the umask's mode.
        private::touch(path).map_err(|e| match Error::from(e) {
            Error::DiskFull => Error::DiskFull,
            _ => Error::DirNotWritable { dir: path.parent().map(|p| p.display().to_string()).unwrap_or_default() },
        })?;
    }
    let not_a_store = || Error::NotAStore { path: path.display().to_string() };
    let conn = open_file(path, flags).map_err(|e| match Error::from(e) {
        Error::DirNotWritable { .. } => Error::DirNotWritable { dir: path.parent().map(|p| p.display().to_string()).unwrap_or_default() },
        other => other,
    })?;
    apply_key(&conn, key)?;
    // The first read proves the key fits the file.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| match Error::from(e) {
        Error::NotAStore { .. } | Error::Db { .. } => not_a_store(),
        other => other,
    })?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Every page SQLCipher reads is decrypted and authenticated; a page cache large enough for the
    // hot tables (records, workers, workplaces of a busy centre's five years) keeps that off the
    // hot path. 32 MiB per connection.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
    )?;
    if !read_only {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::db("WAL を有効にできません"));
        }
    }
    schema::register_functions(&conn)?;
    Ok(conn)
}

/// A raw connection to a store's database, unlocked with the passphrase: no migrations, no
/// audit entries, no checks beyond the key fitting the file. For tests (tampering, building
/// old-schema fixtures) and forensic tools only; the key itself never leaves this module.
/// Creates an empty database if there is none yet next to the keyring.
#[doc(hidden)]
pub fn raw_connection(dir: &Path, pass: &Passphrase) -> Result<Connection> {
    let paths = StorePaths::new(dir);
    let key = Keyring::load(&paths.keyring())?.unlock(pass)?;
    connect(&paths.db(), &key, true, false)
}

pub(crate) fn ensure_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
    probe_writable(dir)
}

/// The data folder: created 0700 (see [`private`]), and proved writable.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<()> {
    private::create_dir(dir).map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
    probe_writable(dir)
}

fn probe_writable(dir: &Path) -> Result<()> {
    let not_writable = || Error::DirNotWritable { dir: dir.display().to_string() };
    // Prove the folder is writable before anything is created in it.
    let probe = dir.join(format!(".write-test-{}", new_id()));
    std::fs::write(&probe, b"").map_err(|e| match Error::from(e) {
        Error::DiskFull => Error::DiskFull,
        _ => not_writable(),
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// The default folder of exports, as typed: an absolute path, or empty for Documents.
pub fn check_pdf_folder(folder: &str) -> Result<&str> {
    let folder = folder.trim();
    if !folder.is_empty() && !Path::new(folder).is_absolute() {
        return Err(Error::invalid("pdf_folder", "PDFの保存先はフォルダの絶対パスで指定してください。"));
    }
    Ok(folder)
}

/// The profile of the person using this store.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Profile {
    pub staff_id: String,
    pub staff: Staff,
    pub centre_name: String,
}

impl Store {
    /// Create a new store in `dir` with a passphrase and the user's profile. Returns the store
    /// and the recovery key, which is shown once and never stored in clear.
    pub fn init(dir: &Path, pass: &Passphrase, profile: &Staff) -> Result<(Store, RecoveryKey)> {
        Self::init_with(dir, pass, profile, KdfParams::DEFAULT)
    }

    /// As [`Store::init`], with chosen KDF parameters (tests use the minimum to run fast).
    pub fn init_with(dir: &Path, pass: &Passphrase, profile: &Staff, kdf: KdfParams) -> Result<(Store, RecoveryKey)> {
        let paths = StorePaths::new(dir);
        if paths.keyring().exists() {
            return Err(Error::AlreadyInitialised { dir: dir.display().to_string() });
        }
        pass.check_strength()?;
        let violations = profile.validate();
        if !violations.is_empty() {
            return Err(Error::Invalid(violations.into_vec()));
        }
        ensure_private_dir(dir)?;
        // A database without a keyring is what a crashed init leaves. It can never be opened,
        // but it is set aside rather than deleted: nothing is ever thrown away silently.
        for leftover in [paths.db(), dir.join("chisanpo.db-wal"), dir.join("chisanpo.db-shm"), dir.join(anchor::ANCHOR_FILE)] {
            if leftover.exists() {
                // `chisanpo.db-wal` → `chisanpo.db-wal.orphan-…`: each keeps its own name (with_extension
                // would give all three the same name, and each rename would replace the one before).
                let mut aside = leftover.clone().into_os_string();
                aside.push(format!(".orphan-{}", chrono::Utc::now().format("%Y%m%d%H%M%S")));
                std::fs::rename(&leftover, aside).map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
            }
        }
        let store_id = new_id();
        let key = DataKey::generate();
        let recovery = RecoveryKey::generate();
        let mut conn = connect(&paths.db(), &key, true, false)?;
        schema::migrate(&mut conn)?;
        let staff_id = new_id();
        let actor = Actor { id: staff_id.clone(), name: profile.name.clone() };
        {
            let tx = conn.transaction()?;
            let now = now();
            for (k, v) in [("store_id", store_id.as_str()), ("created_at", now.as_str()), ("app_version", env!("CARGO_PKG_VERSION"))] {
                tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", [k, v])?;
            }
            entities::insert_staff(&tx, &staff_id, profile, &now)?;
            kv::put(&tx, "profile_staff_id", &staff_id)?;
            audit::append(&tx, &store_id, &actor, Action::Init, &store_id, serde_json::json!({ "schema": schema::latest_version() }))?;
            tx.commit()?;
        }
        // The keyring is written last: until it exists, the store does not.
        Keyring::create(&store_id, &key, pass, &recovery, kdf)?.save(&paths.keyring())?;
        let store = Store::assemble(paths, key, store_id, actor, conn);
        store.settle_anchor()?;
        Ok((store, recovery))
    }

    /// Unlock an existing store with the passphrase.
    pub fn open(dir: &Path, pass: &Passphrase) -> Result<Store> {
        let paths = StorePaths::new(dir);
        backup::recover_interrupted_restore(dir)?;
        let ring = Self::keyring_of(&paths)?;
        let key = ring.unlock(pass)?;
        Self::open_with_key(paths, &ring, key, Action::Unlock)
    }

    /// Unlock with the recovery key (the passphrase was forgotten). Set a new passphrase next.
    pub fn open_with_recovery(dir: &Path, recovery: &RecoveryKey) -> Result<Store> {
        let paths = StorePaths::new(dir);
        backup::recover_interrupted_restore(dir)?;
        let ring = Self::keyring_of(&paths)?;
        let key = ring.unlock_with_recovery(recovery)?;
        Self::open_with_key(paths, &ring, key, Action::Recover)
    }

    /// Unlock with either secret, recording `action` in the audit log.
    pub(crate) fn open_secret(dir: &Path, secret: &Secret, action: Action) -> Result<Store> {
        let paths = StorePaths::new(dir);
        let ring = Self::keyring_of(&paths)?;
        let key = ring.unlock_secret(secret)?;
        Self::open_with_key(paths, &ring, key, action)
    }

    fn keyring_of(paths: &StorePaths) -> Result<Keyring> {
        if !paths.keyring().exists() {
            return Err(Error::NotInitialised { dir: paths.dir.display().to_string() });
        }
        Keyring::load(&paths.keyring())
    }

    fn open_with_key(paths: StorePaths, ring: &Keyring, key: DataKey, action: Action) -> Result<Store> {
        if !paths.db().exists() {
            return Err(Error::NotAStore { path: paths.db().display().to_string() });
        }
        let mut conn = connect(&paths.db(), &key, false, false).map_err(|e| match e {
            Error::NotAStore { .. } => Error::NotAStore { path: paths.db().display().to_string() },
            other => other,
        })?;
        let store_id: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0)).optional().unwrap_or(None);
        if store_id.as_deref() != Some(ring.store_id.as_str()) {
            return Err(Error::NotAStore { path: paths.db().display().to_string() });
        }
        schema::migrate(&mut conn)?;
        // A store made before its files were private is narrowed now.
        private::restrict_store(&paths.dir);
        let actor = Self::load_actor(&conn)?;
        let store = Store::assemble(paths, key, ring.store_id.clone(), actor, conn);
        store.settle_anchor()?;
        store.write(|tx| store.audit(tx, action, &store.store_id, serde_json::json!({})).map(|_| ()))?;
        Ok(store)
    }

    fn assemble(paths: StorePaths, key: DataKey, store_id: String, actor: Actor, conn: Connection) -> Store {
        Store {
            paths,
            key,
            store_id,
            actor,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            anchor_due: AtomicBool::new(false),
            anchor_problem: Mutex::new(None),
        }
    }

    fn load_actor(conn: &Connection) -> Result<Actor> {
        let id = kv::get(conn, "profile_staff_id")?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        let name: String = conn.query_row("SELECT name FROM staff WHERE id = ?1", [&id], |r| r.get(0))?;
        Ok(Actor { id, name })
    }

    /// Check the passphrase against the keyring without reopening (before a passphrase change).
    pub fn check_passphrase(&self, pass: &Passphrase) -> Result<()> {
        Keyring::load(&self.paths.keyring())?.unlock(pass).map(|_| ())
    }

    /// `recover`: open with the recovery key, set a new passphrase and make a new recovery key,
    /// in one keyring write. The key that was used opens the store no more (it was typed, its
    /// sheet out of the safe); backups made before still open with it. Returns the store and the
    /// new key, to be shown once and printed.
    pub fn recover(dir: &Path, used: &RecoveryKey, new_pass: &Passphrase) -> Result<(Store, RecoveryKey)> {
        new_pass.check_strength()?;
        let store = Self::open_with_recovery(dir, used)?;
        let fresh = RecoveryKey::generate();
        let ring = Keyring::load(&store.paths.keyring())?.rewrap_passphrase(&store.key, new_pass)?.rewrap_recovery(&store.key, &fresh);
        // Audited first: once the keyring is written, nothing may fail before the key is shown.
        store.write(|tx| store.audit(tx, Action::PassphraseChange, &store.store_id, serde_json::json!({ "recovery_key": "renewed" })).map(|_| ()))?;
        ring.save(&store.paths.keyring())?;
        Ok((store, fresh))
    }

    /// `recovery-key`: a new recovery key in place of the current one, for someone who has the
    /// passphrase (a sheet lost, or the key shown after a recovery not noted). Returns the key,
    /// to be shown once and printed.
    pub fn renew_recovery_key(&self, pass: &Passphrase) -> Result<RecoveryKey> {
        let ring = Keyring::load(&self.paths.keyring())?;
        ring.unlock(pass)?;
        let fresh = RecoveryKey::generate();
        let ring = ring.rewrap_recovery(&self.key, &fresh);
        self.write(|tx| self.audit(tx, Action::PassphraseChange, &self.store_id, serde_json::json!({ "recovery_key": "renewed" })).map(|_| ()))?;
        ring.save(&self.paths.keyring())?;
        Ok(fresh)
    }

    /// Set a new passphrase: the data key is re-wrapped; the store is not re-encrypted.
    pub fn change_passphrase(&self, new: &Passphrase) -> Result<()> {
        new.check_strength()?;
        let ring = Keyring::load(&self.paths.keyring())?;
        ring.rewrap_passphrase(&self.key, new)?.save(&self.paths.keyring())?;
        self.write(|tx| self.audit(tx, Action::PassphraseChange, &self.store_id, serde_json::json!({})).map(|_| ()))
    }

    pub fn dir(&self) -> &Path {
        &self.paths.dir
    }

    pub fn db_path(&self) -> PathBuf {
        self.paths.db()
    }

    pub fn store_id(&self) -> &str {
        &self.store_id
    }

    /// When the store was made (RFC 3339, UTC).
    pub fn created_at(&self) -> Result<String> {
        self.read(|c| Ok(c.query_row("SELECT value FROM meta WHERE key = 'created_at'", [], |r| r.get::<_, String>(0))?))
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// Run `f` in one immediate write transaction on the single writer connection.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        if self.anchor_due.swap(false, Ordering::SeqCst) && self.anchor_problem().is_none() {
            // The write is committed whatever happens here; a stale anchor only checks less.
            if let Err(e) = self.move_anchor(&conn) {
                eprintln!("監査ログのアンカー（anchor.json）を更新できませんでした: {e}");
            }
        }
        Ok(out)
    }

    /// Run `f` on a reader connection (WAL lets readers run beside the writer).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => connect(&self.paths.db(), &self.key, false, true)?,
        };
        let out = f(&conn);
        let mut pool = self.readers.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() < MAX_READERS {
            pool.push(conn);
        }
        out
    }

    /// Rebuild the database file (VACUUM; secure_delete is on) and fold the write-ahead log into
    /// it, truncated, so that nothing deleted stays recoverable from the files (retention
    /// destruction). The pooled readers, whose caches may hold old pages, are closed first.
    pub(crate) fn compact(&self) -> Result<()> {
        self.readers.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        conn.execute_batch("VACUUM;")?;
        let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::Busy);
        }
        Ok(())
    }

    pub fn audit(&self, tx: &Connection, action: Action, target: &str, detail: serde_json::Value) -> Result<i64> {
        if matches!(action, Action::Finalise | Action::Amend | Action::Destroy | Action::Restore) {
            self.anchor_due.store(true, Ordering::SeqCst);
        }
        audit::append(tx, &self.store_id, &self.actor, action, target, detail)
    }

    /// Record that something left the app (an export, a printout). Holds no health data.
    pub fn log_output(&self, action: Action, target: &str, detail: serde_json::Value) -> Result<()> {
        self.write(|tx| self.audit(tx, action, target, detail).map(|_| ()))
    }

    pub fn profile(&self) -> Result<Profile> {
        let staff = self.get_staff(&self.actor.id)?;
        let centre_name = self.setting("centre_name")?.unwrap_or_default();
        Ok(Profile { staff_id: self.actor.id.clone(), staff: staff.data, centre_name })
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|c| kv::get(c, key))
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| self.put_setting_in(tx, key, value))
    }

    /// Write a setting and its audit entry (the key, never the value) in `tx`.
    pub fn put_setting_in(&self, tx: &rusqlite::Transaction, key: &str, value: &str) -> Result<()> {
        kv::put(tx, key, value)?;
        self.audit(tx, Action::Edit, "settings", serde_json::json!({ "setting": key })).map(|_| ())
    }

    /// The folder PDFs and exports go to by default: an absolute path, or empty for Documents.
    pub fn set_pdf_folder(&self, folder: &str) -> Result<()> {
        self.set_setting("pdf_folder", check_pdf_folder(folder)?)
    }

    /// The store's own checks and the newest backup's (`verify_store`, `check_backup_gap`):
    /// everything `verify` checks but a centre's consolidated proofs, which are delivery's.
    pub fn verify_local(&self) -> Result<VerifyReport> {
        let mut report = self.verify_store()?;
        self.check_backup_gap(&mut report)?;
        Ok(report)
    }

    /// The store's own checks: SQLite's and SQLCipher's integrity checks, the audit chain, that
    /// every finalised version still matches the hash its audit entry recorded, and that the
    /// database still holds every write its anchor saw (ADR 0020). `verify` (in `delivery`)
    /// adds the consolidated rows' proofs and the newest backup (`check_backup_gap`).
    pub fn verify_store(&self) -> Result<VerifyReport> {
        let report = self.read(|c| {
            let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            let mut cipher_problems = Vec::new();
            {
                let mut stmt = c.prepare("PRAGMA cipher_integrity_check")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                for r in rows {
                    cipher_problems.push(r?);
                }
            }
            let (entries, last_hash, chain_break) = audit::verify_chain(c, &self.store_id)?;
            let mut problems = Vec::new();
            if integrity != "ok" {
                problems.push(format!("SQLite の整合性検査: {integrity}"));
            }
            for p in cipher_problems {
                problems.push(format!("暗号化ページの検査: {p}"));
            }
            if let Some(b) = &chain_break {
                problems.push(format!("監査ログの{}番目の記録: {}", b.seq, b.reason));
            }
            let mut versions = 0i64;
            let mut stmt = c.prepare("SELECT record_id, version, content, content_hash FROM record_versions ORDER BY record_id, version")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let (id, v, content, hash): (String, i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
                versions += 1;
                if audit::sha256_hex(content.as_bytes()) != hash {
                    problems.push(format!("記録 {id} の第{v}版: 内容が保存時のハッシュと一致しません"));
                } else if audit::version_entry_hash(c, &id, v)?.as_deref() != Some(hash.as_str()) {
                    problems.push(format!("記録 {id} の第{v}版: 監査ログに確定・訂正の記録がないか、ハッシュが一致しません"));
                }
            }
            let roles_ok = c.query_row("SELECT count(*) FROM staff", [], |r| r.get::<_, i64>(0))? > 0;
            if !roles_ok {
                problems.push("利用者のプロフィールがありません".into());
            }
            // Columns against the evidence, versions the log names, consolidated copies (finding 6).
            problems.extend(consistency::record_columns(c)?);
            problems.extend(consistency::versions_named_by_the_log(c)?);
            problems.extend(consistency::consolidated_hashes(c)?);
            // The anchor outside the database (ADR 0020): now, or as it was at unlock.
            if let Some(p) = anchor::check(c, &self.paths.dir, &self.key, &self.store_id)?.or_else(|| self.anchor_problem()) {
                problems.push(p);
            }
            Ok(VerifyReport { ok: problems.is_empty(), audit_entries: entries, last_hash, chain_break, versions_checked: versions, problems, backup_gap: None })
        })?;
        Ok(report)
    }

    /// The newest backup of this store: everything it saw must still be here.
    pub fn check_backup_gap(&self, report: &mut VerifyReport) -> Result<()> {
        if let Some((file, _)) = self.newest_backup()? {
            if let Some(gap) = self.gap_to_backup(&file)? {
                report.problems.push(gap.problem.clone());
                if !gap.missing_records.is_empty() {
                    report.problems.push(format!(
                        "バックアップにあり、このストアにないか古い版しかない記録（{}件）: {}",
                        gap.missing_records.len(),
                        gap.missing_records.join(", ")
                    ));
                }
                report.ok = false;
                report.backup_gap = Some(gap);
            }
        }
        Ok(())
    }

    /// The number of records (every kind, drafts included).
    pub fn record_count(&self) -> Result<i64> {
        self.read(|c| Ok(c.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?))
    }

    /// The role of the user, for the screens that depend on it.
    pub fn actor_role(&self) -> Result<Option<StaffRole>> {
        Ok(self.get_staff(&self.actor.id)?.data.role)
    }
}

/// A store for the tests of this crate and of the crates above it (the feature `testing`).
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod testing {
    use super::*;

    pub const PASS: &str = "テスト用のパスフレーズ";

    pub fn doctor() -> Staff {
        Staff { role: Some(StaffRole::Doctor), name: "産業 一郎".into(), affiliation: "さんぽクリニック".into(), ..Default::default() }
    }

    /// A new store in a temporary folder, with the minimum KDF cost so tests run fast.
    pub fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let (s, _) = Store::init_with(&dir.path().join("data"), &Passphrase::new(PASS), &doctor(), KdfParams::MINIMUM).unwrap();
        (dir, s)
    }
}
