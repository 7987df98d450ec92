//! A table as the exports see it: a title, columns and typed cells. One model, so XLSX, CSV and
//! PDF show the same rows in the same order.

use serde::Serialize;
use ts_rs::TS;

use crate::domain::Date;

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
#[ts(export)]
pub enum Cell {
    Empty,
    Text(String),
    /// A date: a real date in XLSX (shown in 和暦), ISO in CSV, 和暦 in PDF.
    Date(Date),
    Int(#[ts(type = "number")] i64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    pub fn date(d: Option<Date>) -> Cell {
        d.map(Cell::Date).unwrap_or(Cell::Empty)
    }

    pub fn int(n: Option<i64>) -> Cell {
        n.map(Cell::Int).unwrap_or(Cell::Empty)
    }

    /// The cell as plain text: CSV writes this (dates ISO), and widths are measured on it.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.iso(),
            Cell::Int(n) => n.to_string(),
        }
    }

    /// The cell as printed (dates in 和暦).
    pub fn printed(&self) -> String {
        match self {
            Cell::Date(d) => d.wareki(),
            other => other.plain(),
        }
    }
}

/// A column: its header and how wide it may grow when printed (in characters of full width).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Column {
    pub header: String,
    /// The widest a printed column gets before its text wraps.
    pub max_width: u16,
}

impl Column {
    pub fn new(header: &str, max_width: u16) -> Column {
        Column { header: header.to_string(), max_width }
    }
}

/// A titled table.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Table {
    /// 特定健康相談実施台帳 etc.
    pub title: String,
    /// What the table covers: 令和7年度, or a period.
    pub subtitle: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}
