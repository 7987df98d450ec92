//! A real WebDAV server on 127.0.0.1 for the delivery tests: `rclone serve webdav` over a
#![allow(dead_code)]
//! folder, with basic authentication. `make test` installs rclone from Debian's packages. The
//! server can be stopped mid-test (the network is cut) and started again on the same port.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "centre";
pub const PASSWORD: &str = "app-password-for-tests";

pub struct WebDavServer {
    root: PathBuf,
    pub port: u16,
    child: Option<Child>,
    /// A self-signed certificate and its key: the server speaks HTTPS with a certificate no
    /// client trusts.
    tls: Option<(PathBuf, PathBuf)>,
}

impl WebDavServer {
    /// Serve `root` (created if missing); bundles go to its `chisanpo/` folder.
    pub fn start(root: &Path) -> Self {
        std::fs::create_dir_all(root).unwrap();
        Self::on_a_free_port(WebDavServer { root: root.to_path_buf(), port: 0, child: None, tls: None })
    }

    /// Start on a port of its own. A port found free can be taken by another test's server
    /// before this one binds it (tests run in parallel); then this rclone exits while the
    /// other answers on the port, and this test would talk to the wrong server. So the server
    /// must still be running once the port answers, or another port is tried.
    fn on_a_free_port(mut s: WebDavServer) -> Self {
        for _ in 0..10 {
            s.port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            s.restart();
            std::thread::sleep(Duration::from_millis(200));
            if s.child.as_mut().is_some_and(|c| matches!(c.try_wait(), Ok(None))) {
                return s;
            }
        }
        panic!("no port for the WebDAV server after 10 tries");
    }

    /// Serve over HTTPS with a self-signed certificate (made with the openssl command).
    pub fn start_self_signed(root: &Path) -> Self {
        std::fs::create_dir_all(root).unwrap();
        let (cert, key) = (root.join("server.crt"), root.join("server.key"));
        let ok = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
            .args(["-keyout", &key.display().to_string(), "-out", &cert.display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the openssl command makes the test certificate")
            .success();
        assert!(ok, "openssl could not make a certificate");
        Self::on_a_free_port(WebDavServer { root: root.to_path_buf(), port: 0, child: None, tls: Some((cert, key)) })
    }

    /// The collection URL devices deliver to. It does not exist until the first upload.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}/chisanpo/", self.port)
    }

    /// The folder on disk behind `url()`.
    pub fn dir(&self) -> PathBuf {
        self.root.join("chisanpo")
    }

    /// Cut the network: kill the server.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Start (again) on the same port, and wait until it answers.
    pub fn restart(&mut self) {
        self.stop();
        let mut cmd = Command::new("rclone");
        if let Some((cert, key)) = &self.tls {
            cmd.args(["--cert", &cert.display().to_string(), "--key", &key.display().to_string()]);
        }
        let child = cmd
            .args(["serve", "webdav", &self.root.display().to_string(), "--addr", &format!("127.0.0.1:{}", self.port)])
            .args(["--user", USER, "--pass", PASSWORD, "--dir-cache-time", "1ms", "--poll-interval", "0", "--config", "/dev/null"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("rclone is needed for the WebDAV tests (`make test` installs it with apt): {e}"));
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "the WebDAV server did not start on port {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for WebDavServer {
    fn drop(&mut self) {
        self.stop();
    }
}
