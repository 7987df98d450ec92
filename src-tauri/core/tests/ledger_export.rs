//! The ledger exports, read back with tools that did not write them: calamine for XLSX (and the
//! sheet's XML through `unzip`), the csv crate and encoding_rs for CSV, poppler for PDF.
//!
//! The store is a demo store of 300 records (six fiscal years); the long-ledger cases use
//! synthetic tables of 1,000 rows.

mod pdfcheck;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chisanpo_core::demo;
use chisanpo_core::domain::{Date, Staff, StaffRole};
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::ledger::export::{export_table, CsvEncoding, ExportFormat};
use chisanpo_core::ledger::{Cell, Column, LedgerFilter, LedgerKind, Table};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{KdfParams, Passphrase, Store};

const KINDS: [LedgerKind; 2] = [LedgerKind::Consultation, LedgerKind::Interview];

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
}

/// One demo store for every test of this file (making it is the slow part).
fn store() -> &'static Store {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    &FIXTURE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let profile = Staff { role: Some(StaffRole::Doctor), name: "台帳 医師".into(), ..Default::default() };
            let (store, _) = Store::init_with(&dir.path().join("data"), &Passphrase::new("台帳テストのパスフレーズ"), &profile, KdfParams::MINIMUM).unwrap();
            demo::generate(&store, 300, 23).unwrap();
            Fixture { _dir: dir, store }
        })
        .store
}

fn fiscal(fy: i32) -> LedgerFilter {
    LedgerFilter { fiscal_year: Some(fy), ..Default::default() }
}

fn table(kind: LedgerKind, filter: &LedgerFilter) -> Table {
    store().ledger(kind, filter).unwrap().table()
}

/// Excel's serial number of a date (1900 date system; all our dates are after 1900-03-01).
fn serial(d: Date) -> f64 {
    (d.naive() - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// One member of a zip file, through `unzip -p` (Info-ZIP), so the test needs no zip crate.
fn unzip(archive: &Path, member: &str) -> String {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(archive)
        .arg(member)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `unzip` ({e}): install it (`apt-get install unzip`)"));
    assert!(out.status.success(), "unzip {member}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn xlsx_reads_back_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        for filter in [fiscal(2024), LedgerFilter::default()] {
            let t = table(kind, &filter);
            assert!(!t.rows.is_empty());
            let path = dir.path().join(format!("{}.xlsx", kind.as_str()));
            let report = store().export_ledger(kind, &filter, ExportFormat::Xlsx, CsvEncoding::default(), &path).unwrap();
            assert_eq!(report.rows, t.rows.len());
            assert_eq!(report.bytes, std::fs::metadata(&path).unwrap().len());

            let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
            assert_eq!(wb.sheet_names(), vec![kind.title().to_string()]);
            let range = wb.worksheet_range(kind.title()).unwrap();
            assert_eq!(range.start(), Some((0, 0)));
            assert_eq!(range.height(), 3 + t.rows.len(), "title, subtitle, header, then one row per line of the ledger");
            assert_eq!(range.get((0, 0)), Some(&Data::String(t.title.clone())));
            assert_eq!(range.get((1, 0)), Some(&Data::String(t.subtitle.clone())));
            let header: Vec<Data> = t.columns.iter().map(|c| Data::String(c.header.clone())).collect();
            assert_eq!(range.rows().nth(2).unwrap(), header.as_slice());
            let mut dates = 0;
            for (i, (row, got)) in t.rows.iter().zip(range.rows().skip(3)).enumerate() {
                assert_eq!(got.len(), t.columns.len());
                for (j, (want, got)) in row.iter().zip(got).enumerate() {
                    let ok = match (want, got) {
                        (Cell::Empty, Data::Empty) => true,
                        (Cell::Text(s), Data::String(g)) => s == g,
                        (Cell::Int(n), Data::Float(f)) => *n as f64 == *f,
                        (Cell::Int(n), Data::Int(g)) => n == g,
                        (Cell::Date(d), Data::DateTime(g)) => {
                            dates += 1;
                            g.as_f64() == serial(*d)
                        }
                        _ => false,
                    };
                    assert!(ok, "{kind:?} row {i} column {j} ({}): wrote {want:?}, read {got:?}", t.columns[j].header);
                }
            }
            assert!(dates > 0, "dates come back as dates");
        }
    }
}

#[test]
fn xlsx_is_set_up_for_printing_and_filtering() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台帳.xlsx");
    let t = table(LedgerKind::Consultation, &fiscal(2023));
    store().export_ledger(LedgerKind::Consultation, &fiscal(2023), ExportFormat::Xlsx, CsvEncoding::default(), &path).unwrap();
    let sheet = unzip(&path, "xl/worksheets/sheet1.xml");
    for needle in [
        r#"orientation="landscape""#,
        r#"paperSize="9""#,
        r#"fitToHeight="0""#,
        r#"<pageSetUpPr fitToPage="1"/>"#,
        r#"state="frozen""#,
        r#"topLeftCell="A4""#,
        r#"<oddFooter>&amp;C&amp;P/&amp;N</oddFooter>"#,
    ] {
        assert!(sheet.contains(needle), "{needle} is not in sheet1.xml:\n{}", &sheet[..sheet.len().min(3000)]);
    }
    assert!(sheet.contains(r#"<pane ySplit="3""#), "frozen under the header row");
    let last = 3 + t.rows.len();
    assert!(sheet.contains(&format!(r#"<autoFilter ref="A3:N{last}"/>"#)), "the filter covers the header and every row");
    // Columns have widths of their own, wider for names than for numbers.
    let attr =
        |el: &str, name: &str| -> f64 { el.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next()).and_then(|v| v.parse().ok()).unwrap() };
    // <col min="2" max="3" width="15.7"/>: adjacent columns of one width share an element.
    let widths: Vec<f64> = sheet
        .split("<col ")
        .skip(1)
        .map(|c| format!(" {}", c.split("/>").next().unwrap()))
        .flat_map(|el| std::iter::repeat_n(attr(&el, "width"), (attr(&el, "max") - attr(&el, "min")) as usize + 1))
        .collect();
    assert_eq!(widths.len(), t.columns.len(), "{widths:?}");
    assert!(widths[5] > widths[0] * 2.0, "事業場 名称 is wider than 番号: {widths:?}");

    let workbook = unzip(&path, "xl/workbook.xml");
    assert!(workbook.contains(r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">"#), "{workbook}");
    assert!(workbook.contains("!$3:$3</definedName>"), "the header row repeats on every page: {workbook}");
    assert!(workbook.contains("_xlnm._FilterDatabase"), "{workbook}");

    let styles = unzip(&path, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="[$-ja-JP-x-gannen]ggge&quot;年&quot;m&quot;月&quot;d&quot;日&quot;""#), "{styles}");
    let core = unzip(&path, "docProps/core.xml");
    assert!(core.contains("<dc:title>特定健康相談実施台帳</dc:title>") && core.contains("<dc:creator>地さんぽノート</dc:creator>"), "{core}");
    assert_eq!(files_in(dir.path()), vec!["台帳.xlsx"], "no temporary file is left");
    // Kept to open in Excel or LibreOffice by hand.
    std::fs::copy(&path, pdfcheck::artifacts("ledger").join("consultation.xlsx")).unwrap();
}

fn plain_records(t: &Table) -> Vec<Vec<String>> {
    let mut want = vec![t.columns.iter().map(|c| c.header.clone()).collect::<Vec<_>>()];
    want.extend(t.rows.iter().map(|r| r.iter().map(Cell::plain).collect()));
    want
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn csv_is_utf8_with_a_bom_by_default_and_cp932_on_request() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let t = table(kind, &LedgerFilter::default());
        let want = plain_records(&t);
        assert!(want.iter().flatten().any(|f| f.len() == 10 && f.as_bytes()[4] == b'-'), "ISO dates");

        let path = dir.path().join(format!("{}-utf8.csv", kind.as_str()));
        let report = store().export_ledger(kind, &LedgerFilter::default(), ExportFormat::Csv, CsvEncoding::Utf8Bom, &path).unwrap();
        assert_eq!(report.rows, t.rows.len());
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
        assert!(bytes.windows(2).any(|w| w == b"\r\n"), "CRLF line ends");
        assert_eq!(parse_csv(std::str::from_utf8(&bytes[3..]).unwrap()), want);

        let path = dir.path().join(format!("{}-sjis.csv", kind.as_str()));
        store().export_ledger(kind, &LedgerFilter::default(), ExportFormat::Csv, CsvEncoding::Cp932, &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_ne!(&bytes[..3], b"\xEF\xBB\xBF");
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        assert_eq!(parse_csv(&text), want);
    }
}

fn odd_table() -> Table {
    Table {
        title: "特定健康相談実施台帳".into(),
        subtitle: "令和7年度".into(),
        columns: vec![Column::new("番号", 6), Column::new("氏名", 12), Column::new("備考", 20)],
        rows: vec![
            vec![Cell::Int(1), Cell::text("髙橋 﨑子"), Cell::text("カンマ, と \"引用\" と\n改行")],
            vec![Cell::Int(2), Cell::text("𠮷野 太郎"), Cell::text("😀 絵文字")],
            vec![Cell::Int(3), Cell::text("𠮷田 花子"), Cell::Empty],
        ],
    }
}

#[test]
fn cp932_refuses_characters_it_cannot_hold_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = FontSet::embedded().unwrap();
    let t = odd_table();
    let path = dir.path().join("台帳.csv");
    let e = export_table(&t, ExportFormat::Csv, CsvEncoding::Cp932, &path, &fonts).unwrap_err();
    assert_eq!(e.code(), "csv_unencodable");
    let m = e.to_string();
    assert!(m.contains("「𠮷」（U+20BB7）") && m.contains("「😀」（U+1F600）"), "{m}");
    assert!(!m.contains('髙') && !m.contains('﨑'), "cp932 holds 髙 and 﨑 (IBM extensions): {m}");
    assert_eq!(m.matches('𠮷').count(), 1, "each character is listed once: {m}");
    assert!(m.contains("UTF-8（BOM付き）"), "{m}");
    assert!(files_in(dir.path()).is_empty(), "no file, not even a temporary one: {:?}", files_in(dir.path()));

    // An earlier export at the same path stays as it was.
    let report = export_table(&t, ExportFormat::Csv, CsvEncoding::Utf8Bom, &path, &fonts).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert_eq!(report.bytes, before.len() as u64);
    assert!(export_table(&t, ExportFormat::Csv, CsvEncoding::Cp932, &path, &fonts).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(files_in(dir.path()), vec!["台帳.csv"]);
    assert_eq!(parse_csv(std::str::from_utf8(&before[3..]).unwrap()), plain_records(&t), "UTF-8 holds every character");

    // Without 𠮷 and 😀, cp932 works, 髙 and 﨑 included.
    let fine = Table { rows: t.rows[..1].to_vec(), ..t.clone() };
    export_table(&fine, ExportFormat::Csv, CsvEncoding::Cp932, &path, &fonts).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors);
    assert_eq!(parse_csv(&text), plain_records(&fine));
}

/// `pdftotext -layout` of every page.
fn pages_text(path: &Path) -> Vec<String> {
    let text = pdfcheck::poppler("pdftotext", &["-layout"], path);
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

fn check_pdf_basics(path: &Path) -> (Vec<String>, usize) {
    pdfcheck::assert_all_fonts_subset(path);
    let info = pdfcheck::poppler("pdfinfo", &[], path);
    assert!(info.contains("Page size:       841.89 x 595.27"), "A4 landscape:\n{info}");
    let n = pdfcheck::page_count(path);
    let pages = pages_text(path);
    assert_eq!(pages.len(), n);
    for (i, p) in pages.iter().enumerate() {
        assert!(p.contains(&format!("{}/{}", i + 1, n)), "page {} says {}/{n}:\n{p}", i + 1, i + 1);
        assert!(pdfcheck::flat(p).contains("番号"), "the header row repeats on page {}", i + 1);
    }
    (pages, n)
}

fn render_pngs(path: &Path, name: &str) -> Vec<PathBuf> {
    let dir = pdfcheck::artifacts("ledger");
    for old in files_in(&dir).into_iter().filter(|f| f.starts_with(&format!("{name}-")) && f.ends_with(".png")) {
        std::fs::remove_file(dir.join(old)).unwrap();
    }
    std::fs::copy(path, dir.join(format!("{name}.pdf"))).unwrap();
    pdfcheck::to_png(path, &dir.join(name), 60)
}

#[test]
fn pdf_prints_every_row_on_landscape_pages() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let t = table(kind, &LedgerFilter::default());
        let path = dir.path().join(format!("{}.pdf", kind.as_str()));
        let report = store().export_ledger(kind, &LedgerFilter::default(), ExportFormat::Pdf, CsvEncoding::default(), &path).unwrap();
        assert_eq!(report.rows, t.rows.len());
        let (pages, n) = check_pdf_basics(&path);
        assert!(n >= 2, "{} rows on {n} page(s)", t.rows.len());
        let all = pages.join("\n");
        let flat = pdfcheck::flat(&all);
        for p in &pages {
            assert!(pdfcheck::flat(p).contains(kind.title()) && pdfcheck::flat(p).contains(kind.form_no()), "every page has the title and the 様式例 number");
        }
        // 番号 starts the line of its row.
        let first_tokens: BTreeSet<String> = all.lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect();
        let name_col = t.columns.iter().position(|c| c.header.ends_with("氏名")).unwrap();
        let place_col = t.columns.iter().position(|c| c.header == "事業場 名称").unwrap();
        // Text in reading order: a wrapped cell's lines are together there.
        let raw = pdfcheck::flat(&pdfcheck::poppler("pdftotext", &["-raw"], &path));
        for row in &t.rows {
            let Cell::Int(no) = &row[0] else { panic!("番号 is a number") };
            assert!(first_tokens.contains(&no.to_string()), "番号 {no} begins a line");
            if let Cell::Text(name) = &row[name_col] {
                assert!(flat.contains(&pdfcheck::flat(name)), "{name} is in the -layout text");
            }
            if let Cell::Text(place) = &row[place_col] {
                assert!(raw.contains(&pdfcheck::flat(place)), "{place} is in the text");
            }
            for cell in row {
                assert!(raw.contains(&pdfcheck::flat(&cell.printed())), "{cell:?} is printed");
            }
        }
        let pngs = render_pngs(&path, kind.as_str());
        assert_eq!(pngs.len(), n);
    }
}

/// A long ledger: 1,000 rows, some with long notes, one taller than a page.
fn long_table() -> Table {
    let columns = [
        ("番号", 6),
        ("受付日", 12),
        ("実施日", 12),
        ("相談者 氏名", 12),
        ("事業場 名称", 20),
        ("所在地", 22),
        ("電話", 12),
        ("相談事項", 24),
        ("担当産業医等", 10),
        ("備考", 20),
    ];
    let rows = (1..=1000)
        .map(|n: i64| {
            let day = Date::ymd(2025, 4, 1).unwrap().naive() + chrono::Days::new((n % 360) as u64);
            let notes = match n % 7 {
                0 => "面談後に紹介状を作成し、近隣の医療機関への受診を勧めた。次回は三か月後に経過を確認する予定。".repeat(2),
                3 => "特になし".to_string(),
                _ => String::new(),
            };
            let notes = if n == 500 {
                format!("（長い記録の始まり）{}（長い記録の終わり）", "長時間労働の状況と睡眠の質について詳しく聴取した。".repeat(60))
            } else {
                notes
            };
            vec![
                Cell::Int(n),
                Cell::Date(Date(day)),
                Cell::Date(Date(day + chrono::Days::new(3))),
                Cell::text(format!("山田 太郎{n}")),
                Cell::text(format!("株式会社さんぽ精密工業第{n}工場")),
                Cell::text("東京都千代田区大手町一丁目2番3号 さんぽビル5階"),
                Cell::text("03-1234-5678"),
                Cell::text("1 健康診断結果意見聴取・2 脳心臓疾患保健指導"),
                Cell::text("産業 一郎"),
                Cell::text(notes),
            ]
        })
        .collect();
    Table {
        title: "特定健康相談実施台帳".into(), subtitle: "令和7年度".into(), columns: columns.iter().map(|(h, w)| Column::new(h, *w)).collect(), rows
    }
}

#[test]
fn a_thousand_rows_run_over_many_pages_and_nothing_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = FontSet::embedded().unwrap();
    let t = long_table();
    let path = dir.path().join("long.pdf");
    let start = std::time::Instant::now();
    let report = export_table(&t, ExportFormat::Pdf, CsvEncoding::default(), &path, &fonts).unwrap();
    eprintln!("1,000 rows: {} bytes in {:.2} s", report.bytes, start.elapsed().as_secs_f64());
    let (pages, n) = check_pdf_basics(&path);
    assert!(n >= 20, "{n} pages");
    let first_tokens: BTreeSet<String> = pages.join("\n").lines().filter_map(|l| l.split_whitespace().next()).map(str::to_string).collect();
    for no in 1..=1000 {
        assert!(first_tokens.contains(&no.to_string()), "番号 {no}");
    }
    // The row taller than a page continues on the next one, every character of it printed.
    let raw: Vec<String> = pdfcheck::poppler("pdftotext", &["-raw"], &path).split('\x0c').map(pdfcheck::flat).collect();
    let page_of = |needle: &str| raw.iter().position(|p| p.contains(needle)).unwrap_or_else(|| panic!("{needle} is printed"));
    assert!(page_of("（長い記録の終わり）") > page_of("（長い記録の始まり）"), "the long row runs over a page break");
    let Cell::Text(long) = &t.rows[499][9] else { unreachable!() };
    for c in ['睡', '眠'] {
        let printed: usize = raw.iter().map(|p| p.matches(c).count()).sum();
        assert_eq!(printed, long.matches(c).count(), "every {c} of the long row is printed");
    }
    assert!(!pdfcheck::flat(&pages[0]).contains("（長い記録の"));
    let pngs = render_pngs(&path, "long");
    assert_eq!(pngs.len(), n);
}

#[test]
fn an_empty_ledger_is_one_page_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = FontSet::embedded().unwrap();
    let t = Table { rows: Vec::new(), ..long_table() };
    let path = dir.path().join("empty.pdf");
    export_table(&t, ExportFormat::Pdf, CsvEncoding::default(), &path, &fonts).unwrap();
    let (pages, n) = check_pdf_basics(&path);
    assert_eq!(n, 1);
    assert!(pages[0].contains("該当する記録はありません"));
    for format in [ExportFormat::Xlsx, ExportFormat::Csv] {
        let report = export_table(&t, format, CsvEncoding::default(), &dir.path().join(format!("empty.{}", format.extension())), &fonts).unwrap();
        assert_eq!(report.rows, 0);
    }
}

#[test]
fn exports_are_audited_without_names_or_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("秘密の名前.csv");
    let before = store().audit_trail("ledger").unwrap().len();
    let r = store().export_ledger(LedgerKind::Interview, &fiscal(2022), ExportFormat::Csv, CsvEncoding::Utf8Bom, &path).unwrap();
    let trail = store().audit_trail("ledger").unwrap();
    assert!(trail.len() > before);
    let entry = trail.iter().rev().find(|e| e.detail["ledger"] == "interview" && e.detail["format"] == "csv").unwrap();
    assert_eq!(entry.action, "export");
    assert_eq!(entry.detail["rows"], r.rows);
    let detail = entry.detail.to_string();
    assert!(!detail.contains("秘密") && !detail.contains(&*dir.path().to_string_lossy()), "{detail}");
    for row in table(LedgerKind::Interview, &fiscal(2022)).rows {
        if let Cell::Text(name) = &row[3] {
            assert!(!detail.contains(name.as_str()), "{detail}");
        }
    }
}
