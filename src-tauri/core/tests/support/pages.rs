//! The pages the PDF tests (tests/pdf_canvas.rs, tests/dehint.rs) and the pdf bench
//! (benches/pdf.rs) draw, and a reader of the font programs a finished PDF embeds. Included with
//! `#[path = "support/pages.rs"] mod pages;` (from tests/) or
//! `#[path = "../tests/support/pages.rs"] mod pages;` (from benches/).

// Each includer uses only part of this file.
#![allow(dead_code)]

use chisanpo_core::forms::canvas::{centered_baseline, Canvas, Meta};
use chisanpo_core::forms::fonts::{FontFace, FontSet};
use chrono::{TimeZone, Utc};

/// The document information of every page here: a report's title, author and subject, and a fixed
/// creation date (2025-04-01 00:30 UTC).
pub fn meta() -> Meta {
    Meta {
        title: "面接指導結果報告書".into(),
        author: "地さんぽ産業保健センター".into(),
        subject: "長時間労働者の面接指導".into(),
        created: Utc.with_ymd_and_hms(2025, 4, 1, 0, 30, 0).unwrap(),
    }
}

/// A page laid out like a real 様式: a title, a table of shaded label cells and values, check
/// marks, a paragraph, a signature box, a watermark; then a second page.
pub fn sample_form(fonts: FontSet) -> Canvas {
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

/// A few hundred distinct characters on one page: the worst case for subsetting, since every new
/// character adds a glyph.
pub fn dense_page(fonts: FontSet) -> Canvas {
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

/// The lines `hinting_document` draws in each size, alternating the faces.
pub const LINES: [&str; 6] = [
    "労働安全衛生法第66条の8の規定に基づき、長時間にわたる労働により",
    "疲労の蓄積が認められる労働者に対し、医師による面接指導を行った。",
    "時間外・休日労働時間：月105時間（ABC-123, 8:30〜17:15）",
    "就業場所の変更、作業の転換、労働時間の短縮、深夜業の回数の減少",
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
    "あいうえおかきくけこ アイウエオカキクケコ ｱｲｳｴｵ「」『』【】※〒",
];

/// Both faces at several sizes (small sizes are where hinting would show on screen), a table
/// rule or two, a watermark, two pages.
pub fn hinting_document(fonts: FontSet) -> Canvas {
    let mut c = Canvas::new(fonts, meta());
    c.new_page();
    c.text(20.0, 20.0, FontFace::Gothic, 16.0, "面接指導結果報告書");
    let mut y = 35.0;
    for size in [6.0, 8.0, 9.0, 10.5, 12.0] {
        for (i, line) in LINES.iter().enumerate() {
            let face = if i % 2 == 0 { FontFace::Mincho } else { FontFace::Gothic };
            c.text(15.0, y, face, size, line);
            y += size * 0.45;
        }
        y += 3.0;
    }
    c.rect(15.0, y, 180.0, 20.0, 0.5);
    c.watermark("下書き");
    c.new_page();
    c.text(20.0, 30.0, FontFace::Mincho, 10.5, "2. 就業上の措置に関する意見");
    c
}

/// Every embedded TrueType program (`/FontFile2`) with its `/Length1`, by font name (subset tag
/// removed), sorted.
pub fn font_programs(pdf: &[u8]) -> Vec<(String, i64, Vec<u8>)> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let Ok(id) = dict.get(b"FontFile2").and_then(lopdf::Object::as_reference) else { continue };
        let stream = doc.get_object(id).unwrap().as_stream().unwrap();
        let program = stream.get_plain_content().unwrap();
        let name = String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap()).to_string();
        let name = name.split_once('+').map_or(name.clone(), |(_, n)| n.to_string());
        out.push((name, stream.dict.get(b"Length1").unwrap().as_i64().unwrap(), program));
    }
    out.sort();
    out
}
