//! A workplace's worker list from CSV: read the bytes (UTF-8 with or without a BOM, or Shift_JIS
//! as Japanese Excel saves it), map the Japanese column names, and turn each line into a worker or
//! into row problems that say, in Japanese, how to fix the line.
//!
//! The problems name the line and the column and say how to fix the cell; they never quote a
//! cell's value (性別 and 生年月日 are personal data, and a problem may be copied into a report
//! or a log). The preview shows the cells beside the problems, so nothing is lost by this.

use encoding_rs::SHIFT_JIS;
use serde::Serialize;
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use super::codes::Sex;
use super::dates::Date;
use super::entities::Worker;
use super::wareki::{self, DateError};
use crate::error::{Error, Result};

/// The columns, in the order the preview shows them: (field, header, other accepted headers).
pub const COLUMNS: &[(&str, &str, &[&str])] = &[
    ("name", "氏名", &["名前", "氏名(漢字)", "name"]),
    ("kana", "ふりがな", &["フリガナ", "カナ", "よみ", "読み", "よみがな", "氏名(カナ)", "氏名(ふりがな)", "kana"]),
    ("sex", "性別", &["sex"]),
    ("birth_date", "生年月日", &["誕生日", "birth_date"]),
    ("department", "所属", &["部署", "所属部署", "部・課", "department"]),
    ("position", "役職", &["職位", "position"]),
];

/// The largest file read (a worker list of a workplace under 50 workers is a few KB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

/// What became of one line of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportRowStatus {
    /// Read without a problem: it is imported.
    Ok,
    /// A cell could not be read: the line is not imported until it is fixed.
    Error,
    /// The same worker (氏名 and 生年月日) is already in the workplace or earlier in the file: skipped.
    Duplicate,
}

/// One problem with one cell of a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    /// The Japanese column name, e.g. 生年月日.
    pub column: String,
    /// `3行目: 生年月日の列を日付として読めません。…` (names the line and the column, never the value).
    pub message: String,
}

/// One line of the file, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ImportRow {
    /// The line of the file the row starts on (the header is line 1).
    pub line: u32,
    pub status: ImportRowStatus,
    /// The cells as written, in the order of [`COLUMNS`] (empty where the file has no such column).
    pub cells: Vec<String>,
    /// The worker to import; only for `ok` rows.
    pub worker: Option<Worker>,
    pub problems: Vec<ImportProblem>,
}

/// The whole file, read but not yet imported.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct WorkerImportPreview {
    /// The encoding the file was read in: `UTF-8` or `Shift_JIS`.
    pub encoding: String,
    /// The column names of the preview, in the order of `cells`.
    pub columns: Vec<String>,
    pub rows: Vec<ImportRow>,
    /// Rows that will be imported.
    pub ok: u32,
    pub errors: u32,
    pub duplicates: u32,
}

impl WorkerImportPreview {
    /// The workers of the `ok` rows.
    pub fn workers(&self) -> Vec<Worker> {
        self.rows.iter().filter_map(|r| r.worker.clone()).collect()
    }

    /// Mark rows as duplicates of workers already in the workplace, and of earlier rows of the
    /// file: the same 氏名 (ignoring spaces and full/half width) and the same 生年月日.
    pub fn mark_duplicates(&mut self, existing: &[Worker]) {
        let mut seen: std::collections::HashMap<(String, Option<Date>), Option<u32>> =
            existing.iter().map(|w| ((person_key(&w.name), w.birth_date), None)).collect();
        for row in &mut self.rows {
            let Some(w) = &row.worker else { continue };
            let key = (person_key(&w.name), w.birth_date);
            match seen.get(&key) {
                Some(earlier) => {
                    let message = match earlier {
                        None => format!("{}行目: この事業場に同じ氏名・生年月日の労働者が既に登録されています。取り込まずに飛ばします。", row.line),
                        Some(l) => format!("{}行目: {l}行目と同じ氏名・生年月日です。重複として取り込まずに飛ばします。", row.line),
                    };
                    row.problems.push(ImportProblem { column: "氏名".into(), message });
                    row.status = ImportRowStatus::Duplicate;
                    row.worker = None;
                }
                None => {
                    seen.insert(key, Some(row.line));
                }
            }
        }
        self.count();
    }

    fn count(&mut self) {
        let n = |s: ImportRowStatus| self.rows.iter().filter(|r| r.status == s).count() as u32;
        (self.ok, self.errors, self.duplicates) = (n(ImportRowStatus::Ok), n(ImportRowStatus::Error), n(ImportRowStatus::Duplicate));
    }
}

/// A name as compared for duplicates: NFKC, without spaces.
fn person_key(name: &str) -> String {
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn unreadable(why: impl Into<String>) -> Error {
    Error::CsvUnreadable(why.into())
}

/// The text of the file, and the name of its encoding.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str)> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((s.to_string(), "UTF-8"));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(unreadable("UTF-16 のファイルは読めません。Excel の「名前を付けて保存」で「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。"));
    }
    match SHIFT_JIS.decode_without_bom_handling_and_without_replacement(body) {
        Some(s) => Ok((s.into_owned(), "Shift_JIS")),
        None => Err(unreadable(
            "文字コードが UTF-8 でも Shift_JIS（cp932）でもないため読めません。Excel の「名前を付けて保存」で「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。",
        )),
    }
}

/// Split CSV text into records with the `csv` crate (RFC 4180: fields in double quotes may hold
/// commas, line breaks and doubled quotes), each with the line it starts on. Blank lines are
/// skipped; the lines after them keep their numbers.
pub(crate) fn records(text: &str) -> Result<Vec<(u32, Vec<String>)>> {
    // One line end, LF: a file saved with CR alone (Excel for Mac's old "CSV (Macintosh)") is
    // numbered by its lines too, and a line break inside a cell is `\n` whatever the file used.
    let mut text = text.replace("\r\n", "\n").replace('\r', "\n");
    // csv reads a quote that is never closed as running to the end of the file. A last line of
    // our own tells the two apart: it is read as a record only if every quote before it closed.
    let end = text.len();
    text.push_str("\nEND\n");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut closed = false;
    for record in reader.records() {
        let record = record
            .map_err(|_| unreadable("CSV として読めません。Excel の「名前を付けて保存」で「CSV UTF-8（コンマ区切り）」を選んで保存し直してください。"))?;
        let Some(pos) = record.position() else { continue };
        // A record's position is where the reader began, before the blank lines it skipped.
        let start = usize::try_from(pos.byte()).unwrap_or(usize::MAX).min(text.len());
        let blank = text.as_bytes()[start..].iter().take_while(|b| **b == b'\n').count();
        if start + blank > end {
            closed = true;
            break;
        }
        let line = u32::try_from(pos.line()).unwrap_or(u32::MAX).saturating_add(u32::try_from(blank).unwrap_or(u32::MAX));
        out.push((line, record.iter().map(str::to_string).collect()));
    }
    if !closed {
        let start = out.last().map_or(1, |(line, _)| *line);
        return Err(unreadable(format!(
            "{start}行目で始まる「\"」（ダブルクォート）が閉じられていません。セルの中の「\"」は「\"\"」と2つ重ねて書いてください。"
        )));
    }
    Ok(out)
}

/// A header cell as compared with the column names: NFKC (full-width brackets and half-width
/// katakana folded), no spaces.
pub(crate) fn header_key(h: &str) -> String {
    h.nfkc().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

fn column_of(header: &str) -> Option<usize> {
    let key = header_key(header);
    COLUMNS.iter().position(|(_, name, aliases)| header_key(name) == key || aliases.iter().any(|a| header_key(a) == key))
}

/// A cell that reads as a sex or a date, or holds a digit, is a worker's value, not a column
/// name: such a cell is never quoted in a message.
fn looks_like_a_value(cell: &str) -> bool {
    let cell = cell.trim();
    !cell.is_empty() && (column_of(cell).is_none() && (parse_sex(cell).is_some() || wareki::parse(cell).is_ok() || cell.chars().any(|c| c.is_numeric())))
}

fn parse_sex(text: &str) -> Option<Option<Sex>> {
    match header_key(text).as_str() {
        "" => Some(None),
        "男" | "男性" | "m" | "male" | "1" => Some(Some(Sex::Male)),
        "女" | "女性" | "f" | "female" | "2" => Some(Some(Sex::Female)),
        _ => None,
    }
}

/// Read a worker list. `workplace_id` is set on every worker; `today` bounds the birth dates.
/// Duplicates are not marked here: that needs the store ([`WorkerImportPreview::mark_duplicates`]).
pub fn parse_worker_csv(bytes: &[u8], workplace_id: &str, today: Date) -> Result<WorkerImportPreview> {
    if bytes.len() > MAX_BYTES {
        return Err(unreadable(format!("ファイルが大きすぎます（{} KB まで）。労働者名簿の CSV を選んでいるか確かめてください。", MAX_BYTES / 1024)));
    }
    let (text, encoding) = decode(bytes)?;
    let mut lines = records(&text)?.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let expected = COLUMNS.iter().map(|(_, name, _)| *name).collect::<Vec<_>>().join(",");
    let Some((header_line, header)) = lines.next() else {
        return Err(unreadable(format!("ファイルが空です。1行目に見出し（{expected}）、2行目から1人1行で入力してください。")));
    };
    // Which column of the file feeds which column of the preview.
    let mut map: Vec<Option<usize>> = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    let mut twice = Vec::new();
    for h in &header {
        let h = h.trim();
        let col = match column_of(h) {
            _ if h.is_empty() => None,
            Some(i) if map.contains(&Some(i)) => {
                twice.push(COLUMNS[i].1);
                None
            }
            Some(i) => Some(i),
            None => {
                unknown.push(format!("「{h}」"));
                None
            }
        };
        map.push(col);
    }
    if !unknown.is_empty() && header.iter().any(|h| looks_like_a_value(h)) {
        // A file without a header line: its first line is a worker. Say so without quoting it.
        return Err(unreadable(format!(
            "{header_line}行目が見出しではなく労働者の行のようです。{header_line}行目に見出しの行（{expected}）を加えてください。"
        )));
    }
    if !unknown.is_empty() {
        return Err(unreadable(format!(
            "{header_line}行目の見出しに使えない列名があります: {}。列名は {expected} のいずれかにしてください（ふりがなは「フリガナ」「カナ」でも可）。",
            unknown.join("")
        )));
    }
    if !twice.is_empty() {
        return Err(unreadable(format!("{header_line}行目の見出しで「{}」が2回出てきます。1列にまとめてください。", twice.join("」「"))));
    }
    if !map.contains(&Some(0)) {
        let first: String = header.iter().map(|h| h.trim()).collect::<Vec<_>>().join(",");
        let hint = if first.is_empty() { String::new() } else { "1行目が見出しの行になっているか確かめてください。".to_string() };
        return Err(unreadable(format!("必須の列「氏名」がありません。1行目の見出しに「氏名」の列を加えてください（見出しの例: {expected}）。{hint}")));
    }

    let mut rows = Vec::new();
    for (line, fields) in lines {
        let mut cells = vec![String::new(); COLUMNS.len()];
        let mut problems = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            match map.get(i).copied().flatten() {
                Some(col) => cells[col] = f.trim().to_string(),
                None if !f.trim().is_empty() => {
                    problems.push(ImportProblem {
                        column: String::new(),
                        message: format!("{line}行目: 見出しのない{}列目に値があります。列がずれていないか確かめ、不要な値は消してください。", i + 1),
                    });
                }
                None => {}
            }
        }
        let mut push =
            |col: usize, message: String| problems.push(ImportProblem { column: COLUMNS[col].1.to_string(), message: format!("{line}行目: {message}") });
        let mut worker = Worker {
            workplace_id: workplace_id.to_string(),
            name: cells[0].clone(),
            kana: cells[1].clone(),
            department: cells[4].clone(),
            position: cells[5].clone(),
            ..Default::default()
        };
        match parse_sex(&cells[2]) {
            Some(s) => worker.sex = s,
            None => push(2, "性別の列を読めません。「男」か「女」（「男性」「女性」も可）で入力するか、空欄にしてください。".to_string()),
        }
        if !cells[3].is_empty() {
            match wareki::parse(&cells[3]) {
                Ok(d) => worker.birth_date = Some(Date(d)),
                Err(DateError::Format) => {
                    push(3, "生年月日の列を日付として読めません。S50.10.10、昭和50年10月10日、1975/10/10 のいずれかの形で入力してください。".to_string())
                }
                Err(DateError::NoSuchDay) => push(
                    3,
                    "生年月日の列を日付として読めません。存在しない月日です。月（1〜12）と日を確かめて、S50.10.10 や 1975/10/10 の形で入力してください。"
                        .to_string(),
                ),
                Err(e) => push(3, format!("生年月日の列: {e}")),
            }
        }
        for v in worker.validate(today).0 {
            let col = COLUMNS.iter().position(|(field, _, _)| *field == v.field).unwrap_or(0);
            let message = if v.field == "name" && worker.name.is_empty() {
                "氏名が空です。氏名を入力するか、この行を消してください。".to_string()
            } else {
                v.message
            };
            push(col, message);
        }
        let status = if problems.is_empty() { ImportRowStatus::Ok } else { ImportRowStatus::Error };
        rows.push(ImportRow { line, status, cells, worker: (status == ImportRowStatus::Ok).then_some(worker), problems });
    }
    if rows.is_empty() {
        return Err(unreadable(format!("見出しの行のほかに労働者の行がありません。{}行目から1人1行で入力してください。", header_line + 1)));
    }
    let mut preview = WorkerImportPreview {
        encoding: encoding.to_string(),
        columns: COLUMNS.iter().map(|(_, name, _)| name.to_string()).collect(),
        rows,
        ok: 0,
        errors: 0,
        duplicates: 0,
    };
    preview.count();
    Ok(preview)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::ymd(2025, 6, 1).unwrap()
    }

    fn parse(text: &str) -> WorkerImportPreview {
        parse_worker_csv(text.as_bytes(), "wp", today()).unwrap()
    }

    fn err(bytes: &[u8]) -> String {
        parse_worker_csv(bytes, "wp", today()).unwrap_err().to_string()
    }

    #[test]
    fn utf8_with_bom_is_read() {
        let text = "\u{FEFF}氏名,ふりがな,性別,生年月日,所属,役職\r\n佐藤 花子,サトウ ハナコ,女,S50.10.10,総務課,課長\r\n";
        let p = parse(text);
        assert_eq!((p.encoding.as_str(), p.ok, p.errors), ("UTF-8", 1, 0));
        let w = &p.workers()[0];
        assert_eq!(w.name, "佐藤 花子");
        assert_eq!(w.kana, "サトウ ハナコ");
        assert_eq!(w.sex, Some(Sex::Female));
        assert_eq!(w.birth_date, Date::ymd(1975, 10, 10));
        assert_eq!((w.department.as_str(), w.position.as_str(), w.workplace_id.as_str()), ("総務課", "課長", "wp"));
        assert_eq!(p.rows[0].line, 2);
    }

    #[test]
    fn cp932_is_read() {
        let text = "氏名,フリガナ,性別,生年月日,所属,役職\r\n髙橋 一郎,タカハシ イチロウ,男性,昭和50年3月2日,製造部,\r\n";
        let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test really is Shift_JIS");
        let p = parse_worker_csv(&bytes, "wp", today()).unwrap();
        assert_eq!(p.encoding, "Shift_JIS");
        let w = &p.workers()[0];
        assert_eq!((w.name.as_str(), w.kana.as_str(), w.sex), ("髙橋 一郎", "タカハシ イチロウ", Some(Sex::Male)));
        assert_eq!(w.birth_date, Date::ymd(1975, 3, 2));
    }

    #[test]
    fn neither_encoding_is_one_clear_error() {
        let m = err(b"\x81\x39\xff\xfe,\xa0\n");
        assert!(m.contains("UTF-8 でも Shift_JIS"), "{m}");
    }

    #[test]
    fn a_bad_date_is_a_row_error_with_its_line_and_how_to_fix_it() {
        let p = parse("氏名,生年月日\n山田 太郎,R7.13.1\n鈴木 次郎,2025/2/30\n田中 三郎,1990/4/1\n未来 四郎,2030/1/1\n");
        assert_eq!((p.ok, p.errors), (1, 3));
        let r = &p.rows[0];
        assert_eq!((r.line, r.status, r.worker.is_none()), (2, ImportRowStatus::Error, true));
        assert_eq!(r.problems[0].column, "生年月日");
        assert!(r.problems[0].message.starts_with("2行目: 生年月日の列を日付として読めません。"), "{}", r.problems[0].message);
        assert!(p.rows[1].problems[0].message.contains("存在しない月日"), "{:?}", p.rows[1].problems);
        assert!(p.rows[3].problems[0].message.contains("未来"), "{:?}", p.rows[3].problems);
        assert_eq!(p.rows[2].cells[3], "1990/4/1");
    }

    /// The attack: a worker list whose problems are copied into a support mail or a log. The
    /// message names the line and the column and says how to fix it, never the value typed.
    #[test]
    fn row_errors_never_echo_the_sex_or_the_birth_date_typed() {
        let p = parse("氏名,性別,生年月日\n山田 太郎,おとこのこ,S50.10.10\n鈴木 次郎,男,平成99年13月45日\n田中 三郎,女,1962/2/30\n佐藤 花子,女,H40.1.1\n");
        assert_eq!(p.errors, 4);
        let all: Vec<&ImportProblem> = p.rows.iter().flat_map(|r| &r.problems).collect();
        for (typed, line, column) in [("おとこのこ", 2, "性別"), ("平成99年13月45日", 3, "生年月日"), ("1962/2/30", 4, "生年月日"), ("H40.1.1", 5, "生年月日")]
        {
            let problem = all.iter().find(|q| q.message.starts_with(&format!("{line}行目:"))).unwrap_or_else(|| panic!("line {line}: {all:?}"));
            assert_eq!(problem.column, column);
            assert!(problem.message.contains(&format!("{column}の列")), "{}", problem.message);
            assert!(problem.message.contains("入力") || problem.message.contains("確かめ"), "says how to fix it: {}", problem.message);
            assert!(!problem.message.contains(typed), "the value typed is echoed: {}", problem.message);
        }
        // Parts of the values do not leak either (the era, the year, the day).
        for q in &all {
            for part in ["おとこ", "99年", "45日", "1962", "H40"] {
                assert!(!q.message.contains(part), "{part} in {}", q.message);
            }
        }
        // The preview still shows the cells, so the user sees what to fix.
        assert_eq!(p.rows[0].cells[2], "おとこのこ");
    }

    #[test]
    fn a_file_without_a_header_line_is_not_quoted_back() {
        let m = err("山田 太郎,男,S50.10.10\n鈴木 次郎,女,1980/1/1\n".as_bytes());
        assert!(m.contains("1行目が見出しではなく労働者の行のようです"), "{m}");
        assert!(m.contains("氏名,ふりがな,性別,生年月日,所属,役職"), "{m}");
        for value in ["山田", "S50.10.10", "「男」"] {
            assert!(!m.contains(value), "{value} in {m}");
        }
    }

    #[test]
    fn missing_and_unknown_columns_are_named() {
        let m = err("ふりがな,性別\nサトウ,女\n".as_bytes());
        assert!(m.contains("必須の列「氏名」がありません"), "{m}");
        let m = err("氏名,血液型\n佐藤,A\n".as_bytes());
        assert!(m.contains("「血液型」"), "{m}");
        assert!(m.contains("氏名,ふりがな,性別,生年月日,所属,役職"), "{m}");
        let m = err("氏名,名前\n佐藤,佐藤\n".as_bytes());
        assert!(m.contains("2回"), "{m}");
        assert!(err(b"").contains("空です"));
        assert!(err("氏名\n\n".as_bytes()).contains("労働者の行がありません"));
    }

    #[test]
    fn sex_variants() {
        let p = parse("氏名,性別\nA,男\nB,女\nC,男性\nD,女性\nE,\nF,M\nG,ｵﾄｺ\n");
        let sexes: Vec<Option<Sex>> = p.rows.iter().map(|r| r.worker.as_ref().and_then(|w| w.sex)).collect();
        assert_eq!(sexes[..6], [Some(Sex::Male), Some(Sex::Female), Some(Sex::Male), Some(Sex::Female), None, Some(Sex::Male)]);
        assert_eq!(p.rows[6].status, ImportRowStatus::Error);
        assert!(p.rows[6].problems[0].message.contains("「男」か「女」"), "{:?}", p.rows[6].problems);
    }

    #[test]
    fn empty_lines_are_ignored_and_lines_keep_their_numbers() {
        let p = parse("\n氏名,所属\r\n\r\n佐藤,総務\n,\n  ,  \n\"鈴木\n次郎\",\"製造,第1\"\"課\"\"\"\n田中,営業");
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [4, 7, 9]);
        assert_eq!(p.rows[1].cells[0], "鈴木\n次郎");
        assert_eq!(p.rows[1].cells[4], "製造,第1\"課\"");
        assert_eq!(p.ok, 3);
    }

    /// The csv crate reads the records; the line numbers and the cells are as before it: a CR-only
    /// file is numbered by its lines, a CRLF inside a cell is a line break, an unclosed quote
    /// after blank lines names the line it opens on, and a quote inside a cell is kept.
    #[test]
    fn line_ends_of_every_kind_keep_the_line_numbers() {
        let p = parse("氏名,所属\r\r佐藤,\"総務\r\n第1課\"\r鈴木,5\"棟\r");
        assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5]);
        assert_eq!(p.rows[0].cells[4], "総務\n第1課");
        assert_eq!(p.rows[1].cells[4], "5\"棟");
        let m = err("氏名\r\n佐藤\r\n\r\n\r\n\"鈴木,\r\n田中\r\n".as_bytes());
        assert!(m.contains("5行目で始まる"), "{m}");
        let m = err("氏名\n佐藤\n鈴木,\"第1\"\"課".as_bytes());
        assert!(m.contains("3行目で始まる"), "{m}");
    }

    #[test]
    fn header_variants_and_half_width_kana_headers() {
        let p = parse("ﾌﾘｶﾞﾅ, 氏名 ,所属部署\nｻﾄｳ,佐藤,総務\n");
        assert_eq!(p.workers()[0].kana, "ｻﾄｳ");
        assert_eq!(p.workers()[0].department, "総務");
    }

    #[test]
    fn an_empty_name_and_stray_cells_are_row_errors() {
        let p = parse("氏名,性別\n,男\n佐藤,女,余計\n");
        assert!(p.rows[0].problems[0].message.contains("2行目: 氏名が空です"), "{:?}", p.rows[0].problems);
        assert!(p.rows[1].problems[0].message.contains("3行目: 見出しのない3列目"), "{:?}", p.rows[1].problems);
        assert_eq!(p.errors, 2);
    }

    #[test]
    fn an_unclosed_quote_names_its_line() {
        let m = err("氏名\n\"佐藤\n鈴木\n".as_bytes());
        assert!(m.contains("2行目で始まる"), "{m}");
    }

    #[test]
    fn duplicates_are_skipped_not_errors() {
        let mut p = parse("氏名,生年月日\n佐藤 花子,S50.10.10\n鈴木 次郎,1980/1/1\n鈴木　次郎,S55.1.1\n田中,\n");
        let existing = [Worker { name: "佐藤花子".into(), birth_date: Date::ymd(1975, 10, 10), ..Default::default() }];
        p.mark_duplicates(&existing);
        assert_eq!((p.ok, p.errors, p.duplicates), (2, 0, 2));
        assert!(p.rows[0].problems[0].message.contains("既に登録"), "{:?}", p.rows[0].problems);
        assert!(p.rows[2].problems[0].message.contains("3行目と同じ"), "{:?}", p.rows[2].problems);
        assert_eq!(p.workers().iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["鈴木 次郎", "田中"]);
    }
}
