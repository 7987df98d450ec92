//! The headless command line: one thin adapter per core function.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chisanpo_core::domain::worker_csv::ImportRowStatus;
use chisanpo_core::domain::Date;
use chisanpo_core::domain::{Code, RecordBody, RecordKind, RecordStatus, Staff, StaffRole, Worker, Workplace};
use chisanpo_core::forms::FormKind;
use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::prelude::*;
use chisanpo_core::store::{backup, ListFilter, Passphrase, RecoveryKey, Secret, Store};
use chisanpo_core::{demo, paths, Error, Result};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(name = "chisanpo", version = env!("CHISANPO_VERSION"), about = "地さんぽノート: 地域産業保健センターの記録・様式・台帳")]
pub struct Args {
    /// The data folder (default: the user's data folder).
    #[arg(long, env = "CHISANPO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new encrypted store and the user profile.
    Init {
        /// Your name (氏名).
        #[arg(long)]
        name: String,
        #[arg(long, value_enum, default_value = "doctor")]
        role: Role,
        /// 所属医療機関 or 所属.
        #[arg(long, default_value = "")]
        affiliation: String,
        /// The centre's name (地域産業保健センター名).
        #[arg(long, default_value = "")]
        centre: String,
        /// Also write the one-page recovery sheet (with the recovery key) as PDF, to print.
        #[arg(long)]
        recovery_sheet: Option<PathBuf>,
    },
    /// Fill the store with realistic synthetic records.
    Demo {
        #[arg(long)]
        records: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Add records or entities from a JSON file (an object or an array; `-` reads stdin).
    /// Prints each new id as soon as it is stored.
    Add {
        #[arg(value_enum)]
        what: AddKind,
        #[arg(long)]
        json: PathBuf,
    },
    /// Change a workplace, worker or member of staff, from a JSON file of the whole entity (as
    /// `add` takes it): e.g. mark a 統括コーディネーター as also a コーディネーター (兼務).
    Update {
        #[arg(value_enum)]
        what: EntityKind,
        id: String,
        #[arg(long)]
        json: PathBuf,
    },
    /// List records.
    List {
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        #[arg(long)]
        fiscal_year: Option<i32>,
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        #[arg(long)]
        json: bool,
    },
    /// Show one record in full.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Keep a photo for a visit (JPEG or PNG): turned upright, scaled down, its EXIF and GPS
    /// position removed. Prints the name to put in the visit's `photos`.
    Photo { file: PathBuf },
    /// 職場巡視の指摘事項 not yet 改善済: all, one workplace's, or those whose date has passed.
    Findings {
        #[arg(long)]
        workplace: Option<String>,
        /// Only those whose 改善期限 has passed (today, or `--on YYYY-MM-DD`).
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 確定: freeze a draft as version 1.
    Finalize { id: String },
    /// 訂正: add a new version of a finalised record.
    Amend {
        id: String,
        #[arg(long)]
        json: PathBuf,
        #[arg(long)]
        reason: String,
    },
    /// The finalised versions of a record.
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Check the store's integrity, the audit chain, every finalised version, and that the
    /// database still holds what its anchor and its newest backup saw.
    Verify {
        #[arg(long)]
        json: bool,
        /// After a reported loss of writes that cannot be restored: accept the store as it is
        /// (recorded in the audit log) so that the anchor follows it again.
        #[arg(long)]
        accept_loss: bool,
    },
    /// Import a workplace's worker list from CSV (UTF-8 or Shift_JIS; header 氏名,ふりがな,性別,
    /// 生年月日,所属,役職). Workers already in the workplace are skipped. A line with a problem
    /// stops the import (nothing is written) unless `--skip-errors`. Prints each new id.
    ImportWorkers {
        #[arg(long)]
        workplace: String,
        file: PathBuf,
        /// Import the lines without problems and skip the others.
        #[arg(long)]
        skip_errors: bool,
        /// Print the preview as JSON and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Search workers or workplaces by name or kana.
    Search {
        #[arg(value_enum)]
        what: SearchKind,
        query: String,
        #[arg(long)]
        workplace: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Print a record's 様式 as PDF (`--id … --out …`), or many at once on every core: a fiscal
    /// year's finalised records (`--fiscal-year 2025`) or several `--id`, into a folder
    /// (`--out-dir`) or one merged PDF (`--merge`). The opinion picks the long-hours or high-stress
    /// variant.
    Pdf {
        #[arg(value_enum)]
        form: FormArg,
        /// A record's id; repeat it to print several (with --out-dir or --merge).
        #[arg(long)]
        id: Vec<String>,
        /// Every finalised record of this fiscal year (年度, e.g. 2025); drafts are skipped and counted.
        #[arg(long)]
        fiscal_year: Option<i32>,
        /// The PDF of one record.
        #[arg(long)]
        out: Option<PathBuf>,
        /// A folder for one PDF per record (made if missing).
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// One PDF with every record's pages.
        #[arg(long)]
        merge: Option<PathBuf>,
        /// A finalised version other than the latest (one record only).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Show or change settings: the centre's name, the 労働局 and the number of 圏域 (printed on the
    /// annual report), the fallback font for 外字, the PDF folder.
    Settings {
        #[arg(long)]
        centre: Option<String>,
        /// 労働局名 for the annual report (別添3 I-2), e.g. 東京労働局.
        #[arg(long)]
        labour_bureau: Option<String>,
        /// 圏域の数 for the annual report (別添3 I-3): a whole number from 1 to 99.
        #[arg(long)]
        zone_count: Option<String>,
        /// The folder PDFs and exports are saved to by default (an absolute path).
        #[arg(long)]
        pdf_folder: Option<String>,
        /// A TrueType font file for characters IPAex lacks (e.g. ipamjm.ttf); "" for none.
        #[arg(long)]
        fallback_font: Option<String>,
    },
    /// Export a 台帳 (特定健康相談実施台帳 or 面接指導実施台帳) as XLSX, CSV or PDF.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// The annual 地域産業保健事業実績報告書 (別添3) for a fiscal year, as XLSX (and JSON).
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
    /// Record a 協議会, a coordinator's activity day, or other work (counted by the annual report).
    Activity {
        #[arg(long)]
        json: PathBuf,
    },
    /// 利用料: show whether a record must be charged, confirm the payment, or record an exception.
    Fee {
        id: String,
        /// The date the payment was confirmed (和暦 or 西暦).
        #[arg(long)]
        paid_on: Option<String>,
        /// Hold the appointment without confirmed payment, for this reason.
        #[arg(long)]
        exception: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The 5-year retention: list what is past it, or destroy chosen records with a 廃棄記録.
    Retention {
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Make a consistent, encrypted backup of the live store into one file.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup: it is checked on its own first; the live store is replaced only then.
    Restore {
        file: PathBuf,
        /// Unlock the backup with the recovery key (CHISANPO_RECOVERY_KEY) instead of the passphrase.
        #[arg(long)]
        recovery: bool,
        /// Confirm replacing a store that has records the backup lacks.
        #[arg(long)]
        yes: bool,
    },
    /// Change the passphrase (the store is not re-encrypted; the key is re-wrapped).
    Passphrase,
    /// Unlock with the recovery key and set a new passphrase. The key typed is replaced by a new
    /// one, shown once (it opens the store from then on; backups made before keep the old one).
    Recover {
        /// Also write the new recovery sheet as PDF, to print.
        #[arg(long)]
        recovery_sheet: Option<PathBuf>,
    },
    /// Make a new recovery key in place of the current one (the passphrase is asked for): when
    /// the sheet is lost, or the key shown after a recovery was not noted.
    RecoveryKey {
        /// Also write the new recovery sheet as PDF, to print.
        #[arg(long)]
        recovery_sheet: Option<PathBuf>,
    },
    /// 利用の手引き: build the guide (docs/guide/guide.md) as a PDF and an HTML page into --out,
    /// with the screenshots the end-to-end tests took (--shots, e.g. artifacts/screenshots). Every
    /// screenshot the guide names must be there. Needs no store.
    Guide {
        #[arg(long)]
        shots: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// 地域の専門機関の名簿: import and export its CSV, list, add and remove bodies.
    Directory {
        #[command(subcommand)]
        cmd: crate::cli_directory::DirectoryCmd,
    },
    /// 外部機関紹介: all, those made from one record (--from), or those with no outcome 30 days on.
    Referrals {
        #[arg(long)]
        awaiting: bool,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print a referral's JSON filled from the consultation, interview or visit it is made from,
    /// to complete (body_id, reason) and `add referral`.
    ReferralTemplate {
        #[arg(long)]
        from: String,
    },
    /// Record what came of a finalised referral (受診した・未受診・不明): a 訂正 with a fixed reason.
    Outcome {
        id: String,
        #[arg(long, value_enum)]
        result: crate::cli_directory::OutcomeArg,
        /// 受診日 (or the day it was learned it was not made), YYYY-MM-DD.
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The centre's side of delivery: its key and profile, enrolled devices, import.
    Centre {
        #[command(subcommand)]
        cmd: crate::cli_delivery::CentreCmd,
    },
    /// Enrol this device with a centre, from the centre profile. Prints the enrolment request
    /// to give to the centre. Records finalised before are queued too.
    Enrol {
        #[arg(long)]
        profile: PathBuf,
        /// Also write the enrolment request to this file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Deliver to the centre: bundle what is waiting, read the centre's receipts, send every
    /// bundle not yet sent. Without --to-folder/--to-url, to the saved destination.
    Deliver {
        #[command(flatten)]
        to: crate::cli_delivery::TargetArgs,
        /// Remember this destination for the app's automatic delivery.
        #[arg(long)]
        save: bool,
        /// Keep delivering: wait and retry (with backoff) while the destination is away, until
        /// interrupted. The app does the same in the background.
        #[arg(long)]
        watch: bool,
        /// With --watch: stop once everything is sent.
        #[arg(long, requires = "watch")]
        until_sent: bool,
    },
    /// What is waiting, delivered and quarantined (ids and states only).
    Outbox {
        #[arg(long)]
        json: bool,
        /// Put the bundles set aside on this device back in the queue (once the cause is fixed).
        #[arg(long)]
        release: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportWhat {
    Ledger {
        #[arg(long, value_enum)]
        kind: LedgerArg,
        /// 年度 (the year it starts in: 2025 = 令和7年度).
        #[arg(long)]
        fiscal_year: Option<i32>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        doctor: Option<String>,
        #[arg(long)]
        workplace: Option<String>,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: FormatArg,
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: EncodingArg,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportWhat {
    Annual {
        #[arg(long)]
        fiscal_year: i32,
        #[arg(long)]
        out: PathBuf,
        /// Also write the report as JSON, listing the record ids behind every number.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum LedgerArg {
    Consultation,
    Interview,
    /// 訪問指導実施台帳
    Visit,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    Xlsx,
    Csv,
    Pdf,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EncodingArg {
    Utf8,
    Cp932,
}

#[derive(Subcommand, Debug)]
pub enum RetentionAction {
    /// Records past their retention date.
    Due {
        #[arg(long)]
        json: bool,
    },
    /// Destroy records past their retention date (all or nothing), then compact the store.
    Destroy {
        #[arg(long, num_args = 1.., required = true)]
        ids: Vec<String>,
        #[arg(long)]
        reason: String,
    },
    /// The 廃棄記録: what was destroyed, when and by whom.
    Log {
        #[arg(long)]
        json: bool,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Role {
    Doctor,
    Nurse,
    Coordinator,
    ChiefCoordinator,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum AddKind {
    Consultation,
    Interview,
    Application,
    /// 訪問指導・職場巡視
    Visit,
    /// 外部機関紹介
    Referral,
    Workplace,
    Worker,
    Staff,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum EntityKind {
    Workplace,
    Worker,
    Staff,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FormArg {
    Opinion,
    WorkStatus,
    Request,
    ConsultationRecord,
    Application,
    /// 産業保健指導結果報告書（職場巡視結果報告）, from a visit.
    VisitReport,
}

impl From<FormArg> for FormKind {
    fn from(f: FormArg) -> Self {
        match f {
            FormArg::Opinion => FormKind::Opinion,
            FormArg::WorkStatus => FormKind::WorkStatus,
            FormArg::Request => FormKind::Request,
            FormArg::ConsultationRecord => FormKind::ConsultationRecord,
            FormArg::Application => FormKind::Application,
            FormArg::VisitReport => FormKind::VisitReport,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum KindArg {
    Application,
    Consultation,
    Interview,
    Visit,
    Referral,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StatusArg {
    Draft,
    Final,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum SearchKind {
    Workers,
    Workplaces,
}

pub fn data_dir(arg: Option<PathBuf>) -> std::result::Result<PathBuf, Error> {
    arg.or_else(paths::default_data_dir).ok_or(Error::DirNotWritable {
        dir: "（ユーザーのデータフォルダが見つかりません。--data-dir で指定してください）".into(),
    })
}

/// Prompt for a secret on the terminal, without echo.
fn prompt(env: &str, what: &str) -> Result<Passphrase> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(env, format!("{what}を環境変数 {env} で渡すか、端末から実行してください。")));
    }
    let v = rpassword::prompt_password(format!("{what}: ")).map_err(|_| Error::invalid(env, format!("{what}を読み取れません。")))?;
    Ok(Passphrase::new(v))
}

/// Read a secret from the environment, or prompt for it.
pub(crate) fn secret(env: &str, what: &str) -> Result<Passphrase> {
    match std::env::var(env) {
        Ok(v) => Ok(Passphrase::new(v)),
        Err(_) => prompt(env, what),
    }
}

/// A new passphrase: from the environment, or typed twice.
fn new_passphrase(env: &str) -> Result<Passphrase> {
    new_secret(env, "新しいパスフレーズ")
}

/// A new secret (`what` names it): from the environment, or typed twice.
pub(crate) fn new_secret(env: &str, what: &str) -> Result<Passphrase> {
    if let Ok(v) = std::env::var(env) {
        let p = Passphrase::new(v);
        p.check_strength()?;
        return Ok(p);
    }
    let p = prompt(env, what)?;
    p.check_strength()?;
    if prompt(env, &format!("{what}（確認）"))?.expose() != p.expose() {
        return Err(Error::invalid("passphrase", format!("確認の{what}が一致しません。もう一度入力してください。")));
    }
    Ok(p)
}

fn open(dir: &Path) -> Result<Store> {
    let pass = secret("CHISANPO_PASSPHRASE", "パスフレーズ")?;
    Store::open(dir, &pass)
}

pub(crate) fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text = if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|_| Error::File { path: "-".into(), source: None })?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|_| Error::File { path: path.display().to_string(), source: None })?
    };
    serde_json::from_str(&text).map_err(|e| Error::from_json(&e))
}

/// The user's JSON as `T`; an error names the field's path (`visits[1].date`), never a value.
fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T> {
    chisanpo_core::error::json_from_value(v)
}

fn record_body(kind: RecordKind, v: serde_json::Value) -> Result<RecordBody> {
    RecordBody::parse(kind, v)
}

/// Write a line to stdout. A closed pipe (`chisanpo list | head`) ends the output quietly.
pub(crate) fn line(text: impl std::fmt::Display) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        std::process::exit(0);
    }
}

pub(crate) fn print_json<T: serde::Serialize>(v: &T) {
    line(serde_json::to_string_pretty(v).expect("views serialise"));
}

fn add_one(store: &Store, what: AddKind, v: serde_json::Value) -> Result<String> {
    match what {
        AddKind::Consultation => store.create_record(&record_body(RecordKind::Consultation, v)?),
        AddKind::Interview => store.create_record(&record_body(RecordKind::Interview, v)?),
        AddKind::Application => store.create_record(&record_body(RecordKind::Application, v)?),
        AddKind::Visit => store.create_record(&record_body(RecordKind::Visit, v)?),
        AddKind::Referral => store.create_record(&record_body(RecordKind::Referral, v)?),
        AddKind::Workplace => store.add_workplace(&parse::<Workplace>(v)?),
        AddKind::Worker => store.add_worker(&parse::<Worker>(v)?),
        AddKind::Staff => store.add_staff(&parse::<Staff>(v)?),
    }
}

fn execute(cmd: Command, dir: &Path) -> Result<()> {
    match cmd {
        Command::Init { name, role, affiliation, centre, recovery_sheet } => {
            let role = match role {
                Role::Doctor => StaffRole::Doctor,
                Role::Nurse => StaffRole::Nurse,
                Role::Coordinator => StaffRole::Coordinator,
                Role::ChiefCoordinator => StaffRole::ChiefCoordinator,
            };
            let pass = new_passphrase("CHISANPO_PASSPHRASE")?;
            let profile = Staff { role: Some(role), seal_line: name.clone(), name, affiliation, ..Default::default() };
            let (store, recovery) = Store::init(dir, &pass, &profile)?;
            if !centre.is_empty() {
                store.set_setting("centre_name", &centre)?;
            }
            line(format!("ストアを作成しました: {}", dir.display()));
            line("");
            line("回復キー（この一度だけ表示します。印刷して施錠できる場所に保管してください）:");
            line(format!("  {}", recovery.display().as_str()));
            line("");
            line("パスフレーズを忘れたときは `chisanpo recover` でこのキーを入力します。");
            if let Some(sheet) = recovery_sheet {
                store.save_recovery_sheet(&recovery, &sheet)?;
                line(format!("回復シートを作成しました: {}（印刷して保管し、ファイルは削除してください）", sheet.display()));
            }
        }
        Command::Demo { records, seed } => {
            let store = open(dir)?;
            let sum = demo::generate(&store, records, seed)?;
            print_json(&sum);
        }
        Command::Add { what, json } => {
            let store = open(dir)?;
            let (items, many) = match read_json(&json)? {
                serde_json::Value::Array(items) => (items, true),
                one => (vec![one], false),
            };
            let mut out = std::io::stdout().lock();
            for (i, item) in items.into_iter().enumerate() {
                let id = add_one(&store, what, item).map_err(|e| if many { with_item(e, i) } else { e })?;
                // Printed only after the write has committed: a printed id is an acknowledged write.
                writeln!(out, "{id}").and_then(|_| out.flush()).map_err(|_| Error::File { path: "stdout".into(), source: None })?;
            }
        }
        Command::Update { what, id, json } => {
            let store = open(dir)?;
            let v = read_json(&json)?;
            match what {
                EntityKind::Workplace => store.update_workplace(&id, &parse::<Workplace>(v)?)?,
                EntityKind::Worker => store.update_worker(&id, &parse::<Worker>(v)?)?,
                EntityKind::Staff => store.update_staff(&id, &parse::<Staff>(v)?)?,
            }
            line(format!("更新しました（{id}）"));
        }
        Command::List { kind, fiscal_year, status, json } => {
            let store = open(dir)?;
            let filter = ListFilter {
                kind: kind.map(|k| match k {
                    KindArg::Application => RecordKind::Application,
                    KindArg::Consultation => RecordKind::Consultation,
                    KindArg::Interview => RecordKind::Interview,
                    KindArg::Visit => RecordKind::Visit,
                    KindArg::Referral => RecordKind::Referral,
                }),
                status: status.map(|s| match s {
                    StatusArg::Draft => RecordStatus::Draft,
                    StatusArg::Final => RecordStatus::Final,
                }),
                fiscal_year,
                ..Default::default()
            };
            let rows = store.list_records(&filter)?;
            // A centre's store lists the records consolidated from its devices too.
            let consolidated = store.consolidated_listed(&filter)?;
            if json {
                // With an interview's hours as the core derives them.
                let rows = store.list_records_with_facts(&filter)?;
                let mut all: Vec<serde_json::Value> = rows.iter().map(|r| serde_json::to_value(r).expect("views serialise")).collect();
                all.extend(consolidated.iter().map(|r| serde_json::to_value(r).expect("views serialise")));
                print_json(&all);
            } else {
                for r in rows {
                    line(format!(
                        "{}\t{}\t{}\t第{}版\t{}\t{}",
                        r.id,
                        r.kind.label(),
                        r.status.label(),
                        r.version,
                        r.performed_on.map(|d| d.wareki()).unwrap_or_default(),
                        r.workplace_name.unwrap_or_default()
                    ));
                }
                for r in consolidated {
                    line(format!("{}\t{}\t第{}版\t端末 {}\t{}", r.id, r.kind, r.version, r.source_device, r.review.unwrap_or_default()));
                }
            }
        }
        Command::Photo { file } => {
            let info = open(dir)?.add_photo_file(&file)?;
            line(&info.sha256);
        }
        Command::Findings { workplace, overdue, on, json } => {
            let store = open(dir)?;
            let today = match on {
                Some(d) => d.parse::<chisanpo_core::domain::Date>().map_err(|_| Error::invalid("on", "--on は 2025-10-31 の形で指定してください。"))?,
                None => chisanpo_core::store::today(),
            };
            let filter = chisanpo_core::store::visits::FindingFilter { workplace_id: workplace, overdue_on: overdue.then_some(today), except_visit: None };
            let open_findings = store.open_findings(&filter, today)?;
            if json {
                print_json(&open_findings);
            } else {
                for f in &open_findings {
                    let due = f.due_on.map(|d| d.wareki()).unwrap_or_else(|| "期限なし".into());
                    let mark = if f.overdue { "期限超過" } else { "" };
                    let last = f.last_status.map(|s| format!("（前回: {}）", chisanpo_core::domain::Code::label(s))).unwrap_or_default();
                    line(format!("{}\t指摘{}\t{}\t{}\t{}{}", f.visit_id, f.finding_no, f.workplace_name.clone().unwrap_or_default(), due, mark, last));
                }
            }
        }
        Command::Show { id, json } => {
            let store = open(dir)?;
            let view = store.get_record(&id)?;
            if json {
                print_json(&view);
            } else {
                let s = &view.summary;
                line(format!("{}\t{}\t{}\t第{}版", s.id, s.kind.label(), s.status.label(), s.version));
                line(format!("実施日: {}", s.performed_on.map(|d| d.wareki()).unwrap_or_else(|| "未入力".into())));
                line(format!("事業場: {}", s.workplace_name.clone().unwrap_or_default()));
                for v in &view.versions {
                    line(format!("第{}版 {} {} {}", v.version, v.created_at, v.author_name, v.reason.clone().unwrap_or_default()));
                }
                if s.has_draft {
                    line("（編集中の下書きがあります）");
                }
                if let Some(f) = &view.facts {
                    if let Some(h) = f.hours.as_ref().filter(|h| h.error.is_none()) {
                        let fmt = |x: Option<f64>| x.map(|x| format!("{x:.1}時間")).unwrap_or_else(|| "未入力".into());
                        line(format!("勤務の状況: {} 総労働時間 {} 時間外・休日労働 {} {}", h.basis, fmt(h.total_hours), fmt(h.overtime_hours), h.class_label));
                    }
                    for w in &f.warnings {
                        line(format!("確認: {}", w.message));
                    }
                }
            }
        }
        Command::Finalize { id } => {
            let store = open(dir)?;
            let v = store.finalise(&id)?;
            line(format!("確定しました（{id} 第{v}版）"));
            // Plausibility warnings never stop 確定, but the doctor should see them.
            if let Some(f) = store.get_record(&id)?.facts {
                for w in f.warnings {
                    eprintln!("確認: {}", w.message);
                }
            }
        }
        Command::Amend { id, json, reason } => {
            let store = open(dir)?;
            let kind = store.get_record(&id)?.summary.kind;
            let body = record_body(kind, read_json(&json)?)?;
            let v = store.amend(&id, &body, &reason)?;
            line(format!("訂正しました（{id} 第{v}版）"));
        }
        Command::History { id, json } => {
            let store = open(dir)?;
            let h = store.history(&id)?;
            if json {
                print_json(&h);
            } else {
                for v in h {
                    line(format!("第{}版\t{}\t{}\t{}", v.version, v.created_at, v.author_name, v.reason.unwrap_or_default()));
                }
            }
        }
        Command::Verify { json, accept_loss } => {
            let store = open(dir)?;
            if accept_loss {
                if store.anchor_problem().is_none() {
                    line("アンカーに問題はありません。受け入れる損失はありません。");
                } else {
                    store.reanchor()?;
                    line("現在のストアを受け入れ、監査ログに記録しました。アンカーは現在の監査ログに合わせました。");
                }
            }
            let report = store.verify()?;
            if json {
                print_json(&report);
            } else if report.ok {
                line(format!("検査に合格しました: 監査ログ {} 件、確定版 {} 件。", report.audit_entries, report.versions_checked));
            }
            if !report.ok {
                for p in &report.problems {
                    eprintln!("問題: {p}");
                }
                return Err(Error::Integrity(format!("{}件の問題があります。バックアップからの復元を検討してください。", report.problems.len())));
            }
        }
        Command::ImportWorkers { workplace, file, skip_errors, dry_run } => {
            let store = open(dir)?;
            let bytes = std::fs::read(&file).map_err(|_| Error::File { path: file.display().to_string(), source: None })?;
            let preview = store.preview_worker_import(&workplace, &bytes)?;
            if dry_run {
                print_json(&preview);
                return Ok(());
            }
            let problems: Vec<_> = preview.rows.iter().flat_map(|r| r.problems.iter().map(move |p| (r.status, p))).collect();
            if preview.errors > 0 && !skip_errors {
                let mut v: Vec<_> = problems
                    .iter()
                    .filter(|(s, _)| *s == ImportRowStatus::Error)
                    .map(|(_, p)| chisanpo_core::domain::Violation { field: p.column.clone(), message: p.message.clone() })
                    .collect();
                v.push(chisanpo_core::domain::Violation {
                    field: "--skip-errors".into(),
                    message: "何も取り込んでいません。CSV を直してもう一度実行するか、--skip-errors を付けて誤りのない行だけを取り込んでください".into(),
                });
                return Err(Error::Invalid(v));
            }
            for (_, p) in &problems {
                eprintln!("{}", p.message);
            }
            let workers = preview.workers();
            if workers.is_empty() {
                eprintln!("取り込む労働者はいませんでした。");
                return Ok(());
            }
            let ids = crate::cli_progress::on_terminal(|| store.import_workers(&workplace, &workers))?;
            for id in &ids {
                line(id);
            }
            eprintln!("{}名を取り込みました（誤りのある行 {}、重複 {}）。", ids.len(), preview.errors, preview.duplicates);
        }
        Command::Search { what, query, workplace, limit } => {
            let store = open(dir)?;
            match what {
                SearchKind::Workers => print_json(&store.search_workers(&query, workplace.as_deref(), limit)?),
                SearchKind::Workplaces => print_json(&store.search_workplaces(&query, limit)?),
            }
        }
        Command::Pdf { form, id, fiscal_year, out, out_dir, merge, version } => {
            // The arguments are checked before the store is opened (and the passphrase asked).
            let plan = crate::cli_pdf::plan(crate::cli_pdf::PdfArgs { ids: id, fiscal_year, out, out_dir, merge, version })?;
            crate::cli_pdf::pdf(&open(dir)?, form.into(), plan)?;
        }
        Command::Centre { cmd } => crate::cli_delivery::centre(&open(dir)?, cmd)?,
        Command::Guide { shots, out } => crate::cli_guide::build(&shots, &out)?,
        Command::Directory { cmd } => crate::cli_directory::directory(&open(dir)?, cmd)?,
        Command::Referrals { awaiting, from, json } => crate::cli_directory::referrals(&open(dir)?, awaiting, from, json)?,
        Command::ReferralTemplate { from } => crate::cli_directory::referral_template(&open(dir)?, &from)?,
        Command::Outcome { id, result, on, note } => crate::cli_directory::outcome(&open(dir)?, &id, result, on, &note)?,
        Command::Enrol { profile, out } => crate::cli_delivery::enrol(&open(dir)?, &profile, out.as_deref())?,
        Command::Deliver { to, save, watch, until_sent } => crate::cli_delivery::deliver(&open(dir)?, &to, save, watch, until_sent)?,
        Command::Outbox { json, release } => crate::cli_delivery::outbox(&open(dir)?, json, release)?,
        Command::Settings { centre, labour_bureau, zone_count, fallback_font, pdf_folder } => {
            let store = open(dir)?;
            // The settings as stored, with those given: all checked, then saved in one transaction.
            let given = centre.is_some() || labour_bureau.is_some() || zone_count.is_some() || pdf_folder.is_some() || fallback_font.is_some();
            let mut req = chisanpo_core::settings::app_settings(&store)?;
            req.pdf_folder = pdf_folder.unwrap_or(store.setting("pdf_folder")?.unwrap_or_default());
            req.centre_name = centre.unwrap_or(req.centre_name);
            req.labour_bureau = labour_bureau.unwrap_or(req.labour_bureau);
            req.zone_count = zone_count.unwrap_or(req.zone_count);
            req.fallback_font = fallback_font.unwrap_or(req.fallback_font);
            if given {
                chisanpo_core::settings::save_app_settings(&store, &req)?;
            }
            line(format!("センター名: {}", store.setting("centre_name")?.unwrap_or_default()));
            line(format!("労働局名: {}", store.labour_bureau()?.unwrap_or_else(|| "（未設定）".into())));
            line(format!("圏域の数: {}", store.zone_count()?.map(|n| n.to_string()).unwrap_or_else(|| "（未設定）".into())));
            line(format!("外字フォント: {}", store.setting("fallback_font")?.filter(|f| !f.is_empty()).unwrap_or_else(|| "（なし）".into())));
            line(format!("PDFの保存先: {}", store.setting("pdf_folder")?.filter(|f| !f.is_empty()).unwrap_or_else(|| "（ドキュメント）".into())));
        }
        Command::Export { what: ExportWhat::Ledger { kind, fiscal_year, from, to, doctor, workplace, format, encoding, out } } => {
            let store = open(dir)?;
            let date = |field: &str, v: Option<String>| -> Result<Option<Date>> {
                v.map(|s| s.parse::<Date>().map_err(|e| Error::invalid(field, e.to_string()))).transpose()
            };
            let filter = LedgerFilter { fiscal_year, from: date("from", from)?, to: date("to", to)?, doctor_id: doctor, workplace_id: workplace };
            let kind = match kind {
                LedgerArg::Consultation => LedgerKind::Consultation,
                LedgerArg::Interview => LedgerKind::Interview,
                LedgerArg::Visit => LedgerKind::Visit,
            };
            let format = match format {
                FormatArg::Xlsx => ExportFormat::Xlsx,
                FormatArg::Csv => ExportFormat::Csv,
                FormatArg::Pdf => ExportFormat::Pdf,
            };
            let encoding = match encoding {
                EncodingArg::Utf8 => CsvEncoding::Utf8Bom,
                EncodingArg::Cp932 => CsvEncoding::Cp932,
            };
            let r = crate::cli_progress::on_terminal(|| store.export_ledger(kind, &filter, format, encoding, &out))?;
            line(format!("{}（{}）を書き出しました: {}（{} 件）", kind.title(), filter.describe(), r.path, r.rows));
        }
        Command::Report { what: ReportWhat::Annual { fiscal_year, out, json } } => {
            let store = open(dir)?;
            let r = crate::cli_progress::on_terminal(|| store.write_annual_report(fiscal_year, &out, json.as_deref()))?;
            line(format!("地域産業保健事業実績報告書（{}）を作成しました: {}", chisanpo_core::domain::wareki::format_fiscal_year(fiscal_year), out.display()));
            line(format!("集計した記録: {} 件", r.records_counted()));
            for field in &r.unset_fields {
                eprintln!("注意: {field}");
            }
        }
        Command::Activity { json } => {
            let store = open(dir)?;
            let activity: chisanpo_core::domain::Activity = parse(read_json(&json)?)?;
            line(store.add_activity(&activity)?);
        }
        Command::Fee { id, paid_on, exception, json } => {
            let store = open(dir)?;
            if let Some(on) = paid_on {
                let on: Date = on.parse().map_err(|e: chisanpo_core::domain::wareki::DateError| Error::invalid("paid_on", e.to_string()))?;
                store.confirm_payment(&id, on)?;
            }
            if let Some(reason) = exception {
                store.override_fee(&id, &reason)?;
            }
            let status = store.fee_status(&id)?;
            if json {
                print_json(&status);
            } else {
                let a = &status.assessment;
                if !a.required {
                    line("利用料はかかりません。");
                } else {
                    line(format!("利用料: {}（{}）", a.amount.map(chisanpo_core::error::yen).unwrap_or_else(|| "時間が未入力のため未算出".into()), a.reason));
                    line(if status.settled() {
                        "入金確認済み、または例外として記録済みです。"
                    } else {
                        "入金の確認が必要です（--paid-on 日付）。"
                    });
                }
            }
        }
        Command::Retention { action } => {
            let store = open(dir)?;
            match action {
                RetentionAction::Due { json } => {
                    let due = store.retention_due(chisanpo_core::store::today())?;
                    if json {
                        print_json(&due);
                    } else {
                        for d in &due {
                            line(format!(
                                "{}\t{}\t{}\t保存期限 {}{}",
                                d.record_id,
                                d.kind.label(),
                                d.performed_on.map(|p| p.wareki()).unwrap_or_default(),
                                d.retain_until.wareki(),
                                d.held.as_deref().map(|why| format!("\t保留: {why}")).unwrap_or_default()
                            ));
                        }
                        line(format!("保存期限を過ぎた記録: {} 件", due.len()));
                    }
                }
                RetentionAction::Destroy { ids, reason } => {
                    let r = store.destroy(&ids, &reason, chisanpo_core::store::today())?;
                    line(format!("{} 件を廃棄し、廃棄記録を残しました。", r.destroyed.len()));
                    for copy in &r.saved_copies {
                        line(format!("保存されたPDFの控えが残っています。不要なら削除してください: {copy}"));
                    }
                }
                RetentionAction::Log { json } => {
                    let log = store.destructions()?;
                    if json {
                        print_json(&log);
                    } else {
                        for d in &log {
                            line(format!(
                                "{}\t{}\t台帳番号 {}\t{}\t{}",
                                d.destroyed_at,
                                d.kind,
                                d.ledger_number.map(|n| n.to_string()).unwrap_or_default(),
                                d.destroyed_by,
                                d.reason
                            ));
                        }
                    }
                }
            }
        }
        Command::Backup { out } => {
            let store = open(dir)?;
            let info = crate::cli_progress::on_terminal(|| store.backup(&out))?;
            line(format!("バックアップを作成しました: {}（記録 {} 件）", info.path, info.header.record_count));
        }
        Command::Restore { file, recovery, yes } => {
            let secret = if recovery {
                Secret::Recovery(RecoveryKey::parse(secret("CHISANPO_RECOVERY_KEY", "回復キー")?.expose())?)
            } else {
                Secret::Passphrase(secret("CHISANPO_PASSPHRASE", "バックアップ時のパスフレーズ")?)
            };
            let r = crate::cli_progress::on_terminal(|| backup::restore(dir, &file, &secret, yes))?;
            line(format!("復元しました: 記録 {} 件（{} のバックアップ）。", r.record_count, r.backup_created_at));
            if r.lost_records > 0 {
                line(format!("置き換えたストアにあった {} 件の記録は、確認のうえ破棄されました。", r.lost_records));
            }
            if !r.header_authenticated {
                line("このバックアップは以前の版（0.2.0 以前）の形式のため、見出し（作成日時・鍵の情報）は検証できませんでした。記録の内容は検証済みです。新しいバックアップを作成してください。");
            }
            if let Some(kept) = &r.kept_aside {
                line(format!("置き換えたストアは比較できなかったため削除せず、{kept} に残しました（元のパスフレーズで --data-dir {kept} として開けます）。"));
            }
        }
        Command::Passphrase => {
            let store = open(dir)?;
            let new = new_passphrase("CHISANPO_NEW_PASSPHRASE")?;
            store.change_passphrase(&new)?;
            line("パスフレーズを変更しました。");
        }
        Command::RecoveryKey { recovery_sheet } => {
            let pass = secret("CHISANPO_PASSPHRASE", "パスフレーズ")?;
            let store = Store::open(dir, &pass)?;
            let fresh = store.renew_recovery_key(&pass)?;
            line("以前の回復キーは使えなくなりました。新しい回復キー（この一度だけ表示します。印刷して施錠できる場所に保管してください）:");
            line(format!("  {}", fresh.display().as_str()));
            line("以前に作ったバックアップは、以前の回復キーでも開けます。");
            if let Some(sheet) = recovery_sheet {
                store.save_recovery_sheet(&fresh, &sheet)?;
                line(format!("回復シートを作成しました: {}（印刷して保管し、ファイルは削除してください）", sheet.display()));
            }
        }
        Command::Recover { recovery_sheet } => {
            let key = secret("CHISANPO_RECOVERY_KEY", "回復キー")?;
            let recovery = RecoveryKey::parse(key.expose())?;
            // The key is checked before a new passphrase is asked for.
            drop(Store::open_with_recovery(dir, &recovery)?);
            let new = new_passphrase("CHISANPO_NEW_PASSPHRASE")?;
            let (store, fresh) = Store::recover(dir, &recovery, &new)?;
            line("回復キーで解錠し、新しいパスフレーズを設定しました。");
            line("");
            line("使った回復キーは使えなくなりました。新しい回復キー（この一度だけ表示します。印刷して施錠できる場所に保管してください）:");
            line(format!("  {}", fresh.display().as_str()));
            line("以前に作ったバックアップは、以前の回復キーでも開けます。");
            if let Some(sheet) = recovery_sheet {
                store.save_recovery_sheet(&fresh, &sheet)?;
                line(format!("回復シートを作成しました: {}（印刷して保管し、ファイルは削除してください）", sheet.display()));
            }
        }
    }
    Ok(())
}

/// Say which item of an array failed, counting from 1 as people do.
fn with_item(e: Error, index: usize) -> Error {
    let n = index + 1;
    match e {
        Error::Json(m) => Error::Json(format!("{n}件目: {m}")),
        Error::Invalid(mut v) => {
            for x in &mut v {
                x.field = format!("{n}件目.{}", x.field);
            }
            Error::Invalid(v)
        }
        other => other,
    }
}

pub fn run(cmd: Command, dir: Option<PathBuf>) -> ExitCode {
    let result = data_dir(dir).and_then(|d| execute(cmd, &d));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The one conversion for the terminal, as for the UI (`ErrorDto`): the message, and
            // the code a script branches on. The cause (`source`) is never printed.
            let shown = chisanpo_core::error::ErrorDto::from(&e);
            eprintln!("エラー: {}", shown.message);
            eprintln!("（エラーコード: {}）", shown.code);
            ExitCode::from(match e {
                Error::Integrity(_) => 3,
                _ => 1,
            })
        }
    }
}
