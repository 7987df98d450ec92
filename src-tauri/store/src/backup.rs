//! Backups that restore.
//!
//! A backup is one file: a magic line, a small JSON header (format, creation time, app version,
//! record count, the last audit hash, the wrapped keys) and the encrypted database copied with
//! SQLite's online backup API from a reader connection, so the app keeps running. The database
//! part is as encrypted as the store; the header holds no health data.
//!
//! Restore checks a backup on its own first (key, integrity, audit chain, record count, hash),
//! then swaps it in under a journal, keeping the old store aside until the new one opens.
//! A crash at any point leaves either the old store or the new one.

use std::fs::{self, File};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use hmac::Mac;
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::paths::StorePaths;

use super::atomic;
use super::audit::{self, Action};
use super::instance::InstanceLock;
use super::keys::{DataKey, Keyring, Secret};
use super::{connect, now, Store};

const MAGIC: &[u8; 16] = b"CHISANPO-BACKUP\n";
/// Format 2 (0.3.0): the header is followed by its SHA-256 (damage, named before any key is
/// tried) and an HMAC under a key derived from the data key (a change by anyone without the key),
/// so every byte of the file is covered: the header by the HMAC, the database by the header's
/// `db_sha256` (ADR 0021). Format 1 (0.2.0 and before) is still restored, with
/// `RestoreReport::header_authenticated` false.
const FORMAT: u32 = 2;
const FORMAT_UNAUTHENTICATED: u32 = 1;
const HEADER_MAC_CONTEXT: &[u8] = b"chisanpo backup header mac v2";
/// The file name of automatic backups: `chisanpo-YYYYMMDD-HHMMSS.chisanpo-backup`.
pub const EXTENSION: &str = "chisanpo-backup";

/// The header of a backup file. No health data: counts, hashes and wrapped keys.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupHeader {
    pub format: u32,
    pub created_at: String,
    pub app_version: String,
    pub store_id: String,
    pub record_count: i64,
    pub audit_entries: i64,
    pub audit_last_hash: String,
    pub db_len: u64,
    pub db_sha256: String,
    #[ts(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyring: Option<Keyring>,
}

fn invalid(reason: &str) -> Error {
    Error::BackupInvalid { reason: reason.to_string() }
}

/// Read only the header of a backup file.
pub fn read_header(file: &Path) -> Result<BackupHeader> {
    let mut f = File::open(file).map_err(|_| Error::File { path: file.display().to_string(), source: None })?;
    Ok(header_of(&mut f)?.header)
}

/// A header as read: the parsed header, its exact bytes and, from format 2, its HMAC tag.
struct ReadHeader {
    header: BackupHeader,
    json: Vec<u8>,
    tag: Option<[u8; 32]>,
}

fn header_mac(key: &DataKey, json: &[u8]) -> hmac::Hmac<sha2::Sha256> {
    let mut m = key.mac(HEADER_MAC_CONTEXT);
    m.update(json);
    m
}

fn header_of(f: &mut impl Read) -> Result<ReadHeader> {
    let mut magic = [0u8; 16];
    f.read_exact(&mut magic).map_err(|_| invalid("ファイルが短すぎます"))?;
    if &magic != MAGIC {
        return Err(invalid("地さんぽノートのバックアップではありません"));
    }
    let mut len = [0u8; 4];
    f.read_exact(&mut len).map_err(|_| invalid("見出しが途中で切れています"))?;
    let len = u32::from_le_bytes(len) as usize;
    if len > 1 << 20 {
        return Err(invalid("見出しが壊れています"));
    }
    let mut json = vec![0u8; len];
    f.read_exact(&mut json).map_err(|_| invalid("見出しが途中で切れています"))?;
    let h: BackupHeader = serde_json::from_slice(&json).map_err(|_| invalid("見出しが壊れています"))?;
    let tag = match h.format {
        FORMAT => {
            let mut trailer = [0u8; 64];
            f.read_exact(&mut trailer).map_err(|_| invalid("見出しが途中で切れています"))?;
            if trailer[..32] != sha2::Sha256::digest(&json)[..] {
                return Err(invalid(
                    "見出しが壊れています（見出しのチェックサムが一致しません。作成日時・版・鍵の情報など、見出しのどこかが変わっています。このファイルでは回復キーやパスフレーズが働かない可能性があります）",
                ));
            }
            Some(trailer[32..].try_into().expect("32 bytes"))
        }
        FORMAT_UNAUTHENTICATED => None,
        _ => return Err(invalid("対応していない形式です。アプリを更新してください")),
    };
    Ok(ReadHeader { header: h, json, tag })
}

/// Counts and the chain head of an open database.
fn facts(c: &Connection, store_id: &str) -> Result<(i64, i64, String)> {
    let records: i64 = c.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
    let (entries, last, broken) = audit::verify_chain(c, store_id)?;
    if let Some(b) = broken {
        return Err(Error::Integrity(format!("監査ログの{}番目の記録: {}", b.seq, b.reason)));
    }
    Ok((records, entries, last))
}

fn integrity(c: &Connection) -> Result<()> {
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let mut stmt = c.prepare("PRAGMA cipher_integrity_check")?;
    let cipher: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if ok != "ok" || !cipher.is_empty() {
        return Err(invalid("データベースの整合性検査に失敗しました"));
    }
    Ok(())
}

/// What the progress bar says while a backup copies the store, then writes its file.
const COPYING: &str = "データベースを複写しています";
const WRITING_BACKUP: &str = "バックアップファイルを書き出しています";

/// What a backup made.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    pub header: BackupHeader,
}

impl Store {
    /// Copy the live store into one backup file, atomically, while the app keeps running.
    pub fn backup(&self, out: &Path) -> Result<BackupInfo> {
        let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
        let staging = dir.join(format!(".chisanpo-backup-{}.db.tmp", super::new_id()));
        let result = self.backup_via(&staging, out);
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = fs::remove_file(format!("{}{suffix}", staging.display()));
        }
        let info = result?;
        self.log_output(
            Action::Backup,
            &self.store_id,
            serde_json::json!({ "records": info.header.record_count, "audit_last_hash": info.header.audit_last_hash }),
        )?;
        Ok(info)
    }

    fn backup_via(&self, staging: &Path, out: &Path) -> Result<BackupInfo> {
        let mut dst = connect(staging, &self.key, true, false)?;
        self.read(|src| {
            let b = rusqlite::backup::Backup::new(src, &mut dst)?;
            // Page by page, saying how far, and stopping (the staging file then removed, no
            // backup written) if 中止 is pressed.
            loop {
                let more = b.step(256)?;
                let p = b.progress();
                let total = u64::try_from(p.pagecount).unwrap_or(0);
                crate::progress::step(COPYING, total.saturating_sub(u64::try_from(p.remaining).unwrap_or(0)), total);
                crate::progress::checkpoint()?;
                if more == rusqlite::backup::StepResult::Done {
                    break;
                }
            }
            Ok(())
        })?;
        // A self-contained file: no WAL beside it.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))?;
        let (record_count, audit_entries, audit_last_hash) = facts(&dst, &self.store_id)?;
        drop(dst);
        let db_len = fs::metadata(staging)?.len();
        let db_sha256 = sha256_file(staging)?;
        let header = BackupHeader {
            format: FORMAT,
            created_at: now(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            store_id: self.store_id.clone(),
            record_count,
            audit_entries,
            audit_last_hash,
            db_len,
            db_sha256,
            keyring: Some(Keyring::load(&self.paths.keyring())?),
        };
        let json = serde_json::to_vec(&header).expect("headers serialise");
        let checksum = sha2::Sha256::digest(&json);
        let tag = header_mac(&self.key, &json).finalize().into_bytes();
        crate::progress::checkpoint()?;
        crate::progress::no_longer_cancellable();
        crate::progress::step(WRITING_BACKUP, 0, 1);
        atomic::write_with(out, |f| {
            f.write_all(MAGIC)?;
            f.write_all(&(json.len() as u32).to_le_bytes())?;
            f.write_all(&json)?;
            f.write_all(&checksum)?;
            f.write_all(&tag)?;
            std::io::copy(&mut File::open(staging)?, f)?;
            Ok(())
        })?;
        Ok(BackupInfo { path: out.display().to_string(), header: BackupHeader { keyring: None, ..header } })
    }

    /// Back up into `folder` with a dated name and keep only the newest `keep` backups there.
    pub fn backup_to_folder(&self, folder: &Path, keep: usize) -> Result<BackupInfo> {
        let name = format!("chisanpo-{}.{EXTENSION}", chrono::Local::now().format("%Y%m%d-%H%M%S"));
        let info = self.backup(&folder.join(name))?;
        prune(folder, keep.max(1))?;
        self.set_setting("last_backup_at", &info.header.created_at)?;
        Ok(info)
    }
}

/// Where and how often the app backs up by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupSettings {
    /// The folder chosen by the user (an organisation-issued drive, a synced folder). None: not set.
    pub folder: Option<String>,
    /// How many automatic backups to keep.
    pub keep: u32,
    /// When the last backup finished (RFC 3339, UTC).
    pub last_backup_at: Option<String>,
}

/// Automatic backups run at least this often.
pub const BACKUP_EVERY_HOURS: i64 = 24;
/// The home screen warns when the last backup is older than this.
pub const STALE_AFTER_DAYS: i64 = 7;
pub const DEFAULT_KEEP: u32 = 7;

fn age(last: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::Duration> {
    last.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| now - t.with_timezone(&chrono::Utc))
}

impl BackupSettings {
    /// An automatic backup is due: a folder is set and the last backup is a day old or missing.
    pub fn due(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.folder.is_some() && age(self.last_backup_at.as_deref(), now).is_none_or(|a| a >= chrono::Duration::hours(BACKUP_EVERY_HOURS))
    }

    /// The home screen shows the last backup in a warning colour: none, or over a week old.
    pub fn stale(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        age(self.last_backup_at.as_deref(), now).is_none_or(|a| a > chrono::Duration::days(STALE_AFTER_DAYS))
    }
}

impl Store {
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        Ok(BackupSettings {
            folder: self.setting("backup_folder")?.filter(|f| !f.is_empty()),
            keep: self.setting("backup_keep")?.and_then(|k| k.parse().ok()).unwrap_or(DEFAULT_KEEP),
            last_backup_at: self.setting("last_backup_at")?,
        })
    }

    /// Choose the backup folder and the number of generations; the folder must be writable.
    pub fn set_backup_settings(&self, folder: &str, keep: u32) -> Result<()> {
        if !(1..=100).contains(&keep) {
            return Err(Error::invalid("keep", "残すバックアップの数は1〜100で入力してください。"));
        }
        let folder = folder.trim();
        if !folder.is_empty() {
            let p = Path::new(folder);
            if !p.is_absolute() {
                return Err(Error::invalid("folder", "バックアップ先はフォルダの絶対パスで指定してください。"));
            }
            super::ensure_dir(p)?;
        }
        self.set_setting("backup_folder", folder)?;
        self.set_setting("backup_keep", &keep.to_string())
    }

    /// Back up into the chosen folder if one is set and a backup is due (or `force`).
    pub fn auto_backup(&self, force: bool) -> Result<Option<BackupInfo>> {
        let settings = self.backup_settings()?;
        match settings.folder.as_deref() {
            Some(folder) if force || settings.due(chrono::Utc::now()) => Ok(Some(self.backup_to_folder(Path::new(folder), settings.keep as usize)?)),
            _ => Ok(None),
        }
    }
}

/// What the store lacks of one of its own backups: the backup's audit head is not in the store's
/// chain, so writes the backup holds were lost since (ADR 0020). Ids only, never names.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BackupGap {
    pub backup: String,
    pub created_at: String,
    pub problem: String,
    /// Records the backup holds that the store lacks, or holds only in an older version.
    pub missing_records: Vec<String>,
}

impl Store {
    /// The newest backup of this store in the backup folder, by its header's creation time,
    /// made after the store's last restore (a restore of an older generation replaces the store
    /// on purpose: the backups before it are not what the store should hold).
    pub fn newest_backup(&self) -> Result<Option<(PathBuf, BackupHeader)>> {
        let Some(folder) = self.backup_settings()?.folder else { return Ok(None) };
        let Ok(entries) = fs::read_dir(&folder) else { return Ok(None) };
        let restored_at: String = self.read(|c| Ok(c.query_row("SELECT coalesce(max(at), '') FROM audit_log WHERE action = 'restore'", [], |r| r.get(0))?))?;
        let newest = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
            .filter_map(|p| self.authentic_header(&p).map(|h| (p, h)))
            .filter(|(_, h)| h.created_at > restored_at)
            .max_by(|a, b| a.1.created_at.cmp(&b.1.created_at));
        Ok(newest)
    }

    /// The header of a backup of this store whose HMAC checks under this store's key (format 2):
    /// a header copied from an older backup and edited (a newer date, another audit head) is
    /// not taken as the newest backup's word. None for anything else.
    fn authentic_header(&self, file: &Path) -> Option<BackupHeader> {
        let mut f = BufReader::new(File::open(file).ok()?);
        let ReadHeader { header, json, tag } = header_of(&mut f).ok()?;
        (header.store_id == self.store_id && header_mac(&self.key, &json).verify_slice(&tag?).is_ok()).then_some(header)
    }

    /// Compare the store with a backup of itself: None when the store's chain holds the backup's
    /// last audit entry (everything the backup saw is still here), or when the backup is of
    /// another store. Otherwise what is missing, and which records.
    pub fn gap_to_backup(&self, file: &Path) -> Result<Option<BackupGap>> {
        let Some(header) = self.authentic_header(file) else { return Ok(None) };
        let head = super::anchor::AuditHead { seq: header.audit_entries, hash: header.audit_last_hash.clone() };
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let what = format!("最新のバックアップ（{}、{name}）", super::anchor::local_time(&header.created_at));
        let Some(problem) = self.read(|c| super::anchor::compare(c, &head, &what))? else { return Ok(None) };
        let missing_records = self.records_only_in(file, &header).unwrap_or_default();
        Ok(Some(BackupGap { backup: file.display().to_string(), created_at: header.created_at, problem, missing_records }))
    }

    /// The ids of records a backup of this store holds that the store lacks, or holds only in an
    /// older version. The backup's database is copied into the data folder (private) to be read.
    fn records_only_in(&self, file: &Path, header: &BackupHeader) -> Result<Vec<String>> {
        let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%3f");
        let copy = self.dir().join(format!(".verify-{stamp}.db"));
        let result = (|| {
            let mut f = BufReader::new(File::open(file)?);
            header_of(&mut f)?;
            let mut out = super::private::create_file(&copy)?;
            std::io::copy(&mut f.by_ref().take(header.db_len), &mut out)?;
            drop(out);
            if sha256_file(&copy)? != header.db_sha256 {
                return Err(invalid("データのハッシュが見出しと一致しません"));
            }
            self.read(|c| {
                c.execute("ATTACH DATABASE ?1 AS b KEY ?2", rusqlite::params![copy.display().to_string(), self.key.pragma_value().as_str()])?;
                let ids = (|| {
                    let mut stmt = c.prepare(
                        "SELECT r.id FROM b.records r LEFT JOIN main.records m ON m.id = r.id WHERE m.id IS NULL OR r.version > m.version ORDER BY r.id",
                    )?;
                    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok(ids)
                })();
                c.execute("DETACH DATABASE b", [])?;
                ids
            })
        })();
        let _ = fs::remove_file(&copy);
        result
    }
}

/// Keep the newest `keep` automatic backups in a folder; never touch other files.
pub fn prune(folder: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let mut ours: Vec<PathBuf> = fs::read_dir(folder)
        .map_err(|_| Error::File { path: folder.display().to_string(), source: None })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            name.starts_with("chisanpo-") && name.ends_with(&format!(".{EXTENSION}"))
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let removed: Vec<PathBuf> = ours.drain(..excess).collect();
    for p in &removed {
        fs::remove_file(p).map_err(|_| Error::File { path: p.display().to_string(), source: None })?;
    }
    Ok(removed)
}

fn sha256_file(p: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut f = BufReader::new(File::open(p)?);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub record_count: i64,
    pub backup_created_at: String,
    /// Records of the replaced store that the backup does not have (or has in an older version);
    /// -1 when the replaced store could not be compared (see `kept_aside`).
    pub lost_records: i64,
    /// The replaced store could not be compared with the backup, so it was not deleted: this
    /// folder in the data folder holds its files (a data folder of its own, which opens with its
    /// old passphrase). None when nothing was kept.
    #[serde(default)]
    pub kept_aside: Option<String>,
    /// The backup's header was authenticated (format 2). False for a backup made by 0.2.0 or
    /// before, whose header (dates, version, wrapped keys) no key covers.
    pub header_authenticated: bool,
}

/// The journal of a restore in progress: which files were moved aside, which are coming in.
#[derive(Serialize, Deserialize)]
struct Journal {
    aside: PathBuf,
    staged: PathBuf,
    /// The files moved aside are a store nobody could compare with the backup: once the new
    /// store is in, they stay (never deleted). Absent in journals of older versions.
    #[serde(default)]
    keep_aside: bool,
}

const FILES: &[&str] = &["chisanpo.db", "chisanpo.db-wal", "chisanpo.db-shm", "keyring.json", super::anchor::ANCHOR_FILE];
/// The folder, inside the data folder, where a replaced store that could not be compared with the
/// backup is kept: `previous-store-<UTC time>`.
pub const KEPT_PREFIX: &str = "previous-store-";

fn journal_path(dir: &Path) -> PathBuf {
    dir.join("restore-journal.json")
}

/// A restore (or the finishing of one) in this process: the app's unlock waits for the app's
/// own restore instead of undoing it halfway. Other processes are kept out by [`InstanceLock`].
static REPLACING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A folder named in a journal, as a folder of `dir` itself: only its last component is used, and
/// only if it is one of the names a restore makes. A journal that names anything else (another
/// folder, `..`, a path elsewhere on the disk) was not written by a restore and is not followed:
/// nothing outside the data folder is ever moved or deleted on its word.
fn confined(dir: &Path, named: &Path) -> Option<PathBuf> {
    let name = named.file_name()?.to_str()?;
    let ours = [".restore-incoming-", ".restore-previous-", KEPT_PREFIX]
        .iter()
        .any(|prefix| name.strip_prefix(prefix).is_some_and(|stamp| !stamp.is_empty() && stamp.chars().all(|c| c.is_ascii_alphanumeric())));
    ours.then(|| dir.join(name))
}

/// Finish or undo a restore a crash interrupted. Called before a store is opened. When there is
/// one to finish, it takes the data folder's instance lock first: `Error::StoreInUse` while
/// another process (a `chisanpo restore` in progress) holds it.
pub fn recover_interrupted_restore(dir: &Path) -> Result<()> {
    if !journal_path(dir).exists() {
        return Ok(());
    }
    let _lock = InstanceLock::acquire(dir)?;
    let _one = REPLACING.lock().unwrap_or_else(|e| e.into_inner());
    recover_journal(dir)
}

/// The work of [`recover_interrupted_restore`], under the lock.
fn recover_journal(dir: &Path) -> Result<()> {
    let jp = journal_path(dir);
    let Ok(text) = fs::read_to_string(&jp) else { return Ok(()) };
    let damaged = || {
        Error::Integrity(
            "復元の記録（restore-journal.json）が壊れているか、データフォルダの外を指しています。何も移動していません。データフォルダを確認してください。"
                .into(),
        )
    };
    let Ok(j) = serde_json::from_str::<Journal>(&text) else {
        return Err(damaged());
    };
    let (Some(aside), Some(staged)) = (confined(dir, &j.aside), confined(dir, &j.staged)) else {
        return Err(damaged());
    };
    let staged_left = staged.join("chisanpo.db").exists();
    if staged_left {
        // The new store never fully arrived: put every moved file back. A store file with no
        // copy aside came in with the backup (or from the failed open of the new store): the
        // old store did not have it, so it goes (an anchor or keyring the old store never had
        // would make it unusable).
        for f in FILES {
            let moved = aside.join(f);
            if moved.exists() {
                let _ = fs::remove_file(dir.join(f));
                fs::rename(&moved, dir.join(f))?;
            } else if dir.join(f).exists() {
                fs::remove_file(dir.join(f))?;
            }
        }
        let _ = fs::remove_dir_all(&staged);
        let _ = fs::remove_dir_all(&aside);
    } else {
        // The new store is in place: only the cleanup was left. A store that could not be
        // compared with the backup is kept where it was moved.
        let _ = fs::remove_dir_all(&staged);
        if !j.keep_aside {
            let _ = fs::remove_dir_all(&aside);
        }
    }
    fs::remove_file(&jp)?;
    Ok(())
}

/// Check a backup file on its own: structure, hash, key, integrity, audit chain and count.
/// Returns the header and the path of the verified database, extracted into `staged`.
fn verify_into(file: &Path, secret: &Secret, staged: &Path) -> Result<(BackupHeader, Keyring, DataKey)> {
    let mut f = BufReader::new(File::open(file).map_err(|_| Error::File { path: file.display().to_string(), source: None })?);
    let ReadHeader { header, json, tag } = header_of(&mut f)?;
    let ring = header.keyring.clone().ok_or_else(|| invalid("鍵の情報がありません"))?;
    if ring.store_id != header.store_id {
        return Err(invalid("見出しと鍵が一致しません"));
    }
    fs::create_dir_all(staged)?;
    let db = staged.join("chisanpo.db");
    {
        let mut out = super::private::create_file(&db)?;
        let copied = std::io::copy(&mut f.by_ref().take(header.db_len), &mut out)?;
        if copied != header.db_len {
            return Err(invalid("データが途中で切れています"));
        }
        if f.read(&mut [0u8; 1])? != 0 {
            return Err(invalid("データの後ろに余分なバイトがあります"));
        }
        out.sync_all()?;
    }
    crate::progress::checkpoint()?;
    if sha256_file(&db)? != header.db_sha256 {
        return Err(invalid("データのハッシュが見出しと一致しません（ファイルが変更されています）"));
    }
    let key = ring.unlock_secret(secret)?;
    if let Some(tag) = tag {
        header_mac(&key, &json)
            .verify_slice(&tag)
            .map_err(|_| invalid("見出しが、このストアの鍵で作られたときと一致しません（作成日時・版・鍵の情報などが書き換えられています）"))?;
    }
    crate::progress::checkpoint()?;
    let conn = super::open_file(&db, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|_| invalid("データベースを開けません"))?;
    super::apply_key(&conn, &key)?;
    integrity(&conn).map_err(|e| match e {
        Error::BackupInvalid { .. } => e,
        _ => invalid("鍵が合わないか、データが壊れています"),
    })?;
    // A format-1 header over a database this version wrote (it was anchored, which 0.2.0 never
    // did): the checksum and HMAC were stripped to skip them. The database is authenticated by
    // the data key, so it tells.
    if tag.is_none() {
        let anchored: bool = conn
            .query_row("SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)", [super::anchor::ANCHORED_SINCE], |r| r.get(0))
            .map_err(|_| invalid("データベースを読めません"))?;
        if anchored {
            return Err(invalid("見出しが古い形式に書き換えられています（この版で作ったバックアップには見出しの検証が付いています）"));
        }
    }
    let store_id: String =
        conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get(0)).map_err(|_| invalid("ストアの識別子がありません"))?;
    if store_id != header.store_id {
        return Err(invalid("見出しとデータのストアが一致しません"));
    }
    let (records, entries, last) = facts(&conn, &store_id).map_err(|e| invalid(&e.to_string()))?;
    if records != header.record_count || entries != header.audit_entries || last != header.audit_last_hash {
        return Err(invalid("記録数または監査ログが見出しと一致しません"));
    }
    drop(conn);
    ring.save(&staged.join("keyring.json"))?;
    Ok((header, ring, key))
}

/// How many records of the live store the backup would lose: missing ones, and ones it holds
/// only in an older version. None when the live store cannot be opened with the same secret.
fn would_lose(dir: &Path, secret: &Secret, staged_db: &Path, backup_key: &DataKey, backup_store: &str) -> Option<i64> {
    let paths = StorePaths::new(dir);
    if !paths.db().exists() {
        return Some(0);
    }
    let ring = Keyring::load(&paths.keyring()).ok()?;
    let key = ring.unlock_secret(secret).ok()?;
    let live = connect(&paths.db(), &key, false, true).ok()?;
    if ring.store_id != backup_store {
        return live.query_row("SELECT count(*) FROM records", [], |r| r.get(0)).ok();
    }
    live.execute("ATTACH DATABASE ?1 AS b KEY ?2", rusqlite::params![staged_db.display().to_string(), backup_key.pragma_value().as_str()]).ok()?;
    live.query_row(
        "SELECT count(*) FROM main.records m LEFT JOIN b.records r ON r.id = m.id WHERE r.id IS NULL OR m.version > r.version OR (m.draft IS NOT NULL AND r.draft IS NULL)",
        [],
        |r| r.get(0),
    )
    .ok()
}

/// Restore `file` into the store folder `dir`. The backup is checked on its own first; if it
/// would lose records of the live store, `confirm_loss` must be true.
pub fn restore(dir: &Path, file: &Path, secret: &Secret, confirm_loss: bool) -> Result<RestoreReport> {
    super::private::create_dir(dir).map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
    // No other process may use the folder while its store is replaced: the app's later writes
    // would be lost (ADR 0019). In the app this is the lock it holds already.
    let _lock = InstanceLock::acquire(dir)?;
    let _one = REPLACING.lock().unwrap_or_else(|e| e.into_inner());
    recover_journal(dir)?;
    let stamp = chrono::Utc::now().format("%Y%m%d%H%M%S%3f").to_string();
    let staged = dir.join(format!(".restore-incoming-{stamp}"));
    crate::progress::step("バックアップを確かめています", 0, 2);
    let checked = verify_into(file, secret, &staged).and_then(|x| {
        crate::progress::step("バックアップを確かめています", 1, 2);
        crate::progress::checkpoint().map(|()| x)
    });
    let (header, _ring, key) = match checked {
        Ok(x) => x,
        Err(e) => {
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
    };
    let lost = would_lose(dir, secret, &staged.join("chisanpo.db"), &key, &header.store_id);
    // A store the backup cannot be compared with (another passphrase, damaged) is never deleted:
    // confirmed, it is moved into a folder of its own and kept (see ADR 0016).
    let (lost, keep_aside) = match (lost, confirm_loss) {
        (Some(0), _) => (0, false),
        (Some(n), true) => (n, false),
        (Some(n), false) => {
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::RestoreWouldLose { lost: n });
        }
        (None, true) => (-1, true),
        (None, false) => {
            let _ = fs::remove_dir_all(&staged);
            return Err(Error::RestoreUnverifiable);
        }
    };
    // Until here nothing of the live store was touched: 中止 leaves it as it was.
    if let Err(e) = crate::progress::checkpoint() {
        let _ = fs::remove_dir_all(&staged);
        return Err(e);
    }
    crate::progress::no_longer_cancellable();
    crate::progress::step("ストアを置き換えています", 1, 2);
    let aside = if keep_aside { dir.join(format!("{KEPT_PREFIX}{stamp}")) } else { dir.join(format!(".restore-previous-{stamp}")) };
    // Swap under a journal: move the live files aside, move the checked ones in.
    fs::create_dir_all(&aside)?;
    let journal = Journal { aside: aside.clone(), staged: staged.clone(), keep_aside };
    atomic::write_file(&journal_path(dir), &serde_json::to_vec(&journal).expect("journal serialises"))?;
    for f in FILES {
        let live = dir.join(f);
        if live.exists() {
            fs::rename(&live, aside.join(f))?;
        }
    }
    // The restored database comes with its own anchor (ADR 0020), moved in before the database,
    // whose arrival is what makes the restore happen: cut off before it, the old files and
    // their anchor go back; after it, the new store has its anchor.
    let head = super::anchor::AuditHead { seq: header.audit_entries, hash: header.audit_last_hash.clone() };
    super::anchor::save(&staged, &key, &header.store_id, &super::anchor::moved(None, head))?;
    fs::rename(staged.join(super::anchor::ANCHOR_FILE), dir.join(super::anchor::ANCHOR_FILE))?;
    fs::rename(staged.join("keyring.json"), dir.join("keyring.json"))?;
    fs::rename(staged.join("chisanpo.db"), dir.join("chisanpo.db"))?;
    // The new store must open before the old one is let go.
    let opened = Store::open_secret(dir, secret, Action::Restore);
    match opened {
        Ok(store) => {
            // The anchor follows the restore's own entry.
            store.log_output(
                Action::Restore,
                store.store_id(),
                serde_json::json!({ "backup_created_at": header.created_at, "records": header.record_count }),
            )?;
            drop(store);
            let _ = fs::remove_dir_all(&staged);
            if !keep_aside {
                let _ = fs::remove_dir_all(&aside);
            }
            fs::remove_file(journal_path(dir))?;
            Ok(RestoreReport {
                record_count: header.record_count,
                backup_created_at: header.created_at,
                lost_records: lost,
                kept_aside: keep_aside.then(|| aside.display().to_string()),
                header_authenticated: header.format == FORMAT,
            })
        }
        Err(e) => {
            // Put the old store back: the new database goes back to the staging folder first
            // (its presence there is what tells the journal to undo). Should that fail, the
            // journal is left for the next open and nothing is deleted now.
            fs::rename(dir.join("chisanpo.db"), staged.join("chisanpo.db"))?;
            recover_journal(dir)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, PASS};
    use super::super::{ListFilter, Passphrase, RecordSummary, RecoveryKey};
    use super::*;

    fn pass() -> Secret {
        Secret::Passphrase(Passphrase::new(PASS))
    }

    fn listing(s: &Store) -> Vec<RecordSummary> {
        s.list_records(&ListFilter::default()).unwrap()
    }

    /// A store with `records` demo records, backed up to `b.chisanpo-backup` and closed: the
    /// temporary folder, the data folder and the backup.
    fn backed_up(records: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, records, 1).unwrap();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        let dir = s.dir().to_path_buf();
        drop(s);
        (tmp, dir, file)
    }

    fn files_hash(dir: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file() && e.file_name() != super::super::instance::LOCK_FILE)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), sha256_file(&e.path()).unwrap()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn round_trip_through_a_destroyed_store() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 150, 3).unwrap();
        let before = listing(&s);
        let file = tmp.path().join("b.chisanpo-backup");
        let info = s.backup(&file).unwrap();
        assert_eq!(info.header.record_count, 150);
        let dir = s.dir().to_path_buf();
        drop(s);
        fs::remove_dir_all(&dir).unwrap();
        let report = restore(&dir, &file, &pass(), false).unwrap();
        assert_eq!(report.record_count, 150);
        assert_eq!(report.lost_records, 0);
        let s = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
        assert_eq!(listing(&s), before);
        assert!(s.verify_local().unwrap().ok);
        // Nothing of the restore is left lying around.
        let names: Vec<String> = fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| !n.starts_with(".restore") && n != "restore-journal.json"), "{names:?}");
    }

    #[test]
    fn the_backup_file_is_not_plaintext() {
        let (tmp, s) = testing::store();
        s.add_workplace(&crate::domain::Workplace { name: "鷲尾製作所".into(), kana: "ワシオ".into(), ..Default::default() }).unwrap();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        let bytes = fs::read(&file).unwrap();
        assert!(bytes.starts_with(MAGIC));
        for needle in ["SQLite format 3".as_bytes(), "鷲尾".as_bytes(), "ワシオ".as_bytes(), "産業".as_bytes()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{:?} is readable in the backup", String::from_utf8_lossy(needle));
        }
    }

    #[test]
    fn a_changed_byte_is_refused_and_the_live_store_is_untouched() {
        let (tmp, dir, file) = backed_up(40);
        let live_before = files_hash(&dir);
        let good = fs::read(&file).unwrap();
        let header_len = 20 + u32::from_le_bytes(good[16..20].try_into().unwrap()) as usize;
        for offset in [3, 25, header_len + 10, header_len + 5000, good.len() - 1] {
            let mut bad = good.clone();
            bad[offset] ^= 0x01;
            let bad_file = tmp.path().join("bad.chisanpo-backup");
            fs::write(&bad_file, &bad).unwrap();
            let err = restore(&dir, &bad_file, &pass(), true).unwrap_err();
            assert!(matches!(err, Error::BackupInvalid { .. }), "offset {offset}: {err}");
            assert_eq!(files_hash(&dir), live_before, "offset {offset}: the live store changed");
        }
        // Truncated and foreign files too.
        fs::write(tmp.path().join("short"), &good[..good.len() / 2]).unwrap();
        assert!(matches!(restore(&dir, &tmp.path().join("short"), &pass(), true), Err(Error::BackupInvalid { .. })));
        fs::write(tmp.path().join("foreign"), b"SQLite format 3\0 and more").unwrap();
        assert!(matches!(restore(&dir, &tmp.path().join("foreign"), &pass(), true), Err(Error::BackupInvalid { .. })));
        assert_eq!(files_hash(&dir), live_before);
    }

    /// A backup file cut into its header JSON, the header's checksum and HMAC, and the database.
    fn parts(bytes: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let len = u32::from_le_bytes(bytes[16..20].try_into().unwrap()) as usize;
        let json = bytes[20..20 + len].to_vec();
        (json, bytes[20 + len..20 + len + 64].to_vec(), bytes[20 + len + 64..].to_vec())
    }

    fn assemble(json: &[u8], trailer: &[u8], db: &[u8]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend((json.len() as u32).to_le_bytes());
        out.extend(json);
        out.extend(trailer);
        out.extend(db);
        out
    }

    /// The review's measurement: one byte changed in the header (the recovery wrap's nonce,
    /// `created_at`, `app_version`) was restored without a word, and a changed passphrase wrap
    /// said 「パスフレーズが違います」. Every byte of the header is now covered: damage is named
    /// before any key is tried, and a change made with the checksum recomputed (by someone
    /// without the key) is refused once the key is known. The live store never changes.
    #[test]
    fn every_byte_of_the_header_is_covered_and_each_refusal_names_the_damage() {
        let (tmp, dir, file) = backed_up(8);
        let live_before = files_hash(&dir);
        let good = fs::read(&file).unwrap();
        let (json, trailer, db) = parts(&good);
        let text = String::from_utf8(json.clone()).unwrap();
        let bad_file = tmp.path().join("bad.chisanpo-backup");
        let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}")) + needle.len();
        for (what, offset) in [
            ("created_at", at("\"created_at\":\"") + 3),
            ("app_version", at("\"app_version\":\"")),
            ("recovery nonce", at("\"recovery\":{\"nonce\":\"") + 2),
            ("passphrase nonce", at("\"passphrase\":{\"nonce\":\"") + 2),
        ] {
            let mut changed = json.clone();
            changed[offset] = if changed[offset] == b'1' { b'2' } else { b'1' };
            assert_ne!(changed, json, "{what}");
            // Damage: the checksum no longer matches. Named, before any key.
            fs::write(&bad_file, assemble(&changed, &trailer, &db)).unwrap();
            let err = restore(&dir, &bad_file, &pass(), true).unwrap_err();
            let m = err.to_string();
            assert!(matches!(err, Error::BackupInvalid { .. }) && m.contains("見出しが壊れています") && !m.contains("パスフレーズが違います"), "{what}: {m}");
            assert_eq!(files_hash(&dir), live_before, "{what}: the live store changed");
            // A change by someone without the key, checksum recomputed: the HMAC refuses it. (A
            // changed passphrase wrap no longer opens with the passphrase at all.)
            let mut forged_trailer = trailer.clone();
            forged_trailer[..32].copy_from_slice(&sha2::Sha256::digest(&changed));
            fs::write(&bad_file, assemble(&changed, &forged_trailer, &db)).unwrap();
            let err = restore(&dir, &bad_file, &pass(), true).unwrap_err();
            let m = err.to_string();
            if what == "passphrase nonce" {
                assert!(matches!(err, Error::WrongPassphrase), "{what}: {m}");
            } else {
                assert!(matches!(err, Error::BackupInvalid { .. }) && m.contains("書き換えられています"), "{what}: {m}");
            }
            assert_eq!(files_hash(&dir), live_before, "{what}: the live store changed");
        }
        // The checksum or the tag itself damaged.
        for i in [0, 40] {
            let mut t = trailer.clone();
            t[i] ^= 0x80;
            fs::write(&bad_file, assemble(&json, &t, &db)).unwrap();
            assert!(matches!(restore(&dir, &bad_file, &pass(), true), Err(Error::BackupInvalid { .. })), "trailer byte {i}");
        }
        assert_eq!(files_hash(&dir), live_before);
        let report = restore(&dir, &file, &pass(), true).unwrap();
        assert!(report.header_authenticated);
    }

    /// `verify` takes the newest backup's word only from a header its HMAC vouches for: a header
    /// edited to look newest (checksum recomputed, no key) is passed over.
    #[test]
    fn only_an_authentic_header_counts_as_the_newest_backup() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 3, 1).unwrap();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        assert!(s.authentic_header(&file).is_some());
        let (json, trailer, db) = parts(&fs::read(&file).unwrap());
        let edited = String::from_utf8(json).unwrap().replacen("\"created_at\":\"20", "\"created_at\":\"29", 1).into_bytes();
        let mut forged_trailer = trailer.clone();
        forged_trailer[..32].copy_from_slice(&sha2::Sha256::digest(&edited));
        let forged = tmp.path().join("forged.chisanpo-backup");
        fs::write(&forged, assemble(&edited, &forged_trailer, &db)).unwrap();
        assert!(read_header(&forged).is_ok(), "the forged header reads");
        assert!(s.authentic_header(&forged).is_none(), "but is not taken");
        assert!(s.gap_to_backup(&forged).unwrap().is_none());
    }

    /// A backup file rewritten in format 1 (no checksum, no HMAC).
    fn as_format_1(file: &Path, to: &Path) {
        let (json, _, db) = parts(&fs::read(file).unwrap());
        let old_json = String::from_utf8(json).unwrap().replacen("\"format\":2", "\"format\":1", 1);
        assert!(old_json.starts_with("{\"format\":1"), "{old_json}");
        fs::write(to, assemble(old_json.as_bytes(), &[], &db)).unwrap();
    }

    /// A backup made by 0.2.0 (format 1: no checksum, no HMAC, a database never anchored) still
    /// restores, reported as unauthenticated: upgrades keep every record, and old backups stay
    /// usable. A backup this version made, rewritten as format 1 to skip the checks, is refused.
    #[test]
    fn a_format_1_backup_from_the_previous_release_still_restores_and_a_downgraded_one_does_not() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 6, 1).unwrap();
        let before = listing(&s);
        let dir = s.dir().to_path_buf();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        let downgraded = tmp.path().join("downgraded.chisanpo-backup");
        as_format_1(&file, &downgraded);
        let live_before = files_hash(&dir);
        let err = restore(&dir, &downgraded, &pass(), true).unwrap_err();
        assert!(matches!(&err, Error::BackupInvalid { reason } if reason.contains("古い形式に書き換えられて")), "{err}");
        assert_eq!(files_hash(&dir), live_before);
        // As 0.2.0 made them: a database with no anchor mark.
        let raw = super::super::raw_connection(&dir, &Passphrase::new(PASS)).unwrap();
        raw.execute("DELETE FROM meta WHERE key = ?1", [super::super::anchor::ANCHORED_SINCE]).unwrap();
        drop(raw);
        s.backup(&file).unwrap();
        drop(s);
        let old = tmp.path().join("old.chisanpo-backup");
        as_format_1(&file, &old);
        let report = restore(&dir, &old, &pass(), true).unwrap();
        assert!(!report.header_authenticated);
        assert_eq!(listing(&Store::open(&dir, &Passphrase::new(PASS)).unwrap()), before);
    }

    #[test]
    fn an_older_backup_asks_before_losing_records() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 30, 1).unwrap();
        let file = tmp.path().join("old.chisanpo-backup");
        s.backup(&file).unwrap();
        crate::demo::generate(&s, 7, 2).unwrap();
        let dir = s.dir().to_path_buf();
        drop(s);
        let err = restore(&dir, &file, &pass(), false).unwrap_err();
        assert!(matches!(err, Error::RestoreWouldLose { lost: 7 }), "{err}");
        assert!(err.to_string().contains("7件"));
        let report = restore(&dir, &file, &pass(), true).unwrap();
        assert_eq!(report.lost_records, 7);
        let s = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
        assert_eq!(s.record_count().unwrap(), 30);
        assert!(s.verify_local().unwrap().ok);
    }

    #[test]
    fn the_recovery_key_restores_too_and_a_wrong_one_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let (s, rk) = Store::init_with(&dir, &Passphrase::new(PASS), &testing::doctor(), super::super::KdfParams::MINIMUM).unwrap();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        drop(s);
        fs::remove_dir_all(&dir).unwrap();
        let wrong = restore(&dir, &file, &Secret::Recovery(RecoveryKey::generate()), false).unwrap_err();
        assert!(matches!(wrong, Error::WrongRecoveryKey), "{wrong}");
        assert!(!dir.join("keyring.json").exists());
        restore(&dir, &file, &Secret::Recovery(rk), false).unwrap();
        assert!(Store::open(&dir, &Passphrase::new(PASS)).is_ok());
    }

    #[test]
    fn a_restore_cut_off_midway_rolls_back_on_the_next_open() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 20, 1).unwrap();
        let before = listing(&s);
        let dir = s.dir().to_path_buf();
        drop(s);
        // Simulate a crash after the live files were moved aside and only the keyring came in.
        let staged = dir.join(".restore-incoming-x");
        let aside = dir.join(".restore-previous-x");
        fs::create_dir_all(&staged).unwrap();
        fs::create_dir_all(&aside).unwrap();
        fs::write(staged.join("chisanpo.db"), b"half a database").unwrap();
        atomic::write_file(&journal_path(&dir), &serde_json::to_vec(&Journal { aside: aside.clone(), staged: staged.clone(), keep_aside: false }).unwrap())
            .unwrap();
        for f in FILES {
            if dir.join(f).exists() {
                fs::rename(dir.join(f), aside.join(f)).unwrap();
            }
        }
        fs::write(dir.join("keyring.json"), b"{}").unwrap();
        let _ = tmp;
        let s = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
        assert_eq!(listing(&s), before);
        assert!(!journal_path(&dir).exists());
        assert!(!staged.exists() && !aside.exists());
    }

    /// The same crash, for an old store that had no anchor yet (made by 0.2.0): the backup's
    /// anchor had come in; undoing the restore removes it instead of leaving the old store with
    /// an anchor that is not its own (which would report it damaged at every unlock).
    #[test]
    fn undoing_a_restore_removes_the_files_the_old_store_did_not_have() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 5, 1).unwrap();
        let before = listing(&s);
        let dir = s.dir().to_path_buf();
        drop(s);
        let raw = super::super::raw_connection(&dir, &Passphrase::new(PASS)).unwrap();
        raw.execute("DELETE FROM meta WHERE key = ?1", [super::super::anchor::ANCHORED_SINCE]).unwrap();
        drop(raw);
        fs::remove_file(dir.join(super::super::anchor::ANCHOR_FILE)).unwrap();
        let (staged, aside) = (dir.join(".restore-incoming-1"), dir.join(".restore-previous-1"));
        fs::create_dir_all(&staged).unwrap();
        fs::create_dir_all(&aside).unwrap();
        fs::write(staged.join("chisanpo.db"), b"half a database").unwrap();
        atomic::write_file(&journal_path(&dir), &serde_json::to_vec(&Journal { aside: aside.clone(), staged, keep_aside: false }).unwrap()).unwrap();
        for f in FILES {
            if dir.join(f).exists() {
                fs::rename(dir.join(f), aside.join(f)).unwrap();
            }
        }
        fs::write(dir.join(super::super::anchor::ANCHOR_FILE), b"{\"the backup's\": \"anchor\"}").unwrap();
        fs::write(dir.join("keyring.json"), b"{}").unwrap();
        let _ = tmp;
        let s = Store::open(&dir, &Passphrase::new(PASS)).unwrap();
        assert_eq!(listing(&s), before);
        assert!(s.anchor_problem().is_none(), "{:?}", s.anchor_problem());
        assert!(s.verify_local().unwrap().ok);
    }

    /// A journal is a file in the data folder anyone with the folder can write. One that names
    /// folders elsewhere on the disk must not make the next open move or delete them.
    #[test]
    fn a_restore_journal_pointing_outside_the_data_folder_is_not_followed() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 3, 1).unwrap();
        let dir = s.dir().to_path_buf();
        drop(s);
        let victim = tmp.path().join("someone-elses-folder");
        fs::create_dir_all(&victim).unwrap();
        fs::write(victim.join("chisanpo.db"), b"not ours").unwrap();
        fs::write(victim.join("keyring.json"), b"not ours either").unwrap();
        let before = files_hash(&dir);
        for (aside, staged) in [
            (victim.clone(), dir.join(".restore-incoming-1")),
            (dir.join(".restore-previous-1"), victim.clone()),
            (dir.join(".restore-previous-1/../../someone-elses-folder"), dir.join(".restore-incoming-1")),
            (dir.join(".."), dir.join(".restore-incoming-1")),
        ] {
            atomic::write_file(&journal_path(&dir), &serde_json::to_vec(&Journal { aside, staged, keep_aside: false }).unwrap()).unwrap();
            let err = Store::open(&dir, &Passphrase::new(PASS)).unwrap_err();
            assert!(matches!(err, Error::Integrity(_)), "{err}");
            assert!(err.to_string().contains("データフォルダの外"), "{err}");
            assert_eq!(fs::read(victim.join("chisanpo.db")).unwrap(), b"not ours");
            assert_eq!(fs::read(victim.join("keyring.json")).unwrap(), b"not ours either");
            fs::remove_file(journal_path(&dir)).unwrap();
            assert_eq!(files_hash(&dir), before, "the store's own files are untouched too");
        }
        // Without the forged journal the store opens as before.
        Store::open(&dir, &Passphrase::new(PASS)).unwrap();
    }

    /// `chisanpo restore` while the app has the folder open (another process holding the
    /// instance lock, here another open file description of the lock file): refused by name,
    /// before the backup is even read, and no byte of the folder changes.
    #[test]
    fn a_restore_while_another_process_holds_the_folder_is_refused() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 4, 1).unwrap();
        let file = tmp.path().join("b.chisanpo-backup");
        s.backup(&file).unwrap();
        let dir = s.dir().to_path_buf();
        drop(s);
        let app = fs::File::options().read(true).write(true).create(true).truncate(false).open(dir.join(super::super::instance::LOCK_FILE)).unwrap();
        app.try_lock().unwrap();
        let before = files_hash(&dir);
        let err = restore(&dir, &file, &pass(), true).unwrap_err();
        assert!(matches!(err, Error::StoreInUse { .. }), "{err}");
        assert_eq!(files_hash(&dir), before);
        assert!(fs::read_dir(&dir).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".restore")));
        // An interrupted restore is not finished by a second process either, while the first holds the folder.
        fs::create_dir_all(dir.join(".restore-incoming-1")).unwrap();
        atomic::write_file(
            &journal_path(&dir),
            &serde_json::to_vec(&Journal { aside: dir.join(".restore-previous-1"), staged: dir.join(".restore-incoming-1"), keep_aside: false }).unwrap(),
        )
        .unwrap();
        assert!(matches!(Store::open(&dir, &Passphrase::new(PASS)).unwrap_err(), Error::StoreInUse { .. }));
        assert!(journal_path(&dir).exists());
        drop(app);
        // Once the other process is gone, the same restore goes through.
        fs::remove_file(journal_path(&dir)).unwrap();
        restore(&dir, &file, &pass(), true).unwrap();
    }

    /// The passer-by's attack: a backup of a store of their own, restored over the live store
    /// with their passphrase. The live store cannot be compared with it; it must survive.
    #[test]
    fn a_store_that_cannot_be_compared_is_kept_never_deleted() {
        let (tmp, live) = testing::store();
        crate::demo::generate(&live, 12, 1).unwrap();
        let before = listing(&live);
        let dir = live.dir().to_path_buf();
        drop(live);
        let other_pass = "よその人のパスフレーズ";
        let (other, _) =
            Store::init_with(&tmp.path().join("other"), &Passphrase::new(other_pass), &testing::doctor(), super::super::KdfParams::MINIMUM).unwrap();
        crate::demo::generate(&other, 5, 2).unwrap();
        let file = tmp.path().join("other.chisanpo-backup");
        other.backup(&file).unwrap();
        drop(other);
        let other_secret = Secret::Passphrase(Passphrase::new(other_pass));

        // Unconfirmed: refused, in Japanese, and not one byte of the live store changes.
        let live_before = files_hash(&dir);
        let err = restore(&dir, &file, &other_secret, false).unwrap_err();
        assert!(matches!(err, Error::RestoreUnverifiable), "{err}");
        assert!(err.to_string().contains("削除せず") && err.to_string().contains("previous-store-"), "{err}");
        assert_eq!(files_hash(&dir), live_before);

        // Confirmed: the backup comes in, and the old store is kept whole in a folder of its own.
        let report = restore(&dir, &file, &other_secret, true).unwrap();
        assert_eq!(report.lost_records, -1);
        let kept = PathBuf::from(report.kept_aside.expect("the uncompared store is kept"));
        assert!(kept.starts_with(&dir) && kept.file_name().unwrap().to_string_lossy().starts_with(KEPT_PREFIX), "{kept:?}");
        assert!(!journal_path(&dir).exists());
        let restored = Store::open(&dir, &Passphrase::new(other_pass)).unwrap();
        assert_eq!(restored.record_count().unwrap(), 5);
        drop(restored);
        // The kept folder is a data folder that opens with the old passphrase, every record intact.
        let old = Store::open(&kept, &Passphrase::new(PASS)).unwrap();
        assert_eq!(listing(&old), before);
        assert!(old.verify_local().unwrap().ok);
    }

    /// A crash after an uncompared store was moved aside and the new one moved in: finishing the
    /// restore on the next open must not delete what was kept.
    #[test]
    fn finishing_an_interrupted_restore_keeps_an_uncompared_store() {
        let (tmp, live) = testing::store();
        crate::demo::generate(&live, 8, 1).unwrap();
        let before = listing(&live);
        let dir = live.dir().to_path_buf();
        drop(live);
        let other_pass = "よその人のパスフレーズ";
        let other_dir = tmp.path().join("other");
        let (other, _) = Store::init_with(&other_dir, &Passphrase::new(other_pass), &testing::doctor(), super::super::KdfParams::MINIMUM).unwrap();
        crate::demo::generate(&other, 3, 2).unwrap();
        drop(other);
        let aside = dir.join(format!("{KEPT_PREFIX}x"));
        let staged = dir.join(".restore-incoming-x");
        fs::create_dir_all(&aside).unwrap();
        fs::create_dir_all(&staged).unwrap();
        atomic::write_file(&journal_path(&dir), &serde_json::to_vec(&Journal { aside: aside.clone(), staged: staged.clone(), keep_aside: true }).unwrap())
            .unwrap();
        for f in FILES {
            if dir.join(f).exists() {
                fs::rename(dir.join(f), aside.join(f)).unwrap();
            }
            if other_dir.join(f).exists() {
                fs::rename(other_dir.join(f), dir.join(f)).unwrap();
            }
        }
        let s = Store::open(&dir, &Passphrase::new(other_pass)).unwrap();
        assert_eq!(s.record_count().unwrap(), 3);
        assert!(!journal_path(&dir).exists() && !staged.exists());
        let old = Store::open(&aside, &Passphrase::new(PASS)).unwrap();
        assert_eq!(listing(&old), before);
    }

    #[test]
    fn backups_run_while_the_app_writes() {
        let (tmp, s) = testing::store();
        crate::demo::generate(&s, 50, 1).unwrap();
        let s = std::sync::Arc::new(s);
        let writer = {
            let s = s.clone();
            std::thread::spawn(move || crate::demo::generate(&s, 300, 9).unwrap())
        };
        let info = s.backup(&tmp.path().join("during.chisanpo-backup")).unwrap();
        writer.join().unwrap();
        assert!(info.header.record_count >= 50 && info.header.record_count <= 350, "{}", info.header.record_count);
        // The copy is consistent on its own.
        let dir2 = tmp.path().join("restored");
        restore(&dir2, &tmp.path().join("during.chisanpo-backup"), &pass(), false).unwrap();
        let r = Store::open(&dir2, &Passphrase::new(PASS)).unwrap();
        assert!(r.verify_local().unwrap().ok);
        assert_eq!(r.record_count().unwrap(), info.header.record_count);
    }

    #[test]
    fn when_backups_are_due_and_stale() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z").unwrap().with_timezone(&chrono::Utc);
        let s =
            |folder: Option<&str>, last: Option<&str>| BackupSettings { folder: folder.map(str::to_string), keep: 7, last_backup_at: last.map(str::to_string) };
        let cases = [
            (s(None, None), false, true),
            (s(Some("/b"), None), true, true),
            (s(Some("/b"), Some("2026-11-22T01:00:00Z")), false, false),
            (s(Some("/b"), Some("2026-11-21T12:00:00Z")), true, false),
            (s(Some("/b"), Some("2026-11-15T11:59:00Z")), true, true),
            (s(Some("/b"), Some("not a time")), true, true),
        ];
        for (settings, due, stale) in cases {
            assert_eq!(settings.due(now), due, "{settings:?}");
            assert_eq!(settings.stale(now), stale, "{settings:?}");
        }
    }

    #[test]
    fn backup_settings_are_checked_and_auto_backup_follows_them() {
        let (tmp, s) = testing::store();
        assert_eq!(s.auto_backup(false).unwrap().map(|i| i.path), None, "no folder, no backup");
        assert!(matches!(s.set_backup_settings("relative/path", 7), Err(Error::Invalid(_))));
        assert!(matches!(s.set_backup_settings("/tmp", 0), Err(Error::Invalid(_))));
        let folder = tmp.path().join("auto");
        s.set_backup_settings(folder.to_str().unwrap(), 2).unwrap();
        assert!(s.auto_backup(false).unwrap().is_some(), "never backed up: due");
        assert!(s.auto_backup(false).unwrap().is_none(), "just backed up: not due");
        assert!(s.auto_backup(true).unwrap().is_some(), "on quit: always");
        let settings = s.backup_settings().unwrap();
        assert_eq!(settings.keep, 2);
        assert!(!settings.stale(chrono::Utc::now()));
    }

    #[test]
    fn automatic_backups_keep_n_generations_and_nothing_else_is_touched() {
        let (tmp, s) = testing::store();
        let folder = tmp.path().join("backups");
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("notes.txt"), b"keep me").unwrap();
        for i in 0..4 {
            fs::write(folder.join(format!("chisanpo-2020010{i}-000000.{EXTENSION}")), b"old").unwrap();
        }
        s.backup_to_folder(&folder, 3).unwrap();
        let mut names: Vec<String> = fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.contains(&"notes.txt".to_string()));
        assert!(!names.contains(&format!("chisanpo-20200100-000000.{EXTENSION}")));
        assert!(s.setting("last_backup_at").unwrap().is_some());
    }
}
