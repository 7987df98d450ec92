//! TrueType hinting removed from the font programs embedded in a PDF.
//!
//! Hinting is bytecode that moves outline points onto the pixel grid of a screen at small sizes.
//! A PDF is printed, or shown by viewers that render unhinted at print resolution, so the
//! bytecode is dead weight: in an IPAex subset it is about 40 % of the `glyf` table (45.8 KB of
//! the 111 KB `glyf` of the 263-glyph 意見書 subset). [`strip_instructions`] removes it without
//! touching any outline:
//!
//! - `glyf`: a simple glyph keeps its contours, flags and coordinates byte for byte, with its
//!   instructions dropped (instructionLength 0); a composite glyph keeps its components, with
//!   `WE_HAVE_INSTRUCTIONS` cleared and the trailing instructions dropped. Each glyph is cut to
//!   its exact length (padding dropped) and padded again for the `loca` format chosen: the short
//!   format (2-byte aligned) when the table fits in it, else the long one (4-byte aligned).
//! - the tables that exist only for hinting go: `fpgm`, `prep`, `cvt `, `cvar`, `hdmx`, `LTSH`,
//!   `VDMX`; so does `DSIG`, which no longer matches a rewritten font.
//! - `maxp.maxSizeOfInstructions` becomes 0 (the other limits, e.g. maxFunctionDefs, are upper
//!   bounds and stay valid); `loca` and `head.indexToLocFormat` are rebuilt; every table
//!   checksum and `head.checkSumAdjustment` are recomputed; tables stay sorted by tag and 4-byte
//!   aligned.
//!
//! Anything that is not a TrueType-outline font (CFF/OTF, a collection) or that does not parse
//! cleanly is refused with a [`Skip`], and [`dehint`] then keeps the input as it was: the rewrite
//! never makes a font worse. As a last guard the result is read back with `ttf-parser` and every
//! glyph's outline, bounding box and advance compared with the input's.
//!
//! The IPA Font License allows embedding a part or all of the font in a document; the `.ttf`
//! files shipped in `assets/` are not modified, only the subset written into each PDF.

use std::borrow::Cow;
use std::fmt;

/// Why a font was left as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Not a single TrueType-outline font: CFF (`OTTO`), a collection, or no `glyf`/`loca`.
    NotTrueType,
    /// A TrueType font that does not parse cleanly; the message names the part.
    Malformed(&'static str),
    /// The rewritten font did not read back with the same glyphs (should not happen).
    Mismatch,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::NotTrueType => f.write_str("not a TrueType-outline font"),
            Skip::Malformed(what) => write!(f, "malformed font: {what}"),
            Skip::Mismatch => f.write_str("the rewritten font differs from the input"),
        }
    }
}

impl std::error::Error for Skip {}

/// Tables that only serve the bytecode interpreter (or that a rewrite invalidates: `DSIG`).
const DROPPED: [&[u8; 4]; 8] = [b"fpgm", b"prep", b"cvt ", b"cvar", b"hdmx", b"LTSH", b"VDMX", b"DSIG"];

/// Composite glyph component flags.
const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
const WE_HAVE_A_SCALE: u16 = 0x0008;
const MORE_COMPONENTS: u16 = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
const WE_HAVE_INSTRUCTIONS: u16 = 0x0100;

/// Simple glyph point flags.
const X_SHORT: u8 = 0x02;
const Y_SHORT: u8 = 0x04;
const REPEAT: u8 = 0x08;
const X_SAME_OR_POSITIVE: u8 = 0x10;
const Y_SAME_OR_POSITIVE: u8 = 0x20;

/// `font` without hinting, or the input itself when it cannot be rewritten (see [`Skip`]).
pub fn dehint(font: &[u8]) -> Cow<'_, [u8]> {
    match strip_instructions(font) {
        Ok(stripped) => Cow::Owned(stripped),
        Err(_) => Cow::Borrowed(font),
    }
}

/// The font with every TrueType instruction and hinting table removed, outlines unchanged.
/// Fails, and changes nothing, on anything but a well-formed TrueType-outline font.
pub fn strip_instructions(font: &[u8]) -> Result<Vec<u8>, Skip> {
    let out = rewrite(font)?;
    same_glyphs(font, &out)?;
    Ok(out)
}

/// Remove the hinting from every `FontFile2` (TrueType font program) in `doc`. Streams whose
/// font cannot be rewritten, or would not get smaller, are left as they were. The rewritten
/// streams are stored uncompressed with `/Length1` set: compress the document afterwards.
/// Returns the number of font programs rewritten.
pub fn dehint_pdf_fonts(doc: &mut lopdf::Document) -> usize {
    let mut ids = Vec::new();
    for object in doc.objects.values() {
        collect_font_files(object, &mut ids);
    }
    ids.sort_unstable();
    ids.dedup();
    let mut rewritten = 0;
    for id in ids {
        let Ok(lopdf::Object::Stream(stream)) = doc.get_object_mut(id) else { continue };
        let Ok(font) = stream.get_plain_content() else { continue };
        let Cow::Owned(stripped) = dehint(&font) else { continue };
        if stripped.len() >= font.len() {
            continue;
        }
        stream.dict.set("Length1", stripped.len() as i64);
        // Drops /Filter and sets /Length; `Document::compress` deflates it again.
        stream.set_plain_content(stripped);
        rewritten += 1;
    }
    rewritten
}

/// The references under every `/FontFile2` key in `object`, at any depth (font descriptors may be
/// direct objects inside a font dictionary).
fn collect_font_files(object: &lopdf::Object, ids: &mut Vec<lopdf::ObjectId>) {
    match object {
        lopdf::Object::Dictionary(dict) => collect_in_dict(dict, ids),
        lopdf::Object::Stream(stream) => collect_in_dict(&stream.dict, ids),
        lopdf::Object::Array(items) => items.iter().for_each(|o| collect_font_files(o, ids)),
        _ => {}
    }
}

fn collect_in_dict(dict: &lopdf::Dictionary, ids: &mut Vec<lopdf::ObjectId>) {
    for (key, value) in dict.iter() {
        match value {
            lopdf::Object::Reference(id) if key.as_slice() == b"FontFile2" => ids.push(*id),
            _ => collect_font_files(value, ids),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

fn u16_at(b: &[u8], at: usize) -> Result<u16, Skip> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]])).ok_or(Skip::Malformed("truncated"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, Skip> {
    b.get(at..at + 4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]])).ok_or(Skip::Malformed("truncated"))
}

fn put_u16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_be_bytes());
}

fn put_u32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_be_bytes());
}

/// A table's tag and data.
type Table<'a> = ([u8; 4], &'a [u8]);

/// The table directory, in directory order.
fn tables(font: &[u8]) -> Result<Vec<Table<'_>>, Skip> {
    let version = u32_at(font, 0).map_err(|_| Skip::NotTrueType)?;
    // 0x00010000 or 'true' (old Apple TrueType); 'OTTO' is CFF, 'ttcf' a collection.
    if version != 0x0001_0000 && version != u32::from_be_bytes(*b"true") {
        return Err(Skip::NotTrueType);
    }
    let count = usize::from(u16_at(font, 4)?);
    let mut out: Vec<Table<'_>> = Vec::with_capacity(count);
    for i in 0..count {
        let rec = 12 + 16 * i;
        let tag: [u8; 4] = font.get(rec..rec + 4).ok_or(Skip::Malformed("table directory"))?.try_into().unwrap_or_default();
        let offset = u32_at(font, rec + 8)? as usize;
        let length = u32_at(font, rec + 12)? as usize;
        let data = offset.checked_add(length).and_then(|end| font.get(offset..end)).ok_or(Skip::Malformed("table outside the file"))?;
        if out.iter().any(|(t, _)| *t == tag) {
            return Err(Skip::Malformed("duplicate table"));
        }
        out.push((tag, data));
    }
    Ok(out)
}

fn find<'a>(tables: &[Table<'a>], tag: &[u8; 4]) -> Option<&'a [u8]> {
    tables.iter().find(|(t, _)| t == tag).map(|(_, d)| *d)
}

// ---------------------------------------------------------------------------------------------
// Glyphs

/// Append `glyph` without instructions and without padding.
fn strip_glyph(glyph: &[u8], out: &mut Vec<u8>) -> Result<(), Skip> {
    if glyph.is_empty() {
        return Ok(());
    }
    if glyph.len() < 10 {
        return Err(Skip::Malformed("glyph header"));
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        strip_simple(glyph, contours as usize, out)
    } else {
        strip_composite(glyph, out)
    }
}

fn strip_simple(glyph: &[u8], contours: usize, out: &mut Vec<u8>) -> Result<(), Skip> {
    let ends = 10;
    let points = if contours == 0 { 0 } else { usize::from(u16_at(glyph, ends + 2 * (contours - 1))?) + 1 };
    let len_at = ends + 2 * contours;
    let instructions = usize::from(u16_at(glyph, len_at)?);
    let flags_at = len_at + 2 + instructions;
    // Walk the flags to find where the coordinates end.
    let (mut at, mut seen, mut x_bytes, mut y_bytes) = (flags_at, 0usize, 0usize, 0usize);
    while seen < points {
        let flag = *glyph.get(at).ok_or(Skip::Malformed("glyph flags"))?;
        at += 1;
        let mut times = 1;
        if flag & REPEAT != 0 {
            times += usize::from(*glyph.get(at).ok_or(Skip::Malformed("glyph flags"))?);
            at += 1;
        }
        seen += times;
        x_bytes += times * coordinate_bytes(flag, X_SHORT, X_SAME_OR_POSITIVE);
        y_bytes += times * coordinate_bytes(flag, Y_SHORT, Y_SAME_OR_POSITIVE);
    }
    if seen != points {
        return Err(Skip::Malformed("glyph flags repeat past the last point"));
    }
    let end = at + x_bytes + y_bytes;
    if end > glyph.len() {
        return Err(Skip::Malformed("glyph coordinates"));
    }
    out.extend_from_slice(&glyph[..len_at]);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&glyph[flags_at..end]);
    Ok(())
}

/// How many bytes one point's x (or y) coordinate takes: a short (1 byte, sign in the "same or
/// positive" bit), none (same as the previous point), or a 2-byte delta.
fn coordinate_bytes(flag: u8, short: u8, same_or_positive: u8) -> usize {
    if flag & short != 0 {
        1
    } else if flag & same_or_positive != 0 {
        0
    } else {
        2
    }
}

fn strip_composite(glyph: &[u8], out: &mut Vec<u8>) -> Result<(), Skip> {
    out.extend_from_slice(&glyph[..10]);
    let (mut at, mut instructed) = (10, false);
    loop {
        let flags = u16_at(glyph, at)?;
        let args = if flags & ARG_1_AND_2_ARE_WORDS != 0 { 4 } else { 2 };
        let transform = if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        let end = at + 4 + args + transform;
        let component = glyph.get(at..end).ok_or(Skip::Malformed("glyph component"))?;
        instructed |= flags & WE_HAVE_INSTRUCTIONS != 0;
        let flags_out = out.len();
        out.extend_from_slice(component);
        put_u16(out, flags_out, flags & !WE_HAVE_INSTRUCTIONS);
        at = end;
        if flags & MORE_COMPONENTS == 0 {
            break;
        }
    }
    if instructed {
        let length = usize::from(u16_at(glyph, at)?);
        if at + 2 + length > glyph.len() {
            return Err(Skip::Malformed("composite glyph instructions"));
        }
    }
    Ok(())
}

/// The `loca` offsets (numGlyphs + 1 of them), checked against the `glyf` length.
fn read_loca(loca: &[u8], long: bool, glyphs: usize, glyf_len: usize) -> Result<Vec<usize>, Skip> {
    let offsets: Vec<usize> = if long {
        (0..=glyphs).map(|i| u32_at(loca, 4 * i).map(|o| o as usize)).collect::<Result<_, _>>()?
    } else {
        (0..=glyphs).map(|i| u16_at(loca, 2 * i).map(|o| 2 * usize::from(o))).collect::<Result<_, _>>()?
    };
    if offsets.windows(2).any(|w| w[0] > w[1]) || offsets[glyphs] > glyf_len {
        return Err(Skip::Malformed("loca"));
    }
    Ok(offsets)
}

// ---------------------------------------------------------------------------------------------
// Writing

fn rewrite(font: &[u8]) -> Result<Vec<u8>, Skip> {
    let tables = tables(font)?;
    let (Some(glyf), Some(loca)) = (find(&tables, b"glyf"), find(&tables, b"loca")) else { return Err(Skip::NotTrueType) };
    let head = find(&tables, b"head").ok_or(Skip::Malformed("no head table"))?;
    let maxp = find(&tables, b"maxp").ok_or(Skip::Malformed("no maxp table"))?;
    if head.len() < 54 || u32_at(head, 12)? != 0x5F0F_3CF5 {
        return Err(Skip::Malformed("head"));
    }
    // maxp 1.0 (32 bytes) is the TrueType one; 0.5 belongs to CFF fonts.
    if maxp.len() < 32 || u32_at(maxp, 0)? != 0x0001_0000 {
        return Err(Skip::Malformed("maxp"));
    }
    let long = match u16_at(head, 50)? {
        0 => false,
        1 => true,
        _ => return Err(Skip::Malformed("head.indexToLocFormat")),
    };
    let glyphs = usize::from(u16_at(maxp, 4)?);
    let offsets = read_loca(loca, long, glyphs, glyf.len())?;

    // The glyphs, unpadded, one after the other; then the loca format that fits.
    let mut bare = Vec::with_capacity(glyf.len());
    let mut spans = Vec::with_capacity(glyphs);
    for w in offsets.windows(2) {
        let from = bare.len();
        strip_glyph(&glyf[w[0]..w[1]], &mut bare)?;
        spans.push(from..bare.len());
    }
    // Short offsets count 2-byte words up to 0xFFFF: use them when the glyphs fit (smaller).
    let short = spans.iter().map(|s| s.len().next_multiple_of(2)).sum::<usize>() / 2 <= usize::from(u16::MAX);
    let align = if short { 2 } else { 4 };
    let mut new_glyf = Vec::with_capacity(bare.len() + align * glyphs);
    let mut new_loca = Vec::with_capacity(align * (glyphs + 1));
    let offset = |loca: &mut Vec<u8>, at: usize| -> Result<(), Skip> {
        if short {
            loca.extend_from_slice(&((at / 2) as u16).to_be_bytes());
        } else {
            loca.extend_from_slice(&u32::try_from(at).map_err(|_| Skip::Malformed("glyf too large"))?.to_be_bytes());
        }
        Ok(())
    };
    for span in spans {
        offset(&mut new_loca, new_glyf.len())?;
        new_glyf.extend_from_slice(&bare[span]);
        new_glyf.resize(new_glyf.len().next_multiple_of(align), 0);
    }
    offset(&mut new_loca, new_glyf.len())?;

    let mut new_head = head.to_vec();
    put_u32(&mut new_head, 8, 0);
    put_u16(&mut new_head, 50, if short { 0 } else { 1 });
    let mut new_maxp = maxp.to_vec();
    put_u16(&mut new_maxp, 26, 0);

    let mut kept: Vec<([u8; 4], Cow<'_, [u8]>)> = tables
        .iter()
        .filter(|(tag, _)| !DROPPED.contains(&tag))
        .map(|&(tag, data)| {
            let data = match &tag {
                b"glyf" => Cow::Owned(std::mem::take(&mut new_glyf)),
                b"loca" => Cow::Owned(std::mem::take(&mut new_loca)),
                b"head" => Cow::Owned(std::mem::take(&mut new_head)),
                b"maxp" => Cow::Owned(std::mem::take(&mut new_maxp)),
                _ => Cow::Borrowed(data),
            };
            (tag, data)
        })
        .collect();
    kept.sort_by_key(|t| t.0);
    Ok(assemble(&font[..4], &kept))
}

/// The sfnt file: header, directory sorted by tag, tables 4-byte aligned, checksums set.
fn assemble(version: &[u8], tables: &[([u8; 4], Cow<'_, [u8]>)]) -> Vec<u8> {
    let count = tables.len();
    let pow2 = if count == 0 { 0 } else { 1usize << count.ilog2() };
    let directory = 12 + 16 * count;
    let total = directory + tables.iter().map(|(_, d)| d.len().next_multiple_of(4)).sum::<usize>();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(version);
    out.extend_from_slice(&(count as u16).to_be_bytes());
    out.extend_from_slice(&((pow2 * 16) as u16).to_be_bytes());
    out.extend_from_slice(&(pow2.max(1).ilog2() as u16).to_be_bytes());
    out.extend_from_slice(&((count * 16 - pow2 * 16) as u16).to_be_bytes());
    out.resize(directory, 0);
    let mut head_at = None;
    for (i, (tag, data)) in tables.iter().enumerate() {
        let offset = out.len();
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
        let rec = 12 + 16 * i;
        out[rec..rec + 4].copy_from_slice(tag);
        let sum = checksum(&out[offset..]);
        put_u32(&mut out, rec + 4, sum);
        put_u32(&mut out, rec + 8, offset as u32);
        put_u32(&mut out, rec + 12, data.len() as u32);
    }
    if let Some(at) = head_at {
        // head's own checksum was taken with checkSumAdjustment 0, as the spec requires.
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        put_u32(&mut out, at + 8, adjustment);
    }
    out
}

/// The sum of the big-endian u32 words of `data` (zero-padded to a multiple of 4).
fn checksum(data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(4);
    let mut sum = chunks.by_ref().fold(0u32, |s, c| s.wrapping_add(u32::from_be_bytes([c[0], c[1], c[2], c[3]])));
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        sum = sum.wrapping_add(u32::from_be_bytes(last));
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// The last guard

/// Every path command and coordinate of an outline, as written.
#[derive(Default, PartialEq)]
struct Recorded(Vec<u32>);

impl ttf_parser::OutlineBuilder for Recorded {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.extend([1, x.to_bits(), y.to_bits()]);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.extend([2, x.to_bits(), y.to_bits()]);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.extend([3, x1.to_bits(), y1.to_bits(), x.to_bits(), y.to_bits()]);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.extend([4, x1.to_bits(), y1.to_bits(), x2.to_bits(), y2.to_bits(), x.to_bits(), y.to_bits()]);
    }
    fn close(&mut self) {
        self.0.push(5);
    }
}

/// `after` reads back with the glyph count, outlines, bounding boxes and advances of `before`.
fn same_glyphs(before: &[u8], after: &[u8]) -> Result<(), Skip> {
    let a = ttf_parser::Face::parse(before, 0).map_err(|_| Skip::Malformed("ttf-parser refuses the input"))?;
    let b = ttf_parser::Face::parse(after, 0).map_err(|_| Skip::Mismatch)?;
    if a.number_of_glyphs() != b.number_of_glyphs() {
        return Err(Skip::Mismatch);
    }
    let (mut ra, mut rb) = (Recorded::default(), Recorded::default());
    for gid in (0..a.number_of_glyphs()).map(ttf_parser::GlyphId) {
        ra.0.clear();
        rb.0.clear();
        let same = a.outline_glyph(gid, &mut ra) == b.outline_glyph(gid, &mut rb)
            && ra == rb
            && a.glyph_hor_advance(gid) == b.glyph_hor_advance(gid)
            && a.glyph_ver_advance(gid) == b.glyph_ver_advance(gid);
        if !same {
            return Err(Skip::Mismatch);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::font_or_skip::font_or_skip;
    use ttf_parser::{Face, GlyphId};

    static MINCHO: &[u8] = include_bytes!("../../../../assets/fonts/ipaexm.ttf");
    static GOTHIC: &[u8] = include_bytes!("../../../../assets/fonts/ipaexg.ttf");

    fn outline(face: &Face, gid: GlyphId) -> (Option<ttf_parser::Rect>, Vec<u32>) {
        let mut r = Recorded::default();
        let bbox = face.outline_glyph(gid, &mut r);
        (bbox, r.0)
    }

    /// All of ASCII, hiragana and katakana, and every 37th code point of the CJK block.
    fn sample_chars() -> Vec<char> {
        let ascii = (0x20u32..0x7F).filter_map(char::from_u32);
        let kana = (0x3041u32..=0x30FF).filter_map(char::from_u32);
        let kanji = (0x4E00u32..=0x9FFF).step_by(37).filter_map(char::from_u32);
        ascii.chain(kana).chain(kanji).collect()
    }

    fn table_tags(font: &[u8]) -> Vec<[u8; 4]> {
        tables(font).unwrap().into_iter().map(|(t, _)| t).collect()
    }

    /// Table checksums, head.checkSumAdjustment, alignment, order and the directory's binary
    /// search fields are all as the OpenType spec says.
    fn assert_well_formed(font: &[u8]) {
        let count = usize::from(u16_at(font, 4).unwrap());
        let pow2 = 1usize << count.ilog2();
        assert_eq!(usize::from(u16_at(font, 6).unwrap()), pow2 * 16);
        assert_eq!(u16_at(font, 8).unwrap(), count.ilog2() as u16);
        assert_eq!(usize::from(u16_at(font, 10).unwrap()), count * 16 - pow2 * 16);
        let mut previous = [0u8; 4];
        for i in 0..count {
            let rec = 12 + 16 * i;
            let tag: [u8; 4] = font[rec..rec + 4].try_into().unwrap();
            assert!(tag > previous, "tables out of order");
            previous = tag;
            let (sum, offset, len) = (u32_at(font, rec + 4).unwrap(), u32_at(font, rec + 8).unwrap() as usize, u32_at(font, rec + 12).unwrap() as usize);
            assert_eq!(offset % 4, 0, "{tag:?} not aligned");
            let mut data = font[offset..(offset + len).next_multiple_of(4)].to_vec();
            if &tag == b"head" {
                put_u32(&mut data, 8, 0);
            }
            assert_eq!(checksum(&data), sum, "checksum of {:?}", String::from_utf8_lossy(&tag));
        }
        assert_eq!(font.len() % 4, 0);
        assert_eq!(checksum(font), 0xB1B0_AFBA, "head.checkSumAdjustment");
    }

    fn assert_same_font(before: &[u8], after: &[u8]) {
        let (a, b) = (Face::parse(before, 0).unwrap(), Face::parse(after, 0).unwrap());
        assert_eq!(a.number_of_glyphs(), b.number_of_glyphs());
        let chars = sample_chars();
        let mut compared = 0;
        for c in chars {
            let gid = a.glyph_index(c);
            assert_eq!(gid, b.glyph_index(c), "cmap of {c:?}");
            let Some(gid) = gid else { continue };
            assert_eq!(outline(&a, gid), outline(&b, gid), "outline of {c:?}");
            assert_eq!(a.glyph_hor_advance(gid), b.glyph_hor_advance(gid), "advance of {c:?}");
            assert_eq!(a.glyph_ver_advance(gid), b.glyph_ver_advance(gid), "vertical advance of {c:?}");
            compared += 1;
        }
        assert!(compared > 400, "only {compared} glyphs compared");
        assert_eq!(a.units_per_em(), b.units_per_em());
        assert_eq!(a.global_bounding_box(), b.global_bounding_box());
        assert_eq!((a.ascender(), a.descender(), a.line_gap()), (b.ascender(), b.descender(), b.line_gap()));
    }

    fn whole_font(font: &[u8]) {
        let stripped = strip_instructions(font).unwrap();
        assert_same_font(font, &stripped);
        assert_well_formed(&stripped);
        for tag in DROPPED {
            assert!(!table_tags(&stripped).contains(tag), "{tag:?} kept");
        }
        // No instructions are left, and the limit says so.
        let t = tables(&stripped).unwrap();
        let maxp = find(&t, b"maxp").unwrap();
        assert_eq!(u16_at(maxp, 26).unwrap(), 0);
        assert_eq!(instruction_bytes(&stripped), 0);
        assert!(instruction_bytes(font) > 1_000_000);
        // IPAex's glyf is far beyond the short loca format's 128 KB.
        assert_eq!(u16_at(find(&t, b"head").unwrap(), 50).unwrap(), 1);
        assert!(stripped.len() < font.len() * 3 / 4, "{} → {}", font.len(), stripped.len());
        // Doing it again changes nothing.
        assert_eq!(strip_instructions(&stripped).unwrap(), stripped);
    }

    /// The total instruction length of the simple glyphs.
    fn instruction_bytes(font: &[u8]) -> usize {
        let t = tables(font).unwrap();
        let (glyf, loca, head, maxp) = (find(&t, b"glyf").unwrap(), find(&t, b"loca").unwrap(), find(&t, b"head").unwrap(), find(&t, b"maxp").unwrap());
        let glyphs = usize::from(u16_at(maxp, 4).unwrap());
        let offsets = read_loca(loca, u16_at(head, 50).unwrap() == 1, glyphs, glyf.len()).unwrap();
        offsets
            .windows(2)
            .filter(|w| w[1] > w[0])
            .map(|w| {
                let g = &glyf[w[0]..w[1]];
                let n = u16_at(g, 0).unwrap() as i16;
                if n < 0 {
                    0
                } else {
                    usize::from(u16_at(g, 10 + 2 * n as usize).unwrap())
                }
            })
            .sum()
    }

    #[test]
    fn mincho_keeps_every_outline() {
        whole_font(MINCHO);
    }

    #[test]
    fn gothic_keeps_every_outline() {
        whole_font(GOTHIC);
    }

    /// DejaVu Sans, when installed, has composite glyphs (accented letters) with instructions.
    #[test]
    fn composites_of_an_installed_font() {
        const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
        if !font_or_skip(DEJAVU, "fonts-dejavu-core") {
            return;
        }
        let font = std::fs::read(DEJAVU).unwrap();
        let stripped = strip_instructions(&font).unwrap();
        assert_well_formed(&stripped);
        let (a, b) = (Face::parse(&font, 0).unwrap(), Face::parse(&stripped, 0).unwrap());
        for c in ['é', 'Å', 'ñ', 'ǅ', 'A', 'g'] {
            let gid = a.glyph_index(c).unwrap();
            assert_eq!(outline(&a, gid), outline(&b, gid), "{c:?}");
        }
        assert!(stripped.len() < font.len());
    }

    // --- a font built by hand: a simple glyph and a composite, both with instructions ---

    /// A triangle with 3 bytes of instructions and one odd byte of padding.
    fn simple_glyph() -> Vec<u8> {
        let mut g = Vec::new();
        g.extend_from_slice(&1i16.to_be_bytes()); // one contour
        for v in [0i16, 0, 500, 700] {
            g.extend_from_slice(&v.to_be_bytes());
        }
        g.extend_from_slice(&2u16.to_be_bytes()); // endPts: 3 points
        g.extend_from_slice(&3u16.to_be_bytes()); // instructionLength
        g.extend_from_slice(&[0xB0, 0x01, 0x2F]); // PUSHB[0] 1, MDAP[1]: never run here
                                                  // All on-curve: (0, 0) as "same" deltas, then two points in 2-byte deltas (the second
                                                  // flag repeated 0 times, to exercise REPEAT).
        g.extend_from_slice(&[0x01 | X_SAME_OR_POSITIVE | Y_SAME_OR_POSITIVE, 0x01, 0x01 | REPEAT, 0]);
        for dx in [500i16, -250] {
            g.extend_from_slice(&dx.to_be_bytes());
        }
        for dy in [0i16, 700] {
            g.extend_from_slice(&dy.to_be_bytes());
        }
        g.push(0); // padding
        g
    }

    /// Glyph 1 twice: once as is, once scaled by 0.5 and moved; instructions after the last.
    fn composite_glyph() -> Vec<u8> {
        let mut g = Vec::new();
        g.extend_from_slice(&(-1i16).to_be_bytes());
        for v in [0i16, 0, 1000, 700] {
            g.extend_from_slice(&v.to_be_bytes());
        }
        // flags ARGS_ARE_XY_VALUES (0x0002) | MORE_COMPONENTS, glyph 1, byte offsets 0, 0
        g.extend_from_slice(&(0x0002 | MORE_COMPONENTS).to_be_bytes());
        g.extend_from_slice(&1u16.to_be_bytes());
        g.extend_from_slice(&[0, 0]);
        // words for the offset (600), a scale of 0.5 (F2Dot14 0x2000) and the instructions flag
        g.extend_from_slice(&(0x0002 | ARG_1_AND_2_ARE_WORDS | WE_HAVE_A_SCALE | WE_HAVE_INSTRUCTIONS).to_be_bytes());
        g.extend_from_slice(&1u16.to_be_bytes());
        g.extend_from_slice(&600i16.to_be_bytes());
        g.extend_from_slice(&0i16.to_be_bytes());
        g.extend_from_slice(&0x2000u16.to_be_bytes());
        g.extend_from_slice(&4u16.to_be_bytes());
        g.extend_from_slice(&[0xB0, 0x00, 0xB0, 0x00]);
        g
    }

    fn table(tag: &[u8; 4], data: Vec<u8>) -> ([u8; 4], Cow<'static, [u8]>) {
        (*tag, Cow::Owned(data))
    }

    /// A minimal TrueType font: .notdef (empty), the triangle, the composite; `long` loca.
    fn tiny_font(long: bool, extra: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
        let glyphs = [Vec::new(), simple_glyph(), composite_glyph()];
        let mut glyf = Vec::new();
        let mut loca = Vec::new();
        for g in glyphs.iter().map(Some).chain([None]) {
            let at = glyf.len();
            if long {
                loca.extend_from_slice(&(at as u32).to_be_bytes());
            } else {
                loca.extend_from_slice(&((at / 2) as u16).to_be_bytes());
            }
            if let Some(g) = g {
                glyf.extend_from_slice(g);
                glyf.resize(glyf.len().next_multiple_of(if long { 4 } else { 2 }), 0);
            }
        }
        let mut head = vec![0u8; 54];
        put_u32(&mut head, 0, 0x0001_0000);
        put_u32(&mut head, 12, 0x5F0F_3CF5);
        put_u16(&mut head, 18, 1000); // unitsPerEm
        put_u16(&mut head, 40, 1000);
        put_u16(&mut head, 42, 700); // xMax, yMax
        put_u16(&mut head, 50, u16::from(long));
        let mut hhea = vec![0u8; 36];
        put_u32(&mut hhea, 0, 0x0001_0000);
        put_u16(&mut hhea, 4, 880);
        put_u16(&mut hhea, 6, (-120i16) as u16);
        put_u16(&mut hhea, 34, 3); // numberOfHMetrics
        let mut maxp = vec![0u8; 32];
        put_u32(&mut maxp, 0, 0x0001_0000);
        put_u16(&mut maxp, 4, 3);
        put_u16(&mut maxp, 14, 2); // maxZones
        put_u16(&mut maxp, 26, 4); // maxSizeOfInstructions
        let hmtx: Vec<u8> = [(500u16, 0i16), (500, 0), (1000, 0)].iter().flat_map(|(a, l)| [a.to_be_bytes(), l.to_be_bytes()].concat()).collect();
        let mut tables = vec![
            table(b"head", head),
            table(b"hhea", hhea),
            table(b"maxp", maxp),
            table(b"hmtx", hmtx),
            table(b"loca", loca),
            table(b"glyf", glyf),
            table(b"fpgm", vec![0xB0, 0x00, 0x2C, 0x2D]),
            table(b"prep", vec![0xB0, 0x00]),
            table(b"cvt ", vec![0, 10, 0, 20]),
        ];
        tables.extend(extra.iter().map(|(t, d)| table(t, d.clone())));
        tables.sort_by_key(|t| t.0);
        assemble(&0x0001_0000u32.to_be_bytes(), &tables)
    }

    #[test]
    fn hand_made_font_loses_its_instructions_and_nothing_else() {
        for long in [false, true] {
            let font = tiny_font(long, &[(*b"hdmx", vec![0; 8]), (*b"OS/2", vec![0; 78])]);
            assert_well_formed(&font);
            let stripped = strip_instructions(&font).unwrap();
            assert_well_formed(&stripped);
            assert_eq!(table_tags(&stripped), [*b"OS/2", *b"glyf", *b"head", *b"hhea", *b"hmtx", *b"loca", *b"maxp"]);
            let (a, b) = (Face::parse(&font, 0).unwrap(), Face::parse(&stripped, 0).unwrap());
            for gid in (0..3).map(GlyphId) {
                assert_eq!(outline(&a, gid), outline(&b, gid), "glyph {gid:?}");
                assert_eq!(a.glyph_hor_advance(gid), b.glyph_hor_advance(gid));
            }
            // The composite really is drawn (two triangles), so the comparison means something.
            assert_eq!(outline(&b, GlyphId(2)).1.iter().filter(|&&c| c == 5).count(), 2);

            let t = tables(&stripped).unwrap();
            let (glyf, loca) = (find(&t, b"glyf").unwrap(), find(&t, b"loca").unwrap());
            // Small enough for the short format, whatever came in.
            assert_eq!(u16_at(find(&t, b"head").unwrap(), 50).unwrap(), 0);
            assert_eq!(u16_at(find(&t, b"maxp").unwrap(), 26).unwrap(), 0);
            let offsets = read_loca(loca, false, 3, glyf.len()).unwrap();
            let simple = &glyf[offsets[1]..offsets[2]];
            let mut expected = simple_glyph();
            expected.drain(14..17); // the three instruction bytes
            expected[12..14].copy_from_slice(&[0, 0]);
            expected.truncate(expected.len() - 1); // the odd padding byte...
            expected.resize(expected.len().next_multiple_of(2), 0); // ...and the even one
            assert_eq!(simple, expected);
            let composite = &glyf[offsets[2]..offsets[3]];
            let mut expected = composite_glyph();
            expected.truncate(expected.len() - 6); // instruction count and bytes
            expected[16..18].copy_from_slice(&(0x0002 | ARG_1_AND_2_ARE_WORDS | WE_HAVE_A_SCALE).to_be_bytes());
            assert_eq!(composite, expected);
            assert_eq!(offsets[3], glyf.len());
        }
    }

    #[test]
    fn a_glyf_too_big_for_short_offsets_gets_the_long_format() {
        // 700 copies of a 40-point glyph: about 150 KB of glyf, past the short format's 128 KB.
        let mut g = Vec::new();
        g.extend_from_slice(&1i16.to_be_bytes());
        g.extend_from_slice(&[0; 8]);
        g.extend_from_slice(&39u16.to_be_bytes());
        g.extend_from_slice(&0u16.to_be_bytes());
        g.extend(std::iter::repeat_n(0x01u8, 40)); // on-curve, word coordinates
        g.extend(std::iter::repeat_n(0x00u8, 160));
        let bare = g.len();
        let glyphs = 700;
        let mut glyf = Vec::new();
        let mut loca = Vec::new();
        for i in 0..=glyphs {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            if i < glyphs {
                glyf.extend_from_slice(&g);
            }
        }
        let base = tiny_font(true, &[]);
        let t = tables(&base).unwrap();
        let mut head = find(&t, b"head").unwrap().to_vec();
        put_u32(&mut head, 8, 0);
        let mut maxp = find(&t, b"maxp").unwrap().to_vec();
        put_u16(&mut maxp, 4, glyphs as u16);
        let mut hhea = find(&t, b"hhea").unwrap().to_vec();
        put_u16(&mut hhea, 34, 1);
        let rebuilt = vec![
            table(b"glyf", glyf),
            table(b"head", head),
            table(b"hhea", hhea),
            table(b"hmtx", [vec![0x01, 0xF4, 0, 0], vec![0; 2 * (glyphs - 1)]].concat()),
            table(b"loca", loca),
            table(b"maxp", maxp),
        ];
        let font = assemble(&0x0001_0000u32.to_be_bytes(), &rebuilt);
        let stripped = strip_instructions(&font).unwrap();
        assert_well_formed(&stripped);
        let t = tables(&stripped).unwrap();
        assert_eq!(u16_at(find(&t, b"head").unwrap(), 50).unwrap(), 1);
        let offsets = read_loca(find(&t, b"loca").unwrap(), true, glyphs, find(&t, b"glyf").unwrap().len()).unwrap();
        assert!(offsets.iter().all(|o| o % 4 == 0));
        assert_eq!(offsets[1], bare.next_multiple_of(4));
    }

    // --- refused, and returned unchanged ---

    fn refused(font: &[u8]) -> Skip {
        assert_eq!(dehint(font), Cow::Borrowed(font), "changed");
        assert!(matches!(dehint(font), Cow::Borrowed(_)));
        strip_instructions(font).unwrap_err()
    }

    #[test]
    fn not_truetype_is_left_alone() {
        assert_eq!(refused(b""), Skip::NotTrueType);
        assert_eq!(refused(b"OTTO\0\0\0\0\0\0\0\0"), Skip::NotTrueType);
        assert_eq!(refused(b"ttcf\0\x01\0\0\0\0\0\x01\0\0\0\x0c"), Skip::NotTrueType);
        // A TrueType header without glyf/loca.
        let no_glyf = assemble(&0x0001_0000u32.to_be_bytes(), &[table(b"head", vec![0; 54])]);
        assert_eq!(refused(&no_glyf), Skip::NotTrueType);
        let otf = "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf";
        if font_or_skip(otf, "fonts-urw-base35") {
            assert_eq!(refused(&std::fs::read(otf).unwrap()), Skip::NotTrueType);
        }
    }

    #[test]
    fn malformed_is_left_alone() {
        let font = tiny_font(false, &[]);
        // Truncated anywhere: in the directory, in a table, at the very end.
        for len in [5, 20, 100, font.len() / 2, font.len() - 3] {
            assert!(matches!(refused(&font[..len]), Skip::Malformed(_) | Skip::NotTrueType), "{len}");
        }
        assert!(matches!(refused(&MINCHO[..MINCHO.len() / 3]), Skip::Malformed(_)));
        // Random bytes, with and without a TrueType version in front.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..200 {
            let mut bytes: Vec<u8> = (0..64 + round * 13)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            if round % 2 == 0 {
                bytes[..4].copy_from_slice(&0x0001_0000u32.to_be_bytes());
            }
            refused(&bytes);
        }
        // Damage inside glyf: a glyph whose flags run past its end.
        let t = tables(&font).unwrap();
        let glyf_at = font.windows(4).position(|w| w == b"glyf").unwrap();
        let glyf_offset = u32_at(&font, glyf_at + 8).unwrap() as usize;
        let simple_at = glyf_offset + read_loca(find(&t, b"loca").unwrap(), false, 3, find(&t, b"glyf").unwrap().len()).unwrap()[1];
        let mut broken = font.clone();
        put_u16(&mut broken, simple_at + 10, 300); // endPts: 301 points in a 3-point glyph
        assert!(matches!(refused(&broken), Skip::Malformed(_)));
        let mut broken = font.clone();
        put_u16(&mut broken, simple_at + 12, 200); // instructionLength past the glyph
        assert!(matches!(refused(&broken), Skip::Malformed(_)));
        // loca running backwards, and an unknown loca format.
        let loca_at = font.windows(4).position(|w| w == b"loca").unwrap();
        let loca_offset = u32_at(&font, loca_at + 8).unwrap() as usize;
        let mut broken = font.clone();
        put_u16(&mut broken, loca_offset + 2, 0x7000);
        assert_eq!(refused(&broken), Skip::Malformed("loca"));
        let head_at = font.windows(4).position(|w| w == b"head").unwrap();
        let head_offset = u32_at(&font, head_at + 8).unwrap() as usize;
        let mut broken = font.clone();
        put_u16(&mut broken, head_offset + 50, 7);
        assert_eq!(refused(&broken), Skip::Malformed("head.indexToLocFormat"));
    }

    #[test]
    fn pdf_font_streams_are_rewritten_and_length1_kept_in_step() {
        use lopdf::{dictionary, Object, Stream};
        let font = tiny_font(true, &[]);
        let mut doc = lopdf::Document::with_version("1.7");
        let mut stream = Stream::new(dictionary! { "Length1" => font.len() as i64 }, font.clone());
        stream.compress().unwrap();
        assert!(stream.dict.get(b"Filter").is_ok());
        let file = doc.add_object(stream);
        let junk = doc.add_object(Stream::new(dictionary! { "Length1" => 4 }, b"OTTO".to_vec()));
        doc.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile2" => file });
        doc.add_object(dictionary! { "Type" => "Font", "DescendantFonts" => vec![Object::Dictionary(dictionary! { "FontDescriptor" => dictionary! { "FontFile2" => junk } })] });
        assert_eq!(dehint_pdf_fonts(&mut doc), 1);
        let Object::Stream(s) = doc.get_object(file).unwrap() else { panic!() };
        assert!(s.dict.get(b"Filter").is_err());
        assert_eq!(s.content, strip_instructions(&font).unwrap());
        assert_eq!(s.dict.get(b"Length1").unwrap().as_i64().unwrap(), s.content.len() as i64);
        assert_eq!(s.dict.get(b"Length").unwrap().as_i64().unwrap(), s.content.len() as i64);
        let Object::Stream(j) = doc.get_object(junk).unwrap() else { panic!() };
        assert_eq!(j.content, b"OTTO");
        // A second pass finds nothing left to remove.
        assert_eq!(dehint_pdf_fonts(&mut doc), 0);
    }
}
