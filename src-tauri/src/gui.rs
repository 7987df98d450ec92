//! The desktop shell: Tauri with the IPC commands of `ipc`. Only reached with no subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::{cli, ipc};

pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let dir = match cli::data_dir(data_dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("エラー: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = tauri::Builder::default()
        .manage(ipc::AppState::new(dir))
        .invoke_handler(tauri::generate_handler![
            ipc::app_status,
            ipc::create_store,
            ipc::unlock,
            ipc::lock,
            ipc::home,
            ipc::search_workplaces,
            ipc::search_workers,
            ipc::get_workplace,
            ipc::save_workplace,
            ipc::check_eligibility,
            ipc::save_worker,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー: アプリを起動できません（{e}）。");
            ExitCode::FAILURE
        }
    }
}
