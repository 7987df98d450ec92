//! Printing: a record's 様式 and the recovery sheet drawn by `forms` from what the store holds
//! (the version to print, its snapshot, the fonts with the user's fallback font), written
//! atomically to a place the user chose or into the private spool (`store::spool`), with the
//! audit entry. The layer above the store and the forms; the reports (`ledger`) use its fonts.
//! [`batch`] prints many records at once, on every core.

pub mod batch;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::domain::{Code, Date, RecordStatus};
use crate::error::{Error, Result};
use crate::forms::fonts::FontSet;
use crate::forms::sheet::PrintStatus;
use crate::forms::{self, FormInput, FormKind};

use crate::store::{atomic, Action, RecoveryKey, Store};
use chisanpo_domain::paths;

/// What a print made.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PrintReport {
    pub path: String,
    pub form: FormKind,
    pub version: u32,
    pub draft: bool,
    pub bytes: u64,
}

/// The fonts with the fallback font last used, parsed once (IPAmj明朝 takes a while), by the
/// fallback font's path.
static FONTS: Mutex<Option<(String, FontSet)>> = Mutex::new(None);

/// A record's 様式 and the recovery sheet, printed from the store.
pub trait Printing {
    /// The fonts forms are drawn with: the embedded IPAex, plus the fallback font the user chose.
    fn fonts(&self) -> Result<FontSet>;

    /// Choose the fallback font file (e.g. IPAmj明朝) for characters IPAex lacks; empty: none.
    fn set_fallback_font(&self, path: &str) -> Result<()>;

    /// The form input for a record: its latest finalised version (or `version`), or, for a record
    /// never finalised, its draft marked 下書き.
    fn form_input(&self, id: &str, version: Option<u32>) -> Result<FormInput>;

    /// The one-page recovery sheet for `key` (shown once at `init`), written atomically to `out`,
    /// a place the user chose (the CLI's `--recovery-sheet`, the app's save dialog); the audit
    /// entry says where. The key itself is never logged. To print it without leaving a file,
    /// see `print_recovery_sheet` (the spool).
    fn save_recovery_sheet(&self, key: &RecoveryKey, out: &Path) -> Result<()>;

    /// Draw a record's 様式 into `out` (atomically), a place the user chose (the CLI's `--out`,
    /// the app's save dialog), and record the print and where it went in the audit log. To
    /// print without leaving a file, see `print_to_spool`.
    fn print_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path) -> Result<PrintReport>;

    /// Draw a 様式 into the spool, for the viewer to print. The print is in the audit log.
    fn print_to_spool(&self, id: &str, kind: FormKind, version: Option<u32>) -> Result<PrintReport>;

    /// The recovery sheet, drawn into the spool for the viewer to print; the path of the file.
    fn print_recovery_sheet(&self, key: &RecoveryKey) -> Result<PathBuf>;
}

impl Printing for Store {
    fn fonts(&self) -> Result<FontSet> {
        let path = self.setting("fallback_font")?.unwrap_or_default();
        let mut cache = FONTS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((p, set)) = cache.as_ref() {
            if *p == path {
                return Ok(set.clone());
            }
        }
        let set = if path.is_empty() { FontSet::embedded()? } else { FontSet::with_fallback(Path::new(&path))? };
        *cache = Some((path, set.clone()));
        Ok(set)
    }

    fn set_fallback_font(&self, path: &str) -> Result<()> {
        let path = path.trim();
        if !path.is_empty() {
            FontSet::with_fallback(Path::new(path))?;
        }
        self.set_setting("fallback_font", path)
    }

    fn form_input(&self, id: &str, version: Option<u32>) -> Result<FormInput> {
        let view = self.get_record(id)?;
        let centre_name = self.setting("centre_name")?.unwrap_or_default();
        let (body, snapshot, version, status) = match (view.summary.status, version) {
            (RecordStatus::Draft, _) => {
                let body = view.draft.ok_or_else(|| Error::NotFound { what: "下書き", id: id.to_string() })?;
                let snapshot = self.read(|c| crate::store::records::snapshot(c, &body))?;
                (body, snapshot, 0, PrintStatus::Draft)
            }
            (RecordStatus::Final, v) => {
                let v = v.unwrap_or(view.summary.version);
                let content = self.get_version(id, v)?;
                let info =
                    view.versions.iter().find(|i| i.version == v).ok_or_else(|| Error::NotFound { what: "記録の版", id: format!("{id} 第{v}版") })?;
                let status = if v == 1 {
                    PrintStatus::Final
                } else {
                    let on = chrono::DateTime::parse_from_rfc3339(&info.created_at)
                        .map(|t| Date(t.with_timezone(&chrono::Local).date_naive()))
                        .unwrap_or_else(|_| crate::store::today());
                    PrintStatus::Amended { version: v, amended_on: on }
                };
                (content.body, content.snapshot, v, status)
            }
        };
        Ok(FormInput { record_id: id.to_string(), version, status, body, snapshot, centre_name })
    }

    fn save_recovery_sheet(&self, key: &RecoveryKey, out: &Path) -> Result<()> {
        let pdf = self.recovery_sheet_pdf(key)?;
        atomic::write_file(out, &pdf)?;
        self.log_output(Action::Print, self.store_id(), serde_json::json!({ "form": "recovery-sheet", "saved_to": out.display().to_string() }))
    }

    fn print_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path) -> Result<PrintReport> {
        self.render_form(id, kind, version, out, Some(out))
    }

    fn print_to_spool(&self, id: &str, kind: FormKind, version: Option<u32>) -> Result<PrintReport> {
        let performed = self.get_record(id)?.summary.performed_on.map(|d| d.iso());
        let out = self.spool().new_path(&paths::output_file_name(kind.label(), performed.as_deref(), id))?;
        self.render_form(id, kind, version, &out, None)
    }

    fn print_recovery_sheet(&self, key: &RecoveryKey) -> Result<PathBuf> {
        let out = self.spool().new_path("地さんぽノート_回復シート.pdf")?;
        let pdf = self.recovery_sheet_pdf(key)?;
        atomic::write_file(&out, &pdf)?;
        self.log_output(Action::Print, self.store_id(), serde_json::json!({ "form": "recovery-sheet", "to": "spool" }))?;
        Ok(out)
    }
}

/// The steps of [`Printing`], private to this module: the PDF of the recovery sheet, and a form
/// drawn into a file with its audit entry (a place the user chose, or the spool).
trait PrintingSteps {
    fn recovery_sheet_pdf(&self, key: &RecoveryKey) -> Result<Vec<u8>>;

    /// Draw a 様式 into `out`; the audit entry says whether it was a copy the user chose to save
    /// (`saved`, its place kept apart: [`Store::saved_copies_of`]) or went to the spool.
    fn render_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path, saved_to: Option<&Path>) -> Result<PrintReport>;
}

impl PrintingSteps for Store {
    fn recovery_sheet_pdf(&self, key: &RecoveryKey) -> Result<Vec<u8>> {
        let profile = self.profile()?;
        let created = self.created_at()?;
        let created_on =
            chrono::DateTime::parse_from_rfc3339(&created).map(|t| Date(t.with_timezone(&chrono::Local).date_naive()).wareki()).unwrap_or_default();
        let facts = forms::recovery_sheet::SheetFacts {
            store_id: self.store_id().to_string(),
            owner: profile.staff.name,
            centre_name: profile.centre_name,
            created_on,
        };
        forms::recovery_sheet::render(&key.display(), &facts, FontSet::embedded()?)
    }

    fn render_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path, saved_to: Option<&Path>) -> Result<PrintReport> {
        let input = self.form_input(id, version)?;
        if input.body.kind() != kind.record_kind() {
            return Err(Error::invalid("form", format!("{}は{}の記録からは作れません。", kind.label(), input.body.kind().label())));
        }
        let pdf = forms::render(kind, &input, &self.fonts()?)?;
        atomic::write_file(out, &pdf)?;
        let draft = input.status == PrintStatus::Draft;
        let mut detail = serde_json::json!({ "form": kind.as_str(), "version": input.version, "draft": draft });
        match saved_to {
            // Not the path: the append-only audit log outlives 廃棄, and a file name the user typed
            // often holds the worker's name. The place is kept where 廃棄 deletes it.
            Some(_) => detail["saved"] = true.into(),
            None => detail["to"] = "spool".into(),
        }
        self.write(|tx| {
            if let Some(p) = saved_to {
                Store::remember_saved_copy(tx, id, p)?;
            }
            self.audit(tx, Action::Print, id, detail).map(|_| ())
        })?;
        Ok(PrintReport { path: out.display().to_string(), form: kind, version: input.version, draft, bytes: pdf.len() as u64 })
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;
    use crate::store::private;

    fn store_with_records(tmp: &Path) -> (Store, String) {
        use crate::domain::{RecordKind, Staff, StaffRole};
        let staff = Staff { role: Some(StaffRole::Doctor), name: "印刷 医子".into(), ..Default::default() };
        let (s, _) =
            Store::init_with(&tmp.join("data"), &crate::store::Passphrase::new("スプールのパスフレーズ"), &staff, crate::store::KdfParams::MINIMUM).unwrap();
        crate::store::demo::generate(&s, 12, 7).unwrap();
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
