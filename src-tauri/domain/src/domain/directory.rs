//! 地域の専門機関の名簿: the outside bodies the centre informs workers and employers about and
//! refers them to (issue 16; seed 001 III-2(2)②), and its CSV, which centres share with each
//! other (UTF-8 with a BOM, or cp932 as Japanese Excel saves it).
//!
//! The directory holds no one's health data: a body's name, kind, address, phone and what it
//! takes. A referral keeps what it named of a body in its version, so a body may be removed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use super::codes::{code_enum, Code};
use super::validate::{Strictness, Violation, Violations};
use super::worker_csv::{decode, header_key, records};
use crate::error::{Error, Result};

code_enum! {
    /// 種別 of an outside body.
    BodyKind {
        Psychiatry = ("1", "精神科・心療内科"),
        Medical = ("2", "医療機関"),
        WorkLifeDesk = ("3", "両立支援 相談窓口"),
        PrefecturalCentre = ("4", "産業保健総合支援センター"),
        Consultant = ("5", "労働衛生コンサルタント"),
        Measurement = ("6", "作業環境測定機関"),
        Other = ("7", "その他"),
    }
}

/// One body of the directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct OutsideBody {
    /// 名称
    pub name: String,
    /// フリガナ
    pub kana: String,
    pub kind: Option<BodyKind>,
    pub postcode: String,
    /// 所在地
    pub address: String,
    /// 地域: the city or district searched by (静岡市葵区, 浜松市 …).
    pub area: String,
    pub phone: String,
    /// 対応内容: what they take (初診の予約制, 英語可, 土曜診療 …).
    pub takes: String,
    pub note: String,
}

impl OutsideBody {
    pub fn validate(&self) -> Violations {
        let mut v = Violations::default();
        v.require_text(Strictness::Final, &self.name, "name", "機関の名称");
        v.require(Strictness::Final, &self.kind, "kind", "機関の種別");
        v.max_len(&self.name, 200, "name", "機関の名称");
        v.max_len(&self.kana, 200, "kana", "フリガナ");
        v.max_len(&self.postcode, 10, "postcode", "郵便番号");
        v.max_len(&self.address, 300, "address", "所在地");
        v.max_len(&self.area, 100, "area", "地域");
        v.max_len(&self.phone, 30, "phone", "電話番号");
        v.max_len(&self.takes, 1000, "takes", "対応内容");
        v.max_len(&self.note, 1000, "note", "備考");
        let phone: String = self.phone.nfkc().collect();
        if !phone.chars().all(|c| c.is_ascii_digit() || "-()+ 　".contains(c)) {
            v.push("phone", "電話番号は数字と「-」「(」「)」で入力してください（例: 054-000-0000）。");
        }
        v
    }

    /// What makes two entries the same body when a shared list is imported: the name (NFKC,
    /// spaces ignored) and the phone's digits, so a list imported twice adds nothing. With no
    /// phone, the name and the address (or the 地域): two clinics of one name in two cities stay two.
    pub fn identity(&self) -> String {
        let fold = |s: &str| s.nfkc().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        let digits: String = self.phone.nfkc().filter(char::is_ascii_digit).collect();
        let place = if self.address.trim().is_empty() { &self.area } else { &self.address };
        if digits.is_empty() {
            format!("{}|@{}", fold(&self.name), fold(place))
        } else {
            format!("{}|{digits}", fold(&self.name))
        }
    }
}

/// The columns of the directory's CSV, in the order written: (header, other accepted headers).
pub const DIRECTORY_COLUMNS: &[(&str, &[&str])] = &[
    ("名称", &["機関名", "名前", "name"]),
    ("フリガナ", &["ふりがな", "カナ", "よみ", "kana"]),
    ("種別", &["区分", "kind"]),
    ("郵便番号", &["〒", "postcode"]),
    ("所在地", &["住所", "address"]),
    ("地域", &["市区町村", "エリア", "area"]),
    ("電話番号", &["電話", "TEL", "phone"]),
    ("対応内容", &["受付内容", "takes"]),
    ("備考", &["note"]),
];

/// The largest directory file read (a prefecture's list is a few hundred lines), in bytes and in
/// bodies; and the most problems listed (with how many more there are).
pub const MAX_DIRECTORY_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_DIRECTORY_BODIES: usize = 10_000;
const MAX_PROBLEMS_LISTED: usize = 100;

/// One body as a CSV line, in the order of [`DIRECTORY_COLUMNS`].
pub fn body_cells(b: &OutsideBody) -> Vec<String> {
    vec![
        b.name.clone(),
        b.kana.clone(),
        b.kind.map(|k| k.label().to_string()).unwrap_or_default(),
        b.postcode.clone(),
        b.address.clone(),
        b.area.clone(),
        b.phone.clone(),
        b.takes.clone(),
        b.note.clone(),
    ]
}

/// A 種別 cell: its label (full/half width and spaces ignored) or its number.
pub fn parse_body_kind(cell: &str) -> Option<BodyKind> {
    let key = header_key(cell);
    BodyKind::ALL.iter().copied().find(|k| header_key(k.label()) == key || k.mark() == key)
}

/// Our CSV export writes a text beginning with = + - @ after an apostrophe (so Excel does not run
/// it); the import takes the apostrophe off again.
fn undefuse(cell: &str) -> String {
    let cell = cell.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_string(),
        _ => cell.to_string(),
    }
}

/// A directory file read: every line a body, or nothing at all. Any bad line refuses the file,
/// with every problem's line and column, so a shared list is fixed once and imported whole.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryFile {
    /// `UTF-8` or `Shift_JIS`.
    pub encoding: &'static str,
    /// (line, body), in the file's order.
    pub bodies: Vec<(u32, OutsideBody)>,
}

pub fn parse_directory_csv(bytes: &[u8]) -> Result<DirectoryFile> {
    let expected = DIRECTORY_COLUMNS.iter().map(|(h, _)| *h).collect::<Vec<_>>().join(",");
    if bytes.len() > MAX_DIRECTORY_BYTES {
        return Err(Error::CsvUnreadable(format!(
            "ファイルが大きすぎます（{} MB まで）。名簿の CSV を選んでいるか確かめてください。",
            MAX_DIRECTORY_BYTES >> 20
        )));
    }
    let (text, encoding) = decode(bytes)?;
    let mut lines = records(&text)?.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((header_line, header)) = lines.next() else {
        return Err(Error::CsvUnreadable(format!("ファイルが空です。1行目に見出し（{expected}）、2行目から1機関1行で入力してください。")));
    };
    let mut map: Vec<Option<usize>> = Vec::with_capacity(header.len());
    for h in &header {
        let key = header_key(h);
        let col = DIRECTORY_COLUMNS.iter().position(|(name, aliases)| header_key(name) == key || aliases.iter().any(|a| header_key(a) == key));
        match col {
            _ if key.is_empty() => map.push(None),
            Some(i) if map.contains(&Some(i)) => {
                return Err(Error::CsvUnreadable(format!("{header_line}行目の見出しで「{}」が2回出てきます。1列にまとめてください。", DIRECTORY_COLUMNS[i].0)))
            }
            Some(i) => map.push(Some(i)),
            None => {
                return Err(Error::CsvUnreadable(format!(
                    "{header_line}行目の見出し「{}」は名簿の列ではありません。1行目は見出し（{expected}）にしてください。",
                    h.trim()
                )))
            }
        }
    }
    for required in [0, 2] {
        if !map.contains(&Some(required)) {
            return Err(Error::CsvUnreadable(format!(
                "{header_line}行目の見出しに「{}」の列がありません。見出しは {expected} です。",
                DIRECTORY_COLUMNS[required].0
            )));
        }
    }
    let mut problems: Vec<Violation> = Vec::new();
    let mut bodies = Vec::new();
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let lines: Vec<(u32, Vec<String>)> = lines.collect();
    if lines.len() > MAX_DIRECTORY_BODIES {
        return Err(Error::CsvUnreadable(format!(
            "機関が多すぎます（{}件。1つのファイルは{MAX_DIRECTORY_BODIES}件まで）。地域ごとなどに分けて取り込んでください。",
            lines.len()
        )));
    }
    for (line, cells) in lines {
        let mut row = vec![String::new(); DIRECTORY_COLUMNS.len()];
        for (i, cell) in cells.iter().enumerate() {
            match map.get(i).copied().flatten() {
                Some(col) => row[col] = undefuse(cell),
                None if !cell.trim().is_empty() => problems.push(Violation {
                    field: format!("line {line}"),
                    message: format!("{line}行目: 見出しのない列（{}列目）に値があります。見出しを付けるか、値を消してください。", i + 1),
                }),
                None => {}
            }
        }
        let kind = parse_body_kind(&row[2]);
        let kind_unread = kind.is_none() && !row[2].is_empty();
        if kind_unread {
            let kinds = BodyKind::ALL.iter().map(|k| k.label()).collect::<Vec<_>>().join("・");
            problems
                .push(Violation { field: format!("line {line}"), message: format!("{line}行目: 種別は {kinds} のいずれかにしてください。") });
        }
        let [name, kana, _, postcode, address, area, phone, takes, note] = <[String; 9]>::try_from(row).expect("one cell per column");
        let body = OutsideBody { name, kana, kind, postcode, address, area, phone, takes, note };
        for v in body.validate().into_vec() {
            if v.field == "kind" && kind_unread {
                continue;
            }
            problems.push(Violation { field: format!("line {line}"), message: format!("{line}行目: {}", v.message) });
        }
        match seen.get(&body.identity()) {
            Some(first) => problems.push(Violation {
                field: format!("line {line}"),
                message: format!("{line}行目: {first}行目と同じ機関（名称と電話番号が同じ）です。どちらか1行にしてください。"),
            }),
            None => {
                seen.insert(body.identity(), line);
            }
        }
        bodies.push((line, body));
    }
    if problems.len() > MAX_PROBLEMS_LISTED {
        let more = problems.len() - MAX_PROBLEMS_LISTED;
        problems.truncate(MAX_PROBLEMS_LISTED);
        problems.push(Violation {
            field: "file".into(), message: format!("ほかに{more}件の問題があります。上の行を直してから、もう一度取り込んでください。")
        });
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    Ok(DirectoryFile { encoding, bodies })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "名称,フリガナ,種別,郵便番号,所在地,地域,電話番号,対応内容,備考\r\n";

    fn messages(e: Error) -> Vec<String> {
        match e {
            Error::Invalid(v) => v.into_iter().map(|v| v.message).collect(),
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn a_utf8_file_with_a_bom_and_a_cp932_file_read_the_same() {
        let text = format!("{HEADER}こころのクリニック,ココロノクリニック,精神科・心療内科,420-0001,静岡市葵区1-1,静岡市,054-000-0001,\"予約制, 土曜可\",\r\n");
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend_from_slice(text.as_bytes());
        let (cp932, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!bad);
        let a = parse_directory_csv(&utf8).unwrap();
        let b = parse_directory_csv(&cp932).unwrap();
        assert_eq!((a.encoding, b.encoding), ("UTF-8", "Shift_JIS"));
        assert_eq!(a.bodies, b.bodies);
        let (line, body) = &a.bodies[0];
        assert_eq!(*line, 2);
        assert_eq!(body.kind, Some(BodyKind::Psychiatry));
        assert_eq!(body.takes, "予約制, 土曜可");
        assert_eq!(body.area, "静岡市");
    }

    #[test]
    fn headers_may_be_aliases_in_any_order_and_kinds_their_numbers() {
        let text = "電話,機関名,区分,住所\n054-1,産保センター,4,静岡市\n054-2,測定協会,作業環境測定機関,浜松市\n";
        let f = parse_directory_csv(text.as_bytes()).unwrap();
        assert_eq!(f.bodies[0].1.kind, Some(BodyKind::PrefecturalCentre));
        assert_eq!(f.bodies[1].1.kind, Some(BodyKind::Measurement));
        assert_eq!(f.bodies[1].1.phone, "054-2");
    }

    #[test]
    fn every_bad_line_is_named_and_nothing_is_taken() {
        let text = format!("{HEADER},,医療機関,,,,,,\r\nA,,歯医者,,,,,,\r\nB,,医療機関,,,,abc,,\r\nC,,医療機関,,,,054,,\r\nC,,医療機関,,,,054,,\r\n");
        let m = messages(parse_directory_csv(text.as_bytes()).unwrap_err());
        assert!(m.iter().any(|m| m.starts_with("2行目: 機関の名称を入力")), "{m:?}");
        assert!(m.iter().any(|m| m.starts_with("3行目: 種別は")), "{m:?}");
        assert!(m.iter().any(|m| m.starts_with("4行目: 電話番号は")), "{m:?}");
        assert!(m.iter().any(|m| m.starts_with("6行目: 5行目と同じ機関")), "{m:?}");
        assert_eq!(m.len(), 4, "{m:?}");
    }

    #[test]
    fn a_file_that_is_not_the_directory_is_refused_with_how_to_fix_it() {
        for (bytes, want) in [
            (b"".as_slice(), "ファイルが空です"),
            ("氏名,生年月日\n山田,1980-01-01\n".as_bytes(), "見出し「氏名」は名簿の列ではありません"),
            ("名称,所在地\nA,静岡市\n".as_bytes(), "「種別」の列がありません"),
            (b"\xFF\xFE\x00\x00".as_slice(), "UTF-16"),
        ] {
            let e = parse_directory_csv(bytes).unwrap_err().to_string();
            assert!(e.contains(want), "{want}: {e}");
        }
    }

    #[test]
    fn an_exported_formula_guard_is_taken_off_again() {
        let text = "名称,種別,所在地,備考\n'=A,その他,x,'-注意\n";
        let f = parse_directory_csv(text.as_bytes()).unwrap();
        assert_eq!((f.bodies[0].1.name.as_str(), f.bodies[0].1.note.as_str()), ("=A", "-注意"));
    }

    #[test]
    fn identity_folds_width_spaces_and_the_phones_punctuation() {
        let a = OutsideBody { name: "こころ クリニック".into(), phone: "054-000-0001".into(), ..Default::default() };
        let b = OutsideBody { name: "こころクリニック".into(), phone: "（０５４）０００－0001".into(), ..Default::default() };
        assert_eq!(a.identity(), b.identity());
        // With no phone, two clinics of one name in two cities are two bodies.
        let shizuoka = OutsideBody { name: "中央クリニック".into(), address: "静岡市葵区1".into(), ..Default::default() };
        let hamamatsu = OutsideBody { name: "中央クリニック".into(), address: "浜松市中央区1".into(), ..Default::default() };
        assert_ne!(shizuoka.identity(), hamamatsu.identity());
        // A long vowel mark is part of a name.
        let centre = OutsideBody { name: "センター".into(), phone: "1".into(), ..Default::default() };
        let other = OutsideBody { name: "センタ".into(), phone: "1".into(), ..Default::default() };
        assert_ne!(centre.identity(), other.identity());
    }

    #[test]
    fn a_huge_or_very_bad_file_is_refused_with_a_short_message() {
        let mut big = String::from("名称,種別\n");
        for i in 0..=MAX_DIRECTORY_BODIES {
            big.push_str(&format!("機関{i},その他\n"));
        }
        assert!(parse_directory_csv(big.as_bytes()).unwrap_err().to_string().contains("多すぎます"));
        let mut bad = String::from("名称,種別\n");
        for i in 0..500 {
            bad.push_str(&format!("機関{i},歯科\n"));
        }
        let m = messages(parse_directory_csv(bad.as_bytes()).unwrap_err());
        assert_eq!(m.len(), 101);
        assert!(m[100].contains("ほかに400件"), "{}", m[100]);
    }
}
