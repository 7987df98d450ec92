//! The lines of the report as an Excel sheet: A4 portrait, one page wide, the 様式 on the first
//! page and the 参考 on the next.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError};

use super::layout::{column_widths, lines_in, Line, Val, COLS};
use crate::error::{Error, Result};

/// A4 in Excel's paper codes.
const A4: u8 = 9;
pub(super) const SHEET: &str = "実績報告書";

fn err(e: XlsxError) -> Error {
    Error::Xlsx(e.to_string())
}

pub(super) const VISITS_SHEET: &str = "補足（訪問指導）";

pub(super) fn write(lines: &[Line], visits: &super::visits::VisitCounts, year_label: &str) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    fill(sheet, lines).map_err(err)?;
    let sheet = book.add_worksheet();
    fill_visits(sheet, visits, year_label).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// 訪問指導の補足, on a sheet of its own: the 別添3 sheet is left as the 労働局 gives it.
fn fill_visits(ws: &mut Worksheet, v: &super::visits::VisitCounts, year_label: &str) -> std::result::Result<(), XlsxError> {
    ws.set_name(VISITS_SHEET)?;
    ws.set_paper_size(A4);
    ws.set_portrait();
    ws.set_column_width(0, 44.0)?;
    ws.set_column_width(1, 12.0)?;
    let base = Format::new().set_align(FormatAlign::VerticalCenter);
    let title = base.clone().set_bold().set_font_size(14);
    let cell = base.clone().set_border(FormatBorder::Thin);
    let header = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color(0xF2F2F2);
    ws.write_string_with_format(0, 0, format!("訪問指導・職場巡視の実績（補足）　{year_label}"), &title)?;
    ws.write_string_with_format(1, 0, "実績報告書（別添3）の様式の外に添える参考の表です。", &base)?;
    ws.write_string_with_format(3, 0, "項目", &header)?;
    ws.write_string_with_format(3, 1, "件数", &header)?;
    let rows = [
        ("訪問指導の回数", v.visits.value),
        ("うち初めて訪問した事業場の数", v.first_time_workplaces.value),
        ("職場巡視の指摘事項の数", v.findings.value),
        ("前回までの指摘事項のうち改善済となった数", v.findings_improved.value),
        ("訪問の際に行った特定健康相談の数（事業場訪問に計上）", v.consultations_on_visits.value),
    ];
    for (i, (label, n)) in rows.iter().enumerate() {
        let r = 4 + i as u32;
        ws.write_string_with_format(r, 0, *label, &cell)?;
        ws.write_number_with_format(r, 1, *n as f64, &cell)?;
    }
    Ok(())
}

/// The Excel name of a cell, e.g. `B16` for (15, 1).
fn cell_name(row: u32, col: u16) -> String {
    format!("{}{}", char::from(b'A' + col as u8), row + 1)
}

fn fill(ws: &mut Worksheet, lines: &[Line]) -> std::result::Result<(), XlsxError> {
    ws.set_name(SHEET)?;
    ws.set_paper_size(A4);
    ws.set_portrait();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.6, 0.6, 0.75, 0.75, 0.3, 0.3);
    ws.set_footer("&C&P / &N");
    let widths = column_widths(lines);
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as u16, *w)?;
    }
    // Rows whose label or note wraps are made tall enough for it: not every reader fits the
    // height of a row to wrapped text when it opens the file.
    let total: f64 = widths.iter().sum();
    let tall = |ws: &mut Worksheet, row: u32, label: &str, note: &str| -> std::result::Result<(), XlsxError> {
        let n = lines_in(label, 0, widths[0]).max(lines_in(note, 4, widths[4]));
        if n > 1 {
            ws.set_row_height(row, 14.0 * f64::from(n) + 2.0)?;
        }
        Ok(())
    };
    let base = Format::new().set_align(FormatAlign::VerticalCenter);
    let title = base.clone().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let period = base.clone().set_align(FormatAlign::Right);
    let section = base.clone().set_bold().set_font_size(12);
    let sub = base.clone().set_bold();
    let caption = base.clone();
    let wrapped = base.clone().set_text_wrap().set_align(FormatAlign::Top);
    let cell = base.clone().set_border(FormatBorder::Thin);
    let header = cell.clone().set_bold().set_align(FormatAlign::Center).set_background_color(0xF2F2F2);
    let label = cell.clone().set_text_wrap();
    let text = cell.clone().set_text_wrap();
    let number = cell.clone().set_num_format("#,##0").set_align(FormatAlign::Right);
    let percent = cell.clone().set_num_format("0.0%").set_align(FormatAlign::Right);
    let text_right = cell.clone().set_align(FormatAlign::Right);
    let unit = cell.clone().set_align(FormatAlign::Center);
    let note = cell.clone().set_text_wrap().set_font_size(9);
    let last = (COLS - 1) as u16;

    let number_left = cell.clone().set_num_format("0").set_align(FormatAlign::Left);
    let value = |ws: &mut Worksheet, row: u32, col: u16, to: u16, v: &Val| -> std::result::Result<(), XlsxError> {
        if to > col {
            ws.merge_range(row, col, row, to, "", &cell)?;
        }
        match v {
            Val::None => ws.write_blank(row, col, &cell)?,
            // A number across a whole line (3 圏域の数) reads like the text fields beside it.
            Val::Int(x) if to == last => ws.write_number_with_format(row, col, *x as f64, &number_left)?,
            Val::Int(x) => ws.write_number_with_format(row, col, *x as f64, &number)?,
            Val::Percent(p) => ws.write_number_with_format(row, col, *p, &percent)?,
            Val::Text(s) if to > col => ws.write_string_with_format(row, col, s, &text)?,
            Val::Text(s) => ws.write_string_with_format(row, col, s, &text_right)?,
        };
        Ok(())
    };

    let mut breaks = Vec::new();
    for (row, line) in lines.iter().enumerate() {
        let row = row as u32;
        match line {
            Line::Title(s) => {
                ws.merge_range(row, 0, row, last, s, &title)?;
                ws.set_row_height(row, 24)?;
            }
            Line::Period(s) => {
                ws.merge_range(row, 0, row, last, s, &period)?;
            }
            Line::Section(s) => {
                ws.write_string_with_format(row, 0, s, &section)?;
                ws.set_row_height(row, 20)?;
            }
            Line::Sub(s) => {
                ws.write_string_with_format(row, 0, s, &sub)?;
            }
            Line::Caption(s) => {
                ws.write_string_with_format(row, 0, s, &caption)?;
            }
            Line::Field { label: l, value: v } => {
                ws.write_string_with_format(row, 0, l, &label)?;
                value(ws, row, 1, last, v)?;
                tall(ws, row, l, "")?;
            }
            Line::One { label: l, value: v, unit: u, note: n } => {
                tall(ws, row, l, n)?;
                ws.write_string_with_format(row, 0, l, &label)?;
                value(ws, row, 1, 2, v)?;
                ws.write_string_with_format(row, 3, u, &unit)?;
                ws.write_string_with_format(row, 4, n, &note)?;
            }
            Line::Sum { label: l, n, value: v, unit: u } => {
                ws.write_string_with_format(row, 0, l, &label)?;
                ws.merge_range(row, 1, row, 2, "", &cell)?;
                let formula = Formula::new(format!("=SUM({}:{})", cell_name(row - n, 1), cell_name(row - 1, 1))).set_result(v.to_string());
                ws.write_formula_with_format(row, 1, formula, &number)?;
                ws.write_string_with_format(row, 3, u, &unit)?;
                ws.write_blank(row, 4, &note)?;
            }
            Line::PlanHeader => {
                for (col, s) in ["", "計画", "実績"].iter().enumerate() {
                    ws.write_string_with_format(row, col as u16, *s, &header)?;
                }
            }
            Line::Two { label: l, plan, actual, unit: u, note: n } => {
                tall(ws, row, l, n)?;
                ws.write_string_with_format(row, 0, l, &label)?;
                value(ws, row, 1, 1, plan)?;
                value(ws, row, 2, 2, actual)?;
                ws.write_string_with_format(row, 3, u, &unit)?;
                ws.write_string_with_format(row, 4, n, &note)?;
            }
            Line::OtherHeader => {
                ws.write_string_with_format(row, 0, "事業内容", &header)?;
                ws.merge_range(row, 1, row, 3, "回数等", &header)?;
            }
            Line::Other { label: l, count } => {
                ws.write_string_with_format(row, 0, l, &label)?;
                value(ws, row, 1, 2, &count.map(Val::Int).unwrap_or(Val::None))?;
                ws.write_string_with_format(row, 3, if count.is_some() { "回" } else { "" }, &unit)?;
                tall(ws, row, l, "")?;
            }
            Line::Note(s) => {
                ws.merge_range(row, 0, row, last, s, &wrapped)?;
                let n = lines_in(s, 0, total);
                ws.set_row_height(row, 15.0 * f64::from(n) + 2.0)?;
            }
            Line::PageBreak => breaks.push(row),
            Line::Blank => {}
        }
    }
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(15, 1), "B16");
        assert_eq!(cell_name(99, 4), "E100");
    }
}
