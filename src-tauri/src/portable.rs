//! The code that ships must build and behave on Windows and macOS too, which this project's
//! Linux machine cannot compile for (no Windows or macOS Rust target). These tests read the
//! sources of the core and the shell and fail where a Linux-only assumption would slip into a
//! build a user runs: a Unix-only API outside `#[cfg(...)]`, a fixed Unix path, a home folder
//! found by hand instead of through `directories`. Test modules are not shipped and may use them.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each shipped source file, cut before its test module (`#[cfg(test)]`, or `#[cfg(all(test, …))]`,
/// then `mod …`).
fn shipped_sources() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("core/src"), &mut files);
    assert!(files.len() > 50, "the sources were not found under {}", root.display());
    files
        .into_iter()
        .filter(|f| !f.ends_with("portable.rs") && !f.ends_with("no_inspector.rs"))
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("a source file");
            let lines: Vec<&str> = text.lines().collect();
            let end = lines
                .windows(2)
                .position(|w| w[0].trim_start().starts_with("#[cfg(") && w[0].contains("test") && w[1].trim_start().starts_with("mod "))
                .unwrap_or(lines.len());
            (f, lines[..end].join("\n"))
        })
        .collect()
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
