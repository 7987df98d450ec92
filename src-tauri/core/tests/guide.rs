//! 利用の手引き (issue 17): every screenshot the guide names is one an end-to-end test takes of
//! the real app (so a renamed or dropped screenshot fails here, before the guide is built), and
//! the guide draws as a PDF that poppler reads back, every section and caption in it.

use std::process::Command;

use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::guide::{self, Block};

fn taken_by_the_e2e_tests() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tests");
    let mut names = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for part in text.split("screenshot(\"").skip(1) {
            if let Some(name) = part.split('"').next() {
                names.push(format!("{name}.png"));
            }
        }
    }
    names
}

#[test]
fn every_screenshot_the_guide_names_is_taken_by_an_end_to_end_test() {
    let taken = taken_by_the_e2e_tests();
    assert!(taken.len() > 20, "{taken:?}");
    let named = guide::shots(&guide::parse(guide::GUIDE));
    assert!(named.len() >= 15, "the guide shows the screens: {named:?}");
    for n in &named {
        assert!(taken.contains(n), "the guide names {n}, which no e2e test takes");
    }
}

#[test]
fn the_guide_draws_as_a_pdf_with_every_section() {
    // A small picture for each screenshot (the e2e run's own are used by `make guide`).
    let mut png = Vec::new();
    image::RgbImage::from_pixel(40, 30, image::Rgb([200, 220, 210])).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let blocks = guide::parse(guide::GUIDE);
    let bytes = guide::pdf(&blocks, &FontSet::embedded().unwrap(), &|_| Some(png.clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guide.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (poppler-utils)");
    let text: String = String::from_utf8(out.stdout).unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    for b in &blocks {
        let want = match b {
            Block::Title(t) | Block::Heading(t) => t.clone(),
            Block::Shot { caption, .. } => format!("図{caption}"),
            _ => continue,
        };
        let want: String = want.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&want), "{want} is not in the PDF");
    }
    let pdfimages = Command::new("pdfimages").arg("-list").arg(&path).output().unwrap();
    let listed = String::from_utf8_lossy(&pdfimages.stdout).lines().count().saturating_sub(2);
    assert_eq!(listed, guide::shots(&blocks).len(), "one picture per screenshot");
}
