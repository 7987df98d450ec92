//! WebDAV/HTTPS transport (Nextcloud- and ownCloud-compatible): `PUT` each file, then read it
//! back with `GET` and compare, so an upload cut short is caught on the device and sent again.
//! The centre lists bundles with `PROPFIND` (Depth: 1). Basic authentication with a user name
//! and an app password; the password is kept in the encrypted store and never printed.
//!
//! Nothing the server sends is trusted: a listing names only files directly inside the
//! collection (`href`), and no answer is read beyond `max_bytes` (a bundle's largest size), so a
//! hostile or broken server can neither point the centre at other files nor fill its memory.

mod href;

use std::io::Read;
use std::time::Duration;

use base64::Engine;
use zeroize::Zeroizing;

use super::transport::{FailureKind, Transport, TransportError, TransportResult};
use crate::store::audit::sha256_hex;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest one request may take, answer included: a server that trickles a byte just
/// inside `IO_TIMEOUT` must not hold the delivery thread for days. A bundle of the largest size
/// still goes in time over a line of 0.5 Mbit/s.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(20 * 60);

/// The most one answer (a file, or a listing) may hold: the largest bundle a device makes.
pub const MAX_READ_BYTES: u64 = super::bundle::MAX_FILE_BYTES;

/// A WebDAV collection, e.g. `https://cloud.example.jp/remote.php/dav/files/centre/chisanpo/`.
pub struct WebDavTransport {
    base: String,
    user: Option<String>,
    password: Option<Zeroizing<String>>,
    agent: ureq::Agent,
    /// The most one GET or PROPFIND answer may hold (`MAX_READ_BYTES` unless set smaller).
    max_bytes: u64,
    /// The longest one request may take (`REQUEST_DEADLINE` unless set shorter).
    deadline: Duration,
    /// The collection's path, which every listed `href` must be directly inside.
    collection: href::Collection,
}

impl std::fmt::Debug for WebDavTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebDavTransport").field("base", &self.base).field("user", &self.user).finish_non_exhaustive()
    }
}

/// Whether a delivery endpoint is a URL (WebDAV) rather than a folder.
pub fn is_url(endpoint: &str) -> bool {
    let e = endpoint.trim().to_ascii_lowercase();
    e.starts_with("http://") || e.starts_with("https://")
}

impl WebDavTransport {
    /// `url` must be http(s) and carry no user or password (give those separately).
    pub fn new(url: &str, user: Option<&str>, password: Option<&str>) -> crate::error::Result<Self> {
        let url = url.trim();
        let after_scheme = url.split_once("://").map(|(_, r)| r).unwrap_or("");
        let authority = after_scheme.split('/').next().unwrap_or("");
        if !is_url(url) || authority.is_empty() {
            return Err(crate::error::Error::invalid(
                "url",
                "配送先の URL は http:// か https:// で始めてください（例: https://cloud.example.jp/remote.php/dav/files/ユーザー/chisanpo/）。",
            ));
        }
        let host = authority.rsplit_once(':').map(|(h, _)| h).unwrap_or(authority).trim_matches(['[', ']']);
        let loopback = matches!(host, "127.0.0.1" | "localhost" | "::1");
        if url.to_ascii_lowercase().starts_with("http://") && !loopback {
            return Err(crate::error::Error::invalid(
                "url",
                "暗号化されていない http:// ではパスワードが読まれてしまいます。https:// で始まる URL を指定してください。",
            ));
        }
        if authority.contains('@') {
            return Err(crate::error::Error::invalid(
                "url",
                "URL にユーザー名やパスワードを含めないでください。ユーザー名とアプリパスワードは別の欄に入力してください。",
            ));
        }
        let base = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
        let Some(collection) = href::Collection::of(&base) else {
            return Err(crate::error::Error::invalid(
                "url",
                "配送先の URL の書き方が正しくありません（空のフォルダ名「//」や、% の後に16進数2桁がないなど）。サーバーの管理画面に出ている URL をそのまま貼り付けてください。",
            ));
        };
        let agent = ureq::AgentBuilder::new().timeout_connect(CONNECT_TIMEOUT).timeout_read(IO_TIMEOUT).timeout_write(IO_TIMEOUT).build();
        Ok(WebDavTransport {
            base,
            user: user.map(str::to_string).filter(|u| !u.is_empty()),
            password: password.map(|p| Zeroizing::new(p.to_string())),
            agent,
            max_bytes: MAX_READ_BYTES,
            deadline: REQUEST_DEADLINE,
            collection,
        })
    }

    /// Read at most `max_bytes` of each answer (a smaller device, or a test). `MAX_READ_BYTES`
    /// is both the default and the most it can be.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes.min(MAX_READ_BYTES);
        self
    }

    /// Give up on a request after `deadline` (a test). `REQUEST_DEADLINE` is both the default
    /// and the longest it can be.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline.min(REQUEST_DEADLINE);
        self
    }

    /// A request for `name` in the collection (`""`: the collection). The name is escaped, so a
    /// `%`, `#` or `?` in it is part of the name; `one_file` has checked it is one segment.
    fn request(&self, method: &str, name: &str) -> ureq::Request {
        let mut req = self.agent.request(method, &format!("{}{}", self.base, href::percent_encode(name))).timeout(self.deadline);
        if let Some(user) = &self.user {
            let pair = Zeroizing::new(format!("{user}:{}", self.password.as_deref().map(String::as_str).unwrap_or("")));
            let token = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(pair.as_bytes()));
            req = req.set("Authorization", &format!("Basic {}", token.as_str()));
        }
        req
    }

    fn unreachable(&self) -> TransportError {
        TransportError::new(
            FailureKind::Unreachable,
            format!(
                "配送先（{}）に接続できません（ネットワークにつながっていないか、サーバーが止まっています）。記録は端末に残っていて、つながったら自動で送ります。",
                self.base
            ),
        )
    }

    /// Sort a failed response into what the delivery pass should do.
    fn failure(&self, err: ureq::Error, what: &str) -> TransportError {
        let code = match err {
            ureq::Error::Transport(t) if is_certificate_error(&t) => {
                return TransportError::new(
                    FailureKind::Setup,
                    format!(
                        "配送先（{}）のサーバー証明書を信頼できません（期限切れ、名前の不一致、または自己署名）。URL が正しいか、センターの担当者に確かめてください。記録は端末に残っています。",
                        self.base
                    ),
                )
            }
            ureq::Error::Transport(_) => return self.unreachable(),
            ureq::Error::Status(code, _) => code,
        };
        match code {
            401 | 403 => TransportError::new(
                FailureKind::Setup,
                format!(
                    "配送先（{}）に認証を拒否されました（HTTP {code}）。設定のユーザー名とアプリパスワードを確かめてください。記録は端末に残っています。",
                    self.base
                ),
            ),
            404 | 405 | 409 => TransportError::new(
                FailureKind::Setup,
                format!(
                    "配送先のフォルダ（{}）がありません（HTTP {code}）。URL を確かめるか、サーバーでフォルダを作ってください。記録は端末に残っています。",
                    self.base
                ),
            ),
            408 | 429 | 500..=599 => TransportError::new(
                FailureKind::Unreachable,
                format!("配送先（{}）が一時的に応答しません（HTTP {code}）。記録は端末に残っていて、時間をおいて自動で送り直します。", self.base),
            ),
            _ => TransportError::new(
                FailureKind::ThisFile,
                format!("配送先が{what}を受け付けませんでした（HTTP {code}）。自動で送り直し、続けて失敗したら保留にします。"),
            ),
        }
    }

    fn collection_exists(&self) -> bool {
        self.request("PROPFIND", "").set("Depth", "0").call().is_ok_and(|r| r.status() == 207 || r.status() == 200)
    }

    /// Read a whole answer, refusing one that is (or says it is) larger than `max_bytes` before
    /// holding more than that in memory. `what` names it in the message (a file name or the
    /// listing, never its content).
    fn read_capped(&self, resp: ureq::Response, what: &str, kind: FailureKind) -> TransportResult<Vec<u8>> {
        let too_big = || {
            TransportError::new(
                kind,
                format!(
                    "配送先（{}）の{what}が大きすぎるため読みませんでした（{} MB まで）。地さんぽノートの配送ファイルではないか、壊れています。配送先のフォルダから取り除いてください。",
                    self.base,
                    self.max_bytes.div_ceil(1024 * 1024)
                ),
            )
        };
        if resp.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()).is_some_and(|n| n > self.max_bytes) {
            return Err(too_big());
        }
        let mut out = Vec::new();
        resp.into_reader().take(self.max_bytes + 1).read_to_end(&mut out).map_err(|_| self.unreachable())?;
        if out.len() as u64 > self.max_bytes {
            return Err(too_big());
        }
        Ok(out)
    }

    fn put_once(&self, name: &str, bytes: &[u8]) -> Result<(), Box<ureq::Error>> {
        self.request("PUT", name).set("Content-Type", "application/octet-stream").send_bytes(bytes).map(|_| ()).map_err(Box::new)
    }
}

impl Transport for WebDavTransport {
    fn describe(&self) -> String {
        self.base.clone()
    }

    fn put(&self, name: &str, bytes: &[u8]) -> TransportResult<()> {
        one_file(name)?;
        match self.put_once(name, bytes).map_err(|e| *e) {
            Ok(()) => {}
            // The collection may not exist yet: make it once, then try again.
            Err(ureq::Error::Status(404 | 405 | 409, _)) => {
                match self.request("MKCOL", "").call() {
                    Ok(_) | Err(ureq::Error::Status(405, _)) => {}
                    Err(e) => return Err(self.failure(e, "フォルダの作成")),
                }
                match self.put_once(name, bytes).map_err(|e| *e) {
                    Ok(()) => {}
                    // The collection is there, so it is this file the server refuses (e.g. a
                    // folder of the same name): the others go on.
                    Err(ureq::Error::Status(code @ (404 | 405 | 409), _)) if self.collection_exists() => {
                        return Err(TransportError::new(
                            FailureKind::ThisFile,
                            format!("配送先が {name} を受け付けませんでした（HTTP {code}。同じ名前のフォルダがあるなど）。自動で送り直し、続けて失敗したら保留にします。"),
                        ))
                    }
                    Err(e) => return Err(self.failure(e, "ファイル")),
                }
            }
            Err(e) => return Err(self.failure(e, "ファイル")),
        }
        // Read it back: an upload cut short, or changed on the way, is caught here.
        match self.get(name)? {
            Some(back) if back.len() == bytes.len() && sha256_hex(&back) == sha256_hex(bytes) => Ok(()),
            _ => Err(TransportError::new(
                FailureKind::ThisFile,
                format!("配送先（{}）に届いたファイルが送ったものと一致しません（途中で切れた可能性があります）。自動で送り直します。", self.base),
            )),
        }
    }

    fn get(&self, name: &str) -> TransportResult<Option<Vec<u8>>> {
        one_file(name)?;
        match self.request("GET", name).call() {
            Ok(resp) => self.read_capped(resp, &format!(" {name} "), FailureKind::ThisFile).map(Some),
            Err(ureq::Error::Status(404 | 410, _)) => Ok(None),
            Err(e) => Err(self.failure(e, "読み出し")),
        }
    }

    fn list(&self, extension: &str) -> TransportResult<Vec<String>> {
        let body = r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>"#;
        let resp = self
            .request("PROPFIND", "")
            .set("Depth", "1")
            .set("Content-Type", "application/xml; charset=utf-8")
            .send_string(body)
            .map_err(|e| self.failure(e, "一覧の要求"))?;
        // Too long a listing is not one file's fault: the folder needs tidying (a setting to fix).
        let bytes = self.read_capped(resp, "一覧", FailureKind::Setup)?;
        let suffix = format!(".{extension}");
        let mut out: Vec<String> =
            href::hrefs(&String::from_utf8_lossy(&bytes)).into_iter().filter_map(|h| self.collection.child(&h)).filter(|n| n.ends_with(&suffix)).collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// A name must be one file directly inside the collection. Escaping is not enough: servers
/// decode `%2F` back into a slash, so a name holding `/`, `\`, `.` or `..` is refused here.
fn one_file(name: &str) -> TransportResult<()> {
    if href::safe_name(name) {
        return Ok(());
    }
    Err(TransportError::new(
        FailureKind::ThisFile,
        format!("ファイル名「{}」は配送先のフォルダの中の1つのファイルを指していないため使いません（/ や .. を含むなど）。", name.escape_debug()),
    ))
}

/// A TLS certificate the server presented and rustls refused: a setting to fix (the URL, or the
/// server's certificate), not a network that is away, so it is not retried as if it were.
fn is_certificate_error(t: &ureq::Transport) -> bool {
    super::transport::error_chain(t).any(super::transport::names_certificate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_credentials_or_no_scheme_are_refused_and_debug_hides_the_password() {
        assert!(WebDavTransport::new("ftp://x/", None, None).is_err());
        assert!(WebDavTransport::new("https://user:pw@x/", None, None).is_err());
        assert!(WebDavTransport::new("https://", None, None).is_err());
        assert!(WebDavTransport::new("https://x/dav/%ZZ/", None, None).is_err(), "a path that does not decode");
        assert!(WebDavTransport::new("https://x/dav//chisanpo/", None, None).is_err(), "an empty segment");
        assert!(WebDavTransport::new("https://cloud.example.jp/remote.php/dav/files/%E3%82%BB%E3%83%B3%E3%82%BF%E3%83%BC/chisanpo", None, None).is_ok());
        assert!(WebDavTransport::new("https://cloud.example.jp/remote.php/dav/files/センター/chisanpo/", None, None).is_ok());
        assert!(WebDavTransport::new("http://cloud.example.jp/dav/", None, None).is_err(), "no password over plain http");
        assert!(WebDavTransport::new("http://127.0.0.1:8080/dav/", None, None).is_ok(), "loopback is fine");
        let t = WebDavTransport::new("https://cloud.example.jp/dav", Some("centre"), Some("s3cret-app-password")).unwrap();
        assert_eq!(t.describe(), "https://cloud.example.jp/dav/");
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(is_url(" HTTPS://x") && !is_url("/mnt/share"));
    }

    use std::io::Write;
    use std::net::{TcpListener, TcpStream};

    type Answer = Box<dyn FnOnce(&mut TcpStream) + Send>;

    /// A server on 127.0.0.1 that answers each connection, in turn, with the next answer, after
    /// reading the request's head. Returns the collection URL to give the transport.
    fn server(answers: Vec<Answer>) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/dav/chisanpo/", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for answer in answers {
                let Ok((mut s, _)) = listener.accept() else { return };
                let (mut head, mut buf) = (Vec::new(), [0u8; 4096]);
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                answer(&mut s);
            }
        });
        url
    }

    fn answer(status: &'static str, headers: String, body: Vec<u8>) -> Answer {
        Box::new(move |s: &mut TcpStream| {
            let _ = write!(s, "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}\r\n");
            let _ = s.write_all(&body);
        })
    }

    #[test]
    fn a_listing_names_only_files_directly_inside_the_collection() {
        let name = "01977a00-0000-7000-8000-000000000001-00000001-0123456789abcdef.chisanpo-bundle";
        let xml = format!(
            r#"<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">
            <d:response><d:href>/dav/chisanpo/</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/{name}</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%E5%8F%97%E9%A0%98%20%E3%81%82.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/..%2Fother-centre%2F{name}</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/other-centre%2F{name}</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%2E%2E</d:href></d:response>
            <d:response><d:href>/dav/other-centre/x.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/x.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>https://evil.example.jp/dav/chisanpo/y.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/sub/z.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%あ.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/a.chisanpo-bundle%4</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%ZZ.chisanpo-bundle</d:href></d:response>
            <d:response><d:href>/dav/chisanpo/%FF%FE.chisanpo-bundle</d:href></d:response>
            </d:multistatus>"#
        );
        let url = server(vec![answer("207 Multi-Status", format!("Content-Length: {}\r\n", xml.len()), xml.into_bytes())]);
        let t = WebDavTransport::new(&url, None, None).unwrap();
        assert_eq!(t.list("chisanpo-bundle").unwrap(), vec![name.to_string(), "受領 あ.chisanpo-bundle".to_string()]);
    }

    #[test]
    fn an_answer_larger_than_a_bundle_is_refused_by_name_without_reading_it() {
        let name = "a.chisanpo-bundle";
        // 1. It says how large it is: refused before a byte of it is read.
        let url = server(vec![answer("200 OK", "Content-Length: 1099511627776\r\n".into(), Vec::new())]);
        let e = WebDavTransport::new(&url, None, None).unwrap().get(name).unwrap_err();
        assert_eq!(e.kind, FailureKind::ThisFile);
        assert!(e.message.contains(name) && e.message.contains("大きすぎる") && e.message.contains("64 MB"), "{}", e.message);
        // 2. It does not say, and sends one byte more than the largest bundle: the transport
        // stops reading there (it never holds more than the cap and a byte).
        let more = MAX_READ_BYTES as usize + 1;
        let streaming: Answer = Box::new(move |s: &mut TcpStream| {
            let _ = write!(s, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
            let chunk = vec![b'x'; 1 << 20];
            let mut left = more;
            while left > 0 {
                let n = left.min(chunk.len());
                if s.write_all(&chunk[..n]).is_err() {
                    return;
                }
                left -= n;
            }
        });
        let url = server(vec![streaming]);
        let e = WebDavTransport::new(&url, None, None).unwrap().get(name).unwrap_err();
        assert_eq!(e.kind, FailureKind::ThisFile);
        assert!(e.message.contains(name) && e.message.contains("大きすぎる"), "{}", e.message);
        // 3. Exactly the cap is read whole; a listing beyond it is refused as a setting to fix.
        let url = server(vec![
            answer("200 OK", String::new(), vec![b'y'; 4096]),
            answer("207 Multi-Status", String::new(), format!("<d:multistatus xmlns:d=\"DAV:\">{}</d:multistatus>", " ".repeat(5000)).into_bytes()),
        ]);
        let t = WebDavTransport::new(&url, None, None).unwrap().with_max_bytes(4096);
        assert_eq!(t.get(name).unwrap().map(|b| b.len()), Some(4096));
        let e = t.list("chisanpo-bundle").unwrap_err();
        assert_eq!(e.kind, FailureKind::Setup);
        assert!(e.message.contains("一覧") && e.message.contains("大きすぎる"), "{}", e.message);
        assert_eq!(WebDavTransport::new(&url, None, None).unwrap().with_max_bytes(u64::MAX).max_bytes, MAX_READ_BYTES, "never above the cap");
    }

    #[test]
    fn a_server_that_trickles_its_answer_is_given_up_on_at_the_deadline() {
        // One byte every 200 ms, never idle long enough for the read timeout.
        let trickle: Answer = Box::new(|s: &mut TcpStream| {
            let _ = write!(s, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1000\r\n\r\n");
            for _ in 0..1000 {
                if s.write_all(b"x").and_then(|()| s.flush()).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        });
        let url = server(vec![trickle]);
        let t = WebDavTransport::new(&url, None, None).unwrap().with_deadline(Duration::from_secs(1));
        let started = std::time::Instant::now();
        let e = t.get("a.chisanpo-bundle").unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
        assert_eq!(e.kind, FailureKind::Unreachable, "{}", e.message);
        assert_eq!(WebDavTransport::new(&url, None, None).unwrap().with_deadline(Duration::MAX).deadline, REQUEST_DEADLINE, "never longer");
    }

    #[test]
    fn a_server_that_is_not_there_is_unreachable() {
        // A port nobody listens on (bound then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let t = WebDavTransport::new(&format!("http://127.0.0.1:{port}/dav/"), None, None).unwrap();
        assert_eq!(t.put("x", b"1").unwrap_err().kind, FailureKind::Unreachable);
        assert_eq!(t.list("x").unwrap_err().kind, FailureKind::Unreachable);
        // A name that is not one file inside the collection is refused before any request.
        for bad in ["../x.chisanpo-bundle", "sub/x.chisanpo-bundle", "..", ".", "", "a\\b", "a\nb"] {
            assert_eq!(t.get(bad).unwrap_err().kind, FailureKind::ThisFile, "{bad:?}");
            assert_eq!(t.put(bad, b"1").unwrap_err().kind, FailureKind::ThisFile, "{bad:?}");
        }
    }
}
