//! The layout every 様式 shares: A4 portrait, ruled cells with shaded labels, options printed as
//! on paper with the chosen one circled (○) or ticked (■), and free text that wraps inside its
//! box by the Japanese rules.
//!
//! Nothing is clipped silently: short values may shrink down to [`MIN_SIZE`] (never below), and
//! free text that does not fit continues on continuation pages at the end, which repeat the form's
//! header and say so. Every page carries the status mark (下書き / 訂正版) and a footer with the
//! record id, the version and "page N/M".

use crate::domain::{Code, Date};
use crate::error::Result;

use super::canvas::{centered_baseline, pt_to_mm, Canvas, Meta};
use super::clearance::{Clearance, Rect};
use super::fonts::{FontFace, FontSet};
use super::wrap::wrap;

pub const LEFT: f32 = 15.0;
pub const RIGHT: f32 = 195.0;
pub const WIDTH: f32 = RIGHT - LEFT;
/// Content never goes below this line; the footer lives under it.
pub const BOTTOM: f32 = 283.0;
const FOOTER_Y: f32 = 290.0;
/// Sizes in points.
pub const TITLE: f32 = 14.0;
pub const LABEL: f32 = 8.5;
pub const VALUE: f32 = 9.5;
pub const SMALL: f32 = 7.5;
/// Text is never shrunk below this size to make it fit: it continues on another page instead.
pub const MIN_SIZE: f32 = 7.0;
/// Rule widths in points.
pub const THIN: f32 = 0.5;
pub const THICK: f32 = 1.2;
const PAD: f32 = 1.5;
const LINE_SPACING: f32 = 1.35;
const LABEL_GRAY: f32 = 0.92;
const FACE: FontFace = FontFace::Mincho;
/// How far a circle round a chosen option stands out from its text, left and right, in mm.
pub const CIRCLE_PAD: f32 = 1.0;
/// Said where a box's text continues on a continuation page.
pub const CONTINUED: &str = "（別紙に続く）";

/// What the print says about the record's state.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintStatus {
    /// Not finalised: watermarked, and marked as not to be handed out.
    Draft,
    /// Version 1 as finalised.
    Final,
    /// A corrected version (訂正版), with the date of the correction.
    Amended { version: u32, amended_on: Date },
}

/// Who and what the document is: the header of every page and the PDF's metadata.
#[derive(Debug, Clone)]
pub struct FormHeader {
    /// 様式例2-3 etc.
    pub form_no: String,
    pub title: String,
    pub record_id: String,
    pub version: u32,
    pub status: PrintStatus,
    /// Repeated on continuation pages so a loose sheet can be matched: 対象者・実施日.
    pub subject_line: String,
    /// The doctor (PDF author).
    pub author: String,
}

impl FormHeader {
    fn status_text(&self) -> String {
        match &self.status {
            PrintStatus::Draft => "下書き".into(),
            PrintStatus::Final => format!("第{}版", self.version),
            PrintStatus::Amended { version, .. } => format!("第{version}版（訂正版）"),
        }
    }
}

/// One option as the form prints it: `0：なし`.
#[derive(Debug, Clone, PartialEq)]
pub struct Opt {
    pub text: String,
    pub selected: bool,
}

/// The options of a code, in form order, with the chosen ones marked.
pub fn opts<C: Code + PartialEq>(chosen: &[C]) -> Vec<Opt> {
    C::ALL.iter().map(|c| Opt { text: format!("{}：{}", c.mark(), c.label()), selected: chosen.contains(c) }).collect()
}

/// The options of a code, with one (or none) chosen.
pub fn opts_one<C: Code + PartialEq>(chosen: Option<C>) -> Vec<Opt> {
    opts(chosen.as_slice())
}

/// Options built from plain labels.
pub fn opts_text(items: &[(&str, bool)]) -> Vec<Opt> {
    items.iter().map(|(t, s)| Opt { text: t.to_string(), selected: *s }).collect()
}

/// How an option list marks its choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A circle round the chosen option (0：なし 1：軽 …).
    Circle,
    /// □ before each option, ■ for the chosen ones.
    Box,
}

fn line_height(size: f32) -> f32 {
    pt_to_mm(size) * LINE_SPACING
}

/// A form being drawn.
pub struct Sheet {
    canvas: Canvas,
    header: FormHeader,
    /// Text that did not fit its box: (the field's label, the lines still to print).
    overflow: Vec<(String, Vec<String>)>,
    /// What was drawn on the first page, for the clearance check.
    clearance: Clearance,
}

impl std::fmt::Debug for Sheet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sheet").field("form", &self.header.form_no).field("pages", &self.canvas.page_count()).finish_non_exhaustive()
    }
}

impl Sheet {
    pub fn new(fonts: FontSet, header: FormHeader) -> Sheet {
        let meta = Meta {
            title: header.title.clone(),
            author: header.author.clone(),
            subject: format!("{} 記録ID {} {}", header.form_no, header.record_id, header.status_text()),
            created: chrono::Utc::now(),
        };
        let mut sheet = Sheet { canvas: Canvas::new(fonts, meta), header, overflow: Vec::new(), clearance: Clearance::default() };
        sheet.canvas.new_page();
        sheet.page_top();
        sheet
    }

    /// The form number at the top left and the status mark at the top right.
    fn page_top(&mut self) {
        let form_no = self.header.form_no.clone();
        self.canvas.text(LEFT, 10.0, FACE, SMALL, &form_no);
        let mark = match &self.header.status {
            PrintStatus::Draft => Some("下書き（確定前のため交付できません）".to_string()),
            PrintStatus::Final => None,
            PrintStatus::Amended { version, amended_on } => Some(format!("訂正版（第{version}版）{}訂正", amended_on.wareki())),
        };
        if let Some(mark) = mark {
            let w = self.canvas.text_width(FACE, LABEL, &mark) + 2.0 * PAD + 1.0;
            self.canvas.rect(RIGHT - w, 5.5, w, 6.0, THICK);
            self.canvas.text_center(RIGHT - w, centered_baseline(5.5, 6.0, LABEL), w, FACE, LABEL, &mark);
        }
    }

    /// The form's title, centred, with its baseline at `y`.
    pub fn title(&mut self, y: f32, text: &str) {
        self.canvas.text_center(LEFT, y, WIDTH, FACE, TITLE, text);
    }

    /// A line of text at (x, baseline y).
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: &str) -> f32 {
        let w = self.canvas.text(x, y, FACE, size, text);
        self.note_text(x, y, w, size, text);
        w
    }

    pub fn text_right(&mut self, x: f32, y: f32, w: f32, size: f32, text: &str) {
        let tw = self.canvas.text_right(x, y, w, FACE, size, text);
        self.note_text(x + w - tw, y, tw, size, text);
    }

    /// Record a run of text set at (x, baseline y), `w` wide, for the clearance check. IPAex
    /// glyphs stand 0.88 em above the baseline and 0.12 em below it.
    fn note_text(&mut self, x: f32, y: f32, w: f32, size: f32, text: &str) {
        let em = pt_to_mm(size);
        self.clearance.text(Rect { x, y: y - 0.88 * em, w, h: em }, text);
    }

    /// Circles touching rules or each other, and text touching rules, on the first page.
    pub fn clearance_problems(&self) -> Vec<String> {
        self.clearance.problems()
    }

    pub fn width(&self, size: f32, text: &str) -> f32 {
        self.canvas.text_width(FACE, size, text)
    }

    /// A picture in a ruled box (see [`Canvas::image_rgb`]).
    #[allow(clippy::too_many_arguments)]
    pub fn picture(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: Vec<u8>, px_w: u32, px_h: u32) {
        self.canvas.image_rgb(x, y, w, h, rgb, px_w, px_h);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        self.canvas.line(x1, y1, x2, y2, width);
        self.clearance.rule(x1, y1, x2, y2);
    }

    /// A ruled box.
    pub fn cell(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.canvas.rect(x, y, w, h, THIN);
        self.clearance.cell(x, y, w, h);
    }

    /// An outer frame, drawn thicker.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.canvas.rect(x, y, w, h, THICK);
        self.clearance.cell(x, y, w, h);
    }

    /// A shaded label cell with its label centred (wrapped onto more lines when narrow).
    pub fn label(&mut self, x: f32, y: f32, w: f32, h: f32, text: &str) {
        self.canvas.fill_rect(x, y, w, h, LABEL_GRAY);
        self.cell(x, y, w, h);
        self.centered_lines(x, y, w, h, text, LABEL);
    }

    /// Text centred in a box, wrapped and shrunk (never below MIN_SIZE) to fit. Used for labels,
    /// whose text is fixed by the form.
    fn centered_lines(&mut self, x: f32, y: f32, w: f32, h: f32, text: &str, size: f32) {
        let (size, lines) = self.fit(text, w - 2.0 * PAD, h - 1.0, size);
        let lines = self.balanced(text, lines, w - 2.0 * PAD, size);
        let lh = line_height(size);
        let top = y + (h - lh * lines.len() as f32) / 2.0;
        for (i, l) in lines.iter().enumerate() {
            let base = centered_baseline(top + lh * i as f32, lh, size);
            let tw = self.canvas.text_center(x, base, w, FACE, size, l);
            self.note_text(x + (w - tw) / 2.0, base, tw, size, l);
        }
    }

    /// `lines` (the wrapping of `text` at `w`) made as even as the same number of lines allows,
    /// so that a label does not end with one character on a line of its own (「…に関する意 / 見」).
    fn balanced(&self, text: &str, lines: Vec<String>, w: f32, size: f32) -> Vec<String> {
        if lines.len() < 2 {
            return lines;
        }
        let measure = |t: &str| self.canvas.text_width(FACE, size, t);
        let (mut lo, mut hi) = (w / lines.len() as f32, w);
        for _ in 0..12 {
            let mid = (lo + hi) / 2.0;
            if wrap(text, mid, &measure).len() > lines.len() {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        wrap(text, hi, &measure)
    }

    /// The largest size from `size` down to MIN_SIZE at which `text` fits the box, and its lines.
    fn fit(&self, text: &str, w: f32, h: f32, size: f32) -> (f32, Vec<String>) {
        let mut s = size;
        loop {
            let measure = |t: &str| self.canvas.text_width(FACE, s, t);
            let lines = wrap(text, w, &measure);
            let fits = lines.len() as f32 * line_height(s) <= h + 0.01;
            if fits || s <= MIN_SIZE {
                return (s, lines);
            }
            s = (s - 0.5).max(MIN_SIZE);
        }
    }

    /// A value cell: the value on one line, centred vertically, or wrapped, and shrunk towards
    /// MIN_SIZE if it must be. What still does not fit continues on a continuation page.
    pub fn value(&mut self, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str) {
        self.cell(x, y, w, h);
        self.value_text(x, y, w, h, field, text, VALUE, true);
    }

    /// A value written into a box without ruling it (the box is ruled by the caller).
    pub fn value_in(&mut self, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str) {
        self.value_text(x, y, w, h, field, text, VALUE, true);
    }

    /// Free text in a ruled box, top-aligned at VALUE size. It is not shrunk: what does not fit
    /// continues on a continuation page.
    pub fn text_area(&mut self, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str) {
        self.cell(x, y, w, h);
        self.value_text(x, y, w, h, field, text, VALUE, false);
    }

    /// Free text written into a box the caller rules.
    pub fn text_area_in(&mut self, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str) {
        self.value_text(x, y, w, h, field, text, VALUE, false);
    }

    #[allow(clippy::too_many_arguments)]
    fn value_text(&mut self, x: f32, y: f32, w: f32, h: f32, field: &str, text: &str, size: f32, shrink: bool) {
        if text.trim().is_empty() {
            return;
        }
        let inner_w = w - 2.0 * PAD;
        let inner_h = h - 1.0;
        let (size, lines) = if shrink {
            self.fit(text, inner_w, inner_h, size)
        } else {
            let measure = |t: &str| self.canvas.text_width(FACE, size, t);
            (size, wrap(text, inner_w, &measure))
        };
        let lh = line_height(size);
        let capacity = ((inner_h / lh).floor() as usize).max(1);
        if lines.len() == 1 {
            let base = centered_baseline(y, h, size);
            let tw = self.canvas.text(x + PAD, base, FACE, size, &lines[0]);
            self.note_text(x + PAD, base, tw, size, &lines[0]);
            return;
        }
        let (shown, rest) = if lines.len() <= capacity {
            (lines.as_slice(), &[][..])
        } else {
            // The last line of the box says where the rest is.
            let keep = capacity.saturating_sub(1).max(1).min(lines.len());
            (&lines[..keep], &lines[keep..])
        };
        let top = if rest.is_empty() && lines.len() as f32 * lh < inner_h && shrink { y + (h - lh * lines.len() as f32) / 2.0 } else { y + 0.6 };
        for (i, l) in shown.iter().enumerate() {
            let base = centered_baseline(top + lh * i as f32, lh, size);
            let tw = self.canvas.text(x + PAD, base, FACE, size, l);
            self.note_text(x + PAD, base, tw, size, l);
        }
        if !rest.is_empty() {
            let base = centered_baseline(top + lh * shown.len() as f32, lh, size);
            self.canvas.text_right(x, base.min(y + h - 0.8), w - PAD, FACE, size, CONTINUED);
            self.overflow.push((field.to_string(), rest.to_vec()));
        }
    }

    /// Options in a row starting at (x, baseline y), flowing onto new lines within `max_w`.
    /// Returns the height used (one line or more).
    ///
    /// A chosen option is circled: the circle stands [`CIRCLE_PAD`] clear of its text on each
    /// side, and options are set [`Sheet::option_gap`] apart, so that two circles side by side
    /// never touch. Callers start the row at least `CIRCLE_PAD` plus a millimetre from a rule.
    pub fn options(&mut self, x: f32, y: f32, max_w: f32, items: &[Opt], mark: Mark, size: f32) -> f32 {
        let gap = Self::option_gap(mark);
        let lh = line_height(size) + 1.2;
        let (mut cx, mut cy) = (x, y);
        for item in items {
            let text = match mark {
                Mark::Circle => item.text.clone(),
                Mark::Box => format!("{}{}", if item.selected { "■" } else { "□" }, item.text),
            };
            let mut w = self.canvas.text_width(FACE, size, &text);
            if cx > x && cx + w > x + max_w {
                cx = x;
                cy += lh;
            }
            // An option wider than its room is set smaller (never below MIN_SIZE), not run out of its box.
            let mut item_size = size;
            while w > max_w && item_size > MIN_SIZE {
                item_size = (item_size - 0.25).max(MIN_SIZE);
                w = self.canvas.text_width(FACE, item_size, &text);
            }
            self.canvas.text(cx, cy, FACE, item_size, &text);
            self.note_text(cx, cy, w, item_size, &text);
            if mark == Mark::Circle && item.selected {
                let em = pt_to_mm(size);
                // Centred on the glyphs' middle, 0.38 em above the baseline.
                let mid = cy - em * 0.38;
                let r = if w < 2.2 * em {
                    // One or two characters (男, 月): a circle.
                    let (rx, ry) = ((w / 2.0 + 0.9).max(em * 0.68), em * 0.68);
                    self.canvas.ellipse(cx + w / 2.0, mid, rx, ry, 0.8);
                    Rect { x: cx + w / 2.0 - rx, y: mid - ry, w: 2.0 * rx, h: 2.0 * ry }
                } else {
                    let h = em * 1.34;
                    let r = Rect { x: cx - CIRCLE_PAD, y: mid - h / 2.0, w: w + 2.0 * CIRCLE_PAD, h };
                    self.canvas.stadium(r.x, r.y, r.w, r.h, 0.8);
                    r
                };
                self.clearance.mark(r, &item.text);
            }
            cx += w + gap;
        }
        cy - y + lh
    }

    /// The room between two options in a row: with circles, enough for both circles' padding
    /// and a clear space between them.
    pub fn option_gap(mark: Mark) -> f32 {
        match mark {
            Mark::Circle => 2.0 * CIRCLE_PAD + 2.5,
            Mark::Box => 3.5,
        }
    }

    /// Continuation pages for the text that did not fit, then footers and status marks on every
    /// page, then the PDF bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        if !self.overflow.is_empty() {
            self.continuation_pages();
        }
        let pages = self.canvas.page_count();
        let status = self.header.status_text();
        let id = self.header.record_id.clone();
        for p in 0..pages {
            self.canvas.select_page(p);
            let left = format!("記録ID {id}　{status}");
            self.canvas.text(LEFT, FOOTER_Y, FACE, SMALL - 0.5, &left);
            self.canvas.text_right(LEFT, FOOTER_Y, WIDTH, FACE, SMALL - 0.5, &format!("{}/{}ページ", p + 1, pages));
            if self.header.status == PrintStatus::Draft {
                self.canvas.watermark("下書き");
            }
        }
        self.canvas.finish()
    }

    /// Go on to a new page in the form's flow (a table longer than a page), with the
    /// continuation header; returns where content starts on it.
    pub fn next_page(&mut self) -> f32 {
        self.continuation_header()
    }

    fn continuation_header(&mut self) -> f32 {
        self.canvas.new_page();
        self.page_top();
        let title = format!("{}（続き）", self.header.title);
        self.title(20.0, &title);
        self.canvas.text_center(LEFT, 26.0, WIDTH, FACE, LABEL, "― 前のページの続きです ―");
        let subject = self.header.subject_line.clone();
        self.centered_lines(LEFT, 27.5, WIDTH, 9.0, &subject, LABEL);
        self.line(LEFT, 37.5, RIGHT, 37.5, THIN);
        42.0
    }

    fn continuation_pages(&mut self) {
        let overflow = std::mem::take(&mut self.overflow);
        let lh = line_height(VALUE);
        let mut y = self.continuation_header();
        for (field, lines) in overflow {
            if y + 2.0 * lh > BOTTOM {
                y = self.continuation_header();
            }
            self.canvas.text(LEFT, y + 4.0, FACE, LABEL + 0.5, &format!("■ {field}（続き）"));
            y += 7.0;
            for line in lines {
                if y + lh > BOTTOM {
                    y = self.continuation_header();
                    self.canvas.text(LEFT, y + 4.0, FACE, LABEL + 0.5, &format!("■ {field}（続き）"));
                    y += 7.0;
                }
                self.canvas.text(LEFT + 3.0, centered_baseline(y, lh, VALUE), FACE, VALUE, &line);
                y += lh;
            }
            y += 4.0;
        }
    }
}
