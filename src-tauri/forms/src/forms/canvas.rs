//! A document being drawn: the low-level layer the printed forms (様式) are written on.
//!
//! Coordinates are **millimetres from the top-left corner** of the page, A4 portrait (210 × 297)
//! or, for pages started with [`Canvas::new_page_landscape`], A4 landscape (297 × 210), with y
//! growing downwards, so that form code reads like the paper and like a ruler laid on it.
//! Text is placed by its **baseline**. Line widths and font sizes are in points, as printers
//! speak of them.
//!
//! printpdf itself works in points from the *bottom-left* corner; this module is the one place
//! that converts.
//!
//! ```no_run
//! use chisanpo_forms::forms::canvas::{Canvas, Meta};
//! use chisanpo_forms::forms::fonts::{FontFace, FontSet};
//!
//! let mut c = Canvas::new(FontSet::embedded()?, Meta::new("面接指導結果報告書", "地さんぽノート"));
//! c.new_page();
//! c.text_center(20.0, 20.0, 170.0, FontFace::Gothic, 16.0, "面接指導結果報告書");
//! c.fill_rect(20.0, 30.0, 30.0, 10.0, 0.9);
//! c.rect(20.0, 30.0, 170.0, 10.0, 0.5);
//! c.line(50.0, 30.0, 50.0, 40.0, 0.5);
//! c.text(22.0, 37.0, FontFace::Mincho, 10.5, "氏名");
//! c.text(52.0, 37.0, FontFace::Mincho, 10.5, "山田 太郎");
//! let pdf: Vec<u8> = c.finish()?;
//! # Ok::<(), chisanpo_domain::Error>(())
//! ```

use chrono::{DateTime, Datelike, Timelike, Utc};
use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LineCapStyle, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, TextItem, TextMatrix,
};

use super::fonts::{FontFace, FontSet, Run, Slot};
use crate::error::{Error, Result};

/// Width of the page in millimetres (A4 portrait).
pub const PAGE_WIDTH_MM: f32 = 210.0;
/// Height of the page in millimetres (A4 portrait).
pub const PAGE_HEIGHT_MM: f32 = 297.0;

/// The size of a page in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width_mm: f32,
    pub height_mm: f32,
}

impl PageSize {
    /// A4 portrait, 210 × 297: the forms.
    pub const A4_PORTRAIT: PageSize = PageSize { width_mm: PAGE_WIDTH_MM, height_mm: PAGE_HEIGHT_MM };
    /// A4 landscape, 297 × 210: wide tables such as the ledgers.
    pub const A4_LANDSCAPE: PageSize = PageSize { width_mm: PAGE_HEIGHT_MM, height_mm: PAGE_WIDTH_MM };
}

const PT_PER_MM: f32 = 72.0 / 25.4;

/// Millimetres to points.
pub fn mm_to_pt(mm: f32) -> f32 {
    mm * PT_PER_MM
}

/// Points to millimetres.
pub fn pt_to_mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// How far the middle of IPAex's em box sits above the baseline, in em: the box runs from 0.12 em
/// below the baseline to 0.88 em above it.
const EM_MIDDLE: f32 = 0.38;

/// The baseline that centres a line of `size_pt` text vertically in a cell from `y` to `y + h`
/// (all in mm, y from the top). Use it to place a value in a table row.
pub fn centered_baseline(y: f32, h: f32, size_pt: f32) -> f32 {
    y + h / 2.0 + EM_MIDDLE * pt_to_mm(size_pt)
}

/// The gray of the 下書き watermark: light enough to read the form through, dark enough to print.
const WATERMARK_GRAY: f32 = 0.85;

/// What the PDF says about itself (shown by viewers and by `pdfinfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The form's name, e.g. 面接指導結果報告書. Keep health data out of it: it is readable
    /// without opening the document.
    pub title: String,
    /// Who wrote it: the centre or the staff member.
    pub author: String,
    pub subject: String,
    /// Written as the PDF's creation and modification dates (printpdf writes them in UTC).
    pub created: DateTime<Utc>,
}

impl Meta {
    /// Title and author, no subject, created now.
    pub fn new(title: impl Into<String>, author: impl Into<String>) -> Meta {
        Meta { title: title.into(), author: author.into(), subject: String::new(), created: Utc::now() }
    }
}

/// The ops of one page, and the graphics state they leave behind, so that a state is only
/// written when it changes.
#[derive(Debug)]
struct Page {
    ops: Vec<Op>,
    line_width: f32,
    fill_gray: f32,
    size: PageSize,
}

impl Page {
    fn new(size: PageSize) -> Page {
        // Projecting caps close the corners where a horizontal and a vertical rule meet.
        Page { ops: vec![Op::SetLineCapStyle { cap: LineCapStyle::ProjectingSquare }], line_width: 1.0, fill_gray: 0.0, size }
    }

    /// A point given in millimetres from this page's top-left corner.
    fn point(&self, x: f32, y: f32) -> Point {
        point(self.size.height_mm, x, y)
    }

    fn line_width(&mut self, width_pt: f32) {
        if self.line_width != width_pt {
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
            self.line_width = width_pt;
        }
    }

    fn fill_gray(&mut self, gray: f32) {
        if self.fill_gray != gray {
            self.ops.push(Op::SetFillColor { col: gray_color(gray) });
            self.fill_gray = gray;
        }
    }
}

fn gray_color(gray: f32) -> Color {
    Color::Greyscale(Greyscale { percent: gray.clamp(0.0, 1.0), icc_profile: None })
}

/// A point given in millimetres from the top-left corner of a page `page_height` mm high, in
/// printpdf's points from the bottom-left.
fn point(page_height: f32, x: f32, y: f32) -> Point {
    Point { x: Pt(mm_to_pt(x)), y: Pt(mm_to_pt(page_height - y)) }
}

/// A document being drawn: its pages, its fonts and its metadata.
pub struct Canvas {
    fonts: FontSet,
    meta: Meta,
    doc: PdfDocument,
    pages: Vec<Page>,
    /// The page drawing goes to.
    current: usize,
    /// The document's font resources, added on first use so that an unused font costs nothing.
    font_ids: [Option<FontId>; 3],
    /// Characters drawn that no font has (drawn as .notdef); [`Canvas::finish`] refuses them.
    missing: Vec<char>,
}

impl std::fmt::Debug for Canvas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canvas").field("title", &self.meta.title).field("pages", &self.pages.len()).finish_non_exhaustive()
    }
}

impl Canvas {
    /// A document with no page yet. [`Canvas::new_page`] starts one; drawing on a canvas without a
    /// page starts the first page too.
    pub fn new(fonts: FontSet, meta: Meta) -> Canvas {
        let doc = PdfDocument::new(&meta.title);
        Canvas { fonts, meta, doc, pages: Vec::new(), current: 0, font_ids: [None, None, None], missing: Vec::new() }
    }

    /// The fonts this canvas draws with, e.g. to measure or to check a value before drawing it.
    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// Start a new page (A4 portrait); drawing goes to it from now on.
    pub fn new_page(&mut self) {
        self.new_page_sized(PageSize::A4_PORTRAIT);
    }

    /// Start a new A4 landscape page (297 × 210 mm); drawing goes to it from now on. Portrait and
    /// landscape pages can be mixed in one document.
    pub fn new_page_landscape(&mut self) {
        self.new_page_sized(PageSize::A4_LANDSCAPE);
    }

    fn new_page_sized(&mut self, size: PageSize) {
        self.pages.push(Page::new(size));
        self.current = self.pages.len() - 1;
    }

    /// The size of the page drawing goes to (A4 portrait when no page is started yet).
    pub fn page_size(&self) -> PageSize {
        self.pages.get(self.current).map_or(PageSize::A4_PORTRAIT, |p| p.size)
    }

    /// Draw on page `index` (0-based) again, e.g. to add "page N/M" footers once M is known.
    /// An index past the last page selects the last page.
    pub fn select_page(&mut self, index: usize) {
        if !self.pages.is_empty() {
            self.current = index.min(self.pages.len() - 1);
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let i = self.current.min(self.pages.len() - 1);
        &mut self.pages[i]
    }

    fn font_id(&mut self, slot: Slot) -> FontId {
        let i = slot.index();
        if let Some(id) = &self.font_ids[i] {
            return id.clone();
        }
        let face = self.fonts.face(slot).expect("runs only name the fallback when there is one");
        let id = self.doc.add_font(&face.font);
        self.font_ids[i] = Some(id.clone());
        id
    }

    /// A straight line from (x1, y1) to (x2, y2), `width_pt` thick, in black.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        let page = self.page();
        page.line_width(width_pt);
        let points = vec![LinePoint { p: page.point(x1, y1), bezier: false }, LinePoint { p: page.point(x2, y2), bezier: false }];
        page.ops.push(Op::DrawLine { line: Line { points, is_closed: false } });
    }

    /// The outline of an ellipse centred on (cx, cy), e.g. the circle round a chosen option.
    pub fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, width_pt: f32) {
        // Four cubic Bézier arcs; k is the usual control-point distance for a quarter circle.
        const K: f32 = 0.552_284_8;
        let (kx, ky) = (rx * K, ry * K);
        let page_h = self.page().size.height_mm;
        let pt = |x: f32, y: f32, bezier: bool| LinePoint { p: point(page_h, x, y), bezier };
        let points = vec![
            pt(cx + rx, cy, false),
            pt(cx + rx, cy + ky, true),
            pt(cx + kx, cy + ry, true),
            pt(cx, cy + ry, false),
            pt(cx - kx, cy + ry, true),
            pt(cx - rx, cy + ky, true),
            pt(cx - rx, cy, false),
            pt(cx - rx, cy - ky, true),
            pt(cx - kx, cy - ry, true),
            pt(cx, cy - ry, false),
            pt(cx + kx, cy - ry, true),
            pt(cx + rx, cy - ky, true),
            pt(cx + rx, cy, false),
        ];
        let page = self.page();
        page.line_width(width_pt);
        page.ops.push(Op::DrawLine { line: Line { points, is_closed: true } });
    }

    /// A box with fully rounded ends (a stadium) round (x, y, w, h): the mark round a chosen
    /// option whose label is long, where an ellipse would cut through the first and last characters.
    pub fn stadium(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32) {
        const K: f32 = 0.552_284_8;
        let r = (h / 2.0).min(w / 2.0);
        let k = r * K;
        let page_h = self.page().size.height_mm;
        let pt = |x: f32, y: f32, bezier: bool| LinePoint { p: point(page_h, x, y), bezier };
        let (l, t, rr, b) = (x, y, x + w, y + h);
        let points = vec![
            pt(l + r, t, false),
            pt(rr - r, t, false),
            pt(rr - r + k, t, true),
            pt(rr, t + r - k, true),
            pt(rr, t + r, false),
            pt(rr, b - r + k, true),
            pt(rr - r + k, b, true),
            pt(rr - r, b, false),
            pt(l + r, b, false),
            pt(l + r - k, b, true),
            pt(l, b - r + k, true),
            pt(l, b - r, false),
            pt(l, t + r - k, true),
            pt(l + r - k, t, true),
            pt(l + r, t, false),
        ];
        let page = self.page();
        page.line_width(width_pt);
        page.ops.push(Op::DrawLine { line: Line { points, is_closed: true } });
    }

    /// The outline of a box whose top-left corner is (x, y), `w` wide and `h` high.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32) {
        let page = self.page();
        page.line_width(width_pt);
        let rectangle = rect(page.size.height_mm, x, y, w, h, PaintMode::Stroke);
        page.ops.push(Op::DrawRectangle { rectangle });
    }

    /// A filled box with no outline, e.g. a shaded label cell: `gray` is 0.0 for black, 1.0 for
    /// white (0.9 is a typical label shade). Draw it before the cell's rules and text: what is
    /// drawn later goes on top.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        let page = self.page();
        page.fill_gray(gray);
        let rectangle = rect(page.size.height_mm, x, y, w, h, PaintMode::Fill);
        page.ops.push(Op::DrawRectangle { rectangle });
    }

    /// An RGB picture (`rgb`: `px_w` × `px_h` pixels, 3 bytes each) drawn into the box at
    /// (x, y), `w` × `h` millimetres (the caller keeps the aspect ratio).
    #[allow(clippy::too_many_arguments)]
    pub fn image_rgb(&mut self, x: f32, y: f32, w: f32, h: f32, rgb: Vec<u8>, px_w: u32, px_h: u32) {
        let raw = printpdf::RawImage {
            pixels: printpdf::RawImageData::U8(rgb),
            width: px_w as usize,
            height: px_h as usize,
            data_format: printpdf::RawImageFormat::RGB8,
            tag: Vec::new(),
        };
        let id = self.doc.add_image(&raw);
        let page = self.page();
        let height = page.size.height_mm;
        let transform = printpdf::XObjectTransform {
            translate_x: Some(Pt(mm_to_pt(x))),
            translate_y: Some(Pt(mm_to_pt(height - y - h))),
            // The picture's natural size is its pixels at `dpi`: chosen so that its width is `w`.
            dpi: Some(px_w as f32 / (w / 25.4)),
            scale_y: Some((h / w) * (px_w as f32 / px_h as f32)),
            ..Default::default()
        };
        page.ops.push(Op::UseXobject { id, transform });
    }

    /// One line of text in black, starting at `x` with its baseline at `y`; no wrapping. Characters
    /// the face lacks are drawn with the fallback font (only those characters). Control characters
    /// (newlines, tabs) are dropped: split lines yourself. Returns the advance in millimetres.
    ///
    /// A character that no font has is drawn as the face's empty box and makes
    /// [`Canvas::finish`] fail; check values first with [`FontSet::check`].
    pub fn text(&mut self, x: f32, y: f32, face: FontFace, size_pt: f32, text: &str) -> f32 {
        let runs = self.fonts.runs(face, text, &mut self.missing);
        if runs.is_empty() {
            return 0.0;
        }
        let ops = self.text_ops(&runs, size_pt);
        let page = self.page();
        page.fill_gray(0.0);
        page.ops.push(Op::StartTextSection);
        // At BT the text matrix is the identity, so Td places the baseline absolutely.
        let pos = page.point(x, y);
        page.ops.push(Op::SetTextCursor { pos });
        page.ops.extend(ops);
        page.ops.push(Op::EndTextSection);
        self.text_width(face, size_pt, text)
    }

    /// [`Canvas::text`] right-aligned in the box from `x` to `x + w`: it ends at `x + w`.
    pub fn text_right(&mut self, x: f32, y: f32, w: f32, face: FontFace, size_pt: f32, text: &str) -> f32 {
        let width = self.text_width(face, size_pt, text);
        self.text(x + w - width, y, face, size_pt, text)
    }

    /// [`Canvas::text`] centred in the box from `x` to `x + w`.
    pub fn text_center(&mut self, x: f32, y: f32, w: f32, face: FontFace, size_pt: f32, text: &str) -> f32 {
        let width = self.text_width(face, size_pt, text);
        self.text(x + (w - width) / 2.0, y, face, size_pt, text)
    }

    /// The advance of `text` in millimetres, as [`Canvas::text`] would draw it.
    pub fn text_width(&self, face: FontFace, size_pt: f32, text: &str) -> f32 {
        pt_to_mm(self.fonts.width(face, size_pt, text))
    }

    /// The SetFont/ShowText pairs for `runs`, inside a text section.
    ///
    /// The text goes to printpdf as glyph ids, each with its character for the ToUnicode map (so
    /// that the text can be searched and copied). Given `TextItem::Text`, printpdf would look every
    /// character up in its own, slow cmap twice more while saving.
    fn text_ops(&mut self, runs: &[Run], size_pt: f32) -> Vec<Op> {
        let mut ops = Vec::with_capacity(runs.len() * 2);
        for run in runs {
            let font = PdfFontHandle::External(self.font_id(run.slot));
            let face = self.fonts.face(run.slot).expect("runs only name the fallback when there is one");
            let glyphs = run.text.chars().map(|c| Codepoint::with_cid(face.glyph(c).unwrap_or(0), 0.0, c.to_string())).collect();
            ops.push(Op::SetFont { font, size: Pt(size_pt) });
            ops.push(Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] });
        }
        ops
    }

    /// A large light-gray `text` (e.g. 下書き) across the current page, along its diagonal from the
    /// bottom-left to the top-right. It is put *behind* everything on the page, whenever it is
    /// called, so it never hides the form: black text and rules stay on top. (Shaded cells are
    /// opaque and cover it where they are.)
    pub fn watermark(&mut self, text: &str) {
        let face = FontFace::Gothic;
        let em = self.fonts.width(face, 1.0, text);
        if em <= 0.0 {
            return;
        }
        let size = self.page().size;
        let (w, h) = (mm_to_pt(size.width_mm), mm_to_pt(size.height_mm));
        let diagonal = w.hypot(h);
        // About 60 % of the diagonal, but never absurdly large for a short word.
        let size = (0.6 * diagonal / em).min(160.0);
        let length = em * size;
        let angle = h.atan2(w);
        let (sin, cos) = angle.sin_cos();
        // Start the baseline so that the middle of the text is the middle of the page.
        let up = EM_MIDDLE * size;
        let start_x = w / 2.0 - (length / 2.0 * cos - up * sin);
        let start_y = h / 2.0 - (length / 2.0 * sin + up * cos);

        let runs = self.fonts.runs(face, text, &mut self.missing);
        let mut ops = vec![
            Op::SaveGraphicsState,
            Op::SetFillColor { col: gray_color(WATERMARK_GRAY) },
            Op::StartTextSection,
            Op::SetTextMatrix { matrix: TextMatrix::Raw([cos, sin, -sin, cos, start_x, start_y]) },
        ];
        ops.extend(self.text_ops(&runs, size));
        ops.extend([Op::EndTextSection, Op::RestoreGraphicsState]);
        let page = self.page();
        page.ops.splice(0..0, ops);
    }

    /// The PDF: every page, the metadata, and the fonts embedded as subsets of the glyphs used.
    ///
    /// Fails with [`Error::NoGlyph`] if some text had a character that no font can draw, rather
    /// than print a name with an empty box in it. A canvas with no page gives one blank page.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.finish_with(FinishOptions::default())
    }

    /// [`Canvas::finish`], with the choices it makes spelled out (for comparisons in tests).
    pub fn finish_with(mut self, options: FinishOptions) -> Result<Vec<u8>> {
        if let Some(&c) = self.missing.first() {
            return Err(Error::NoGlyph(c));
        }
        if self.pages.is_empty() {
            self.new_page();
        }
        let created = pdf_date(&self.meta.created);
        let info = &mut self.doc.metadata.info;
        info.document_title = self.meta.title.clone();
        info.author = self.meta.author.clone();
        info.subject = self.meta.subject.clone();
        info.creator = "地さんぽノート".into();
        info.producer = format!("chisanpo-core {} (printpdf)", env!("CARGO_PKG_VERSION"));
        info.creation_date = created;
        info.modification_date = created;
        info.metadata_date = created;
        let pages = self.pages.into_iter().map(|p| PdfPage::new(Mm(p.size.width_mm), Mm(p.size.height_mm), p.ops)).collect();
        self.doc.with_pages(pages);
        // Subsetting needs printpdf's `text_layout` feature: without it the whole 5–8 MB font
        // is embedded, whatever these options say.
        let opts = PdfSaveOptions { optimize: true, subset_fonts: true, secure: true, image_optimization: None };
        let mut warnings = Vec::new();
        // What `PdfDocument::save` does (build, compress, write), with one fix in between.
        let mut doc = self.doc.to_lopdf_document(&opts, &mut warnings);
        drop_pdfx_claim(&mut doc);
        if options.strip_hints {
            // The TrueType hinting bytecode is about 40 % of an IPAex subset and does nothing
            // for print: drop it (the outlines stay as they are; see `dehint`).
            super::dehint::dehint_pdf_fonts(&mut doc);
        }
        deflate_streams(&mut doc);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).map_err(|e| Error::Pdf(e.to_string()))?;
        Ok(bytes)
    }
}

/// How [`Canvas::finish_with`] writes the file; the default is what [`Canvas::finish`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FinishOptions {
    /// Remove the TrueType hinting instructions from the embedded font subsets (on by default):
    /// a third smaller, same outlines, same print.
    pub strip_hints: bool,
}

impl Default for FinishOptions {
    fn default() -> FinishOptions {
        FinishOptions { strip_hints: true }
    }
}

/// The zlib level the streams are deflated at: the default level, where lopdf's own
/// `Document::compress` uses the best. For a 意見書 (about 95 KB of streams before deflating,
/// mostly the font subset) the best took 2.6 ms and level 6 takes 1.7 ms, for 0.5 % more bytes:
/// a third of the time a batch spends deflating, on every core (ADR 0032).
const DEFLATE_LEVEL: u32 = 6;

/// Deflate every stream not yet filtered, as `Document::compress` does (a stream that would not
/// shrink is left as it is), at [`DEFLATE_LEVEL`].
fn deflate_streams(doc: &mut lopdf::Document) {
    use std::io::Write;
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else { continue };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(stream.content.len() / 2), flate2::Compression::new(DEFLATE_LEVEL));
        let Ok(deflated) = encoder.write_all(&stream.content).and_then(|()| encoder.finish()) else { continue };
        if deflated.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(deflated);
        }
    }
}

/// printpdf always writes a `GTS_PDFXVersion` key into the Info dictionary (empty unless a PDF/X
/// conformance is chosen). Viewers and preflight tools read its presence as a claim that the file
/// is PDF/X (`pdfinfo` says "PDF subtype: PDF/X"), which these forms are not: remove it.
fn drop_pdfx_claim(doc: &mut lopdf::Document) {
    let info = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference);
    if let Ok(dict) = info.and_then(|id| doc.get_dictionary_mut(id)) {
        dict.remove(b"GTS_PDFXVersion");
    }
}

fn rect(page_height: f32, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) -> Rect {
    // printpdf's rectangle is anchored at its bottom-left corner.
    let bottom_left = point(page_height, x, y + h);
    Rect { x: bottom_left.x, y: bottom_left.y, width: Pt(mm_to_pt(w)), height: Pt(mm_to_pt(h)), mode: Some(mode), winding_order: None }
}

/// printpdf's own date type. Its Info dictionary always says `+00'00'`, so give it UTC.
fn pdf_date(t: &DateTime<Utc>) -> printpdf::date::DateTime {
    use printpdf::date::{Date, Offset, Time};
    printpdf::date::DateTime {
        date: Date { year: t.year(), month: t.month() as u8, day: t.day() as u8 },
        time: Time { hour: t.hour() as u8, minute: t.minute() as u8, second: t.second() as u8, millisecond: 0 },
        offset: Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas() -> Canvas {
        Canvas::new(FontSet::embedded().unwrap(), Meta::new("テスト", "地さんぽノート"))
    }

    #[test]
    fn millimetres_from_the_top_left() {
        let p = point(PAGE_HEIGHT_MM, 0.0, 0.0);
        assert!((p.x.0 - 0.0).abs() < 1e-3 && (p.y.0 - 841.89).abs() < 0.01, "{p:?}");
        let p = point(PAGE_HEIGHT_MM, 210.0, 297.0);
        assert!((p.x.0 - 595.28).abs() < 0.01 && p.y.0.abs() < 1e-3, "{p:?}");
        assert!((mm_to_pt(25.4) - 72.0).abs() < 1e-4);
        assert!((pt_to_mm(72.0) - 25.4).abs() < 1e-4);
        // A box 10 mm below the top edge, 20 mm high, has its PDF anchor 30 mm above... from the top.
        let r = rect(PAGE_HEIGHT_MM, 10.0, 10.0, 50.0, 20.0, PaintMode::Stroke);
        assert!((r.y.0 - mm_to_pt(297.0 - 30.0)).abs() < 1e-3);
        assert!((r.height.0 - mm_to_pt(20.0)).abs() < 1e-3);
    }

    #[test]
    fn centred_text_sits_in_the_middle_of_its_cell() {
        // A 10 mm row at y = 50 with 10 pt text: the em box (3.53 mm) centred on y = 55.
        let b = centered_baseline(50.0, 10.0, 10.0);
        let em = pt_to_mm(10.0);
        let (top, bottom) = (b - 0.88 * em, b + 0.12 * em);
        assert!(((top + bottom) / 2.0 - 55.0).abs() < 1e-4, "{top} {bottom}");
    }

    #[test]
    fn pages_are_counted_and_started_on_demand() {
        let mut c = canvas();
        assert_eq!(c.page_count(), 0);
        c.line(10.0, 10.0, 100.0, 10.0, 0.5);
        assert_eq!(c.page_count(), 1);
        c.new_page();
        c.rect(10.0, 10.0, 50.0, 20.0, 0.5);
        assert_eq!(c.page_count(), 2);
        let pdf = c.finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn landscape_pages_measure_from_their_own_top_left() {
        let mut c = canvas();
        assert_eq!(c.page_size(), PageSize::A4_PORTRAIT);
        c.new_page();
        c.text(20.0, 0.0, FontFace::Mincho, 10.0, "縦");
        c.new_page_landscape();
        assert_eq!(c.page_size(), PageSize::A4_LANDSCAPE);
        c.text(20.0, 0.0, FontFace::Mincho, 10.0, "横");
        c.line(0.0, 210.0, 297.0, 210.0, 0.5);
        let cursor_y = |p: &Page| {
            p.ops
                .iter()
                .find_map(|op| match op {
                    Op::SetTextCursor { pos } => Some(pos.y.0),
                    _ => None,
                })
                .unwrap()
        };
        // The top edge is 841.89 pt up on a portrait page and 595.28 pt on a landscape one.
        assert!((cursor_y(&c.pages[0]) - 841.89).abs() < 0.01);
        assert!((cursor_y(&c.pages[1]) - 595.28).abs() < 0.01);
        let line = c.pages[1].ops.iter().find_map(|op| match op {
            Op::DrawLine { line } => Some(line.points.clone()),
            _ => None,
        });
        let line = line.unwrap();
        assert!(line[0].p.y.0.abs() < 1e-3 && (line[1].p.x.0 - 841.89).abs() < 0.01, "{line:?}");
        c.select_page(0);
        assert_eq!(c.page_size(), PageSize::A4_PORTRAIT);
        // Each page keeps its own media box.
        let pdf = c.finish().unwrap();
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let boxes: Vec<Vec<f32>> = doc
            .get_pages()
            .values()
            .map(|id| {
                let page = doc.get_dictionary(*id).unwrap();
                page.get(b"MediaBox").unwrap().as_array().unwrap().iter().map(|o| o.as_float().unwrap()).collect()
            })
            .collect();
        assert_eq!(boxes.len(), 2);
        assert!((boxes[0][2] - 595.28).abs() < 0.01 && (boxes[0][3] - 841.89).abs() < 0.01, "{boxes:?}");
        assert!((boxes[1][2] - 841.89).abs() < 0.01 && (boxes[1][3] - 595.28).abs() < 0.01, "{boxes:?}");
    }

    #[test]
    fn an_empty_canvas_is_one_blank_page() {
        let pdf = canvas().finish().unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 5_000, "{}", pdf.len());
    }

    #[test]
    fn text_returns_its_advance_and_alignment_uses_it() {
        let mut c = canvas();
        let w = c.text(20.0, 30.0, FontFace::Mincho, 10.0, "山田太郎");
        assert!((w - pt_to_mm(40.0)).abs() < 0.01, "{w}");
        assert_eq!(c.text(20.0, 30.0, FontFace::Mincho, 10.0, ""), 0.0);
        let w2 = c.text_right(20.0, 40.0, 100.0, FontFace::Mincho, 10.0, "山田太郎");
        assert!((w - w2).abs() < 1e-4);
        // The right-aligned text starts where it must to end at x + w.
        let starts: Vec<f32> = c.pages[0]
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::SetTextCursor { pos } => Some(pt_to_mm(pos.x.0)),
                _ => None,
            })
            .collect();
        assert!((starts[1] - (120.0 - w)).abs() < 0.01, "{starts:?}");
        c.text_center(20.0, 50.0, 100.0, FontFace::Gothic, 10.0, "山田太郎");
        let last = match c.pages[0].ops.iter().rev().find(|op| matches!(op, Op::SetTextCursor { .. })) {
            Some(Op::SetTextCursor { pos }) => pt_to_mm(pos.x.0),
            _ => unreachable!(),
        };
        assert!((last - (70.0 - w / 2.0)).abs() < 0.01, "{last}");
    }

    #[test]
    fn state_is_written_only_when_it_changes() {
        let mut c = canvas();
        for i in 0..10 {
            c.line(10.0, 10.0 + i as f32, 100.0, 10.0 + i as f32, 0.5);
        }
        let widths = c.pages[0].ops.iter().filter(|op| matches!(op, Op::SetOutlineThickness { .. })).count();
        assert_eq!(widths, 1);
        c.fill_rect(10.0, 10.0, 10.0, 10.0, 0.9);
        c.text(10.0, 15.0, FontFace::Mincho, 10.0, "氏名");
        c.text(30.0, 15.0, FontFace::Mincho, 10.0, "年齢");
        let fills: Vec<f32> = c.pages[0]
            .ops
            .iter()
            .filter_map(|op| match op {
                Op::SetFillColor { col: Color::Greyscale(g) } => Some(g.percent),
                _ => None,
            })
            .collect();
        assert_eq!(fills, vec![0.9, 0.0]);
    }

    #[test]
    fn the_watermark_goes_behind_the_page() {
        let mut c = canvas();
        c.text(20.0, 30.0, FontFace::Mincho, 10.0, "本文");
        c.watermark("下書き");
        let ops = &c.pages[0].ops;
        assert!(matches!(ops[0], Op::SaveGraphicsState));
        let restore = ops.iter().position(|op| matches!(op, Op::RestoreGraphicsState)).unwrap();
        let body = ops.iter().position(|op| matches!(op, Op::SetTextCursor { .. })).unwrap();
        assert!(restore < body);
        assert!(c.finish().is_ok());
    }

    #[test]
    fn a_character_no_font_has_refuses_to_finish() {
        let mut c = canvas();
        c.text(20.0, 30.0, FontFace::Mincho, 10.0, "𠮷野 太郎");
        let e = c.finish().unwrap_err();
        assert_eq!(e.code(), "no_glyph");
        assert!(e.to_string().contains("「𠮷」（U+20BB7）"), "{e}");
    }

    #[test]
    fn unused_fonts_are_not_added() {
        let mut c = canvas();
        c.text(20.0, 30.0, FontFace::Gothic, 10.0, "見出し");
        assert!(c.font_ids[Slot::Mincho.index()].is_none());
        assert!(c.font_ids[Slot::Gothic.index()].is_some());
        assert_eq!(c.doc.resources.fonts.map.len(), 1);
    }

    #[test]
    fn metadata_dates_are_utc() {
        let t = DateTime::parse_from_rfc3339("2025-04-01T09:30:15+09:00").unwrap().with_timezone(&Utc);
        let d = pdf_date(&t);
        assert_eq!((d.date.year, d.date.month, d.date.day, d.time.hour, d.time.minute, d.time.second), (2025, 4, 1, 0, 30, 15));
    }
}
