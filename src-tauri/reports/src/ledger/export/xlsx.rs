//! XLSX: one sheet named after the ledger, ready to filter on screen and to print.
//!
//! - Row 1 the title, row 2 the subtitle (令和7年度), row 3 the header, then the rows.
//! - Dates are real Excel dates, shown in 和暦 by the number format [`WAREKI_FORMAT`]; numbers are
//!   numbers; everything else is text (so nothing is taken for a formula).
//! - Column widths by East Asian width ([`super::width`]); text wider than its column wraps.
//! - Printing: A4 landscape, one page wide, the header row on every page, "N/M" in the footer.
//!   On screen: panes frozen under the header, an autofilter on it.

use rust_xlsxwriter::{Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::error::{Error, Result};
use crate::ledger::table::{Cell, Table};

use super::width::{display_width, xlsx_columns};

/// 和暦 with 元年 for the first year of an era: 令和元年5月1日, 令和7年4月1日.
///
/// `[$-411]ggge"年"m"月"d"日"` is the classic Japanese-era format, but it prints 令和1年.
/// Microsoft's answer for 元年 (Excel 2019 / Microsoft 365, after the 2019 era change) is the
/// `ja-JP-x-gannen` locale tag. The printed forms and the PDF ledgers say 元年 (see
/// `domain::wareki`), so the spreadsheet does too. Excel versions that predate the tag (2010)
/// misread it; they are long out of support. Either way the cell holds the date itself, so
/// sorting, filtering and reformatting work.
pub const WAREKI_FORMAT: &str = r#"[$-ja-JP-x-gannen]ggge"年"m"月"d"日""#;

/// The author written into the document properties.
pub const AUTHOR: &str = "地さんぽノート";

/// The first rows of the sheet (0-based).
pub const TITLE_ROW: u32 = 0;
pub const SUBTITLE_ROW: u32 = 1;
pub const HEADER_ROW: u32 = 2;
pub const FIRST_DATA_ROW: u32 = 3;

fn xlsx_error(e: XlsxError) -> Error {
    Error::Xlsx(e.to_string())
}

/// A sheet name Excel accepts: at most 31 characters (UTF-16 units), none of `[]:*?/\`, not
/// starting or ending with an apostrophe, not blank, not the reserved "History".
pub fn sheet_name(title: &str) -> String {
    let cleaned: String = title.chars().map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '_' } else { c }).collect();
    let trimmed = cleaned.trim().trim_matches('\'');
    let mut name = String::new();
    let mut units = 0;
    for c in trimmed.chars() {
        if units + c.len_utf16() > 31 {
            break;
        }
        units += c.len_utf16();
        name.push(c);
    }
    let name = name.trim_end_matches('\'').trim_end().to_string();
    if name.is_empty() || name.eq_ignore_ascii_case("history") {
        "台帳".to_string()
    } else {
        name
    }
}

/// `&` is a control character in Excel's page headers and footers.
fn header_text(s: &str) -> String {
    s.replace('&', "&&")
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    wrapped: Format,
    date: Format,
    int: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_font_size(11),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xE7E6E6))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            wrapped: cell.clone().set_text_wrap(),
            date: cell.clone().set_num_format(WAREKI_FORMAT),
            int: cell.clone().set_num_format("0"),
            text: cell,
        }
    }
}

/// The workbook's bytes.
pub fn to_bytes(table: &Table, form_no: Option<&str>) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let mut properties = DocProperties::new().set_title(&table.title).set_author(AUTHOR);
    if !table.subtitle.is_empty() || form_no.is_some() {
        let subject = [form_no.unwrap_or_default(), table.subtitle.as_str()].join(" ").trim().to_string();
        properties = properties.set_subject(subject);
    }
    workbook.set_properties(&properties);
    let f = Formats::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&table.title)).map_err(xlsx_error)?;

    let ncols = table.columns.len();
    let columns = xlsx_columns(table);
    for (i, c) in columns.iter().enumerate() {
        sheet.set_column_width(col(i), c.width).map_err(xlsx_error)?;
    }

    sheet.write_string_with_format(TITLE_ROW, 0, &table.title, &f.title).map_err(xlsx_error)?;
    if !table.subtitle.is_empty() {
        sheet.write_string_with_format(SUBTITLE_ROW, 0, &table.subtitle, &f.subtitle).map_err(xlsx_error)?;
    }
    for (i, c) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col(i), &c.header, &f.header).map_err(xlsx_error)?;
    }

    let total = table.rows.len() as u64;
    for (r, row) in table.rows.iter().enumerate() {
        crate::progress::step("台帳を Excel にしています", r as u64, total);
        crate::progress::checkpoint()?;
        let r = FIRST_DATA_ROW + u32::try_from(r).map_err(|_| Error::Xlsx("行が多すぎます".into()))?;
        for (i, (cell, fit)) in row.iter().zip(&columns).enumerate() {
            let c = col(i);
            match cell {
                Cell::Empty => sheet.write_blank(r, c, &f.text),
                Cell::Text(s) => {
                    let format = if s.contains('\n') || display_width(s) > fit.wrap_at { &f.wrapped } else { &f.text };
                    sheet.write_string_with_format(r, c, s, format)
                }
                Cell::Date(d) => sheet.write_date_with_format(r, c, d.naive(), &f.date),
                Cell::Int(n) => sheet.write_number_with_format(r, c, *n as f64, &f.int),
            }
            .map_err(xlsx_error)?;
        }
    }

    if ncols > 0 {
        let last_col = col(ncols - 1);
        let last_row = HEADER_ROW + table.rows.len() as u32;
        sheet.autofilter(HEADER_ROW, 0, last_row, last_col).map_err(xlsx_error)?;
        sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0).map_err(xlsx_error)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0); // one page wide, as many pages high as it takes
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    let left = form_no.map(|n| format!("&L{}", header_text(n))).unwrap_or_default();
    sheet.set_header(format!("{left}&R{}　{}", header_text(&table.title), header_text(&table.subtitle)));
    sheet.set_footer("&C&P/&N");

    workbook.save_to_buffer().map_err(xlsx_error)
}

fn col(i: usize) -> u16 {
    // A ledger has a handful of columns; Excel's limit is 16,384.
    u16::try_from(i).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(sheet_name("特定健康相談実施台帳"), "特定健康相談実施台帳");
        assert_eq!(sheet_name("a/b:c[d]*?\\"), "a_b_c_d____");
        assert_eq!(sheet_name(""), "台帳");
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name("History"), "台帳");
        let long = "面接指導実施台帳".repeat(5);
        assert_eq!(sheet_name(&long).chars().count(), 31);
        // 𠮷 is two UTF-16 units: it does not fit in the last one.
        let astral = format!("{}𠮷", "あ".repeat(30));
        assert_eq!(sheet_name(&astral), "あ".repeat(30));
    }
}
