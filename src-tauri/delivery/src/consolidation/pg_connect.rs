//! Connecting to the shared PostgreSQL: over TLS, with the server's certificate checked, to any
//! host but this machine. The platform's own TLS does the work (OpenSSL on Linux, SChannel on
//! Windows, Secure Transport on macOS). A centre whose server uses its own CA gives its
//! certificate (PEM) in `CHISANPO_DATABASE_CA`. Plain connections are for this machine only
//! (an SSH tunnel or VPN ends here), or, with `CHISANPO_DATABASE_ALLOW_REMOTE_PLAINTEXT=1`, for a
//! network already encrypted end to end. See docs/centre-postgresql.md.

use std::path::Path;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use crate::error::{DeliveryCode, Error, Result};
use crate::transport::{error_chain, names_certificate};

/// How to connect.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    Plain,
    /// TLS required, with the certificate checked.
    Tls,
}

fn is_loopback(h: &Host) -> bool {
    match h {
        Host::Tcp(name) => matches!(name.trim_matches(['[', ']']), "127.0.0.1" | "localhost" | "::1"),
        // A Unix socket is on this machine.
        #[cfg(unix)]
        Host::Unix(_) => true,
    }
}

/// The channel for these hosts and `sslmode`. On this machine, TLS only when the URL asks for it
/// (`sslmode=require`); anywhere else always, unless plaintext was allowed and asked for
/// (`sslmode=disable`).
/// `hostaddrs` (`?hostaddr=`) are where the connection really goes when given: they count too.
pub(crate) fn channel(hosts: &[Host], hostaddrs: &[std::net::IpAddr], mode: SslMode, allow_remote_plaintext: bool, label: &str) -> Result<Channel> {
    let local = !hosts.is_empty() && hosts.iter().all(is_loopback) && hostaddrs.iter().all(std::net::IpAddr::is_loopback);
    match (local, mode) {
        (true, SslMode::Require) => Ok(Channel::Tls),
        (true, _) => Ok(Channel::Plain),
        (false, SslMode::Disable) if allow_remote_plaintext => Ok(Channel::Plain),
        (false, SslMode::Disable) => Err(Error::delivery(
            DeliveryCode::Database,
            format!(
                "共有データベース（{label}）へ暗号化なし（sslmode=disable）ではつなぎません。URL から sslmode=disable を外してください（TLS で接続します）。"
            ),
        )),
        (false, _) => Ok(Channel::Tls),
    }
}

fn tls_connector(ca: Option<&Path>, label: &str) -> Result<postgres_native_tls::MakeTlsConnector> {
    let mut builder = native_tls::TlsConnector::builder();
    if let Some(path) = ca {
        let pem = std::fs::read(path).map_err(|_| Error::File { path: path.display().to_string(), source: None })?;
        let cert = native_tls::Certificate::from_pem(&pem).map_err(|_| {
            Error::delivery(
                DeliveryCode::Database,
                format!("CA 証明書（{}）を読み取れません。PEM 形式の証明書ファイルを CHISANPO_DATABASE_CA に指定してください。", path.display()),
            )
        })?;
        builder.add_root_certificate(cert);
    }
    let connector =
        builder.build().map_err(|_| Error::delivery(DeliveryCode::Database, format!("共有データベース（{label}）への TLS を準備できませんでした。")))?;
    Ok(postgres_native_tls::MakeTlsConnector::new(connector))
}

/// A failed connection: a certificate problem says what to give; anything else, what to check.
fn connect_error(e: &postgres::Error, label: &str, tls: bool) -> Error {
    // Under the database error: the TLS library's own, or one that names a certificate.
    let certificate = error_chain(e).skip(1).any(|s| s.is::<native_tls::Error>() || names_certificate(s));
    if tls && certificate {
        return Error::delivery(DeliveryCode::Database, format!(
            "共有データベース（{label}）のサーバー証明書を確かめられません。データベースの管理者から CA 証明書（PEM）を受け取り、CHISANPO_DATABASE_CA に指定してください。ホスト名が証明書と合っているかも確かめてください。"
        ));
    }
    Error::delivery(
        DeliveryCode::Database,
        format!("共有データベース（{label}）に接続できません。URL、ユーザー名とパスワード、サーバーが動いているか、TLS の設定を確かめてください。"),
    )
}

/// Connect to `url` (`label` is it without the password), checking the server's certificate
/// against the platform's roots and `ca`.
pub(crate) fn connect(url: &str, label: &str, ca: Option<&Path>) -> Result<Client> {
    let mut config: Config = url.parse().map_err(|_| {
        Error::invalid(
            "database",
            "データベースの URL を読み取れません。postgres://ユーザー@ホスト/データベース名 の形で指定してください（sslmode は disable・prefer・require のどれか。別のホストへはいつも証明書を確かめます）。",
        )
    })?;
    let allow = std::env::var("CHISANPO_DATABASE_ALLOW_REMOTE_PLAINTEXT").as_deref() == Ok("1");
    match channel(config.get_hosts(), config.get_hostaddrs(), config.get_ssl_mode(), allow, label)? {
        Channel::Plain => config.connect(NoTls).map_err(|e| connect_error(&e, label, false)),
        Channel::Tls => {
            config.ssl_mode(SslMode::Require);
            config.connect(tls_connector(ca, label)?).map_err(|e| connect_error(&e, label, true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_everywhere_but_this_machine_and_plaintext_only_when_allowed_and_asked() {
        let local = [Host::Tcp("127.0.0.1".into())];
        let remote = [Host::Tcp("db.centre.example.jp".into())];
        assert_eq!(channel(&local, &[], SslMode::Prefer, false, "x").unwrap(), Channel::Plain);
        assert_eq!(channel(&local, &[], SslMode::Require, false, "x").unwrap(), Channel::Tls);
        assert_eq!(channel(&remote, &[], SslMode::Prefer, false, "x").unwrap(), Channel::Tls);
        assert_eq!(channel(&remote, &[], SslMode::Require, false, "x").unwrap(), Channel::Tls);
        assert!(matches!(channel(&remote, &[], SslMode::Disable, false, "x"), Err(Error::Delivery { message: m, .. }) if m.contains("sslmode=disable")));
        assert_eq!(channel(&remote, &[], SslMode::Disable, true, "x").unwrap(), Channel::Plain);
        // One remote host among several is remote.
        let mixed = [Host::Tcp("localhost".into()), Host::Tcp("10.0.0.5".into())];
        assert_eq!(channel(&mixed, &[], SslMode::Prefer, false, "x").unwrap(), Channel::Tls);
        assert_eq!(channel(&[Host::Tcp("[::1]".into())], &[], SslMode::Prefer, false, "x").unwrap(), Channel::Plain);
        // `localhost?hostaddr=203.0.113.5` goes to another machine: TLS.
        let far: [std::net::IpAddr; 1] = ["203.0.113.5".parse().unwrap()];
        assert_eq!(channel(&local, &far, SslMode::Prefer, false, "x").unwrap(), Channel::Tls);
        let near: [std::net::IpAddr; 1] = ["127.0.0.1".parse().unwrap()];
        assert_eq!(channel(&local, &near, SslMode::Prefer, false, "x").unwrap(), Channel::Plain);
    }

    #[test]
    fn an_sslmode_libpq_has_and_this_client_lacks_is_explained() {
        let Err(err) = connect("postgres://c@db.centre.example.jp/chisanpo?sslmode=verify-full", "db.centre.example.jp/chisanpo", None) else {
            panic!("verify-full is not a mode this client parses");
        };
        assert!(err.to_string().contains("sslmode は disable・prefer・require"), "{err}");
    }
}
