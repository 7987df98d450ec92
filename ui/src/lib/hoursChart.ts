// The 勤務状況 chart's content, apart from its drawing: six months of 時間外・休日労働 (oldest
// first), the 45/80/100 h lines each month is over, the 2–6 month averages and the same facts
// in words (the chart's text alternative). The core computes the averages (`hours_report`,
// `Interview::facts`); the screen passes them in. Only the class of a month before the period
// is worked out here, for display, by the core's rule: the figure as printed (to a tenth,
// rounded up), strictly over the line.

import { formatHours } from "./hours";
import type { MonthAverage } from "../bindings/MonthAverage";
import type { RecordView } from "../bindings/RecordView";

/** The lines the law draws, in hours a month. */
export const HOURS_LINES = [45, 80, 100] as const;
export type HoursLine = (typeof HOURS_LINES)[number];

/** The months the chart shows: the period and the five before it. */
export const CHART_MONTHS = 6;

export type ChartMonth = {
  /** 0 for the period (対象月), 1 for the month before it, … */
  back: number;
  label: string;
  hours: number | null;
  /** The highest line the month is over, or null. */
  over: HoursLine | null;
};

export type HoursChartModel = {
  /** Oldest first, always CHART_MONTHS of them (a month not given has hours null). */
  months: ChartMonth[];
  averages: MonthAverage[];
  /** The lines some month or some average is over. */
  crossed: HoursLine[];
  /** The chart in sentences, for its text alternative. */
  summary: string[];
};

/** 対象月, 1か月前, … as the fields of the screen name them. */
export function monthLabel(back: number): string {
  return back === 0 ? "対象月" : `${back}か月前`;
}

/** The figure the forms print: to a tenth, rounded up beyond floating-point noise (core `overtime_figure`). */
export function overtimeFigure(hours: number): number {
  return Math.max(0, Math.ceil((hours - 1e-6) * 10) / 10) + 0;
}

/** The highest line the hours are strictly over, or null (core `HoursClass::of`). */
export function lineOver(hours: number): HoursLine | null {
  const h = overtimeFigure(hours);
  for (const line of [...HOURS_LINES].reverse()) if (h > line) return line;
  return null;
}

const hoursText = (h: number) => `${formatHours(h)}時間`;

/**
 * The chart of `months` (時間外・休日労働, newest first: the period, then the months before it)
 * with the core's `averages`.
 */
export function hoursChart(months: readonly number[], averages: readonly MonthAverage[]): HoursChartModel {
  const shown: ChartMonth[] = [];
  for (let back = CHART_MONTHS - 1; back >= 0; back--) {
    const hours = back < months.length ? months[back] : null;
    shown.push({ back, label: monthLabel(back), hours, over: hours === null ? null : lineOver(hours) });
  }
  const given = shown.filter((m): m is ChartMonth & { hours: number } => m.hours !== null);
  const overAverage = averages.filter((a) => a.over_80);
  const crossed = HOURS_LINES.filter((line) => given.some((m) => m.over !== null && m.over >= line) || (line === 80 && overAverage.length > 0));

  const summary: string[] = [];
  summary.push(given.length === 0 ? "時間外・休日労働時間はまだ入力されていません。" : `月ごとの時間外・休日労働時間（古い月から）: ${given.map((m) => `${m.label} ${hoursText(m.hours)}`).join("、")}。`);
  for (const line of HOURS_LINES) {
    const over = given.filter((m) => m.over !== null && m.over >= line);
    summary.push(`${line}時間を超えた月: ${over.length ? over.map((m) => `${m.label} ${hoursText(m.hours)}`).join("、") : "なし"}。`);
  }
  if (averages.length > 0) {
    summary.push(`2〜6か月平均: ${averages.map((a) => `${a.months}か月平均 ${hoursText(a.average)}`).join("、")}。`);
    summary.push(`2〜6か月平均のうち80時間を超えるもの: ${overAverage.length ? overAverage.map((a) => `${a.months}か月平均 ${hoursText(a.average)}`).join("、") : "なし"}。`);
  } else if (given.length > 0) {
    summary.push("2〜6か月平均は、前月以前の時間を入力すると求められます。");
  }
  return { months: shown, averages: [...averages], crossed, summary };
}

/**
 * The months of an interview's 勤務状況 as the chart takes them, newest first: the period's
 * overtime (as the core computed it) and the months before it, up to the first one not given.
 */
export function monthsOf(overtime: number | null | undefined, previous: readonly (number | null | undefined)[]): number[] {
  if (overtime === null || overtime === undefined) return [];
  const out = [overtime];
  for (const p of previous) {
    if (p === null || p === undefined || !Number.isFinite(p) || p < 0) break;
    out.push(p);
  }
  return out.slice(0, CHART_MONTHS);
}

/** The hours of one saved interview, as the worker's page charts them. */
export type RecordHours = {
  id: string;
  performedOn: string | null;
  /** Read from a draft: no version is finalised yet. */
  draft: boolean;
  /** The period, as the core describes it (「令和7年5月（31日）」). */
  basis: string;
  months: number[];
  averages: MonthAverage[];
};

/**
 * The chart's content for a record: the hours the core computed from its finalised version (or
 * its draft while there is none), with the months before the period as the record holds them.
 * Null for a record with no usable 勤務状況.
 */
export function recordHours(view: RecordView): RecordHours | null {
  const hours = view.facts?.hours;
  const body = view.current?.body ?? view.draft;
  if (!hours || hours.error || hours.overtime_hours === null || body?.kind !== "interview") return null;
  const months = monthsOf(hours.overtime_hours, body.data.work_status?.previous_overtime ?? []);
  return { id: view.summary.id, performedOn: view.summary.performed_on, draft: view.current === null, basis: hours.basis, months, averages: hours.averages };
}
