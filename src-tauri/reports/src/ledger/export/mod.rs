//! Writing a [`Table`] out: XLSX for Excel, CSV for other tools, PDF for paper.
//!
//! - `xlsx`: a sheet with real dates shown in 和暦, widths by East Asian width, print setup.
//! - `csv`: RFC 4180, UTF-8 with a BOM (or cp932, refused when a character would be lost).
//! - `pdf`: A4 landscape pages in the forms' font, header repeated, "N/M" in the footer.
//! - `width`: display widths (full-width = 2 columns).
//!
//! Every file is written atomically (temporary file, fsync, rename): a failed export leaves the
//! previous file, or nothing, never half a file.

pub mod csv;
pub mod pdf;
pub mod width;
pub mod xlsx;

use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::Result;
use crate::forms::fonts::FontSet;
use crate::ledger::{LedgerFilter, LedgerKind, Table};
use crate::print::Printing;
use crate::store::{atomic, Action, Store};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Pdf,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Pdf => "pdf",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.as_str()
    }
}

/// The character encoding of a CSV export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CsvEncoding {
    /// UTF-8 with a byte order mark, which Japanese Excel opens correctly.
    #[default]
    Utf8Bom,
    /// Shift_JIS (Windows-31J), for older tools. Refused when a character cannot be represented.
    Cp932,
}

impl CsvEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            CsvEncoding::Utf8Bom => "utf8_bom",
            CsvEncoding::Cp932 => "cp932",
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportReport {
    pub path: String,
    /// Rows of the table (the header not counted).
    pub rows: usize,
    pub bytes: u64,
}

/// The bytes of `table` in `format` (`encoding` only matters for CSV; `fonts` only for PDF).
/// What the progress bar says while a file is written.
pub const WRITING: &str = "ファイルに書き出しています";

pub fn render(table: &Table, format: ExportFormat, encoding: CsvEncoding, fonts: &FontSet) -> Result<Vec<u8>> {
    match format {
        ExportFormat::Xlsx => xlsx::to_bytes(table, pdf::form_no(&table.title)),
        ExportFormat::Csv => self::csv::to_bytes(table, encoding),
        ExportFormat::Pdf => pdf::to_bytes(table, fonts),
    }
}

/// Write `table` to `out` in `format`, atomically. Nothing is written if the table cannot be
/// rendered (e.g. a cp932 CSV with a character cp932 lacks).
pub fn export_table(table: &Table, format: ExportFormat, encoding: CsvEncoding, out: &Path, fonts: &FontSet) -> Result<ExportReport> {
    let bytes = render(table, format, encoding, fonts)?;
    // The last moment 中止 leaves nothing behind: the file is written whole below, or not at all.
    crate::progress::checkpoint()?;
    // From here the file is written whatever is pressed: the bar no longer offers 中止.
    crate::progress::no_longer_cancellable();
    crate::progress::step(WRITING, 0, 1);
    atomic::write_file(out, &bytes)?;
    crate::progress::step(WRITING, 1, 1);
    Ok(ExportReport { path: out.display().to_string(), rows: table.rows.len(), bytes: bytes.len() as u64 })
}

/// The 台帳 written as XLSX, CSV or PDF.
pub trait LedgerExports {
    /// Export a ledger to `out` and record the export in the audit log (the ledger, the format
    /// and the number of rows: no names, no paths).
    fn export_ledger(&self, kind: LedgerKind, filter: &LedgerFilter, format: ExportFormat, encoding: CsvEncoding, out: &Path) -> Result<ExportReport>;

    /// As `export_ledger`, from a consolidated centre store (this one, or a shared database).
    fn export_ledger_from(
        &self,
        source: &mut dyn crate::ledger::ReportSource,
        kind: LedgerKind,
        filter: &LedgerFilter,
        format: ExportFormat,
        encoding: CsvEncoding,
        out: &Path,
    ) -> Result<ExportReport>;
}

impl LedgerExports for Store {
    fn export_ledger(&self, kind: LedgerKind, filter: &LedgerFilter, format: ExportFormat, encoding: CsvEncoding, out: &Path) -> Result<ExportReport> {
        self.export_ledger_from(&mut crate::ledger::ThisStore(self), kind, filter, format, encoding, out)
    }

    fn export_ledger_from(
        &self,
        source: &mut dyn crate::ledger::ReportSource,
        kind: LedgerKind,
        filter: &LedgerFilter,
        format: ExportFormat,
        encoding: CsvEncoding,
        out: &Path,
    ) -> Result<ExportReport> {
        let table = source.ledger(kind, filter)?.table();
        let report = export_table(&table, format, encoding, out, &self.fonts()?)?;
        let mut detail = serde_json::json!({ "ledger": kind.as_str(), "format": format.as_str(), "rows": report.rows });
        if format == ExportFormat::Csv {
            detail["encoding"] = encoding.as_str().into();
        }
        self.log_output(Action::Export, "ledger", detail)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_encodings_are_snake_case_in_json() {
        assert_eq!(serde_json::to_string(&ExportFormat::Xlsx).unwrap(), r#""xlsx""#);
        assert_eq!(serde_json::to_string(&CsvEncoding::Utf8Bom).unwrap(), r#""utf8_bom""#);
        assert_eq!(serde_json::from_str::<CsvEncoding>(r#""cp932""#).unwrap(), CsvEncoding::Cp932);
        assert_eq!(CsvEncoding::default(), CsvEncoding::Utf8Bom);
    }
}
