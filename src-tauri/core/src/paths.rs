//! Where the store lives: the user's data folder, from the `directories` crate, unless the
//! user names another (`--data-dir` or `CHISANPO_DATA_DIR`).

use std::path::{Path, PathBuf};

/// The default data folder: `~/.local/share/chisanpo` on Linux, `%APPDATA%\chisanpo\chisanpo\data`
/// on Windows, `~/Library/Application Support/jp.chisanpo.chisanpo` on macOS.
pub fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("jp", "chisanpo", "chisanpo").map(|p| p.data_dir().to_path_buf())
}

/// The files of a store inside its data folder.
#[derive(Debug, Clone)]
pub struct StorePaths {
    pub dir: PathBuf,
}

impl StorePaths {
    pub fn new(dir: impl AsRef<Path>) -> Self {
        StorePaths { dir: dir.as_ref().to_path_buf() }
    }
    /// The SQLCipher database.
    pub fn db(&self) -> PathBuf {
        self.dir.join("chisanpo.db")
    }
    /// The wrapped data key (see docs/adr/0002).
    pub fn keyring(&self) -> PathBuf {
        self.dir.join("keyring.json")
    }
    pub fn exists(&self) -> bool {
        self.keyring().exists() || self.db().exists()
    }
}
