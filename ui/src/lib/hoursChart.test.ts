import { describe, expect, it } from "vitest";
import { hoursChart, lineOver, monthLabel, monthsOf, overtimeFigure, recordHours } from "./hoursChart";
import type { MonthAverage } from "../bindings/MonthAverage";
import type { RecordView } from "../bindings/RecordView";

// The averages as the core's hours_report gives them (domain::hours::averages).
const avg = (months: number, average: number): MonthAverage => ({ months, average, over_80: average > 80 });

describe("lineOver", () => {
  it.each([
    [0, null],
    [45, null],
    [45.01, 45],
    [80, 45],
    [80 + 1 / 60, 80], // 80:01 prints 80.1: over the line, as the core says
    [80.000000000001, 45], // floating-point noise is not time
    [100, 80],
    [100.1, 100],
  ])("%d h → %j", (h, want) => {
    expect(lineOver(h)).toBe(want);
  });

  it("rounds up to a tenth like the forms", () => {
    expect(overtimeFigure(79.96)).toBe(80);
    expect(overtimeFigure(-0.3)).toBe(0);
  });
});

describe("monthsOf", () => {
  it("puts the period first and stops at the first month not given", () => {
    expect(monthsOf(85, [90, 70])).toEqual([85, 90, 70]);
    expect(monthsOf(85, [90, null, 70])).toEqual([85, 90]);
    expect(monthsOf(null, [90])).toEqual([]);
    expect(monthsOf(1, [2, 3, 4, 5, 6, 7])).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("hoursChart", () => {
  it("shows six months, oldest first, with the given ones at the end", () => {
    const m = hoursChart([85, 90, 70], []);
    expect(m.months.map((x) => x.label)).toEqual(["5か月前", "4か月前", "3か月前", "2か月前", "1か月前", "対象月"]);
    expect(m.months.map((x) => x.hours)).toEqual([null, null, null, 70, 90, 85]);
    expect(m.months.map((x) => x.over)).toEqual([null, null, null, 45, 80, 80]);
    expect(monthLabel(0)).toBe("対象月");
  });

  it("85, 90, 70: the 80 h line is crossed, by two months and by both averages", () => {
    const m = hoursChart([85, 90, 70], [avg(2, 87.5), avg(3, 81.7)]);
    expect(m.crossed).toEqual([45, 80]);
    expect(m.summary).toEqual([
      "月ごとの時間外・休日労働時間（古い月から）: 2か月前 70時間、1か月前 90時間、対象月 85時間。",
      "45時間を超えた月: 2か月前 70時間、1か月前 90時間、対象月 85時間。",
      "80時間を超えた月: 1か月前 90時間、対象月 85時間。",
      "100時間を超えた月: なし。",
      "2〜6か月平均: 2か月平均 87.5時間、3か月平均 81.7時間。",
      "2〜6か月平均のうち80時間を超えるもの: 2か月平均 87.5時間、3か月平均 81.7時間。",
    ]);
  });

  it("40, 50, 60: only the 45 h line", () => {
    const m = hoursChart([40, 50, 60], [avg(2, 45), avg(3, 50)]);
    expect(m.crossed).toEqual([45]);
    expect(m.summary).toContain("80時間を超えた月: なし。");
    expect(m.summary).toContain("2〜6か月平均のうち80時間を超えるもの: なし。");
  });

  it("no month over 80, but a 3-month average over it: the 80 h line is crossed by the average", () => {
    // The 過労死ライン on average: 78, 79, 84 average 80.4 over three months.
    const m = hoursChart([78, 79, 84.2], [avg(2, 78.5), avg(3, 80.4)]);
    expect(m.months.some((x) => x.over === 80)).toBe(true);
    const n = hoursChart([79, 79, 79, 90], [avg(2, 79), avg(3, 79), avg(4, 81.8)]);
    expect(n.months.some((x) => x.over === 80 && x.back < 3)).toBe(false);
    expect(n.crossed).toContain(80);
    expect(n.summary[n.summary.length - 1]).toBe("2〜6か月平均のうち80時間を超えるもの: 4か月平均 81.8時間。");
  });

  it("says what is missing rather than drawing nothing", () => {
    expect(hoursChart([], []).summary).toEqual([
      "時間外・休日労働時間はまだ入力されていません。",
      "45時間を超えた月: なし。",
      "80時間を超えた月: なし。",
      "100時間を超えた月: なし。",
    ]);
    const one = hoursChart([50], []).summary;
    expect(one[one.length - 1]).toBe("2〜6か月平均は、前月以前の時間を入力すると求められます。");
  });
});

describe("recordHours", () => {
  const hours = (overtime: number | null, error: string | null = null) => ({
    days: 31, basis: "令和7年5月（31日）", total_hours: null, overtime_hours: overtime, computed: null, class: null, class_label: "", advice: "",
    averages: [avg(2, 87.5), avg(3, 81.7)], error,
  });
  const interview = (previous: number[]) => ({ kind: "interview", data: { work_status: { previous_overtime: previous } } });
  const view = (h: ReturnType<typeof hours> | null, body: unknown, finalised: boolean) =>
    ({
      summary: { id: "r1", performed_on: "2025-06-20" },
      current: finalised ? { body, snapshot: {} } : null,
      draft: finalised ? null : body,
      versions: [],
      facts: h === null ? null : { hours: h },
    }) as unknown as RecordView;

  it("takes the core's figures and the months the record holds", () => {
    expect(recordHours(view(hours(85), interview([90, 70]), true))).toEqual({
      id: "r1", performedOn: "2025-06-20", draft: false, basis: "令和7年5月（31日）", months: [85, 90, 70], averages: [avg(2, 87.5), avg(3, 81.7)],
    });
    expect(recordHours(view(hours(85), interview([]), false))?.draft).toBe(true);
  });

  it("is null without usable hours", () => {
    expect(recordHours(view(null, interview([]), true))).toBeNull();
    expect(recordHours(view(hours(null), interview([]), true))).toBeNull();
    expect(recordHours(view(hours(85, "期間が正しくありません。"), interview([]), true))).toBeNull();
    expect(recordHours(view(hours(85), { kind: "consultation", data: {} }, true))).toBeNull();
  });
});
