//! Printing a record's 様式: the version to print, its snapshot, the fonts (with the user's
//! fallback font), an atomic write, and the audit entry.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::domain::{Code, Date, RecordStatus};
use crate::error::{Error, Result};
use crate::forms::fonts::FontSet;
use crate::forms::sheet::PrintStatus;
use crate::forms::{self, FormInput, FormKind};

use super::{atomic, Action, Store};

/// The settings key prefix under which the places of saved copies of a record's PDFs are kept.
pub(crate) const SAVED_COPIES: &str = "saved-copies/";

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

/// The fonts of a store, with its fallback font parsed once (IPAmj明朝 takes a while).
#[derive(Default)]
pub(crate) struct FontCache(Mutex<Option<(String, FontSet)>>);

impl Store {
    /// The fonts forms are drawn with: the embedded IPAex, plus the fallback font the user chose.
    pub fn fonts(&self) -> Result<FontSet> {
        let path = self.setting("fallback_font")?.unwrap_or_default();
        let mut cache = self.fonts.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((p, set)) = cache.as_ref() {
            if *p == path {
                return Ok(set.clone());
            }
        }
        let set = if path.is_empty() { FontSet::embedded()? } else { FontSet::with_fallback(Path::new(&path))? };
        *cache = Some((path, set.clone()));
        Ok(set)
    }

    /// Choose the fallback font file (e.g. IPAmj明朝) for characters IPAex lacks; empty: none.
    pub fn set_fallback_font(&self, path: &str) -> Result<()> {
        let path = path.trim();
        if !path.is_empty() {
            FontSet::with_fallback(Path::new(path))?;
        }
        self.set_setting("fallback_font", path)
    }

    /// The form input for a record: its latest finalised version (or `version`), or, for a record
    /// never finalised, its draft marked 下書き.
    pub fn form_input(&self, id: &str, version: Option<u32>) -> Result<FormInput> {
        let view = self.get_record(id)?;
        let centre_name = self.setting("centre_name")?.unwrap_or_default();
        let (body, snapshot, version, status) = match (view.summary.status, version) {
            (RecordStatus::Draft, _) => {
                let body = view.draft.ok_or_else(|| Error::NotFound { what: "下書き", id: id.to_string() })?;
                let snapshot = self.read(|c| super::records::snapshot(c, &body))?;
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
                        .unwrap_or_else(|_| super::today());
                    PrintStatus::Amended { version: v, amended_on: on }
                };
                (content.body, content.snapshot, v, status)
            }
        };
        Ok(FormInput { record_id: id.to_string(), version, status, body, snapshot, centre_name })
    }

    /// The one-page recovery sheet for `key` (shown once at `init`), written atomically to `out`,
    /// a place the user chose (the CLI's `--recovery-sheet`, the app's save dialog); the audit
    /// entry says where. The key itself is never logged. To print it without leaving a file,
    /// see `print_recovery_sheet` (the spool).
    pub fn save_recovery_sheet(&self, key: &super::RecoveryKey, out: &Path) -> Result<()> {
        let pdf = self.recovery_sheet_pdf(key)?;
        atomic::write_file(out, &pdf)?;
        self.log_output(Action::Print, self.store_id(), serde_json::json!({ "form": "recovery-sheet", "saved_to": out.display().to_string() }))
    }

    pub(crate) fn recovery_sheet_pdf(&self, key: &super::RecoveryKey) -> Result<Vec<u8>> {
        let profile = self.profile()?;
        let created = self.read(|c| Ok(c.query_row("SELECT value FROM meta WHERE key = 'created_at'", [], |r| r.get::<_, String>(0))?))?;
        let created_on =
            chrono::DateTime::parse_from_rfc3339(&created).map(|t| Date(t.with_timezone(&chrono::Local).date_naive()).wareki()).unwrap_or_default();
        let facts = forms::recovery_sheet::SheetFacts {
            store_id: self.store_id().to_string(),
            owner: profile.staff.name,
            centre_name: profile.centre_name,
            created_on,
        };
        forms::recovery_sheet::render(key, &facts, FontSet::embedded()?)
    }

    /// Draw a record's 様式 into `out` (atomically), a place the user chose (the CLI's `--out`,
    /// the app's save dialog), and record the print and where it went in the audit log. To
    /// print without leaving a file, see `print_to_spool`.
    pub fn print_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path) -> Result<PrintReport> {
        self.render_form(id, kind, version, out, Some(out))
    }

    /// Where the user saved copies of this record's PDFs (those still on disk are named when the
    /// record is destroyed, so that the user deletes them too).
    pub fn saved_copies_of(&self, id: &str) -> Result<Vec<String>> {
        let key = format!("{SAVED_COPIES}{id}");
        Ok(self.setting(&key)?.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    /// Keep the place of a saved copy, in `settings` under `saved-copies/<record id>`, outside the
    /// append-only audit log: the row is deleted when the record is destroyed. Run in the print's
    /// own transaction, with its audit entry.
    fn remember_saved_copy(tx: &rusqlite::Transaction, id: &str, path: &Path) -> Result<()> {
        let key = format!("{SAVED_COPIES}{id}");
        let current: Option<String> = tx.query_row("SELECT value FROM settings WHERE key = ?1", [key.as_str()], |r| r.get(0)).optional()?;
        let mut list: Vec<String> = current.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
        let place = path.display().to_string();
        if !list.contains(&place) {
            list.push(place);
        }
        let value = serde_json::to_string(&list).map_err(|_| Error::File { path: "saved-copies".into() })?;
        tx.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key.as_str(), value.as_str()])?;
        Ok(())
    }

    /// Forget where copies of the record `id` were saved, returning those places (in `destroy`'s
    /// transaction: the places go with the record, or not at all).
    pub(crate) fn forget_saved_copies(tx: &rusqlite::Transaction, id: &str) -> Result<Vec<String>> {
        let key = format!("{SAVED_COPIES}{id}");
        let current: Option<String> = tx.query_row("SELECT value FROM settings WHERE key = ?1", [key.as_str()], |r| r.get(0)).optional()?;
        tx.execute("DELETE FROM settings WHERE key = ?1", [key.as_str()])?;
        Ok(current.and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default())
    }

    /// Draw a 様式 into `out`; the audit entry says whether it was a copy the user chose to save
    /// (`saved`, its place kept apart: [`Store::saved_copies_of`]) or went to the spool.
    pub(crate) fn render_form(&self, id: &str, kind: FormKind, version: Option<u32>, out: &Path, saved_to: Option<&Path>) -> Result<PrintReport> {
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
                Self::remember_saved_copy(tx, id, p)?;
            }
            self.audit(tx, Action::Print, id, detail).map(|_| ())
        })?;
        Ok(PrintReport { path: out.display().to_string(), form: kind, version: input.version, draft, bytes: pdf.len() as u64 })
    }
}
