//! No web inspector in any build a user runs, `make run`'s debug build included.
//!
//! Tauri turns WebKit's inspector ("Inspect Element", a JavaScript console that can call every
//! IPC command) on in every debug build unless the window says `"devtools": false`, and in
//! release builds when its `devtools` feature is on. These tests read the files that decide it
//! and fail when any of them would enable or open the inspector. End-to-end tests are not
//! affected: WebKitWebDriver drives the window through WebKit's automation session, not the
//! inspector.

use std::path::{Path, PathBuf};

const CONFIG: &str = include_str!("../tauri.conf.json");
const APP_MANIFEST: &str = include_str!("../Cargo.toml");
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");
const MAKEFILE: &str = include_str!("../../Makefile");

/// The word that names the inspector in Tauri's config, its cargo feature and its API.
const WORD: &str = "devtools";

/// The text of a manifest or Makefile without its comments.
fn uncommented(text: &str) -> String {
    text.lines().map(|l| l.split('#').next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_window_of_the_config_turns_the_inspector_off() {
    let config: serde_json::Value = serde_json::from_str(CONFIG).expect("tauri.conf.json is JSON");
    let windows = config["app"]["windows"].as_array().expect("tauri.conf.json declares its windows");
    assert!(!windows.is_empty(), "tauri.conf.json declares no window");
    for w in windows {
        // Absent means "on in debug builds": it must be an explicit false.
        assert_eq!(w.get(WORD), Some(&serde_json::Value::Bool(false)), "window {} must set \"{WORD}\": false", w["label"]);
    }
}

#[test]
fn no_build_enables_tauris_inspector_feature() {
    for (name, text) in [("Cargo.toml", WORKSPACE_MANIFEST), ("src-tauri/Cargo.toml", APP_MANIFEST), ("Makefile", MAKEFILE)] {
        assert!(!uncommented(text).contains(WORD), "{name} enables the web inspector (the `{WORD}` feature)");
    }
}

/// Every `.rs` file under `dir` (also for `portable.rs`).
pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_code_opens_the_inspector_or_builds_a_window_of_its_own() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.iter().any(|f| f.ends_with("gui.rs")), "gui.rs was not found under {}", src.display());
    // Opening it, or turning it on, on a window; or a window built in code, which does not take the
    // config's setting (it must then set it off itself, and this test must learn to check that).
    let needles = ["open_devtools", ".devtools(", "WebviewWindowBuilder", "WebviewBuilder"];
    for file in files.iter().filter(|f| !f.ends_with("no_inspector.rs")) {
        let text = std::fs::read_to_string(file).expect("a source file");
        for needle in needles {
            assert!(!text.contains(needle), "{} contains `{needle}`: no build a user runs may have a web inspector", file.display());
        }
    }
}

/// The platform files Tauri merges over `tauri.conf.json` on Windows and macOS (and any other
/// `tauri.*.conf.json`): none may bring a window of its own or the inspector back.
#[test]
fn no_platform_config_brings_the_inspector_back() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("src-tauri is readable") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.starts_with("tauri.") && name.ends_with(".conf.json") && name != "tauri.conf.json" {
            seen += 1;
            let text = std::fs::read_to_string(&path).expect("a platform config");
            let config: serde_json::Value = serde_json::from_str(&text).expect("a platform config is JSON");
            assert!(config["app"].get("windows").is_none(), "{name} declares windows: they would replace the ones with the inspector off");
            assert!(!text.contains(WORD), "{name} mentions `{WORD}`");
        }
    }
    assert!(seen >= 2, "the Windows and macOS configs (tauri.windows.conf.json, tauri.macos.conf.json) were not found");
}
