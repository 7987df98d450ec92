//! CSV: the header line, then one line per row (RFC 4180: CRLF line ends, fields with a comma,
//! quote or line break in double quotes, quotes doubled; written by the `csv` crate). Dates are
//! ISO `YYYY-MM-DD`.
//!
//! Japanese Excel opens a CSV without a byte order mark as Shift_JIS and garbles UTF-8, so the
//! default is UTF-8 with a BOM. Shift_JIS (cp932) is offered for older tools; it cannot hold every
//! character (𠮷, emoji, …), and rather than write `?` in a name the export is refused, naming the
//! characters.

use encoding_rs::{EncoderResult, SHIFT_JIS};

use crate::error::{Error, Result};
use crate::ledger::table::{Cell, Table};

use super::CsvEncoding;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The table as CSV text (not yet encoded), written by the `csv` crate: CRLF, and quotes only
/// where a field needs them (a comma, a quote, a CR or an LF). A record whose only field is
/// empty is written `""`, so that a reader does not take it for a blank line and drop it.
pub fn to_text(table: &Table) -> String {
    let capacity = 64 * (table.rows.len() + 1) * table.columns.len().max(1);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::with_capacity(capacity));
    let written = (|| {
        w.write_record(table.columns.iter().map(|c| c.header.as_str()))?;
        for row in &table.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => defuse(t),
                other => other.plain(),
            }))?;
        }
        w.flush()
    })();
    // Into memory, records of any length: neither the writer nor the buffer can fail.
    written.expect("CSV into memory cannot fail");
    let bytes = w.into_inner().expect("CSV into memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// Text that a spreadsheet would take for a formula (a name or a note beginning with = + - @,
/// or a tab or CR) is prefixed with an apostrophe, which Excel shows as plain text. Without it a
/// value typed into a record could run as a formula in the centre's Excel (CSV injection).
fn defuse(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The CSV file's bytes in `encoding`. Fails with [`Error::CsvUnencodable`] if cp932 cannot
/// represent some character; nothing is written then.
pub fn to_bytes(table: &Table, encoding: CsvEncoding) -> Result<Vec<u8>> {
    let text = to_text(table);
    match encoding {
        CsvEncoding::Utf8Bom => {
            let mut bytes = Vec::with_capacity(BOM.len() + text.len());
            bytes.extend_from_slice(BOM);
            bytes.extend_from_slice(text.as_bytes());
            Ok(bytes)
        }
        CsvEncoding::Cp932 => encode_cp932(&text),
    }
}

/// `text` in Windows-31J (encoding_rs's `SHIFT_JIS` is the WHATWG Shift_JIS, which is cp932 with
/// its NEC and IBM extensions), or the list of characters it cannot hold.
pub fn encode_cp932(text: &str) -> Result<Vec<u8>> {
    let mut encoder = SHIFT_JIS.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut unmappable: Vec<char> = Vec::new();
    let mut rest = text;
    loop {
        let room = encoder.max_buffer_length_from_utf8_without_replacement(rest.len()).unwrap_or(rest.len() * 2 + 16);
        out.reserve(room);
        let (result, read) = encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            EncoderResult::InputEmpty => break,
            EncoderResult::OutputFull => {}
            EncoderResult::Unmappable(c) => {
                if !unmappable.contains(&c) {
                    unmappable.push(c);
                }
            }
        }
    }
    if unmappable.is_empty() {
        Ok(out)
    } else {
        Err(Error::CsvUnencodable { chars: list_chars(&unmappable) })
    }
}

/// 「𠮷」（U+20BB7）、「😀」（U+1F600）
pub fn list_chars(chars: &[char]) -> String {
    chars.iter().map(|c| format!("「{c}」（U+{:04X}）", u32::from(*c))).collect::<Vec<_>>().join("、")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Date;
    use crate::ledger::table::{Cell, Column};

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            title: "台帳".into(), subtitle: String::new(), columns: vec![Column::new("番号", 6), Column::new("氏名", 12), Column::new("備考", 20)], rows
        }
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let t = table(vec![
            vec![Cell::Int(1), Cell::text("山田 太郎"), Cell::text("A, B")],
            vec![Cell::Int(2), Cell::text("「引用」\"x\""), Cell::text("一行目\n二行目")],
            vec![Cell::Date(Date::ymd(2025, 4, 1).unwrap()), Cell::Empty, Cell::Empty],
        ]);
        assert_eq!(to_text(&t), "番号,氏名,備考\r\n1,山田 太郎,\"A, B\"\r\n2,\"「引用」\"\"x\"\"\",\"一行目\n二行目\"\r\n2025-04-01,,\r\n");
    }

    #[test]
    fn text_that_looks_like_a_formula_is_not_run_as_one() {
        let t = table(vec![
            vec![Cell::Int(-3), Cell::text("=HYPERLINK(\"http://x\")"), Cell::text("+81 54")],
            vec![Cell::Int(4), Cell::text("@SUM(A1)"), Cell::text("-")],
        ]);
        assert_eq!(to_text(&t), "番号,氏名,備考\r\n-3,\"'=HYPERLINK(\"\"http://x\"\")\",'+81 54\r\n4,'@SUM(A1),'-\r\n");
    }

    #[test]
    fn utf8_starts_with_a_bom() {
        let bytes = to_bytes(&table(vec![]), CsvEncoding::Utf8Bom).unwrap();
        assert_eq!(&bytes[..3], BOM);
        assert_eq!(&bytes[3..], "番号,氏名,備考\r\n".as_bytes());
    }

    #[test]
    fn cp932_holds_the_windows_extensions_and_refuses_the_rest() {
        // 髙 and 﨑 are IBM extensions (in cp932, not in JIS X 0208); ～ is FULLWIDTH TILDE.
        let ok = encode_cp932("髙橋 﨑 ～ ①").unwrap();
        let (back, _, errors) = SHIFT_JIS.decode(&ok);
        assert!(!errors);
        assert_eq!(back, "髙橋 﨑 ～ ①");
        let e = encode_cp932("𠮷野 😀 𠮷 太郎").unwrap_err();
        assert_eq!(e.code(), "csv_unencodable");
        let m = e.to_string();
        assert!(m.contains("「𠮷」（U+20BB7）、「😀」（U+1F600）"), "{m}");
        assert_eq!(m.matches("𠮷").count(), 1, "each character once: {m}");
        assert!(m.contains("UTF-8"), "{m}");
    }
}
