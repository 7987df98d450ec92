//! Where the centre's app consolidates: this store (the default), or a shared PostgreSQL database
//! chosen in 設定 (issue 18, item 4). The URL, which may hold a password, is kept in this store's
//! encrypted settings and shown only as its host and database. Every centre screen and the
//! background import go through `with_consolidation`, so the app, the CLI (when `--database` is
//! not given) and the schedule all work on the same consolidated store.

use crate::consolidation::sqlite::SqliteConsolidation;
use crate::consolidation::Consolidation;
use crate::enrol::Enrolment;
use crate::error::{DeliveryCode, Error, Result};
use crate::store::{Action, Store};
use crate::{delete_setting, get_setting, put_setting};

/// The settings key of the shared database's URL.
const SETTING: &str = "centre_database_url";

/// A shared database's URL: shown, printed and logged as its host and database only.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(zeroize::Zeroizing<String>);

impl DatabaseUrl {
    pub fn new(url: &str) -> Self {
        DatabaseUrl(zeroize::Zeroizing::new(url.trim().to_string()))
    }

    /// The URL itself, for connecting only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The host and database, never the user's password.
    pub fn label(&self) -> String {
        label_of(&self.0)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.label()).finish()
    }
}

#[cfg(feature = "postgres")]
fn label_of(url: &str) -> String {
    crate::consolidation::postgres::label_of(url)
}

#[cfg(not(feature = "postgres"))]
fn label_of(url: &str) -> String {
    url.rsplit('@').next().unwrap_or_default().split('?').next().unwrap_or_default().to_string()
}

/// The centre's choice of consolidated store.
pub trait CentreDatabase {
    /// The shared database the centre consolidates into; `None`: this store.
    fn centre_database(&self) -> Result<Option<DatabaseUrl>>;

    /// Consolidate into the shared database at `url` from now on, after connecting to it once
    /// (which creates or migrates its tables when this role may, and refuses a database whose
    /// schema is newer than this app); `None`: into this store again. The choice is in the audit
    /// log with the host and database only. Returns the database's label.
    fn set_centre_database(&self, url: Option<&str>) -> Result<Option<String>>;

    /// Run `f` on the centre's consolidated store: the shared database when one is chosen,
    /// this store otherwise.
    fn with_consolidation<T>(&self, f: impl FnOnce(&mut dyn Consolidation) -> Result<T>) -> Result<T>;
}

impl CentreDatabase for Store {
    fn centre_database(&self) -> Result<Option<DatabaseUrl>> {
        Ok(self.read(|c| get_setting(c, SETTING))?.filter(|u| !u.trim().is_empty()).map(|u| DatabaseUrl::new(&u)))
    }

    fn set_centre_database(&self, url: Option<&str>) -> Result<Option<String>> {
        if !self.is_centre()? {
            return Err(Error::delivery(
                DeliveryCode::NotACentre,
                "この端末はセンターではありません。共有データベースはセンターの設定で選びます（`chisanpo centre init` の後）。",
            ));
        }
        let url = url.map(DatabaseUrl::new).filter(|u| !u.expose().is_empty());
        if let Some(u) = &url {
            if !u.expose().starts_with("postgres://") && !u.expose().starts_with("postgresql://") {
                return Err(Error::invalid("database", "共有データベースの URL は postgres://ユーザー名@ホスト名/データベース名 の形で入力してください。"));
            }
            check_choice(self, u)?;
        }
        let label = url.as_ref().map(DatabaseUrl::label);
        self.write(|tx| {
            match &url {
                Some(u) => put_setting(tx, SETTING, u.expose())?,
                None => delete_setting(tx, SETTING)?,
            }
            // The new store is imported into at the next tick, not after the poll interval.
            crate::schedule::due_now_keys(tx, &crate::schedule::CENTRE_IMPORT)?;
            let to = label.clone().unwrap_or_else(|| "この端末のストア".into());
            self.audit(tx, Action::Edit, "centre_database", serde_json::json!({ "delivery": "centre_database", "to": to })).map(|_| ())
        })?;
        Ok(label)
    }

    fn with_consolidation<T>(&self, f: impl FnOnce(&mut dyn Consolidation) -> Result<T>) -> Result<T> {
        match self.centre_database()? {
            Some(url) => with_shared(self, &url, f),
            None => f(&mut SqliteConsolidation(self)),
        }
    }
}

#[cfg(feature = "postgres")]
fn connect<'a>(store: &'a Store, url: &DatabaseUrl) -> Result<crate::consolidation::postgres::PgConsolidation<'a>> {
    crate::consolidation::postgres::PgConsolidation::connect(url.expose(), store)
}

/// Connect once, and refuse a database that holds another centre's records: this centre's
/// imports would go into that centre's 台帳.
#[cfg(feature = "postgres")]
fn check_choice(store: &Store, url: &DatabaseUrl) -> Result<()> {
    let mut db = connect(store, url)?;
    let (ours, _) = store.read(crate::enrol::require_centre)?;
    if let Some(other) = db.centres_held()?.into_iter().find(|c| *c != ours) {
        return Err(Error::delivery(
            DeliveryCode::Database,
            format!(
                "共有データベース（{}）には、別のセンター（ID {other}）の記録が入っています。1つのデータベースには1つのセンターの記録だけを入れます。このセンター用のデータベースの URL を入力してください（分からなければデータベース管理者に確認してください）。設定は変えていません。",
                url.label()
            ),
        ));
    }
    Ok(())
}

#[cfg(not(feature = "postgres"))]
fn check_choice(_: &Store, _: &DatabaseUrl) -> Result<()> {
    Err(no_postgres())
}

#[cfg(feature = "postgres")]
fn with_shared<T>(store: &Store, url: &DatabaseUrl, f: impl FnOnce(&mut dyn Consolidation) -> Result<T>) -> Result<T> {
    f(&mut connect(store, url)?)
}

#[cfg(not(feature = "postgres"))]
fn with_shared<T>(_: &Store, _: &DatabaseUrl, _: impl FnOnce(&mut dyn Consolidation) -> Result<T>) -> Result<T> {
    Err(no_postgres())
}

/// This build was made without the centre's PostgreSQL (the feature `postgres`).
#[cfg(not(feature = "postgres"))]
pub fn no_postgres() -> Error {
    Error::delivery(
        DeliveryCode::NoDatabase,
        "この版は共有の PostgreSQL に対応していません（端末用の版）。センター用の版で実行するか、設定で共有データベースの選択を外してこのストアで集約してください。",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_never_shown_with_its_password() {
        let u = DatabaseUrl::new(" postgres://coord:s3cret@db.example.jp:5432/chisanpo ");
        assert_eq!(u.label(), "db.example.jp:5432/chisanpo");
        assert!(!format!("{u:?}").contains("s3cret"), "{u:?}");
        assert_eq!(u.expose(), "postgres://coord:s3cret@db.example.jp:5432/chisanpo");
    }
}
