//! The delivery commands of the CLI: `centre …`, `enrol`, `deliver`, `outbox`. Thin adapters
//! over `chisanpo_core::delivery`.

use std::path::{Path, PathBuf};

use chisanpo_core::delivery::{CentreProfile, EnrolmentRequest, FolderTransport};
use chisanpo_core::store::{atomic, Store};
use chisanpo_core::{Error, Result};
use clap::Subcommand;

use crate::cli::{line, print_json};

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
    },
    /// The enrolled devices.
    Devices,
    /// Import the bundles in a folder into the consolidated store.
    Import {
        #[arg(long)]
        from: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|_| Error::File { path: path.display().to_string() })
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
            let profile = store
                .centre_profile()?
                .filter(|_| store.is_centre().unwrap_or(false))
                .ok_or_else(|| Error::Delivery("このストアはセンターとして設定されていません。先に `chisanpo centre init` を実行してください。".into()))?;
            atomic::write_file(&out, profile.to_json().as_bytes())?;
            line(format!("プロファイルを書き出しました: {}", out.display()));
        }
        CentreCmd::EnrolDevice { file } => {
            let req = EnrolmentRequest::parse(&read_text(&file)?)?;
            if store.centre_enrol_device(&req)? {
                line(format!("端末を登録しました: {}（{}）", req.device_id, req.label));
            } else {
                line(format!("この端末は既に登録されています: {}", req.device_id));
            }
        }
        CentreCmd::Devices => print_json(&store.centre_devices()?),
        CentreCmd::Import { from, json } => {
            let r = store.centre_import(&from)?;
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
            }
        }
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

pub fn deliver(store: &Store, folder: &Path) -> Result<()> {
    let r = store.deliver(&FolderTransport::new(folder))?;
    line(format!("配送しました: {}件の配送ファイル（{}件の記録の版・廃棄記録）。未送信 {}件。", r.bundles_sent.len(), r.entries_sent, r.waiting));
    Ok(())
}

pub fn outbox(store: &Store, json: bool) -> Result<()> {
    let s = store.outbox()?;
    if json {
        print_json(&s);
    } else if !s.enrolled {
        line("この端末はまだセンターに登録されていません（`chisanpo enrol --profile ファイル`）。");
    } else {
        line(format!(
            "未送信 {}件、送信済み {}件、隔離 {}件。最終配送: {}",
            s.waiting,
            s.sent,
            s.quarantined,
            s.last_sent_at.as_deref().unwrap_or("まだありません")
        ));
    }
    Ok(())
}
