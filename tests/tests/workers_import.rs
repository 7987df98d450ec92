//! A CSV import with one bad row: a worker list of three, one with a birth date that is no date,
//! is read in the 労働者 screen; the preview names the line and how to fix it; the two good rows
//! are imported and listed, the bad one is not. The same list as Shift_JIS (Excel's 「CSV（コンマ
//! 区切り）」) is then read again: the two are duplicates and skipped.

use anyhow::{ensure, Result};
use chisanpo_e2e::{add_workplace, first_run, Driver, Xvfb};
use serde_json::json;

const PASS: &str = "e2e-import-passphrase";

#[test]
fn a_csv_import_with_one_bad_row() -> Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("store").to_string_lossy().to_string();
    // As Excel's 「CSV UTF-8」 saves it: a BOM, CRLF, 和暦 and 西暦 mixed.
    let csv = tmp.path().join("労働者名簿.csv");
    let text = "\u{FEFF}氏名,フリガナ,性別,生年月日,所属,役職\r\n\
                佐藤 花子,サトウ ハナコ,女,S50.10.10,総務課,課長\r\n\
                鈴木 次郎,スズキ ジロウ,男,R7.13.1,製造部,\r\n\
                田中 三郎,タナカ サブロウ,男性,1990/4/1,製造部,班長\r\n";
    std::fs::write(&csv, text)?;

    let x = Xvfb::start()?;
    let driver = Driver::start(&x.display)?;
    let s = driver.launch(&["--data-dir", &dir])?;
    first_run(&s, "取込 担当", PASS)?;
    add_workplace(&s, "鷲尾製作所", "ワシオセイサクショ")?;

    s.click("[data-nav=workers]")?;
    s.click("#import-workers")?;
    s.select_by_text("#import-workplace", "鷲尾製作所")?;

    // A relative path is refused with how to fix it.
    s.fill("#import-path", "労働者名簿.csv")?;
    s.click("#import-read")?;
    s.wait_text("#import-error", "絶対パス")?;

    s.fill("#import-path", &csv.to_string_lossy())?;
    s.click("#import-read")?;
    s.wait_text("#import-summary", "取り込む 2名")?;
    s.wait_text("#import-summary", "誤りのある行 1行")?;
    s.wait_text("#import-errors", "3行目: 生年月日の列を日付として読めません。")?;
    s.wait_text("#import-preview tr.error", "鈴木 次郎")?;
    s.wait_text("#import-preview", "田中 三郎")?;
    s.wait_text("#import-confirm", "2名を取り込む")?;
    s.screenshot("workers-import-preview")?;

    s.click("#import-confirm")?;
    s.wait_text("#worker-saved", "2名を取り込みました")?;
    s.wait_text("#worker-list", "佐藤 花子")?;
    s.wait_text("#worker-list", "平成2年4月1日")?;
    let listed = s.script("return [...document.querySelectorAll('#worker-list tbody tr')].map(r => r.textContent);", json!([]))?;
    let listed: Vec<String> = serde_json::from_value(listed)?;
    ensure!(listed.len() == 2, "two workers are listed: {listed:?}");
    ensure!(!listed.iter().any(|r| r.contains("鈴木")), "the bad row is not imported: {listed:?}");
    s.screenshot("workers-import-done")?;

    // The same list saved by Excel as 「CSV（コンマ区切り）」, i.e. Shift_JIS (cp932): the two
    // are now duplicates, skipped; the bad line is still an error.
    let sjis = tmp.path().join("労働者名簿_sjis.csv");
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text.trim_start_matches('\u{FEFF}'));
    ensure!(!unmappable && std::str::from_utf8(&bytes).is_err(), "the file really is Shift_JIS");
    std::fs::write(&sjis, &bytes)?;
    s.click("#import-workers")?;
    s.select_by_text("#import-workplace", "鷲尾製作所")?;
    s.fill("#import-path", &sjis.to_string_lossy())?;
    s.click("#import-read")?;
    s.wait_text("#import-summary", "Shift_JIS として読み込みました")?;
    s.wait_text("#import-summary", "重複して飛ばす 2行")?;
    s.wait_text("#import-preview tr.error", "鈴木 次郎")?;
    s.wait_text("#import-errors", "既に登録されています")?;
    s.screenshot("workers-import-duplicates")?;
    s.quit()?;
    Ok(())
}
