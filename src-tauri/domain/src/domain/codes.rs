//! The codes of the 様式: every choice a form offers is an enum with its Japanese label.
//!
//! In JSON a code is a stable snake_case identifier (never a bare number), so that the record
//! format does not depend on the order in which a form happens to print its options.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A code of a form: it knows its Japanese label, and all its values in form order.
pub trait Code: Sized + Copy + 'static {
    /// Every value, in the order the 様式 prints them.
    const ALL: &'static [Self];
    /// The label as printed on the form.
    fn label(self) -> &'static str;
    /// The number the 様式 prints in front of the option (0, 1, 2 … or a, b, c …).
    fn mark(self) -> &'static str;
}

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($mark:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        #[ts(export)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl Code for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }
            fn mark(self) -> &'static str {
                match self { $(Self::$variant => $mark),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
/// For the codes declared beside their record (`visit`).
pub(crate) use code_enum;

code_enum! {
    /// 業種: the major groups of the Japan Standard Industrial Classification (JSIC).
    Industry {
        #[serde(rename = "A")] A = ("A", "農業、林業"),
        #[serde(rename = "B")] B = ("B", "漁業"),
        #[serde(rename = "C")] C = ("C", "鉱業、採石業、砂利採取業"),
        #[serde(rename = "D")] D = ("D", "建設業"),
        #[serde(rename = "E")] E = ("E", "製造業"),
        #[serde(rename = "F")] F = ("F", "電気・ガス・熱供給・水道業"),
        #[serde(rename = "G")] G = ("G", "情報通信業"),
        #[serde(rename = "H")] H = ("H", "運輸業、郵便業"),
        #[serde(rename = "I")] I = ("I", "卸売業、小売業"),
        #[serde(rename = "J")] J = ("J", "金融業、保険業"),
        #[serde(rename = "K")] K = ("K", "不動産業、物品賃貸業"),
        #[serde(rename = "L")] L = ("L", "学術研究、専門・技術サービス業"),
        #[serde(rename = "M")] M = ("M", "宿泊業、飲食サービス業"),
        #[serde(rename = "N")] N = ("N", "生活関連サービス業、娯楽業"),
        #[serde(rename = "O")] O = ("O", "教育、学習支援業"),
        #[serde(rename = "P")] P = ("P", "医療、福祉"),
        #[serde(rename = "Q")] Q = ("Q", "複合サービス事業"),
        #[serde(rename = "R")] R = ("R", "サービス業（他に分類されないもの）"),
        #[serde(rename = "S")] S = ("S", "公務（他に分類されるものを除く）"),
        #[serde(rename = "T")] T = ("T", "分類不能の産業"),
    }
}

code_enum! {
    /// 性別, as the 様式 print it (男・女).
    Sex {
        Male = ("1", "男"),
        Female = ("2", "女"),
    }
}

code_enum! {
    /// The role of a member of staff.
    StaffRole {
        /// 産業医等: the only role that holds interviews and writes opinions.
        Doctor = ("1", "産業医等"),
        /// 保健師: 保健指導 and メンタル相談.
        Nurse = ("2", "保健師"),
        Coordinator = ("3", "コーディネーター"),
        ChiefCoordinator = ("4", "統括コーディネーター"),
    }
}

code_enum! {
    /// 実施場所: where a consultation or interview was held (別添3 counts sessions by this).
    Place {
        MedicalInstitution = ("1", "医療機関"),
        WorkplaceVisit = ("2", "事業場訪問"),
        OtherFacility = ("3", "その他施設"),
    }
}

code_enum! {
    /// 相談者: who asked for the consultation (様式例1-2).
    Requester {
        Employer = ("1", "事業者・担当者等"),
        Worker = ("2", "本人（労働者）"),
        Other = ("3", "その他"),
    }
}

code_enum! {
    /// 相談内容: the three kinds of 特定健康相談 (別添1 §1). One visit may cover several.
    ConsultationKind {
        /// 健康診断結果に基づく医師の意見聴取 (安衛法66条の4)
        OpinionHearing = ("1", "健康診断結果に基づく医師の意見聴取"),
        /// 脳・心臓疾患のリスクが高い労働者に対する保健指導
        HealthGuidance = ("2", "脳・心臓疾患のリスクが高い労働者に対する保健指導"),
        /// メンタルヘルス不調の労働者に対する相談・指導
        MentalHealth = ("3", "メンタルヘルス不調の労働者に対する相談・指導"),
    }
}

code_enum! {
    /// 希望する相談の種類 on an application (様式例1-1).
    Service {
        OpinionHearing = ("1", "健康診断結果に基づく医師の意見聴取"),
        HealthGuidance = ("2", "脳・心臓疾患のリスクが高い労働者に対する保健指導"),
        MentalHealth = ("3", "メンタルヘルス不調の労働者に対する相談・指導"),
        LongHoursInterview = ("4", "長時間労働者に対する面接指導"),
        HighStressInterview = ("5", "高ストレス者に対する面接指導"),
    }
}

code_enum! {
    /// 面接指導の区分: the article of the law the interview is held under.
    InterviewKind {
        /// 安衛法66条の8: long hours over 80 h/month with fatigue, on request (mandatory).
        LongHours = ("1", "法66条の8（長時間労働・義務）"),
        /// 安衛法66条の8の2: R&D workers (研究開発業務従事者) over 100 h/month, no request needed.
        ResearchOver100 = ("4", "法66条の8の2（研究開発業務・月100時間超）"),
        /// 安衛法66条の8の4: 高度プロフェッショナル制度の対象労働者, 健康管理時間 over the limit,
        /// no request needed.
        HighlyProfessional = ("5", "法66条の8の4（高度プロフェッショナル）"),
        /// 安衛法66条の9: other long hours, over the company's standard, etc.
        OtherLongHours = ("2", "法66条の9（その他の長時間労働等）"),
        /// 安衛法66条の10: high stress found by a stress check.
        HighStress = ("3", "法66条の10（高ストレス者）"),
    }
}

code_enum! {
    /// 面接指導を受ける医師 (様式例2-1 §2).
    DoctorChoice {
        Centre = ("1", "地域産業保健センターの医師"),
        Own = ("2", "自分が希望する医師"),
    }
}

code_enum! {
    /// 勤務状況情報書の区分 (様式例2-2). The 100 h labels of 2011 became 80 h in April 2019.
    WorkStatusCategory {
        RequestedOver80 = ("1", "時間外・休日労働月80時間超の申出者"),
        CompanyStandard = ("2", "会社又は事業場の基準該当者"),
        Over100 = ("3", "時間外・休日労働月100時間超の者"),
        Over80 = ("4", "時間外・休日労働月80時間超の者"),
        Over45 = ("5", "時間外・休日労働月45時間超の者"),
        Other = ("6", "その他の者"),
    }
}

code_enum! {
    /// 疲労の蓄積の状況 (様式例2-3).
    Fatigue {
        None = ("0", "なし"),
        Mild = ("1", "軽"),
        Moderate = ("2", "中"),
        Severe = ("3", "重"),
    }
}

code_enum! {
    /// 診断区分 (様式例2-3).
    Diagnosis {
        Normal = ("0", "異常なし"),
        Observation = ("1", "要観察"),
        MedicalCare = ("2", "要医療"),
    }
}

code_enum! {
    /// 就業区分. The high-stress form labels 1 as 就業制限・配慮.
    WorkClass {
        Normal = ("0", "通常勤務"),
        Restricted = ("1", "就業制限"),
        Leave = ("2", "要休業"),
    }
}

code_enum! {
    /// 指導区分 of the long-hours report (様式例2-3).
    GuidanceClass {
        NotNeeded = ("0", "指導不要"),
        HealthGuidance = ("1", "要保健指導"),
        MedicalGuidance = ("2", "要医療指導"),
    }
}

code_enum! {
    /// 本人への指導区分 of the high-stress report (seed 003); several may be chosen.
    StressGuidance {
        NoMeasures = ("0", "措置不要"),
        HealthGuidance = ("1", "要保健指導"),
        FollowUp = ("2", "要経過観察"),
        ReInterview = ("3", "要再面接"),
        Treatment = ("4", "現病治療継続又は医療機関紹介"),
    }
}

code_enum! {
    /// 労働時間以外の項目 (主要項目 a–e).
    OtherMeasure {
        ChangeOfWorkplace = ("a", "就業場所の変更"),
        ChangeOfWork = ("b", "作業の転換"),
        FewerNightShifts = ("c", "深夜業の回数の減少"),
        DayShift = ("d", "昼間勤務への転換"),
        Other = ("e", "その他"),
    }
}

code_enum! {
    /// 措置期間の単位.
    PeriodUnit {
        Day = ("日", "日"),
        Week = ("週", "週"),
        Month = ("月", "月"),
    }
}

code_enum! {
    /// The kinds of record that have a lifecycle (draft → 確定 → 訂正).
    RecordKind {
        Application = ("1-1", "利用申込"),
        Consultation = ("1-2", "特定健康相談"),
        Interview = ("2-3", "面接指導"),
        Visit = ("V", "訪問指導・職場巡視"),
        Referral = ("R", "外部機関紹介"),
    }
}

code_enum! {
    /// The lifecycle state of a record.
    RecordStatus {
        Draft = ("0", "下書き"),
        Final = ("1", "確定"),
    }
}

impl RecordKind {
    /// The identifier used in JSON, on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Application => "application",
            RecordKind::Consultation => "consultation",
            RecordKind::Interview => "interview",
            RecordKind::Visit => "visit",
            RecordKind::Referral => "referral",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

impl RecordStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordStatus::Draft => "draft",
            RecordStatus::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

impl Place {
    pub fn as_str(self) -> &'static str {
        match self {
            Place::MedicalInstitution => "medical_institution",
            Place::WorkplaceVisit => "workplace_visit",
            Place::OtherFacility => "other_facility",
        }
    }
}

impl InterviewKind {
    /// The short article label used in ledgers: 法66条の8 etc.
    pub fn article(self) -> &'static str {
        match self {
            InterviewKind::LongHours => "法66条の8",
            InterviewKind::ResearchOver100 => "法66条の8の2",
            InterviewKind::HighlyProfessional => "法66条の8の4",
            InterviewKind::OtherLongHours => "法66条の9",
            InterviewKind::HighStress => "法66条の10",
        }
    }

    /// The monthly 時間外・休日労働 (for 高度プロフェッショナル, 健康管理時間 beyond 40 h a week)
    /// that the article requires to be *exceeded* (超える), when it sets one:
    /// 66条の8 (安衛則52条の2): 80 h; 66条の8の2 (安衛則52条の7の2): 100 h; 66条の8の4
    /// (安衛則52条の7の4): 100 h. 66条の9 and 66条の10 set none.
    pub fn overtime_threshold(self) -> Option<f64> {
        match self {
            InterviewKind::LongHours => Some(80.0),
            InterviewKind::ResearchOver100 | InterviewKind::HighlyProfessional => Some(100.0),
            InterviewKind::OtherLongHours | InterviewKind::HighStress => None,
        }
    }

    /// Whether the interview follows the worker's request (申出). 66条の8の2 and 66条の8の4
    /// interviews are held without one.
    pub fn needs_request(self) -> bool {
        !matches!(self, InterviewKind::ResearchOver100 | InterviewKind::HighlyProfessional)
    }
}

impl WorkClass {
    /// The label as the high-stress form prints it.
    pub fn stress_label(self) -> &'static str {
        match self {
            WorkClass::Restricted => "就業制限・配慮",
            other => other.label(),
        }
    }
}

/// One code's labels as a TypeScript record, keyed by the JSON identifier.
fn labels_of<C: Code + Serialize>(ts_type: &str) -> String {
    let mut out = format!("export const {}_LABELS: Record<{ts_type}, string> = {{\n", upper_snake(ts_type));
    for c in C::ALL {
        let key = serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        out.push_str(&format!("  {key:?}: {:?},\n", c.label()));
    }
    out.push_str("};\n");
    out.push_str(&format!(
        "export const {}_ORDER: {ts_type}[] = [{}];\n\n",
        upper_snake(ts_type),
        C::ALL
            .iter()
            .map(|c| format!("{:?}", serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out
}

fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// The labels of every code, as TypeScript: the UI shows exactly the words of the 様式.
pub fn labels_ts() -> String {
    let mut out = String::from("// Generated from src-tauri/domain/src/domain/codes.rs by `cargo test`. Do not edit.\n");
    let names = [
        "Industry",
        "Sex",
        "StaffRole",
        "Place",
        "Requester",
        "ConsultationKind",
        "Service",
        "InterviewKind",
        "DoctorChoice",
        "WorkStatusCategory",
        "Fatigue",
        "Diagnosis",
        "WorkClass",
        "GuidanceClass",
        "StressGuidance",
        "OtherMeasure",
        "PeriodUnit",
        "RecordKind",
        "RecordStatus",
        "HoursMeasure",
        "VisitorRole",
        "VisitActivity",
        "FindingCategory",
        "FindingPriority",
        "ImprovementStatus",
        "ReferralReason",
        "ReferralOutcome",
        "BodyKind",
    ];
    for n in names {
        out.push_str(&format!("import type {{ {n} }} from \"./{n}\";\n"));
    }
    out.push('\n');
    out.push_str(&labels_of::<Industry>("Industry"));
    out.push_str(&labels_of::<Sex>("Sex"));
    out.push_str(&labels_of::<StaffRole>("StaffRole"));
    out.push_str(&labels_of::<Place>("Place"));
    out.push_str(&labels_of::<Requester>("Requester"));
    out.push_str(&labels_of::<ConsultationKind>("ConsultationKind"));
    out.push_str(&labels_of::<Service>("Service"));
    out.push_str(&labels_of::<InterviewKind>("InterviewKind"));
    out.push_str(&format!(
        "/** Interviews held without the worker's 申出 (they have no 様式例2-1). */\nexport const INTERVIEW_KIND_WITHOUT_REQUEST: InterviewKind[] = [{}];\n\n",
        InterviewKind::ALL
            .iter()
            .filter(|k| !k.needs_request())
            .map(|k| format!("{:?}", serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push_str(&labels_of::<DoctorChoice>("DoctorChoice"));
    out.push_str(&labels_of::<WorkStatusCategory>("WorkStatusCategory"));
    out.push_str(&labels_of::<Fatigue>("Fatigue"));
    out.push_str(&labels_of::<Diagnosis>("Diagnosis"));
    out.push_str(&labels_of::<WorkClass>("WorkClass"));
    out.push_str(&labels_of::<GuidanceClass>("GuidanceClass"));
    out.push_str(&labels_of::<StressGuidance>("StressGuidance"));
    out.push_str(&labels_of::<OtherMeasure>("OtherMeasure"));
    out.push_str(&labels_of::<PeriodUnit>("PeriodUnit"));
    out.push_str(&labels_of::<RecordKind>("RecordKind"));
    out.push_str(&labels_of::<RecordStatus>("RecordStatus"));
    out.push_str(&hours_measure_labels());
    {
        use super::visit::{FindingCategory, FindingPriority, ImprovementStatus, VisitActivity, VisitorRole};
        out.push('\n');
        out.push_str(&labels_of::<VisitorRole>("VisitorRole"));
        out.push_str(&labels_of::<VisitActivity>("VisitActivity"));
        out.push_str(&labels_of::<FindingCategory>("FindingCategory"));
        out.push_str(&labels_of::<FindingPriority>("FindingPriority"));
        out.push_str(&labels_of::<ImprovementStatus>("ImprovementStatus"));
    }
    {
        use super::directory::BodyKind;
        use super::referral::{ReferralOutcome, ReferralReason};
        out.push_str(&labels_of::<ReferralReason>("ReferralReason"));
        out.push_str(&labels_of::<ReferralOutcome>("ReferralOutcome"));
        out.push_str(&labels_of::<BodyKind>("BodyKind"));
    }
    out
}

/// 労働時間の短縮's options (a tagged enum, not a code): labels, order, and which the long-hours
/// form has.
fn hours_measure_labels() -> String {
    use super::interview::HoursMeasure;
    let tag = |m: &HoursMeasure| serde_json::to_value(m).expect("measures serialise")["type"].as_str().expect("tagged").to_string();
    let all = HoursMeasure::blank_all();
    let mut out = String::from("\nexport const HOURS_MEASURE_LABELS: Record<HoursMeasure[\"type\"], string> = {\n");
    for m in &all {
        out.push_str(&format!("  {:?}: {:?},\n", tag(m), m.label()));
    }
    out.push_str("};\n\n");
    let list = |f: &dyn Fn(&HoursMeasure) -> bool| all.iter().filter(|m| f(m)).map(|m| format!("{:?}", tag(m))).collect::<Vec<_>>().join(", ");
    out.push_str(&format!("export const HOURS_MEASURE_ORDER: HoursMeasure[\"type\"][] = [{}];\n", list(&|_| true)));
    out.push_str(&format!("export const HOURS_MEASURE_LONG_HOURS: HoursMeasure[\"type\"][] = [{}];\n", list(&|m| m.on_long_hours_form())));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: Serialize>(v: T) -> String {
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn codes_serialise_as_stable_identifiers_not_numbers() {
        assert_eq!(json(Place::WorkplaceVisit), "\"workplace_visit\"");
        assert_eq!(json(Industry::E), "\"E\"");
        assert_eq!(json(InterviewKind::HighStress), "\"high_stress\"");
        assert_eq!(json(RecordKind::Consultation), format!("\"{}\"", RecordKind::Consultation.as_str()));
        assert_eq!(json(RecordStatus::Final), format!("\"{}\"", RecordStatus::Final.as_str()));
        assert_eq!(json(Place::OtherFacility), format!("\"{}\"", Place::OtherFacility.as_str()));
    }

    #[test]
    fn every_industry_has_its_jsic_letter_and_label() {
        assert_eq!(Industry::ALL.len(), 20);
        let letters: String = Industry::ALL.iter().map(|i| i.mark()).collect();
        assert_eq!(letters, "ABCDEFGHIJKLMNOPQRST");
        assert_eq!(Industry::E.label(), "製造業");
        assert_eq!(Industry::T.label(), "分類不能の産業");
    }

    #[test]
    fn labels_follow_the_forms() {
        let table: &[(&str, &str)] = &[
            (Fatigue::Severe.label(), "重"),
            (Fatigue::None.mark(), "0"),
            (Diagnosis::MedicalCare.label(), "要医療"),
            (WorkClass::Restricted.label(), "就業制限"),
            (WorkClass::Restricted.stress_label(), "就業制限・配慮"),
            (WorkClass::Leave.stress_label(), "要休業"),
            (GuidanceClass::MedicalGuidance.label(), "要医療指導"),
            (OtherMeasure::DayShift.mark(), "d"),
            (Place::WorkplaceVisit.label(), "事業場訪問"),
            (InterviewKind::OtherLongHours.article(), "法66条の9"),
        ];
        for (got, want) in table {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn record_kind_round_trips_through_its_identifier() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(RecordKind::parse("nonsense"), None);
        for s in RecordStatus::ALL {
            assert_eq!(RecordStatus::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn export_labels() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
        std::fs::create_dir_all(&dir).unwrap();
        let ts = labels_ts();
        assert!(ts.contains("\"E\": \"製造業\""), "{ts}");
        assert!(ts.contains("PLACE_ORDER: Place[] = [\"medical_institution\", \"workplace_visit\", \"other_facility\"]"), "{ts}");
        std::fs::write(dir.join("labels.ts"), ts).unwrap();
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(serde_json::from_str::<Place>("\"home\"").is_err());
        assert!(serde_json::from_str::<Fatigue>("2").is_err());
    }
}
