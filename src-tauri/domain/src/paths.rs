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

/// Where PDFs and exports go unless the user chose another folder: `Documents/地さんぽノート`
/// (or the data folder's parent's `exports` when the system has no documents folder).
pub fn default_output_dir() -> PathBuf {
    directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(|d| d.join("地さんぽノート")))
        .or_else(|| default_data_dir().map(|d| d.join("exports")))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A file name for an output that names no person: `意見書_2025-06-20_0195cc87.pdf`.
pub fn output_file_name(label: &str, date: Option<&str>, id: &str) -> String {
    let short: String = id.chars().filter(|c| c.is_ascii_hexdigit()).take(8).collect();
    let safe: String = label.chars().filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')).collect();
    match date {
        Some(d) => format!("{safe}_{d}_{short}.pdf"),
        None => format!("{safe}_{short}.pdf"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_names_hold_no_names_and_no_path_separators() {
        assert_eq!(
            output_file_name("面接指導結果報告書及び意見書", Some("2025-06-20"), "0195cc87-b280-72c9"),
            "面接指導結果報告書及び意見書_2025-06-20_0195cc87.pdf"
        );
        assert_eq!(output_file_name("a/b:c", None, "zz12-34"), "abc_1234.pdf");
    }
}
