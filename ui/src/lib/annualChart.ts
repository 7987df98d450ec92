// The annual report's chart, apart from its drawing: the records of each month of the fiscal
// year by kind (特定健康相談, 面接指導 and 訪問指導, stacked), and the share of consultation sessions held
// at the workplace against the 2割 target, with the same facts in words. The counts are the
// core's (`AnnualReport::by_month`, `workplace_visit_share`); this only arranges them.

import { count } from "./format";
import type { MonthCounts } from "../bindings/MonthCounts";
import type { VisitShare } from "../bindings/VisitShare";

export type AnnualMonth = MonthCounts & { label: string; total: number };

export type AnnualChartModel = {
  months: AnnualMonth[];
  /** The most records in one month (for the scale). */
  most: number;
  consultations: number;
  interviews: number;
  /** 訪問指導・職場巡視 (not on the sheet; issue 16). */
  visits: number;
  /** 事業場訪問 ÷ all consultation sessions, as the report states it; null with no session. */
  share: number | null;
  target: number;
  met: boolean;
  summary: string[];
};

/** 「4月」: the fiscal year says which calendar year (January to March are the next one). */
export function monthName(m: MonthCounts): string {
  return `${m.month}月`;
}

/** A share as the report prints it: 28.6%. */
export function percent(r: number): string {
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

export function annualChart(byMonth: readonly MonthCounts[], share: VisitShare): AnnualChartModel {
  const months = byMonth.map((m) => ({ ...m, label: monthName(m), total: m.consultations + m.interviews + m.visits }));
  const consultations = months.reduce((s, m) => s + m.consultations, 0);
  const interviews = months.reduce((s, m) => s + m.interviews, 0);
  const visits = months.reduce((s, m) => s + m.visits, 0);
  const most = Math.max(0, ...months.map((m) => m.total));
  const ratio = share.by_sessions.ratio;
  const summary: string[] = [];
  summary.push(`確定した記録: 特定健康相談 ${count(consultations)}件、面接指導 ${count(interviews)}件${visits > 0 ? `、訪問指導 ${count(visits)}件` : ""}。`);
  if (most > 0) {
    const busiest = months.filter((m) => m.total === most).map((m) => m.label);
    summary.push(`記録が最も多い月: ${busiest.join("、")}（${count(most)}件）。記録のない月: ${months.filter((m) => m.total === 0).map((m) => m.label).join("、") || "なし"}。`);
  }
  const target = `目標${Math.round(share.target * 10)}割以上`;
  summary.push(
    ratio === null
      ? `事業場訪問の割合: 特定健康相談の開催がまだないため求められません（${target}）。`
      : `事業場訪問の割合: 特定健康相談の開催${count(share.by_sessions.whole.value)}回のうち${count(share.by_sessions.part.value)}回、${percent(ratio)}（${target}：${share.met ? "達成" : "未達成"}）。`,
  );
  return { months, most, consultations, interviews, visits, share: ratio, target: share.target, met: share.met, summary };
}
