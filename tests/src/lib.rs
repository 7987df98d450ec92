//! End-to-end harness: a real Xvfb display, `tauri-driver` in front of `WebKitWebDriver`, and the
//! real `chisanpo` binary on a real encrypted store. No mocks.
//!
//! The WebDriver client is a few HTTP calls (W3C WebDriver protocol) over `ureq`.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use base64::Engine;
use serde_json::{json, Value};

/// The W3C WebDriver element reference key.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long to wait for the UI to show something. A generous bound for slow CI machines; this is
/// a wait for an event, not a performance assertion.
pub const WAIT: Duration = Duration::from_secs(60);

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is inside the workspace").to_path_buf()
}

/// The app binary under test (built by `make test` before the e2e tests run): `CHISANPO_APP`, or
/// the debug build in the cargo target folder (`CARGO_TARGET_DIR` when set, as cargo builds it
/// there; a worktree with its own target folder tests its own build).
pub fn app_binary() -> PathBuf {
    std::env::var_os("CHISANPO_APP").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).map(|t| if t.is_absolute() { t } else { root().join(t) });
        target.unwrap_or_else(|| root().join("target")).join("debug/chisanpo")
    })
}

/// Where screenshots are kept as test artefacts.
pub fn artifacts() -> PathBuf {
    let dir = root().join("artifacts/screenshots");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn wait_for_port(port: u16, child: &mut Child) -> Result<()> {
    let start = Instant::now();
    while start.elapsed() < WAIT {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!("process exited early ({status}) before listening on {port}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listened on port {port}")
}

/// A private X display for one test.
pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Result<Self> {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("Xvfb を起動できません（make test が xvfb を入れます）")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
        let n: u32 = line.trim().parse().map_err(|_| anyhow!("Xvfb did not report its display: {line:?}"))?;
        Ok(Xvfb { child, display: format!(":{n}") })
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tauri-driver` on its own ports, on a display.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start(display: &str) -> Result<Self> {
        Self::start_with_env(display, &[])
    }

    /// As `start`, with environment variables for the apps it launches (e.g.
    /// `CHISANPO_IDLE_SECONDS`, the idle lock time in seconds).
    pub fn start_with_env(display: &str, env: &[(&str, &str)]) -> Result<Self> {
        Self::start_hiding(display, env, &[])
    }

    /// As `start_with_env`, with the driver, WebKit and every app it launches in a mount
    /// namespace where each of `hidden` is an empty folder ([`hidden_command`]).
    pub fn start_hiding(display: &str, env: &[(&str, &str)], hidden: &[PathBuf]) -> Result<Self> {
        let port = free_port();
        let native = free_port();
        let bin = which("tauri-driver").context("tauri-driver が見つかりません（make test が cargo install します）")?;
        let mut command = if hidden.is_empty() {
            Command::new(bin)
        } else {
            // The app must find its store where a user's would be (the caller's HOME), not where a
            // developer's environment points.
            let mut c = hidden_command(hidden, &bin);
            c.env_remove("CHISANPO_DATA_DIR").env_remove("XDG_DATA_HOME");
            c
        };
        let mut child = command
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .envs(env.iter().copied())
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            // Leave WebKit's rendering settings alone: with compositing or DMABUF disabled,
            // WebKitWebDriver's screenshots hang under Xvfb.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        wait_for_port(port, &mut child)?;
        Ok(Driver { child, port })
    }

    /// Launch the app with these arguments and open a WebDriver session on it.
    pub fn launch(&self, args: &[&str]) -> Result<Session> {
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "wry",
                "tauri:options": { "application": app_binary(), "args": args }
            }}
        });
        let base = format!("http://127.0.0.1:{}", self.port);
        // tauri-driver listens before the WebKitWebDriver behind it does: a session asked for
        // too early gets its connection closed ("Unexpected EOF"). Ask again a few times.
        let mut attempt = 0;
        let v = loop {
            attempt += 1;
            match ureq::post(&format!("{base}/session")).timeout(Duration::from_secs(120)).send_json(caps.clone()) {
                Ok(r) => break r.into_json::<Value>()?,
                Err(ureq::Error::Status(code, r)) => bail!("WebDriver {code}: {}", r.into_string().unwrap_or_default()),
                Err(e) if attempt < 5 => {
                    eprintln!("WebDriver session not ready ({e}); asking again");
                    std::thread::sleep(Duration::from_millis(500 * attempt));
                }
                Err(e) => return Err(e.into()),
            }
        };
        let id = v["value"]["sessionId"].as_str().ok_or_else(|| anyhow!("no session id in {v}"))?.to_string();
        Ok(Session { base, id })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The folders an installed app must not read from: the checkout, and the cargo target folder
/// when it is elsewhere.
pub fn checkout_paths() -> Vec<PathBuf> {
    let mut paths = vec![root()];
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).filter(|t| t.is_absolute() && !t.starts_with(root())) {
        paths.push(target);
    }
    paths
}

/// `program` (add its arguments to the command) in a private mount namespace in which each of
/// `hidden` is covered by an empty, read-only tmpfs: a file it reads from there is not found. It
/// starts in `/` (a working folder under a hidden one would still reach the real files), unless
/// the command sets its own.
/// As root (make test installs the package as root) with `unshare --mount`; otherwise in a user
/// namespace, where the kernel allows one.
pub fn hidden_command(hidden: &[PathBuf], program: &Path) -> Command {
    const HIDE: &str =
        r#"while [ "$1" != "--" ]; do mount -t tmpfs -o ro,size=16k,mode=0555 chisanpo-hidden "$1" || exit 97; shift; done; shift; cd / && exec "$@""#;
    let mut c = Command::new("unshare");
    if !is_root() {
        c.arg("--map-root-user");
    }
    c.args(["--mount", "--propagation", "private", "--", "sh", "-c", HIDE, "hide"]).args(hidden).arg("--").arg(program);
    c
}

/// Whether this process runs as root (uid 0).
pub fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0")))
}

pub fn which(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn post(url: &str, body: &Value) -> Result<Value> {
    match ureq::post(url).timeout(Duration::from_secs(120)).send_json(body.clone()) {
        Ok(r) => Ok(r.into_json()?),
        Err(ureq::Error::Status(code, r)) => bail!("WebDriver {code}: {}", r.into_string().unwrap_or_default()),
        Err(e) => Err(e.into()),
    }
}

fn get(url: &str) -> Result<Value> {
    match ureq::get(url).timeout(Duration::from_secs(60)).call() {
        Ok(r) => Ok(r.into_json()?),
        Err(ureq::Error::Status(code, r)) => bail!("WebDriver {code}: {}", r.into_string().unwrap_or_default()),
        Err(e) => Err(e.into()),
    }
}

/// A WebDriver session on the running app.
pub struct Session {
    base: String,
    id: String,
}

/// An element of the page.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Session {
    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{}", self.base, self.id, path)
    }

    /// Find an element now.
    pub fn find_now(&self, css: &str) -> Result<Element> {
        let v = post(&self.url("/element"), &json!({ "using": "css selector", "value": css }))?;
        v["value"][ELEMENT_KEY].as_str().map(|s| Element(s.to_string())).ok_or_else(|| anyhow!("{css} not found"))
    }

    /// Wait until an element exists.
    pub fn find(&self, css: &str) -> Result<Element> {
        let start = Instant::now();
        loop {
            match self.find_now(css) {
                Ok(e) => return Ok(e),
                Err(e) if start.elapsed() > WAIT => {
                    let evidence = self.evidence(&format!("missing-{css}"));
                    return Err(e.context(format!("waited for {css}; {evidence}")));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(150)),
            }
        }
    }

    /// Wait until the element's text contains `needle`; returns the text.
    pub fn wait_text(&self, css: &str, needle: &str) -> Result<String> {
        let start = Instant::now();
        loop {
            let text = self.find_now(css).and_then(|e| self.text(&e)).unwrap_or_default();
            if text.contains(needle) {
                return Ok(text);
            }
            if start.elapsed() > WAIT {
                let evidence = self.evidence(&format!("text-{css}"));
                bail!("{css} never contained {needle:?}; last text: {text:?}; {evidence}");
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    pub fn click(&self, css: &str) -> Result<()> {
        let e = self.find(css)?;
        post(&self.url(&format!("/element/{}/click", e.0)), &json!({})).with_context(|| format!("clicking {css}"))?;
        Ok(())
    }

    /// Type text into an input (after clearing it).
    pub fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css)?;
        post(&self.url(&format!("/element/{}/clear", e.0)), &json!({})).with_context(|| format!("clearing {css}"))?;
        if text.is_empty() {
            // Clearing fires only `change`; the form listens for `input`.
            self.script("arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", json!([{ ELEMENT_KEY: e.0 }]))?;
        } else {
            post(&self.url(&format!("/element/{}/value", e.0)), &json!({ "text": text })).with_context(|| format!("typing into {css}"))?;
        }
        Ok(())
    }

    pub fn text(&self, e: &Element) -> Result<String> {
        Ok(get(&self.url(&format!("/element/{}/text", e.0)))?["value"].as_str().unwrap_or_default().to_string())
    }

    /// Run a script in the page.
    pub fn script(&self, script: &str, args: Value) -> Result<Value> {
        Ok(post(&self.url("/execute/sync"), &json!({ "script": script, "args": args }))?["value"].clone())
    }

    /// Choose the option of a <select> whose text contains `text` (fires `change`).
    pub fn select_by_text(&self, css: &str, text: &str) -> Result<()> {
        let start = Instant::now();
        loop {
            let ok = self.script(
                "const s = document.querySelector(arguments[0]); if (!s) return false; \
                 const o = [...s.options].find(o => o.text.includes(arguments[1])); if (!o) return false; \
                 s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
                json!([css, text]),
            )?;
            if ok == Value::Bool(true) {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                bail!("no option {text:?} in {css}");
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// On a failure: keep a screenshot and the page's HTML, and say where they are.
    fn evidence(&self, name: &str) -> String {
        let safe: String = name.chars().map(|c| if c.is_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let shot = self.screenshot(&format!("failure-{safe}")).map(|p| p.display().to_string()).unwrap_or_else(|e| format!("no screenshot ({e})"));
        let html = get(&self.url("/source")).map(|v| v["value"].as_str().unwrap_or_default().to_string()).unwrap_or_default();
        let html_path = artifacts().join(format!("failure-{safe}.html"));
        let _ = std::fs::write(&html_path, &html);
        format!("screenshot: {shot}, page: {}", html_path.display())
    }

    /// Save a screenshot of the window as an artefact; returns its path.
    pub fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let v = get(&self.url("/screenshot"))?;
        let png = base64::engine::general_purpose::STANDARD.decode(v["value"].as_str().unwrap_or_default())?;
        if !png.starts_with(b"\x89PNG") {
            bail!("the screenshot is not a PNG");
        }
        let path = artifacts().join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Resize the window (CSS pixels), as a user dragging its edge would.
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        post(&self.url("/window/rect"), &json!({ "width": width, "height": height })).context("resizing the window")?;
        Ok(())
    }

    /// End the session: the app quits.
    pub fn quit(self) -> Result<()> {
        match ureq::delete(&format!("{}/session/{}", self.base, self.id)).call() {
            Ok(_) | Err(ureq::Error::Status(..)) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The first-run screen: create the store with a profile and a passphrase; returns the recovery
/// key the app showed once.
pub fn first_run(s: &Session, name: &str, passphrase: &str) -> Result<String> {
    s.find("#first-run-form")?;
    s.fill("#profile-name", name)?;
    s.fill("#profile-affiliation", "さんぽ内科クリニック")?;
    s.fill("#centre-name", "テスト県地域産業保健センター")?;
    s.fill("#new-passphrase", passphrase)?;
    s.fill("#confirm-passphrase", passphrase)?;
    s.click("#create-store")?;
    let key = s.wait_text("#recovery-key", "-")?.trim().to_string();
    s.click("#recovery-kept")?;
    s.click("#start-app")?;
    s.wait_text("#home-screen", name)?;
    Ok(key)
}

/// Add a workplace through the workplaces screen.
pub fn add_workplace(s: &Session, name: &str, kana: &str) -> Result<()> {
    s.click("[data-nav=workplaces]")?;
    s.click("#new-workplace")?;
    s.fill("#wp-name", name)?;
    s.fill("#wp-kana", kana)?;
    s.fill("#wp-male", "8")?;
    s.fill("#wp-female", "3")?;
    s.click("#save-workplace")?;
    s.wait_text("#workplace-saved", name)?;
    Ok(())
}

/// Wait until the element `css` has `data-<key>` (camelCase, as `dataset` names it) equal to
/// `want`: for screens that refresh themselves in the background.
pub fn wait_dataset(s: &Session, css: &str, key: &str, want: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        let v = s.script("const e = document.querySelector(arguments[0]); return e ? (e.dataset[arguments[1]] ?? null) : null;", json!([css, key]))?;
        if v == json!(want) {
            return Ok(());
        }
        if start.elapsed() > WAIT * 2 {
            bail!("{css} data-{key} never became {want}; last: {v}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Run the headless CLI on a data folder (the passphrase in the environment); `json` is written to
/// a temporary file and passed as `--json FILE`. Returns stdout, trimmed.
pub fn cli(data: &str, passphrase: &str, args: &[&str], json: Option<Value>) -> Result<String> {
    let mut c = Command::new(app_binary());
    c.arg("--data-dir").arg(data).args(args).env("CHISANPO_PASSPHRASE", passphrase);
    let file = tempfile::NamedTempFile::new()?;
    if let Some(v) = json {
        std::fs::write(file.path(), v.to_string())?;
        c.arg("--json").arg(file.path());
    }
    let out = c.output()?;
    if !out.status.success() {
        bail!("chisanpo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// A centre and a laptop set up with the CLI, for the centre's tests: the paths of their stores
/// and of the files between them.
pub struct CentreAndLaptop {
    /// The laptop's data folder: a doctor's, with its consultations delivered.
    pub laptop: String,
    /// The centre's data folder: a coordinator's, with its key pair and profile.
    pub centre: String,
    /// The centre's profile, which the laptop enrolled with.
    pub profile: String,
    /// The laptop's enrolment request, for the coordinator to enrol it.
    pub request: String,
    /// The folder the laptop delivers to: the profile's endpoint.
    pub synced: PathBuf,
}

/// Under `root`: a centre called `centre_name` whose profile names a synced folder as its
/// endpoint, and a laptop with `consultations` (at most 3) finalised consultations of FY2025 at
/// one workplace (鷲尾製作所), each a different worker (a second visit in a year would be
/// charged), enrolled with the centre's profile and delivered to that folder.
pub fn centre_and_laptop(root: &Path, centre_name: &str, consultations: usize, laptop_pass: &str, centre_pass: &str) -> Result<CentreAndLaptop> {
    const WORKERS: [(&str, &str, &str); 3] =
        [("2025-06-10", "鷲尾 ヒカル", "ワシオ ヒカル"), ("2025-07-08", "東雲 ミドリ", "シノノメ ミドリ"), ("2025-09-02", "朝霧 ソラ", "アサギリ ソラ")];
    if consultations > WORKERS.len() {
        bail!("centre_and_laptop makes at most {} consultations", WORKERS.len());
    }
    let path = |name: &str| root.join(name).to_string_lossy().to_string();
    let set = CentreAndLaptop {
        laptop: path("laptop"),
        centre: path("centre"),
        profile: path("centre-profile.json"),
        request: path("request.json"),
        synced: root.join("synced"),
    };
    std::fs::create_dir_all(&set.synced)?;
    let synced = set.synced.to_string_lossy().to_string();
    let (laptop, centre) = (set.laptop.as_str(), set.centre.as_str());

    cli(centre, centre_pass, &["init", "--name", "統括 花子", "--role", "coordinator"], None)?;
    cli(centre, centre_pass, &["centre", "init", "--name", centre_name, "--out", &set.profile, "--endpoint", &synced], None)?;
    cli(laptop, laptop_pass, &["init", "--name", "産業 一郎", "--role", "doctor"], None)?;
    let wp = cli(laptop, laptop_pass, &["add", "workplace"], Some(json!({ "name": "鷲尾製作所", "kana": "ワシオセイサクショ", "workers_male": 12 })))?;
    let doctor = cli(laptop, laptop_pass, &["add", "staff"], Some(json!({ "role": "doctor", "name": "診療 次郎", "kana": "シンリョウ ジロウ" })))?;
    for (day, name, kana) in &WORKERS[..consultations] {
        let worker = cli(laptop, laptop_pass, &["add", "worker"], Some(json!({ "workplace_id": wp, "name": name, "kana": kana })))?;
        let id = cli(
            laptop,
            laptop_pass,
            &["add", "consultation"],
            Some(json!({ "performed_on": day, "place": "workplace_visit", "doctor_id": doctor, "workplace_id": wp, "worker_id": worker,
                         "requester": "worker", "kinds": ["health_guidance"], "content": "生活習慣の改善を助言" })),
        )?;
        cli(laptop, laptop_pass, &["finalize", &id], None)?;
    }
    cli(laptop, laptop_pass, &["enrol", "--profile", &set.profile, "--out", &set.request], None)?;
    cli(laptop, laptop_pass, &["deliver", "--to-folder", &synced], None)?;
    Ok(set)
}

/// Unlock the app and point its output folder (PDFs, exports) at `folder`.
pub fn unlock_with_output_folder(s: &Session, passphrase: &str, folder: &Path) -> Result<()> {
    s.fill("#passphrase", passphrase)?;
    s.click("#unlock-button")?;
    s.click("[data-nav=settings]")?;
    s.fill("#settings-pdf-folder", &folder.to_string_lossy())?;
    s.click("#save-app-settings")?;
    s.wait_text("#app-settings-message", "保存しました")?;
    Ok(())
}

/// Print a finalised form from the record screen: the double-check dialog must name the worker
/// and the workplace before anything is written. Returns the PDF's path as shown: a file in the
/// app's private print spool (`<data>/print-spool`), removed when the app locks or quits.
pub fn print_checked(s: &Session, form: &str, worker: &str, workplace: &str) -> Result<PathBuf> {
    s.click(&format!("[data-print={form}]"))?;
    s.wait_text("#dc-worker-name", worker)?;
    s.wait_text("#dc-workplace-name", workplace)?;
    let confirm = s.find("#dc-confirm")?;
    let enabled = s.script("return !arguments[0].disabled;", json!([{ ELEMENT_KEY: confirm.0 }]))?;
    if enabled == Value::Bool(true) {
        bail!("the double-check lets a PDF out before the three checks");
    }
    for c in ["#dc-worker", "#dc-workplace", "#dc-addressee"] {
        s.click(c)?;
    }
    s.click("#dc-confirm")?;
    Ok(PathBuf::from(s.wait_text("#printed-path", ".pdf")?.trim()))
}

/// Set an input's value as a user's edit would end (`input` and `change` fire): for `type=time`
/// and other inputs WebKitWebDriver cannot type into reliably.
pub fn set_value(s: &Session, css: &str, value: &str) -> Result<()> {
    let e = s.find(css)?;
    s.script(
        "const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([{ ELEMENT_KEY: e.0 }, value]),
    )?;
    Ok(())
}

/// The current value of an input.
pub fn value_of(s: &Session, css: &str) -> Result<String> {
    let e = s.find(css)?;
    Ok(s.script("return arguments[0].value;", json!([{ ELEMENT_KEY: e.0 }]))?.as_str().unwrap_or_default().to_string())
}

/// Add a worker to a workplace through the workers screen.
pub fn add_worker(s: &Session, workplace: &str, name: &str, kana: &str, birth: &str) -> Result<()> {
    s.click("[data-nav=workers]")?;
    s.click("#new-worker")?;
    s.select_by_text("#wk-workplace", workplace)?;
    s.fill("#wk-name", name)?;
    s.fill("#wk-kana", kana)?;
    s.fill("#wk-birth", birth)?;
    s.click("#save-worker")?;
    s.wait_text("#workers-screen", name)?;
    Ok(())
}

/// Choose the workplace and the worker of an entry screen by searching as a user types (kana).
pub fn pick_people(s: &Session, workplace_query: &str, workplace: &str, worker: &str) -> Result<()> {
    s.fill("#pick-workplace-search", workplace_query)?;
    s.select_by_text("#pick-workplace", workplace)?;
    s.select_by_text("#pick-worker", worker)?;
    Ok(())
}

/// Click a radio or checkbox of a choice group by its code.
pub fn choose(s: &Session, name: &str, value: &str) -> Result<()> {
    s.click(&format!("#{name}-group input[data-value=\"{value}\"]"))
}

/// W3C key names for `press`.
pub mod key {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SPACE: &str = " ";
    pub const DOWN: &str = "\u{E015}";
    pub const RIGHT: &str = "\u{E014}";
    pub const ALT: &str = "\u{E00A}";
    pub const SHIFT: &str = "\u{E008}";
}

/// Keyboard only: press keys on whatever has the focus (W3C actions). A chord such as
/// `[key::ALT, key::RIGHT]` holds the first keys while the last is pressed.
pub fn press(s: &Session, chord: &[&str]) -> Result<()> {
    let mut actions: Vec<Value> = chord.iter().map(|k| json!({ "type": "keyDown", "value": k })).collect();
    actions.extend(chord.iter().rev().map(|k| json!({ "type": "keyUp", "value": k })));
    post(&s.url("/actions"), &json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })).context("pressing keys")?;
    Ok(())
}

/// Keyboard only: type text into the element that has the focus (as an IME would commit it).
pub fn type_here(s: &Session, text: &str) -> Result<()> {
    let v = get(&s.url("/element/active"))?;
    let id = v["value"][ELEMENT_KEY].as_str().ok_or_else(|| anyhow!("nothing has the focus"))?.to_string();
    post(&s.url(&format!("/element/{id}/value")), &json!({ "text": text })).context("typing into the focused element")?;
    Ok(())
}

/// Keyboard only: press Tab until the focus is on `css` (at most `max` presses). Fails if the
/// focus order never reaches it: that element is not reachable from the keyboard.
pub fn tab_to(s: &Session, css: &str, max: usize) -> Result<()> {
    for _ in 0..=max {
        let here = s.script("return document.activeElement && document.activeElement.matches(arguments[0]);", json!([css]))?;
        if here == Value::Bool(true) {
            return Ok(());
        }
        press(s, &[key::TAB])?;
    }
    let evidence = s.evidence(&format!("tab-{css}"));
    bail!("Tab never reached {css} in {max} presses; {evidence}")
}
