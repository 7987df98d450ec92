//! 面接指導: the request (様式例2-1), the employer's 勤務状況情報 (様式例2-2), the stress-check
//! scores, and the result and opinion (様式例2-3, or the high-stress variant of seed 003).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codes::{
    Code, Diagnosis, DoctorChoice, Fatigue, GuidanceClass, InterviewKind, OtherMeasure, PeriodUnit, Place, StressGuidance, WorkClass, WorkStatusCategory,
};
use super::dates::{Date, TimeOfDay, YearMonth};
use super::hours::{self, HoursClass};
use super::hours_report::{self, HoursQuery, HoursReport};
use super::validate::{Strictness, Violations};

/// 医師による面接指導申出書 (様式例2-1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct InterviewRequest {
    /// 申出日
    pub requested_on: Option<Date>,
    /// 面接指導を受ける医師
    pub doctor_choice: Option<DoctorChoice>,
    /// 面接指導を受けるに当たり配慮を求める事項
    pub considerations: String,
}

/// Who filled in the 勤務状況情報書 (本情報書作成者).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Preparer {
    pub name: String,
    pub workplace: String,
    pub contact: String,
}

/// 長時間労働者への面接指導 勤務状況情報書 (様式例2-2): the employer's statement of the hours.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct WorkStatus {
    /// 区分
    pub categories: Vec<WorkStatusCategory>,
    /// 過去の面接指導: なし (false) / あり (true)
    pub past_interview: Option<bool>,
    /// 直近の面接指導の年月
    pub past_interview_month: Option<YearMonth>,
    /// 前1ヶ月間の期間
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// 総労働時間 (実績), 時間/月
    pub total_hours: Option<f64>,
    /// 時間外・休日労働時間, 時間/月
    pub overtime_hours: Option<f64>,
    /// 時間外・休日労働時間 of the months before, newest first (for the 2–6 month averages).
    pub previous_overtime: Vec<f64>,
    /// 通勤時間 (片道), 分
    pub commute_minutes: Option<u32>,
    /// 業務内容
    pub duties: String,
    /// 本情報書作成者
    pub prepared_by: Preparer,
}

impl WorkStatus {
    /// Calendar days of the period, when both ends are given.
    pub fn period_days(&self) -> Option<u32> {
        let (f, t) = (self.period_from?, self.period_to?);
        u32::try_from((t.naive() - f.naive()).num_days() + 1).ok()
    }

    /// 時間外・休日労働時間: as given, or computed from 総労働時間 and the period.
    pub fn effective_overtime(&self) -> Option<f64> {
        self.overtime_hours.map(hours::overtime_figure).or_else(|| hours::overtime_for_days(self.total_hours?, self.period_days()?).ok())
    }

    /// 総労働時間: as given, or computed from 時間外・休日労働時間 and the period.
    pub fn effective_total(&self) -> Option<f64> {
        self.total_hours.or_else(|| hours::total_for_days(self.overtime_hours?, self.period_days()?).ok())
    }

    pub fn hours_class(&self) -> Option<HoursClass> {
        self.effective_overtime().map(HoursClass::of)
    }

    /// The 区分 the hours make (3 月100時間超, 4 月80時間超, 5 月45時間超), computed: none at
    /// 45 h or less, or while the hours are unknown.
    pub fn hours_category(&self) -> Option<WorkStatusCategory> {
        hours_category_of(self.hours_class()?)
    }

    /// The 区分 as the 勤務状況情報書 prints them, in the form's order: those the employer ticked
    /// that are not a class of hours (1, 2, 6), and the class of hours computed from the hours,
    /// whatever was ticked for it. A record that contradicts its hours cannot be finalised.
    pub fn printed_categories(&self) -> Vec<WorkStatusCategory> {
        let mut out: Vec<WorkStatusCategory> = self.categories.iter().copied().filter(|c| !is_hours_category(*c)).collect();
        out.extend(self.hours_category());
        out.sort();
        out.dedup();
        out
    }

    /// The hours as the interview screen shows them: the other figure computed, the class and
    /// the 2–6 month averages. Without a period, the month before `reference` is the period.
    pub fn hours_report(&self, reference: Option<Date>) -> HoursReport {
        hours_report::report(&HoursQuery {
            period_from: self.period_from,
            period_to: self.period_to,
            reference,
            total_hours: self.total_hours,
            overtime_hours: self.overtime_hours,
            previous_overtime: self.previous_overtime.clone(),
        })
    }

    /// A ticked 区分 that the hours contradict, with both figures in the message.
    fn check_categories(&self, v: &mut Violations) {
        // Already the printed figure (rounded up to a tenth).
        let Some(overtime) = self.effective_overtime() else { return };
        let class = HoursClass::of(overtime);
        let category = hours_category_of(class);
        for c in &self.categories {
            let wrong = match c {
                WorkStatusCategory::Over100 | WorkStatusCategory::Over80 | WorkStatusCategory::Over45 => Some(*c) != category,
                WorkStatusCategory::RequestedOver80 => class < HoursClass::Over80,
                WorkStatusCategory::CompanyStandard | WorkStatusCategory::Other => false,
            };
            if wrong {
                let computed = match category {
                    Some(h) => format!("{}「{}」", h.mark(), h.label()),
                    None => "なし（月45時間以下）".to_string(),
                };
                v.push(
                    "work_status.categories",
                    format!(
                        "区分で{}「{}」が選ばれていますが、時間外・休日労働時間は{overtime:.1}時間です（時間から求めた区分：{computed}）。区分か時間を直してください。",
                        c.mark(),
                        c.label()
                    ),
                );
            }
        }
    }

    /// The month's overtime followed by the earlier months, newest first.
    pub fn overtime_series(&self) -> Vec<f64> {
        self.effective_overtime().into_iter().chain(self.previous_overtime.iter().copied()).collect()
    }

    fn validate(&self, strict: Strictness, v: &mut Violations) {
        let p = "work_status";
        v.require(strict, &self.period_from, &format!("{p}.period_from"), "期間（開始）");
        v.require(strict, &self.period_to, &format!("{p}.period_to"), "期間（終了）");
        if strict == Strictness::Final && self.total_hours.is_none() && self.overtime_hours.is_none() {
            v.push(format!("{p}.total_hours"), "総労働時間か時間外・休日労働時間のどちらかを入力してください。");
        }
        let days = match self.period_days() {
            Some(d) if (1..=31).contains(&d) => Some(d),
            Some(_) => {
                v.push(format!("{p}.period_to"), "期間は前1ヶ月間（31日以内）で、終了日を開始日以後にしてください。");
                None
            }
            None => None,
        };
        // Without a period, check against the longest month.
        let days = days.unwrap_or(31);
        if let Err(e) = hours::check_period(self.total_hours, self.overtime_hours, days) {
            let field = match e {
                hours::HoursError::Negative { field } | hours::HoursError::MoreThanTheMonth { field, .. } | hours::HoursError::NotANumber { field }
                    if field == "時間外・休日労働時間" =>
                {
                    "overtime_hours"
                }
                hours::HoursError::OvertimeExceedsTotal | hours::HoursError::OvertimeBeyondThePeriod { .. } => "overtime_hours",
                _ => "total_hours",
            };
            v.push(format!("{p}.{field}"), e.to_string());
        }
        if self.previous_overtime.len() > 5 {
            v.push(format!("{p}.previous_overtime"), "過去の時間外・休日労働時間は5か月分まで入力できます。");
        }
        for (i, h) in self.previous_overtime.iter().enumerate() {
            if let Err(e) = hours::check_period(None, Some(*h), 31) {
                v.push(format!("{p}.previous_overtime.{i}"), format!("{}か月前: {e}", i + 1));
            }
        }
        if self.past_interview == Some(false) && self.past_interview_month.is_some() {
            v.push(format!("{p}.past_interview_month"), "過去の面接指導が「なし」のときは年月を入力しないでください。");
        }
        if let Some(c) = self.commute_minutes {
            if c > 24 * 60 {
                v.push(format!("{p}.commute_minutes"), "通勤時間（片道）が24時間を超えています。分で入力してください。");
            }
        }
        v.max_len(&self.duties, 5_000, &format!("{p}.duties"), "業務内容");
        if strict == Strictness::Final {
            self.check_both_figures(v);
            self.check_categories(v);
        }
    }

    /// Both figures given: the overtime must be what the 総労働時間 makes (総労働時間 − 暦日数÷7×40,
    /// seed 003), within an hour, or the record would carry two answers to 「80時間を超えるか」.
    fn check_both_figures(&self, v: &mut Violations) {
        let (Some(total), Some(overtime), Some(days)) = (self.total_hours, self.overtime_hours, self.period_days()) else { return };
        let Ok(formula) = hours::overtime_for_days(total, days) else { return };
        let overtime = hours::overtime_figure(overtime);
        if (formula - overtime).abs() > BOTH_FIGURES_SLACK {
            v.push(
                "work_status.overtime_hours",
                format!(
                    "時間外・休日労働時間（{overtime:.1}時間）が、総労働時間から求めた値（{formula:.1}時間 = 総労働時間 − {days}日÷7×40）と合いません。事業者に確かめてどちらかを直すか、どちらか一方だけを入力してください。"
                ),
            );
        }
    }
}

/// How far the two figures of the 勤務状況情報書 may differ (the employer's rounding).
const BOTH_FIGURES_SLACK: f64 = 1.0;

/// The 区分 of 様式例2-2 a class of hours makes (3, 4 or 5); none at 45 h or less.
pub fn hours_category_of(class: HoursClass) -> Option<WorkStatusCategory> {
    match class {
        HoursClass::Over100 => Some(WorkStatusCategory::Over100),
        HoursClass::Over80 => Some(WorkStatusCategory::Over80),
        HoursClass::Over45 => Some(WorkStatusCategory::Over45),
        HoursClass::UpTo45 => None,
    }
}

/// 区分 3, 4 and 5 are classes of hours: the core computes them.
fn is_hours_category(c: WorkStatusCategory) -> bool {
    matches!(c, WorkStatusCategory::Over100 | WorkStatusCategory::Over80 | WorkStatusCategory::Over45)
}

/// ストレスチェック結果: scores A (ストレスの要因), B (心身の自覚症状), C (周囲の支援).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct StressScores {
    pub a: Option<u32>,
    pub b: Option<u32>,
    pub c: Option<u32>,
    /// ストレスチェックの実施日
    pub checked_on: Option<Date>,
    /// 素点換算表の評価点の合計: A (9 scales, 9–45), B (6 scales, 6–30), C (3 scales, 3–15), when the
    /// stress check gave them. `a`, `b`, `c` are the 合計点数 of the 57-item questionnaire.
    pub scale_a: Option<u32>,
    pub scale_b: Option<u32>,
    pub scale_c: Option<u32>,
    /// The stress check's own judgement: 高ストレス (true) or not (false), as the 実施者 reported it.
    pub judged_high: Option<bool>,
}

/// The worker's consent, given in advance, to a coordinator attending (seed 001).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Consent {
    pub given_on: Option<Date>,
    /// How it was given, e.g. 「口頭」「同意書」.
    pub method: String,
}

/// 面接指導結果報告書: the findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct InterviewResult {
    /// 疲労の蓄積の状況 (long hours)
    pub fatigue: Option<Fatigue>,
    /// 配慮すべき心身の状況 0：なし / 1：あり (long hours)
    pub mind_body_attention: Option<bool>,
    /// 特記事項
    pub special_notes: String,
    /// 診断区分 (long hours)
    pub diagnosis: Option<Diagnosis>,
    /// 就業区分
    pub work_class: Option<WorkClass>,
    /// 指導区分 (long hours)
    pub guidance: Option<GuidanceClass>,
    /// 事後措置として指導勧告の必要性 0：不要 / 1：要 (long hours)
    pub recommendation_needed: Option<bool>,
    /// 勤務の状況（労働時間、労働時間以外の要因） (high stress)
    pub work_situation: String,
    /// その他の心身の状況 0：所見なし / 1：所見あり (high stress)
    pub other_findings: Option<bool>,
    pub other_findings_text: String,
    /// 医学的所見に関する特記事項 (high stress)
    pub medical_notes: String,
    /// 本人への指導区分 (high stress, several allowed)
    pub stress_guidance: Vec<StressGuidance>,
    /// 要再面接の時期
    pub reinterview_timing: String,
    /// その他の特記事項 (high stress)
    pub other_notes: String,
    /// □：必要事項 under 事後措置として指導勧告の必要性 (様式例2-3, long hours): the doctor's tick,
    /// beside □：下記意見書に記入, that the 指導勧告 carries 必要事項 (matters the employer must act
    /// on). Seed 002 prints the box and defines nothing more; it is the doctor's to tick, never
    /// derived. Absent in records stored before it existed: unticked.
    #[serde(default)]
    pub necessary_items: bool,
}

/// One measure on working time (労働時間の短縮).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[ts(export)]
pub enum HoursMeasure {
    /// 特に指示なし
    NoInstruction,
    /// 時間外労働の制限 (N時間/月まで)
    OvertimeLimit { hours_per_month: Option<f64> },
    /// 時間外労働の禁止 (high stress)
    OvertimeBan,
    /// 就業時間を制限 HH:MM–HH:MM
    WorkingHours { from: Option<TimeOfDay>, to: Option<TimeOfDay> },
    /// 変形労働時間制又は裁量労働制の対象からの除外 (high stress)
    FlexExclusion,
    /// 就業の禁止（休暇・休養の指示）
    NoWork,
    /// その他
    Other { text: String },
}

impl HoursMeasure {
    /// One of each kind, empty, in the order of the 様式.
    pub fn blank_all() -> [HoursMeasure; 7] {
        [
            HoursMeasure::NoInstruction,
            HoursMeasure::OvertimeLimit { hours_per_month: None },
            HoursMeasure::OvertimeBan,
            HoursMeasure::WorkingHours { from: None, to: None },
            HoursMeasure::FlexExclusion,
            HoursMeasure::NoWork,
            HoursMeasure::Other { text: String::new() },
        ]
    }

    pub fn label(&self) -> &'static str {
        match self {
            HoursMeasure::NoInstruction => "特に指示なし",
            HoursMeasure::OvertimeLimit { .. } => "時間外労働の制限",
            HoursMeasure::OvertimeBan => "時間外労働の禁止",
            HoursMeasure::WorkingHours { .. } => "就業時間を制限",
            HoursMeasure::FlexExclusion => "変形労働時間制又は裁量労働制の対象からの除外",
            HoursMeasure::NoWork => "就業の禁止（休暇・休養の指示）",
            HoursMeasure::Other { .. } => "その他",
        }
    }

    /// Whether the long-hours form (様式例2-3) has this option.
    pub fn on_long_hours_form(&self) -> bool {
        !matches!(self, HoursMeasure::OvertimeBan | HoursMeasure::FlexExclusion)
    }

    fn same_kind(&self, other: &HoursMeasure) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// 事後措置に係る意見書 / 就業上の措置に係る意見書: the doctor's opinion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Opinion {
    /// 労働時間の短縮
    pub hours_measures: Vec<HoursMeasure>,
    /// 労働時間以外の項目 (主要項目 a–e)
    pub other_measures: Vec<OtherMeasure>,
    /// 措置内容 1) 2) 3)
    pub measure_lines: Vec<String>,
    /// 措置期間: N 日・週・月
    pub period_amount: Option<u32>,
    pub period_unit: Option<PeriodUnit>,
    /// 措置期間: 年月日～年月日 (high stress alternative)
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    /// 次回面接予定日
    pub next_interview_on: Option<Date>,
    /// 職場環境の改善に関する意見 (high stress)
    pub workplace_environment: String,
    /// 医療機関への受診配慮等
    pub medical_consideration: String,
    /// 連絡事項等
    pub remarks: String,
}

/// One 面接指導, from request to opinion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
#[ts(export)]
pub struct Interview {
    /// 面接指導の区分 (法66条の8 / 66条の9 / 66条の10)
    pub kind: Option<InterviewKind>,
    pub application_id: Option<String>,
    /// 受付日 (台帳)
    pub received_on: Option<Date>,
    /// 実施日
    pub performed_on: Option<Date>,
    pub start_time: Option<TimeOfDay>,
    pub end_time: Option<TimeOfDay>,
    pub place: Option<Place>,
    pub place_name: String,
    /// 面接指導を実施した医師
    pub doctor_id: Option<String>,
    pub workplace_id: Option<String>,
    pub worker_id: Option<String>,
    /// 申出 (様式例2-1)
    pub request: InterviewRequest,
    /// 勤務状況情報 (様式例2-2). Without it there is no long-hours interview.
    pub work_status: Option<WorkStatus>,
    /// ストレスチェック結果 (high stress)
    pub stress: Option<StressScores>,
    /// A coordinator attends the interview.
    pub coordinator_attends: bool,
    /// The worker's consent to that, given in advance.
    pub consent: Option<Consent>,
    /// 面接指導結果報告書
    pub result: InterviewResult,
    /// 意見書
    pub opinion: Opinion,
    /// The date the opinion was written (意見書の日付). When absent, the interview date.
    pub opinion_on: Option<Date>,
    /// 労働者の疲労蓄積度自己診断チェックリスト (2023), when the worker sent it.
    pub fatigue_checklist: Option<super::checklists::WorkerChecklist>,
    /// 家族による労働者の疲労蓄積度チェックリスト, when the family sent it.
    pub family_checklist: Option<super::checklists::FamilyChecklist>,
}

impl Interview {
    pub fn is_high_stress(&self) -> bool {
        self.kind == Some(InterviewKind::HighStress)
    }

    pub fn minutes(&self) -> Option<i64> {
        Some(self.start_time?.minutes_until(self.end_time?)).filter(|m| *m > 0)
    }

    pub fn validate(&self, strict: Strictness) -> Violations {
        let mut v = Violations::default();
        v.require(strict, &self.kind, "kind", "面接指導の区分");
        v.require(strict, &self.performed_on, "performed_on", "実施日");
        v.require(strict, &self.place, "place", "実施場所の区分");
        v.require(strict, &self.doctor_id, "doctor_id", "面接指導を実施した医師");
        v.require(strict, &self.workplace_id, "workplace_id", "事業場");
        v.require(strict, &self.worker_id, "worker_id", "面接指導対象者");
        if let (Some(s), Some(e)) = (self.start_time, self.end_time) {
            if s >= e {
                v.push("end_time", "終了時刻は開始時刻より後にしてください。");
            }
        }
        if let (Some(r), Some(p)) = (self.request.requested_on, self.performed_on) {
            if r > p {
                v.push("request.requested_on", "申出日が実施日より後になっています。日付を確かめてください。");
            }
        }
        if let (Some(o), Some(p)) = (self.opinion_on, self.performed_on) {
            if o < p {
                v.push("opinion_on", "意見書の日付が面接指導の実施日より前になっています。");
            }
        }
        match &self.work_status {
            Some(ws) => ws.validate(strict, &mut v),
            None if strict == Strictness::Final && !self.is_high_stress() => v.push(
                "work_status",
                "勤務の状況（勤務状況情報書）がありません。勤務の状況が把握できない場合は面接指導として実施できません。事業者に情報を求めるか、保健指導またはメンタル相談として記録してください。",
            ),
            None => {}
        }
        if strict == Strictness::Final {
            self.check_kind_against_hours(&mut v);
        }
        super::stress_check::validate(self, strict, &mut v);
        super::checklists::validate(self, strict, &mut v);
        if strict == Strictness::Final && self.is_high_stress() {
            // Either method's three figures: the 合計点数 A/B/C, or the 素点換算表's 評価点.
            let complete = self
                .stress
                .as_ref()
                .is_some_and(|s| (s.a.is_some() && s.b.is_some() && s.c.is_some()) || (s.scale_a.is_some() && s.scale_b.is_some() && s.scale_c.is_some()));
            if !complete {
                v.push("stress", "高ストレス者の面接指導では、ストレスチェック結果（A・B・Cの合計点数、または素点換算表の評価点の合計）を入力してください。");
            }
        }
        if self.coordinator_attends {
            let consented = self.consent.as_ref().is_some_and(|c| c.given_on.is_some());
            if !consented {
                v.push("consent", "コーディネーターが同席するには、事前に本人の同意を得て同意日を記録してください。");
            }
            if let (Some(c), Some(p)) = (self.consent.as_ref().and_then(|c| c.given_on), self.performed_on) {
                if c > p {
                    v.push("consent.given_on", "同意は面接指導の前に得てください（同意日が実施日より後です）。");
                }
            }
        }
        self.validate_result(strict, &mut v);
        self.validate_opinion(strict, &mut v);
        v
    }

    /// 66条の8, 66条の8の2 and 66条の8の4 apply only over their line of hours (超える).
    fn check_kind_against_hours(&self, v: &mut Violations) {
        let Some(kind) = self.kind else { return };
        let Some(line) = kind.overtime_threshold() else { return };
        // Already the printed figure (rounded up to a tenth).
        let Some(overtime) = self.work_status.as_ref().and_then(WorkStatus::effective_overtime) else { return };
        if overtime <= line {
            v.push(
                "kind",
                format!(
                    "{}の面接指導は時間外・休日労働時間が月{line:.0}時間を超える場合ですが、この記録では{overtime:.1}時間です。時間を確かめるか、区分を法66条の9（その他の長時間労働等）にしてください。",
                    kind.article()
                ),
            );
        }
    }

    fn validate_result(&self, strict: Strictness, v: &mut Violations) {
        let r = &self.result;
        v.require(strict, &r.work_class, "result.work_class", "就業区分");
        if self.is_high_stress() {
            if strict == Strictness::Final && r.stress_guidance.is_empty() {
                v.push("result.stress_guidance", "本人への指導区分を1つ以上選んでください。");
            }
            if r.stress_guidance.contains(&StressGuidance::NoMeasures) && r.stress_guidance.len() > 1 {
                v.push("result.stress_guidance", "「措置不要」と他の指導区分は同時に選べません。");
            }
            if strict == Strictness::Final && r.stress_guidance.contains(&StressGuidance::ReInterview) && r.reinterview_timing.trim().is_empty() {
                v.push("result.reinterview_timing", "要再面接の時期を入力してください。");
            }
        } else if self.kind.is_some() {
            v.require(strict, &r.fatigue, "result.fatigue", "疲労の蓄積の状況");
            v.require(strict, &r.mind_body_attention, "result.mind_body_attention", "配慮すべき心身の状況");
            v.require(strict, &r.diagnosis, "result.diagnosis", "診断区分");
            v.require(strict, &r.guidance, "result.guidance", "指導区分");
            v.require(strict, &r.recommendation_needed, "result.recommendation_needed", "指導勧告の必要性");
        }
    }

    fn validate_opinion(&self, strict: Strictness, v: &mut Violations) {
        let o = &self.opinion;
        let measures = &o.hours_measures;
        for (i, m) in measures.iter().enumerate() {
            if measures[..i].iter().any(|n| n.same_kind(m)) {
                v.push("opinion.hours_measures", format!("労働時間の短縮で「{}」が2回選ばれています。", m.label()));
            }
            if !self.is_high_stress() && self.kind.is_some() && !m.on_long_hours_form() {
                v.push("opinion.hours_measures", format!("「{}」は高ストレス者の意見書にだけある項目です。", m.label()));
            }
            match m {
                HoursMeasure::OvertimeLimit { hours_per_month: None } if !self.is_high_stress() => {
                    v.push("opinion.hours_measures", "時間外労働の制限を選んだときは、月あたりの上限時間を入力してください。");
                }
                HoursMeasure::OvertimeLimit { hours_per_month: Some(h) } if !(h.is_finite() && *h >= 0.0 && *h <= 744.0) => {
                    v.push("opinion.hours_measures", "時間外労働の制限の時間数は0〜744時間で入力してください。");
                }
                HoursMeasure::WorkingHours { from, to } => match (from, to) {
                    (Some(f), Some(t)) if f >= t => v.push("opinion.hours_measures", "就業時間の制限の終了時刻は開始時刻より後にしてください。"),
                    (Some(_), Some(_)) => {}
                    _ => v.push("opinion.hours_measures", "就業時間を制限するときは、開始と終了の時刻を入力してください。"),
                },
                HoursMeasure::Other { text } if text.trim().is_empty() => {
                    v.push("opinion.hours_measures", "労働時間の短縮の「その他」の内容を入力してください。");
                }
                _ => {}
            }
        }
        let no_instruction = measures.contains(&HoursMeasure::NoInstruction);
        if no_instruction && measures.len() > 1 {
            v.push("opinion.hours_measures", "「特に指示なし」と他の労働時間の措置は同時に選べません。");
        }
        let no_work = measures.contains(&HoursMeasure::NoWork);
        if no_work && measures.len() > 1 {
            v.push("opinion.hours_measures", "「就業の禁止」と時間の制限は同時に選べません。");
        }
        match self.result.work_class {
            Some(WorkClass::Leave) => {
                if !no_work {
                    v.push("opinion.hours_measures", "就業区分が「要休業」のときは、労働時間の短縮で「就業の禁止（休暇・休養の指示）」を選んでください。");
                }
                if !o.other_measures.is_empty() {
                    v.push("opinion.other_measures", "就業区分が「要休業」のときは、就業場所の変更などの就業上の措置は選べません。");
                }
            }
            Some(WorkClass::Normal) => {
                let restricting = measures.iter().any(|m| !matches!(m, HoursMeasure::NoInstruction));
                if restricting || !o.other_measures.is_empty() {
                    v.push(
                        "opinion.hours_measures",
                        "就業区分が「通常勤務」のときは、就業上の措置は選べません。就業区分を「就業制限」にするか、措置を外してください。",
                    );
                }
            }
            Some(WorkClass::Restricted) => {
                let restricting = measures.iter().any(|m| !matches!(m, HoursMeasure::NoInstruction | HoursMeasure::NoWork));
                if no_work {
                    v.push("opinion.hours_measures", "「就業の禁止」を選ぶときは、就業区分を「要休業」にしてください。");
                } else if strict == Strictness::Final && !restricting && o.other_measures.is_empty() {
                    v.push("opinion.hours_measures", "就業区分が「就業制限」のときは、労働時間の短縮か労働時間以外の措置を1つ以上選んでください。");
                }
            }
            None => {}
        }
        if strict == Strictness::Final && !o.other_measures.is_empty() && o.measure_lines.iter().all(|l| l.trim().is_empty()) {
            v.push("opinion.measure_lines", "労働時間以外の項目を選んだときは、措置の内容を1)〜3)に具体的に記入してください。");
        }
        if o.measure_lines.len() > 3 {
            v.push("opinion.measure_lines", "措置の内容は3行まで入力できます。");
        }
        if o.period_amount.is_some() != o.period_unit.is_some() {
            v.push("opinion.period_amount", "措置期間は数と単位（日・週・月）を両方入力してください。");
        }
        if o.period_amount == Some(0) {
            v.push("opinion.period_amount", "措置期間は1以上で入力してください。");
        }
        if let (Some(f), Some(t)) = (o.period_from, o.period_to) {
            if f > t {
                v.push("opinion.period_to", "措置期間の終了日は開始日以後にしてください。");
            }
        }
        if let (Some(n), Some(p)) = (o.next_interview_on, self.performed_on) {
            if n <= p {
                v.push("opinion.next_interview_on", "次回面接予定日は今回の実施日より後にしてください。");
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn long_hours() -> Interview {
        Interview {
            kind: Some(InterviewKind::LongHours),
            performed_on: Date::ymd(2025, 6, 20),
            place: Some(Place::MedicalInstitution),
            doctor_id: Some("d".into()),
            workplace_id: Some("w".into()),
            worker_id: Some("k".into()),
            work_status: Some(WorkStatus {
                period_from: Date::ymd(2025, 5, 1),
                period_to: Date::ymd(2025, 5, 31),
                total_hours: Some(267.1),
                ..Default::default()
            }),
            result: InterviewResult {
                fatigue: Some(Fatigue::Moderate),
                mind_body_attention: Some(false),
                diagnosis: Some(Diagnosis::Observation),
                work_class: Some(WorkClass::Restricted),
                guidance: Some(GuidanceClass::HealthGuidance),
                recommendation_needed: Some(true),
                ..Default::default()
            },
            opinion: Opinion { hours_measures: vec![HoursMeasure::OvertimeLimit { hours_per_month: Some(45.0) }], ..Default::default() },
            ..Default::default()
        }
    }

    fn high_stress() -> Interview {
        let mut i = long_hours();
        i.kind = Some(InterviewKind::HighStress);
        i.work_status = None;
        i.stress = Some(StressScores { a: Some(40), b: Some(80), c: Some(20), ..Default::default() });
        i.result = InterviewResult { work_class: Some(WorkClass::Restricted), stress_guidance: vec![StressGuidance::HealthGuidance], ..Default::default() };
        i.opinion.hours_measures = vec![HoursMeasure::OvertimeBan];
        i
    }

    fn fields(i: &Interview) -> Vec<String> {
        i.validate(Strictness::Final).into_vec().into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn complete_interviews_pass() {
        assert_eq!(fields(&long_hours()), Vec::<String>::new());
        assert_eq!(fields(&high_stress()), Vec::<String>::new());
        assert!(Interview::default().validate(Strictness::Draft).is_empty());
    }

    #[test]
    fn hours_are_computed_from_the_period() {
        let ws = long_hours().work_status.unwrap();
        assert_eq!(ws.period_days(), Some(31));
        assert_eq!(ws.effective_overtime(), Some(90.0));
        assert_eq!(ws.hours_class(), Some(HoursClass::Over80));
        let ws = WorkStatus { overtime_hours: Some(80.0), total_hours: None, ..ws };
        assert_eq!(ws.effective_total(), Some(257.1));
    }

    #[test]
    fn contradictions_are_refused() {
        let mut cases: Vec<(Interview, &str)> = Vec::new();
        let mut i = long_hours();
        i.result.work_class = Some(WorkClass::Leave);
        cases.push((i, "opinion.hours_measures")); // 要休業 with a limit of overtime
        let mut i = long_hours();
        i.result.work_class = Some(WorkClass::Normal);
        cases.push((i, "opinion.hours_measures")); // 通常勤務 with a measure
        let mut i = long_hours();
        i.opinion.hours_measures = vec![HoursMeasure::OvertimeLimit { hours_per_month: None }];
        cases.push((i, "opinion.hours_measures")); // a limit with no number
        let mut i = long_hours();
        i.opinion.hours_measures = vec![HoursMeasure::NoInstruction, HoursMeasure::OvertimeLimit { hours_per_month: Some(30.0) }];
        cases.push((i, "opinion.hours_measures"));
        let mut i = long_hours();
        i.opinion.hours_measures = vec![HoursMeasure::WorkingHours { from: TimeOfDay::hm(17, 0), to: TimeOfDay::hm(9, 0) }];
        cases.push((i, "opinion.hours_measures"));
        let mut i = long_hours();
        i.opinion.hours_measures = vec![HoursMeasure::OvertimeBan];
        cases.push((i, "opinion.hours_measures")); // not on the long-hours form
        let mut i = long_hours();
        i.opinion.hours_measures = vec![];
        cases.push((i, "opinion.hours_measures")); // 就業制限 with no measure
        let mut i = long_hours();
        i.work_status = None;
        cases.push((i, "work_status")); // no 勤務の状況, no interview
        let mut i = long_hours();
        i.work_status.as_mut().unwrap().total_hours = Some(-3.0);
        cases.push((i, "work_status.total_hours"));
        let mut i = long_hours();
        i.work_status.as_mut().unwrap().total_hours = Some(800.0);
        cases.push((i, "work_status.total_hours")); // more hours than May has
        let mut i = long_hours();
        // May 2025 has 31 days: 267.1 h make 90.0 h of overtime, not 100.
        i.work_status.as_mut().unwrap().overtime_hours = Some(100.0);
        cases.push((i, "work_status.overtime_hours"));
        let mut i = long_hours();
        i.coordinator_attends = true;
        cases.push((i, "consent"));
        let mut i = long_hours();
        i.opinion.other_measures = vec![OtherMeasure::DayShift];
        cases.push((i, "opinion.measure_lines"));
        let mut i = long_hours();
        i.opinion.period_amount = Some(3);
        cases.push((i, "opinion.period_amount"));
        let mut i = high_stress();
        i.stress = None;
        cases.push((i, "stress"));
        let mut i = high_stress();
        i.result.stress_guidance = vec![StressGuidance::NoMeasures, StressGuidance::FollowUp];
        cases.push((i, "result.stress_guidance"));
        let mut i = high_stress();
        i.result.stress_guidance = vec![StressGuidance::ReInterview];
        cases.push((i, "result.reinterview_timing"));
        for (i, field) in cases {
            assert_eq!(fields(&i), [field], "{:?}", i.opinion);
        }
    }

    /// Each article's line, strictly over (超える), typed as overtime: the line itself is refused,
    /// a tenth (or a minute) over it is accepted; 66条の9 and 66条の10 have no line.
    #[test]
    fn each_kind_needs_more_than_its_line() {
        let cases = [(InterviewKind::LongHours, 80.0), (InterviewKind::ResearchOver100, 100.0), (InterviewKind::HighlyProfessional, 100.0)];
        for (kind, line) in cases {
            for (overtime, ok) in [(line, false), (line - 5.0, false), (line + 0.1, true), (line + 1.0 / 60.0, true), (line + 30.0, true)] {
                let mut i = long_hours();
                i.kind = Some(kind);
                let ws = i.work_status.as_mut().unwrap();
                ws.total_hours = None;
                ws.overtime_hours = Some(overtime);
                let f = fields(&i);
                assert_eq!(f.is_empty(), ok, "{kind:?} at {overtime} h: {f:?}");
                if !ok {
                    assert_eq!(f, ["kind"], "{kind:?} at {overtime} h");
                    let msg = i.validate(Strictness::Final).into_vec().remove(0).message;
                    assert!(msg.contains(&format!("月{line:.0}時間を超える")) && msg.contains(kind.article()), "{msg}");
                }
            }
        }
        // 66条の9 has no line: 3 h of overtime is an interview still.
        let mut i = long_hours();
        i.kind = Some(InterviewKind::OtherLongHours);
        i.work_status.as_mut().unwrap().total_hours = Some(180.0);
        assert_eq!(fields(&i), Vec::<String>::new(), "66条の9 has no line");
    }

    #[test]
    fn leave_with_no_work_is_consistent() {
        let mut i = long_hours();
        i.result.work_class = Some(WorkClass::Leave);
        i.opinion.hours_measures = vec![HoursMeasure::NoWork];
        assert_eq!(fields(&i), Vec::<String>::new());
    }

    #[test]
    fn hours_measures_are_tagged_in_json() {
        let m = HoursMeasure::WorkingHours { from: TimeOfDay::hm(9, 0), to: TimeOfDay::hm(17, 30) };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"type":"working_hours","from":"09:00","to":"17:30"}"#);
        assert_eq!(serde_json::from_str::<HoursMeasure>(&json).unwrap(), m);
    }
}
