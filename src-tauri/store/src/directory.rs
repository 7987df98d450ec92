//! The directory of outside bodies (地域の専門機関の名簿): kept, searched by kind and area, and
//! merged from a shared CSV. The file's reading is the domain's (`domain::directory`); here is
//! only where the bodies live.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::directory::{parse_directory_csv, OutsideBody};
use crate::domain::{kana, BodyKind, Code};
use crate::error::{Error, Result};

use super::entities::{exists, get_in, Entity};
use super::{new_id, now, Action, EntityRow, Store};

fn kind_str(kind: Option<BodyKind>) -> String {
    kind.map(|k| k.mark().to_string()).unwrap_or_default()
}

impl Entity for OutsideBody {
    const TABLE: &'static str = "outside_bodies";
    const WHAT: &'static str = "紹介先の機関";
    const KIND: &'static str = "outside_body";
    fn name(&self) -> &str {
        &self.name
    }
    fn columns(&self) -> Vec<(&'static str, String)> {
        vec![
            ("search_key", kana::search_key(&format!("{}|{}", self.name, self.kana))),
            ("kind", kind_str(self.kind)),
            ("area_key", kana::search_key(&format!("{}|{}", self.area, self.address))),
            ("identity", self.identity()),
        ]
    }
    fn validate(&self) -> crate::domain::Violations {
        OutsideBody::validate(self)
    }
}

/// What the directory is searched by; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct DirectoryQuery {
    /// Part of the name or its kana.
    pub text: String,
    pub kind: Option<BodyKind>,
    /// Part of the 地域 or the address (静岡市, 葵区 …).
    pub area: String,
}

/// What a CSV import did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DirectoryImportReport {
    /// `UTF-8` or `Shift_JIS`.
    pub encoding: String,
    pub added: u32,
    /// Already in the directory (same name and phone) with other details: replaced by the file's.
    pub updated: u32,
    /// Already in the directory exactly as in the file.
    pub unchanged: u32,
}

fn like(text: &str) -> String {
    format!("%{}%", kana::search_key(text).replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

impl Store {
    pub fn add_outside_body(&self, b: &OutsideBody) -> Result<String> {
        let id = new_id();
        self.write(|tx| {
            not_twice(tx, b, None)?;
            self.add_in(tx, &id, b)
        })
    }

    pub fn update_outside_body(&self, id: &str, b: &OutsideBody) -> Result<()> {
        self.write(|tx| {
            not_twice(tx, b, Some(id))?;
            self.update_in(tx, id, b)
        })
    }

    pub fn get_outside_body(&self, id: &str) -> Result<EntityRow<OutsideBody>> {
        self.read(|c| get_in::<OutsideBody>(c, id))?.ok_or_else(|| Error::NotFound { what: OutsideBody::WHAT, id: id.to_string() })
    }

    /// Take a body off the directory. The referrals that named it keep its name, address and
    /// phone in their versions; a draft that names it must choose again before 確定.
    pub fn remove_outside_body(&self, id: &str) -> Result<()> {
        self.write(|tx| {
            if !exists(tx, OutsideBody::TABLE, id)? {
                return Err(Error::NotFound { what: OutsideBody::WHAT, id: id.to_string() });
            }
            let name: String = tx.query_row("SELECT name FROM outside_bodies WHERE id = ?1", [id], |r| r.get(0))?;
            tx.execute("DELETE FROM outside_bodies WHERE id = ?1", [id])?;
            // A body is no one's health data: its name is kept in the log, to say what was removed.
            self.audit(tx, Action::Discard, id, serde_json::json!({ "entity": OutsideBody::KIND, "name": name }))?;
            Ok(())
        })
    }

    /// The bodies matching `q`, by kind then kana.
    pub fn search_directory(&self, q: &DirectoryQuery, limit: u32) -> Result<Vec<EntityRow<OutsideBody>>> {
        self.read(|c| search_in(c, q, limit))
    }

    /// Merge a shared directory file: a body already here (the same name and phone) takes the
    /// file's details, the others are added. A file with any bad line is refused whole, every
    /// problem named by its line, and nothing is written.
    pub fn import_directory(&self, bytes: &[u8]) -> Result<DirectoryImportReport> {
        let file = parse_directory_csv(bytes)?;
        self.write(|tx| {
            let mut report = DirectoryImportReport { encoding: file.encoding.to_string(), ..Default::default() };
            for (i, (_, body)) in file.bodies.iter().enumerate() {
                // One transaction: 中止 rolls every line back.
                crate::progress::step("名簿を取り込んでいます", i as u64, file.bodies.len() as u64);
                crate::progress::checkpoint()?;
                match same_body(tx, body)? {
                    Some(row) if row.data == *body => report.unchanged += 1,
                    Some(row) => {
                        self.update_in(tx, &row.id, body)?;
                        report.updated += 1;
                    }
                    None => {
                        self.add_in(tx, &new_id(), body)?;
                        report.added += 1;
                    }
                }
            }
            crate::progress::step("名簿を取り込んでいます", file.bodies.len() as u64, file.bodies.len() as u64);
            // Still inside the transaction: a 中止 pressed at the end rolls back too.
            crate::progress::checkpoint()?;
            self.audit(
                tx,
                Action::Edit,
                "directory",
                serde_json::json!({ "entity": OutsideBody::KIND, "added": report.added, "updated": report.updated, "at": now() }),
            )?;
            Ok(report)
        })
    }
}

/// A body added or changed by hand must not be one the directory has already (the identity the
/// import matches on), or the next import would update one of the two at random.
fn not_twice(conn: &Connection, b: &OutsideBody, except: Option<&str>) -> Result<()> {
    let other: Option<String> = conn
        .query_row("SELECT name FROM outside_bodies WHERE identity = ?1 AND id <> ?2 LIMIT 1", params![b.identity(), except.unwrap_or("")], |r| r.get(0))
        .optional()?;
    match other {
        Some(name) => {
            Err(Error::invalid("name", format!("「{name}」が同じ名称・電話番号（電話番号がなければ所在地）で名簿にあります。その機関を編集してください。")))
        }
        None => Ok(()),
    }
}

fn same_body(conn: &Connection, b: &OutsideBody) -> Result<Option<EntityRow<OutsideBody>>> {
    let id: Option<String> =
        conn.query_row("SELECT id FROM outside_bodies WHERE identity = ?1 ORDER BY created_at LIMIT 1", [b.identity()], |r| r.get(0)).optional()?;
    id.map(|id| get_in::<OutsideBody>(conn, &id)).transpose().map(Option::flatten)
}

pub(crate) fn search_in(conn: &Connection, q: &DirectoryQuery, limit: u32) -> Result<Vec<EntityRow<OutsideBody>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, data, created_at, updated_at FROM outside_bodies \
         WHERE search_key LIKE ?1 ESCAPE '\\' AND area_key LIKE ?2 ESCAPE '\\' AND (?3 = '' OR kind = ?3) \
         ORDER BY kind, search_key LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![like(&q.text), like(&q.area), kind_str(q.kind), limit], |r| {
        let data: String = r.get(1)?;
        let data = serde_json::from_str(&data).map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e)))?;
        Ok(EntityRow { id: r.get(0)?, data, created_at: r.get(2)?, updated_at: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;

    fn body(name: &str, kind: BodyKind, area: &str, phone: &str) -> OutsideBody {
        OutsideBody { name: name.into(), kind: Some(kind), area: area.into(), address: format!("{area}1-1"), phone: phone.into(), ..Default::default() }
    }

    #[test]
    fn the_directory_is_searched_by_kind_area_and_name() {
        let (_d, s) = testing::store();
        s.add_outside_body(&body("こころのクリニック", BodyKind::Psychiatry, "静岡市葵区", "054-1")).unwrap();
        s.add_outside_body(&body("浜松メンタルクリニック", BodyKind::Psychiatry, "浜松市中央区", "053-1")).unwrap();
        s.add_outside_body(&body("静岡産業保健総合支援センター", BodyKind::PrefecturalCentre, "静岡市葵区", "054-2")).unwrap();
        let n = |q: DirectoryQuery| s.search_directory(&q, 50).unwrap().len();
        assert_eq!(n(DirectoryQuery::default()), 3);
        assert_eq!(n(DirectoryQuery { kind: Some(BodyKind::Psychiatry), ..Default::default() }), 2);
        assert_eq!(n(DirectoryQuery { kind: Some(BodyKind::Psychiatry), area: "静岡市".into(), ..Default::default() }), 1);
        assert_eq!(n(DirectoryQuery { area: "葵区".into(), ..Default::default() }), 2);
        assert_eq!(n(DirectoryQuery { text: "メンタル".into(), ..Default::default() }), 1);
        assert_eq!(n(DirectoryQuery { text: "%".into(), ..Default::default() }), 0, "wildcards are literal");
        assert_eq!(n(DirectoryQuery { kind: Some(BodyKind::Measurement), ..Default::default() }), 0);
    }

    #[test]
    fn a_shared_list_imported_twice_adds_nothing_and_a_changed_line_updates() {
        let (_d, s) = testing::store();
        let csv = "名称,種別,所在地,地域,電話番号,対応内容\nこころのクリニック,精神科・心療内科,静岡市葵区1,静岡市,054-000-0001,予約制\n測定協会,作業環境測定機関,浜松市,浜松市,053-1,\n";
        let r = s.import_directory(csv.as_bytes()).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (2, 0, 0));
        let r = s.import_directory(csv.as_bytes()).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (0, 0, 2));
        let changed = csv.replace("予約制", "予約制・土曜可").replace("054-000-0001", "０５４０００００01");
        let r = s.import_directory(changed.as_bytes()).unwrap();
        assert_eq!((r.added, r.updated, r.unchanged), (0, 1, 1), "the same body, its phone typed another way");
        let all = s.search_directory(&DirectoryQuery::default(), 50).unwrap();
        assert_eq!(all.len(), 2);
        assert!(all.iter().any(|b| b.data.takes == "予約制・土曜可"));
    }

    #[test]
    fn a_bad_file_writes_nothing() {
        let (_d, s) = testing::store();
        let csv = "名称,種別,所在地\nA,医療機関,x\nB,歯科,y\n";
        let e = s.import_directory(csv.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("3行目") || matches!(&e, Error::Invalid(v) if v[0].message.starts_with("3行目")), "{e}");
        assert!(s.search_directory(&DirectoryQuery::default(), 50).unwrap().is_empty());
    }

    #[test]
    fn a_removed_body_is_gone_and_a_second_removal_says_so() {
        let (_d, s) = testing::store();
        let id = s.add_outside_body(&body("A", BodyKind::Other, "静岡市", "1")).unwrap();
        s.remove_outside_body(&id).unwrap();
        assert!(s.search_directory(&DirectoryQuery::default(), 50).unwrap().is_empty());
        assert!(matches!(s.remove_outside_body(&id), Err(Error::NotFound { .. })));
        assert!(matches!(s.add_outside_body(&OutsideBody::default()), Err(Error::Invalid(_))));
    }

    #[test]
    fn the_same_body_is_not_added_twice_by_hand_and_two_of_one_name_in_two_cities_are_kept() {
        let (_d, s) = testing::store();
        let a = s.add_outside_body(&body("中央クリニック", BodyKind::Medical, "静岡市", "")).unwrap();
        s.add_outside_body(&body("中央クリニック", BodyKind::Medical, "浜松市", "")).unwrap();
        let e = s.add_outside_body(&body("中央 クリニック", BodyKind::Medical, "静岡市", "")).unwrap_err();
        assert!(e.to_string().contains("名簿にあります") || matches!(&e, Error::Invalid(v) if v[0].message.contains("名簿にあります")), "{e}");
        s.update_outside_body(&a, &body("中央クリニック", BodyKind::Medical, "静岡市", "054-1")).unwrap();
        let csv = "名称,種別,所在地\n中央クリニック,医療機関,浜松市1-1\n中央クリニック,医療機関,富士市1-1\n";
        let r = s.import_directory(csv.as_bytes()).unwrap();
        assert_eq!((r.added, r.updated), (1, 1), "浜松 matched (and given the file's details), 富士 added, 静岡 untouched");
    }
}
