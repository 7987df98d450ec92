//! PDF: the ledger as a printed table, in the forms' font (IPAex明朝), on A4 landscape pages.
//!
//! Every page repeats the 様式例 number, the title, the subtitle and the header row, and says
//! "N/M" in its footer. Column widths follow the content: each column asks for its widest cell
//! (never more than its `max_width` in full-width characters); when the asks do not fit the page,
//! the narrow columns keep theirs and the wide ones share what is left, but a date, a number or a
//! phone number is never broken. Text wraps by the Japanese rules (`forms::wrap`), at spaces
//! where it can (names stay whole), and is never clipped: rows grow taller, and a row taller than
//! a page continues on the next one, its 番号 repeated.

use crate::error::Result;
use crate::forms::canvas::{centered_baseline, pt_to_mm, Canvas, Meta, PageSize};
use crate::forms::fonts::{FontFace, FontSet};
use crate::forms::wrap::wrap;
use crate::ledger::table::{Cell, Table};

const PAGE: PageSize = PageSize::A4_LANDSCAPE;
const LEFT: f32 = 8.0;
const RIGHT: f32 = PAGE.width_mm - 8.0;
const WIDTH: f32 = RIGHT - LEFT;
/// Where the table starts on every page (the header row's top).
const TABLE_TOP: f32 = 24.0;
/// Rows never go below this line; the footer lives under it.
const BOTTOM: f32 = 199.0;
const FOOTER_Y: f32 = 205.0;

const FACE: FontFace = FontFace::Mincho;
/// Sizes in points.
const TITLE: f32 = 13.0;
const SUBTITLE: f32 = 9.5;
const SMALL: f32 = 7.5;
const BODY: f32 = 7.5;
/// Cell padding in millimetres.
const PAD_X: f32 = 1.0;
const PAD_Y: f32 = 0.8;
const LINE_SPACING: f32 = 1.3;
/// Rule widths in points.
const THIN: f32 = 0.35;
const FRAME: f32 = 0.7;
const HEADER_GRAY: f32 = 0.9;

fn line_height() -> f32 {
    pt_to_mm(BODY) * LINE_SPACING
}

/// The width of one display column (half a full-width character) at the body size, in mm.
fn unit() -> f32 {
    pt_to_mm(BODY) / 2.0
}

/// Split `text` into the lines that fit `width` mm, by the Japanese rules (`forms::wrap`). Where
/// the text has spaces (事務長 山田 太郎), lines break at them when they can, so that a name is not
/// cut in two; a line never starts with the space it broke at.
fn lines_of(fonts: &FontSet, text: &str, width: f32) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let measure = |t: &str| pt_to_mm(fonts.width(FACE, BODY, t));
    if !text.contains('\n') && measure(text) <= width {
        return vec![text.to_string()];
    }
    let mut out = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r');
        let mut line = String::new();
        for word in para.split(' ') {
            let joined = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if measure(&joined) <= width {
                line = joined;
            } else if !line.is_empty() && measure(word) <= width {
                out.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                // The word is longer than a line: fill the line and break inside the word.
                let mut wrapped = wrap(&joined, width, &measure);
                line = wrapped.pop().unwrap_or_default().trim_start().to_string();
                out.extend(wrapped);
            }
        }
        out.push(line);
    }
    out
}

/// [`lines_of`], with the lines as even as the same number of lines allows (面接指導 / の区分
/// rather than 面接指導の区 / 分).
fn balanced_lines(fonts: &FontSet, text: &str, width: f32) -> Vec<String> {
    let lines = lines_of(fonts, text, width);
    if lines.len() < 2 {
        return lines;
    }
    let (mut lo, mut hi) = (width / lines.len() as f32, width);
    for _ in 0..12 {
        let mid = (lo + hi) / 2.0;
        if lines_of(fonts, text, mid).len() > lines.len() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lines_of(fonts, text, hi)
}

/// Characters wrapping keeps together (a phone number, a Latin word): as in `forms::wrap`.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '\'' | '-' | '_' | '/' | '@' | '+' | '&' | '.')
}

/// The column widths in mm, filling the page width.
fn column_widths(table: &Table, fonts: &FontSet) -> Vec<f32> {
    let measure = |t: &str| pt_to_mm(fonts.width(FACE, BODY, t));
    let pad = 2.0 * PAD_X + 0.2;
    let (mut asks, mut mins) = (Vec::new(), Vec::new());
    for (i, c) in table.columns.iter().enumerate() {
        // The header may wrap at its spaces (相談者 / 氏名), not inside a word.
        let header = c.header.split_whitespace().map(measure).fold(0.0, f32::max);
        let (mut widest, mut unbreakable) = (0.0f32, 0.0f32);
        for cell in table.rows.iter().filter_map(|r| r.get(i)) {
            match cell {
                Cell::Empty => {}
                // A date or a number is never broken: 令和7年10月10日 on one line.
                Cell::Date(_) | Cell::Int(_) => {
                    let w = measure(&cell.printed());
                    widest = widest.max(w);
                    unbreakable = unbreakable.max(w);
                }
                Cell::Text(s) => {
                    for line in s.split('\n') {
                        widest = widest.max(measure(line));
                        for word in line.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
                            unbreakable = unbreakable.max(measure(word));
                        }
                    }
                }
            }
        }
        let cap = f32::from(c.max_width.max(1)) * 2.0 * unit();
        asks.push(header.max(widest.min(cap)).max(2.0 * unit()) + pad);
        mins.push(unbreakable.min(cap) + pad);
    }
    fit(&asks, &mins, WIDTH)
}

/// Widths that add up to `total`. If every ask fits, the asks scaled up to fill the width.
/// Otherwise each column gets its ask up to a common cap, but never less than its minimum (what
/// cannot be broken), with the cap chosen so that the widths fill `total`: narrow columns keep
/// their width and the wide ones share what is left. If even the minimums do not fit, they are
/// scaled down (and long words break).
pub(crate) fn fit(asks: &[f32], mins: &[f32], total: f32) -> Vec<f32> {
    let mins: Vec<f32> = mins.iter().zip(asks).map(|(m, a)| m.min(*a)).collect();
    let sum: f32 = asks.iter().sum();
    if asks.is_empty() || sum <= 0.0 {
        return asks.to_vec();
    }
    if sum <= total {
        let k = total / sum;
        return asks.iter().map(|a| a * k).collect();
    }
    let min_sum: f32 = mins.iter().sum();
    if min_sum >= total {
        let k = total / min_sum;
        return mins.iter().map(|m| m * k).collect();
    }
    let widths = |cap: f32| -> Vec<f32> { asks.iter().zip(&mins).map(|(a, m)| a.min(cap).max(*m)).collect() };
    let (mut lo, mut hi) = (0.0f32, asks.iter().copied().fold(0.0, f32::max));
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if widths(mid).iter().sum::<f32>() > total {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    widths(lo)
}

/// The 様式例 number of a ledger, by its title.
pub(crate) fn form_no(title: &str) -> Option<&'static str> {
    use crate::ledger::LedgerKind;
    [LedgerKind::Consultation, LedgerKind::Interview, LedgerKind::Visit].into_iter().find(|k| k.title() == title).map(LedgerKind::form_no)
}

struct Doc<'a> {
    canvas: Canvas,
    table: &'a Table,
    /// Each column's left edge, width and whether it is right-aligned (numbers).
    layout: Vec<(f32, f32, bool)>,
    header_lines: Vec<Vec<String>>,
    header_h: f32,
    /// The top of the table on the current page, and where the next row goes.
    top: f32,
    y: f32,
}

impl Doc<'_> {
    fn new_page(&mut self) {
        self.canvas.new_page_landscape();
        let t = self.table;
        if let Some(no) = form_no(&t.title) {
            self.canvas.text(LEFT, 9.0, FACE, SMALL, no);
        }
        self.canvas.text_center(LEFT, 13.5, WIDTH, FACE, TITLE, &t.title);
        if !t.subtitle.is_empty() {
            self.canvas.text_center(LEFT, 19.5, WIDTH, FACE, SUBTITLE, &t.subtitle);
        }
        self.canvas.text_right(LEFT, 19.5, WIDTH, FACE, SMALL, &format!("全{}件", t.rows.len()));
        // The header row, shaded, its labels centred.
        let (top, h) = (TABLE_TOP, self.header_h);
        self.canvas.fill_rect(LEFT, top, WIDTH, h, HEADER_GRAY);
        let lh = line_height();
        for (i, &(x, w, _)) in self.layout.iter().enumerate() {
            let lines = &self.header_lines[i];
            let first = top + (h - lh * lines.len() as f32) / 2.0;
            for (k, l) in lines.iter().enumerate() {
                self.canvas.text_center(x, centered_baseline(first + lh * k as f32, lh, BODY), w, FACE, BODY, l);
            }
        }
        self.canvas.line(LEFT, top + h, RIGHT, top + h, THIN);
        self.top = top;
        self.y = top + h;
    }

    /// The column rules and the frame of the table on the current page, down to the last row.
    fn close_page(&mut self) {
        for &(x, _, _) in self.layout.iter().skip(1) {
            self.canvas.line(x, self.top, x, self.y, THIN);
        }
        self.canvas.rect(LEFT, self.top, WIDTH, self.y - self.top, FRAME);
    }

    fn row(&mut self, cells: &[Cell]) {
        let lh = line_height();
        let lines: Vec<Vec<String>> =
            self.layout.iter().zip(cells).map(|(&(_, w, _), cell)| lines_of(self.canvas.fonts(), &cell.printed(), w - 2.0 * PAD_X)).collect();
        let total = lines.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let room = |y: f32| ((BOTTOM - y - 2.0 * PAD_Y) / lh + 1e-3).floor().max(0.0) as usize;
        let fresh = room(TABLE_TOP + self.header_h);
        // A row that fits a fresh page is never split: it moves to the next page whole.
        if total > room(self.y) && (total <= fresh || room(self.y) == 0) {
            self.close_page();
            self.new_page();
        }
        let mut start = 0;
        loop {
            let n = (total - start).min(room(self.y)).max(1);
            let h = n as f32 * lh + 2.0 * PAD_Y;
            for (i, (&(x, w, right), ls)) in self.layout.iter().zip(&lines).enumerate() {
                // A row continued from the previous page says its 番号 again.
                let repeat = start > 0 && i == 0 && ls.len() <= start;
                let shown = if repeat { &ls[..ls.len().min(1)] } else { ls.get(start..).unwrap_or_default() };
                for (k, l) in shown.iter().take(n).enumerate() {
                    let base = centered_baseline(self.y + PAD_Y + lh * k as f32, lh, BODY);
                    if right {
                        self.canvas.text_right(x, base, w - PAD_X, FACE, BODY, l);
                    } else {
                        self.canvas.text(x + PAD_X, base, FACE, BODY, l);
                    }
                }
            }
            self.y += h;
            self.canvas.line(LEFT, self.y, RIGHT, self.y, THIN);
            start += n;
            if start >= total {
                break;
            }
            self.close_page();
            self.new_page();
        }
    }
}

/// The PDF's bytes.
pub fn to_bytes(table: &Table, fonts: &FontSet) -> Result<Vec<u8>> {
    // Numbers are right-aligned in columns that hold nothing else.
    let numeric = |i: usize| {
        let mut cells = table.rows.iter().filter_map(|r| r.get(i)).filter(|c| **c != Cell::Empty).peekable();
        cells.peek().is_some() && cells.all(|c| matches!(c, Cell::Int(_)))
    };
    let mut x = LEFT;
    let cols: Vec<(f32, f32, bool)> = column_widths(table, fonts)
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            x += w;
            (x - w, w, numeric(i))
        })
        .collect();
    let header_lines: Vec<Vec<String>> = table
        .columns
        .iter()
        .zip(&cols)
        .map(|(c, &(_, w, _))| {
            let inner = w - 2.0 * PAD_X;
            // Break the header at its spaces first, then by width, into lines of even length.
            c.header.split_whitespace().flat_map(|part| balanced_lines(fonts, part, inner)).collect()
        })
        .collect();
    let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * line_height() + 2.0 * PAD_Y;
    let subject = [form_no(&table.title).unwrap_or_default(), table.subtitle.as_str()].join(" ").trim().to_string();
    let meta = Meta { title: table.title.clone(), author: super::xlsx::AUTHOR.to_string(), subject, created: chrono::Utc::now() };
    let mut doc = Doc { canvas: Canvas::new(fonts.clone(), meta), table, layout: cols, header_lines, header_h, top: TABLE_TOP, y: TABLE_TOP };
    doc.new_page();
    if table.rows.is_empty() {
        let lh = line_height();
        doc.canvas.text(LEFT + PAD_X, centered_baseline(doc.y + PAD_Y, lh, BODY), FACE, BODY, "該当する記録はありません。");
        doc.y += lh + 2.0 * PAD_Y;
    }
    let total = table.rows.len() as u64;
    for (i, row) in table.rows.iter().enumerate() {
        doc.row(row);
        crate::progress::step("台帳を PDF にしています", i as u64 + 1, total);
        crate::progress::checkpoint()?;
    }
    doc.close_page();
    let pages = doc.canvas.page_count();
    for p in 0..pages {
        doc.canvas.select_page(p);
        doc.canvas.text_center(LEFT, FOOTER_Y, WIDTH, FACE, SMALL, &format!("{}/{}", p + 1, pages));
        let left = [table.title.as_str(), table.subtitle.as_str()].join("　");
        doc.canvas.text(LEFT, FOOTER_Y, FACE, SMALL - 0.5, left.trim());
    }
    doc.canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_page_and_cut_only_the_widest() {
        let sum = |w: &[f32]| w.iter().sum::<f32>();
        let w = fit(&[10.0, 20.0, 30.0], &[0.0; 3], 120.0);
        assert!((sum(&w) - 120.0).abs() < 1e-3);
        assert!((w[2] / w[0] - 3.0).abs() < 1e-4, "scaled up in proportion: {w:?}");
        let w = fit(&[10.0, 20.0, 100.0, 200.0], &[0.0; 4], 150.0);
        assert!((w[0] - 10.0).abs() < 1e-3 && (w[1] - 20.0).abs() < 1e-3, "narrow columns keep their width: {w:?}");
        assert!((w[2] - 60.0).abs() < 1e-3 && (w[3] - 60.0).abs() < 1e-3, "{w:?}");
        assert!((sum(&w) - 150.0).abs() < 1e-3);
        // A minimum (a date) holds even when the cap is below it.
        let w = fit(&[40.0, 100.0, 100.0], &[40.0, 5.0, 5.0], 100.0);
        assert!((w[0] - 40.0).abs() < 1e-3 && (w[1] - 30.0).abs() < 1e-3 && (w[2] - 30.0).abs() < 1e-3, "{w:?}");
        let w = fit(&[100.0, 100.0], &[100.0, 100.0], 50.0);
        assert_eq!(w, vec![25.0, 25.0]);
        assert!(fit(&[], &[], 10.0).is_empty());
    }

    #[test]
    fn form_numbers_come_from_the_title() {
        assert_eq!(form_no("特定健康相談実施台帳"), Some("様式例1-3"));
        assert_eq!(form_no("面接指導実施台帳"), Some("様式例2-4"));
        assert_eq!(form_no("その他"), None);
    }
}
