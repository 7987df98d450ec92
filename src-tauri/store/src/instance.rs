//! One process at a time may replace a data folder's store (ADR 0019).
//!
//! The app holds the lock `<data folder>/chisanpo.lock` from its start to its exit, and a restore
//! (`chisanpo restore`, or the app's own) or the finishing of an interrupted restore takes it
//! before it moves a file. So `chisanpo restore` run while the app is open is refused instead of
//! swapping the store under the app (which would lose the app's later writes), and a second app
//! on the same folder is refused instead of emptying the first one's print spool.
//!
//! The lock is the operating system's file lock (`flock` on Unix, `LockFileEx` on Windows): it
//! goes with the process, so a crash or a kill never leaves a folder locked. Within one process
//! the lock is shared: the app's own restore runs under the lock the app already holds.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use crate::error::{Error, Result};

/// The lock file's name in the data folder. It holds nothing; only the lock on it matters.
pub const LOCK_FILE: &str = "chisanpo.lock";

/// Held by this process, per data folder (canonical path).
static HELD: Mutex<Vec<(PathBuf, Weak<Held>)>> = Mutex::new(Vec::new());

struct Held {
    /// The locked file: closing it releases the lock.
    _file: File,
}

/// Proof that this process holds a data folder's instance lock. Clones share the lock, which is
/// released when the last one is dropped.
#[derive(Clone)]
pub struct InstanceLock {
    _held: Arc<Held>,
    dir: PathBuf,
}

impl std::fmt::Debug for InstanceLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceLock").field("dir", &self.dir).finish()
    }
}

impl InstanceLock {
    /// Take the lock of the data folder `dir` (created, private, if missing), or share it if this
    /// process holds it already. `Error::StoreInUse` when another process holds it.
    pub fn acquire(dir: &Path) -> Result<InstanceLock> {
        super::ensure_private_dir(dir)?;
        let canonical = dir.canonicalize().map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        held.retain(|(_, w)| w.strong_count() > 0);
        if let Some(h) = held.iter().find(|(p, _)| *p == canonical).and_then(|(_, w)| w.upgrade()) {
            return Ok(InstanceLock { _held: h, dir: canonical });
        }
        let path = canonical.join(LOCK_FILE);
        let file = super::private::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|_| Error::DirNotWritable { dir: dir.display().to_string() })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::StoreInUse { dir: dir.display().to_string() }),
            Err(std::fs::TryLockError::Error(_)) => return Err(Error::DirNotWritable { dir: dir.display().to_string() }),
        }
        let h = Arc::new(Held { _file: file });
        held.push((canonical.clone(), Arc::downgrade(&h)));
        Ok(InstanceLock { _held: h, dir: canonical })
    }

    /// The data folder this lock is for (canonical).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_is_shared_in_a_process_and_released_with_the_last_holder() {
        let dir = tempfile::tempdir().unwrap();
        let a = InstanceLock::acquire(dir.path()).unwrap();
        let b = InstanceLock::acquire(dir.path()).unwrap();
        assert!(Arc::ptr_eq(&a._held, &b._held));
        // Another open file description of the lock file cannot take it while it is held.
        let other = File::options().read(true).write(true).open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)));
        drop(a);
        assert!(matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)), "still held by b");
        drop(b);
        other.try_lock().expect("released once the last holder is gone");
        // While `other` (standing for another process) holds it, acquiring is refused by name.
        let e = InstanceLock::acquire(dir.path()).unwrap_err();
        assert_eq!(e.code(), "store_in_use");
        assert!(e.to_string().contains("終了してから"), "{e}");
    }

    #[test]
    fn a_missing_data_folder_is_created_private() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("new");
        let lock = InstanceLock::acquire(&dir).unwrap();
        assert!(dir.join(LOCK_FILE).exists());
        assert_eq!(lock.dir(), dir.canonicalize().unwrap());
    }
}
