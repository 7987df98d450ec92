//! Issue 13, finding High 2, the centre's half (ADR 0020): each bundle carries the head of its
//! device's audit chain, the centre keeps the newest per device and echoes it in its receipts.
//!
//! The attack: a laptop's database and its `anchor.json` are both copied back from an older
//! copy, after later writes reached the centre. The pair is consistent, so the laptop alone
//! cannot tell; the centre's receipt tells it, and the centre flags the device when a later
//! bundle's chain is shorter than what it held.

use std::fs;
use std::path::Path;

use chisanpo_core::delivery::FolderTransport;
use chisanpo_core::store::anchor::ANCHOR_FILE;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::*;

/// `n` consultations, each of another worker (a second one in a year would need its fee first).
fn finalise_n(s: &chisanpo_core::store::Store, n: u32, from_day: u32) {
    for d in 0..n {
        let (wp, wk) = worker(s, &format!("{WORKER_A}{}", from_day + d));
        finalised(s, &consultation(s, &wp, &wk, from_day + d, HEALTH));
    }
}

fn copy_files(from: &Path, to: &Path, names: &[&str]) {
    fs::create_dir_all(to).unwrap();
    for n in names {
        let _ = fs::remove_file(to.join(n));
        if from.join(n).exists() {
            fs::copy(from.join(n), to.join(n)).unwrap();
        }
    }
}

#[test]
fn a_device_whose_store_went_back_is_told_by_the_receipt_and_flagged_by_the_centre() {
    let w = world();
    let t = FolderTransport::new(&w.synced());
    let dir = w.root.join("a");
    let a = new_store(&dir, "産業 一郎");
    let req = a.enrol(&w.profile).unwrap();
    w.centre.centre_enrol_device(&req).unwrap();

    // Bundle 1 reaches the centre, and its receipt the device.
    finalise_n(&a, 2, 1);
    a.deliver(&t).unwrap();
    w.centre.centre_import(&t_dir(&w)).unwrap();
    assert_eq!(a.deliver(&t).unwrap().received.len(), 1);
    assert!(a.verify().unwrap().ok);

    // The older copy: the database and its anchor, taken after a clean close.
    drop(a);
    let old = w.root.join("old");
    let files = ["chisanpo.db", "chisanpo.db-wal", ANCHOR_FILE];
    copy_files(&dir, &old, &files);
    let a = open(&dir);

    // Many later writes reach the centre (bundle 2).
    finalise_n(&a, 12, 3);
    a.deliver(&t).unwrap();
    w.centre.centre_import(&t_dir(&w)).unwrap();
    assert_eq!(a.deliver(&t).unwrap().received.len(), 1);
    assert!(a.verify().unwrap().ok, "the centre's echo of the device's own head is no problem");
    drop(a);

    // The attack: both files copied back. On its own the laptop sees nothing wrong.
    let _ = fs::remove_file(dir.join("chisanpo.db-shm"));
    copy_files(&old, &dir, &files);
    let a = open(&dir);
    assert!(a.anchor_problem().is_none(), "the old pair is consistent on its own");
    assert_eq!(a.list_records(&Default::default()).unwrap().len(), 2, "the attack works: twelve records are gone");

    // The next bundle reuses number 2 and arrives late for the centre, which echoes the head it
    // holds (from the lost writes): the laptop now knows.
    finalise_n(&a, 1, 20);
    a.deliver(&t).unwrap();
    let r = w.centre.centre_import(&t_dir(&w)).unwrap();
    assert!(r.devices_flagged.is_empty(), "a bundle number already seen is not compared: {r:?}");
    a.deliver(&t).unwrap();
    let told = a.anchor_problem().expect("the receipt's head is not in the laptop's chain");
    assert!(told.contains("センターが"), "{told}");
    let report = a.verify().unwrap();
    assert!(!report.ok && report.problems.iter().any(|p| p.contains("センターが")), "{report:?}");
    drop(a);
    let a = open(&dir);
    assert!(a.anchor_problem().is_some(), "kept in anchor.json: still reported after a restart");

    // Bundle 3: a later bundle whose chain is shorter than the centre's: the device is flagged,
    // and its versions are still consolidated (nothing is lost by applying).
    finalise_n(&a, 1, 21);
    a.deliver(&t).unwrap();
    let r = w.centre.centre_import(&t_dir(&w)).unwrap();
    assert_eq!(r.devices_flagged, vec![req.device_id.clone()], "{r:?}");
    assert!(r.warnings.iter().any(|m| m.contains("巻き戻って") && m.contains(&req.device_id)), "{r:?}");
    assert!(r.versions_added >= 1, "{r:?}");
    let devices = w.centre.centre_devices().unwrap();
    let flagged = devices.iter().find(|d| d.device_id == req.device_id).unwrap().flagged.clone();
    assert!(flagged.is_some_and(|f| f.contains("chisanpo verify")));
    assert!(w.centre.audit_trail(&req.device_id).unwrap().iter().any(|e| e.detail["delivery"] == "device_chain_went_back"));
    // The whole consolidated set is still there: 2 + 12 + 1 + 1 records.
    assert_eq!(w.centre.consolidated_records().unwrap().len(), 16);

    // The doctor accepts the loss on the laptop (the records are safe at the centre); later
    // receipts echo the laptop's new line and report nothing.
    a.reanchor().unwrap();
    assert!(a.verify().unwrap().ok);
    a.deliver(&t).unwrap();
    assert!(a.anchor_problem().is_none());
    finalise_n(&a, 1, 22);
    a.deliver(&t).unwrap();
    w.centre.centre_import(&t_dir(&w)).unwrap();
    a.deliver(&t).unwrap();
    assert!(a.anchor_problem().is_none() && a.verify().unwrap().ok);
}

fn t_dir(w: &World) -> std::path::PathBuf {
    w.synced()
}
