//! 利用の手引き: the guide in `docs/guide/guide.md`, drawn as a PDF (the forms' fonts and
//! canvas) and as an HTML page, with the screenshots the end-to-end tests take of the real app.
//!
//! The guide is written in a small subset of Markdown, which this module reads itself: `#`, `##`
//! headings, paragraphs, `- ` lists, and `![caption](name.png)` screenshots on a line of their own.

use std::fmt::Write as _;

use super::canvas::{Canvas, Meta};
use super::fonts::{FontFace, FontSet};
use super::wrap::wrap;
use crate::error::{Error, Result};

/// The guide's text, as written.
pub const GUIDE: &str = include_str!("../../../../docs/guide/guide.md");

/// One block of the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
    /// A screenshot: its file name (`foundation-home.png`) and caption.
    Shot {
        file: String,
        caption: String,
    },
}

/// The guide's blocks, in order.
pub fn parse(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut para = String::new();
    let mut list: Vec<String> = Vec::new();
    let flush = |para: &mut String, list: &mut Vec<String>, out: &mut Vec<Block>| {
        if !para.is_empty() {
            out.push(Block::Paragraph(std::mem::take(para)));
        }
        if !list.is_empty() {
            out.push(Block::List(std::mem::take(list)));
        }
    };
    for line in md.lines().map(str::trim_end) {
        if let Some(t) = line.strip_prefix("# ") {
            flush(&mut para, &mut list, &mut out);
            out.push(Block::Title(t.trim().to_string()));
        } else if let Some(t) = line.strip_prefix("## ") {
            flush(&mut para, &mut list, &mut out);
            out.push(Block::Heading(t.trim().to_string()));
        } else if let Some(item) = line.strip_prefix("- ") {
            if !para.is_empty() {
                out.push(Block::Paragraph(std::mem::take(&mut para)));
            }
            list.push(item.trim().to_string());
        } else if let Some((caption, file)) = shot(line) {
            flush(&mut para, &mut list, &mut out);
            out.push(Block::Shot { file, caption });
        } else if line.trim().is_empty() {
            flush(&mut para, &mut list, &mut out);
        } else {
            para.push_str(line.trim());
        }
    }
    flush(&mut para, &mut list, &mut out);
    out
}

/// `![caption](file.png)` on a line of its own.
fn shot(line: &str) -> Option<(String, String)> {
    let rest = line.trim().strip_prefix("![")?;
    let (caption, rest) = rest.split_once("](")?;
    let file = rest.strip_suffix(')')?;
    Some((caption.to_string(), file.to_string()))
}

/// The screenshots the guide names, in order.
pub fn shots(blocks: &[Block]) -> Vec<String> {
    blocks.iter().filter_map(|b| if let Block::Shot { file, .. } = b { Some(file.clone()) } else { None }).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The guide as one HTML page; the screenshots are read from `shots/` beside it.
pub fn html(blocks: &[Block]) -> String {
    let mut body = String::new();
    let mut title = "利用の手引き".to_string();
    for b in blocks {
        match b {
            Block::Title(t) => {
                title = t.clone();
                let _ = writeln!(body, "<h1>{}</h1>", escape(t));
            }
            Block::Heading(t) => {
                let _ = writeln!(body, "<h2>{}</h2>", escape(t));
            }
            Block::Paragraph(t) => {
                let _ = writeln!(body, "<p>{}</p>", escape(t));
            }
            Block::List(items) => {
                let _ = writeln!(body, "<ul>{}</ul>", items.iter().map(|i| format!("<li>{}</li>", escape(i))).collect::<String>());
            }
            Block::Shot { file, caption } => {
                let _ = writeln!(
                    body,
                    "<figure><img src=\"shots/{}\" alt=\"{}\"><figcaption>{}</figcaption></figure>",
                    escape(file),
                    escape(caption),
                    escape(caption)
                );
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font-family:'IPAexGothic','Noto Sans CJK JP',sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.8;color:#222}}\
         h1{{font-size:1.6rem;border-bottom:3px solid #2e7d5b}}h2{{font-size:1.25rem;margin-top:2.5rem;border-left:6px solid #2e7d5b;padding-left:.5rem}}\
         figure{{margin:1.2rem 0}}img{{max-width:100%;border:1px solid #ccc;border-radius:4px}}figcaption{{color:#555;font-size:.9rem}}\
         </style></head><body>\n{}</body></html>\n",
        escape(&title),
        body
    )
}

const LEFT: f32 = 20.0;
const WIDTH: f32 = 170.0;
const TOP: f32 = 20.0;
const BOTTOM: f32 = 280.0;
const BODY_PT: f32 = 10.5;
const LINE: f32 = BODY_PT * 0.3528 * 1.75;
/// Screenshots are scaled down to this many pixels wide before they are embedded.
const SHOT_PX: u32 = 1000;
const SHOT_MAX_H: f32 = 115.0;

struct Flow {
    canvas: Canvas,
    y: f32,
}

impl Flow {
    fn room(&mut self, h: f32) {
        if self.y + h > BOTTOM {
            self.canvas.new_page();
            self.y = TOP;
        }
    }

    fn lines(&mut self, face: FontFace, size: f32, indent: f32, text: &str, bullet: Option<&str>) {
        let fonts = self.canvas.fonts().clone();
        let measure = |s: &str| super::canvas::pt_to_mm(fonts.width(face, size, s));
        let line = size * 0.3528 * 1.75;
        for (i, l) in wrap(text, WIDTH - indent, &measure).iter().enumerate() {
            self.room(line);
            if i == 0 {
                if let Some(b) = bullet {
                    self.canvas.text(LEFT + indent - 4.0, self.y + size * 0.3528, face, size, b);
                }
            }
            self.canvas.text(LEFT + indent, self.y + size * 0.3528, face, size, l);
            self.y += line;
        }
    }
}

/// The guide as a PDF. `shot` gives a screenshot's PNG by its file name; the guide refuses to be
/// drawn without every one it names (its screenshots are the end-to-end tests', never stale).
pub fn pdf(blocks: &[Block], fonts: &FontSet, shot: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Vec<u8>> {
    draw(blocks, fonts, shot, true)
}

/// As [`pdf`], with a framed note where a screenshot is missing: the app's ヘルプ, on a machine
/// where the tests never ran, still opens the whole text.
pub fn pdf_without_missing_shots(blocks: &[Block], fonts: &FontSet, shot: &dyn Fn(&str) -> Option<Vec<u8>>) -> Result<Vec<u8>> {
    draw(blocks, fonts, shot, false)
}

fn draw(blocks: &[Block], fonts: &FontSet, shot: &dyn Fn(&str) -> Option<Vec<u8>>, strict: bool) -> Result<Vec<u8>> {
    let missing: Vec<String> = shots(blocks).into_iter().filter(|f| shot(f).is_none()).collect();
    if strict && !missing.is_empty() {
        return Err(Error::Pdf(format!("利用の手引きの画面の図がありません: {}。`make test` で画面を撮り直してから作ってください。", missing.join("、"))));
    }
    let title = blocks.iter().find_map(|b| if let Block::Title(t) = b { Some(t.clone()) } else { None }).unwrap_or_else(|| "利用の手引き".into());
    let mut f = Flow { canvas: Canvas::new(fonts.clone(), Meta::new(title, "地さんぽノート")), y: TOP };
    f.canvas.new_page();
    for b in blocks {
        match b {
            Block::Title(t) => {
                f.lines(FontFace::Gothic, 18.0, 0.0, t, None);
                f.canvas.line(LEFT, f.y, LEFT + WIDTH, f.y, 0.8);
                f.y += 6.0;
            }
            Block::Heading(t) => {
                f.room(30.0);
                f.y += 4.0;
                f.lines(FontFace::Gothic, 13.0, 0.0, t, None);
                f.y += 2.0;
            }
            Block::Paragraph(t) => {
                f.lines(FontFace::Mincho, BODY_PT, 0.0, t, None);
                f.y += LINE * 0.4;
            }
            Block::List(items) => {
                for i in items {
                    f.lines(FontFace::Mincho, BODY_PT, 5.0, i, Some("・"));
                }
                f.y += LINE * 0.4;
            }
            Block::Shot { file, caption } => {
                let Some(png) = shot(file) else {
                    f.room(22.0);
                    f.canvas.rect(LEFT, f.y, WIDTH, 14.0, 0.3);
                    f.canvas.text_center(LEFT, f.y + 8.5, WIDTH, FontFace::Gothic, 9.0, &format!("（画面の図「{caption}」は、この環境にはありません）"));
                    f.y += 20.0;
                    continue;
                };
                let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
                    .map_err(|_| Error::Pdf(format!("画面の図 {file} を読めません。`make test` で撮り直してください。")))?;
                let img = if img.width() > SHOT_PX { img.resize(SHOT_PX, u32::MAX, image::imageops::FilterType::Triangle) } else { img };
                let rgb = img.to_rgb8();
                let (pw, ph) = rgb.dimensions();
                let mut w = WIDTH;
                let mut h = w * ph as f32 / pw as f32;
                if h > SHOT_MAX_H {
                    h = SHOT_MAX_H;
                    w = h * pw as f32 / ph as f32;
                }
                f.room(h + 10.0);
                let x = LEFT + (WIDTH - w) / 2.0;
                f.canvas.image_rgb(x, f.y, w, h, rgb.into_raw(), pw, ph);
                f.canvas.rect(x, f.y, w, h, 0.2);
                f.y += h + 1.5;
                f.lines(FontFace::Gothic, 9.0, 0.0, &format!("図　{caption}"), None);
                f.y += 3.0;
            }
        }
    }
    let pages = f.canvas.page_count();
    for p in 0..pages {
        f.canvas.select_page(p);
        f.canvas.text_center(LEFT, 290.0, WIDTH, FontFace::Mincho, 8.0, &format!("{} / {}", p + 1, pages));
    }
    f.canvas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_reads_as_blocks() {
        let b = parse("# 手引き\n\n## 1. はじめに\n一行目\n二行目\n\n- 項目A\n- 項目B\n\n![ホーム](home.png)\n");
        assert_eq!(
            b,
            vec![
                Block::Title("手引き".into()),
                Block::Heading("1. はじめに".into()),
                Block::Paragraph("一行目二行目".into()),
                Block::List(vec!["項目A".into(), "項目B".into()]),
                Block::Shot { file: "home.png".into(), caption: "ホーム".into() },
            ]
        );
        assert_eq!(shots(&b), ["home.png"]);
        assert!(html(&b).contains("<img src=\"shots/home.png\" alt=\"ホーム\">"));
    }

    #[test]
    fn the_guide_covers_what_a_new_doctor_needs() {
        let text: String = parse(GUIDE).iter().filter_map(|b| if let Block::Heading(h) = b { Some(h.clone()) } else { None }).collect();
        for topic in ["はじめて", "面接指導", "特定健康相談", "印刷", "訂正", "台帳", "実績報告書", "バックアップ", "復元", "配送", "センター側"]
        {
            assert!(text.contains(topic), "no section on {topic}: {text}");
        }
    }

    #[test]
    fn a_missing_screenshot_refuses_the_pdf_naming_it() {
        let b = parse("# 手引き\n\n![ホーム](home.png)\n");
        let e = pdf(&b, &FontSet::embedded().unwrap(), &|_| None).unwrap_err();
        assert!(e.to_string().contains("home.png"), "{e}");
    }
}
