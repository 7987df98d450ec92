//! The directory of outside bodies as a CSV file, for another centre to import: the columns of
//! `domain::directory::DIRECTORY_COLUMNS`, written by the ledgers' CSV writer (UTF-8 with a BOM,
//! or cp932 refused when a character does not fit; formulas defused).

use std::path::Path;

use crate::domain::directory::{body_cells, DIRECTORY_COLUMNS};
use crate::error::Result;
use crate::ledger::export::{csv, CsvEncoding};
use crate::ledger::table::{Cell, Column, Table};
use crate::store::directory::DirectoryQuery;
use crate::store::{atomic, Store};

/// The largest directory exported (a prefecture's list is a few hundred bodies).
const MAX_BODIES: u32 = 100_000;

/// The CSV bytes of `bodies`, in the order given.
pub fn directory_csv(bodies: &[crate::domain::OutsideBody], encoding: CsvEncoding) -> Result<Vec<u8>> {
    let table = Table {
        title: "地域の専門機関の名簿".into(),
        subtitle: String::new(),
        columns: DIRECTORY_COLUMNS.iter().map(|(h, _)| Column::new(h, 40)).collect(),
        rows: bodies.iter().map(|b| body_cells(b).into_iter().map(Cell::text).collect()).collect(),
    };
    csv::to_bytes(&table, encoding)
}

/// Writing the directory to a file.
pub trait DirectoryExports {
    /// The bodies matching `q` as a CSV file at `out` (written whole or not at all). Returns how
    /// many were written.
    fn export_directory(&self, q: &DirectoryQuery, encoding: CsvEncoding, out: &Path) -> Result<usize>;
}

impl DirectoryExports for Store {
    fn export_directory(&self, q: &DirectoryQuery, encoding: CsvEncoding, out: &Path) -> Result<usize> {
        let bodies: Vec<_> = self.search_directory(q, MAX_BODIES)?.into_iter().map(|r| r.data).collect();
        let bytes = directory_csv(&bodies, encoding)?;
        atomic::write_file(out, &bytes)?;
        Ok(bodies.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::parse_directory_csv;
    use crate::domain::{BodyKind, OutsideBody};

    fn bodies() -> Vec<OutsideBody> {
        vec![
            OutsideBody {
                name: "こころのクリニック".into(),
                kana: "ココロノクリニック".into(),
                kind: Some(BodyKind::Psychiatry),
                address: "静岡市葵区1-1".into(),
                area: "静岡市".into(),
                phone: "054-000-0001".into(),
                takes: "予約制, 土曜可\n英語可".into(),
                note: "=初診は紹介状を".into(),
                ..Default::default()
            },
            OutsideBody { name: "測定協会".into(), kind: Some(BodyKind::Measurement), ..Default::default() },
        ]
    }

    #[test]
    fn the_exported_file_imports_back_the_same_in_both_encodings() {
        for encoding in [CsvEncoding::Utf8Bom, CsvEncoding::Cp932] {
            let bytes = directory_csv(&bodies(), encoding).unwrap();
            let back: Vec<OutsideBody> = parse_directory_csv(&bytes).unwrap().bodies.into_iter().map(|(_, b)| b).collect();
            assert_eq!(back, bodies(), "{encoding:?}");
        }
    }

    #[test]
    fn a_name_cp932_cannot_hold_refuses_the_cp932_file_naming_the_character() {
        let b = vec![OutsideBody { name: "𠮷田医院".into(), kind: Some(BodyKind::Medical), ..Default::default() }];
        let e = directory_csv(&b, CsvEncoding::Cp932).unwrap_err();
        assert!(e.to_string().contains("𠮷"), "{e}");
        assert!(directory_csv(&b, CsvEncoding::Utf8Bom).is_ok());
    }
}
