//! WebDAV/HTTPS transport (Nextcloud- and ownCloud-compatible): `PUT` each file, then read it
//! back with `GET` and compare, so an upload cut short is caught on the device and sent again.
//! The centre lists bundles with `PROPFIND` (Depth: 1). Basic authentication with a user name
//! and an app password; the password is kept in the encrypted store and never printed.

use std::io::Read;
use std::time::Duration;

use base64::Engine;
use zeroize::Zeroizing;

use super::transport::{FailureKind, Transport, TransportError, TransportResult};
use crate::store::audit::sha256_hex;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(120);

/// A WebDAV collection, e.g. `https://cloud.example.jp/remote.php/dav/files/centre/chisanpo/`.
pub struct WebDavTransport {
    base: String,
    user: Option<String>,
    password: Option<Zeroizing<String>>,
    agent: ureq::Agent,
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
        let agent = ureq::AgentBuilder::new().timeout_connect(CONNECT_TIMEOUT).timeout_read(IO_TIMEOUT).timeout_write(IO_TIMEOUT).build();
        Ok(WebDavTransport { base, user: user.map(str::to_string).filter(|u| !u.is_empty()), password: password.map(|p| Zeroizing::new(p.to_string())), agent })
    }

    fn request(&self, method: &str, name: &str) -> ureq::Request {
        let mut req = self.agent.request(method, &format!("{}{}", self.base, name));
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

    fn put_once(&self, name: &str, bytes: &[u8]) -> Result<(), Box<ureq::Error>> {
        self.request("PUT", name).set("Content-Type", "application/octet-stream").send_bytes(bytes).map(|_| ()).map_err(Box::new)
    }
}

impl Transport for WebDavTransport {
    fn describe(&self) -> String {
        self.base.clone()
    }

    fn put(&self, name: &str, bytes: &[u8]) -> TransportResult<()> {
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
        match self.request("GET", name).call() {
            Ok(resp) => {
                let mut out = Vec::new();
                resp.into_reader().read_to_end(&mut out).map_err(|_| self.unreachable())?;
                Ok(Some(out))
            }
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
        let mut text = String::new();
        resp.into_reader().take(64 * 1024 * 1024).read_to_string(&mut text).map_err(|_| self.unreachable())?;
        let suffix = format!(".{extension}");
        let mut out: Vec<String> = hrefs(&text).into_iter().filter_map(|h| last_segment(&h)).filter(|n| n.ends_with(&suffix)).collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Every `href` element's text in a multistatus response, whatever the namespace prefix.
fn hrefs(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else { break };
        let tag = &rest[..end];
        let local = tag.rsplit(':').next().unwrap_or(tag);
        if !tag.starts_with('/') && local.trim() == "href" {
            let after = &rest[end + 1..];
            if let Some(close) = after.find('<') {
                out.push(unescape(after[..close].trim()));
            }
        }
        rest = &rest[end + 1..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The file name at the end of an href (absolute URL or path), percent-decoded.
fn last_segment(href: &str) -> Option<String> {
    let path = href.trim_end_matches('/');
    if path.len() != href.len() {
        return None; // a collection
    }
    let seg = path.rsplit('/').next()?;
    let mut bytes = Vec::with_capacity(seg.len());
    let raw = seg.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            if let Ok(b) = u8::from_str_radix(&seg[i + 1..i + 3], 16) {
                bytes.push(b);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8(bytes).ok().filter(|s| !s.is_empty())
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
    fn hrefs_are_read_whatever_the_prefix() {
        let xml = r#"<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/chisanpo/</D:href></D:response>
            <D:response><D:href>/dav/chisanpo/a-00000001.chisanpo-bundle</D:href></D:response>
            <d:response><d:href>http://h/dav/chisanpo/a%2D00000002.chisanpo-bundle.sha256</d:href></d:response>
            <response><href>/x/b&amp;c.txt</href></response></D:multistatus>"#;
        let names: Vec<_> = hrefs(xml).iter().filter_map(|h| last_segment(h)).collect();
        assert_eq!(names, vec!["a-00000001.chisanpo-bundle", "a-00000002.chisanpo-bundle.sha256", "b&c.txt"]);
    }

    #[test]
    fn urls_with_credentials_or_no_scheme_are_refused_and_debug_hides_the_password() {
        assert!(WebDavTransport::new("ftp://x/", None, None).is_err());
        assert!(WebDavTransport::new("https://user:pw@x/", None, None).is_err());
        assert!(WebDavTransport::new("https://", None, None).is_err());
        assert!(WebDavTransport::new("http://cloud.example.jp/dav/", None, None).is_err(), "no password over plain http");
        assert!(WebDavTransport::new("http://127.0.0.1:8080/dav/", None, None).is_ok(), "loopback is fine");
        let t = WebDavTransport::new("https://cloud.example.jp/dav", Some("centre"), Some("s3cret-app-password")).unwrap();
        assert_eq!(t.describe(), "https://cloud.example.jp/dav/");
        assert!(!format!("{t:?}").contains("s3cret"));
        assert!(is_url(" HTTPS://x") && !is_url("/mnt/share"));
    }

    #[test]
    fn a_server_that_is_not_there_is_unreachable() {
        // A port nobody listens on (bound then released).
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let t = WebDavTransport::new(&format!("http://127.0.0.1:{port}/dav/"), None, None).unwrap();
        assert_eq!(t.put("x", b"1").unwrap_err().kind, FailureKind::Unreachable);
        assert_eq!(t.list("x").unwrap_err().kind, FailureKind::Unreachable);
    }
}
