//! `chisanpo guide`: the 利用の手引き built into a folder, as a PDF and an HTML page with its
//! screenshots beside it. A thin adapter over `forms::guide`; `make guide` runs it after the
//! end-to-end tests have taken the screenshots.

use std::path::Path;

use chisanpo_core::forms::fonts::FontSet;
use chisanpo_core::forms::guide;
use chisanpo_core::store::atomic;
use chisanpo_core::{Error, Result};

use crate::cli::line;

/// The PDF's file name in the output folder.
pub const PDF_NAME: &str = "利用の手引き.pdf";

pub fn build(shots: &Path, out: &Path) -> Result<()> {
    let blocks = guide::parse(guide::GUIDE);
    let read = |name: &str| std::fs::read(shots.join(name)).ok();
    let pdf = guide::pdf(&blocks, &FontSet::embedded()?, &read)?;
    let dir_error = || Error::DirNotWritable { dir: out.display().to_string() };
    std::fs::create_dir_all(out.join("shots")).map_err(|_| dir_error())?;
    let named = guide::shots(&blocks);
    // A picture the guide no longer names would go into the packages (`make dist`) unseen.
    for entry in std::fs::read_dir(out.join("shots")).map_err(|_| dir_error())?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".png") && !named.contains(&name) {
            std::fs::remove_file(entry.path()).map_err(|_| dir_error())?;
        }
    }
    for name in named {
        let bytes = read(&name).ok_or_else(|| Error::File { path: shots.join(&name).display().to_string(), source: None })?;
        atomic::write_file(&out.join("shots").join(&name), &bytes)?;
    }
    atomic::write_file(&out.join("index.html"), guide::html(&blocks).as_bytes())?;
    atomic::write_file(&out.join(PDF_NAME), &pdf)?;
    line(format!("利用の手引きを作りました: {}（{} KB）と index.html", out.join(PDF_NAME).display(), pdf.len() / 1024));
    Ok(())
}
