//! The CLI of the directory of outside bodies and of referrals: `directory …`, `referrals`,
//! `referral-template`, `outcome`. Thin adapters over `chisanpo_core::store::{directory, referrals}`.

use std::path::PathBuf;

use chisanpo_core::domain::directory::parse_body_kind;
use chisanpo_core::domain::{Code, Date, OutsideBody, ReferralOutcome};
use chisanpo_core::ledger::export::CsvEncoding;
use chisanpo_core::prelude::*;
use chisanpo_core::store::directory::DirectoryQuery;
use chisanpo_core::store::referrals::ReferralFilter;
use chisanpo_core::store::Store;
use chisanpo_core::{Error, Result};
use clap::{Subcommand, ValueEnum};

use crate::cli::{line, print_json, EncodingArg};

#[derive(Subcommand, Debug)]
pub enum DirectoryCmd {
    /// Merge a shared directory CSV (UTF-8 with or without a BOM, or cp932): bodies with the same
    /// name and phone are updated, the others added. A file with a bad line is refused whole.
    Import { file: PathBuf },
    /// Write the directory (or the bodies matching --kind/--area) as CSV.
    Export {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: EncodingArg,
        #[command(flatten)]
        query: QueryArgs,
    },
    /// List the bodies, by kind then name.
    List {
        #[command(flatten)]
        query: QueryArgs,
        #[arg(long)]
        json: bool,
    },
    /// Add a body from a JSON file (`-` reads stdin). Prints its id.
    Add {
        #[arg(long)]
        json: PathBuf,
    },
    /// Take a body off the directory. Referrals that named it keep its name.
    Remove { id: String },
}

#[derive(clap::Args, Debug)]
pub struct QueryArgs {
    /// 種別: its label (精神科・心療内科 …) or number (1–7).
    #[arg(long)]
    kind: Option<String>,
    /// Part of the 地域 or the address.
    #[arg(long, default_value = "")]
    area: String,
    /// Part of the name or its kana.
    #[arg(long, default_value = "")]
    text: String,
}

impl QueryArgs {
    fn query(&self) -> Result<DirectoryQuery> {
        let kind = match &self.kind {
            Some(k) => Some(parse_body_kind(k).ok_or_else(|| {
                let kinds = chisanpo_core::domain::BodyKind::ALL.iter().map(|k| format!("{}（{}）", k.label(), k.mark())).collect::<Vec<_>>().join("、");
                Error::invalid("kind", format!("--kind は {kinds} のいずれかにしてください。"))
            })?),
            None => None,
        };
        Ok(DirectoryQuery { text: self.text.clone(), kind, area: self.area.clone() })
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OutcomeArg {
    /// 受診した
    Attended,
    /// 未受診
    NotAttended,
    /// 不明
    Unknown,
}

pub fn directory(store: &Store, cmd: DirectoryCmd) -> Result<()> {
    match cmd {
        DirectoryCmd::Import { file } => {
            let bytes = std::fs::read(&file).map_err(|_| Error::File { path: file.display().to_string(), source: None })?;
            let r = crate::cli_progress::on_terminal(|| store.import_directory(&bytes))?;
            line(format!("名簿を取り込みました（{}）: 追加 {} 件、更新 {} 件、変更なし {} 件", r.encoding, r.added, r.updated, r.unchanged));
        }
        DirectoryCmd::Export { out, encoding, query } => {
            let encoding = match encoding {
                EncodingArg::Utf8 => CsvEncoding::Utf8Bom,
                EncodingArg::Cp932 => CsvEncoding::Cp932,
            };
            let n = store.export_directory(&query.query()?, encoding, &out)?;
            line(format!("{n} 件を書き出しました: {}", out.display()));
        }
        DirectoryCmd::List { query, json } => {
            let rows = store.search_directory(&query.query()?, 10_000)?;
            if json {
                print_json(&rows);
            } else {
                for r in &rows {
                    let b = &r.data;
                    line(format!("{}\t{}\t{}\t{}\t{}", r.id, b.kind.map(|k| k.label()).unwrap_or_default(), b.name, b.area, b.phone));
                }
            }
        }
        DirectoryCmd::Add { json } => {
            let body: OutsideBody = chisanpo_core::error::json_from_value(crate::cli::read_json(&json)?)?;
            line(store.add_outside_body(&body)?);
        }
        DirectoryCmd::Remove { id } => {
            store.remove_outside_body(&id)?;
            line(format!("名簿から削除しました: {id}"));
        }
    }
    Ok(())
}

/// `referrals`: all, those of one record, or those awaiting an outcome for 30 days or more.
pub fn referrals(store: &Store, awaiting: bool, source: Option<String>, json: bool) -> Result<()> {
    let rows = store.referrals(&ReferralFilter { awaiting, source_id: source, workplace_id: None })?;
    if json {
        print_json(&rows);
        return Ok(());
    }
    for r in &rows {
        let outcome = match (r.outcome, r.days_waiting) {
            (Some(o), _) => o.label().to_string(),
            (None, Some(d)) => format!("結果未確認（{d}日経過）"),
            (None, None) => r.status.label().to_string(),
        };
        let on = r.referred_on.map(|d| d.wareki()).unwrap_or_default();
        line(format!("{}\t{}\t{}\t{}\t{}\t{}", r.id, on, r.body_name, r.workplace_name, r.reason, outcome));
    }
    Ok(())
}

/// `referral-template --from ID`: a referral's JSON filled from its source, to complete and `add`.
pub fn referral_template(store: &Store, from: &str) -> Result<()> {
    print_json(&store.referral_from(from)?);
    Ok(())
}

/// `outcome ID --result …`: record what came of a referral (a 訂正 with a fixed reason).
pub fn outcome(store: &Store, id: &str, result: OutcomeArg, on: Option<String>, note: &str) -> Result<()> {
    let outcome = match result {
        OutcomeArg::Attended => ReferralOutcome::Attended,
        OutcomeArg::NotAttended => ReferralOutcome::NotAttended,
        OutcomeArg::Unknown => ReferralOutcome::Unknown,
    };
    let on = on.map(|d| d.parse::<Date>().map_err(|_| Error::invalid("on", "--on は 2025-10-31 の形で指定してください。"))).transpose()?;
    let version = store.record_referral_outcome(id, outcome, on, note)?;
    line(format!("{id}\t第{version}版\t{}", outcome.label()));
    Ok(())
}
