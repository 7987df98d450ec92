//! 産業保健指導結果報告書（職場巡視結果報告）as PDF, read back with poppler: every value is found
//! by pdftotext, the good practices come before the findings, a long plan runs onto further pages
//! with its header repeated, nothing about a worker is printed, and a draft says so. PNGs are
//! written to artifacts/forms/.

mod pdfcheck;

use chisanpo_core::domain::*;
use chisanpo_core::domain::{PhotoData, PhotoRef};
use chisanpo_core::forms::samples::{consultation, input, visit};
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{clearance_problems, fonts::FontSet, visit_report, FormKind};
use pdfcheck::{assert_fields_printed, assert_has_all, flat, poppler, produce};

#[test]
fn the_report_prints_every_field_good_practices_first() {
    let v = visit();
    let inp = input(RecordBody::Visit(v.clone()), PrintStatus::Final);
    let (path, text, pages) = produce("visit-report", FormKind::VisitReport, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    // Each value whole in the layout text (one-line cells) or in reading order (the plan's cells,
    // which -layout interleaves line by line).
    let raw = poppler("pdftotext", &[], &path);
    let fields = visit_report::fields(&inp, &v);
    assert_fields_printed(&format!("{text}\n{raw}"), &fields.into_iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>());
    assert_has_all(
        &text,
        &[
            "産業保健指導結果報告書",
            "（職場巡視結果報告）",
            "株式会社山田製作所　御中",
            "静岡県地域産業保健センター",
            "令和7年9月3日（水）",
            "14時00分 ～ 16時00分",
            "産業医　産業 太郎（さんぽ内科クリニック）",
            "労働衛生工学専門員　衛生 次郎、コーディネーター　調整 三恵",
            "健康診断結果の意見聴取",
            "化学物質管理",
            "・毎朝の朝礼で体調の確認が行われている。",
            "事業場記入欄",
            "完了日",
            "作業環境",
            "令和7年",
            "10月31日",
            "【塗装場】",
            "令和7年3月12日 指摘1：休憩室と更衣室の換",
            "一部改善",
            "記名",
            "印",
            "第1版",
        ],
    );
    assert_has_all(&raw, &["令和7年3月12日 指摘1：休憩室と更衣室の換気が不十分。", "優先度 高"]);
    let flat = flat(&text);
    let good = flat.find("毎朝の朝礼").unwrap();
    let finding = flat.find("局所排気装置").unwrap();
    assert!(good < finding, "the good practices come before the findings");
    assert!(!text.contains("下書き"));
    let problems = clearance_problems(FormKind::VisitReport, &inp, &FontSet::embedded().unwrap()).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn the_report_never_prints_the_consultations_of_the_trip_nor_a_worker() {
    let mut v = visit();
    v.consultation_ids = vec!["c1".into()];
    let inp = input(RecordBody::Visit(v), PrintStatus::Final);
    let (_, text, _) = produce("visit-report-linked", FormKind::VisitReport, &inp);
    let flat = flat(&text);
    let c = consultation();
    assert!(!flat.contains("鈴木一郎"), "the sample worker is not on the employer's report");
    let content: String = c.content.chars().filter(|c| !c.is_whitespace()).take(12).collect();
    assert!(!flat.contains(&content), "nor a consultation's content");
}

#[test]
fn a_long_plan_runs_onto_more_pages_with_its_header_repeated() {
    let mut v = visit();
    let base = v.findings[0].clone();
    v.findings = (1..=16).map(|n| Finding { observation: format!("指摘{n}番目の事項。{}", base.observation), ..base.clone() }).collect();
    let inp = input(RecordBody::Visit(v), PrintStatus::Final);
    let (path, text, pages) = produce("visit-report-long", FormKind::VisitReport, &inp);
    assert!(pages >= 2, "{}", path.display());
    let flat = flat(&poppler("pdftotext", &[], &path));
    assert!(flat.contains("指摘16番目の事項。"), "the last finding is printed");
    assert!(flat.matches("場所・指摘事項").count() >= 2, "the plan's header is repeated on the next page");
    assert!(text.contains(&format!("{pages}/{pages}ページ")));
}

#[test]
fn a_draft_and_a_visit_without_findings_print_as_such() {
    let v = Visit { findings: Vec::new(), follow_ups: Vec::new(), activities: vec![VisitActivity::HealthGuidance], ..visit() };
    let inp = input(RecordBody::Visit(v), PrintStatus::Draft);
    let (_, text, pages) = produce("visit-report-draft", FormKind::VisitReport, &inp);
    assert_eq!(pages, 1);
    assert_has_all(&text, &["指摘事項はありません。", "下書き"]);
    assert!(!text.contains("前回までの指摘事項の改善状況"), "no follow-up section without follow-ups");
}

#[test]
fn the_report_is_made_only_from_a_visit() {
    let inp = input(RecordBody::Consultation(consultation()), PrintStatus::Final);
    let e = chisanpo_core::forms::render(FormKind::VisitReport, &inp, &FontSet::embedded().unwrap()).unwrap_err().to_string();
    assert!(e.contains("産業保健指導結果報告書") && e.contains("特定健康相談"), "{e}");
}

/// A JPEG of one colour with a darker frame, as the store keeps photos (base64 in the snapshot).
fn photo(w: u32, h: u32, rgb: [u8; 3]) -> PhotoData {
    use base64::Engine;
    let img = image::RgbImage::from_fn(w, h, |x, y| if x < 4 || y < 4 || x >= w - 4 || y >= h - 4 { image::Rgb([20, 20, 20]) } else { image::Rgb(rgb) });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
    let sha256 = chisanpo_core::store::audit::sha256_hex(&jpeg);
    PhotoData { sha256, width: w, height: h, jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg) }
}

#[test]
fn the_photos_print_small_with_their_captions() {
    let shots = [photo(1600, 1200, [200, 60, 60]), photo(900, 1200, [60, 160, 60]), photo(1200, 800, [60, 60, 200]), photo(800, 800, [220, 200, 40])];
    let mut v = visit();
    v.photos = shots.iter().enumerate().map(|(i, p)| PhotoRef { sha256: p.sha256.clone(), caption: format!("巡視箇所{}", i + 1) }).collect();
    let mut inp = input(RecordBody::Visit(v), PrintStatus::Final);
    inp.snapshot.photos = shots.to_vec();
    let (path, text, pages) = produce("visit-report-photos", FormKind::VisitReport, &inp);
    assert_has_all(&text, &["■ 写真", "写真1　巡視箇所1", "写真4　巡視箇所4"]);
    // The heading is on the page of the first photos, never alone at the foot of the one before.
    let page_of = |needle: &str| text.split('\u{c}').position(|p| flat(p).contains(&flat(needle))).unwrap();
    assert_eq!(page_of("■ 写真"), page_of("写真1　巡視箇所1"));
    // poppler lists the four pictures, each scaled down for print (never the full 1600 px).
    let list = poppler("pdfimages", &["-list"], &path);
    let images: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(images.len(), 4, "{list}");
    for row in &images {
        let (w, h): (u32, u32) = (row[3].parse().unwrap(), row[4].parse().unwrap());
        assert!(w <= 460 && h <= 345, "printed small: {w}x{h}");
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 1_500_000, "four photos keep the report small enough to mail: {size} bytes, {pages} pages");
}
