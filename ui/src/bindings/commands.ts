// Generated from src-tauri/src/ipc/contract.rs by `cargo test`. Do not edit.
import { invoke } from "@tauri-apps/api/core";
import type { AmendRequest } from "./AmendRequest";
import type { AnnualReport } from "./AnnualReport";
import type { AnnualRequest } from "./AnnualRequest";
import type { AppSettings } from "./AppSettings";
import type { AppStatus } from "./AppStatus";
import type { BackupInfo } from "./BackupInfo";
import type { BackupSettings } from "./BackupSettings";
import type { BackupSettingsRequest } from "./BackupSettingsRequest";
import type { BatchPrintRequest } from "./BatchPrintRequest";
import type { BatchReport } from "./BatchReport";
import type { CancelRequest } from "./CancelRequest";
import type { CentreDatabaseRequest } from "./CentreDatabaseRequest";
import type { CentreEnrolRequest } from "./CentreEnrolRequest";
import type { CentreEnrolResult } from "./CentreEnrolResult";
import type { CentreOverview } from "./CentreOverview";
import type { ChangePassphraseRequest } from "./ChangePassphraseRequest";
import type { ChangesRequest } from "./ChangesRequest";
import type { ConvertRequest } from "./ConvertRequest";
import type { CreateStoreRequest } from "./CreateStoreRequest";
import type { CreateStoreResponse } from "./CreateStoreResponse";
import type { DeliveryOverview } from "./DeliveryOverview";
import type { DeliverySettings } from "./DeliverySettings";
import type { DestroyRequest } from "./DestroyRequest";
import type { DestructionReport } from "./DestructionReport";
import type { DirectoryExportReport } from "./DirectoryExportReport";
import type { DirectoryImportReport } from "./DirectoryImportReport";
import type { DirectoryQuery } from "./DirectoryQuery";
import type { EligibilityFinding } from "./EligibilityFinding";
import type { EnrolRequest } from "./EnrolRequest";
import type { EnrolledDevice } from "./EnrolledDevice";
import type { EntityRow } from "./EntityRow";
import type { ExportDirectoryRequest } from "./ExportDirectoryRequest";
import type { ExportLedgerRequest } from "./ExportLedgerRequest";
import type { ExportReport } from "./ExportReport";
import type { FeeExceptionRequest } from "./FeeExceptionRequest";
import type { FeeStatus } from "./FeeStatus";
import type { FieldChange } from "./FieldChange";
import type { FromApplicationRequest } from "./FromApplicationRequest";
import type { GuideBlock } from "./GuideBlock";
import type { HeartbeatReply } from "./HeartbeatReply";
import type { HeartbeatRequest } from "./HeartbeatRequest";
import type { HomeData } from "./HomeData";
import type { HoursQuery } from "./HoursQuery";
import type { HoursReport } from "./HoursReport";
import type { IdRequest } from "./IdRequest";
import type { ImportWorkersRequest } from "./ImportWorkersRequest";
import type { Interview } from "./Interview";
import type { InterviewScores } from "./InterviewScores";
import type { LedgerRequest } from "./LedgerRequest";
import type { LedgerView } from "./LedgerView";
import type { ListFilter } from "./ListFilter";
import type { OpenFinding } from "./OpenFinding";
import type { OpenFindingsRequest } from "./OpenFindingsRequest";
import type { OpenPathRequest } from "./OpenPathRequest";
import type { OutcomeRequest } from "./OutcomeRequest";
import type { OutsideBody } from "./OutsideBody";
import type { PathRequest } from "./PathRequest";
import type { PaymentRequest } from "./PaymentRequest";
import type { PhotoInfo } from "./PhotoInfo";
import type { PhotoRequest } from "./PhotoRequest";
import type { PreviewRequest } from "./PreviewRequest";
import type { PrintReport } from "./PrintReport";
import type { PrintRequest } from "./PrintRequest";
import type { Profile } from "./Profile";
import type { RecordBody } from "./RecordBody";
import type { RecordKind } from "./RecordKind";
import type { RecordSummary } from "./RecordSummary";
import type { RecordView } from "./RecordView";
import type { RecoverRequest } from "./RecoverRequest";
import type { RecoverySheetRequest } from "./RecoverySheetRequest";
import type { ReferralFilter } from "./ReferralFilter";
import type { ReferralRow } from "./ReferralRow";
import type { RestoreReport } from "./RestoreReport";
import type { RestoreRequest } from "./RestoreRequest";
import type { RetentionItem } from "./RetentionItem";
import type { SaveAsRequest } from "./SaveAsRequest";
import type { SaveDraftRequest } from "./SaveDraftRequest";
import type { SaveOutsideBodyRequest } from "./SaveOutsideBodyRequest";
import type { SaveWorkerRequest } from "./SaveWorkerRequest";
import type { SaveWorkplaceRequest } from "./SaveWorkplaceRequest";
import type { SearchRequest } from "./SearchRequest";
import type { SetDeliveryTargetRequest } from "./SetDeliveryTargetRequest";
import type { Staff } from "./Staff";
import type { UnlockRequest } from "./UnlockRequest";
import type { Violation } from "./Violation";
import type { Worker } from "./Worker";
import type { WorkerImportPreview } from "./WorkerImportPreview";
import type { WorkerImportRequest } from "./WorkerImportRequest";
import type { Workplace } from "./Workplace";

export const commands = {
  app_status: () => invoke<AppStatus>("app_status"),
  create_store: (req: CreateStoreRequest) => invoke<CreateStoreResponse>("create_store", { req }),
  unlock: (req: UnlockRequest) => invoke<Profile>("unlock", { req }),
  lock: () => invoke<null>("lock"),
  heartbeat: (req: HeartbeatRequest) => invoke<HeartbeatReply>("heartbeat", { req }),
  recover: (req: RecoverRequest) => invoke<CreateStoreResponse>("recover", { req }),
  change_passphrase: (req: ChangePassphraseRequest) => invoke<null>("change_passphrase", { req }),
  home: () => invoke<HomeData>("home"),
  search_workplaces: (req: SearchRequest) => invoke<Array<EntityRow<Workplace>>>("search_workplaces", { req }),
  search_workers: (req: SearchRequest) => invoke<Array<EntityRow<Worker>>>("search_workers", { req }),
  get_workplace: (req: IdRequest) => invoke<EntityRow<Workplace>>("get_workplace", { req }),
  save_workplace: (req: SaveWorkplaceRequest) => invoke<string>("save_workplace", { req }),
  check_eligibility: (req: Workplace) => invoke<Array<EligibilityFinding>>("check_eligibility", { req }),
  save_worker: (req: SaveWorkerRequest) => invoke<string>("save_worker", { req }),
  choose_open_path: (req: OpenPathRequest) => invoke<string | null>("choose_open_path", { req }),
  preview_worker_import: (req: WorkerImportRequest) => invoke<WorkerImportPreview>("preview_worker_import", { req }),
  import_workers: (req: ImportWorkersRequest) => invoke<Array<string>>("import_workers", { req }),
  backup_settings: () => invoke<BackupSettings>("backup_settings"),
  set_backup_settings: (req: BackupSettingsRequest) => invoke<BackupSettings>("set_backup_settings", { req }),
  backup_now: () => invoke<BackupInfo | null>("backup_now"),
  restore_backup: (req: RestoreRequest) => invoke<RestoreReport>("restore_backup", { req }),
  choose_folder: () => invoke<string | null>("choose_folder"),
  list_records: (req: ListFilter) => invoke<Array<RecordSummary>>("list_records", { req }),
  get_record: (req: IdRequest) => invoke<RecordView>("get_record", { req }),
  print_form: (req: PrintRequest) => invoke<PrintReport>("print_form", { req }),
  preview_form: (req: PreviewRequest) => invoke<string>("preview_form", { req }),
  print_batch: (req: BatchPrintRequest) => invoke<BatchReport>("print_batch", { req }),
  cancel_print_batch: () => invoke<null>("cancel_print_batch"),
  save_recovery_sheet: (req: RecoverySheetRequest) => invoke<string>("save_recovery_sheet", { req }),
  open_file: (req: PathRequest) => invoke<null>("open_file", { req }),
  choose_save_path: (req: SaveAsRequest) => invoke<string | null>("choose_save_path", { req }),
  app_settings: () => invoke<AppSettings>("app_settings"),
  set_app_settings: (req: AppSettings) => invoke<null>("set_app_settings", { req }),
  ledger: (req: LedgerRequest) => invoke<LedgerView>("ledger", { req }),
  export_ledger: (req: ExportLedgerRequest) => invoke<ExportReport>("export_ledger", { req }),
  annual_report: (req: AnnualRequest) => invoke<AnnualReport>("annual_report", { req }),
  export_annual_report: (req: AnnualRequest) => invoke<string>("export_annual_report", { req }),
  retention_due: () => invoke<Array<RetentionItem>>("retention_due"),
  destroy_records: (req: DestroyRequest) => invoke<DestructionReport>("destroy_records", { req }),
  fees_awaiting: () => invoke<Array<FeeStatus>>("fees_awaiting"),
  confirm_payment: (req: PaymentRequest) => invoke<FeeStatus>("confirm_payment", { req }),
  override_fee: (req: FeeExceptionRequest) => invoke<FeeStatus>("override_fee", { req }),
  blank_record: (req: RecordKind) => invoke<RecordBody>("blank_record", { req }),
  open_findings: (req: OpenFindingsRequest) => invoke<Array<OpenFinding>>("open_findings", { req }),
  add_photo: (req: PathRequest) => invoke<PhotoInfo>("add_photo", { req }),
  photo: (req: PhotoRequest) => invoke<string>("photo", { req }),
  cancel_operation: (req: CancelRequest) => invoke<null>("cancel_operation", { req }),
  guide_page: () => invoke<Array<GuideBlock>>("guide_page"),
  guide_pdf: () => invoke<string>("guide_pdf"),
  search_directory: (req: DirectoryQuery) => invoke<Array<EntityRow<OutsideBody>>>("search_directory", { req }),
  get_outside_body: (req: IdRequest) => invoke<EntityRow<OutsideBody>>("get_outside_body", { req }),
  save_outside_body: (req: SaveOutsideBodyRequest) => invoke<string>("save_outside_body", { req }),
  remove_outside_body: (req: IdRequest) => invoke<null>("remove_outside_body", { req }),
  import_directory: (req: PathRequest) => invoke<DirectoryImportReport>("import_directory", { req }),
  export_directory: (req: ExportDirectoryRequest) => invoke<DirectoryExportReport>("export_directory", { req }),
  list_referrals: (req: ReferralFilter) => invoke<Array<ReferralRow>>("list_referrals", { req }),
  create_referral_from: (req: IdRequest) => invoke<string>("create_referral_from", { req }),
  record_referral_outcome: (req: OutcomeRequest) => invoke<number>("record_referral_outcome", { req }),
  create_record: (req: RecordBody) => invoke<string>("create_record", { req }),
  save_draft: (req: SaveDraftRequest) => invoke<null>("save_draft", { req }),
  discard_draft: (req: IdRequest) => invoke<null>("discard_draft", { req }),
  finalise_record: (req: IdRequest) => invoke<number>("finalise_record", { req }),
  amend_record: (req: AmendRequest) => invoke<number>("amend_record", { req }),
  check_record: (req: RecordBody) => invoke<Array<Violation>>("check_record", { req }),
  record_warnings: (req: RecordBody) => invoke<Array<Violation>>("record_warnings", { req }),
  hours_report: (req: HoursQuery) => invoke<HoursReport>("hours_report", { req }),
  interview_scores: (req: Interview) => invoke<InterviewScores>("interview_scores", { req }),
  record_changes: (req: ChangesRequest) => invoke<Array<FieldChange>>("record_changes", { req }),
  interview_to_consultation: (req: ConvertRequest) => invoke<string>("interview_to_consultation", { req }),
  record_from_application: (req: FromApplicationRequest) => invoke<string>("record_from_application", { req }),
  fee_status: (req: IdRequest) => invoke<FeeStatus>("fee_status", { req }),
  list_staff: () => invoke<Array<EntityRow<Staff>>>("list_staff"),
  delivery_overview: () => invoke<DeliveryOverview>("delivery_overview"),
  delivery_settings: () => invoke<DeliverySettings>("delivery_settings"),
  enrol_device: (req: EnrolRequest) => invoke<DeliverySettings>("enrol_device", { req }),
  set_delivery_target: (req: SetDeliveryTargetRequest) => invoke<DeliverySettings>("set_delivery_target", { req }),
  deliver_now: () => invoke<DeliveryOverview>("deliver_now"),
  release_held_bundles: () => invoke<DeliveryOverview>("release_held_bundles"),
  centre_overview: () => invoke<CentreOverview | null>("centre_overview"),
  centre_import_now: () => invoke<CentreOverview | null>("centre_import_now"),
  centre_devices: () => invoke<Array<EnrolledDevice>>("centre_devices"),
  centre_enrol_device: (req: CentreEnrolRequest) => invoke<CentreEnrolResult>("centre_enrol_device", { req }),
  set_centre_database: (req: CentreDatabaseRequest) => invoke<CentreOverview | null>("set_centre_database", { req }),
};
