//! Files only the user can read: on Unix the data folder is created 0700 and the keyring, the
//! database (with its `-wal` and `-shm`, which SQLite creates with the database's mode) and the
//! backups 0600, whatever the umask. Elsewhere (Windows) the user's profile folder already
//! limits access; these functions then do what `std::fs` does.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;

/// The mode of the data folder and of the folders inside it.
pub const DIR_MODE: u32 = 0o700;
/// The mode of the keyring, the database and the backups.
pub const FILE_MODE: u32 = 0o600;

/// Create `dir` (and its missing parents) readable by the user only, and make `dir` itself
/// 0700 if it already existed with a wider mode.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)?;
    restrict(dir)
}

/// Options that create a file readable and writable by the user only.
pub fn options() -> OpenOptions {
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o
}

/// `File::create`, but readable by the user only (an existing file is narrowed too).
pub fn create_file(path: &Path) -> io::Result<File> {
    let f = options().write(true).create(true).truncate(true).open(path)?;
    restrict(path)?;
    Ok(f)
}

/// Create an empty file readable by the user only, if there is none yet (before SQLite opens
/// it: SQLite takes an empty file as a new database, and gives its `-wal` and `-shm` files the
/// database's mode).
pub fn touch(path: &Path) -> io::Result<()> {
    match options().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Narrow an existing file to 0600, or a folder to 0700 (stores made before this was done).
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path)?;
        let want = if meta.is_dir() { DIR_MODE } else { FILE_MODE };
        if meta.permissions().mode() & 0o777 != want {
            fs::set_permissions(path, fs::Permissions::from_mode(want))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Narrow a store's folder and files, for a store made by an older version (best effort: a
/// file that is missing is skipped).
pub fn restrict_store(dir: &Path) {
    let _ = restrict(dir);
    for f in ["keyring.json", "chisanpo.db", "chisanpo.db-wal", "chisanpo.db-shm"] {
        let p = dir.join(f);
        if p.exists() {
            let _ = restrict(&p);
        }
    }
}

/// The permission bits of a path (Unix), for tests and `verify`.
#[cfg(unix)]
pub fn mode(path: &Path) -> io::Result<u32> {
    use std::os::unix::fs::PermissionsExt;
    Ok(fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Under the most open umask, what these functions create is still private.
    #[test]
    fn folders_and_files_are_private_whatever_the_umask() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b/data");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir).unwrap(), DIR_MODE);
        let f = dir.join("x");
        create_file(&f).unwrap();
        assert_eq!(mode(&f).unwrap(), FILE_MODE);
        let t = dir.join("y");
        touch(&t).unwrap();
        assert_eq!(mode(&t).unwrap(), FILE_MODE);
        // An existing, wider folder and file are narrowed.
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        create_dir(&dir).unwrap();
        restrict(&f).unwrap();
        assert_eq!((mode(&dir).unwrap(), mode(&f).unwrap()), (DIR_MODE, FILE_MODE));
    }
}
