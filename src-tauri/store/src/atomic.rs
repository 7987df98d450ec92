//! Atomic file writes: a temporary file beside the target, fsynced, then renamed over it.
//! A crash leaves either the old file or the new one, never half of one.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

fn temp_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nonce: u64 = rand::random();
    target.with_file_name(format!(".{name}.{nonce:016x}.tmp"))
}

fn file_error(path: &Path, e: std::io::Error) -> Error {
    match Error::from(e) {
        Error::DiskFull => Error::DiskFull,
        _ => Error::File { path: path.display().to_string(), source: None },
    }
}

/// Write `bytes` to `target` atomically.
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<()> {
    write_with(target, |f| f.write_all(bytes))
}

/// Write to `target` atomically through a writer callback.
pub fn write_with(target: &Path, write: impl FnOnce(&mut File) -> std::io::Result<()>) -> Result<()> {
    let tmp = temp_path(target);
    let result = (|| {
        // 0600 on Unix: the keyring, backups and outputs hold what only the user may read.
        let mut f = super::private::options().write(true).create_new(true).open(&tmp)?;
        write(&mut f)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, target)?;
        sync_dir(target);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(file_error(target, e));
    }
    Ok(())
}

/// Make the rename itself durable. Directories cannot be opened for sync on Windows; there the
/// rename is already durable once it returns.
fn sync_dir(target: &Path) {
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        if let Ok(d) = File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir }) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = target;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_leave_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_file(&p, b"first").unwrap();
        write_file(&p, b"second").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_full_disk_is_reported_as_such_and_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("backup.chisanpo-backup");
        write_file(&p, b"yesterday").unwrap();
        // ENOSPC in the middle of the copy, as a full disk gives it.
        let r = write_with(&p, |f| {
            f.write_all(b"half of today")?;
            Err(std::io::Error::from_raw_os_error(28))
        });
        assert!(matches!(r, Err(Error::DiskFull)), "{r:?}");
        assert!(r.unwrap_err().to_string().contains("空き容量"));
        assert_eq!(fs::read(&p).unwrap(), b"yesterday");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_written_readable_by_the_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keyring.json");
        write_file(&p, b"{}").unwrap();
        assert_eq!(super::super::private::mode(&p).unwrap(), 0o600);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        write_file(&p, b"good").unwrap();
        let r = write_with(&p, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(r.is_err());
        assert_eq!(fs::read(&p).unwrap(), b"good");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
