//! Transports: where bundles go and receipts come back. One trait; a folder (the embedded
//! default) and WebDAV/HTTPS (`webdav`) implement it. A transport says *how* a failure happened,
//! so a delivery pass can tell "the network is away, try everything later" from "this one file
//! failed, let the others go on".

use std::path::{Path, PathBuf};

use crate::error::DeliveryCode;
use crate::error::Error;
use crate::store::atomic;

/// How a transport failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// The destination cannot be reached (offline, server down, folder away): nothing is wrong
    /// with the files; try them all again later.
    Unreachable,
    /// The destination refuses us as set up (credentials, a missing collection): the user must
    /// fix the setting; nothing is set aside.
    Setup,
    /// This file failed (refused, or arrived different): the others go on; after a few tries
    /// it is set aside (quarantined) with the reason.
    ThisFile,
}

/// A transport's failure: its kind and a complete Japanese message (no content, no secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub kind: FailureKind,
    pub message: String,
}

impl TransportError {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        TransportError { kind, message: message.into() }
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        let code = match e.kind {
            FailureKind::Unreachable => DeliveryCode::Unreachable,
            FailureKind::Setup => DeliveryCode::Setup,
            FailureKind::ThisFile => DeliveryCode::ThisFile,
        };
        Error::delivery(code, e.message)
    }
}

pub type TransportResult<T> = std::result::Result<T, TransportError>;

/// Where bundles go and receipts come back.
pub trait Transport: Send + Sync {
    /// Where, for messages and the audit log (a path or a URL, never a secret).
    fn describe(&self) -> String;
    /// Write a whole file. Returns only once it is whole and durable at the destination (a
    /// WebDAV upload is read back and compared). The same name and bytes again is harmless;
    /// other bytes under the same name replace the file.
    fn put(&self, name: &str, bytes: &[u8]) -> TransportResult<()>;
    /// Read a file; `None` if there is none of that name.
    fn get(&self, name: &str) -> TransportResult<Option<Vec<u8>>>;
    /// The names of the files ending in `.{extension}`, sorted.
    fn list(&self, extension: &str) -> TransportResult<Vec<String>>;
}

/// An error and every error under it (`source()`), outermost first: the TLS failures the
/// transports and the database connection sort by what their messages say.
pub(crate) fn error_chain<'a>(e: &'a (dyn std::error::Error + 'static)) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

/// Whether this error's message names a certificate (rustls and OpenSSL both say so).
pub(crate) fn names_certificate(e: &(dyn std::error::Error + 'static)) -> bool {
    e.to_string().to_ascii_lowercase().contains("certificate")
}

/// A folder: a synced folder (OneDrive, Box, Nextcloud) or a network share.
#[derive(Debug, Clone)]
pub struct FolderTransport {
    pub dir: PathBuf,
}

impl FolderTransport {
    pub fn new(dir: &Path) -> Self {
        FolderTransport { dir: dir.to_path_buf() }
    }

    fn unwritable(&self) -> TransportError {
        TransportError::new(
            FailureKind::Unreachable,
            format!(
                "配送先のフォルダ（{}）に書き込めません。フォルダの場所と権限、同期の状態を確かめてください。記録は端末に残っていて、書き込めるようになったら自動で送ります。",
                self.dir.display()
            ),
        )
    }

    fn unreadable(&self) -> TransportError {
        TransportError::new(
            FailureKind::Unreachable,
            format!("フォルダ（{}）を読めません。フォルダの場所と権限を確かめてから、もう一度実行してください。", self.dir.display()),
        )
    }
}

impl Transport for FolderTransport {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn put(&self, name: &str, bytes: &[u8]) -> TransportResult<()> {
        if !self.dir.is_dir() {
            return Err(self.unwritable());
        }
        if self.dir.join(name).is_dir() {
            return Err(TransportError::new(
                FailureKind::ThisFile,
                format!("配送先のフォルダに {name} と同じ名前のフォルダがあるため書き込めません。自動で送り直し、続けて失敗したら保留にします。"),
            ));
        }
        atomic::write_file(&self.dir.join(name), bytes).map_err(|e| match e {
            Error::DiskFull => TransportError::new(
                FailureKind::Unreachable,
                format!("配送先のフォルダ（{}）の空き容量が足りません。空きを作ってください。記録は端末に残っていて、自動で送り直します。", self.dir.display()),
            ),
            _ => self.unwritable(),
        })
    }

    fn get(&self, name: &str) -> TransportResult<Option<Vec<u8>>> {
        use std::io::Read;
        let file = match std::fs::File::open(self.dir.join(name)) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(_) => return Err(self.unreadable()),
        };
        // Never more than the largest bundle, even from a file that grows while it is read.
        let max = super::bundle::MAX_FILE_BYTES;
        let mut out = Vec::new();
        file.take(max + 1).read_to_end(&mut out).map_err(|_| self.unreadable())?;
        if out.len() as u64 > max {
            return Err(TransportError::new(
                FailureKind::ThisFile,
                format!(
                    "フォルダ（{}）の {name} が大きすぎるため読みませんでした（{} MB まで）。地さんぽノートの配送ファイルではないか、壊れています。フォルダから取り除いてください。",
                    self.dir.display(),
                    max / (1024 * 1024)
                ),
            ));
        }
        Ok(Some(out))
    }

    fn list(&self, extension: &str) -> TransportResult<Vec<String>> {
        let suffix = format!(".{extension}");
        let mut out: Vec<String> = std::fs::read_dir(&self.dir)
            .map_err(|_| self.unreadable())?
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(&suffix))
            .collect();
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_puts_gets_and_lists() {
        let dir = tempfile::tempdir().unwrap();
        let t = FolderTransport::new(dir.path());
        t.put("b.chisanpo-bundle", b"2").unwrap();
        t.put("a.chisanpo-bundle", b"1").unwrap();
        t.put("a.chisanpo-bundle.sha256", b"x").unwrap();
        assert_eq!(t.list("chisanpo-bundle").unwrap(), vec!["a.chisanpo-bundle", "b.chisanpo-bundle"]);
        assert_eq!(t.get("a.chisanpo-bundle").unwrap().as_deref(), Some(&b"1"[..]));
        assert_eq!(t.get("missing").unwrap(), None);
        let gone = FolderTransport::new(&dir.path().join("gone"));
        assert_eq!(gone.put("x", b"1").unwrap_err().kind, FailureKind::Unreachable);
        assert_eq!(gone.list("x").unwrap_err().kind, FailureKind::Unreachable);
    }

    #[test]
    fn a_file_larger_than_any_bundle_is_refused_by_name_unread() {
        let dir = tempfile::tempdir().unwrap();
        let t = FolderTransport::new(dir.path());
        let max = super::super::bundle::MAX_FILE_BYTES;
        // Sparse: the test does not write 64 MiB.
        let f = std::fs::File::create(dir.path().join("huge.chisanpo-bundle")).unwrap();
        f.set_len(max + 1).unwrap();
        let e = t.get("huge.chisanpo-bundle").unwrap_err();
        assert_eq!(e.kind, FailureKind::ThisFile);
        assert!(e.message.contains("huge.chisanpo-bundle") && e.message.contains("大きすぎる") && e.message.contains("64 MB"), "{}", e.message);
        f.set_len(max).unwrap();
        assert_eq!(t.get("huge.chisanpo-bundle").unwrap().map(|b| b.len() as u64), Some(max), "exactly the largest bundle is read");
    }
}
