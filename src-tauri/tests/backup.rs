//! Backups, restore, passphrase change and recovery through the real binary: nothing is lost when
//! a laptop dies or a passphrase is forgotten.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use common::*;
use serde_json::Value;

fn recovery_key(init_output: &str) -> String {
    init_output
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 39 && l.matches('-').count() == 7)
        .unwrap_or_else(|| panic!("no recovery key in the init output:\n{init_output}"))
        .to_string()
}

fn init_with_key(env: &Env) -> String {
    recovery_key(&env.ok(&["init", "--name", "産業 一郎", "--role", "doctor"]))
}

fn list(env: &Env) -> Value {
    env.ok_json(&["list", "--json"])
}

#[test]
fn round_trip_backup_destroy_restore() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "400", "--seed", "5"]);
    let before = list(&env);
    let file = env.tmp.path().join("yesterday.chisanpo-backup");
    let out = env.ok(&["backup", "--out", path(&file)]);
    assert!(out.contains("400 件"), "{out}");

    // The backup holds no plaintext SQLite header and no names.
    let bytes = std::fs::read(&file).unwrap();
    let names: Vec<String> = before.as_array().unwrap().iter().filter_map(|r| r["worker_name"].as_str().map(str::to_string)).take(50).collect();
    assert!(!names.is_empty());
    for needle in names.iter().map(String::as_str).chain(["SQLite format 3", "産業 一郎"]) {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} is readable in the backup");
    }

    // The laptop dies: the whole data folder is gone.
    std::fs::remove_dir_all(env.data()).unwrap();
    env.ok(&["restore", path(&file)]);
    assert_eq!(list(&env), before, "the restored store lists exactly what the backup held");
    env.ok(&["verify"]);
}

#[test]
fn a_backup_with_one_byte_changed_is_refused_and_the_store_is_untouched() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "60"]);
    let file = env.tmp.path().join("b.chisanpo-backup");
    env.ok(&["backup", "--out", path(&file)]);
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    let bad = env.tmp.path().join("bad.chisanpo-backup");
    std::fs::write(&bad, &bytes).unwrap();
    env.ok(&["demo", "--records", "5", "--seed", "9"]);
    let before = list(&env);
    let out = env.run(&["restore", path(&bad), "--yes"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("バックアップを使えません") && stderr.contains("現在のストアは変更していません"), "{stderr}");
    assert_eq!(list(&env), before);
    env.ok(&["verify"]);
}

#[test]
fn an_older_backup_asks_before_it_loses_records() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "30"]);
    let file = env.tmp.path().join("old.chisanpo-backup");
    env.ok(&["backup", "--out", path(&file)]);
    env.ok(&["demo", "--records", "4", "--seed", "2"]);
    let out = env.run(&["restore", path(&file)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4件失われます"), "{stderr}");
    assert_eq!(list(&env).as_array().unwrap().len(), 34);
    env.ok(&["restore", path(&file), "--yes"]);
    assert_eq!(list(&env).as_array().unwrap().len(), 30);
}

/// Finding 8: `chisanpo restore` while the app has the folder open would swap the store under
/// the app, and the app's later writes would go to a file nobody opens again. The app holds the
/// folder's instance lock (this test process stands in for it, taking the lock exactly as the
/// app's state does); the CLI's restore is refused by name and changes nothing.
#[test]
fn a_restore_while_the_app_has_the_store_open_is_refused() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "12"]);
    let file = env.tmp.path().join("b.chisanpo-backup");
    env.ok(&["backup", "--out", path(&file)]);
    env.ok(&["demo", "--records", "3", "--seed", "9"]);
    let app = chisanpo_core::store::instance::InstanceLock::acquire(&env.data()).unwrap();
    let snapshot = || {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(env.data())
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().is_file())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = snapshot();
    let out = env.run(&["restore", path(&file), "--yes"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("別に起動している地さんぽノート") && stderr.contains("終了してから"), "{stderr}");
    assert_eq!(snapshot(), before, "not one byte of the data folder changed");
    // Other commands still work beside the app (SQLite's own locking keeps them consistent).
    assert_eq!(list(&env).as_array().unwrap().len(), 15);
    // Once the app has quit, the restore goes through.
    drop(app);
    env.ok(&["restore", path(&file), "--yes"]);
    assert_eq!(list(&env).as_array().unwrap().len(), 12);
}

/// Finding 2 through the real binary: an older `chisanpo.db` copied over the current one (same
/// keyring) is reported by `verify`, which fails; `verify --accept-loss` records the acceptance
/// and the store verifies again.
#[test]
fn an_older_database_copied_over_is_reported_by_verify_until_accepted() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "10"]);
    let old = std::fs::read(env.data().join("chisanpo.db")).unwrap();
    assert!(!env.data().join("chisanpo.db-wal").exists(), "the CLI's clean close folds the log into the database");
    env.ok(&["demo", "--records", "5", "--seed", "4"]);
    env.ok(&["verify"]);
    for f in ["chisanpo.db-wal", "chisanpo.db-shm"] {
        let _ = std::fs::remove_file(env.data().join(f));
    }
    std::fs::write(env.data().join("chisanpo.db"), old).unwrap();
    assert_eq!(list(&env).as_array().unwrap().len(), 10, "the attack works: the later records are gone");
    let out = env.run(&["verify"]);
    assert!(!out.status.success(), "verify passed an older database");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("anchor.json") && stderr.contains("失われています"), "{stderr}");
    let accepted = env.ok(&["verify", "--accept-loss"]);
    assert!(accepted.contains("受け入れ") && accepted.contains("検査に合格しました"), "{accepted}");
    env.ok(&["verify"]);
}

#[test]
fn passphrase_change_and_recovery_with_the_recovery_key() {
    let env = Env::new();
    let key = init_with_key(&env);
    env.ok(&["demo", "--records", "20"]);
    let before = list(&env);

    // Change: the new passphrase opens, the old one does not.
    let out = env.cmd(&["passphrase"]).env("CHISANPO_NEW_PASSPHRASE", "新しいパスフレーズ2026").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let old = env.run(&["list", "--json"]);
    assert!(!old.status.success() && String::from_utf8_lossy(&old.stderr).contains("パスフレーズが違います"));
    let new = env.cmd(&["list", "--json"]).env("CHISANPO_PASSPHRASE", "新しいパスフレーズ2026").output().unwrap();
    assert!(new.status.success());
    assert_eq!(serde_json::from_slice::<Value>(&new.stdout).unwrap(), before);

    // Forgotten: a wrong recovery key is refused, the printed one sets a new passphrase.
    let wrong = env
        .cmd(&["recover"])
        .env("CHISANPO_RECOVERY_KEY", "0000-0000-0000-0000-0000-0000-0000-0000")
        .env("CHISANPO_NEW_PASSPHRASE", "思い出したパスフレーズ")
        .output()
        .unwrap();
    assert!(!wrong.status.success() && String::from_utf8_lossy(&wrong.stderr).contains("回復キーが違います"));
    let typed = key.to_lowercase().replace('-', " ");
    let ok = env.cmd(&["recover"]).env("CHISANPO_RECOVERY_KEY", &typed).env("CHISANPO_NEW_PASSPHRASE", "思い出したパスフレーズ").output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let after = env.cmd(&["list", "--json"]).env("CHISANPO_PASSPHRASE", "思い出したパスフレーズ").output().unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&after.stdout).unwrap(), before, "recovery loses nothing");
    // The key typed is spent: recover printed a new one, which restores a backup made now; the
    // spent one does not.
    let said = String::from_utf8_lossy(&ok.stdout).to_string();
    assert!(said.contains("使った回復キーは使えなくなりました"), "{said}");
    let fresh = said.lines().map(str::trim).find(|l| l.len() == 39 && l.matches('-').count() == 7).expect("the new key is shown").to_string();
    assert_ne!(fresh, key);
    // A key shown and not noted: the passphrase makes another, and the one before is spent.
    let renewed = env.cmd(&["recovery-key"]).env("CHISANPO_PASSPHRASE", "思い出したパスフレーズ").output().unwrap();
    assert!(renewed.status.success(), "{}", String::from_utf8_lossy(&renewed.stderr));
    let said = String::from_utf8_lossy(&renewed.stdout).to_string();
    let unnoted = fresh;
    let fresh = said.lines().map(str::trim).find(|l| l.len() == 39 && l.matches('-').count() == 7).expect("the new key is shown").to_string();
    assert_ne!(fresh, unnoted);
    let old = env.cmd(&["recover"]).env("CHISANPO_RECOVERY_KEY", &unnoted).env("CHISANPO_NEW_PASSPHRASE", "三度目のパスフレーズ").output().unwrap();
    assert!(!old.status.success());
    let again = env.cmd(&["recover"]).env("CHISANPO_RECOVERY_KEY", &key).env("CHISANPO_NEW_PASSPHRASE", "三度目のパスフレーズ").output().unwrap();
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("回復キーが違います"));
    let file = env.tmp.path().join("b.chisanpo-backup");
    env.cmd(&["backup", "--out", path(&file)]).env("CHISANPO_PASSPHRASE", "思い出したパスフレーズ").output().unwrap();
    std::fs::remove_dir_all(env.data()).unwrap();
    let spent = env.cmd(&["restore", path(&file), "--recovery"]).env("CHISANPO_RECOVERY_KEY", &key).output().unwrap();
    assert!(!spent.status.success());
    let restored = env.cmd(&["restore", path(&file), "--recovery"]).env("CHISANPO_RECOVERY_KEY", &fresh).output().unwrap();
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
}

fn kill_after(env: &Env, args: &[&str], delay_ms: u64) {
    let mut child = env.cmd(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(delay_ms));
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
}

fn finished_backups(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".chisanpo-backup")).collect()
}

#[test]
fn a_kill_during_backup_or_restore_leaves_no_half_backup_and_a_usable_store() {
    let env = Env::new();
    init_with_key(&env);
    env.ok(&["demo", "--records", "3000"]);
    let before = list(&env);
    let out_dir = env.tmp.path().join("backups");
    std::fs::create_dir_all(&out_dir).unwrap();
    let target = out_dir.join("kill.chisanpo-backup");

    // Kill backups at several points (during unlock, during the copy, while writing the file).
    for delay in [150, 400, 700, 1000] {
        kill_after(&env, &["backup", "--out", path(&target)], delay);
        match finished_backups(&out_dir).as_slice() {
            [] => {}
            [one] => {
                // If it finished before the kill, it must be whole: a restore into a new folder works.
                let other = Env::new();
                let r = other.cmd(&["restore", path(&out_dir.join(one))]).output().unwrap();
                assert!(r.status.success(), "a finished backup must restore: {}", String::from_utf8_lossy(&r.stderr));
                std::fs::remove_file(out_dir.join(one)).unwrap();
            }
            more => panic!("{more:?}"),
        }
        env.ok(&["verify"]);
    }
    assert_eq!(list(&env), before);

    // Kill restores at several points: the store is the old one or the new one, and usable.
    env.ok(&["backup", "--out", path(&target)]);
    env.ok(&["demo", "--records", "3", "--seed", "7"]);
    for delay in [100, 300, 600, 900] {
        kill_after(&env, &["restore", path(&target), "--yes"], delay);
        env.ok(&["verify"]);
        let n = list(&env).as_array().unwrap().len();
        assert!(n == 3003 || n == 3000, "after a killed restore the store has {n} records");
        if n == 3000 {
            env.ok(&["demo", "--records", "3", "--seed", "7"]);
        }
    }
}
