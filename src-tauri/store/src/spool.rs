//! The print spool: a private folder inside the data folder (`print-spool`, 0700 on Unix) where
//! the PDFs made for printing are written (0600), one file name per print that names no person.
//! The system's viewer opens them from there to print. They are removed when the app locks,
//! quits or starts, and when records are destroyed by retention (ADR 0017), so a printout
//! leaves no plaintext on disk once it is used. A copy elsewhere is an explicit choice of the
//! user (「PDFを保存…」), written where the save dialog said, and recorded in the audit log.

use std::fs;
use std::path::{Path, PathBuf};

use super::{private, Store};
use crate::error::{Error, Result};

/// The spool's folder name inside the data folder.
pub const SPOOL_DIR: &str = "print-spool";

/// The print spool of one data folder.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// The spool of the store in `data_dir` (nothing is created until a print).
    pub fn in_data_dir(data_dir: &Path) -> Spool {
        Spool { dir: data_dir.join(SPOOL_DIR) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new, unused path in the spool for a file called `name` (which must name no person),
    /// the spool created private (0700) if missing.
    pub fn new_path(&self, name: &str) -> Result<PathBuf> {
        private::create_dir(&self.dir).map_err(|_| Error::DirNotWritable { dir: self.dir.display().to_string() })?;
        let mut random = [0u8; 8];
        getrandom::getrandom(&mut random).map_err(|_| Error::DirNotWritable { dir: self.dir.display().to_string() })?;
        let prefix: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let safe: String = name.chars().filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')).collect();
        Ok(self.dir.join(format!("{prefix}_{safe}")))
    }

    /// Remove every file in the spool (best effort: a file the viewer still holds open on
    /// Windows stays until the next clear). Returns how many files were removed.
    pub fn clear(&self) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else { return 0 };
        let mut removed = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            let gone = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            if gone.is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// The files in the spool now.
    pub fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else { return vec![] };
        let mut v: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        v.sort();
        v
    }

    /// Whether `path` names a file directly inside the spool (after resolving `..` and links).
    pub fn holds(&self, path: &Path) -> bool {
        let (Ok(file), Ok(dir)) = (path.canonicalize(), self.dir.canonicalize()) else { return false };
        file.is_file() && file.parent() == Some(dir.as_path())
    }
}

impl Store {
    /// This store's print spool.
    pub fn spool(&self) -> Spool {
        Spool::in_data_dir(&self.paths.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atomic;

    #[test]
    fn spool_paths_are_fresh_private_and_cleared() {
        let tmp = tempfile::tempdir().unwrap();
        let spool = Spool::in_data_dir(tmp.path());
        let a = spool.new_path("意見書_2025-06-20_0195cc87.pdf").unwrap();
        let b = spool.new_path("意見書_2025-06-20_0195cc87.pdf").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(spool.dir()));
        assert!(a.file_name().unwrap().to_string_lossy().ends_with("_意見書_2025-06-20_0195cc87.pdf"));
        #[cfg(unix)]
        assert_eq!(private::mode(spool.dir()).unwrap(), private::DIR_MODE);
        atomic::write_file(&a, b"%PDF").unwrap();
        assert!(spool.holds(&a));
        // Outside the spool, or reached through `..`, is not held.
        let outside = tmp.path().join("x.pdf");
        fs::write(&outside, b"x").unwrap();
        assert!(!spool.holds(&outside));
        assert!(!spool.holds(&spool.dir().join("..").join("x.pdf")));
        assert!(!spool.holds(&b), "a path never written is not held");
        assert_eq!(spool.clear(), 1);
        assert!(spool.files().is_empty());
        assert!(outside.exists(), "clearing the spool touches nothing outside it");
    }
}
