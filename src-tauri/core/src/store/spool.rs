//! The print spool: a private folder inside the data folder (`print-spool`, 0700 on Unix) where
//! the PDFs made for printing are written (0600), one file name per print that names no person.
//! The system's viewer opens them from there to print. They are removed when the app locks,
//! quits or starts, and when records are destroyed by retention (ADR 0017), so a printout
//! leaves no plaintext on disk once it is used. A copy elsewhere is an explicit choice of the
//! user (「PDFを保存…」), written where the save dialog said, and recorded in the audit log.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::forms::FormKind;
use crate::paths;

use super::print::PrintReport;
use super::{atomic, private, Action, RecoveryKey, Store};

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

    /// Draw a 様式 into the spool, for the viewer to print. The print is in the audit log.
    pub fn print_to_spool(&self, id: &str, kind: FormKind, version: Option<u32>) -> Result<PrintReport> {
        let performed = self.get_record(id)?.summary.performed_on.map(|d| d.iso());
        let out = self.spool().new_path(&paths::output_file_name(kind.label(), performed.as_deref(), id))?;
        self.render_form(id, kind, version, &out, None)
    }

    /// The recovery sheet, drawn into the spool for the viewer to print; the path of the file.
    pub fn print_recovery_sheet(&self, key: &RecoveryKey) -> Result<PathBuf> {
        let out = self.spool().new_path("地さんぽノート_回復シート.pdf")?;
        let pdf = self.recovery_sheet_pdf(key)?;
        atomic::write_file(&out, &pdf)?;
        self.log_output(Action::Print, self.store_id(), serde_json::json!({ "form": "recovery-sheet", "to": "spool" }))?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn store_with_records(tmp: &Path) -> (Store, String) {
        use crate::domain::{RecordKind, Staff, StaffRole};
        let staff = Staff { role: Some(StaffRole::Doctor), name: "印刷 医子".into(), ..Default::default() };
        let (s, _) =
            Store::init_with(&tmp.join("data"), &crate::store::Passphrase::new("スプールのパスフレーズ"), &staff, crate::store::KdfParams::MINIMUM).unwrap();
        crate::demo::generate(&s, 12, 7).unwrap();
        let id = s.list_records(&Default::default()).unwrap().into_iter().find(|r| r.kind == RecordKind::Consultation).expect("a consultation").id;
        (s, id)
    }

    /// Every file under `dir`, folders walked.
    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = vec![];
        for e in fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    /// A print writes one private PDF inside the spool, nothing anywhere else (no documents
    /// folder), and the audit log says it went to the spool.
    #[test]
    fn a_print_leaves_its_pdf_only_in_the_private_spool() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, id) = store_with_records(tmp.path());
        let before = files_under(tmp.path());
        let r = s.print_to_spool(&id, FormKind::ConsultationRecord, None).unwrap();
        let pdf = PathBuf::from(&r.path);
        assert!(s.spool().holds(&pdf), "{}", r.path);
        assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF"));
        let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.ends_with(".pdf") && name.contains("特定健康相談記録票"), "{name}");
        #[cfg(unix)]
        {
            assert_eq!(private::mode(s.spool().dir()).unwrap(), 0o700);
            assert_eq!(private::mode(&pdf).unwrap(), 0o600);
        }
        // (the database's own files change with the audit entry)
        let new: Vec<PathBuf> = files_under(tmp.path()).into_iter().filter(|p| !before.contains(p) && !p.to_string_lossy().contains("chisanpo.db")).collect();
        assert_eq!(new, vec![pdf.clone()], "the print wrote only its spool file");
        let last = s.audit_trail(&id).unwrap().pop().unwrap();
        assert_eq!((last.action.as_str(), last.detail["to"].as_str()), ("print", Some("spool")));
        assert!(last.detail.get("saved_to").is_none());
    }

    /// A copy the user chose to save is written there and its place is in the audit log; the
    /// recovery sheet likewise, or printed through the spool.
    #[test]
    fn a_saved_copy_is_audited_and_its_place_kept_until_destruction() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, id) = store_with_records(tmp.path());
        let out = tmp.path().join("chosen").join("相談記録.pdf");
        fs::create_dir_all(out.parent().unwrap()).unwrap();
        s.print_form(&id, FormKind::ConsultationRecord, None, &out).unwrap();
        assert!(out.exists());
        let last = s.audit_trail(&id).unwrap().pop().unwrap();
        assert_eq!(last.action, "print");
        assert_eq!((last.detail["saved"].as_bool(), last.detail["form"].as_str()), (Some(true), Some("consultation-record")));
        // The place is not in the append-only audit log (a file name may name the worker), but
        // kept apart until 廃棄.
        assert!(last.detail.get("saved_to").is_none() && !last.detail.to_string().contains("相談記録"), "{}", last.detail);
        assert_eq!(s.saved_copies_of(&id).unwrap(), [out.display().to_string()]);

        let key = crate::store::RecoveryKey::generate();
        let sheet = s.print_recovery_sheet(&key).unwrap();
        assert!(s.spool().holds(&sheet));
        let chosen = tmp.path().join("chosen").join("回復シート.pdf");
        s.save_recovery_sheet(&key, &chosen).unwrap();
        let trail = s.audit_trail(s.store_id()).unwrap();
        let sheets: Vec<&serde_json::Value> = trail.iter().filter(|e| e.detail["form"] == "recovery-sheet").map(|e| &e.detail).collect();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0]["to"], "spool");
        assert_eq!(sheets[1]["saved_to"].as_str(), Some(chosen.display().to_string().as_str()));
        assert!(!trail.iter().any(|e| e.detail.to_string().contains(key.display().as_str())), "the key is never logged");
        assert_eq!(s.spool().clear(), 1);
        assert!(chosen.exists() && out.exists(), "clearing the spool leaves the user's copies");
    }
}
