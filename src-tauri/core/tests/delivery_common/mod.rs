//! Shared by the delivery tests: stores, records, a centre, and a real WebDAV server.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chisanpo_core::delivery::{CentreProfile, BUNDLE_EXTENSION};
use chisanpo_core::domain::{Consultation, ConsultationKind, Date, Place, RecordBody, Requester, Staff, StaffRole, Worker, Workplace};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{KdfParams, Passphrase, Store};

#[cfg(unix)]
pub mod postgres;
pub mod webdav;

pub const PASS: &str = "配送テストのパスフレーズ";
pub const WORKER_A: &str = "鷲尾 ヒカル";
pub const WORKER_B: &str = "東雲 ミドリ";
pub const HEALTH: &str = "左冠動脈の狭窄を疑う所見あり";

pub fn new_store(dir: &Path, name: &str) -> Store {
    let me = Staff { role: Some(StaffRole::Doctor), name: name.into(), affiliation: "さんぽクリニック".into(), ..Default::default() };
    Store::init_with(dir, &Passphrase::new(PASS), &me, KdfParams::MINIMUM).unwrap().0
}

pub fn open(dir: &Path) -> Store {
    Store::open(dir, &Passphrase::new(PASS)).unwrap()
}

/// A device's workplace and worker; returns a consultation body maker.
pub fn worker(s: &Store, name: &str) -> (String, String) {
    let wp = s.add_workplace(&Workplace { name: format!("{name}の職場"), ..Default::default() }).unwrap();
    let w = s.add_worker(&Worker { workplace_id: wp.clone(), name: name.into(), kana: "ワシオ ヒカル".into(), ..Default::default() }).unwrap();
    (wp, w)
}

pub fn consultation(s: &Store, wp: &str, w: &str, day: u32, content: &str) -> RecordBody {
    RecordBody::Consultation(Consultation {
        performed_on: Date::ymd(2025, 6, day),
        place: Some(Place::MedicalInstitution),
        doctor_id: Some(s.actor().id.clone()),
        workplace_id: Some(wp.into()),
        worker_id: Some(w.into()),
        requester: Some(Requester::Worker),
        kinds: vec![ConsultationKind::HealthGuidance],
        content: content.into(),
        ..Default::default()
    })
}

pub fn finalised(s: &Store, body: &RecordBody) -> String {
    let id = s.create_record(body).unwrap();
    s.finalise(&id).unwrap();
    id
}

pub fn with_content(body: &RecordBody, content: &str) -> RecordBody {
    let RecordBody::Consultation(c) = body else { unreachable!() };
    RecordBody::Consultation(Consultation { content: content.into(), ..c.clone() })
}

/// Every (record id, version) a device has finalised.
pub fn pairs(s: &Store) -> BTreeSet<(String, u32)> {
    let mut out = BTreeSet::new();
    for r in s.list_records(&Default::default()).unwrap() {
        for v in s.history(&r.id).unwrap() {
            out.insert((r.id.clone(), v.version));
        }
    }
    out
}

pub fn consolidated_pairs(c: &Store) -> BTreeSet<(String, u32)> {
    c.consolidated_records().unwrap().into_iter().flat_map(|r| r.versions.into_iter().map(move |v| (r.id.clone(), v))).collect()
}

pub fn bundles_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == BUNDLE_EXTENSION)).collect();
    v.sort();
    v
}

/// The bundle `seq` of `device` in `dir` (its name also carries the start of its hash).
pub fn bundle_file(dir: &Path, device: &str, seq: u64) -> PathBuf {
    bundles_in(dir)
        .into_iter()
        .find(|p| chisanpo_core::delivery::bundle::parse_name(&p.file_name().unwrap().to_string_lossy()).is_some_and(|n| n.device_id == device && n.seq == seq))
        .unwrap_or_else(|| panic!("no bundle {seq} of {device} in {}", dir.display()))
}

/// Copy a bundle and its hash file into `to`, optionally under another name.
pub fn copy_bundle(b: &Path, to: &Path, name: Option<&str>) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    let name = name.map(str::to_string).unwrap_or_else(|| b.file_name().unwrap().to_string_lossy().into_owned());
    let target = to.join(&name);
    std::fs::copy(b, &target).unwrap();
    std::fs::copy(sidecar(b), sidecar(&target)).unwrap();
    target
}

pub fn sidecar(b: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sha256", b.display()))
}

pub fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

pub struct World {
    pub _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub centre: Store,
    pub profile: CentreProfile,
}

impl World {
    /// The folder the laptops deliver to (a synced folder), created if missing.
    pub fn synced(&self) -> PathBuf {
        let folder = self.root.join("synced");
        std::fs::create_dir_all(&folder).unwrap();
        folder
    }
}

pub fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let centre = new_store(&root.join("centre"), "統括 花子");
    let profile = centre.centre_init("北部地域産業保健センター", None).unwrap();
    World { _tmp: tmp, root, centre, profile }
}

/// Two laptops, B a copy of A (restored from its backup) made after A finalised one
/// consultation, neither enrolled yet. Returns (a, b, the record's id, its body).
pub fn twin_laptops(w: &World) -> (Store, Store, String, RecordBody) {
    let a_dir = w.root.join("a");
    let a = new_store(&a_dir, "産業 一郎");
    let (wp, wk) = worker(&a, WORKER_A);
    let body = consultation(&a, &wp, &wk, 10, HEALTH);
    let id = finalised(&a, &body);
    drop(a);
    let b_dir = w.root.join("b");
    std::fs::create_dir_all(&b_dir).unwrap();
    for f in std::fs::read_dir(&a_dir).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, b_dir.join(f.file_name().unwrap())).unwrap();
    }
    (open(&a_dir), open(&b_dir), id, body)
}
