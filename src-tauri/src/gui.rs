//! The desktop shell: Tauri with the IPC commands of `ipc`. Only reached with no subcommand.
//! It also runs the automatic backups (checks for a due daily backup, and one on quit) and the
//! delivery to the centre in the background.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use tauri::{Manager, RunEvent};

use crate::ipc::{backups, batch_print, delivery, directory, editing, entities, guide, imports, ledgers, photos, progress, records, session};
use crate::{cli, ipc};

const BACKUP_CHECK_EVERY: Duration = Duration::from_secs(15 * 60);
/// How often the back end checks whether the screen has been idle past the idle lock time.
const IDLE_CHECK_EVERY: Duration = Duration::from_secs(5);
/// How often the delivery worker asks whether a pass is due (the schedule decides).
const DELIVERY_TICK: Duration = Duration::from_secs(5);

/// How long a second start waits for the app before it (a restart right after a quit: the first
/// may still be writing its backup on quit).
const WAIT_FOR_OTHER_APP: Duration = Duration::from_secs(5);

/// The app's state, holding the data folder's lock (ADR 0019). When another app has the folder
/// open, after a short wait, the user is told in a dialog and on stderr, and None is returned.
fn one_app_per_folder(dir: PathBuf) -> Option<ipc::AppState> {
    let started = std::time::Instant::now();
    loop {
        let state = ipc::AppState::new(dir.clone());
        if !state.folder_in_use() {
            return Some(state);
        }
        drop(state);
        if started.elapsed() >= WAIT_FOR_OTHER_APP {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let message = chisanpo_core::Error::StoreInUse { dir: dir.display().to_string() }.to_string();
    eprintln!("エラー: {message}");
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Warning)
        .set_title("地さんぽノートは既に起動しています")
        .set_description(format!("{message}\n\n起動中の地さんぽノートのウィンドウを使ってください。"))
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    None
}

pub fn run(data_dir: Option<PathBuf>) -> ExitCode {
    let dir = match cli::data_dir(data_dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("エラー: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(state) = one_app_per_folder(dir) else { return ExitCode::FAILURE };
    let app = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            session::app_status,
            session::create_store,
            session::unlock,
            session::lock,
            session::heartbeat,
            session::recover,
            session::change_passphrase,
            entities::home,
            entities::search_workplaces,
            entities::search_workers,
            entities::get_workplace,
            entities::save_workplace,
            entities::check_eligibility,
            entities::save_worker,
            imports::choose_open_path,
            imports::preview_worker_import,
            imports::import_workers,
            backups::backup_settings,
            backups::set_backup_settings,
            backups::backup_now,
            backups::restore_backup,
            backups::choose_folder,
            records::list_records,
            records::get_record,
            records::print_form,
            records::preview_form,
            batch_print::print_batch,
            batch_print::cancel_print_batch,
            records::save_recovery_sheet,
            records::open_file,
            records::choose_save_path,
            records::app_settings,
            records::set_app_settings,
            ledgers::ledger,
            ledgers::export_ledger,
            ledgers::annual_report,
            ledgers::export_annual_report,
            ledgers::retention_due,
            ledgers::destroy_records,
            ledgers::fees_awaiting,
            ledgers::confirm_payment,
            ledgers::override_fee,
            editing::blank_record,
            editing::open_findings,
            photos::add_photo,
            photos::photo,
            directory::search_directory,
            directory::get_outside_body,
            progress::cancel_operation,
            guide::guide_page,
            guide::guide_pdf,
            directory::save_outside_body,
            directory::remove_outside_body,
            directory::import_directory,
            directory::export_directory,
            directory::list_referrals,
            directory::create_referral_from,
            directory::record_referral_outcome,
            editing::create_record,
            editing::save_draft,
            editing::discard_draft,
            editing::finalise_record,
            editing::amend_record,
            editing::check_record,
            editing::record_warnings,
            editing::hours_report,
            editing::interview_scores,
            editing::record_changes,
            editing::interview_to_consultation,
            editing::record_from_application,
            editing::fee_status,
            editing::list_staff,
            delivery::delivery_overview,
            delivery::delivery_settings,
            delivery::enrol_device,
            delivery::centre_devices,
            delivery::centre_enrol_device,
            delivery::set_delivery_target,
            delivery::deliver_now,
            delivery::release_held_bundles,
            delivery::centre_overview,
            delivery::centre_import_now,
            delivery::set_centre_database,
        ])
        .setup(|app| {
            // The back end's own idle lock: it does not rely on the screen's timer (finding 10).
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(IDLE_CHECK_EVERY);
                handle.state::<ipc::AppState>().lock_if_idle(std::time::Instant::now());
            });
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(BACKUP_CHECK_EVERY);
                backups::scheduled(&handle, false);
            });
            // Delivery to the centre: a pass whenever one is due, with backoff while offline;
            // it starts again by itself when the network or the folder comes back.
            let handle = app.handle().clone();
            let schedule = chisanpo_core::delivery::Schedule::from_env();
            let tick = DELIVERY_TICK.min(schedule.base);
            std::thread::spawn(move || loop {
                std::thread::sleep(tick);
                delivery::scheduled(&handle, &schedule);
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("エラー: アプリを起動できません（{e}）。");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let RunEvent::Exit = event {
            backups::scheduled(handle, true);
            // No PDF made for printing outlives the app (ADR 0017).
            handle.state::<ipc::AppState>().forget_outputs();
        }
    });
    ExitCode::SUCCESS
}
