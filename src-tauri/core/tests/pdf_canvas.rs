//! The PDF drawing layer, read back by tools that did not write it: poppler-utils' `pdftotext`,
//! `pdffonts`, `pdfinfo` and `pdftoppm` (Debian `poppler-utils`, installed by `make setup`).

mod pdfcheck;

use std::path::Path;
use std::process::Command;

use pdfcheck::{assert_all_fonts_subset, poppler, write};

use chisanpo_core::forms::canvas::{mm_to_pt, Canvas};
use chisanpo_core::forms::fonts::{FontFace, FontSet};
#[path = "../../forms/src/forms/font_or_skip.rs"]
mod font_support;
use font_support::font_or_skip;
#[path = "support/pages.rs"]
mod pages;
use pages::{dense_page, meta, sample_form};

const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

#[test]
fn japanese_on_two_pages_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let c = sample_form(FontSet::embedded().unwrap());
    assert_eq!(c.page_count(), 2);
    let pdf = write(dir.path(), "form.pdf", &c.finish().unwrap());

    let info = poppler("pdfinfo", &[], &pdf);
    let field = |k: &str| info.lines().find_map(|l| l.strip_prefix(k)).map(str::trim).unwrap_or_else(|| panic!("no {k} in:\n{info}"));
    assert_eq!(field("Pages:"), "2");
    assert_eq!(field("Title:"), "面接指導結果報告書");
    assert_eq!(field("Author:"), "地さんぽ産業保健センター");
    assert_eq!(field("Subject:"), "長時間労働者の面接指導");
    assert_eq!(field("Creator:"), "地さんぽノート");
    assert!(field("Page size:").ends_with("pts (A4)"), "{info}");
    // printpdf's empty GTS_PDFXVersion key is removed: the file claims no PDF/X conformance.
    assert!(!info.contains("PDF/X"), "{info}");
    // 2025-04-01 00:30 UTC, shown by pdfinfo in the local time zone: check the date and minutes.
    assert!(field("CreationDate:").contains("2025") && field("CreationDate:").contains(":30:00"), "{info}");

    let wanted = [
        "様式第１号",
        "面接指導結果報告書",
        "令和7年4月1日（火）",
        "山田 太郎",
        "株式会社サンプル製作所 第2工場",
        // pdftotext reads an ideographic space (U+3000) as a gap between words, not as text.
        "○ 通常勤務",
        "■ 就業制限",
        "□ 要休業",
        "時間外・休日労働時間：月105時間（ABC-123, 8:30〜17:15）",
        "「疲労の蓄積」が認められる。、。",
        "佐藤 花子",
    ];
    for mode in [&[][..], &["-layout"][..]] {
        let text = poppler("pdftotext", mode, &pdf);
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(pages.len() >= 2, "{mode:?}: no page break in\n{text}");
        for w in wanted {
            assert!(pages[0].contains(w), "{mode:?}: page 1 lacks {w:?}:\n{}", pages[0]);
        }
        assert!(pages[1].contains("2. 就業上の措置に関する意見"), "{mode:?}: {}", pages[1]);
        assert!(pages[1].contains("時間外労働の制限（月45時間以内）が望ましい。"), "{mode:?}: {}", pages[1]);
        assert!(!pages[1].contains("山田"), "{mode:?}: page 2 has page 1's text");
    }
    // pdftotext -layout keeps the left-to-right order of a table row.
    let layout = poppler("pdftotext", &["-layout"], &pdf);
    let row = layout.lines().find(|l| l.contains("氏名") && l.contains("山田 太郎")).unwrap_or_else(|| panic!("no 氏名 row:\n{layout}"));
    assert!(row.find("氏名") < row.find("山田"), "{row}");

    let names = assert_all_fonts_subset(&pdf);
    assert!(names.iter().any(|n| n.ends_with("+IPAexMincho")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+IPAexGothic")), "{names:?}");
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_dense_page_is_small_because_fonts_are_subset() {
    let dir = tempfile::tempdir().unwrap();
    let c = dense_page(FontSet::embedded().unwrap());
    let pdf = c.finish().unwrap();
    let path = write(dir.path(), "dense.pdf", &pdf);
    let text = poppler("pdftotext", &[], &path);
    let drawn: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(drawn.chars().count() > 300, "{drawn}");
    let distinct: std::collections::BTreeSet<char> = drawn.chars().collect();
    println!("one dense page: {} characters ({} distinct), {} bytes ({:.1} KB)", drawn.chars().count(), distinct.len(), pdf.len(), pdf.len() as f64 / 1024.0);
    assert!(pdf.len() < 80 * 1024, "a one-page PDF of {} bytes: are the fonts subset?", pdf.len());
    assert_all_fonts_subset(&path);
}

#[test]
fn text_lands_where_it_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Canvas::new(FontSet::embedded().unwrap(), meta());
    let size = 10.0;
    c.text(20.0, 30.0, FontFace::Mincho, size, "基準");
    c.text_right(20.0, 60.0, 100.0, FontFace::Gothic, size, "右寄せ");
    let path = write(dir.path(), "bbox.pdf", &c.finish().unwrap());
    // pdftotext -bbox reports words in points from the TOP-left corner of the page.
    let xml = poppler("pdftotext", &["-bbox"], &path);
    let word = |w: &str| -> [f32; 4] {
        let line = xml.lines().find(|l| l.contains(&format!(">{w}<"))).unwrap_or_else(|| panic!("no {w} in\n{xml}"));
        let attr = |k: &str| -> f32 {
            let rest = &line[line.find(&format!("{k}=\"")).unwrap() + k.len() + 2..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        };
        [attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")]
    };
    let [x0, y0, x1, y1] = word("基準");
    let (x, baseline) = (mm_to_pt(20.0), mm_to_pt(30.0));
    println!("基準 drawn at x = {x:.2} pt, baseline {baseline:.2} pt from the top; pdftotext -bbox: {x0} {y0} {x1} {y1}");
    assert!((x0 - x).abs() < 0.5, "x: {x0} vs {x}");
    assert!((x1 - (x + 2.0 * size)).abs() < 0.5, "two ideographs are two ems wide: {x1}");
    // The box spans the baseline: ascent above it, a little descent below.
    assert!(y0 < baseline && baseline < y1, "{y0} < {baseline} < {y1}");
    assert!(baseline - y0 > 0.7 * size && baseline - y0 < 1.1 * size, "ascent: {}", baseline - y0);
    assert!(y1 - baseline < 0.35 * size, "descent: {}", y1 - baseline);
    // Right-aligned text ends at x + w.
    let [_, _, rx1, ry1] = word("右寄せ");
    assert!((rx1 - mm_to_pt(120.0)).abs() < 0.5, "{rx1} vs {}", mm_to_pt(120.0));
    assert!(ry1 > mm_to_pt(60.0) && ry1 < mm_to_pt(60.0) + 0.35 * size);
}

#[test]
fn a_fallback_font_draws_what_ipaex_lacks() {
    let without = FontSet::embedded().unwrap();
    assert!(!without.covers(FontFace::Mincho, '𠮷'), "IPAex was expected to lack 𠮷 (U+20BB7)");
    assert_eq!(without.missing(FontFace::Mincho, "𠮷野 太郎"), Some('𠮷'));
    let mut c = Canvas::new(without, meta());
    c.text(20.0, 30.0, FontFace::Mincho, 12.0, "𠮷野 太郎");
    assert_eq!(c.finish().unwrap_err().code(), "no_glyph");

    if !font_or_skip(IPAMJ, "fonts-ipamj-mincho") {
        return;
    }
    let fonts = FontSet::with_fallback(Path::new(IPAMJ)).unwrap();
    assert!(fonts.covers(FontFace::Mincho, '𠮷'));
    assert_eq!(fonts.missing(FontFace::Mincho, "𠮷野 太郎"), None);
    let mut c = Canvas::new(fonts, meta());
    c.text(20.0, 30.0, FontFace::Mincho, 12.0, "氏名：𠮷野 太郎");
    c.text(20.0, 40.0, FontFace::Gothic, 12.0, "𠮷田");
    let pdf = c.finish().unwrap();
    println!("a page with the fallback font: {} bytes", pdf.len());
    assert!(pdf.len() < 80 * 1024, "{} bytes: is the fallback font subset?", pdf.len());
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let path = write(&artifacts, "pdf_canvas_fallback.pdf", &pdf);
    let text = poppler("pdftotext", &[], &path);
    assert!(text.contains("氏名：𠮷野 太郎"), "{text}");
    assert!(text.contains("𠮷田"), "{text}");
    let names = assert_all_fonts_subset(&path);
    assert!(names.iter().any(|n| n.ends_with("+IPAmjMincho")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+IPAexMincho")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("+IPAexGothic")), "{names:?}");
}

/// Render the sample form to PNG for a person to look at: `artifacts/pdf_canvas_page{1,2}.png`.
#[test]
fn the_sample_form_renders() {
    let artifacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let pdf = write(&artifacts, "pdf_canvas.pdf", &sample_form(FontSet::embedded().unwrap()).finish().unwrap());
    let prefix = artifacts.join("pdf_canvas_page");
    let out = Command::new("pdftoppm").args(["-r", "80", "-png"]).arg(&pdf).arg(&prefix).output().expect("pdftoppm (poppler-utils)");
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    for page in 1..=2 {
        let png = artifacts.join(format!("pdf_canvas_page-{page}.png"));
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
        println!("look at {}", png.canonicalize().unwrap().display());
    }
}
