//! The package as a doctor gets it. `make test` builds the `.deb` and `.rpm` (`make dist`),
//! installs the `.deb` with apt, runs these tests against `/usr/bin/chisanpo`, and removes it.
//!
//! Every run of the installed program happens in a mount namespace where the checkout (and the
//! cargo target folder) is an empty folder: a font, a UI file or anything else it tried to read
//! from there would be missing, so what works here works on a doctor's laptop.
//!
//! In a plain `cargo test` they are ignored: they need the package installed, and root.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use chisanpo_e2e::{checkout_paths, hidden_command, is_root, root, Driver, Xvfb};
use serde_json::Value;

const INSTALLED: &str = "/usr/bin/chisanpo";
const PASS: &str = "installed-passphrase-1";
/// The passphrase of the fixture store the previous release made (tests/fixtures/README.md).
const FIXTURE_PASS: &str = "fixture-passphrase-0.1.0";

fn installed() -> PathBuf {
    let app = chisanpo_e2e::app_binary();
    assert_eq!(app, Path::new(INSTALLED), "CHISANPO_APP must name the installed program (make test-installed sets it)");
    assert!(app.is_file(), "{INSTALLED} is missing: install the package first (make test-installed)");
    app
}

fn package(var: &str) -> PathBuf {
    let p = PathBuf::from(std::env::var_os(var).unwrap_or_else(|| panic!("{var} is not set: run through make test-installed")));
    assert!(p.is_file(), "{} is missing: make dist builds it", p.display());
    p
}

/// The installed program, with the checkout hidden, a home folder of its own (so the default
/// data folder is `<home>/.local/share/chisanpo`), and `pass` as its passphrase.
fn chisanpo_with(home: &Path, pass: &str, args: &[&str]) -> Output {
    hidden_command(&checkout_paths(), &installed())
        .args(args)
        .current_dir(home)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("CHISANPO_DATA_DIR")
        .env("CHISANPO_PASSPHRASE", pass)
        .output()
        .expect("unshare runs")
}

/// Its standard output, or an error with its standard error when it fails.
fn ok_with(home: &Path, pass: &str, args: &[&str]) -> Result<String> {
    let out = chisanpo_with(home, pass, args);
    ensure!(out.status.success(), "chisanpo {args:?} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8(out.stdout)?)
}

fn ok(home: &Path, args: &[&str]) -> Result<String> {
    ok_with(home, PASS, args)
}

fn run(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program).args(args).output().with_context(|| format!("{program} is not installed"))?;
    ensure!(out.status.success(), "{program} {args:?} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// apt as root (sudo when the tests do not run as root).
fn apt(args: &[&str]) -> Result<String> {
    let mut c = if is_root() {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.args(["-n", "apt-get"]);
        c
    };
    let out = c.args(args).env("DEBIAN_FRONTEND", "noninteractive").output()?;
    ensure!(out.status.success(), "apt-get {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether everything in `old` is in `new`, unchanged (objects may have gained keys).
fn kept(old: &Value, new: &Value) -> Result<(), String> {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            o.iter().try_for_each(|(k, v)| n.get(k).ok_or_else(|| format!("{k} is gone")).and_then(|nv| kept(v, nv).map_err(|e| format!("{k}: {e}"))))
        }
        (Value::Array(o), Value::Array(n)) if o.len() == n.len() => {
            o.iter().zip(n).enumerate().try_for_each(|(i, (a, b))| kept(a, b).map_err(|e| format!("[{i}]: {e}")))
        }
        _ if old == new => Ok(()),
        _ => Err(format!("was {old}, is {new}")),
    }
}

/// The screenshots the guide names.
fn guide_shots() -> Vec<String> {
    use chisanpo_core::forms::guide;
    let shots = guide::shots(&guide::parse(guide::GUIDE));
    assert!(shots.len() >= 15, "the guide names {} screenshots", shots.len());
    shots
}

/// Every file under `dir` with the SHA-256 of its bytes.
fn hashes(dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let p = entry?.path();
        if p.is_dir() {
            out.extend(hashes(&p)?);
        } else {
            out.insert(p.clone(), run("sha256sum", &[&p.to_string_lossy()])?.split_whitespace().next().unwrap_or_default().to_string());
        }
    }
    Ok(out)
}

/// The hiding is real: inside the namespace the checkout is empty and its files cannot be read.
/// Without this, the tests below could pass while the program read the checkout after all.
#[test]
#[ignore = "needs the package installed: run by `make test` (target test-installed)"]
fn the_checkout_is_hidden_from_the_installed_program() {
    let font_readme = root().join("assets/fonts/README.md");
    assert!(font_readme.is_file(), "the checkout has its files outside the namespace");
    let out = hidden_command(&checkout_paths(), Path::new("/bin/cat")).arg(&font_readme).output().unwrap();
    assert!(!out.status.success(), "a file of the checkout was readable inside the namespace");
    let out = hidden_command(&checkout_paths(), Path::new("/bin/ls")).arg("-A").arg(root()).output().unwrap();
    assert!(out.status.success() && out.stdout.is_empty(), "the checkout is not empty inside the namespace: {}", String::from_utf8_lossy(&out.stdout));
    // Nor by a relative path from where the test runs (inside the checkout): it starts in /.
    let out = hidden_command(&checkout_paths(), Path::new("/bin/pwd")).current_dir(root().join("tests")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "/", "the program starts inside the checkout");
    let out = hidden_command(&checkout_paths(), Path::new("/bin/cat")).arg("fixtures/README.md").current_dir(root().join("tests")).output().unwrap();
    assert!(!out.status.success(), "a file of the checkout was readable by a relative path");
}

/// The package holds what a centre's IT expects: the command on the PATH, the menu entry in
/// Japanese with a category, an icon at each size, the fonts' licence beside the program, the
/// version of the workspace, and no script run at install or removal (nothing that could touch
/// the user's data folder).
#[test]
#[ignore = "needs the package installed: run by `make test` (target test-installed)"]
fn the_packages_hold_the_program_its_menu_entry_icons_and_licences() -> Result<()> {
    installed();
    let version = env!("CARGO_PKG_VERSION");
    let deb = package("CHISANPO_DEB");
    let deb = deb.to_string_lossy();
    assert_eq!(run("dpkg-deb", &["-f", &deb, "Package"])?.trim(), "chisanpo");
    assert_eq!(run("dpkg-deb", &["-f", &deb, "Version"])?.trim(), version);
    let depends = run("dpkg-deb", &["-f", &deb, "Depends"])?;
    assert!(depends.contains("libwebkit2gtk-4.1"), "Depends: {depends}");
    let info = run("dpkg-deb", &["--info", &deb])?;
    for script in ["preinst", "postinst", "prerm", "postrm"] {
        assert!(!info.contains(script), "the package runs a {script} script:\n{info}");
    }
    let files = run("dpkg-deb", &["--contents", &deb])?;
    for size in ["32x32", "64x64", "128x128", "256x256", "512x512"] {
        assert!(files.lines().any(|l| l.ends_with(&format!("usr/share/icons/hicolor/{size}/apps/chisanpo.png"))), "no {size} icon in:\n{files}");
    }
    for path in [
        " usr/bin/chisanpo",
        " usr/share/applications/chisanpo.desktop",
        " usr/lib/chisanpo/licenses/IPA_Font_License_Agreement_v1.0.txt",
        " usr/share/doc/chisanpo/copyright",
    ] {
        assert!(files.lines().any(|l| l.ends_with(path)), "{} is not in the package:\n{files}", path.trim());
    }

    // The guide's screenshots, those this run's end-to-end tests took (`make guide` kept them), for
    // ヘルプ: every one the guide names, as `make guide` kept it.
    let kept = root().join("artifacts/guide/shots");
    for name in guide_shots() {
        let path = format!(" usr/lib/chisanpo/guide/shots/{name}");
        assert!(files.lines().any(|l| l.ends_with(&path)), "the guide's {name} is not in the package (make guide before make dist):\n{files}");
        let installed = std::fs::read(format!("/usr/lib/chisanpo/guide/shots/{name}"))?;
        assert_eq!(installed, std::fs::read(kept.join(&name))?, "{name} is not the screenshot make guide kept");
    }

    // Installed: on the PATH, the licence as shipped in assets/, the menu entry valid.
    let on_path = run("sh", &["-c", "command -v chisanpo"])?;
    assert_eq!(on_path.trim(), INSTALLED);
    let licence = std::fs::read("/usr/lib/chisanpo/licenses/IPA_Font_License_Agreement_v1.0.txt")?;
    assert_eq!(licence, std::fs::read(root().join("assets/fonts/IPA_Font_License_Agreement_v1.0.txt"))?);
    let desktop = "/usr/share/applications/chisanpo.desktop";
    run("desktop-file-validate", &[desktop])?;
    let entry = std::fs::read_to_string(desktop)?;
    for line in ["Name=地さんぽノート", "Exec=chisanpo", "Icon=chisanpo", "Categories=Office;MedicalSoftware;"] {
        assert!(entry.lines().any(|l| l == line), "{line} is not in the menu entry:\n{entry}");
    }

    // The .rpm, read by rpm itself: the same program, entry and licence, no scriptlets.
    let rpm = package("CHISANPO_RPM");
    let rpm = rpm.to_string_lossy();
    let q = |fmt: &str| run("rpm", &["-qp", "--nosignature", "--queryformat", fmt, &rpm]);
    assert_eq!(q("%{NAME} %{VERSION}")?, format!("chisanpo {version}"));
    let rpm_files = run("rpm", &["-qlp", "--nosignature", &rpm])?;
    for path in [
        "/usr/bin/chisanpo",
        "/usr/share/applications/chisanpo.desktop",
        "/usr/lib/chisanpo/licenses/IPA_Font_License_Agreement_v1.0.txt",
        "/usr/share/icons/hicolor/512x512/apps/chisanpo.png",
    ] {
        assert!(rpm_files.lines().any(|l| l == path), "{path} is not in the rpm:\n{rpm_files}");
    }
    for name in guide_shots() {
        let path = format!("/usr/lib/chisanpo/guide/shots/{name}");
        assert!(rpm_files.lines().any(|l| l == path), "{path} is not in the rpm");
    }
    assert_eq!(run("rpm", &["-qp", "--nosignature", "--scripts", &rpm])?.trim(), "", "the rpm runs scriptlets");
    Ok(())
}

/// The CLI from the PATH with the checkout hidden: its version names the commit (and says when the
/// tree had uncommitted changes), and init, demo, verify and a PDF work on the default data folder.
#[test]
#[ignore = "needs the package installed: run by `make test` (target test-installed)"]
fn the_installed_cli_works_with_the_checkout_hidden() -> Result<()> {
    installed();
    let home = tempfile::tempdir()?;
    let h = home.path();

    let commit = run("git", &["-C", &root().to_string_lossy(), "rev-parse", "--short=7", "HEAD"])?.trim().to_string();
    let dirty = !run("git", &["-C", &root().to_string_lossy(), "status", "--porcelain"])?.trim().is_empty();
    let shown = ok(h, &["--version"])?;
    let want = format!("chisanpo {} (commit {commit}", env!("CARGO_PKG_VERSION"));
    assert!(shown.starts_with(&want), "--version says {shown:?}, not {want}…");
    assert_eq!(shown.contains("-dirty: コミットされていない変更を含むビルド"), dirty, "--version {shown:?} with a dirty tree: {dirty}");

    ok(h, &["init", "--name", "産業 一郎", "--centre", "テスト県地域産業保健センター"])?;
    let data = h.join(".local/share/chisanpo");
    assert!(data.join("chisanpo.db").is_file() && data.join("keyring.json").is_file(), "the store is not in the default data folder");
    let demo: Value = serde_json::from_str(&ok(h, &["demo", "--records", "40"])?)?;
    assert!(demo.is_object(), "{demo}");
    let verified = ok(h, &["verify"])?;
    assert!(verified.contains("検査に合格しました"), "{verified}");

    let list: Value = serde_json::from_str(&ok(h, &["list", "--kind", "interview", "--status", "final", "--json"])?)?;
    let id = list.as_array().and_then(|l| l.iter().find_map(|r| r["id"].as_str())).context("the demo made no finalised interview")?.to_string();
    let pdf = h.join("意見書.pdf");
    ok(h, &["pdf", "opinion", "--id", &id, "--out", &pdf.to_string_lossy()])?;
    let text = run("pdftotext", &["-layout", &pdf.to_string_lossy(), "-"])?;
    assert!(text.contains("意見書") && text.contains("面接指導"), "{text}");
    let fonts = run("pdffonts", &[&pdf.to_string_lossy()])?;
    assert!(fonts.contains("IPAex") && fonts.lines().skip(2).all(|l| l.contains(" yes ")), "fonts not embedded:\n{fonts}");
    Ok(())
}

/// Upgrades keep everything: a store the previous release (0.1.0, commit 4f441a6) made, opened
/// by the installed program, has every record, version, audit entry and setting, and verifies.
/// Then a newer release is played by raising the schema version: the installed program refuses
/// the store with a clear message and leaves every byte as it was.
#[test]
#[ignore = "needs the package installed: run by `make test` (target test-installed)"]
fn a_store_the_previous_release_made_opens_whole_and_a_newer_one_is_refused() -> Result<()> {
    installed();
    let fixture = root().join("tests/fixtures/store-0.1.0");
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(fixture.join("manifest.json"))?)?;
    let home = tempfile::tempdir()?;
    let h = home.path();
    let data = h.join(".local/share/chisanpo");
    std::fs::create_dir_all(&data)?;
    for f in std::fs::read_dir(fixture.join("data"))? {
        let f = f?;
        std::fs::copy(f.path(), data.join(f.file_name()))?;
    }
    // The schema the previous release wrote, printed for the note: an upgrade across a migration
    // is tested only when the fixture's schema is older than this binary's.
    let made: u32 =
        chisanpo_core::store::raw_connection(&data, &chisanpo_core::store::Passphrase::new(FIXTURE_PASS))?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
    eprintln!("fixture store-0.1.0: schema {made}, this release's schema {}", chisanpo_core::store::schema::latest_version());
    let with_fixture_pass = |args: &[&str]| ok_with(h, FIXTURE_PASS, args);

    let report: Value = serde_json::from_str(&with_fixture_pass(&["verify", "--json"])?)?;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["versions_checked"], manifest["verify"]["versions_checked"], "finalised versions lost or gained");
    let before = manifest["verify"]["audit_entries"].as_i64().context("manifest")?;
    assert!(report["audit_entries"].as_i64().context("report")? >= before, "audit entries lost: {report}");

    // Every record as the previous release listed it (what is stored, not the hours computed from
    // it, which a newer release may compute better), and every version of every corrected record
    // as its history showed it. A newer release may add fields; none may go or change.
    let summaries = |list: &Value| -> Result<BTreeMap<String, Value>> {
        list.as_array()
            .context("a list")?
            .iter()
            .map(|r| {
                let mut r = r.as_object().context("a listed record")?.clone();
                r.remove("hours");
                r.remove("hours_category");
                Ok((r.get("id").and_then(Value::as_str).context("an id")?.to_string(), Value::Object(r)))
            })
            .collect()
    };
    let now = summaries(&serde_json::from_str(&with_fixture_pass(&["list", "--json"])?)?)?;
    let then = summaries(&manifest["list"])?;
    assert!(then.len() >= 10, "the fixture holds {} records", then.len());
    assert_eq!(now.keys().collect::<Vec<_>>(), then.keys().collect::<Vec<_>>(), "records lost or gained in the upgrade");
    for (id, old) in &then {
        kept(old, &now[id]).map_err(|e| anyhow::anyhow!("record {id}: {e}"))?;
    }
    let histories = manifest["history"].as_object().context("manifest history")?;
    assert!(histories.values().any(|h| h.as_array().is_some_and(|v| v.len() >= 2)), "the fixture has no corrected record");
    for (id, old) in histories {
        let new: Value = serde_json::from_str(&with_fixture_pass(&["history", id, "--json"])?)?;
        kept(old, &new).map_err(|e| anyhow::anyhow!("history of {id}: {e}"))?;
    }
    let settings = with_fixture_pass(&["settings"])?;
    for line in manifest["settings"].as_str().context("settings")?.lines() {
        assert!(settings.lines().any(|l| l == line), "setting {line:?} is not kept: {settings}");
    }

    // The audit chain's prefix: the entry the previous release wrote last still has its hash (each
    // hash covers every entry before it).
    let conn = chisanpo_core::store::raw_connection(&data, &chisanpo_core::store::Passphrase::new(FIXTURE_PASS))?;
    let hash: String = conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [before], |r| r.get(0))?;
    assert_eq!(hash, manifest["verify"]["last_hash"].as_str().context("manifest hash")?, "the audit chain of the previous release changed");

    // A newer release wrote this store: the installed (older) program refuses it and changes nothing.
    let newer: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    conn.pragma_update(None, "user_version", newer + 1)?;
    drop(conn);
    let files = hashes(&data)?;
    let out = chisanpo_with(h, FIXTURE_PASS, &["verify"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a store of a newer schema was used");
    assert!(err.contains("新しい版の地さんぽノート") && err.contains("更新"), "{err}");
    assert_eq!(hashes(&data)?, files, "the refusal changed the store");
    Ok(())
}

/// The app from its installed path, in a real window: it reaches the unlock screen (the time is
/// printed for the note), runs from /usr/bin and nothing under the checkout, survives the package
/// being installed again under it, and neither that nor removing the package touches the store.
#[test]
#[ignore = "needs the package installed: run by `make test` (target test-installed)"]
fn the_installed_app_opens_and_install_or_removal_never_touch_the_store() -> Result<()> {
    let deb = package("CHISANPO_DEB");
    installed();
    let home = tempfile::tempdir()?;
    let h = home.path();
    ok(h, &["init", "--name", "産業 一郎", "--centre", "テスト県地域産業保健センター"])?;
    ok(h, &["demo", "--records", "10"])?;
    let data = h.join(".local/share/chisanpo");

    let x = Xvfb::start()?;
    let home_env = h.to_string_lossy().to_string();
    let driver = Driver::start_hiding(&x.display, &[("HOME", home_env.as_str())], &checkout_paths())?;
    let started = Instant::now();
    let s = driver.launch(&[])?;
    s.find("#unlock-form")?;
    let to_unlock = started.elapsed();
    eprintln!("installed app: unlock screen {} ms after launch", to_unlock.as_millis());
    s.screenshot("installed-unlock")?;

    // Which program is running: the installed one, nothing from the checkout.
    let mut running = vec![];
    let mut pids = vec![];
    for p in std::fs::read_dir("/proc")?.flatten() {
        if let Ok(exe) = std::fs::read_link(p.path().join("exe")) {
            if exe.file_name().is_some_and(|n| n == "chisanpo") {
                if exe == Path::new(INSTALLED) {
                    pids.push(p.path());
                }
                running.push(exe);
            }
        }
    }
    assert!(running.iter().any(|e| e == Path::new(INSTALLED)), "the app is not running from {INSTALLED}: {running:?}");
    for hidden in checkout_paths() {
        assert!(!running.iter().any(|e| e.starts_with(&hidden)), "a chisanpo from the checkout runs: {running:?}");
    }

    // Installed again under the running app: the store (closed while locked) is untouched and the
    // app still works.
    let locked = hashes(&data)?;
    apt(&["install", "-y", "-qq", "--reinstall", &deb.to_string_lossy()])?;
    assert_eq!(hashes(&data)?, locked, "installing the package changed the store");
    s.fill("#passphrase", PASS)?;
    s.click("#unlock-button")?;
    s.wait_text("#home-screen", "産業 一郎")?;
    s.screenshot("installed-home")?;

    // ヘルプ shows the guide with every picture the package carries, decoded by the webview.
    s.click("[data-nav=help]")?;
    s.wait_text("#help-screen", "センター側の作業")?;
    let shown = || -> Result<(usize, usize, usize)> {
        let v = s.script(
            "const s = document.querySelector('#help-screen'); return [s.querySelectorAll('figure').length, \
             [...s.querySelectorAll('figure img')].filter(i => i.complete && i.naturalWidth > 0).length, \
             s.querySelectorAll('figure [data-no-shot]').length];",
            serde_json::json!([]),
        )?;
        let n = |i: usize| v[i].as_u64().unwrap_or(0) as usize;
        Ok((n(0), n(1), n(2)))
    };
    let waiting = Instant::now();
    let mut seen = shown()?;
    while seen.1 < seen.0 && waiting.elapsed() < chisanpo_e2e::WAIT {
        std::thread::sleep(std::time::Duration::from_millis(100));
        seen = shown()?;
    }
    let (figures, drawn, missing) = seen;
    ensure!(figures == guide_shots().len() && drawn == figures && missing == 0, "ヘルプ: {figures} figures, {drawn} pictures drawn, {missing} missing");
    s.screenshot("installed-help")?;
    s.quit()?;
    drop(driver);
    // The app closes its store on the way out (a checkpoint, the spool emptied): wait for it to end.
    let quitting = Instant::now();
    while pids.iter().any(|p| p.exists()) {
        ensure!(quitting.elapsed() < chisanpo_e2e::WAIT, "the app did not exit after quit");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // Removed: the program goes, the store stays byte for byte; installed again, it opens.
    let closed = hashes(&data)?;
    apt(&["remove", "-y", "-qq", "chisanpo"])?;
    let gone = !Path::new(INSTALLED).exists();
    let after_removal = hashes(&data)?;
    apt(&["install", "-y", "-qq", &deb.to_string_lossy()])?;
    if !gone {
        bail!("{INSTALLED} is still there after the package was removed");
    }
    assert_eq!(after_removal, closed, "removing the package changed the store");
    assert!(ok(h, &["verify"])?.contains("検査に合格しました"));
    Ok(())
}
