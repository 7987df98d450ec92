//! The PDF drawing layer, read back by tools that did not write it: poppler-utils' `pdftotext`,
//! `pdffonts`, `pdfinfo` and `pdftoppm` (Debian `poppler-utils`, installed by `make setup`).

mod pdfcheck;

use std::path::Path;
use std::process::Command;

use pdfcheck::{assert_all_fonts_subset, poppler, write};

use chisanpo_core::forms::canvas::{centered_baseline, mm_to_pt, Canvas, Meta};
use chisanpo_core::forms::fonts::{FontFace, FontSet};
use chrono::{TimeZone, Utc};
#[path = "../src/forms/font_or_skip.rs"]
mod font_support;
use font_support::font_or_skip;

const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

fn meta() -> Meta {
    Meta {
        title: "面接指導結果報告書".into(),
        author: "地さんぽ産業保健センター".into(),
        subject: "長時間労働者の面接指導".into(),
        created: Utc.with_ymd_and_hms(2025, 4, 1, 0, 30, 0).unwrap(),
    }
}

/// A page laid out like a real 様式: a title, a table of shaded label cells and values, check
/// marks, a paragraph, a signature box; then a second page.
fn sample_form(fonts: FontSet) -> Canvas {
    let mut c = Canvas::new(fonts, meta());
    c.new_page();
    c.text_right(20.0, 15.0, 170.0, FontFace::Mincho, 9.0, "様式第１号");
    c.text_center(20.0, 28.0, 170.0, FontFace::Gothic, 18.0, "面接指導結果報告書");
    c.text_right(20.0, 38.0, 170.0, FontFace::Mincho, 10.5, "令和7年4月1日（火）");

    let rows = [("事業場名", "株式会社サンプル製作所 第2工場"), ("氏名", "山田 太郎"), ("生年月日", "昭和60年12月31日（39歳）"), ("所属", "製造部 組立課")];
    let (x, w, label_w, row_h) = (20.0, 170.0, 35.0, 10.0);
    let mut y = 45.0;
    for (label, value) in rows {
        c.fill_rect(x, y, label_w, row_h, 0.9);
        let baseline = centered_baseline(y, row_h, 10.5);
        c.text(x + 2.0, baseline, FontFace::Gothic, 10.5, label);
        c.text(x + label_w + 3.0, baseline, FontFace::Mincho, 10.5, value);
        c.line(x, y + row_h, x + w, y + row_h, 0.5);
        y += row_h;
    }
    c.rect(x, 45.0, w, y - 45.0, 1.0);
    c.line(x + label_w, 45.0, x + label_w, y, 0.5);

    y += 10.0;
    c.text(x, y, FontFace::Gothic, 11.0, "1. 面接指導の結果");
    y += 8.0;
    c.text(x + 5.0, y, FontFace::Mincho, 10.5, "○ 通常勤務　■ 就業制限　□ 要休業");
    y += 8.0;
    c.text(x + 5.0, y, FontFace::Mincho, 10.5, "時間外・休日労働時間：月105時間（ABC-123, 8:30〜17:15）");
    y += 8.0;
    c.text(x + 5.0, y, FontFace::Mincho, 10.5, "「疲労の蓄積」が認められる。、。");

    c.rect(120.0, 250.0, 70.0, 25.0, 0.5);
    c.text(122.0, 256.0, FontFace::Mincho, 9.0, "医師氏名");
    c.text(130.0, 268.0, FontFace::Mincho, 12.0, "佐藤 花子");
    c.watermark("下書き");

    c.new_page();
    c.text(20.0, 30.0, FontFace::Mincho, 10.5, "2. 就業上の措置に関する意見");
    c.text(25.0, 40.0, FontFace::Mincho, 10.5, "時間外労働の制限（月45時間以内）が望ましい。");
    c
}

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

/// A few hundred distinct characters on one page: the worst case for subsetting, since every new
/// character adds a glyph.
fn dense_page(fonts: FontSet) -> Canvas {
    let paragraph = "労働安全衛生法第66条の8の規定に基づき、長時間にわたる労働により疲労の蓄積が認められる労働者に対し、\
医師による面接指導を行った結果を報告します。面接指導を実施した医師は、当該労働者の勤務の状況、疲労の蓄積の状況その他\
心身の状況について確認し、必要な措置について事業者に意見を述べました。事業者は、この意見を勘案し、その必要があると認める\
ときは、当該労働者の実情を考慮して、就業場所の変更、作業の転換、労働時間の短縮、深夜業の回数の減少等の措置を講ずるほか、\
当該医師の意見の衛生委員会若しくは安全衛生委員会又は労働時間等設定改善委員会への報告その他の適切な措置を講じなければ\
なりません。記録は五年間保存してください。氏名：山田太郎、所属：製造部組立課、時間外・休日労働：月105時間。";
    let mut c = Canvas::new(fonts, meta());
    c.new_page();
    c.text_center(20.0, 25.0, 170.0, FontFace::Gothic, 16.0, "面接指導結果報告書");
    let chars: Vec<char> = paragraph.chars().collect();
    let mut y = 40.0;
    for line in chars.chunks(34) {
        c.text(20.0, y, FontFace::Mincho, 10.5, &line.iter().collect::<String>());
        y += 6.5;
    }
    for i in 0..20 {
        c.line(20.0, 150.0 + i as f32 * 6.0, 190.0, 150.0 + i as f32 * 6.0, 0.3);
    }
    c
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
