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

use crate::domain::{Code, Date, RecordBody, RecordStatus};
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

    /// The 様式 `kind` as the draft `body` would print, marked 下書き: the live preview beside an
    /// entry screen, drawn from what the screen holds (saved or not) by the same renderer, fonts
    /// and snapshot of the people and places as printing the saved draft ([`Printing::print_form`]
    /// of a record never finalised). `id` is the record's, None for one not saved yet. Nothing is
    /// written: no file, no audit entry (nothing leaves the app; the screen shows it already).
    /// A draft with empty fields draws the empty boxes; a character no font has is refused with
    /// the message printing gives, naming the field.
    fn preview_form(&self, id: Option<&str>, kind: FormKind, body: RecordBody) -> Result<Vec<u8>>;

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
                return self.draft_input(id, body);
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

    fn preview_form(&self, id: Option<&str>, kind: FormKind, body: RecordBody) -> Result<Vec<u8>> {
        same_kind(kind, &body)?;
        let input = self.draft_input(id.unwrap_or_default(), body)?;
        forms::render(kind, &input, &self.fonts()?)
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

    /// What a draft prints from: `body` with the snapshot of whom and where it names now, version
    /// 0, marked 下書き. Printing a saved draft and the live preview both start here.
    fn draft_input(&self, id: &str, body: RecordBody) -> Result<FormInput>;

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

    fn draft_input(&self, id: &str, body: RecordBody) -> Result<FormInput> {
        let centre_name = self.setting("centre_name")?.unwrap_or_default();
        let snapshot = self.read(|c| crate::store::records::snapshot(c, &body))?;
        Ok(FormInput { record_id: id.to_string(), version: 0, status: PrintStatus::Draft, body, snapshot, centre_name })
    }

    fn render_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path, saved_to: Option<&Path>) -> Result<PrintReport> {
        let input = self.form_input(id, version)?;
        same_kind(kind, &input.body)?;
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

/// A form is made only from its own kind of record.
fn same_kind(kind: FormKind, body: &RecordBody) -> Result<()> {
    if body.kind() != kind.record_kind() {
        return Err(Error::invalid("form", format!("{}は{}の記録からは作れません。", kind.label(), body.kind().label())));
    }
    Ok(())
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

    /// What poppler's `pdftotext` reads in a PDF (a reader that did not write it).
    fn text_of(pdf: &[u8], dir: &Path) -> String {
        let file = dir.join("read-back.pdf");
        fs::write(&file, pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg(&file).arg("-").output().expect("pdftotext (poppler-utils) is needed");
        assert!(out.status.success(), "pdftotext failed");
        fs::remove_file(&file).unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    /// Every word of a PDF with its box, and its metadata but the times, as poppler reads them.
    fn placed_words(pdf: &[u8], dir: &Path) -> String {
        let file = dir.join("placed.pdf");
        fs::write(&file, pdf).unwrap();
        let out = std::process::Command::new("pdftotext").arg("-bbox").arg(&file).arg("-").output().expect("pdftotext (poppler-utils) is needed");
        assert!(out.status.success(), "pdftotext failed");
        fs::remove_file(&file).unwrap();
        let html = String::from_utf8(out.stdout).unwrap();
        let kept: Vec<&str> = html.lines().filter(|l| !l.contains("\"CreationDate\"") && !l.contains("\"ModDate\"")).collect();
        assert!(kept.iter().filter(|l| l.contains("<word")).count() > 20, "{html}");
        kept.join("\n")
    }

    /// An interview of the demo store, with what the screen would have typed into its 意見書.
    fn typed_interview(s: &Store, remarks: &str) -> RecordBody {
        use crate::domain::RecordKind;
        let id = s.list_records(&Default::default()).unwrap().into_iter().find(|r| r.kind == RecordKind::Interview).expect("an interview").id;
        let view = s.get_record(&id).unwrap();
        let mut body = view.draft.or(view.current.map(|c| c.body)).unwrap();
        let RecordBody::Interview(iv) = &mut body else { panic!("not an interview") };
        iv.application_id = None;
        iv.opinion.remarks = remarks.into();
        body
    }

    /// The preview draws what the screen holds, unsaved, with the people it names and the 下書き
    /// mark; it writes no file anywhere and no audit entry.
    #[test]
    fn the_preview_draws_the_unsaved_draft_and_writes_nothing() {
        // Run again in a process of its own whose TMPDIR is a fresh folder: the preview must not
        // write there either (a temporary file the renderer or a library might make), and no
        // other test's files are in that folder to confuse the count.
        const CHILD: &str = "CHISANPO_PREVIEW_TEST_CHILD";
        if std::env::var_os(CHILD).is_none() {
            let tmpdir = tempfile::tempdir().unwrap();
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", "print::tests::the_preview_draws_the_unsaved_draft_and_writes_nothing", "--nocapture", "--test-threads=1"])
                .env(CHILD, "1")
                .env("TMPDIR", tmpdir.path())
                // Where Windows looks for its temporary folder.
                .env("TMP", tmpdir.path())
                .env("TEMP", tmpdir.path())
                .output()
                .unwrap();
            let log = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success() && log.contains("1 passed"), "{log}");
            return;
        }
        let temp = std::env::temp_dir();
        let tmp = tempfile::tempdir().unwrap();
        assert!(tmp.path().starts_with(&temp), "the store is under the test's TMPDIR");
        let (s, consultation) = store_with_records(tmp.path());
        let body = typed_interview(&s, "プレビュー確認用の連絡事項");
        let worker = s.read(|c| crate::store::records::snapshot(c, &body)).unwrap().worker.expect("a worker").name;
        let not_db = |files: Vec<PathBuf>| files.into_iter().filter(|p| !p.to_string_lossy().contains("chisanpo.db")).collect::<Vec<_>>();
        let before = not_db(files_under(&temp));
        let trail = s.audit_trail(&consultation).unwrap().len();
        let pdf = s.preview_form(None, FormKind::Opinion, body).unwrap();
        assert_eq!(not_db(files_under(&temp)), before, "no file written, in the store's folder or in TMPDIR");
        assert_eq!(s.audit_trail(&consultation).unwrap().len(), trail);
        assert_eq!(s.spool().clear(), 0, "nothing in the spool");
        assert!(pdf.starts_with(b"%PDF"));
        let reader = tempfile::tempdir().unwrap();
        let text: String = text_of(&pdf, reader.path()).split_whitespace().collect();
        assert!(text.contains("プレビュー確認用の連絡事項"), "{text}");
        assert!(text.contains(&worker.split_whitespace().collect::<String>()), "the worker's name from the store");
        assert!(text.contains("下書き"), "{text}");
    }

    /// The preview of a saved draft is what printing it makes: the same words at the same places,
    /// the same title, subject and author. (The bytes differ: the creation time, and the names
    /// printpdf draws at random for the font subsets.)
    #[test]
    fn the_preview_is_what_printing_the_draft_makes() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, _) = store_with_records(tmp.path());
        let body = typed_interview(&s, "印刷と同じになること");
        let id = s.create_record(&body).unwrap();
        for kind in [FormKind::Opinion, FormKind::WorkStatus] {
            let preview = s.preview_form(Some(&id), kind, body.clone()).unwrap();
            let out = tmp.path().join(format!("{}.pdf", kind.as_str()));
            let report = s.print_form(&id, kind, None, &out).unwrap();
            assert!(report.draft);
            let printed = fs::read(&out).unwrap();
            assert_eq!(placed_words(&preview, tmp.path()), placed_words(&printed, tmp.path()), "{kind:?}");
        }
    }

    /// A new record with nothing filled in yet draws every form of its kind with empty boxes: the
    /// preview is never an error page.
    #[test]
    fn an_empty_draft_draws_its_empty_boxes() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, _) = store_with_records(tmp.path());
        for kind in FormKind::ALL {
            let body = match kind {
                FormKind::Opinion | FormKind::WorkStatus | FormKind::Request => RecordBody::Interview(Default::default()),
                FormKind::ConsultationRecord => RecordBody::Consultation(Default::default()),
                FormKind::Application => RecordBody::Application(Default::default()),
                FormKind::VisitReport => RecordBody::Visit(Default::default()),
            };
            assert_eq!(body.kind(), kind.record_kind());
            let pdf = s.preview_form(None, kind, body).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            let text: String = text_of(&pdf, tmp.path()).split_whitespace().collect();
            assert!(text.contains("下書き"), "{kind:?}: {text}");
        }
        // A form of another kind of record is refused as printing refuses it.
        let err = s.preview_form(None, FormKind::Opinion, RecordBody::Consultation(Default::default())).unwrap_err();
        assert!(err.to_string().contains("作れません"), "{err}");
    }

    /// A character no font has stops the preview with the message printing gives, naming the field.
    #[test]
    fn a_missing_glyph_is_the_message_printing_gives_naming_the_field() {
        let tmp = tempfile::tempdir().unwrap();
        let (s, _) = store_with_records(tmp.path());
        // 𠮷 (U+20BB7) is not in IPAex (design.md); no fallback font is set.
        let body = typed_interview(&s, "𠮷野さんへ連絡");
        let id = s.create_record(&body).unwrap();
        let preview = s.preview_form(None, FormKind::Opinion, body).unwrap_err();
        let printed = s.print_form(&id, FormKind::Opinion, None, &tmp.path().join("x.pdf")).unwrap_err();
        assert_eq!(preview.to_string(), printed.to_string());
        let Error::Invalid(v) = preview else { panic!("not a field problem") };
        assert_eq!(v[0].field, "連絡事項等");
        assert!(v[0].message.contains("𠮷"), "{}", v[0].message);
    }
}
