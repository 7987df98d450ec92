//! Delivery through a real WebDAV server on 127.0.0.1 (`rclone serve webdav`, started by the
//! tests) and through a folder, with real encrypted stores: two devices and a centre, bundles
//! reordered and sent twice, receipts back to the devices; the network cut in the middle of a
//! delivery and resumed, delivered exactly once; a bundle the server refuses set aside while the
//! others flow; the centre's key rotated and a damaged copy sent again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chisanpo_core::delivery::transport::TransportResult;
use chisanpo_core::delivery::{FailureKind, FolderTransport, Schedule, Transport, WebDavTransport};
use chisanpo_core::Error;

mod delivery_common;
use chisanpo_core::prelude::*;
use delivery_common::webdav::{WebDavServer, PASSWORD, USER};
use delivery_common::*;

fn dav(server: &WebDavServer) -> WebDavTransport {
    WebDavTransport::new(&server.url(), Some(USER), Some(PASSWORD)).unwrap()
}

/// A device enrolled at the world's centre.
fn device(w: &World, name: &str) -> chisanpo_core::store::Store {
    let s = new_store(&w.root.join(name), name);
    let req = s.enrol(&w.profile).unwrap();
    assert!(w.centre.centre_enrol_device(&req).unwrap());
    s
}

/// `n` finalised consultations, one worker each.
fn records(s: &chisanpo_core::store::Store, n: usize, tag: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            let (wp, wk) = worker(s, &format!("{WORKER_A}{tag}{i}"));
            finalised(s, &consultation(s, &wp, &wk, 1 + (i % 28) as u32, HEALTH))
        })
        .collect()
}

fn total_versions(c: &chisanpo_core::store::Store) -> usize {
    c.consolidated_records().unwrap().iter().map(|r| r.versions.len()).sum()
}

#[test]
fn two_devices_deliver_through_webdav_and_a_folder_reordered_and_twice_and_get_receipts() {
    let w = world();
    let server = WebDavServer::start(&w.root.join("dav"));
    let folder = w.synced();
    let a = device(&w, "a");
    let b = device(&w, "b");

    // Device A, over WebDAV: two records, then an amendment of the first (a second bundle).
    let (wp, wk) = worker(&a, WORKER_A);
    let body = consultation(&a, &wp, &wk, 10, HEALTH);
    let a1 = finalised(&a, &body);
    records(&a, 1, "a");
    let r = a.deliver(&dav(&server)).unwrap();
    assert_eq!((r.bundles_sent.len(), r.entries_sent), (1, 2), "{r:?}");
    a.amend(&a1, &with_content(&body, "紹介状を作成"), "追記").unwrap();
    a.deliver(&dav(&server)).unwrap();
    // Device B, through the folder: two bundles.
    records(&b, 2, "b");
    b.deliver(&FolderTransport::new(&folder)).unwrap();
    records(&b, 1, "b2");
    b.deliver(&FolderTransport::new(&folder)).unwrap();

    // Nothing readable on the server.
    for e in std::fs::read_dir(server.dir()).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        assert!(!contains(&bytes, WORKER_A) && !contains(&bytes, HEALTH), "plaintext on the server");
    }

    // Reordered: A's first bundle is held back, so its amendment (version 2) arrives first.
    let held = w.root.join("held");
    std::fs::create_dir_all(&held).unwrap();
    let first = bundles_in(&server.dir()).remove(0);
    for p in [first.clone(), sidecar(&first)] {
        std::fs::rename(&p, held.join(p.file_name().unwrap())).unwrap();
    }
    let r = w.centre.centre_import_from(&dav(&server)).unwrap();
    assert_eq!((r.bundles_applied.len(), r.versions_added), (1, 1), "{r:?}");
    assert_eq!(r.receipts_written, 1);
    // Then it comes, and B's first bundle is sent a second time, through WebDAV too.
    for p in std::fs::read_dir(&held).unwrap() {
        let p = p.unwrap().path();
        std::fs::rename(&p, server.dir().join(p.file_name().unwrap())).unwrap();
    }
    copy_bundle(&bundles_in(&folder)[0], &server.dir(), None);
    let r = w.centre.centre_import_from(&dav(&server)).unwrap();
    assert_eq!(r.bundles_applied.len(), 2, "{r:?}");
    let r = w.centre.centre_import(&folder).unwrap();
    assert_eq!((r.bundles_applied.len(), r.bundles_already_applied), (1, 1), "{r:?}");
    assert_eq!(r.versions_already_present, 0, "{r:?}");
    // Once more from both: nothing changes.
    let again = w.centre.centre_import_from(&dav(&server)).unwrap();
    assert!(again.bundles_applied.is_empty() && again.versions_added == 0, "{again:?}");

    // The consolidated ledger is the union of both devices' finalised (record, version) pairs.
    let union: std::collections::BTreeSet<_> = pairs(&a).union(&pairs(&b)).cloned().collect();
    assert_eq!(consolidated_pairs(&w.centre), union);
    assert_eq!(total_versions(&w.centre), union.len(), "no version twice");
    assert_eq!(union.len(), 6);

    // Receipts: the next pass of each device marks what reached the centre.
    let ra = a.deliver(&dav(&server)).unwrap();
    assert_eq!(ra.received.len(), 2, "{ra:?}");
    let rb = b.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(rb.received.len(), 2, "{rb:?}");
    let o = a.delivery_overview(chrono::Utc::now()).unwrap();
    assert_eq!((o.waiting, o.unconfirmed, o.received, o.quarantined, o.overdue), (0, 0, 3, 0, 0), "{o:?}");
    assert!(o.receipts && o.last_delivery_at.is_some());

    // A receipt not signed by the centre is not believed.
    let forged = chisanpo_core::delivery::receipt::sign(
        &chisanpo_core::delivery::receipt::Receipt {
            format: 1,
            centre_id: w.profile.centre_id.clone(),
            device_id: a.device_id().unwrap().unwrap(),
            bundle: "x".into(),
            sha256: "y".into(),
            outcome: "applied".into(),
            code: None,
            reason: None,
            at: "2030-01-01T00:00:00.000Z".into(),
            anchor: None,
        },
        &chisanpo_core::delivery::keys::DeviceKey::generate(),
        false,
    );
    assert!(chisanpo_core::delivery::receipt::open(&forged, w.profile.receipt_key.as_deref().unwrap(), false).is_none());

    // Wrong credentials: a clear message, and the pass stops without setting anything aside.
    records(&a, 1, "late");
    let wrong = WebDavTransport::new(&server.url(), Some(USER), Some("wrong")).unwrap();
    let err = a.deliver(&wrong).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("認証") && m.contains("アプリパスワード")), "{err}");
    assert_eq!(a.outbox().unwrap().overview.quarantined, 0);
    assert_eq!(a.deliver(&dav(&server)).unwrap().entries_sent, 1);
}

#[test]
fn a_server_certificate_nobody_trusts_is_a_setting_to_fix_not_a_network_away() {
    let w = world();
    let server = WebDavServer::start_self_signed(&w.root.join("dav-tls"));
    assert!(server.url().starts_with("https://"));
    let a = device(&w, "a");
    records(&a, 1, "x");
    let err = a.deliver(&dav(&server)).unwrap_err();
    assert!(matches!(&err, Error::Delivery { message: m, .. } if m.contains("証明書") && m.contains("URL")), "{err}");
    let e = dav(&server).put("probe.txt", b"1").unwrap_err();
    assert_eq!(e.kind, FailureKind::Setup, "{}", e.message);
    let o = a.outbox().unwrap().overview;
    assert_eq!((o.quarantined, o.waiting), (0, 1), "nothing set aside, the record still waits: {o:?}");
    assert!(!std::fs::read_dir(w.root.join("dav-tls")).unwrap().any(|e| e.unwrap().file_name() == "chisanpo"), "nothing reached the server");
}

/// A transport that cuts the network (kills the server) when the n-th file is about to go.
struct CutAt<'a> {
    inner: WebDavTransport,
    server: &'a Mutex<WebDavServer>,
    at: usize,
    puts: AtomicUsize,
}

impl Transport for CutAt<'_> {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn put(&self, name: &str, bytes: &[u8]) -> TransportResult<()> {
        if self.puts.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
            self.server.lock().unwrap().stop();
        }
        self.inner.put(name, bytes)
    }
    fn get(&self, name: &str) -> TransportResult<Option<Vec<u8>>> {
        self.inner.get(name)
    }
    fn list(&self, extension: &str) -> TransportResult<Vec<String>> {
        self.inner.list(extension)
    }
}

#[test]
fn the_network_cut_mid_delivery_then_back_delivers_everything_exactly_once() {
    let w = world();
    let server = Mutex::new(WebDavServer::start(&w.root.join("dav")));
    let url = server.lock().unwrap().url();
    let t = || WebDavTransport::new(&url, Some(USER), Some(PASSWORD)).unwrap();
    let a = device(&w, "a");
    // Three bundles.
    for tag in ["x", "y", "z"] {
        records(&a, 3, tag);
        assert_eq!(a.make_bundles().unwrap(), 1);
    }
    let names: Vec<String> =
        a.outbox().unwrap().entries.iter().filter_map(|e| e.bundle.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    assert_eq!(names.len(), 3);

    // The server goes away as the second bundle starts (bundle 1 and its hash went through).
    let cut = CutAt { inner: t(), server: &server, at: 3, puts: AtomicUsize::new(0) };
    let err = a.deliver(&cut).unwrap_err();
    assert!(err.to_string().contains("接続できません") && err.to_string().contains("自動で送ります"), "{err}");
    let st = a.outbox().unwrap();
    assert_eq!((st.sent, st.overview.waiting, st.overview.quarantined), (3, 6, 0), "nothing set aside for being offline");
    assert_eq!(a.delivery_state().unwrap().failures, 1);
    // An upload cut short leaves half a file, without its hash, on the server.
    let dir = server.lock().unwrap().dir();
    let whole = a.read_bundle_bytes(&names[1]).unwrap().unwrap();
    std::fs::write(dir.join(&names[1]), &whole[..whole.len() / 2]).unwrap();

    // Backoff: the next pass is not due at once, and nobody has to press anything.
    let schedule = Schedule { base: Duration::from_secs(30), cap: Duration::from_secs(120), poll: Duration::from_secs(60) };
    let now = chrono::Utc::now();
    let next = a.delivery_next_at(&schedule, now).unwrap().unwrap();
    assert!(next > now + chrono::Duration::seconds(20), "{next} {now}");
    assert!(a.delivery_tick(&schedule, now, &t()).unwrap().is_none(), "not due yet");
    // Offline, the centre cannot import either; nothing is half-applied.
    assert!(w.centre.centre_import_from(&t()).unwrap_err().to_string().contains("接続できません"));

    // Back online: the centre takes bundle 1; the half file has no hash yet and waits.
    server.lock().unwrap().restart();
    let r = w.centre.centre_import_from(&t()).unwrap();
    assert_eq!((r.bundles_applied.len(), r.incomplete.len()), (1, 1), "{r:?}");
    // The device's next scheduled pass sends 2 and 3 (the half file is replaced) and reads
    // the receipt of 1.
    let r = a.delivery_tick(&schedule, next, &t()).unwrap().expect("due after the backoff");
    assert_eq!((r.bundles_sent.clone(), r.received.len(), r.stopped.clone()), (names[1..].to_vec(), 1, None), "{r:?}");
    assert_eq!(a.delivery_state().unwrap().failures, 0);
    assert_eq!(std::fs::read(dir.join(&names[1])).unwrap(), whole);
    let r = w.centre.centre_import_from(&t()).unwrap();
    assert_eq!((r.bundles_applied.len(), r.versions_already_present), (2, 0), "{r:?}");

    assert_eq!(consolidated_pairs(&w.centre), pairs(&a));
    assert_eq!(total_versions(&w.centre), 9, "every version exactly once");
    a.deliver(&t()).unwrap();
    let o = a.delivery_overview(chrono::Utc::now()).unwrap();
    assert_eq!((o.waiting, o.unconfirmed, o.received), (0, 0, 9), "{o:?}");
}

#[test]
fn a_bundle_the_server_refuses_is_set_aside_and_the_others_flow() {
    let w = world();
    let server = WebDavServer::start(&w.root.join("dav"));
    let a = device(&w, "a");
    for tag in ["x", "y", "z"] {
        records(&a, 2, tag);
        a.make_bundles().unwrap();
    }
    // Bundle 2 cannot be written: a folder of its name is in the way on the server.
    let names: std::collections::BTreeSet<String> = a.outbox().unwrap().entries.iter().filter_map(|e| e.bundle.clone()).collect();
    let name2 = names.iter().nth(1).unwrap().clone();
    assert!(name2.starts_with(&format!("{}-00000002-", a.device_id().unwrap().unwrap())), "{name2}");
    std::fs::create_dir_all(server.dir().join(&name2)).unwrap();
    for attempt in 1..=3 {
        let r = a.deliver_pass(&dav(&server)).unwrap();
        assert_eq!(r.stopped, None, "one file's failure does not stop the pass");
        if attempt == 1 {
            assert_eq!(r.bundles_sent.len(), 2, "1 and 3 go on: {r:?}");
        }
        assert_eq!(r.quarantined.len(), usize::from(attempt == 3), "set aside after the third try: {r:?}");
    }
    let o = a.delivery_overview(chrono::Utc::now()).unwrap();
    assert_eq!((o.waiting, o.quarantined), (0, 2), "{o:?}");
    assert_eq!(o.held.len(), 1);
    assert_eq!(o.held[0].held_by, "device");
    assert!(o.held[0].reason.contains("保留") && o.held[0].reason.contains("同じ名前のフォルダ"), "{:?}", o.held);
    assert_eq!(a.deliver_pass(&dav(&server)).unwrap().bundles_sent.len(), 0, "a held bundle is not retried by itself");

    // The cause removed, the user puts it back in the queue; it goes, once.
    std::fs::remove_dir(server.dir().join(&name2)).unwrap();
    assert_eq!(a.release_held_bundles().unwrap(), 1);
    assert_eq!(a.deliver(&dav(&server)).unwrap().bundles_sent, vec![name2]);
    let r = w.centre.centre_import_from(&dav(&server)).unwrap();
    assert_eq!((r.bundles_applied.len(), r.versions_added), (3, 6), "{r:?}");
    assert_eq!(consolidated_pairs(&w.centre), pairs(&a));
}

#[test]
fn after_the_centre_rotates_its_key_old_and_new_bundles_import_and_a_damaged_copy_is_sent_again() {
    let w = world();
    let folder = w.synced();
    let t = FolderTransport::new(&folder);
    let a = device(&w, "a");
    records(&a, 2, "old");
    a.deliver(&t).unwrap();

    // The centre rotates its key; the device enrols again with the new profile.
    let new_profile = w.centre.centre_rotate_key(None).unwrap();
    assert_ne!(new_profile.recipient, w.profile.recipient);
    assert_eq!(new_profile.centre_id, w.profile.centre_id);
    let again = a.enrol(&new_profile).unwrap();
    assert_eq!(again.device_id, a.device_id().unwrap().unwrap(), "same device, same id");
    assert!(!w.centre.centre_enrol_device(&again).unwrap(), "already on the centre's list");
    // A forged profile with the centre's (public) id, or the real one altered, is refused:
    // bundles must not go to another key or endpoint.
    let attacker = world();
    let forged = chisanpo_core::delivery::CentreProfile { centre_id: w.profile.centre_id.clone(), ..attacker.profile.clone() };
    assert!(matches!(a.enrol(&forged), Err(Error::Delivery { message: m, .. }) if m.contains("署名")));
    let altered = chisanpo_core::delivery::CentreProfile { endpoint: Some("https://evil.example.jp/dav/".into()), ..new_profile.clone() };
    assert!(matches!(a.enrol(&altered), Err(Error::Delivery { message: m, .. }) if m.contains("署名")));
    assert_eq!(a.centre_profile().unwrap().unwrap(), new_profile, "the registration stays as it was");
    records(&a, 1, "new");
    a.deliver(&t).unwrap();

    // The second bundle arrives damaged at the centre (its hash file is whole).
    let second = bundles_in(&folder).remove(1);
    let whole = std::fs::read(&second).unwrap();
    std::fs::write(&second, &whole[..whole.len() - 7]).unwrap();
    let r = w.centre.centre_import(&folder).unwrap();
    assert_eq!(r.bundles_applied.len(), 1, "the bundle made for the old key opens: {r:?}");
    assert_eq!(r.quarantined.len(), 1, "{r:?}");
    assert_eq!(r.receipts_written, 2);

    // The device reads the receipts: one received, one damaged and sent again by itself.
    let r = a.deliver_pass(&t).unwrap();
    assert_eq!((r.received.len(), r.resent.len(), r.bundles_sent.len()), (1, 1, 1), "{r:?}");
    assert_eq!(std::fs::read(&second).unwrap(), whole);
    let r = w.centre.centre_import(&folder).unwrap();
    assert_eq!(r.bundles_applied.len(), 1, "{r:?}");
    let r = a.deliver_pass(&t).unwrap();
    assert_eq!((r.received.len(), r.resent.len()), (1, 0), "{r:?}");
    assert_eq!(consolidated_pairs(&w.centre), pairs(&a));
    assert_eq!(total_versions(&w.centre), 3);
    let o = a.delivery_overview(chrono::Utc::now()).unwrap();
    assert_eq!((o.unconfirmed, o.received, o.held.len()), (0, 3, 0), "{o:?}");
}

#[test]
fn something_finalised_long_ago_and_not_delivered_is_overdue() {
    let w = world();
    let a = device(&w, "a");
    records(&a, 2, "x");
    let now = chrono::Utc::now();
    assert_eq!(a.delivery_overview(now).unwrap().overdue, 0);
    let later = now + chrono::Duration::days(8);
    let o = a.delivery_overview(later).unwrap();
    assert_eq!(o.overdue, 2, "{o:?}");
    assert!(o.oldest_overdue_at.is_some());
    // Sent but not confirmed by the centre still counts; confirmed does not.
    let folder = w.root.join("f");
    std::fs::create_dir_all(&folder).unwrap();
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(a.delivery_overview(later).unwrap().overdue, 2);
    w.centre.centre_import(&folder).unwrap();
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(a.delivery_overview(later).unwrap().overdue, 0);
    assert_eq!(FailureKind::Unreachable, FolderTransport::new(&w.root.join("gone")).put("x", b"1").unwrap_err().kind);
}

#[test]
fn a_new_destination_gets_what_the_old_one_never_confirmed_and_never_the_old_password() {
    use chisanpo_core::delivery::DeliveryTarget;
    let w = world();
    let server = WebDavServer::start(&w.root.join("dav"));
    let a = device(&w, "a");
    records(&a, 2, "x");
    let dav_target = DeliveryTarget::WebDav { url: server.url(), user: Some(USER.into()) };
    a.set_delivery_target(&dav_target, Some(PASSWORD)).unwrap();
    assert!(a.has_delivery_password().unwrap());
    a.deliver(a.delivery_transport().unwrap().unwrap().as_ref()).unwrap();
    // The centre never imported from the server; the laptop moves to a synced folder.
    let folder = w.synced();
    a.set_delivery_target(&DeliveryTarget::Folder { path: folder.display().to_string() }, None).unwrap();
    assert!(!a.has_delivery_password().unwrap(), "the password is forgotten with its server");
    let r = a.deliver(a.delivery_transport().unwrap().unwrap().as_ref()).unwrap();
    assert_eq!(r.entries_sent, 2, "sent again to the new destination: {r:?}");
    let imp = w.centre.centre_import(&folder).unwrap();
    assert_eq!(imp.versions_added, 2);
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    assert_eq!(a.delivery_overview(chrono::Utc::now()).unwrap().received, 2);
}

#[test]
fn any_file_name_is_one_file_inside_the_collection_and_nothing_outside_it_is_listed() {
    let w = world();
    let server = WebDavServer::start(&w.root.join("dav"));
    let t = dav(&server);
    // A name with a space, Japanese, an escaped slash, dots, '#' and '?' goes as one file.
    let odd = "受領 あ%2F..%あ#?.chisanpo-bundle";
    t.put(odd, b"odd").unwrap();
    assert_eq!(std::fs::read(server.dir().join(odd)).unwrap(), b"odd", "one file, its name as given, inside the collection");
    // What is beside or below the collection is not ours.
    std::fs::create_dir_all(server.dir().join("sub")).unwrap();
    std::fs::write(server.dir().join("sub").join("inner.chisanpo-bundle"), b"x").unwrap();
    std::fs::create_dir_all(w.root.join("dav").join("other-centre")).unwrap();
    std::fs::write(w.root.join("dav").join("other-centre").join("outer.chisanpo-bundle"), b"x").unwrap();
    std::fs::write(w.root.join("dav").join("root.chisanpo-bundle"), b"x").unwrap();
    assert_eq!(t.list("chisanpo-bundle").unwrap(), vec![odd.to_string()]);
    assert_eq!(t.get(odd).unwrap().as_deref(), Some(&b"odd"[..]));
    // A name is never a path, upwards or downwards (servers decode an escaped slash).
    for path in ["../root.chisanpo-bundle", "sub/inner.chisanpo-bundle", "..", "."] {
        assert_eq!(t.get(path).unwrap_err().kind, FailureKind::ThisFile, "{path}");
        assert_eq!(t.put(path, b"evil").unwrap_err().kind, FailureKind::ThisFile, "{path}");
    }
    assert_eq!(std::fs::read(w.root.join("dav").join("root.chisanpo-bundle")).unwrap(), b"x");
    assert_eq!(std::fs::read(server.dir().join("sub").join("inner.chisanpo-bundle")).unwrap(), b"x");
}

#[test]
fn a_file_larger_than_a_bundle_on_the_server_is_skipped_by_name_and_the_others_import() {
    let w = world();
    let server = WebDavServer::start(&w.root.join("dav"));
    let a = device(&w, "a");
    records(&a, 1, "x");
    a.deliver(&dav(&server)).unwrap();
    // Something (a rogue device, a broken sync) puts a huge "bundle" with a matching hash file.
    let cap: u64 = 64 * 1024;
    let huge = format!("{}-00000099-0123456789abcdef.chisanpo-bundle", a.device_id().unwrap().unwrap());
    let bytes = vec![b'z'; cap as usize + 1];
    std::fs::write(server.dir().join(&huge), &bytes).unwrap();
    std::fs::write(server.dir().join(format!("{huge}.sha256")), chisanpo_core::store::audit::sha256_hex(&bytes)).unwrap();
    let t = dav(&server).with_max_bytes(cap);
    let e = t.get(&huge).unwrap_err();
    assert_eq!(e.kind, FailureKind::ThisFile);
    assert!(e.message.contains(&huge) && e.message.contains("大きすぎる") && !e.message.contains("zzz"), "{}", e.message);
    let r = w.centre.centre_import_from(&t).unwrap();
    assert_eq!(r.bundles_applied.len(), 1, "the real bundle still imports: {r:?}");
    assert!(r.quarantined.is_empty(), "{r:?}");
    assert!(r.warnings.iter().any(|m| m.contains(&huge) && m.contains("大きすぎる")), "{:?}", r.warnings);
    assert_eq!(consolidated_pairs(&w.centre), pairs(&a));
}

#[test]
fn many_large_versions_go_in_bundles_no_reader_refuses() {
    let w = world();
    let folder = w.synced();
    let a = device(&w, "a");
    let (wp, wk) = worker(&a, WORKER_A);
    // 60 KB of text per version, 270 versions: more than one bundle may hold (16 MB).
    let text = |i: usize| format!("{}{i:05}", "あ".repeat(19_990));
    let body = consultation(&a, &wp, &wk, 10, &text(0));
    let id = finalised(&a, &body);
    for i in 1..270 {
        a.amend(&id, &with_content(&body, &text(i)), "追記").unwrap();
    }
    assert_eq!(a.make_bundles().unwrap(), 2, "split by size, not only by count");
    let names: std::collections::BTreeSet<String> = a.outbox().unwrap().entries.iter().filter_map(|e| e.bundle.clone()).collect();
    for n in &names {
        let len = a.read_bundle_bytes(n).unwrap().unwrap().len() as u64;
        assert!(len <= chisanpo_core::delivery::bundle::MAX_FILE_BYTES, "{n}: {len}");
    }
    a.deliver(&FolderTransport::new(&folder)).unwrap();
    let r = w.centre.centre_import(&folder).unwrap();
    assert_eq!((r.bundles_applied.len(), r.versions_added), (2, 270), "{r:?}");
    assert_eq!(consolidated_pairs(&w.centre), pairs(&a));
}
