//! How wide text is on screen and on paper, by East Asian width: a full-width character (漢字,
//! かな, 全角英数) takes two columns, a half-width one (ASCII, ｶﾅ) one.
//!
//! rust_xlsxwriter's autofit counts every non-ASCII character as narrow, so a column of names
//! comes out half as wide as it must be. The XLSX column widths are computed here instead.

use unicode_width::UnicodeWidthStr;

use crate::ledger::table::{Cell, Table};

/// Excel character units added to every column, so that text does not touch the borders.
pub const XLSX_PADDING: f64 = 2.0;
/// Room for the autofilter's drop-down button in the header cell, in display columns.
pub const FILTER_BUTTON: usize = 2;

/// The display width of `s` in columns: 2 for full-width characters (East Asian Wide and
/// Fullwidth, and the Ambiguous ones such as ○ ※ ①, which Japanese fonts draw full-width), 1 for
/// the others. Text with line breaks is as wide as its widest line.
pub fn display_width(s: &str) -> usize {
    s.split('\n').map(|line| line.trim_end_matches('\r').width_cjk()).max().unwrap_or(0)
}

/// The text of a cell as the spreadsheet shows it: dates in 和暦 (the number format), the rest
/// as is.
pub fn shown_in_xlsx(cell: &Cell) -> String {
    cell.printed()
}

/// One column of an XLSX sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct XlsxColumn {
    /// The column width in Excel character units (the width of "0" in the default font).
    pub width: f64,
    /// Cells wider than this many display columns wrap.
    pub wrap_at: usize,
}

/// The widths of the XLSX columns: the widest of the header (plus the filter button) and the
/// cells, capped at twice the column's `max_width` (which counts full-width characters), plus
/// padding. One full-width character is two Excel character units, like two digits.
pub fn xlsx_columns(table: &Table) -> Vec<XlsxColumn> {
    let mut widest: Vec<usize> = table.columns.iter().map(|c| display_width(&c.header) + FILTER_BUTTON).collect();
    for row in &table.rows {
        for (w, cell) in widest.iter_mut().zip(row) {
            let cw = match cell {
                Cell::Empty => 0,
                Cell::Text(s) => display_width(s),
                other => display_width(&shown_in_xlsx(other)),
            };
            *w = (*w).max(cw);
        }
    }
    table
        .columns
        .iter()
        .zip(widest)
        .map(|(c, w)| {
            let wrap_at = w.min(usize::from(c.max_width) * 2).max(1);
            XlsxColumn { width: wrap_at as f64 + XLSX_PADDING, wrap_at }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Date;
    use crate::ledger::table::Column;

    #[test]
    fn full_width_characters_count_two() {
        assert_eq!(display_width("山田 太郎"), 9);
        assert_eq!(display_width("ABC"), 3);
        assert_eq!(display_width("ｱｲｳ"), 3);
        assert_eq!(display_width("ＡＢＣ"), 6);
        assert_eq!(display_width("①○※"), 6);
        assert_eq!(display_width("令和7年4月1日"), 13);
        assert_eq!(display_width("一行目\n二行目の方が長い"), 16);
        assert_eq!(display_width(""), 0);
    }

    #[test]
    fn a_japanese_column_is_about_twice_as_wide_as_an_ascii_one() {
        let table = Table {
            title: "t".into(),
            subtitle: String::new(),
            columns: vec![Column::new("a", 20), Column::new("b", 20)],
            rows: vec![vec![Cell::text("山田製作所株式会社"), Cell::text("Yamada Ltd")]],
        };
        let cols = xlsx_columns(&table);
        let (ja, en) = (cols[0].width - XLSX_PADDING, cols[1].width - XLSX_PADDING);
        assert_eq!((ja, en), (18.0, 10.0));
        assert!((ja / en - 1.8).abs() < 1e-9, "nine characters, twice as wide as ten ASCII would be");
        // Same length, one Japanese and one ASCII: twice the width.
        let table = Table { rows: vec![vec![Cell::text("ああああああ"), Cell::text("aaaaaa")]], ..table };
        let cols = xlsx_columns(&table);
        assert_eq!(cols[0].width - XLSX_PADDING, 2.0 * (cols[1].width - XLSX_PADDING));
    }

    #[test]
    fn widths_are_capped_by_max_width_and_hold_the_header() {
        let table = Table {
            title: "t".into(),
            subtitle: String::new(),
            columns: vec![Column::new("備考", 5), Column::new("担当産業医等", 10), Column::new("実施日", 12)],
            rows: vec![vec![Cell::text("とても長い備考がここに書かれている"), Cell::Empty, Cell::Date(Date::ymd(2025, 10, 10).unwrap())]],
        };
        let cols = xlsx_columns(&table);
        assert_eq!(cols[0].wrap_at, 10, "capped at twice max_width");
        assert_eq!(cols[1].wrap_at, 12 + FILTER_BUTTON, "the header and its filter button");
        assert_eq!(cols[2].wrap_at, display_width("令和7年10月10日"), "dates as shown, in 和暦");
    }
}
