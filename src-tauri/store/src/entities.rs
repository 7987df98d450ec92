//! Workplaces, workers and staff: stored as JSON with their searchable facts as columns.
//! One generic implementation serves all three; each kind says only what is particular to it.

use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::{kana, Staff, Worker, Workplace};
use crate::error::{Error, Result};

use super::{new_id, now, today, Action, EntityRow, Store};

/// What the generic entity code needs to know about a kind of entity.
pub(crate) trait Entity: Serialize + DeserializeOwned + Clone {
    const TABLE: &'static str;
    /// The Japanese name, for messages.
    const WHAT: &'static str;
    /// The identifier in audit entries.
    const KIND: &'static str;
    fn name(&self) -> &str;
    /// Columns besides id, name, data and the timestamps.
    fn columns(&self) -> Vec<(&'static str, String)>;
    fn validate(&self) -> crate::domain::Violations;
    /// Other entities this one refers to: (table, id, what).
    fn refs(&self) -> Vec<(&'static str, &str, &'static str)> {
        Vec::new()
    }
}

fn search_key(name: &str, kana_text: &str) -> String {
    kana::search_key(&format!("{name}|{kana_text}"))
}

impl Entity for Workplace {
    const TABLE: &'static str = "workplaces";
    const WHAT: &'static str = "事業場";
    const KIND: &'static str = "workplace";
    fn name(&self) -> &str {
        &self.name
    }
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![("search_key", search_key(&self.name, &self.kana))]
    }
    fn validate(&self) -> crate::domain::Violations {
        Workplace::validate(self)
    }
}

impl Entity for Worker {
    const TABLE: &'static str = "workers";
    const WHAT: &'static str = "労働者";
    const KIND: &'static str = "worker";
    fn name(&self) -> &str {
        &self.name
    }
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![("workplace_id", self.workplace_id.clone()), ("search_key", search_key(&self.name, &self.kana))]
    }
    fn validate(&self) -> crate::domain::Violations {
        Worker::validate(self, today())
    }
    fn refs(&self) -> Vec<(&'static str, &str, &'static str)> {
        vec![("workplaces", &self.workplace_id, "事業場")]
    }
}

impl Entity for Staff {
    const TABLE: &'static str = "staff";
    const WHAT: &'static str = "担当者";
    const KIND: &'static str = "staff";
    fn name(&self) -> &str {
        &self.name
    }
    fn columns(&self) -> Vec<(&'static str, String)> {
        let role = self.role.map(|r| serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default());
        vec![("role", role.unwrap_or_default())]
    }
    fn validate(&self) -> crate::domain::Violations {
        Staff::validate(self)
    }
}

fn check<E: Entity>(conn: &Connection, e: &E) -> Result<()> {
    let v = e.validate();
    if !v.is_empty() {
        return Err(Error::Invalid(v.into_vec()));
    }
    for (table, id, what) in e.refs() {
        if !exists(conn, table, id)? {
            return Err(Error::NotFound { what, id: id.to_string() });
        }
    }
    Ok(())
}

pub(crate) fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), [id], |_| Ok(())).optional()?.is_some())
}

fn insert<E: Entity>(conn: &Connection, id: &str, e: &E, now: &str) -> Result<()> {
    let extra = e.columns();
    let names: Vec<&str> = extra.iter().map(|(n, _)| *n).collect();
    let sql = format!(
        "INSERT INTO {} (id, name, data, created_at, updated_at{}) VALUES (?1, ?2, ?3, ?4, ?4{})",
        E::TABLE,
        names.iter().map(|n| format!(", {n}")).collect::<String>(),
        (0..extra.len()).map(|i| format!(", ?{}", i + 5)).collect::<String>()
    );
    let data = serde_json::to_string(e).expect("entities serialise");
    let mut values: Vec<String> = vec![id.to_string(), e.name().to_string(), data, now.to_string()];
    values.extend(extra.into_iter().map(|(_, v)| v));
    conn.execute(&sql, params_from_iter(values))?;
    Ok(())
}

/// Insert a member of staff inside an existing transaction (used by `init`).
pub(crate) fn insert_staff(conn: &Connection, id: &str, s: &Staff, now: &str) -> Result<()> {
    insert(conn, id, s, now)
}

/// Every member of the staff list, by id (the annual report counts them).
pub fn staff_in(conn: &Connection) -> Result<Vec<(String, Staff)>> {
    let mut stmt = conn.prepare("SELECT id, data FROM staff ORDER BY id")?;
    let rows: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|(id, data)| Ok((id, serde_json::from_str::<Staff>(&data).map_err(|e| Error::from_json(&e))?))).collect()
}

fn row<E: Entity>(r: &rusqlite::Row) -> rusqlite::Result<EntityRow<E>> {
    let data: String = r.get(1)?;
    let data = serde_json::from_str(&data).map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(EntityRow { id: r.get(0)?, data, created_at: r.get(2)?, updated_at: r.get(3)? })
}

pub(crate) fn get_in<E: Entity>(conn: &Connection, id: &str) -> Result<Option<EntityRow<E>>> {
    Ok(conn.query_row(&format!("SELECT id, data, created_at, updated_at FROM {} WHERE id = ?1", E::TABLE), [id], row::<E>).optional()?)
}

impl Store {
    fn add<E: Entity>(&self, e: &E) -> Result<String> {
        let id = new_id();
        self.write(|tx| self.add_in(tx, &id, e))
    }

    /// Add an entity inside an existing transaction, with a given id.
    pub(crate) fn add_in<E: Entity>(&self, tx: &Connection, id: &str, e: &E) -> Result<String> {
        check(tx, e)?;
        insert(tx, id, e, &now())?;
        self.audit(tx, Action::Create, id, serde_json::json!({ "entity": E::KIND }))?;
        Ok(id.to_string())
    }

    fn update<E: Entity>(&self, id: &str, e: &E) -> Result<()> {
        self.write(|tx| self.update_in(tx, id, e))
    }

    /// Update an entity inside an existing transaction.
    pub(crate) fn update_in<E: Entity>(&self, tx: &Connection, id: &str, e: &E) -> Result<()> {
        if !exists(tx, E::TABLE, id)? {
            return Err(Error::NotFound { what: E::WHAT, id: id.to_string() });
        }
        check(tx, e)?;
        let extra = e.columns();
        let sql = format!(
            "UPDATE {} SET name = ?2, data = ?3, updated_at = ?4{} WHERE id = ?1",
            E::TABLE,
            extra.iter().enumerate().map(|(i, (n, _))| format!(", {n} = ?{}", i + 5)).collect::<String>()
        );
        let mut values = vec![id.to_string(), e.name().to_string(), serde_json::to_string(e).expect("entities serialise"), now()];
        values.extend(extra.into_iter().map(|(_, v)| v));
        tx.execute(&sql, params_from_iter(values))?;
        self.audit(tx, Action::Edit, id, serde_json::json!({ "entity": E::KIND }))?;
        Ok(())
    }

    fn get<E: Entity>(&self, id: &str) -> Result<EntityRow<E>> {
        self.read(|c| get_in::<E>(c, id))?.ok_or_else(|| Error::NotFound { what: E::WHAT, id: id.to_string() })
    }

    /// Search by folded name or kana; an empty query lists all (up to `limit`).
    fn search<E: Entity>(&self, query: &str, filter: Option<(&str, &str)>, limit: u32) -> Result<Vec<EntityRow<E>>> {
        let key = format!("%{}%", kana::search_key(query).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let (cond, arg) = match filter {
            Some((col, v)) => (format!(" AND {col} = ?3"), v.to_string()),
            None => (" AND ?3 = ?3".to_string(), String::new()),
        };
        let sql = format!("SELECT id, data, created_at, updated_at FROM {} WHERE search_key LIKE ?1 ESCAPE '\\'{cond} ORDER BY search_key LIMIT ?2", E::TABLE);
        self.read(|c| {
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params![key, limit, arg], row::<E>)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn add_workplace(&self, w: &Workplace) -> Result<String> {
        self.add(w)
    }
    pub fn update_workplace(&self, id: &str, w: &Workplace) -> Result<()> {
        self.update(id, w)
    }
    pub fn get_workplace(&self, id: &str) -> Result<EntityRow<Workplace>> {
        self.get(id)
    }
    pub fn search_workplaces(&self, query: &str, limit: u32) -> Result<Vec<EntityRow<Workplace>>> {
        self.search(query, None, limit)
    }

    pub fn add_worker(&self, w: &Worker) -> Result<String> {
        self.add(w)
    }
    pub fn update_worker(&self, id: &str, w: &Worker) -> Result<()> {
        self.update(id, w)
    }
    pub fn get_worker(&self, id: &str) -> Result<EntityRow<Worker>> {
        self.get(id)
    }
    /// Workers by name or kana, optionally of one workplace.
    pub fn search_workers(&self, query: &str, workplace_id: Option<&str>, limit: u32) -> Result<Vec<EntityRow<Worker>>> {
        self.search(query, workplace_id.map(|w| ("workplace_id", w)), limit)
    }

    pub fn add_staff(&self, s: &Staff) -> Result<String> {
        self.add(s)
    }
    pub fn update_staff(&self, id: &str, s: &Staff) -> Result<()> {
        self.update(id, s)
    }
    /// `update_staff` inside a transaction of the caller's (the settings saved at once).
    pub fn update_staff_in(&self, tx: &rusqlite::Transaction, id: &str, s: &Staff) -> Result<()> {
        self.update_in(tx, id, s)
    }
    pub fn get_staff(&self, id: &str) -> Result<EntityRow<Staff>> {
        self.get(id)
    }
    pub fn list_staff(&self) -> Result<Vec<EntityRow<Staff>>> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT id, data, created_at, updated_at FROM staff ORDER BY role, name")?;
            let rows = stmt.query_map([], row::<Staff>)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    #[test]
    fn add_get_update_and_search_workers() {
        let (_d, s) = testing::store();
        let wp = s.add_workplace(&Workplace { name: "山田製作所".into(), kana: "ヤマダセイサクショ".into(), ..Default::default() }).unwrap();
        let w = s.add_worker(&Worker { workplace_id: wp.clone(), name: "佐藤 花子".into(), kana: "サトウ ハナコ".into(), ..Default::default() }).unwrap();
        assert_eq!(s.get_worker(&w).unwrap().data.name, "佐藤 花子");
        for q in ["さとう", "ｻﾄｳ", "花子", "ハナ", ""] {
            assert_eq!(s.search_workers(q, None, 10).unwrap().len(), 1, "{q}");
        }
        assert_eq!(s.search_workers("すずき", None, 10).unwrap().len(), 0);
        assert_eq!(s.search_workers("%", None, 10).unwrap().len(), 0, "LIKE wildcards are literal");
        assert_eq!(s.search_workers("", Some(&wp), 10).unwrap().len(), 1);
        assert_eq!(s.search_workers("", Some("other"), 10).unwrap().len(), 0);
        s.update_worker(&w, &Worker { workplace_id: wp.clone(), name: "鈴木 花子".into(), kana: "スズキ ハナコ".into(), ..Default::default() }).unwrap();
        assert_eq!(s.search_workers("すずき", None, 10).unwrap().len(), 1);
        assert_eq!(s.search_workplaces("やまだ", 10).unwrap()[0].id, wp);
    }

    #[test]
    fn bad_entities_are_refused_and_nothing_is_written() {
        let (_d, s) = testing::store();
        let before = s.search_workers("", None, 100).unwrap().len();
        let err = s.add_worker(&Worker { workplace_id: "nope".into(), name: "X".into(), ..Default::default() }).unwrap_err();
        assert!(matches!(err, Error::NotFound { what: "事業場", .. }), "{err}");
        let err = s.add_workplace(&Workplace::default()).unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{err}");
        assert_eq!(s.search_workers("", None, 100).unwrap().len(), before);
        assert!(matches!(s.update_workplace("missing", &Workplace { name: "x".into(), ..Default::default() }), Err(Error::NotFound { .. })));
    }
}
