//! The code that ships must build and behave on Windows and macOS too, which this project's
//! Linux machine cannot compile for (no Windows or macOS Rust target). These tests read the
//! sources of every crate of the workspace and the shell and fail where a Linux-only assumption would slip into a
//! build a user runs: a Unix-only API outside `#[cfg(...)]`, a fixed Unix path, a home folder
//! found by hand instead of through `directories`. Test modules are not shipped and may use them.

use std::path::PathBuf;

use crate::no_inspector::rust_files;

/// Each shipped source file without its test code: a `#[cfg(test)]` (or `#[cfg(all(test, …))]`)
/// item is left out, a `mod x;` line or a `mod x { … }` block (to its closing brace). Lines keep
/// their numbers (test lines become empty).
fn shipped_sources() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    for layer in ["domain", "forms", "store", "reports", "delivery", "core"] {
        rust_files(&root.join(layer).join("src"), &mut files);
    }
    assert!(files.len() > 50, "the sources were not found under {}", root.display());
    files
        .into_iter()
        .filter(|f| !f.ends_with("portable.rs") && !f.ends_with("no_inspector.rs"))
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("a source file");
            (f, without_test_code(&text))
        })
        .collect()
}

fn without_test_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let attr = lines[i].trim_start();
        let next = lines.get(i + 1).map(|l| l.trim_start()).unwrap_or_default();
        if attr.starts_with("#[cfg(")
            && attr.contains("test")
            && (next.starts_with("mod ") || next.starts_with("pub mod ") || next.starts_with("pub(crate) mod "))
        {
            out.push("");
            i += 1;
            if next.contains('{') {
                let mut depth = 0i32;
                while i < lines.len() {
                    depth += lines[i].matches('{').count() as i32 - lines[i].matches('}').count() as i32;
                    out.push("");
                    i += 1;
                    if depth <= 0 {
                        break;
                    }
                }
            } else {
                out.push("");
                i += 1;
            }
            continue;
        }
        out.push(lines[i]);
        i += 1;
    }
    out.join("\n")
}

#[test]
fn test_code_is_left_out_and_nothing_else() {
    let text = "fn a() {}\n#[cfg(test)]\nmod x;\nfn b() {}\n#[cfg(all(test, unix))]\nmod tests {\n    fn t() { let _ = \"{}\"; }\n}\nfn c() {}";
    let stripped = without_test_code(text);
    let kept: Vec<&str> = stripped.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(kept, ["fn a() {}", "fn b() {}", "fn c() {}"]);
}

#[test]
fn unix_only_apis_are_behind_a_cfg() {
    let mut checked = 0;
    for (file, text) in shipped_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if ["std::os::unix", "std::os::linux", "std::os::windows", "libc::"].iter().any(|api| line.contains(api)) {
                checked += 1;
                // The nearest #[cfg…] above (within the few lines of its block or item) names a platform.
                let guard = lines[i.saturating_sub(6)..=i].iter().rev().find(|l| l.trim_start().starts_with("#[cfg"));
                assert!(
                    guard.is_some_and(|g| ["unix", "linux", "windows", "target_os"].iter().any(|p| g.contains(p))),
                    "{}:{}: `{}` is not behind #[cfg(unix)] (or another platform cfg)",
                    file.display(),
                    i + 1,
                    line.trim()
                );
            }
        }
    }
    assert!(checked > 0, "no platform API found at all: the scan is not reading the sources");
}

#[test]
fn no_fixed_unix_paths_and_no_home_folder_by_hand() {
    for (file, text) in shipped_sources() {
        for (i, line) in text.lines().enumerate() {
            for fixed in ["\"/usr/", "\"/tmp", "\"/etc/", "\"/var/", "\"/proc/", "\"/home/", "\"~/"] {
                assert!(!line.contains(fixed), "{}:{}: a fixed Unix path {fixed}…: use `directories` or a setting", file.display(), i + 1);
            }
            for by_hand in ["var(\"HOME\")", "var_os(\"HOME\")", "\"XDG_", "\"APPDATA\"", "home_dir()"] {
                assert!(!line.contains(by_hand), "{}:{}: a home folder found by hand ({by_hand}): use `directories`", file.display(), i + 1);
            }
        }
    }
}
