//! 産業保健指導結果報告書（職場巡視結果報告）as PDF, read back with poppler: every value is found
//! by pdftotext, the good practices come before the findings, a long plan runs onto further pages
//! with its header repeated, nothing about a worker is printed, and a draft says so. PNGs are
//! written to artifacts/forms/.

mod pdfcheck;

use chisanpo_core::domain::*;
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
