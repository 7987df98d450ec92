//! The 様式 as PDF, read back with poppler: every value is found by pdftotext, every font is an
//! embedded subset, the page count is right, long text continues instead of being clipped, and a
//! character no font has stops the form. PNGs of every form are written to artifacts/forms/.

mod pdfcheck;

use chisanpo_core::domain::*;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::samples::{high_stress, input, long_hours};
use chisanpo_core::forms::sheet::PrintStatus;
use chisanpo_core::forms::{render, FormKind};
use pdfcheck::{artifacts, assert_all_fonts_subset, assert_has_all, flat, poppler, produce, write};

const IPAMJ: &str = "/usr/share/fonts/truetype/ipamj/ipamjm.ttf";

#[test]
fn opinion_long_hours_prints_every_field() {
    let inp = input(RecordBody::Interview(long_hours()), PrintStatus::Final);
    let (path, text, pages) = produce("opinion-long-hours", FormKind::Opinion, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    assert_has_all(
        &text,
        &[
            "面接指導結果報告書及び事後措置に係る意見書",
            "労働安全衛生規則第52条の6",
            "株式会社山田製作所",
            "054-123-4567",
            "鈴木 一郎",
            "製造部組立課 主任",
            "45歳",
            "2：中",
            "1：あり",
            "睡眠不足の訴えあり",
            "1：要観察",
            "1：就業制限",
            "1：要保健指導",
            "■：必要事項",
            "■：下記意見書に記入",
            "さんぽ内科クリニック",
            // The legal record carries the interview's date (6/20); the opinion's (6/23) has its own place.
            "実施日 令和7年6月20日",
            "意見書作成日 令和7年6月23日",
            "産業 太郎",
            "45時間/月まで",
            "8時30分 ～ 17時15分",
            "3：就業の禁止（休暇・休養の指示）",
            "c：深夜業の回数の減少",
            "深夜業を月4回までとする",
            "3 日・週・月",
            "設備保全の夜間呼出しを免除",
            "1か月後に勤務状況を再確認",
            "令和7年9月19日",
            "かかりつけ医の受診日は勤務を調整すること",
            "本人の同意を得て、上司に結果を伝えた",
            "事業所長",
            "課長",
            "印",
            "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549",
            "第1版",
            "1/1ページ",
        ],
    );
    assert_not_dated_by_the_opinion(&text);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 80 * 1024, "the 意見書 is {size} bytes; the budget is 80 KB");
}

#[test]
fn drafts_are_watermarked_and_amendments_say_so() {
    let draft = input(RecordBody::Interview(long_hours()), PrintStatus::Draft);
    let (_, text, _) = produce("opinion-draft", FormKind::Opinion, &draft);
    assert_has_all(&text, &["下書き（確定前のため交付できません）", "記録ID 0195cc87-b280-72c9-82e5-5323bb1b2549　下書き"]);
    let amended = input(RecordBody::Interview(long_hours()), PrintStatus::Amended { version: 2, amended_on: "2025-07-01".parse().unwrap() });
    let (_, text, _) = produce("opinion-amended", FormKind::Opinion, &amended);
    assert_has_all(&text, &["訂正版（第2版）令和7年7月1日訂正", "第2版（訂正版）"]);
}

#[test]
fn long_text_continues_on_a_continuation_page_and_nothing_is_lost() {
    let mut i = long_hours();
    let long: String = (0..80).map(|n| format!("{n}番目の文。睡眠・食事・運動の状況を聞き取り、助言した。")).collect();
    assert!(long.chars().count() > 2000);
    i.opinion.remarks = long.clone();
    i.opinion.measure_lines[0] = "作業環境と勤務体制の見直しについて、事業場の担当者と本人を交えて話し合い、具体的な計画を立てること".into();
    let mut inp = input(RecordBody::Interview(i), PrintStatus::Final);
    let mut snap = inp.snapshot.clone();
    snap.workplace.as_mut().unwrap().name = "株式会社さんぽ精密機械製作所・静岡県静岡市葵区第二工場（組立・検査・出荷・保全部門）".into();
    assert!(snap.workplace.as_ref().unwrap().name.chars().count() >= 40);
    inp.snapshot = snap;
    let (_, text, pages) = produce("opinion-long-text", FormKind::Opinion, &inp);
    assert!(pages >= 2, "the remarks must continue on another page");
    assert_has_all(&text, &["（別紙に続く）", "面接指導結果報告書及び事後措置に係る意見書（続き）", "前のページの続きです", "■ 連絡事項等（続き）"]);
    // Every sentence of the long text is somewhere in the document.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for n in 0..80 {
        let sentence = format!("{n}番目の文。");
        assert!(flat.contains(&sentence), "lost: {sentence}");
    }
    assert!(flat.contains("株式会社さんぽ精密機械製作所・静岡県静岡市葵区第二工場（組立・検査・出荷・保全部門）"), "the long name is clipped");
    assert!(flat.contains(&format!("{pages}/{pages}ページ")));
}

#[test]
fn a_missing_glyph_stops_the_form_and_a_fallback_font_draws_it() {
    let mut inp = input(RecordBody::Interview(long_hours()), PrintStatus::Final);
    inp.snapshot.worker.as_mut().unwrap().name = "𠮷野 一郎".into();
    let plain = FontSet::embedded().unwrap();
    let err = render(FormKind::Opinion, &inp, &plain).unwrap_err().to_string();
    assert!(err.contains("𠮷") && err.contains("U+20BB7") && err.contains("氏名"), "{err}");
    if !std::path::Path::new(IPAMJ).exists() {
        eprintln!("skipped the fallback half: {IPAMJ} is not installed (make test installs fonts-ipamj-mincho)");
        return;
    }
    let with = FontSet::with_fallback(std::path::Path::new(IPAMJ)).unwrap();
    let pdf = render(FormKind::Opinion, &inp, &with).unwrap();
    let path = write(&artifacts("forms"), "opinion-fallback.pdf", &pdf);
    let fonts = assert_all_fonts_subset(&path);
    assert!(fonts.iter().any(|f| f.contains("IPAmj")), "{fonts:?}");
    assert_has_all(&poppler("pdftotext", &[], &path), &["𠮷野 一郎"]);
}

#[test]
fn the_opinion_needs_an_interview() {
    let inp = input(RecordBody::Consultation(Consultation::default()), PrintStatus::Final);
    let err = render(FormKind::Opinion, &inp, &FontSet::embedded().unwrap()).unwrap_err().to_string();
    assert!(err.contains("特定健康相談"), "{err}");
}

#[test]
fn opinion_high_stress_prints_every_field() {
    let inp = input(RecordBody::Interview(high_stress()), PrintStatus::Final);
    let (path, text, pages) = produce("opinion-high-stress", FormKind::Opinion, &inp);
    assert_eq!(pages, 1, "{}", path.display());
    assert_has_all(
        &text,
        &[
            "面接指導結果報告書及び就業上の措置に係る意見書",
            "鈴木 一郎",
            "45歳",
            "繁忙期の残業が月60時間程度続き、休日出勤もある",
            "A. ストレスの要因",
            "42",
            "85",
            "23",
            "抑うつ気分の訴えあり",
            "1. 所見あり",
            "頭痛・不眠",
            "1. 要保健指導",
            "3. 要再面接",
            "1か月後",
            "上司との関係に悩みあり",
            "1. 就業制限・配慮",
            "2. 時間外労働の禁止",
            "4. 変形労働時間制又は裁量労働制の対象からの除外",
            "b. 作業の転換",
            "顧客対応の担当を外す",
            "業務分担の見直しと相談窓口の周知",
            "心療内科への受診を勧めた",
            "再面接の日程は本人と調整",
            "さんぽ内科クリニック",
            "産業 太郎",
            "年月日（実施年月日） 令和7年6月20日",
            "意見書作成日 令和7年6月23日",
            "2 日・週・月",
        ],
    );
    assert_not_dated_by_the_opinion(&text);
}

/// The opinion's date (6/23) never stands in a 実施日 box, and the interview's date (6/20) is on
/// the page: the sheet is the legal record of the interview (安衛則52条の6, 52条の18).
fn assert_not_dated_by_the_opinion(text: &str) {
    let hay = flat(text);
    assert!(!hay.contains("実施日令和7年6月23日") && !hay.contains("実施年月日）令和7年6月23日"), "the 実施日 shows the opinion date:\n{text}");
    assert!(hay.contains("令和7年6月20日"), "the interview date is missing:\n{text}");
}

#[test]
fn an_opinion_written_the_day_of_the_interview_carries_that_date_in_both_places() {
    for (name, mut i) in [("opinion-same-day", long_hours()), ("opinion-stress-same-day", high_stress())] {
        i.opinion_on = None;
        let (_, text, _) = produce(name, FormKind::Opinion, &input(RecordBody::Interview(i), PrintStatus::Final));
        assert_has_all(&text, &["意見書作成日 令和7年6月20日"]);
        assert!(!flat(&text).contains("令和7年6月23日"), "{name}: a date that is not on the record:\n{text}");
    }
}

#[test]
fn the_doctor_ticks_hitsuyo_jiko_and_an_unticked_box_prints_empty() {
    let mut i = long_hours();
    i.result.necessary_items = false;
    let (_, text, _) = produce("opinion-necessary-unticked", FormKind::Opinion, &input(RecordBody::Interview(i), PrintStatus::Final));
    assert_has_all(&text, &["□：必要事項", "■：下記意見書に記入"]);
    // A record stored before the field existed reads as unticked.
    let mut v = serde_json::to_value(long_hours()).unwrap();
    v["result"].as_object_mut().unwrap().remove("necessary_items");
    let old: Interview = serde_json::from_value(v).unwrap();
    assert!(!old.result.necessary_items);
}

/// Lines of `pdftotext -raw` (reading order, one text line per line).
fn raw_lines(path: &std::path::Path) -> Vec<String> {
    poppler("pdftotext", &["-raw"], path).lines().map(|l| l.trim().to_string()).collect()
}

#[test]
fn labels_break_between_words_not_inside_them() {
    // Each of these was once printed split inside a word: 「…に関する意 / 見」, 「年月日（実施年 / 月日）」.
    let broken = ["見", "月日）", "職場環境の改善に関する意", "年月日（実施年", "労", "導区分（複", "数選択可）", "のに○）"];
    for (name, i) in [("opinion-long-hours", long_hours()), ("opinion-high-stress", high_stress())] {
        let (path, _, _) = produce(name, FormKind::Opinion, &input(RecordBody::Interview(i), PrintStatus::Final));
        let lines = raw_lines(&path);
        for b in broken {
            assert!(!lines.iter().any(|l| l == b || l.ends_with(&format!(" {b}"))), "{name}: a label line is 「{b}」:\n{}", lines.join("\n"));
        }
        let flat_raw = flat(&lines.join("\n"));
        assert!(!flat_raw.contains("関する意\n"), "{name}");
    }
    let (path, _, _) = produce("opinion-high-stress", FormKind::Opinion, &input(RecordBody::Interview(high_stress()), PrintStatus::Final));
    let lines = raw_lines(&path);
    for whole in ["職場環境の改善に", "関する意見", "年月日（実施年月日）"] {
        assert!(
            lines.iter().any(|l| l.starts_with(whole) || l.contains(&format!("{whole} ")) || l.ends_with(whole)),
            "no line holds 「{whole}」 whole:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn no_circle_touches_a_rule_or_another_circle_and_no_text_runs_into_a_rule() {
    use chisanpo_core::forms::clearance_problems;
    use chisanpo_core::forms::samples::{application, consultation};
    let fonts = FontSet::embedded().unwrap();
    // The samples, plus every option of every code chosen at once (the most circles a page can carry).
    let mut all = long_hours();
    all.result.fatigue = Some(Fatigue::Severe);
    all.opinion.other_measures = OtherMeasure::ALL.to_vec();
    all.opinion.hours_measures = HoursMeasure::blank_all().into_iter().filter(|m| m.on_long_hours_form()).collect();
    let mut stress = high_stress();
    stress.result.stress_guidance = StressGuidance::ALL.to_vec();
    stress.opinion.other_measures = OtherMeasure::ALL.to_vec();
    stress.opinion.hours_measures = HoursMeasure::blank_all().to_vec();
    let mut employer = consultation();
    employer.requester = Some(Requester::Employer);
    employer.kinds = ConsultationKind::ALL.to_vec();
    let cases = [
        ("2-3", FormKind::Opinion, RecordBody::Interview(long_hours())),
        ("2-3 all chosen", FormKind::Opinion, RecordBody::Interview(all)),
        ("2-3 high stress", FormKind::Opinion, RecordBody::Interview(high_stress())),
        ("2-3 high stress all chosen", FormKind::Opinion, RecordBody::Interview(stress)),
        ("2-2", FormKind::WorkStatus, RecordBody::Interview(long_hours())),
        ("2-1", FormKind::Request, RecordBody::Interview(long_hours())),
        ("1-2", FormKind::ConsultationRecord, RecordBody::Consultation(consultation())),
        ("1-2 employer", FormKind::ConsultationRecord, RecordBody::Consultation(employer)),
        ("1-1", FormKind::Application, RecordBody::Application(application())),
    ];
    let mut problems = Vec::new();
    for (name, kind, body) in cases {
        for p in clearance_problems(kind, &input(body, PrintStatus::Final), &fonts).unwrap() {
            problems.push(format!("{name}: {p}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_work_status_lists_its_six_categories_in_the_order_1_to_6() {
    let (_, text, _) = produce("work-status", FormKind::WorkStatus, &input(RecordBody::Interview(long_hours()), PrintStatus::Final));
    let lines: Vec<&str> = text.lines().collect();
    let mut last = None;
    for c in WorkStatusCategory::ALL {
        let at = lines.iter().position(|l| flat(l).contains(&flat(c.label()))).unwrap_or_else(|| panic!("{} is not printed", c.label()));
        assert!(last.is_none_or(|l| at > l), "{} is not below the one before it (one per line, 1–6 down the page):\n{text}", c.label());
        last = Some(at);
    }
}

/// The 区分 of hours on 様式例2-2 is the one the hours make, whatever was ticked: a draft that
/// ticked 「45時間超」 for 84.3 h prints ■80時間超, and 240 h in February (80.0 h) is not over 80.
#[test]
fn the_work_status_ticks_the_class_the_hours_make() {
    let cases = [
        ((2025, 5, 1), (2025, 5, 31), None, Some(84.3), vec![WorkStatusCategory::Over45], WorkStatusCategory::Over80),
        ((2025, 5, 1), (2025, 5, 31), None, Some(100.1), vec![], WorkStatusCategory::Over100),
        ((2025, 5, 1), (2025, 5, 31), None, Some(45.1), vec![], WorkStatusCategory::Over45),
        ((2025, 2, 1), (2025, 2, 28), Some(240.0), None, vec![WorkStatusCategory::Over80], WorkStatusCategory::Over45),
    ];
    for (n, (from, to, total, overtime, ticked, want)) in cases.into_iter().enumerate() {
        let mut i = long_hours();
        let ws = i.work_status.as_mut().unwrap();
        ws.period_from = Date::ymd(from.0, from.1, from.2);
        ws.period_to = Date::ymd(to.0, to.1, to.2);
        ws.total_hours = total;
        ws.overtime_hours = overtime;
        ws.categories = ticked;
        let (_, text, _) = produce(&format!("work-status-class-{n}"), FormKind::WorkStatus, &input(RecordBody::Interview(i), PrintStatus::Draft));
        let text = flat(&text);
        for c in [WorkStatusCategory::Over100, WorkStatusCategory::Over80, WorkStatusCategory::Over45] {
            let mark = if c == want { "■" } else { "□" };
            assert!(text.contains(&flat(&format!("{mark}：{}", c.label()))), "case {n}: {} should be {mark}:\n{text}", c.label());
        }
    }
}

#[test]
fn an_interview_held_without_a_request_has_no_request_form() {
    for kind in [InterviewKind::ResearchOver100, InterviewKind::HighlyProfessional] {
        let mut i = long_hours();
        i.kind = Some(kind);
        let err =
            render(FormKind::Request, &input(RecordBody::Interview(i.clone()), PrintStatus::Final), &FontSet::embedded().unwrap()).unwrap_err().to_string();
        assert!(err.contains("申出によらず") && err.contains(kind.article()), "{err}");
        // The opinion and the 勤務状況情報書 print as for any long-hours interview.
        for form in [FormKind::Opinion, FormKind::WorkStatus] {
            render(form, &input(RecordBody::Interview(i.clone()), PrintStatus::Final), &FontSet::embedded().unwrap()).unwrap();
        }
    }
}

/// A stress check reported by the 素点換算表 method prints its 評価点, and says so.
#[test]
fn the_high_stress_opinion_prints_the_scores_of_the_method_used() {
    let mut i = high_stress();
    i.stress = Some(StressScores { scale_a: Some(21), scale_b: Some(11), scale_c: Some(5), ..Default::default() });
    let (_, text, _) = produce("opinion-high-stress-scales", FormKind::Opinion, &input(RecordBody::Interview(i), PrintStatus::Final));
    let text = flat(&text);
    assert!(text.contains(&flat("ストレスチェック結果（素点換算表の評価点）")), "{text}");
    for v in ["21", "11", "5"] {
        assert!(text.contains(&format!("{v}点")), "{v} is not printed:\n{text}");
    }
    let (_, text, _) = produce("opinion-high-stress-totals", FormKind::Opinion, &input(RecordBody::Interview(high_stress()), PrintStatus::Final));
    assert!(!flat(&text).contains("素点換算表"), "the 合計点数 are printed as such");
}
