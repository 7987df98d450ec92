//! ヘルプ: the 利用の手引き shown in the window (its text, and its screenshots where this machine
//! has them), and as a PDF in the print spool to open in the viewer. Thin adapters over
//! `forms::guide`.

use std::path::{Path, PathBuf};

use base64::Engine;
use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::guide::{self, Block};
use chisanpo_core::store::atomic;
use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::{blocking, AppState, IpcResult};

/// One block of the guide as the help screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum GuideBlock {
    Title {
        text: String,
    },
    Heading {
        text: String,
    },
    Paragraph {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    /// A screenshot, as a base64 PNG for a `data:` image (the CSP allows those only), or `None`
    /// where this machine has no screenshots (an installed app: the guide built with the release,
    /// `make guide`, has them).
    Shot {
        caption: String,
        png_base64: Option<String>,
    },
}

/// Where the package puts the guide's screenshots, under the program's resources
/// (`/usr/lib/chisanpo/guide/shots` from the .deb and .rpm): `make dist` bundles those `make guide`
/// kept from the end-to-end run the package was built after.
const BUNDLED_SHOTS: &str = "guide/shots";

/// Where the screenshots are: `CHISANPO_GUIDE_SHOTS`; else the package's own (`resources`, the
/// program's resource folder); else, in a debug build run from the checkout, its
/// `artifacts/screenshots` (the end-to-end tests' of this build). A release build never looks at
/// the folder it was built in.
fn shots_dir(resources: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CHISANPO_GUIDE_SHOTS") {
        return Some(PathBuf::from(dir));
    }
    if let Some(bundled) = resources.map(|r| r.join(BUNDLED_SHOTS)).filter(|d| d.is_dir()) {
        return Some(bundled);
    }
    #[cfg(debug_assertions)]
    {
        let checkout = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../artifacts/screenshots"));
        if checkout.is_dir() {
            return Some(checkout);
        }
    }
    None
}

/// The largest screenshot shown (a full-window PNG is well under 1 MB).
const SHOT_LIMIT: u64 = 8 * 1024 * 1024;

/// Whether `name` is one the guide can give: `foundation-home.png`, never a path.
fn is_shot_name(name: &str) -> bool {
    name.strip_suffix(".png").is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
}

fn read_shot(dir: Option<&Path>, name: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    if !is_shot_name(name) {
        return None;
    }
    let file = std::fs::File::open(dir?.join(name)).ok()?;
    // The size of the file opened, not of whatever the name points to a moment later; and never
    // more than the limit read, whatever it grows to meanwhile.
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(SHOT_LIMIT + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= SHOT_LIMIT).then_some(bytes)
}

/// The screenshots' folder for this run of the app.
fn app_shots(app: &AppHandle) -> Option<PathBuf> {
    shots_dir(app.path().resource_dir().ok().as_deref())
}

#[tauri::command]
pub async fn guide_page(app: AppHandle) -> IpcResult<Vec<GuideBlock>> {
    let dir = app_shots(&app);
    blocking(move || {
        Ok(guide::parse(guide::GUIDE)
            .into_iter()
            .map(|b| match b {
                Block::Title(text) => GuideBlock::Title { text },
                Block::Heading(text) => GuideBlock::Heading { text },
                Block::Paragraph(text) => GuideBlock::Paragraph { text },
                Block::List(items) => GuideBlock::List { items },
                Block::Shot { file, caption } => {
                    GuideBlock::Shot { caption, png_base64: read_shot(dir.as_deref(), &file).map(|b| base64::engine::general_purpose::STANDARD.encode(b)) }
                }
            })
            .collect())
    })
    .await
}

/// The guide as a PDF in the print spool, for `open_file`. Returns its path.
#[tauri::command]
pub async fn guide_pdf(app: AppHandle, state: State<'_, AppState>) -> IpcResult<String> {
    state.store()?;
    let spool = state.spool();
    let dir = app_shots(&app);
    blocking(move || {
        let read = |name: &str| read_shot(dir.as_deref(), name);
        let pdf = guide::pdf_without_missing_shots(&guide::parse(guide::GUIDE), &FontSet::embedded()?, &read)?;
        let path = spool.new_path("利用の手引き.pdf")?;
        atomic::write_file(&path, &pdf)?;
        Ok(path.display().to_string())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::{is_shot_name, read_shot, shots_dir, BUNDLED_SHOTS};

    /// The installed app reads the screenshots its package carries, under its resource folder,
    /// and nothing where the package has none.
    #[test]
    fn the_packages_screenshots_are_read_from_its_resources() {
        assert!(std::env::var_os("CHISANPO_GUIDE_SHOTS").is_none(), "the test sets its own folders");
        let resources = tempfile::tempdir().unwrap();
        let shots = resources.path().join(BUNDLED_SHOTS);
        std::fs::create_dir_all(&shots).unwrap();
        std::fs::write(shots.join("foundation-home.png"), b"png").unwrap();
        let dir = shots_dir(Some(resources.path()));
        assert_eq!(dir.as_deref(), Some(shots.as_path()));
        assert_eq!(read_shot(dir.as_deref(), "foundation-home.png").as_deref(), Some(&b"png"[..]));
        assert_eq!(read_shot(dir.as_deref(), "missing.png"), None);
        let bare = tempfile::tempdir().unwrap();
        assert_ne!(shots_dir(Some(bare.path())).as_deref(), Some(bare.path().join(BUNDLED_SHOTS).as_path()));
        assert_eq!(read_shot(None, "foundation-home.png"), None);
    }

    #[test]
    fn only_the_guides_picture_names_are_read() {
        for ok in ["foundation-home.png", "interview-1-request.png", "a.png"] {
            assert!(is_shot_name(ok), "{ok}");
        }
        for bad in ["../secret.png", "/etc/passwd", "a/b.png", "a\\b.png", ".png", "Home.png", "home.PNG", "home.png.txt", "..png", "ホーム.png"] {
            assert!(!is_shot_name(bad), "{bad}");
        }
    }
}
