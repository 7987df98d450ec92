//! Registers each IPC command on its own, so that `capabilities/default.json` grants them one
//! by one (`allow-<command>`), and nothing else is reachable from the web view.
//! The list must match `src/ipc/contract.rs` (a unit test checks).

const COMMANDS: &[&str] = &[
    "app_status",
    "create_store",
    "unlock",
    "lock",
    "heartbeat",
    "recover",
    "change_passphrase",
    "home",
    "search_workplaces",
    "search_workers",
    "get_workplace",
    "save_workplace",
    "check_eligibility",
    "save_worker",
    "choose_open_path",
    "preview_worker_import",
    "import_workers",
    "backup_settings",
    "set_backup_settings",
    "backup_now",
    "restore_backup",
    "choose_folder",
    "list_records",
    "get_record",
    "print_form",
    "preview_form",
    "print_batch",
    "cancel_print_batch",
    "save_recovery_sheet",
    "open_file",
    "choose_save_path",
    "app_settings",
    "set_app_settings",
    "ledger",
    "export_ledger",
    "annual_report",
    "export_annual_report",
    "retention_due",
    "destroy_records",
    "fees_awaiting",
    "confirm_payment",
    "override_fee",
    "blank_record",
    "open_findings",
    "add_photo",
    "search_directory",
    "get_outside_body",
    "cancel_operation",
    "guide_page",
    "guide_pdf",
    "save_outside_body",
    "remove_outside_body",
    "import_directory",
    "export_directory",
    "list_referrals",
    "create_referral_from",
    "record_referral_outcome",
    "photo",
    "create_record",
    "save_draft",
    "discard_draft",
    "finalise_record",
    "amend_record",
    "check_record",
    "record_warnings",
    "hours_report",
    "interview_scores",
    "record_changes",
    "interview_to_consultation",
    "record_from_application",
    "fee_status",
    "list_staff",
    "delivery_overview",
    "delivery_settings",
    "enrol_device",
    "set_delivery_target",
    "deliver_now",
    "release_held_bundles",
    "centre_overview",
    "centre_import_now",
    "set_centre_database",
    "centre_devices",
    "centre_enrol_device",
];

fn main() {
    build_info();
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("failed to run the tauri build script");
}

/// `CHISANPO_VERSION` for `chisanpo --version`: the workspace version, the commit, and whether the
/// tree had changes that no commit holds (a package built so must say so). `make dist` passes
/// the state in `CHISANPO_BUILD_GIT` (`<commit>` or `<commit>-dirty`), computed just before the
/// build; otherwise git is asked here.
fn build_info() {
    println!("cargo:rerun-if-env-changed=CHISANPO_BUILD_GIT");
    let state = std::env::var("CHISANPO_BUILD_GIT").ok().filter(|s| !s.trim().is_empty()).or_else(git_state);
    let version = env!("CARGO_PKG_VERSION");
    let text = match state.as_deref().map(str::trim) {
        Some(s) if s.ends_with("-dirty") => {
            format!("{version} (commit {}-dirty: コミットされていない変更を含むビルドです。配布には使わないでください)", s.trim_end_matches("-dirty"))
        }
        Some(s) => format!("{version} (commit {s})"),
        None => format!("{version} (commit 不明)"),
    };
    println!("cargo:rustc-env=CHISANPO_VERSION={text}");
}

/// `<short commit>` or `<short commit>-dirty`, or None outside a git checkout.
fn git_state() -> Option<String> {
    let git = |args: &[&str]| {
        std::process::Command::new("git").args(args).output().ok().filter(|o| o.status.success()).map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    // Ask again when the commit or the staged files change (a commit moves the branch's ref).
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for f in ["HEAD", "index"].into_iter().map(str::to_string).chain(branch) {
        if let Some(p) = git(&["rev-parse", "--path-format=absolute", "--git-path", &f]).filter(|p| std::path::Path::new(p).exists()) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    let commit = git(&["rev-parse", "--short=7", "HEAD"])?;
    let dirty = git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
    Some(if dirty { format!("{commit}-dirty") } else { commit })
}
