// Generated from src-tauri/domain/src/domain/codes.rs by `cargo test`. Do not edit.
import type { Industry } from "./Industry";
import type { Sex } from "./Sex";
import type { StaffRole } from "./StaffRole";
import type { Place } from "./Place";
import type { Requester } from "./Requester";
import type { ConsultationKind } from "./ConsultationKind";
import type { Service } from "./Service";
import type { InterviewKind } from "./InterviewKind";
import type { DoctorChoice } from "./DoctorChoice";
import type { WorkStatusCategory } from "./WorkStatusCategory";
import type { Fatigue } from "./Fatigue";
import type { Diagnosis } from "./Diagnosis";
import type { WorkClass } from "./WorkClass";
import type { GuidanceClass } from "./GuidanceClass";
import type { StressGuidance } from "./StressGuidance";
import type { OtherMeasure } from "./OtherMeasure";
import type { PeriodUnit } from "./PeriodUnit";
import type { RecordKind } from "./RecordKind";
import type { RecordStatus } from "./RecordStatus";
import type { HoursMeasure } from "./HoursMeasure";
import type { VisitorRole } from "./VisitorRole";
import type { VisitActivity } from "./VisitActivity";
import type { FindingCategory } from "./FindingCategory";
import type { FindingPriority } from "./FindingPriority";
import type { ImprovementStatus } from "./ImprovementStatus";
import type { ReferralReason } from "./ReferralReason";
import type { ReferralOutcome } from "./ReferralOutcome";
import type { BodyKind } from "./BodyKind";

export const INDUSTRY_LABELS: Record<Industry, string> = {
  "A": "農業、林業",
  "B": "漁業",
  "C": "鉱業、採石業、砂利採取業",
  "D": "建設業",
  "E": "製造業",
  "F": "電気・ガス・熱供給・水道業",
  "G": "情報通信業",
  "H": "運輸業、郵便業",
  "I": "卸売業、小売業",
  "J": "金融業、保険業",
  "K": "不動産業、物品賃貸業",
  "L": "学術研究、専門・技術サービス業",
  "M": "宿泊業、飲食サービス業",
  "N": "生活関連サービス業、娯楽業",
  "O": "教育、学習支援業",
  "P": "医療、福祉",
  "Q": "複合サービス事業",
  "R": "サービス業（他に分類されないもの）",
  "S": "公務（他に分類されるものを除く）",
  "T": "分類不能の産業",
};
export const INDUSTRY_ORDER: Industry[] = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T"];

export const SEX_LABELS: Record<Sex, string> = {
  "male": "男",
  "female": "女",
};
export const SEX_ORDER: Sex[] = ["male", "female"];

export const STAFF_ROLE_LABELS: Record<StaffRole, string> = {
  "doctor": "産業医等",
  "nurse": "保健師",
  "coordinator": "コーディネーター",
  "chief_coordinator": "統括コーディネーター",
};
export const STAFF_ROLE_ORDER: StaffRole[] = ["doctor", "nurse", "coordinator", "chief_coordinator"];

export const PLACE_LABELS: Record<Place, string> = {
  "medical_institution": "医療機関",
  "workplace_visit": "事業場訪問",
  "other_facility": "その他施設",
};
export const PLACE_ORDER: Place[] = ["medical_institution", "workplace_visit", "other_facility"];

export const REQUESTER_LABELS: Record<Requester, string> = {
  "employer": "事業者・担当者等",
  "worker": "本人（労働者）",
  "other": "その他",
};
export const REQUESTER_ORDER: Requester[] = ["employer", "worker", "other"];

export const CONSULTATION_KIND_LABELS: Record<ConsultationKind, string> = {
  "opinion_hearing": "健康診断結果に基づく医師の意見聴取",
  "health_guidance": "脳・心臓疾患のリスクが高い労働者に対する保健指導",
  "mental_health": "メンタルヘルス不調の労働者に対する相談・指導",
};
export const CONSULTATION_KIND_ORDER: ConsultationKind[] = ["opinion_hearing", "health_guidance", "mental_health"];

export const SERVICE_LABELS: Record<Service, string> = {
  "opinion_hearing": "健康診断結果に基づく医師の意見聴取",
  "health_guidance": "脳・心臓疾患のリスクが高い労働者に対する保健指導",
  "mental_health": "メンタルヘルス不調の労働者に対する相談・指導",
  "long_hours_interview": "長時間労働者に対する面接指導",
  "high_stress_interview": "高ストレス者に対する面接指導",
};
export const SERVICE_ORDER: Service[] = ["opinion_hearing", "health_guidance", "mental_health", "long_hours_interview", "high_stress_interview"];

export const INTERVIEW_KIND_LABELS: Record<InterviewKind, string> = {
  "long_hours": "法66条の8（長時間労働・義務）",
  "research_over100": "法66条の8の2（研究開発業務・月100時間超）",
  "highly_professional": "法66条の8の4（高度プロフェッショナル）",
  "other_long_hours": "法66条の9（その他の長時間労働等）",
  "high_stress": "法66条の10（高ストレス者）",
};
export const INTERVIEW_KIND_ORDER: InterviewKind[] = ["long_hours", "research_over100", "highly_professional", "other_long_hours", "high_stress"];

/** Interviews held without the worker's 申出 (they have no 様式例2-1). */
export const INTERVIEW_KIND_WITHOUT_REQUEST: InterviewKind[] = ["research_over100", "highly_professional"];

export const DOCTOR_CHOICE_LABELS: Record<DoctorChoice, string> = {
  "centre": "地域産業保健センターの医師",
  "own": "自分が希望する医師",
};
export const DOCTOR_CHOICE_ORDER: DoctorChoice[] = ["centre", "own"];

export const WORK_STATUS_CATEGORY_LABELS: Record<WorkStatusCategory, string> = {
  "requested_over80": "時間外・休日労働月80時間超の申出者",
  "company_standard": "会社又は事業場の基準該当者",
  "over100": "時間外・休日労働月100時間超の者",
  "over80": "時間外・休日労働月80時間超の者",
  "over45": "時間外・休日労働月45時間超の者",
  "other": "その他の者",
};
export const WORK_STATUS_CATEGORY_ORDER: WorkStatusCategory[] = ["requested_over80", "company_standard", "over100", "over80", "over45", "other"];

export const FATIGUE_LABELS: Record<Fatigue, string> = {
  "none": "なし",
  "mild": "軽",
  "moderate": "中",
  "severe": "重",
};
export const FATIGUE_ORDER: Fatigue[] = ["none", "mild", "moderate", "severe"];

export const DIAGNOSIS_LABELS: Record<Diagnosis, string> = {
  "normal": "異常なし",
  "observation": "要観察",
  "medical_care": "要医療",
};
export const DIAGNOSIS_ORDER: Diagnosis[] = ["normal", "observation", "medical_care"];

export const WORK_CLASS_LABELS: Record<WorkClass, string> = {
  "normal": "通常勤務",
  "restricted": "就業制限",
  "leave": "要休業",
};
export const WORK_CLASS_ORDER: WorkClass[] = ["normal", "restricted", "leave"];

export const GUIDANCE_CLASS_LABELS: Record<GuidanceClass, string> = {
  "not_needed": "指導不要",
  "health_guidance": "要保健指導",
  "medical_guidance": "要医療指導",
};
export const GUIDANCE_CLASS_ORDER: GuidanceClass[] = ["not_needed", "health_guidance", "medical_guidance"];

export const STRESS_GUIDANCE_LABELS: Record<StressGuidance, string> = {
  "no_measures": "措置不要",
  "health_guidance": "要保健指導",
  "follow_up": "要経過観察",
  "re_interview": "要再面接",
  "treatment": "現病治療継続又は医療機関紹介",
};
export const STRESS_GUIDANCE_ORDER: StressGuidance[] = ["no_measures", "health_guidance", "follow_up", "re_interview", "treatment"];

export const OTHER_MEASURE_LABELS: Record<OtherMeasure, string> = {
  "change_of_workplace": "就業場所の変更",
  "change_of_work": "作業の転換",
  "fewer_night_shifts": "深夜業の回数の減少",
  "day_shift": "昼間勤務への転換",
  "other": "その他",
};
export const OTHER_MEASURE_ORDER: OtherMeasure[] = ["change_of_workplace", "change_of_work", "fewer_night_shifts", "day_shift", "other"];

export const PERIOD_UNIT_LABELS: Record<PeriodUnit, string> = {
  "day": "日",
  "week": "週",
  "month": "月",
};
export const PERIOD_UNIT_ORDER: PeriodUnit[] = ["day", "week", "month"];

export const RECORD_KIND_LABELS: Record<RecordKind, string> = {
  "application": "利用申込",
  "consultation": "特定健康相談",
  "interview": "面接指導",
  "visit": "訪問指導・職場巡視",
  "referral": "外部機関紹介",
};
export const RECORD_KIND_ORDER: RecordKind[] = ["application", "consultation", "interview", "visit", "referral"];

export const RECORD_STATUS_LABELS: Record<RecordStatus, string> = {
  "draft": "下書き",
  "final": "確定",
};
export const RECORD_STATUS_ORDER: RecordStatus[] = ["draft", "final"];


export const HOURS_MEASURE_LABELS: Record<HoursMeasure["type"], string> = {
  "no_instruction": "特に指示なし",
  "overtime_limit": "時間外労働の制限",
  "overtime_ban": "時間外労働の禁止",
  "working_hours": "就業時間を制限",
  "flex_exclusion": "変形労働時間制又は裁量労働制の対象からの除外",
  "no_work": "就業の禁止（休暇・休養の指示）",
  "other": "その他",
};

export const HOURS_MEASURE_ORDER: HoursMeasure["type"][] = ["no_instruction", "overtime_limit", "overtime_ban", "working_hours", "flex_exclusion", "no_work", "other"];
export const HOURS_MEASURE_LONG_HOURS: HoursMeasure["type"][] = ["no_instruction", "overtime_limit", "working_hours", "no_work", "other"];

export const VISITOR_ROLE_LABELS: Record<VisitorRole, string> = {
  "doctor": "産業医",
  "nurse": "保健師",
  "engineer": "労働衛生工学専門員",
  "coordinator": "コーディネーター",
  "prefectural_centre": "産業保健総合支援センター職員",
  "other": "その他",
};
export const VISITOR_ROLE_ORDER: VisitorRole[] = ["doctor", "nurse", "engineer", "coordinator", "prefectural_centre", "other"];

export const VISIT_ACTIVITY_LABELS: Record<VisitActivity, string> = {
  "opinion_hearing": "健康診断結果の意見聴取",
  "health_guidance": "保健指導",
  "workplace_patrol": "職場巡視",
  "work_environment": "作業環境管理",
  "work_management": "作業管理",
  "long_hours": "長時間労働対策",
  "mental_health": "メンタルヘルス対策",
  "work_life_support": "両立支援",
  "chemicals": "化学物質管理",
  "other": "その他",
};
export const VISIT_ACTIVITY_ORDER: VisitActivity[] = ["opinion_hearing", "health_guidance", "workplace_patrol", "work_environment", "work_management", "long_hours", "mental_health", "work_life_support", "chemicals", "other"];

export const FINDING_CATEGORY_LABELS: Record<FindingCategory, string> = {
  "work_environment": "作業環境",
  "work": "作業",
  "health_management": "健康管理",
  "safety_organisation": "安全衛生体制",
  "other": "その他",
};
export const FINDING_CATEGORY_ORDER: FindingCategory[] = ["work_environment", "work", "health_management", "safety_organisation", "other"];

export const FINDING_PRIORITY_LABELS: Record<FindingPriority, string> = {
  "high": "高",
  "medium": "中",
  "low": "低",
};
export const FINDING_PRIORITY_ORDER: FindingPriority[] = ["high", "medium", "low"];

export const IMPROVEMENT_STATUS_LABELS: Record<ImprovementStatus, string> = {
  "improved": "改善済",
  "partly": "一部改善",
  "not_improved": "未改善",
};
export const IMPROVEMENT_STATUS_ORDER: ImprovementStatus[] = ["improved", "partly", "not_improved"];

export const REFERRAL_REASON_LABELS: Record<ReferralReason, string> = {
  "mental_health": "メンタルヘルス不調",
  "treatment": "受診勧奨・精密検査",
  "work_life_support": "治療と仕事の両立支援",
  "work_environment": "作業環境の測定・改善",
  "safety_health": "労働衛生管理の助言",
  "other": "その他",
};
export const REFERRAL_REASON_ORDER: ReferralReason[] = ["mental_health", "treatment", "work_life_support", "work_environment", "safety_health", "other"];

export const REFERRAL_OUTCOME_LABELS: Record<ReferralOutcome, string> = {
  "attended": "受診した",
  "not_attended": "未受診",
  "unknown": "不明",
};
export const REFERRAL_OUTCOME_ORDER: ReferralOutcome[] = ["attended", "not_attended", "unknown"];

export const BODY_KIND_LABELS: Record<BodyKind, string> = {
  "psychiatry": "精神科・心療内科",
  "medical": "医療機関",
  "work_life_desk": "両立支援 相談窓口",
  "prefectural_centre": "産業保健総合支援センター",
  "consultant": "労働衛生コンサルタント",
  "measurement": "作業環境測定機関",
  "other": "その他",
};
export const BODY_KIND_ORDER: BodyKind[] = ["psychiatry", "medical", "work_life_desk", "prefectural_centre", "consultant", "measurement", "other"];

