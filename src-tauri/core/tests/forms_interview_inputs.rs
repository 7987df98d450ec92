//! The inputs to an interview as PDF: 様式例2-1 医師による面接指導申出書 and 様式例2-2 勤務状況情報書.
//! Read back with poppler: every value is found by pdftotext, every font is an embedded subset,
//! each fits one page, long 業務内容 continues instead of being clipped, and drafts say so.
//! PNGs go to artifacts/forms/.

mod pdfcheck;

use chisanpo_core::domain::*;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples::snapshot;
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, FormInput, FormKind};
use pdfcheck::{assert_has_all, flat, poppler, produce};

/// The sample long-hours interview (its request and 勤務状況 are filled), as a form input.
fn interview() -> Interview {
    chisanpo_core::forms::samples::long_hours()
}

fn input(i: Interview, status: PrintStatus) -> FormInput {
    FormInput {
        record_id: "0195cc87-b280-72c9-82e5-5323bb1b2549".into(),
        version: if status == PrintStatus::Draft { 0 } else { 1 },
        status,
        body: RecordBody::Interview(i),
        snapshot: snapshot(),
        centre_name: "静岡県地域産業保健センター".into(),
    }
}

/// Every person-provided value the form lists is printed.
fn assert_fields_printed(kind: FormKind, inp: &FormInput, text: &str) {
    let RecordBody::Interview(i) = &inp.body else { unreachable!() };
    let fields = match kind {
        FormKind::WorkStatus => chisanpo_core::forms::work_status::fields(inp, i),
        FormKind::Request => chisanpo_core::forms::request::fields(inp, i),
        _ => unreachable!(),
    };
    assert!(fields.len() >= 4);
    for (label, value) in &fields {
        assert!(!value.trim().is_empty(), "the fixture leaves {label} empty");
        assert!(flat(text).contains(&flat(value)), "{label} = {value:?} is not in the PDF text:\n{text}");
    }
}

#[test]
fn work_status_prints_every_field() {
    let inp = input(interview(), PrintStatus::Final);
    let (path, text, pages) = produce("work-status", FormKind::WorkStatus, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    assert_fields_printed(FormKind::WorkStatus, &inp, &text);
    assert_has_all(
        &text,
        &[
            "様式例2-2",
            "長時間労働者への面接指導",
            "鈴木 一郎",
            "45",
            "歳",
            "株式会社山田製作所",
            "静岡市葵区追手町9番6号",
            "054-123-4567",
            "製造部組立課",
            "主任",
            "■：時間外・休日労働月80時間超の申出者",
            "□：会社又は事業場の基準該当者",
            "□：時間外・休日労働月100時間超の者",
            "■：時間外・休日労働月80時間超の者",
            "□：時間外・休日労働月45時間超の者",
            "□：その他の者",
            "□：なし",
            "■：あり",
            "直近の年月　令和6年11月",
            "前1ヶ月間について",
            "令和7年5月1日 ～ 令和7年5月31日",
            "267.1時間／月",
            "90時間／月",
            "2か月平均 87.5時間",
            "3か月平均 81.7時間",
            "（各月の実績 新しい順：90・85・70 時間）",
            "※80時間を超える平均あり",
            "1時間15分",
            "製造ラインの工程管理と夜間の設備保全",
            "本情報書作成者",
            "佐藤 花子",
            "054-123-4568（内線12）",
            "受付日　令和7年6月13日",
            "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549",
            "第1版",
            "1/1ページ",
        ],
    );
    assert!(!flat(&text).contains("（算出）"), "both hours were entered; nothing is computed");
    eprintln!("work-status.pdf: {} bytes", std::fs::metadata(&path).unwrap().len());
}

#[test]
fn work_status_prints_a_computed_figure_and_marks_it() {
    let mut i = interview();
    let ws = i.work_status.as_mut().unwrap();
    ws.overtime_hours = None;
    ws.previous_overtime.clear();
    let inp = input(i, PrintStatus::Final);
    let (_, text, pages) = produce("work-status-computed", FormKind::WorkStatus, &inp);
    assert_eq!(pages, 1);
    // 267.1 − 31 ÷ 7 × 40 = 90.0
    assert_has_all(&text, &["267.1時間／月", "90時間／月（算出）", "暦日数 ÷ 7 × 40"]);
    assert!(!flat(&text).contains("267.1時間／月（算出）"));
    assert!(!flat(&text).contains("複数月平均"), "no earlier months, no averages");
}

#[test]
fn work_status_without_the_employers_information_prints_blank() {
    let mut i = interview();
    i.work_status = None;
    let inp = input(i, PrintStatus::Draft);
    let (_, text, pages) = produce("work-status-blank", FormKind::WorkStatus, &inp);
    assert_eq!(pages, 1);
    assert_has_all(&text, &["鈴木 一郎", "□：その他の者", "□：なし", "□：あり", "時間／月", "時間分", "本情報書作成者", "下書き"]);
}

#[test]
fn long_duties_continue_on_a_continuation_page_and_nothing_is_lost() {
    let mut i = interview();
    let long: String = (0..70).map(|n| format!("{n}番目の業務。部品の受入検査と組立工程の進捗管理を行う。")).collect();
    assert!(long.chars().count() >= 2000, "{}", long.chars().count());
    i.work_status.as_mut().unwrap().duties = long;
    let inp = input(i, PrintStatus::Final);
    let (path, text, pages) = produce("work-status-long-duties", FormKind::WorkStatus, &inp);
    assert!(pages >= 2, "the duties must continue on another page");
    assert_has_all(&text, &["（別紙に続く）", "勤務状況情報書（続き）", "前のページの続きです", "■ 業務内容（続き）", "佐藤 花子"]);
    // In content order (-layout interleaves the 業務内容 label with the lines beside it), with the
    // page break cut out: what the box holds and what the continuation page holds join seamlessly.
    let raw = flat(&poppler("pdftotext", &["-raw"], &path));
    let (head, rest) = raw.split_once("（別紙に続く）").expect("the box says where the rest is");
    let (_, tail) = rest.split_once("■業務内容（続き）").expect("the continuation names the field");
    let hay = format!("{head}{tail}");
    for n in 0..70 {
        let sentence = format!("{n}番目の業務。部品の受入検査と組立工程の進捗管理を行う。");
        assert!(hay.contains(&sentence), "lost: {sentence}");
    }
    assert!(hay.contains(&format!("{pages}/{pages}ページ")));
}

#[test]
fn work_status_draft_says_so() {
    let inp = input(interview(), PrintStatus::Draft);
    let (_, text, _) = produce("work-status-draft", FormKind::WorkStatus, &inp);
    assert_has_all(&text, &["下書き（確定前のため交付できません）", "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549　下書き"]);
}

#[test]
fn request_prints_every_field() {
    let inp = input(interview(), PrintStatus::Final);
    let (path, text, pages) = produce("request", FormKind::Request, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    assert_fields_printed(FormKind::Request, &inp, &text);
    assert_has_all(
        &text,
        &[
            "様式例2-1",
            "医師による面接指導申出書",
            "令和7年6月12日",
            "株式会社山田製作所",
            "殿",
            "製造部組立課 主任",
            "鈴木 一郎",
            "私は労働安全衛生法に定める医師による面接指導の対象となる者として、下記のとおり面接指導を受けることを希望します。",
            "記",
            "面接指導の区分",
            "■：1月あたり80時間を超える時間外・休日労働",
            "（労働安全衛生法第66条の8第1項、労働安全衛生規則第52条の2第1項）",
            "□：上記以外の長時間労働等",
            "（労働安全衛生法第66条の9、労働安全衛生規則第52条の8第2項）",
            "□：心理的な負担の程度を把握するための検査の結果に基づく面接指導",
            "第66条の10",
            "面接指導を受ける医師",
            "■：地域産業保健センターの医師",
            "□：自分が希望する医師",
            "面接指導を受けるに当たり配慮を求める事項",
            "夜勤明けを避け、夕方以降の時間帯を希望します。",
            "第1版",
            "1/1ページ",
        ],
    );
    assert!(!flat(&text).contains("100時間"), "current law is 80 hours");
    eprintln!("request.pdf: {} bytes", std::fs::metadata(&path).unwrap().len());
}

#[test]
fn request_marks_the_kind_and_the_doctor_chosen() {
    let mut i = interview();
    i.kind = Some(InterviewKind::HighStress);
    i.work_status = None;
    i.request.doctor_choice = Some(DoctorChoice::Own);
    let inp = input(i, PrintStatus::Draft);
    let (_, text, pages) = produce("request-high-stress-draft", FormKind::Request, &inp);
    assert_eq!(pages, 1);
    assert_has_all(
        &text,
        &[
            "□：1月あたり80時間を超える時間外・休日労働",
            "□：上記以外の長時間労働等",
            "■：心理的な負担の程度を把握するための検査の結果に基づく面接指導",
            "□：地域産業保健センターの医師",
            "■：自分が希望する医師",
            "下書き（確定前のため交付できません）",
            "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549　下書き",
        ],
    );
}

#[test]
fn long_names_shrink_and_are_not_clipped() {
    let mut i = interview();
    i.request.considerations = String::new();
    let ws = i.work_status.as_mut().unwrap();
    ws.prepared_by.workplace = "株式会社さんぽ精密機械製作所・静岡第二工場（組立・検査・出荷部門）統括管理本部総務人事グループ".into();
    ws.prepared_by.contact = "054-123-4568（内線12）・soumu-jinji@sanpo-seimitsu.example.jp・平日9時〜17時".into();
    let mut inp = input(i, PrintStatus::Final);
    let wp = inp.snapshot.workplace.as_mut().unwrap();
    wp.name = "株式会社さんぽ精密機械製作所・静岡第二工場（組立・検査・出荷部門）統括".into();
    wp.address = "静岡県静岡市葵区追手町9番6号 静岡県庁別館21階 さんぽビルディング東棟".into();
    let wk = inp.snapshot.worker.as_mut().unwrap();
    wk.name = "長谷川 アレクサンドラ 真由美 ウィルヘルミナ".into();
    wk.department = "製造本部 第二製造部 精密組立課 品質保証係".into();
    wk.position = "主任技師（品質保証担当）".into();
    for (name, kind) in [("work-status-long-names", FormKind::WorkStatus), ("request-long-names", FormKind::Request)] {
        let (path, text, pages) = produce(name, kind, &inp);
        assert_eq!(pages, 1, "{name}");
        let RecordBody::Interview(i) = &inp.body else { unreachable!() };
        let fields =
            if kind == FormKind::WorkStatus { chisanpo_core::forms::work_status::fields(&inp, i) } else { chisanpo_core::forms::request::fields(&inp, i) };
        // A value that wraps in its box reads whole in content order (-raw).
        let raw = flat(&poppler("pdftotext", &["-raw"], &path));
        for (label, value) in fields.iter().filter(|(_, v)| !v.is_empty()) {
            assert!(raw.contains(&flat(value)) || flat(&text).contains(&flat(value)), "{name}: {label} = {value:?} is clipped:\n{text}");
        }
    }
}

#[test]
fn the_inputs_need_an_interview() {
    let inp = FormInput { body: RecordBody::Consultation(Consultation::default()), ..input(interview(), PrintStatus::Final) };
    let fonts = FontSet::embedded().unwrap();
    for kind in [FormKind::WorkStatus, FormKind::Request] {
        let err = render(kind, &inp, &fonts).unwrap_err().to_string();
        assert!(err.contains("特定健康相談"), "{err}");
    }
}
