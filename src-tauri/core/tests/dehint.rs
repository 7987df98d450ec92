//! The fonts in a PDF lose their TrueType hinting and nothing else: the same text, the same
//! pixels, a smaller file. Read back with poppler-utils and with lopdf/ttf-parser.

mod pdfcheck;

use std::path::Path;
use std::process::Command;

use pdfcheck::{assert_all_fonts_subset, poppler, write};

use chisanpo_core::forms::canvas::{Canvas, FinishOptions};
use chisanpo_core::forms::dehint::strip_instructions;
use chisanpo_core::forms::fonts::{FontFace, FontSet};
#[path = "../../forms/src/forms/font_or_skip.rs"]
mod font_support;
use font_support::font_or_skip;
#[path = "support/pages.rs"]
mod pages;
use pages::{font_programs, hinting_document, meta, LINES};

const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

const HINTED: FinishOptions = FinishOptions { strip_hints: false };

/// A grey-scale rendering of each page (`pdftoppm -gray`, binary PGM): (width, height, pixels).
fn render(pdf: &Path, dpi: u32) -> Vec<(usize, usize, Vec<u8>)> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("page");
    let out = Command::new("pdftoppm").args(["-r", &dpi.to_string(), "-gray"]).arg(pdf).arg(&prefix).output().expect("pdftoppm (poppler-utils)");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|f| parse_pgm(&std::fs::read(f).unwrap())).collect()
}

/// `P5 <width> <height> 255` and the pixels (pdftoppm writes no comments).
fn parse_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = bytes[at + 1..].to_vec();
    assert_eq!(pixels.len(), w * h);
    (w, h, pixels)
}

#[test]
fn same_text_same_pixels_smaller_file() {
    let fonts = FontSet::embedded().unwrap();
    let (plain, hinted) = (hinting_document(fonts.clone()).finish().unwrap(), hinting_document(fonts).finish_with(HINTED).unwrap());
    println!("two pages, both faces: {} bytes with hinting, {} without", hinted.len(), plain.len());
    assert!(plain.len() * 10 < hinted.len() * 9, "{} → {} bytes", hinted.len(), plain.len());

    let dir = tempfile::tempdir().unwrap();
    let (plain_path, hinted_path) = (write(dir.path(), "plain.pdf", &plain), write(dir.path(), "hinted.pdf", &hinted));
    // pdffonts: still two embedded subsets, TrueType, with their tags.
    let names = assert_all_fonts_subset(&plain_path);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+IPAexMincho")) && names.iter().any(|n| n.ends_with("+IPAexGothic")), "{names:?}");
    let listing = poppler("pdffonts", &[], &plain_path);
    assert_eq!(listing.matches("CID TrueType").count(), 2, "{listing}");
    let untagged = |names: Vec<String>| -> Vec<String> {
        let mut n: Vec<String> = names.iter().map(|n| n.split_once('+').unwrap().1.to_string()).collect();
        n.sort();
        n
    };
    assert_eq!(untagged(names), untagged(assert_all_fonts_subset(&hinted_path)));

    // pdftotext: the same text.
    let text = poppler("pdftotext", &[], &plain_path);
    for line in LINES.iter().chain(&["面接指導結果報告書", "2. 就業上の措置に関する意見"]) {
        let wanted: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let got: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(got.contains(&wanted), "{line:?} is not in\n{text}");
    }
    assert_eq!(text, poppler("pdftotext", &[], &hinted_path));

    // pdftoppm at 150 dpi: the same pixels.
    let (a, b) = (render(&plain_path, 150), render(&hinted_path, 150));
    assert_eq!(a.len(), 2);
    for (page, ((w, h, pa), (wb, hb, pb))) in a.iter().zip(&b).enumerate() {
        assert_eq!((w, h), (wb, hb));
        let differing = pa.iter().zip(pb).filter(|(x, y)| x != y).count();
        let worst = pa.iter().zip(pb).map(|(x, y)| x.abs_diff(*y)).max().unwrap();
        let inked = pb.iter().filter(|&&p| p < 128).count();
        println!("page {}: {w}×{h}, {inked} dark pixels, {differing} differ (by at most {worst})", page + 1);
        assert!(inked > 1000 || page == 1, "page {} looks blank", page + 1);
        assert_eq!(differing, 0, "page {}: {differing} pixels differ, by up to {worst}", page + 1);
    }
}

#[test]
fn the_embedded_programs_have_no_hinting_and_the_same_glyphs() {
    let fonts = FontSet::embedded().unwrap();
    let (plain, hinted) = (hinting_document(fonts.clone()).finish().unwrap(), hinting_document(fonts).finish_with(HINTED).unwrap());
    let (plain, hinted) = (font_programs(&plain), font_programs(&hinted));
    assert_eq!(plain.len(), 2);
    assert_eq!(hinted.len(), 2);
    for ((name, length1, after), (hinted_name, hinted_length1, before)) in plain.iter().zip(&hinted) {
        assert_eq!(name, hinted_name);
        assert_eq!(*length1 as usize, after.len(), "/Length1");
        assert_eq!(*hinted_length1 as usize, before.len(), "/Length1");
        println!("{name}: {} bytes with hinting, {} without", before.len(), after.len());
        assert!(after.len() < before.len() * 3 / 4);
        // What the PDF carries is exactly what strip_instructions makes of printpdf's subset.
        assert_eq!(&strip_instructions(before).unwrap(), after);
        let raw = ttf_parser::RawFace::parse(after, 0).unwrap();
        for tag in [b"fpgm", b"prep", b"cvt ", b"hdmx", b"LTSH", b"VDMX"] {
            assert!(raw.table(ttf_parser::Tag::from_bytes(tag)).is_none(), "{tag:?}");
        }
        assert!(ttf_parser::RawFace::parse(before, 0).unwrap().table(ttf_parser::Tag::from_bytes(b"fpgm")).is_some());
        let (a, b) = (ttf_parser::Face::parse(before, 0).unwrap(), ttf_parser::Face::parse(after, 0).unwrap());
        assert_eq!(a.number_of_glyphs(), b.number_of_glyphs());
        for gid in (0..a.number_of_glyphs()).map(ttf_parser::GlyphId) {
            assert_eq!(a.glyph_bounding_box(gid), b.glyph_bounding_box(gid), "{gid:?}");
            assert_eq!(a.glyph_hor_advance(gid), b.glyph_hor_advance(gid), "{gid:?}");
        }
    }
}

/// IPAmj明朝, when installed, as a fallback: a third TrueType program, also de-hinted.
#[test]
fn the_fallback_font_too() {
    if !font_or_skip(IPAMJ, "fonts-ipamj-mincho") {
        return;
    }
    let fonts = FontSet::with_fallback(Path::new(IPAMJ)).unwrap();
    let mut c = Canvas::new(fonts, meta());
    c.text(20.0, 30.0, FontFace::Mincho, 12.0, "氏名：𠮷野 太郎");
    let pdf = c.finish().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fallback.pdf", &pdf);
    assert!(poppler("pdftotext", &[], &path).contains("氏名：𠮷野 太郎"));
    let names = assert_all_fonts_subset(&path);
    assert!(names.iter().any(|n| n.ends_with("+IPAmjMincho")), "{names:?}");
    for (_, length1, program) in font_programs(&pdf) {
        assert_eq!(length1 as usize, program.len());
        let raw = ttf_parser::RawFace::parse(&program, 0).unwrap();
        assert!(raw.table(ttf_parser::Tag::from_bytes(b"fpgm")).is_none());
    }
}
