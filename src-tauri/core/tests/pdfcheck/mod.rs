//! Reading PDFs back with tools that did not write them (Debian poppler-utils).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Run a poppler tool on `pdf` and return its standard output.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{tool}` ({e}): install poppler-utils (`make deps` or `apt-get install poppler-utils`)"));
    assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    // poppler reports a malformed file ("Syntax Error: ...") on stderr even when it copes.
    assert!(out.stderr.is_empty(), "{tool} {args:?} complained: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

pub fn write(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Every font in the PDF is embedded as a subset: `pdffonts` says emb=yes, sub=yes, and the name
/// carries the six-letter subset tag. Returns the font names.
pub fn assert_all_fonts_subset(pdf: &Path) -> Vec<String> {
    let listing = poppler("pdffonts", &[], pdf);
    let mut names = Vec::new();
    for line in listing.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name, type (e.g. "CID TrueType"), encoding, emb, sub, uni, object, ID
        let n = cols.len();
        assert!(n >= 8, "unexpected pdffonts line: {line}");
        let (name, emb, sub) = (cols[0], cols[n - 5], cols[n - 4]);
        assert_eq!((emb, sub), ("yes", "yes"), "font not embedded as a subset: {line}");
        let (tag, _) = name.split_once('+').unwrap_or_else(|| panic!("no subset tag: {name}"));
        assert!(tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()), "bad subset tag: {name}");
        names.push(name.to_string());
    }
    assert!(!names.is_empty(), "no fonts in the PDF:\n{listing}");
    names
}

/// The number of pages `pdfinfo` reports.
pub fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| panic!("no page count in:\n{info}"))
}

/// Render every page to PNG (for looking at, and for the golden images); returns their paths.
pub fn to_png(pdf: &Path, out_prefix: &Path, dpi: u32) -> Vec<PathBuf> {
    let status = Command::new("pdftoppm").args(["-r", &dpi.to_string(), "-png"]).arg(pdf).arg(out_prefix).status().expect("pdftoppm runs");
    assert!(status.success());
    let dir = out_prefix.parent().unwrap();
    let stem = out_prefix.file_name().unwrap().to_string_lossy().to_string();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{stem}-")) && n.to_string_lossy().ends_with(".png")))
        .collect();
    pages.sort();
    pages
}

/// Where artefacts to look at are kept (gitignored).
pub fn artifacts(sub: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts").join(sub);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Text with all whitespace removed (`pdftotext -layout` pads columns with spaces).
pub fn flat(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every needle is in the text, whitespace aside.
pub fn assert_has_all(text: &str, needles: &[&str]) {
    let hay = flat(text);
    for n in needles {
        assert!(hay.contains(&flat(n)), "{n:?} is not in the PDF text:\n{text}");
    }
}

/// Every line of every person-provided value a form lists is in the text.
pub fn assert_fields_printed(text: &str, fields: &[(String, String)]) {
    let hay = flat(text);
    for (label, value) in fields {
        for line in value.lines().filter(|l| !l.trim().is_empty()) {
            assert!(hay.contains(&flat(line)), "{label}: {line:?} is not in the PDF text:\n{text}");
        }
    }
}

/// The text of a box that continues on a continuation page, put back together: in reading order
/// (without -layout, which interleaves the label column), what comes before （別紙に続く） on the
/// form joined to what follows ■ field（続き）.
pub fn continued(path: &Path, field: &str) -> String {
    let text = flat(&poppler("pdftotext", &[], path));
    let cut = text.find("（別紙に続く）").expect("the box says it continues");
    let head = format!("■{field}（続き）");
    let rest = text.find(&head).expect("the continuation names the field") + head.len();
    format!("{}{}", &text[..cut], &text[rest..])
}

/// Render a form, write it to artifacts/forms/NAME.pdf with PNGs beside it, check its fonts are
/// embedded subsets; returns (path, `pdftotext -layout` text, page count).
pub fn produce(name: &str, kind: chisanpo_core::forms::FormKind, input: &chisanpo_core::forms::FormInput) -> (PathBuf, String, usize) {
    let fonts = chisanpo_core::forms::fonts::FontSet::embedded().unwrap();
    let pdf = chisanpo_core::forms::render(kind, input, &fonts).unwrap_or_else(|e| panic!("{name}: {e}"));
    let dir = artifacts("forms");
    let path = write(&dir, &format!("{name}.pdf"), &pdf);
    assert_all_fonts_subset(&path);
    assert!(!to_png(&path, &dir.join(name), 100).is_empty());
    let text = poppler("pdftotext", &["-layout"], &path);
    let pages = page_count(&path);
    eprintln!("{name}: {} bytes, {pages} page(s)", pdf.len());
    (path, text, pages)
}

/// A ledger of `kind` for fiscal 2025 holding `bodies`, numbered 1, 2, 3 … in order, each with the
/// sample snapshot (workplace, worker, doctor), as the store would give it.
pub fn sample_ledger(kind: chisanpo_core::ledger::LedgerKind, bodies: Vec<chisanpo_core::domain::RecordBody>) -> chisanpo_core::ledger::Ledger {
    use chisanpo_core::domain::VersionContent;
    use chisanpo_core::ledger::rows::LedgerEntry;
    let entries = bodies
        .into_iter()
        .enumerate()
        .map(|(n, body)| LedgerEntry {
            record_id: format!("sample-{n}"),
            fiscal_year: 2025,
            number: n as u32 + 1,
            version: 1,
            amended: false,
            content: VersionContent { body, snapshot: chisanpo_core::forms::samples::snapshot() },
        })
        .collect();
    chisanpo_core::ledger::Ledger { kind, filter: chisanpo_core::ledger::LedgerFilter { fiscal_year: Some(2025), ..Default::default() }, entries }
}

/// The ledger as its PDF, written to artifacts/ledgers/NAME.pdf; returns the path.
pub fn ledger_pdf(name: &str, ledger: &chisanpo_core::ledger::Ledger) -> PathBuf {
    let fonts = chisanpo_core::forms::fonts::FontSet::embedded().unwrap();
    let pdf = chisanpo_core::ledger::export::pdf::to_bytes(&ledger.table(), &fonts).unwrap();
    write(&artifacts("ledgers"), &format!("{name}.pdf"), &pdf)
}
