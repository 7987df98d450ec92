//! The layers (ADR 0027) are crates, so cargo refuses a cycle between them; these tests keep the
//! order the ADR draws. Each crate of the workspace may depend only on the crates below it in
//! [`CRATES`] (read from each `Cargo.toml`, dev-dependencies apart: a test may use a layer
//! below to build its data). Inside `chisanpo-reports`, the one crate holding two layers,
//! `print` comes before `ledger`: read from the sources, every `crate::ledger` path in `print`
//! outside `#[cfg(test)]` code fails the test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Bottom to top: (package, its folder under `src-tauri`, or the workspace root for `tests`).
const CRATES: &[(&str, &str)] = &[
    ("chisanpo-domain", "src-tauri/domain"),
    ("chisanpo-forms", "src-tauri/forms"),
    ("chisanpo-store", "src-tauri/store"),
    ("chisanpo-reports", "src-tauri/reports"),
    ("chisanpo-delivery", "src-tauri/delivery"),
    ("chisanpo-core", "src-tauri/core"),
    ("chisanpo", "src-tauri"),
    ("chisanpo-e2e", "tests"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `chisanpo*` packages a manifest's `[dependencies]` (and build-dependencies) name.
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut section = String::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_string();
            continue;
        }
        let counts = section == "[dependencies]" || section == "[build-dependencies]" || section.starts_with("[target.");
        if !counts || section.contains("dev-dependencies") {
            continue;
        }
        let name: String = l.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        if name.starts_with("chisanpo") {
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_crate_depends_only_on_the_crates_below_it() {
    let members = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let mut upward = Vec::new();
    let mut seen = 0;
    for (rank, (name, dir)) in CRATES.iter().enumerate() {
        let member = format!("\"{dir}\"");
        assert!(members.contains(&member), "{dir} is not a workspace member: update CRATES and ADR 0027");
        let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        assert!(manifest.contains(&format!("name = \"{name}\"")), "{dir}/Cargo.toml is not {name}");
        for dep in dependencies(&manifest) {
            seen += 1;
            match CRATES.iter().position(|(n, _)| *n == dep) {
                Some(theirs) if theirs < rank => {}
                Some(_) => upward.push(format!("{name} depends on {dep}, which is not below it")),
                None => upward.push(format!("{name} depends on {dep}, which is not in CRATES (add it where it belongs, and to ADR 0027)")),
            }
        }
    }
    // The manifests were read: the upper crates name the lower ones.
    assert!(seen >= 10, "only {seen} dependencies between our crates found");
    assert!(upward.is_empty(), "a crate depends on a layer above it (ADR 0027):\n{}", upward.join("\n"));
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without its `#[cfg(test)]` module and without `//` comments.
fn code_of(path: &Path) -> String {
    let s = std::fs::read_to_string(path).unwrap();
    let s = match s.find("#[cfg(test)]\nmod tests") {
        Some(i) => &s[..i],
        None => &s[..],
    };
    s.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n")
}

#[test]
fn in_the_reports_print_comes_before_the_ledger() {
    let print = root().join("src-tauri/reports/src/print");
    let mut files = Vec::new();
    sources(&print, &mut files);
    assert!(!files.is_empty(), "no sources under {}", print.display());
    let upward: Vec<String> = files.iter().filter(|f| code_of(f).contains("crate::ledger")).map(|f| f.display().to_string()).collect();
    assert!(upward.is_empty(), "the print uses the ledger (ADR 0027):\n{}", upward.join("\n"));
    // And the check can see a use: the ledger's PDF export uses the print's fonts.
    let export = code_of(&root().join("src-tauri/reports/src/ledger/export/mod.rs"));
    assert!(export.contains("crate::print") || export.contains("Printing"), "the ledger's export was not read");
}
