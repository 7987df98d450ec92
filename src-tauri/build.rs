//! Registers each IPC command on its own, so that `capabilities/default.json` grants them one
//! by one (`allow-<command>`), and nothing else is reachable from the web view.
//! The list must match `src/ipc/contract.rs` (a unit test checks).

const COMMANDS: &[&str] = &[
    "app_status",
    "create_store",
    "unlock",
    "lock",
    "recover",
    "change_passphrase",
    "home",
    "search_workplaces",
    "search_workers",
    "get_workplace",
    "save_workplace",
    "check_eligibility",
    "save_worker",
    "backup_settings",
    "set_backup_settings",
    "backup_now",
    "restore_backup",
    "choose_folder",
    "list_records",
    "get_record",
    "print_form",
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
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("failed to run the tauri build script");
}
