//! Registers each IPC command on its own, so that `capabilities/default.json` grants them one
//! by one (`allow-<command>`), and nothing else is reachable from the web view.

const COMMANDS: &[&str] = &[
    "app_status",
    "create_store",
    "unlock",
    "lock",
    "home",
    "search_workplaces",
    "search_workers",
    "get_workplace",
    "save_workplace",
    "check_eligibility",
    "save_worker",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("failed to run the tauri build script");
}
