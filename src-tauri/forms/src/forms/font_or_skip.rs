//! For tests only (the unit tests of `forms`, and `tests/dehint.rs` and `tests/pdf_canvas.rs`
//! through `#[path]`): whether a system font a test needs is installed.

use std::path::Path;

/// Whether the system font at `path` is installed. Without it a test would pass having tested
/// nothing, so under CI (`CI=true`, where `make setup` installs the fonts) its absence is a
/// failure; elsewhere the test is skipped, saying which Debian `package` to install.
pub fn font_or_skip(path: &str, package: &str) -> bool {
    if Path::new(path).exists() {
        return true;
    }
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{path} is absent, and under CI a test must not skip: install {package}");
    eprintln!("SKIPPED: {path} is absent (install {package})");
    false
}
