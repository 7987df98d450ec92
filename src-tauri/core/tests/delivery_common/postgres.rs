//! A real PostgreSQL server on 127.0.0.1 for the tests and benchmarks, from Debian's packages
//! (`make test` installs `postgresql`): a fresh cluster in a temporary folder, started with
//! `pg_ctl`, stopped when dropped. As root, the server runs as the `postgres` user (PostgreSQL
//! refuses to run as root).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgServer {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

fn bin_dir() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().join("bin")).filter(|b| b.join("initdb").exists()).collect())
        .unwrap_or_default();
    found.sort_by_key(|p| p.parent().and_then(|v| v.file_name()).and_then(|v| v.to_str()).and_then(|v| v.parse::<u32>().ok()).unwrap_or(0));
    found.pop().unwrap_or_else(|| panic!("PostgreSQL is needed for these tests (`make test` installs Debian's postgresql package)"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn id_of(flag: &str) -> u32 {
    let o = Command::new("id").args([flag, "postgres"]).output().expect("id");
    String::from_utf8_lossy(&o.stdout).trim().parse().expect("the postgres user exists")
}

impl PgServer {
    pub fn start() -> Self {
        Self::start_with(false, false)
    }

    /// A server as a centre runs one: every commit flushed to disk (`fsync` on; the tests' servers
    /// turn it off), and 512 MB of shared buffers. For the benchmarks.
    pub fn start_durable() -> Self {
        Self::start_with(false, true)
    }

    /// A server that takes TLS connections only, with a self-signed certificate for localhost
    /// and 127.0.0.1 (made with the openssl command); `ca()` is that certificate.
    pub fn start_tls() -> Self {
        Self::start_with(true, false)
    }

    /// The certificate a TLS server presents (its own CA).
    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("server.crt")
    }

    fn start_with(tls: bool, durable: bool) -> Self {
        let bin = bin_dir();
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let s = PgServer { dir, bin, port };
        if is_root() {
            std::os::unix::fs::chown(s.dir.path(), Some(id_of("-u")), Some(id_of("-g"))).unwrap();
        }
        let data = s.data();
        s.run("initdb", &["-D", &data, "-A", "trust", "-U", "chisanpo", "-E", "UTF8", "--no-locale", "--no-sync"]);
        let settings = if durable { "-c fsync=on -c shared_buffers=512MB" } else { "-c fsync=off" };
        let mut opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1 {settings}", s.port, s.dir.path().display());
        if tls {
            let (cert, key) = (s.ca(), s.dir.path().join("server.key"));
            let ok = Command::new("openssl")
                .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
                .args(["-keyout", &key.display().to_string(), "-out", &cert.display().to_string()])
                .output()
                .expect("the openssl command makes the test certificate")
                .status
                .success();
            assert!(ok, "openssl could not make a certificate");
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
            if is_root() {
                for f in [&cert, &key] {
                    std::os::unix::fs::chown(f, Some(id_of("-u")), Some(id_of("-g"))).unwrap();
                }
            }
            // TLS only over TCP; the tools' own socket stays as it is.
            std::fs::write(
                std::path::Path::new(&data).join("pg_hba.conf"),
                "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
            )
            .unwrap();
            opts.push_str(&format!(" -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}", cert.display(), key.display()));
        }
        let log = s.dir.path().join("log").display().to_string();
        s.run("pg_ctl", &["-D", &data, "-o", &opts, "-l", &log, "-w", "start"]);
        s
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let out = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(args).output()
        } else {
            Command::new(&exe).args(args).output()
        }
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(out.status.success(), "{tool} failed: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }

    /// A fresh database on this server, and its URL.
    pub fn database(&self, name: &str) -> String {
        self.run("createdb", &["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "chisanpo", name]);
        format!("postgres://chisanpo@127.0.0.1:{}/{name}", self.port)
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let exe = self.bin.join("pg_ctl");
        let _ = if is_root() {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&exe).args(["-D", &data, "-m", "immediate", "stop"]).output()
        } else {
            Command::new(&exe).args(["-D", &data, "-m", "immediate", "stop"]).output()
        };
    }
}
