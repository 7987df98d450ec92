//! The delivery commands of the real binary: a centre and a device, each with its own
//! encrypted store: `centre init`, `enrol`, `centre enrol-device`, `deliver --to-folder`,
//! `outbox --json`, `centre import --from`, and the centre's `list --json`.

use serde_json::Value;

mod common;

use common::*;

#[test]
fn a_device_delivers_through_a_folder_and_the_centre_lists_what_it_imported() {
    let centre = Env::new();
    centre.init();
    let profile = centre.tmp.path().join("centre-profile.json");
    let out = centre.ok(&["centre", "init", "--name", "北部地域産業保健センター", "--out", path(&profile)]);
    assert!(out.contains("プロファイル"), "{out}");
    let p: Value = serde_json::from_str(&std::fs::read_to_string(&profile).unwrap()).unwrap();
    assert!(p["recipient"].as_str().unwrap().starts_with("age1"), "{p}");
    assert!(!std::fs::read_to_string(&profile).unwrap().contains("SECRET"), "the profile holds only the public key");

    let device = Env::new();
    let (wp, worker, doctor) = populated(&device);
    let before = device.add("consultation", &consultation(&wp, &worker, &doctor, HEALTH));
    device.ok(&["finalize", &before]);
    let not_enrolled = device.run(&["deliver", "--to-folder", path(device.tmp.path())]);
    assert!(!not_enrolled.status.success());
    let msg = String::from_utf8_lossy(&not_enrolled.stderr);
    assert!(msg.contains("chisanpo enrol") && has_japanese(&msg), "{msg}");

    let request = device.tmp.path().join("request.json");
    let req: Value = serde_json::from_str(&device.ok(&["enrol", "--profile", path(&profile), "--out", path(&request)])).unwrap();
    let device_id = req["device_id"].as_str().unwrap().to_string();
    assert_uuid(&device_id);
    // Another worker: a second visit by the same worker in a fiscal year would be charged.
    let other = device.add("worker", &serde_json::json!({ "workplace_id": wp, "name": "鷲尾 ツバサ", "kana": "ワシオ ツバサ" }));
    let after = device.add("consultation", &consultation(&wp, &other, &doctor, "経過観察"));
    device.ok(&["finalize", &after]);

    let status = device.ok_json(&["outbox", "--json"]);
    assert_eq!((status["waiting"].as_i64(), status["sent"].as_i64()), (Some(2), Some(0)), "{status}");
    assert!(!status.to_string().contains(HEALTH) && !status.to_string().contains("鷲尾"), "{status}");

    let folder = device.tmp.path().join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    let out = device.ok(&["deliver", "--to-folder", path(&folder)]);
    assert!(out.contains("配送しました"), "{out}");
    let status = device.ok_json(&["outbox", "--json"]);
    assert_eq!((status["waiting"].as_i64(), status["sent"].as_i64(), status["quarantined"].as_i64()), (Some(0), Some(2), Some(0)), "{status}");
    let prefix = format!("{device_id}-00000001-");
    let bundle = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix) && p.extension().is_some_and(|x| x == "chisanpo-bundle"))
        .expect("bundle 1 is named by device, sequence number and hash");
    let bytes = std::fs::read(&bundle).unwrap();
    assert!(!bytes.windows("鷲尾".len()).any(|w| w == "鷲尾".as_bytes()), "the bundle holds a plaintext name");
    assert!(bundle.with_extension("chisanpo-bundle.sha256").exists());

    // Before the device is enrolled at the centre, its bundle is quarantined with a reason.
    let r = centre.ok_json(&["centre", "import", "--from", path(&folder), "--json"]);
    assert_eq!(r["quarantined"].as_array().unwrap().len(), 1, "{r}");
    assert!(r["quarantined"][0]["reason"].as_str().unwrap().contains("enrol-device"), "{r}");

    let out = centre.ok(&["centre", "enrol-device", "--file", path(&request)]);
    assert!(out.contains(&device_id), "{out}");
    let r = centre.ok_json(&["centre", "import", "--from", path(&folder), "--json"]);
    assert_eq!((r["bundles_applied"].as_array().unwrap().len(), r["versions_added"].as_u64()), (1, Some(2)), "{r}");
    let again = centre.ok_json(&["centre", "import", "--from", path(&folder), "--json"]);
    assert_eq!((again["bundles_already_applied"].as_u64(), again["versions_added"].as_u64()), (Some(1), Some(0)), "{again}");

    let list = centre.ok_json(&["list", "--json"]);
    let consolidated: Vec<&Value> = list.as_array().unwrap().iter().filter(|r| r["consolidated"] == true).collect();
    assert_eq!(consolidated.len(), 2, "{list}");
    assert!(consolidated.iter().all(|r| r["source_device"] == device_id.as_str() && r["status"] == "final"), "{list}");
    assert_eq!(ids_of(&Value::Array(consolidated.into_iter().cloned().collect())), [before, after].into_iter().collect());
    let report = centre.ok_json(&["verify", "--json"]);
    assert_eq!(report["ok"], true, "{report}");
}

#[test]
fn delivery_errors_are_japanese_and_say_what_to_do() {
    let device = Env::new();
    device.init();
    let bad = device.file("profile.json", "{\"format\": 1}");
    let out = device.run(&["enrol", "--profile", path(&bad)]);
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("センタープロファイル") && msg.contains("指定してください"), "{msg}");
    let out = device.run(&["centre", "import", "--from", path(device.tmp.path())]);
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("centre init"), "{msg}");
}

/// A centre (its profile naming `endpoint`, if any) and a device with one finalised
/// consultation, enrolled with it. Returns (centre, device, record id, enrolment request file).
fn centre_and_device(endpoint: Option<&str>) -> (Env, Env, String, std::path::PathBuf) {
    let centre = Env::new();
    centre.init();
    let profile = centre.tmp.path().join("centre-profile.json");
    let mut args = vec!["centre", "init", "--name", "北部地域産業保健センター", "--out", path(&profile)];
    if let Some(e) = endpoint {
        args.extend(["--endpoint", e]);
    }
    centre.ok(&args);
    let device = Env::new();
    let (wp, worker, doctor) = populated(&device);
    let id = device.add("consultation", &consultation(&wp, &worker, &doctor, HEALTH));
    device.ok(&["finalize", &id]);
    let request = device.tmp.path().join("request.json");
    device.ok(&["enrol", "--profile", path(&profile), "--out", path(&request)]);
    (centre, device, id, request)
}

#[path = "../core/tests/delivery_common/webdav.rs"]
mod webdav;

/// The CLI over a real WebDAV server: `deliver --watch` started while the server is down keeps
/// trying by itself and delivers once it is up; the centre imports from the URL and writes
/// receipts; the device then shows its records as received.
#[test]
fn deliver_watch_restarts_by_itself_when_the_webdav_server_comes_back() {
    let dav_root = tempfile::tempdir().unwrap();
    let mut server = webdav::WebDavServer::start(dav_root.path());
    let url = server.url();
    let (centre, device, _, request) = centre_and_device(Some(&url));
    centre.ok(&["centre", "enrol-device", "--file", path(&request)]);

    // The network is down. Saving the destination works; the pass says it will retry.
    server.stop();
    let out = device.cmd(&["deliver", "--to-url", &url, "--user", webdav::USER, "--save"]).env("CHISANPO_WEBDAV_PASSWORD", webdav::PASSWORD).output().unwrap();
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("接続できません") && msg.contains("自動で送ります") && !msg.contains(HEALTH) && !msg.contains(webdav::PASSWORD), "{msg}");

    // `deliver --watch` to the saved destination; the server comes back a moment later.
    let watch = device
        .cmd(&["deliver", "--watch", "--until-sent"])
        .env("CHISANPO_DELIVERY_RETRY_SECONDS", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    server.restart();
    let out = wait_with_timeout(watch, std::time::Duration::from_secs(90));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("中断") && stdout.contains("配送しました: 1件"), "{stdout}");

    // The centre imports from the URL and writes the receipt back.
    let r: Value = serde_json::from_slice(
        &centre
            .cmd(&["centre", "import", "--from", &url, "--user", webdav::USER, "--json"])
            .env("CHISANPO_WEBDAV_PASSWORD", webdav::PASSWORD)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!((r["bundles_applied"].as_array().unwrap().len(), r["receipts_written"].as_u64()), (1, Some(1)), "{r}");
    let out = device.ok(&["deliver"]);
    assert!(out.contains("センターが受領: 1件"), "{out}");
    let status = device.ok_json(&["outbox", "--json"]);
    assert_eq!((status["waiting"].as_i64(), status["received"].as_i64(), status["unconfirmed"].as_i64()), (Some(0), Some(1), Some(0)), "{status}");
    assert!(!status.to_string().contains(webdav::PASSWORD), "{status}");
}

fn wait_with_timeout(mut child: std::process::Child, limit: std::time::Duration) -> std::process::Output {
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[path = "../core/tests/delivery_common/postgres.rs"]
mod pg;

/// The centre's commands on a shared PostgreSQL database (`--database`, or
/// `CHISANPO_DATABASE_URL`): enrol a device, import, list, and export the consolidated 台帳 as
/// CSV, read back with a CSV parser. A database that is not there gives a Japanese message
/// without the password.
#[cfg(unix)]
#[test]
fn the_centre_consolidates_into_postgresql_from_the_command_line() {
    let server = pg::PgServer::start();
    let url = server.database("centre");
    let (centre, device, id, request) = centre_and_device(None);
    let folder = device.tmp.path().join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    device.ok(&["deliver", "--to-folder", path(&folder)]);

    centre.ok(&["centre", "enrol-device", "--file", path(&request), "--database", &url]);
    let devices = centre.ok_json(&["centre", "devices", "--database", &url]);
    assert_eq!(devices.as_array().unwrap().len(), 1, "{devices}");
    assert_eq!(centre.ok_json(&["centre", "devices"]).as_array().unwrap().len(), 0, "the local store's list is separate");
    let r: Value = serde_json::from_slice(
        &centre.cmd(&["centre", "import", "--from", path(&folder), "--json"]).env("CHISANPO_DATABASE_URL", &url).output().unwrap().stdout,
    )
    .unwrap();
    assert_eq!((r["versions_added"].as_u64(), r["receipts_written"].as_u64()), (Some(1), Some(1)), "{r}");
    let records = centre.ok_json(&["centre", "records", "--json", "--database", &url]);
    assert_eq!(records.as_array().unwrap().len(), 1, "{records}");
    assert_eq!(records[0]["id"], id.as_str());
    assert!(!records.to_string().contains(HEALTH), "no content in the list");

    let out = centre.tmp.path().join("ledger.csv");
    centre.ok(&["centre", "ledger", "--kind", "consultation", "--fiscal-year", "2025", "--format", "csv", "--out", path(&out), "--database", &url]);
    let bytes = std::fs::read(&out).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let row: Vec<&str> = rows[0].iter().collect();
    assert!(row.contains(&"1"), "numbered 1 in the centre's sequence: {row:?}");
    assert!(row.iter().any(|c| c.contains("鷲尾製作所")), "the workplace from the record's snapshot: {row:?}");
    assert!(row.iter().any(|c| c.contains("診療 次郎")), "the doctor: {row:?}");

    let annual = centre.tmp.path().join("annual.xlsx");
    let out = centre.ok(&["centre", "annual", "--fiscal-year", "2025", "--out", path(&annual), "--database", &url]);
    assert!(out.contains("記録 1件"), "{out}");
    assert!(std::fs::metadata(&annual).unwrap().len() > 1000);

    let due = centre.ok_json(&["centre", "retention", "--json", "--database", &url]);
    assert_eq!(due.as_array().unwrap().len(), 0, "a 2025 record is kept: {due}");
    let out = centre.run(&["centre", "retention", "--destroy", &id, "--reason", "保存期間（5年）満了のため", "--database", &url]);
    assert!(!out.status.success(), "inside its retention period");
    assert!(String::from_utf8_lossy(&out.stderr).contains("保存"), "{}", String::from_utf8_lossy(&out.stderr));

    // A database that is not there: Japanese, says what to check, no password.
    let bad = format!("postgres://chisanpo:hunter2@127.0.0.1:{}/centre", server.port + 1);
    let out = centre.run(&["centre", "records", "--database", &bad]);
    assert!(!out.status.success());
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("接続できません") && msg.contains("確かめて") && !msg.contains("hunter2"), "{msg}");
}

/// `centre move-to --database` (ADR 0031): a centre that consolidated in its own store moves to
/// PostgreSQL; the command prints each table's counts, the 台帳 keeps its number, the database's
/// check passes, and running it again copies nothing. Without a database it says what to give.
#[cfg(unix)]
#[test]
fn the_centre_moves_its_consolidated_records_to_postgresql_from_the_command_line() {
    let server = pg::PgServer::start();
    let url = server.database("moved");
    let (centre, device, id, request) = centre_and_device(None);
    let folder = device.tmp.path().join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    device.ok(&["deliver", "--to-folder", path(&folder)]);
    centre.ok(&["centre", "enrol-device", "--file", path(&request)]);
    centre.ok(&["centre", "import", "--from", path(&folder)]);

    let out = centre.run(&["centre", "move-to"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--database"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = centre.ok(&["centre", "move-to", "--database", &url]);
    assert!(out.contains("台帳の番号: 1 → 1（今回 1、見つからない 0）") && out.contains("何も失われていません"), "{out}");
    assert!(!out.contains(HEALTH), "no content in the output");
    let records = centre.ok_json(&["centre", "records", "--json", "--database", &url]);
    assert_eq!(records[0]["id"], id.as_str());
    centre.ok(&["centre", "verify", "--database", &url]);
    let again: Value =
        serde_json::from_slice(&centre.cmd(&["centre", "move-to", "--json"]).env("CHISANPO_DATABASE_URL", &url).output().unwrap().stdout).unwrap();
    assert_eq!(again["ok"], true, "{again}");
    assert!(again["tables"].as_array().unwrap().iter().all(|t| t["copied"] == 0 && t["missing"] == 0), "{again}");
}

/// `centre export-keys` and `centre join`: a second coordinator's store takes the centre's keys
/// from a passphrase-protected file, then imports and enrols like the first.
#[test]
fn a_second_coordinator_joins_the_centre_from_the_command_line() {
    const KEY_PASS: &str = "鍵ファイル用の長いパスフレーズ";
    let (centre, device, _id, request) = centre_and_device(None);
    let keys = centre.tmp.path().join("centre-keys.age");
    // Without a terminal the passphrase must come from the environment, and it must be long.
    let no_pass = centre.run(&["centre", "export-keys", "--out", path(&keys)]);
    assert!(!no_pass.status.success() && String::from_utf8_lossy(&no_pass.stderr).contains("CHISANPO_KEY_FILE_PASSPHRASE"));
    let short = centre.cmd(&["centre", "export-keys", "--out", path(&keys)]).env("CHISANPO_KEY_FILE_PASSPHRASE", "short").output().unwrap();
    assert!(!short.status.success() && !keys.exists());
    let out_export = centre.cmd(&["centre", "export-keys", "--out", path(&keys)]).env("CHISANPO_KEY_FILE_PASSPHRASE", KEY_PASS).output().unwrap();
    assert!(out_export.status.success(), "{}", String::from_utf8_lossy(&out_export.stderr));
    assert!(String::from_utf8_lossy(&out_export.stdout).contains("別々の方法で渡し"));

    let second = Env::new();
    second.ok(&["init", "--name", "連携 三子", "--role", "coordinator"]);
    let wrong = second.cmd(&["centre", "join", "--keys", path(&keys)]).env("CHISANPO_KEY_FILE_PASSPHRASE", "違うパスフレーズです").output().unwrap();
    let msg = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success() && msg.contains("パスフレーズが違う") && !msg.contains(KEY_PASS), "{msg}");
    let out = second.cmd(&["centre", "join", "--keys", path(&keys)]).env("CHISANPO_KEY_FILE_PASSPHRASE", KEY_PASS).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let joined = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(joined.contains("北部地域産業保健センター"), "{joined}");
    // The fingerprint the two coordinators read to each other is the same on both sides.
    let fingerprint = |text: &str| text.lines().find_map(|l| l.strip_prefix("鍵の指紋: ").map(|f| f.chars().take(19).collect::<String>()));
    let exported = String::from_utf8_lossy(&out_export.stdout).to_string();
    assert!(fingerprint(&joined).is_some_and(|f| f.len() == 19) && fingerprint(&joined) == fingerprint(&exported), "{joined}\n{exported}");

    // The second coordinator enrols the laptop and imports its bundle.
    second.ok(&["centre", "enrol-device", "--file", path(&request)]);
    let folder = device.tmp.path().join("synced");
    std::fs::create_dir_all(&folder).unwrap();
    device.ok(&["deliver", "--to-folder", path(&folder)]);
    let r = second.ok_json(&["centre", "import", "--from", path(&folder), "--json"]);
    assert_eq!(r["bundles_applied"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r["versions_added"].as_i64(), Some(1), "{r}");
}

/// `centre root-key` and `centre rotate-key --root-key` (ADR 0025): the root key file and its
/// passphrase rotate the centre's keys; the laptop takes the rotated profile, and the profile
/// from before the rotation is refused.
#[test]
fn the_centre_rotates_its_keys_with_the_root_key_file_from_the_command_line() {
    const ROOT_PASS: &str = "責任者だけが知る長いパスフレーズ";
    let (centre, device, _id, _request) = centre_and_device(None);
    let dir = centre.tmp.path();
    let (root, rooted, rotated) = (dir.join("root.age"), dir.join("rooted.json"), dir.join("rotated.json"));
    let short = centre
        .cmd(&["centre", "root-key", "--out", path(&root), "--profile-out", path(&rooted)])
        .env("CHISANPO_ROOT_KEY_PASSPHRASE", "8文字以上12未満")
        .output()
        .unwrap();
    assert!(!short.status.success() && String::from_utf8_lossy(&short.stderr).contains("12") && !root.exists());
    let made = centre
        .cmd(&["centre", "root-key", "--out", path(&root), "--profile-out", path(&rooted)])
        .env("CHISANPO_ROOT_KEY_PASSPHRASE", ROOT_PASS)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stdout).contains("パソコンの外に"));
    device.ok(&["enrol", "--profile", path(&rooted)]);

    let no_root = centre.run(&["centre", "rotate-key", "--out", path(&rotated)]);
    assert!(!no_root.status.success() && String::from_utf8_lossy(&no_root.stderr).contains("--root-key"));
    let out = centre
        .cmd(&["centre", "rotate-key", "--out", path(&rotated), "--root-key", path(&root)])
        .env("CHISANPO_ROOT_KEY_PASSPHRASE", ROOT_PASS)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("署名鍵も新しくなりました"));
    device.ok(&["enrol", "--profile", path(&rotated)]);
    let back = device.run(&["enrol", "--profile", path(&rooted)]);
    assert!(!back.status.success() && String::from_utf8_lossy(&back.stderr).contains("古い版"), "{}", String::from_utf8_lossy(&back.stderr));
}
