//! `chisanpo guide` as `make guide` runs it: the guide built into a folder from the screenshots
//! the end-to-end tests took, every one it names kept beside it (`make dist` puts that folder
//! into the packages), none it no longer names, and a missing one refused. Read back by pdfinfo.

use std::process::Command;

use chisanpo_core::forms::guide;

mod common;

use common::*;

#[test]
fn the_guide_keeps_the_screenshots_it_names_and_no_other() {
    let env = Env::new();
    let named = guide::shots(&guide::parse(guide::GUIDE));
    assert!(named.len() >= 15, "the guide names {} screenshots", named.len());
    let icon = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/icons/32x32.png")).unwrap();
    let shots = env.tmp.path().join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for name in &named {
        std::fs::write(shots.join(name), &icon).unwrap();
    }
    std::fs::write(shots.join("not-in-the-guide.png"), &icon).unwrap();
    // An earlier build kept a picture the guide has since dropped.
    let out = env.tmp.path().join("guide");
    std::fs::create_dir_all(out.join("shots")).unwrap();
    std::fs::write(out.join("shots/dropped-from-the-guide.png"), &icon).unwrap();

    env.ok(&["guide", "--shots", path(&shots), "--out", path(&out)]);
    let mut kept: Vec<String> = std::fs::read_dir(out.join("shots")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    kept.sort();
    let mut want = named.clone();
    want.sort();
    assert_eq!(kept, want, "the guide's screenshots, and only those");
    assert!(out.join("index.html").is_file());
    let info = Command::new("pdfinfo").arg(out.join("利用の手引き.pdf")).output().expect("pdfinfo (poppler-utils) is needed");
    assert!(info.status.success() && String::from_utf8_lossy(&info.stdout).contains("Pages:"), "{}", String::from_utf8_lossy(&info.stderr));

    // One the guide names is missing: refused, and said which.
    std::fs::remove_file(shots.join(&named[0])).unwrap();
    let failed = env.run(&["guide", "--shots", path(&shots), "--out", path(&out)]);
    assert!(!failed.status.success(), "built without {}", named[0]);
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains(&named[0]) && has_japanese(&err), "{err}");
}
