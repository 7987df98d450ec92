//! The fonts the forms are printed with.
//!
//! Two faces are compiled into the binary, so that the forms look the same on every machine:
//! IPAex明朝 for the body of the forms and IPAexゴシック for headings (`assets/fonts/`, IPA Font
//! License v1.0). IPAex covers JIS X 0213 but not every name: 𠮷 (U+20BB7), for one, is missing.
//! For those, the user can name a fallback font file (typically IPAmj明朝, `ipamjm.ttf`), loaded at
//! run time; it is never shipped with the app.
//!
//! Coverage and advance widths are read once per font with `ttf-parser` into a character map and a
//! table of advances. printpdf's own `ParsedFont` is kept only to embed the font: its cmap lookup
//! costs about 1.4 µs a character, which for a dense page was a third of the time. Text is handed
//! to printpdf as glyph ids (see [`super::canvas`]), so the glyph drawn is exactly the one measured
//! here, and printpdf never consults its own cmap.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use printpdf::ParsedFont;

use crate::error::{Error, Result};

static MINCHO_TTF: &[u8] = include_bytes!("../../../../assets/fonts/ipaexm.ttf");
static GOTHIC_TTF: &[u8] = include_bytes!("../../../../assets/fonts/ipaexg.ttf");

/// One of the two embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontFace {
    /// IPAex明朝: the body text of the forms.
    Mincho,
    /// IPAexゴシック: headings and labels.
    Gothic,
}

/// Which font file a run of text is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    Mincho,
    Gothic,
    Fallback,
}

impl Slot {
    pub(crate) fn index(self) -> usize {
        match self {
            Slot::Mincho => 0,
            Slot::Gothic => 1,
            Slot::Fallback => 2,
        }
    }
}

impl From<FontFace> for Slot {
    fn from(f: FontFace) -> Self {
        match f {
            FontFace::Mincho => Slot::Mincho,
            FontFace::Gothic => Slot::Gothic,
        }
    }
}

/// A parsed font with what measuring needs at hand.
pub(crate) struct Face {
    /// printpdf's parse, for embedding.
    pub(crate) font: ParsedFont,
    /// The PostScript name, for messages and tests.
    pub(crate) name: String,
    /// Character to glyph id, from every Unicode cmap subtable (glyph 0 left out).
    glyphs: HashMap<char, u16>,
    /// Advance width of each glyph id, in font units.
    advances: Vec<u16>,
    units_per_em: f32,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face").field("name", &self.name).field("characters", &self.glyphs.len()).finish_non_exhaustive()
    }
}

impl Face {
    fn parse(bytes: &[u8]) -> Option<Face> {
        let face = ttf_parser::Face::parse(bytes, 0).ok()?;
        let mut glyphs = HashMap::new();
        for table in face.tables().cmap?.subtables.into_iter().filter(|t| t.is_unicode()) {
            table.codepoints(|cp| {
                if let (Some(c), Some(g)) = (char::from_u32(cp), table.glyph_index(cp)) {
                    if g.0 != 0 {
                        glyphs.entry(c).or_insert(g.0);
                    }
                }
            });
        }
        let advances: Vec<u16> = (0..face.number_of_glyphs()).map(|g| face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0)).collect();
        let units_per_em = f32::from(face.units_per_em());
        // A font that maps no character is useless here.
        if glyphs.is_empty() || advances.is_empty() || units_per_em <= 0.0 {
            return None;
        }
        let name = face.names().into_iter().filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME).find_map(|n| n.to_string()).unwrap_or_default();
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())?;
        Some(Face { font, name, glyphs, advances, units_per_em })
    }

    /// The glyph id for `c`, if the font has a glyph for it (not .notdef).
    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        self.glyphs.get(&c).copied()
    }

    /// Advance of `c` in em; a character the font lacks is measured as .notdef, as it is drawn.
    fn advance_em(&self, c: char) -> f32 {
        let gid = self.glyph(c).unwrap_or(0);
        f32::from(self.advances.get(usize::from(gid)).copied().unwrap_or(0)) / self.units_per_em
    }
}

fn embedded_faces() -> &'static (Arc<Face>, Arc<Face>) {
    static FACES: OnceLock<(Arc<Face>, Arc<Face>)> = OnceLock::new();
    FACES.get_or_init(|| {
        // The bytes are compiled in and tested: a parse failure is a broken build, not a user error.
        let mincho = Face::parse(MINCHO_TTF).expect("the embedded IPAex明朝 must parse");
        let gothic = Face::parse(GOTHIC_TTF).expect("the embedded IPAexゴシック must parse");
        (Arc::new(mincho), Arc::new(gothic))
    })
}

/// The fonts of one document: the two embedded faces and an optional fallback font.
///
/// Cloning is cheap (the faces are shared). Build a set with a fallback once, keep it, and clone
/// it per document: parsing IPAmj明朝 (46 MB) takes a while.
#[derive(Debug, Clone)]
pub struct FontSet {
    mincho: Arc<Face>,
    gothic: Arc<Face>,
    fallback: Option<Arc<Face>>,
}

/// A run of text drawn with one font file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Run {
    pub(crate) slot: Slot,
    pub(crate) text: String,
}

impl FontSet {
    /// The embedded IPAex faces, without a fallback. The fonts are parsed once per process; later
    /// calls are cheap.
    pub fn embedded() -> Result<FontSet> {
        let (mincho, gothic) = embedded_faces();
        Ok(FontSet { mincho: mincho.clone(), gothic: gothic.clone(), fallback: None })
    }

    /// The embedded faces plus a fallback font file (e.g. IPAmj明朝 `ipamjm.ttf`) for the characters
    /// IPAex lacks. Only fonts with TrueType outlines are accepted: CFF-flavoured OpenType (most
    /// `.otf`, e.g. Noto Sans CJK) is refused, because printpdf's subsets of those have a history of
    /// files that Acrobat rejects. For a collection (`.ttc`) the first face is used.
    pub fn with_fallback(path: &Path) -> Result<FontSet> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|_| Error::FontUnreadable { path: shown.clone() })?;
        let face = Face::parse(&bytes).filter(|_| has_truetype_outlines(&bytes)).ok_or(Error::NotAFont { path: shown })?;
        let mut set = FontSet::embedded()?;
        set.fallback = Some(Arc::new(face));
        Ok(set)
    }

    /// The PostScript name of the fallback font, if one is set (e.g. `IPAmjMincho`).
    pub fn fallback_name(&self) -> Option<&str> {
        self.fallback.as_deref().map(|f| f.name.as_str())
    }

    pub(crate) fn face(&self, slot: Slot) -> Option<&Face> {
        match slot {
            Slot::Mincho => Some(&self.mincho),
            Slot::Gothic => Some(&self.gothic),
            Slot::Fallback => self.fallback.as_deref(),
        }
    }

    fn primary(&self, face: FontFace) -> &Face {
        match face {
            FontFace::Mincho => &self.mincho,
            FontFace::Gothic => &self.gothic,
        }
    }

    /// Which font draws `c` with `face`: the face itself, else the fallback, else none.
    pub(crate) fn slot_for(&self, face: FontFace, c: char) -> Option<Slot> {
        if self.primary(face).glyph(c).is_some() {
            Some(face.into())
        } else if self.fallback.as_deref().is_some_and(|f| f.glyph(c).is_some()) {
            Some(Slot::Fallback)
        } else {
            None
        }
    }

    /// Whether `c` can be drawn with `face`, by the face itself or by the fallback font.
    pub fn covers(&self, face: FontFace, c: char) -> bool {
        self.slot_for(face, c).is_some()
    }

    /// The first character of `text` that neither the face nor the fallback can draw. Control
    /// characters (which [`Canvas::text`](super::canvas::Canvas::text) drops) are not counted.
    pub fn missing(&self, face: FontFace, text: &str) -> Option<char> {
        text.chars().filter(|c| !c.is_control()).find(|&c| !self.covers(face, c))
    }

    /// A ready-made error for a form field whose value cannot be printed: the message names the
    /// character and tells the user what to do. `Ok(())` when every character can be drawn.
    pub fn check(&self, face: FontFace, field: &str, text: &str) -> Result<()> {
        match self.missing(face, text) {
            None => Ok(()),
            Some(c) => Err(Error::invalid(field, missing_glyph_message(c))),
        }
    }

    /// The advance width of `text` in points at `size_pt`, as it will be drawn: characters the face
    /// lacks are measured with the fallback font, and characters nobody has as the face's .notdef.
    pub fn width(&self, face: FontFace, size_pt: f32, text: &str) -> f32 {
        let em: f32 = text
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| match self.slot_for(face, c) {
                Some(slot) => self.face(slot).map_or(0.0, |f| f.advance_em(c)),
                None => self.primary(face).advance_em(c),
            })
            .sum();
        em * size_pt
    }

    /// Split `text` into runs of consecutive characters drawn with the same font file. Characters
    /// nobody has stay with the face (printpdf draws them as .notdef) and are pushed to `missing`.
    pub(crate) fn runs(&self, face: FontFace, text: &str, missing: &mut Vec<char>) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for c in text.chars().filter(|c| !c.is_control()) {
            let slot = self.slot_for(face, c).unwrap_or_else(|| {
                if !missing.contains(&c) {
                    missing.push(c);
                }
                face.into()
            });
            match runs.last_mut() {
                Some(run) if run.slot == slot => run.text.push(c),
                _ => runs.push(Run { slot, text: c.to_string() }),
            }
        }
        runs
    }
}

/// Whether the (first) face in an sfnt file has TrueType outlines, by its sfnt version tag:
/// `00 01 00 00` or `true` for TrueType, `OTTO` for CFF. (printpdf's `ParsedFont::font_type` says
/// `TrueType` for every font, so it cannot tell.)
fn has_truetype_outlines(bytes: &[u8]) -> bool {
    let tag_at = |at: usize| bytes.get(at..at + 4);
    let tag = match tag_at(0) {
        Some(b"ttcf") => bytes.get(12..16).and_then(|o| tag_at(u32::from_be_bytes(o.try_into().ok()?) as usize)),
        other => other,
    };
    matches!(tag, Some([0, 1, 0, 0]) | Some(b"true"))
}

/// The Japanese explanation for a character no font can draw.
pub(crate) use crate::error::missing_glyph_message;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::font_or_skip::font_or_skip;

    pub(crate) const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

    #[test]
    fn embedded_faces_parse_and_cover_everyday_japanese() {
        let f = FontSet::embedded().unwrap();
        assert_eq!(f.face(Slot::Mincho).unwrap().name, "IPAexMincho");
        assert_eq!(f.face(Slot::Gothic).unwrap().name, "IPAexGothic");
        for face in [FontFace::Mincho, FontFace::Gothic] {
            let text = "面接指導結果報告書 山田　太郎 令和7年4月1日（火）ABCxyz0123 ○■□・（）「」、。ｱｲｳ髙﨑";
            assert_eq!(f.missing(face, text), None, "{face:?}");
        }
        // Cheap to call again: the same parsed faces.
        let g = FontSet::embedded().unwrap();
        assert!(Arc::ptr_eq(&f.mincho, &g.mincho));
    }

    #[test]
    fn tsuchi_yoshi_is_missing_without_a_fallback() {
        let f = FontSet::embedded().unwrap();
        assert!(!f.covers(FontFace::Mincho, '𠮷'));
        assert!(!f.covers(FontFace::Gothic, '𠮷'));
        assert_eq!(f.missing(FontFace::Mincho, "𠮷野 太郎"), Some('𠮷'));
        let e = f.check(FontFace::Mincho, "worker.name", "𠮷野 太郎").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("「𠮷」（U+20BB7）") && msg.contains("外字フォント"), "{msg}");
        assert!(f.check(FontFace::Mincho, "worker.name", "吉野 太郎").is_ok());
        // Control characters are neither drawn nor reported.
        assert_eq!(f.missing(FontFace::Mincho, "山田\n太郎\t"), None);
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        let f = FontSet::embedded().unwrap();
        // IPAex: ideographs and kana are one em; ASCII is proportional (IPAex is not monospaced).
        assert!((f.width(FontFace::Mincho, 10.0, "山田太郎") - 40.0).abs() < 0.01);
        assert!((f.width(FontFace::Gothic, 12.0, "面接") - 24.0).abs() < 0.01);
        let w = f.width(FontFace::Mincho, 10.0, "ABC");
        assert!(w > 15.0 && w < 30.0, "{w}");
        assert_eq!(f.width(FontFace::Mincho, 10.0, ""), 0.0);
        // Doubling the size doubles the width.
        let a = f.width(FontFace::Mincho, 10.0, "令和7年4月1日");
        let b = f.width(FontFace::Mincho, 20.0, "令和7年4月1日");
        assert!((b - 2.0 * a).abs() < 0.01);
    }

    #[test]
    fn runs_split_only_at_font_changes() {
        let f = FontSet::embedded().unwrap();
        let mut missing = Vec::new();
        let runs = f.runs(FontFace::Mincho, "山田\n太郎", &mut missing);
        assert_eq!(runs, vec![Run { slot: Slot::Mincho, text: "山田太郎".into() }]);
        assert!(missing.is_empty());
        let runs = f.runs(FontFace::Gothic, "𠮷野𠮷", &mut missing);
        assert_eq!(runs, vec![Run { slot: Slot::Gothic, text: "𠮷野𠮷".into() }]);
        assert_eq!(missing, vec!['𠮷']);
    }

    #[test]
    fn a_bad_fallback_file_gives_a_japanese_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = FontSet::with_fallback(&dir.path().join("ない.ttf")).unwrap_err();
        assert_eq!(e.code(), "font_unreadable");
        assert!(e.to_string().contains("ない.ttf") && e.to_string().contains("フォントファイル"), "{e}");
        let not_font = dir.path().join("memo.ttf");
        std::fs::write(&not_font, "これはフォントではありません").unwrap();
        let e = FontSet::with_fallback(&not_font).unwrap_err();
        assert_eq!(e.code(), "not_a_font");
        assert!(e.to_string().contains("memo.ttf") && e.to_string().contains("TrueType"), "{e}");
        // A real font, but with CFF outlines: refused too.
        let cff = "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf";
        if font_or_skip(cff, "fonts-urw-base35") {
            assert_eq!(FontSet::with_fallback(Path::new(cff)).unwrap_err().code(), "not_a_font");
        }
    }

    #[test]
    fn the_fallback_draws_what_ipaex_lacks() {
        if !font_or_skip(IPAMJ, "fonts-ipamj-mincho") {
            return;
        }
        let f = FontSet::with_fallback(Path::new(IPAMJ)).unwrap();
        assert_eq!(f.fallback_name(), Some("IPAmjMincho"));
        assert!(f.covers(FontFace::Mincho, '𠮷') && f.covers(FontFace::Gothic, '𠮷'));
        assert_eq!(f.missing(FontFace::Mincho, "𠮷野 太郎"), None);
        let mut missing = Vec::new();
        let runs = f.runs(FontFace::Mincho, "𠮷野 太郎", &mut missing);
        assert_eq!(runs, vec![Run { slot: Slot::Fallback, text: "𠮷".into() }, Run { slot: Slot::Mincho, text: "野 太郎".into() }]);
        assert!(missing.is_empty());
        // The fallback glyph is measured with the fallback font: a full em.
        let w = f.width(FontFace::Mincho, 10.0, "𠮷");
        assert!((w - 10.0).abs() < 0.01, "{w}");
    }
}
