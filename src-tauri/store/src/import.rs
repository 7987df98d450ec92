//! Importing a workplace's worker list (CSV): a preview first, then the valid rows in one
//! transaction (all or nothing), each audited as `add_worker` audits one worker.

use crate::domain::worker_csv::{self, WorkerImportPreview};
use crate::domain::{Violation, Worker};
use crate::error::{Error, Result};

use super::{new_id, today, Store};

impl Store {
    /// Read a worker list for `workplace_id` and mark the workers already in the workplace as
    /// duplicates. Nothing is written.
    pub fn preview_worker_import(&self, workplace_id: &str, bytes: &[u8]) -> Result<WorkerImportPreview> {
        self.get_workplace(workplace_id)?;
        let mut preview = worker_csv::parse_worker_csv(bytes, workplace_id, today())?;
        let existing: Vec<Worker> = self.search_workers("", Some(workplace_id), u32::MAX)?.into_iter().map(|r| r.data).collect();
        preview.mark_duplicates(&existing);
        Ok(preview)
    }

    /// Add the workers to `workplace_id` in one transaction: either all are added, or none (the
    /// error names the row, counted from 1). Returns their ids, in order.
    pub fn import_workers(&self, workplace_id: &str, workers: &[Worker]) -> Result<Vec<String>> {
        if workers.is_empty() {
            return Err(Error::invalid("workers", "取り込む労働者がいません。誤りのない行がある CSV を選んでください。"));
        }
        self.write(|tx| {
            let mut ids = Vec::with_capacity(workers.len());
            for (i, w) in workers.iter().enumerate() {
                let w = Worker { workplace_id: workplace_id.to_string(), ..w.clone() };
                let id = self.add_in(tx, &new_id(), &w).map_err(|e| match e {
                    Error::Invalid(v) => Error::Invalid(
                        v.into_iter()
                            .map(|v| Violation { field: format!("workers[{i}].{}", v.field), message: format!("{}人目: {}", i + 1, v.message) })
                            .collect(),
                    ),
                    other => other,
                })?;
                ids.push(id);
                // One transaction: 中止 rolls every row back.
                crate::progress::step("労働者を登録しています", i as u64 + 1, workers.len() as u64);
                crate::progress::checkpoint()?;
            }
            Ok(ids)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing;
    use super::*;
    use crate::domain::worker_csv::ImportRowStatus;
    use crate::domain::{Date, Workplace};

    const CSV: &str = "氏名,ふりがな,性別,生年月日,所属,役職\n佐藤 花子,サトウ ハナコ,女,S50.10.10,総務課,課長\n鈴木 次郎,スズキ ジロウ,男,R7.13.1,製造部,\n田中 三郎,タナカ サブロウ,男性,1990/4/1,製造部,班長\n";

    #[test]
    fn preview_then_import_the_valid_rows_in_one_go() {
        let (_d, s) = testing::store();
        let wp = s.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
        let p = s.preview_worker_import(&wp, CSV.as_bytes()).unwrap();
        assert_eq!((p.ok, p.errors, p.duplicates), (2, 1, 0));
        assert_eq!(p.rows[1].line, 3);
        assert!(p.rows[1].problems[0].message.starts_with("3行目: 生年月日の列"), "{:?}", p.rows[1].problems);
        assert!(!p.rows[1].problems[0].message.contains("R7.13.1"), "the value is not echoed: {:?}", p.rows[1].problems);
        assert_eq!(s.search_workers("", Some(&wp), 100).unwrap().len(), 0, "a preview writes nothing");

        let ids = s.import_workers(&wp, &p.workers()).unwrap();
        assert_eq!(ids.len(), 2);
        let listed = s.search_workers("", Some(&wp), 100).unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(s.get_worker(&ids[1]).unwrap().data.birth_date, Date::ymd(1990, 4, 1));
        let audited = s.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_log WHERE action = 'create' AND target = ?1", [&ids[0]], |r| r.get::<_, i64>(0))?));
        assert_eq!(audited.unwrap(), 1, "each imported worker is audited like add_worker");
        assert!(s.verify_local().unwrap().ok);

        // The same file again: both are now duplicates, skipped, not errors.
        let again = s.preview_worker_import(&wp, CSV.as_bytes()).unwrap();
        assert_eq!((again.ok, again.errors, again.duplicates), (0, 1, 2));
        assert_eq!(again.rows[0].status, ImportRowStatus::Duplicate);
    }

    #[test]
    fn one_bad_worker_writes_none() {
        let (_d, s) = testing::store();
        let wp = s.add_workplace(&Workplace { name: "山田製作所".into(), ..Default::default() }).unwrap();
        let good = Worker { name: "佐藤".into(), ..Default::default() };
        let bad = Worker { name: String::new(), ..Default::default() };
        let err = s.import_workers(&wp, &[good.clone(), bad]).unwrap_err();
        match &err {
            Error::Invalid(v) => assert!(v[0].message.starts_with("2人目"), "{v:?}"),
            other => panic!("{other}"),
        }
        assert_eq!(s.search_workers("", Some(&wp), 100).unwrap().len(), 0, "all or nothing");
        assert!(matches!(s.import_workers("missing", &[good]), Err(Error::NotFound { .. })));
        assert!(matches!(s.preview_worker_import("missing", CSV.as_bytes()), Err(Error::NotFound { .. })));
        assert!(matches!(s.import_workers(&wp, &[]), Err(Error::Invalid(_))));
    }
}
