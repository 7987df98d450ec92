//! The 様式 as PDF.
//!
//! - [`fonts`]: the embedded IPAex faces, the optional fallback font (IPAmj明朝) for characters
//!   IPAex lacks, coverage checks and text widths.
//! - [`canvas`]: the low-level drawing layer the forms are written on: millimetres from the
//!   top-left corner of an A4 portrait page, y growing downwards, so that form code reads like the
//!   paper. Lines, boxes, shaded cells, text (with per-character font fallback) and the 下書き
//!   watermark; [`canvas::Canvas::finish`] returns the PDF bytes with the fonts subset.
//!
//! # printpdf 0.12, as used here
//!
//! Form code should not need printpdf directly; these are the facts [`canvas`] is built on.
//!
//! - **Fonts are subset only with printpdf's `text_layout` feature** (see the workspace
//!   `Cargo.toml`). Without it `PdfSaveOptions::subset_fonts` is silently ignored and every PDF
//!   carries the whole 7.8 MB IPAex明朝 (5.5 MB compressed, about 1 s a page). Subsetting also needs
//!   `subset_fonts: true` (the default). A font that no text uses is left out of the file.
//! - Size grows with the number of **distinct** glyphs (about 0.4 KB each for IPAex kanji, after
//!   compression), not with the length of the text: 160 distinct characters make a 64 KB page.
//! - Text: `Op::StartTextSection`, `Op::SetFont { font: PdfFontHandle::External(id), size }`,
//!   `Op::SetTextCursor` (the `Td` operator: absolute only right after `BT`), `Op::ShowText` with
//!   `TextItem::Text` or `TextItem::GlyphIds`, `Op::EndTextSection`. Text outside BT/ET is dropped
//!   by most viewers. With `Text`, each character becomes one glyph through printpdf's cmap lookup
//!   (no shaping, which Japanese set horizontally does not need; about 1.4 µs a character), and a
//!   character the font lacks silently becomes glyph 0 (.notdef). [`canvas`] passes `GlyphIds`
//!   instead, each `Codepoint::with_cid(gid, 0.0, the character)`: the `cid` string is what goes
//!   into the ToUnicode map, so `pdftotext` and copy-paste still get the text.
//! - Coordinates are points from the **bottom-left** corner; `Rect` is anchored at its
//!   bottom-left corner. `TextMatrix::TranslateRotate` rotates clockwise; [`canvas`] uses
//!   `TextMatrix::Raw` to avoid the ambiguity.
//! - Metadata lives in `PdfDocument::metadata.info` (title, author, subject, creator, producer,
//!   dates). The Info dates are always written as UTC (`+00'00'`), whatever offset they carry.
//!   printpdf also writes an empty `GTS_PDFXVersion`, which readers take for a PDF/X claim;
//!   [`canvas::Canvas::finish`] removes it by saving through `to_lopdf_document`.
//! - `ParsedFont::font_type` reports `TrueType` even for CFF fonts. Use TrueType-outline fonts only.

pub mod canvas;
pub mod fonts;
pub mod wrap;
