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
pub mod clearance;
pub mod dehint;
#[cfg(test)]
pub(crate) mod font_or_skip;
pub mod fonts;
pub mod guide;
pub mod sheet;
pub mod wrap;

pub mod application;
pub mod consultation_record;
pub mod opinion;
pub mod opinion_stress;
pub mod recovery_sheet;
pub mod request;
pub mod samples;
pub mod visit_report;
pub mod work_status;

mod input;
pub use input::{check_glyphs, FormInput, FormKind};

use crate::domain::{Code, RecordBody};
use crate::error::{Error, Result};
use fonts::FontSet;

/// Draw `kind` for a record. The opinion picks the long-hours or the high-stress variant from the
/// interview's kind. Every value is checked for glyphs first: a character no font can draw stops
/// the form, and the error names the character, its code point and the field.
pub fn render(kind: FormKind, input: &FormInput, fonts: &FontSet) -> Result<Vec<u8>> {
    draw(kind, input, fonts)?.finish()
}

/// What [`render`] would print too close together on the first page: a circle touching a rule or
/// another circle, text touching a rule. Empty for a clean page.
pub fn clearance_problems(kind: FormKind, input: &FormInput, fonts: &FontSet) -> Result<Vec<String>> {
    Ok(draw(kind, input, fonts)?.clearance_problems())
}

fn draw(kind: FormKind, input: &FormInput, fonts: &FontSet) -> Result<sheet::Sheet> {
    let wrong = || Error::invalid("kind", format!("{}は{}の記録からは作れません。", kind.label(), input.body.kind().label()));
    if let (FormKind::Request, RecordBody::Interview(i)) = (kind, &input.body) {
        if let Some(k) = i.kind.filter(|k| !k.needs_request()) {
            return Err(Error::invalid(
                "kind",
                format!(
                    "{}の面接指導は本人の申出によらず行うため、面接指導申出書（様式例2-1）はありません。意見書と勤務状況情報書を印刷してください。",
                    k.article()
                ),
            ));
        }
    }
    let fields = match (kind, &input.body) {
        (FormKind::Opinion, RecordBody::Interview(i)) if i.is_high_stress() => opinion_stress::fields(input, i),
        (FormKind::Opinion, RecordBody::Interview(i)) => opinion::fields(input, i),
        (FormKind::WorkStatus, RecordBody::Interview(i)) => work_status::fields(input, i),
        (FormKind::Request, RecordBody::Interview(i)) => request::fields(input, i),
        (FormKind::ConsultationRecord, RecordBody::Consultation(c)) => consultation_record::fields(input, c),
        (FormKind::Application, RecordBody::Application(a)) => application::fields(input, a),
        (FormKind::VisitReport, RecordBody::Visit(v)) => visit_report::fields(input, v),
        _ => return Err(wrong()),
    };
    check_glyphs(fonts, &fields)?;
    let fonts = fonts.clone();
    match (kind, &input.body) {
        (FormKind::Opinion, RecordBody::Interview(i)) if i.is_high_stress() => opinion_stress::draw(input, i, fonts),
        (FormKind::Opinion, RecordBody::Interview(i)) => opinion::draw(input, i, fonts),
        (FormKind::WorkStatus, RecordBody::Interview(i)) => work_status::draw(input, i, fonts),
        (FormKind::Request, RecordBody::Interview(i)) => request::draw(input, i, fonts),
        (FormKind::ConsultationRecord, RecordBody::Consultation(c)) => consultation_record::draw(input, c, fonts),
        (FormKind::Application, RecordBody::Application(a)) => application::draw(input, a, fonts),
        (FormKind::VisitReport, RecordBody::Visit(v)) => visit_report::draw(input, v, fonts),
        _ => Err(wrong()),
    }
}
