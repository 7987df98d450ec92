//! The delivery commands of the CLI: `centre …`, `enrol`, `deliver`, `outbox`. Thin adapters
//! over `chisanpo_core::delivery`.

use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(feature = "postgres")]
use chisanpo_core::delivery::consolidation::postgres::PgConsolidation;
use chisanpo_core::delivery::consolidation::Consolidation;
use chisanpo_core::delivery::webdav::is_url;
use chisanpo_core::delivery::{CentreProfile, DeliveryReport, DeliveryTarget, EnrolmentRequest, Schedule, Transport};
use chisanpo_core::ledger::export::{CsvEncoding, ExportFormat};
use chisanpo_core::ledger::{LedgerFilter, LedgerKind};
use chisanpo_core::store::{atomic, Store};
use chisanpo_core::{Error, Result};
use clap::{Args, Subcommand};

use crate::cli::{line, print_json};
use chisanpo_core::delivery::root::RootKey;
use chisanpo_core::error::DeliveryCode;
use chisanpo_core::prelude::*;

/// The key file's passphrase, for scripts (otherwise it is typed).
const KEY_FILE_PASSPHRASE: &str = "CHISANPO_KEY_FILE_PASSPHRASE";
/// The root key file's passphrase, for scripts (otherwise it is typed).
const ROOT_KEY_PASSPHRASE: &str = "CHISANPO_ROOT_KEY_PASSPHRASE";

#[derive(Subcommand, Debug)]
pub enum CentreCmd {
    /// Make this store the centre's: create its key pair and write the centre profile.
    Init {
        #[arg(long)]
        name: String,
        /// Where to write the centre profile (JSON) that devices enrol with.
        #[arg(long)]
        out: PathBuf,
        /// Where devices deliver to (a folder or a URL), written into the profile.
        #[arg(long)]
        endpoint: Option<String>,
    },
    /// Write the centre profile again.
    Profile {
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a device to the centre's list from the enrolment request it printed.
    EnrolDevice {
        #[arg(long)]
        file: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// The enrolled devices.
    Devices {
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// The consolidated records (ids, versions, source devices, 要確認; no content).
    Records {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Consolidated records past their 5-year retention; with --destroy, destroy them (all or
    /// none) leaving a 廃棄記録 each.
    Retention {
        #[arg(long, num_args = 1..)]
        destroy: Vec<String>,
        #[arg(long, requires = "destroy")]
        reason: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// The annual report (別添3) with the consolidated records, as XLSX.
    Annual {
        #[arg(long)]
        fiscal_year: i32,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Export the consolidated 台帳 (on this store: with the centre's own records).
    Ledger {
        #[arg(long, value_enum)]
        kind: crate::cli::LedgerArg,
        #[arg(long)]
        fiscal_year: Option<i32>,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: crate::cli::FormatArg,
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Import the bundles in a folder or at a WebDAV URL into the consolidated store, and
    /// write the receipts back beside them.
    Import {
        /// A folder, or a WebDAV URL (the password from CHISANPO_WEBDAV_PASSWORD).
        #[arg(long)]
        from: String,
        /// The WebDAV user name.
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Write the centre's keys for a second coordinator, encrypted with a passphrase (from
    /// CHISANPO_KEY_FILE_PASSPHRASE, or typed twice). Tell the passphrase separately.
    ExportKeys {
        #[arg(long)]
        out: PathBuf,
    },
    /// On a second coordinator's store: take the centre's keys from the file `export-keys`
    /// wrote (the passphrase from CHISANPO_KEY_FILE_PASSPHRASE, or typed).
    Join {
        #[arg(long)]
        keys: PathBuf,
    },
    /// Make a new centre key and write the new profile; devices enrol again with it. Bundles
    /// made for the old key still import. With a root key (required once the centre has one),
    /// the signing key is new too, and a coordinator who left can sign nothing devices accept.
    RotateKey {
        #[arg(long)]
        out: PathBuf,
        /// The root key file from `centre root-key` (its passphrase from
        /// CHISANPO_ROOT_KEY_PASSPHRASE, or typed).
        #[arg(long)]
        root_key: Option<PathBuf>,
    },
    /// Check every consolidated row against the payloads its devices signed, the current
    /// versions, and the enrolled keys against this store's audit log (ADR 0026).
    Verify {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Print the SQL that sets up the shared PostgreSQL's roles, for the database administrator
    /// to run as a superuser (ADR 0026).
    DatabaseRoles,
    /// Move the consolidated records of this store into a shared PostgreSQL database (ADR 0031),
    /// keeping the 台帳 numbers, devices, bundles, quarantine, receipts and 廃棄記録; run as a
    /// member of chisanpo_owner. Run again if it is cut: it goes on where it stopped.
    MoveTo {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: DatabaseArg,
    },
    /// Make the centre's root key (once), for the 責任者 to keep apart from every store: only
    /// with it can the centre's keys be rotated so that devices accept the change. Writes the
    /// root key file (passphrase of 12 characters or more, from CHISANPO_ROOT_KEY_PASSPHRASE or
    /// typed twice) and the profile every device enrols again with.
    RootKey {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        profile_out: PathBuf,
    },
}

/// The consolidated store: this store (the default), or a PostgreSQL database several
/// coordinators share. `Debug` never shows the URL (it may hold a password).
#[derive(Args)]
pub struct DatabaseArg {
    /// A shared PostgreSQL database, postgres://user[:password]@host[:port]/name.
    #[arg(long, env = "CHISANPO_DATABASE_URL", hide_env_values = true)]
    database: Option<String>,
}

impl std::fmt::Debug for DatabaseArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[cfg(feature = "postgres")]
        let database = self.database.as_deref().map(chisanpo_core::delivery::consolidation::postgres::label_of);
        #[cfg(not(feature = "postgres"))]
        let database = self.database.as_ref().map(|_| "…");
        f.debug_struct("DatabaseArg").field("database", &database).finish()
    }
}

/// Run `f` on the chosen consolidated store: `--database`, or else the shared database chosen in
/// the app's 設定, or else this store.
fn with_db<T>(store: &Store, db: &DatabaseArg, f: impl FnOnce(&mut dyn Consolidation) -> Result<T>) -> Result<T> {
    match &db.database {
        #[cfg(feature = "postgres")]
        Some(url) => f(&mut PgConsolidation::connect(url, store)?),
        #[cfg(not(feature = "postgres"))]
        Some(_) => Err(no_postgres()),
        None => store.with_consolidation(f),
    }
}

/// This build was made without the centre's PostgreSQL (the feature `postgres`).
#[cfg(not(feature = "postgres"))]
fn no_postgres() -> chisanpo_core::Error {
    chisanpo_core::Error::delivery(
        chisanpo_core::error::DeliveryCode::NoDatabase,
        "この版は共有の PostgreSQL に対応していません（端末用の版）。センター用の版で実行するか、--database を付けずにこのストアで集約してください。",
    )
}

/// Where to deliver, for one command.
#[derive(Args, Debug)]
pub struct TargetArgs {
    /// A folder (a synced folder or a network share) the centre imports from.
    #[arg(long, conflicts_with = "to_url")]
    to_folder: Option<PathBuf>,
    /// A WebDAV URL (Nextcloud-compatible); the app password from CHISANPO_WEBDAV_PASSWORD.
    #[arg(long)]
    to_url: Option<String>,
    /// The WebDAV user name.
    #[arg(long)]
    user: Option<String>,
}

fn webdav_password() -> Option<String> {
    std::env::var("CHISANPO_WEBDAV_PASSWORD").ok().filter(|p| !p.is_empty())
}

/// A transport for a folder or a URL given on the command line.
fn transport_for(place: &str, user: Option<&str>) -> Result<Box<dyn Transport>> {
    let target = if is_url(place) {
        DeliveryTarget::WebDav { url: place.to_string(), user: user.map(str::to_string) }
    } else {
        DeliveryTarget::Folder { path: place.to_string() }
    };
    target.transport(webdav_password().as_deref())
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|_| Error::File { path: path.display().to_string(), source: None })
}

pub fn centre(store: &Store, cmd: CentreCmd) -> Result<()> {
    match cmd {
        CentreCmd::Init { name, out, endpoint } => {
            let profile = store.centre_init(&name, endpoint.as_deref())?;
            atomic::write_file(&out, profile.to_json().as_bytes())?;
            line(format!("センターの鍵を作成し、プロファイルを書き出しました: {}", out.display()));
            line("このファイルを各端末に渡し、端末で `chisanpo enrol --profile ファイル` を実行してもらってください。");
        }
        CentreCmd::Profile { out } => {
            let profile = store.centre_profile()?.filter(|_| store.is_centre().unwrap_or(false)).ok_or_else(|| {
                Error::delivery(DeliveryCode::NotACentre, "このストアはセンターとして設定されていません。先に `chisanpo centre init` を実行してください。")
            })?;
            atomic::write_file(&out, profile.to_json().as_bytes())?;
            line(format!("プロファイルを書き出しました: {}", out.display()));
        }
        CentreCmd::EnrolDevice { file, db } => {
            let req = EnrolmentRequest::parse(&read_text(&file)?)?;
            if with_db(store, &db, |t| store.centre_enrol_device_into(&req, t))? {
                line(format!("端末を登録しました: {}（{}）", req.device_id, req.label));
            } else {
                line(format!("この端末は既に登録されています: {}", req.device_id));
            }
        }
        CentreCmd::Devices { db } => print_json(&with_db(store, &db, |t| t.devices())?),
        CentreCmd::Records { json, db } => {
            let records = with_db(store, &db, |t| t.records())?;
            if json {
                print_json(&records);
            } else {
                for r in &records {
                    line(format!(
                        "{}　{}　第{}版　{}{}",
                        r.id,
                        r.performed_on.as_deref().unwrap_or("日付なし"),
                        r.version,
                        r.source_device,
                        if r.needs_review { "　要確認" } else { "" }
                    ));
                }
                line(format!("{}件", records.len()));
            }
        }
        CentreCmd::Retention { destroy, reason, json, db } => {
            let today = chisanpo_core::store::today();
            if destroy.is_empty() {
                let due = with_db(store, &db, |t| t.retention_due(today))?;
                if json {
                    print_json(&due);
                } else {
                    for d in &due {
                        line(format!("{}　{}　{}まで", d.record_id, d.performed_on.map(|p| p.wareki()).unwrap_or_default(), d.retain_until.wareki()));
                    }
                    line(format!("保存期間を過ぎた記録: {}件", due.len()));
                }
            } else {
                let done = with_db(store, &db, |t| t.destroy(&destroy, reason.as_deref().unwrap_or(""), today))?;
                if json {
                    print_json(&done);
                } else {
                    line(format!("{}件を廃棄し、廃棄記録を残しました。", done.len()));
                }
            }
        }
        CentreCmd::Annual { fiscal_year, out, db } => {
            let r = crate::cli_progress::on_terminal(|| with_db(store, &db, |t| store.write_annual_report_from(t, fiscal_year, &out, None)))?;
            line(format!("{}の実績報告書を書き出しました: {}（記録 {}件）", r.fiscal_year_label, out.display(), r.records_counted()));
        }
        CentreCmd::Ledger { kind, fiscal_year, format, out, db } => {
            let kind = match kind {
                crate::cli::LedgerArg::Consultation => LedgerKind::Consultation,
                crate::cli::LedgerArg::Interview => LedgerKind::Interview,
                crate::cli::LedgerArg::Visit => LedgerKind::Visit,
            };
            let format = match format {
                crate::cli::FormatArg::Xlsx => ExportFormat::Xlsx,
                crate::cli::FormatArg::Csv => ExportFormat::Csv,
                crate::cli::FormatArg::Pdf => ExportFormat::Pdf,
            };
            let filter = LedgerFilter { fiscal_year, ..Default::default() };
            let r =
                crate::cli_progress::on_terminal(|| with_db(store, &db, |t| store.export_ledger_from(t, kind, &filter, format, CsvEncoding::Utf8Bom, &out)))?;
            line(format!("{}を書き出しました: {}（{}行）", kind.title(), r.path, r.rows));
        }
        CentreCmd::ExportKeys { out } => {
            let pass = crate::cli::new_secret(KEY_FILE_PASSPHRASE, "鍵ファイルのパスフレーズ")?;
            atomic::write_file(&out, &store.centre_export_keys(&pass)?)?;
            line(format!("センターの鍵を書き出しました: {}", out.display()));
            line(format!("鍵の指紋: {}（取り込む人の画面と電話で読み合わせてください）", store.centre_key_fingerprint()?.unwrap_or_default()));
            line("このファイルとパスフレーズは別々の方法で渡し（パスフレーズは電話などで）、取り込んだら削除してください。");
        }
        CentreCmd::Join { keys } => {
            let bytes = std::fs::read(&keys).map_err(|_| Error::File { path: keys.display().to_string(), source: None })?;
            let pass = crate::cli::secret(KEY_FILE_PASSPHRASE, "鍵ファイルのパスフレーズ")?;
            let profile = store.centre_join(&bytes, &pass)?;
            line(format!("センター（{}）の鍵を取り込みました。このストアから取り込み・台帳・年次報告ができます。", profile.centre_name));
            line(format!("鍵の指紋: {}（書き出した人の画面と同じか、電話で確かめてください）", store.centre_key_fingerprint()?.unwrap_or_default()));
            line("共有の PostgreSQL を使うときは --database（または CHISANPO_DATABASE_URL）を指定してください。鍵ファイルは削除してください。");
        }
        CentreCmd::RotateKey { out, root_key } => {
            let root = match root_key {
                Some(path) => {
                    let bytes = std::fs::read(&path).map_err(|_| Error::File { path: path.display().to_string(), source: None })?;
                    Some(RootKey::open(&bytes, &crate::cli::secret(ROOT_KEY_PASSPHRASE, "責任者鍵ファイルのパスフレーズ")?)?)
                }
                None => None,
            };
            let profile = store.centre_rotate_key(root.as_ref())?;
            atomic::write_file(&out, profile.to_json().as_bytes())?;
            line(format!("センターの鍵を新しくし、プロファイルを書き出しました: {}", out.display()));
            line("各端末で `chisanpo enrol --profile ファイル` をもう一度実行してもらってください（端末IDと送信待ちはそのままです）。古い鍵宛ての配送ファイルも取り込めます。");
            if root.is_some() {
                line("署名鍵も新しくなりました。ほかのコーディネーターには `centre export-keys` で書き出した新しい鍵ファイルを `centre join --keys` で取り込んでもらってください。");
            } else {
                line("注意: 責任者鍵がないため、受領通知とプロファイルの署名鍵は変わっていません。退職者が鍵を持っている場合は、先に `chisanpo centre root-key` で責任者鍵を作ってください。");
            }
        }
        CentreCmd::Verify { json, db } => {
            let r = with_db(store, &db, |t| t.check_proofs())?;
            if json {
                print_json(&r);
            } else {
                line(format!("署名付きの配送内容 {}件、集約した版 {}件を確かめました。", r.payloads_checked, r.versions_checked));
                if !r.proof_destroyed.is_empty() {
                    line(format!("参考: 廃棄した記録と同じ配送ファイルにあったため、署名を確かめられなくなった版: {}件", r.proof_destroyed.len()));
                }
                if !r.before_proofs.is_empty() {
                    line(format!("参考: 署名付きの配送内容を保存する前に取り込んだ版: {}件", r.before_proofs.len()));
                }
                for d in &r.enrolled_elsewhere {
                    line(format!(
                        "参考: 端末 {} はこのストアから登録していません（登録したデータベースのユーザー: {}）",
                        d.device_id,
                        d.enrolled_by.as_deref().unwrap_or("不明")
                    ));
                }
                if r.ok {
                    line("問題はありません。");
                }
            }
            if !r.ok {
                for p in &r.problems {
                    eprintln!("問題: {p}");
                }
                return Err(Error::Integrity(format!("{}件の問題があります。上の一覧を確かめてください。", r.problems.len())));
            }
        }
        #[cfg(feature = "postgres")]
        CentreCmd::DatabaseRoles => print!("{}", chisanpo_core::delivery::consolidation::postgres::pg_roles_script()),
        #[cfg(not(feature = "postgres"))]
        CentreCmd::DatabaseRoles => return Err(no_postgres()),
        #[cfg(feature = "postgres")]
        CentreCmd::MoveTo { json, db } => move_to(store, &db, json)?,
        #[cfg(not(feature = "postgres"))]
        CentreCmd::MoveTo { .. } => return Err(no_postgres()),
        CentreCmd::RootKey { out, profile_out } => {
            let pass = crate::cli::new_secret(ROOT_KEY_PASSPHRASE, "責任者鍵ファイルのパスフレーズ（12文字以上）")?;
            let (_, profile) = store.centre_make_root(&pass, &|file| atomic::write_file(&out, file))?;
            atomic::write_file(&profile_out, profile.to_json().as_bytes())?;
            line(format!("責任者鍵ファイルを書き出しました: {}", out.display()));
            line("このファイルとパスフレーズは、センターの責任者が別々に（USBメモリは金庫など、パソコンの外に）保管してください。失うと鍵を新しくできなくなります。");
            line(format!("責任者鍵を載せたプロファイルを書き出しました: {}", profile_out.display()));
            line("各端末で `chisanpo enrol --profile ファイル` をもう一度実行してもらってください。それ以降、端末は責任者鍵で署名されたプロファイルだけを受け付けます。");
        }
        CentreCmd::Import { from, user, json, db } => {
            let source = transport_for(&from, user.as_deref())?;
            let r = crate::cli_progress::on_terminal(|| with_db(store, &db, |t| store.centre_import_into(source.as_ref(), t)))?;
            if json {
                print_json(&r);
            } else {
                line(format!(
                    "取り込み: {}件の配送ファイルを適用（新しい版 {}件、既にある版 {}件）、{}件は取り込み済み",
                    r.bundles_applied.len(),
                    r.versions_added,
                    r.versions_already_present,
                    r.bundles_already_applied
                ));
                for q in &r.quarantined {
                    line(format!("隔離: {} — {}", q.file, q.reason));
                }
                for f in &r.incomplete {
                    line(format!("未着: {}（ハッシュファイルがまだ届いていません。次の取り込みで確かめます）", f));
                }
                for id in &r.needs_review {
                    line(format!("要確認: 記録 {id} に、同じ版の異なる訂正が複数の端末から届きました。両方を保存しています。"));
                }
                for w in &r.warnings {
                    line(format!("注意: {w}"));
                }
                line(format!("受領通知: {}件を書き込みました。", r.receipts_written));
            }
        }
    }
    Ok(())
}

/// `centre move-to`: the counts of every table, and what to do next.
#[cfg(feature = "postgres")]
fn move_to(store: &Store, db: &DatabaseArg, json: bool) -> Result<()> {
    use chisanpo_core::delivery::consolidation::move_to::move_into;
    let Some(url) = db.database.as_deref() else {
        return Err(Error::invalid(
            "database",
            "移す先の PostgreSQL を --database postgres://ユーザー@ホスト/データベース名（または CHISANPO_DATABASE_URL）で指定してください。",
        ));
    };
    let mut target = PgConsolidation::connect(url, store)?;
    let r = move_into(&mut target, &mut |p| {
        if !json && p.done == p.total {
            eprintln!("移しています: {}（{}件）", p.table.label(), p.total);
        }
    })?;
    if json {
        print_json(&r);
    } else {
        line(format!(
            "センター（ID {}）の集約した記録を、共有データベース {} に移しました{}。",
            r.centre_id,
            r.database,
            if r.resumed { "（続きから）" } else { "" }
        ));
        line("表ごとの件数（このストア → データベース、今回書き込んだ件数、見つからない件数）:");
        for t in &r.tables {
            line(format!("  {}: {} → {}（今回 {}、見つからない {}）", t.label, t.source, t.target, t.copied, t.missing));
        }
        line(format!("  受領通知を書いた配送ファイル: {}（見つからない {}）", r.receipts, r.receipts_missing));
        line(format!("データベースの確認: 署名付きの配送内容 {}件、集約した版 {}件を確かめました。", r.payloads_checked, r.versions_checked));
        if !r.applied_without_payload.is_empty() {
            line(format!(
                "参考: 署名付きの配送内容を保存する前に取り込んだ配送ファイル {}件は、取り込み済みの一覧に移していません。同じファイルをもう一度取り込むと、内容を保存して取り込み済みになります（版は増えません）。",
                r.applied_without_payload.len()
            ));
        }
        if r.ok {
            line("何も失われていません。これからは --database（または CHISANPO_DATABASE_URL）を付けて取り込み・台帳・確認を行ってください。このストアの集約した記録は消していません（もう使いません）。");
        }
    }
    if !r.ok {
        for p in &r.problems {
            eprintln!("問題: {p}");
        }
        return Err(Error::Integrity(format!(
            "{}件の問題があります。上の一覧を確かめ、もう一度 `chisanpo centre move-to` を実行してください。",
            r.problems.len()
        )));
    }
    Ok(())
}

pub fn enrol(store: &Store, profile: &Path, out: Option<&Path>) -> Result<()> {
    let profile = CentreProfile::parse(&read_text(profile)?)?;
    let req = store.enrol(&profile)?;
    let json = serde_json::to_string_pretty(&req).expect("requests serialise");
    if let Some(out) = out {
        atomic::write_file(out, json.as_bytes())?;
        eprintln!("登録申請を書き出しました: {}。このファイルをセンターに渡してください（`chisanpo centre enrol-device --file`）。", out.display());
    }
    line(json);
    Ok(())
}

pub fn deliver(store: &Store, to: &TargetArgs, save: bool, watch: bool, until_sent: bool) -> Result<()> {
    let given = match (&to.to_folder, &to.to_url) {
        (Some(f), _) => Some(DeliveryTarget::Folder { path: f.display().to_string() }),
        (None, Some(u)) => Some(DeliveryTarget::WebDav { url: u.clone(), user: to.user.clone() }),
        (None, None) => None,
    };
    if save {
        let target = given.as_ref().ok_or_else(|| Error::invalid("to", "--save には --to-folder か --to-url を指定してください。"))?;
        store.set_delivery_target(target, webdav_password().as_deref())?;
        line(format!("配送先を保存しました: {}", target.describe()));
    }
    let transport = match &given {
        Some(t) => t.transport(webdav_password().as_deref())?,
        None => store.delivery_transport()?.ok_or_else(|| {
            Error::delivery(
                DeliveryCode::NoTarget,
                "配送先が決まっていません。`--to-folder フォルダ` か `--to-url URL` を指定してください（`--save` を付けると次から省けます）。",
            )
        })?,
    };
    if !watch {
        let r = store.deliver(transport.as_ref())?;
        print_pass(&r);
        return Ok(());
    }
    // The same loop as the app's background worker: a pass whenever one is due.
    let schedule = Schedule::from_env();
    line(format!("配送を続けます（{}）。Ctrl+C で止まります。", transport.describe()));
    loop {
        let now = chrono::Utc::now();
        if let Some(r) = store.delivery_tick(&schedule, now, transport.as_ref())? {
            print_pass(&r);
            if until_sent && r.stopped.is_none() && r.waiting == 0 {
                return Ok(());
            }
        } else if until_sent && store.outbox()?.overview.waiting == 0 {
            return Ok(());
        }
        let wait = store
            .delivery_next_at(&schedule, now)?
            .map(|at| (at - chrono::Utc::now()).to_std().unwrap_or_default())
            .unwrap_or(schedule.poll)
            .clamp(Duration::from_millis(200), Duration::from_secs(5));
        std::thread::sleep(wait);
    }
}

fn print_pass(r: &DeliveryReport) {
    line(format!("配送しました: {}件の配送ファイル（{}件の記録の版・廃棄記録）。未送信 {}件。", r.bundles_sent.len(), r.entries_sent, r.waiting));
    if !r.received.is_empty() {
        line(format!("センターが受領: {}件の配送ファイル", r.received.len()));
    }
    for b in &r.resent {
        line(format!("再送: {b}（センターに届いたものが壊れていました）"));
    }
    for q in &r.quarantined {
        line(format!("保留: {} — {}", q.bundle, q.reason));
    }
    for w in &r.warnings {
        line(format!("注意: {w}"));
    }
    if let Some(m) = &r.stopped {
        line(format!("中断: {m}"));
    }
}

pub fn outbox(store: &Store, json: bool, release: bool) -> Result<()> {
    if release {
        let n = store.release_held_bundles()?;
        eprintln!("保留していた配送ファイル {n}件を送信待ちに戻しました。次の配送で送ります。");
    }
    let s = store.outbox()?;
    if json {
        print_json(&s);
    } else if !s.overview.enrolled {
        line("この端末はまだセンターに登録されていません（`chisanpo enrol --profile ファイル`）。");
    } else {
        let o = &s.overview;
        line(format!(
            "未送信 {}件、送信済み {}件（うちセンター受領 {}件）、保留 {}件。最終配送: {}",
            o.waiting,
            s.sent,
            o.received,
            o.quarantined,
            o.last_delivery_at.as_deref().unwrap_or("まだありません")
        ));
        if o.overdue > 0 {
            line(format!("注意: {}日以上前に確定した {}件がまだセンターに届いていません。", chisanpo_core::delivery::outbox::OVERDUE_DAYS, o.overdue));
        }
        if let Some(e) = &o.last_error {
            line(format!("前回の配送: {e}"));
        }
    }
    Ok(())
}
