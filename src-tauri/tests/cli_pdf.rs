//! `chisanpo pdf` for many records at once, run as a script would (stderr is not a terminal, so
//! no progress bar), its PDFs read back by poppler's `pdfinfo`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

mod common;

use common::*;

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils) is needed");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| panic!("no page count: {info}"))
}

/// A fiscal year's 意見書 into one merged file and into a folder: one page, or one file, per
/// finalised interview, a Japanese summary on stdout and nothing on stderr.
#[test]
fn a_fiscal_years_opinions_merged_and_into_a_folder() {
    let env = Env::new();
    env.init();
    env.ok_json(&["demo", "--records", "150", "--seed", "4"]);
    let finals = env.ok_json(&["list", "--json", "--kind", "interview", "--status", "final"]);
    let mut per_year: BTreeMap<i64, usize> = BTreeMap::new();
    for r in finals.as_array().unwrap() {
        *per_year.entry(r["fiscal_year"].as_i64().unwrap()).or_default() += 1;
    }
    let (year, count) = per_year.into_iter().max_by_key(|(_, n)| *n).expect("the demo has finalised interviews");
    let year = year.to_string();

    let merged = env.tmp.path().join("年度の意見書.pdf");
    let out = env.run(&["pdf", "opinion", "--fiscal-year", &year, "--merge", path(&merged)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("{count}件を1つのPDFにまとめました")) && said.contains(&format!("{count}ページ")), "{said}");
    assert!(out.stderr.is_empty(), "no progress bar when stderr is not a terminal: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(pages(&merged), count);

    let dir = env.tmp.path().join("意見書");
    let said = env.ok(&["pdf", "opinion", "--fiscal-year", &year, "--out-dir", path(&dir)]);
    assert!(said.contains(&format!("を{count}件作成しました")), "{said}");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(files.len(), count);
    assert!(files.iter().all(|f| pages(f) == 1));
}

/// Two selections, two outputs, or a batch into `--out` are refused in Japanese before the store
/// is opened; one record into `--out` works as before.
#[test]
fn one_selection_and_one_output_or_a_japanese_message() {
    let env = Env::new();
    env.init();
    env.ok_json(&["demo", "--records", "80"]);
    let id = env.ok_json(&["list", "--json", "--kind", "interview", "--status", "final"])[0]["id"].as_str().unwrap().to_string();
    let f = env.tmp.path().join("a.pdf");
    for (args, says) in [
        (vec!["pdf", "opinion", "--out", path(&f)], "どちらか一方"),
        (vec!["pdf", "opinion", "--id", &id, "--fiscal-year", "2025", "--merge", path(&f)], "どちらか一方"),
        (vec!["pdf", "opinion", "--fiscal-year", "2025"], "どれか一つ"),
        (vec!["pdf", "opinion", "--fiscal-year", "2025", "--out", path(&f)], "--merge"),
    ] {
        let out = env.run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(has_japanese(&err) && err.contains(says), "{args:?}: {err}");
        assert!(!f.exists());
    }
    let said = env.ok(&["pdf", "opinion", "--id", &id, "--out", path(&f)]);
    assert!(said.contains("を作成しました") && pages(&f) == 1, "{said}");
}
