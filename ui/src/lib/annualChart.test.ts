import { describe, expect, it } from "vitest";
import { annualChart, percent } from "./annualChart";
import type { MonthCounts } from "../bindings/MonthCounts";
import type { VisitShare } from "../bindings/VisitShare";

const month = (m: number, c = 0, i = 0, sessions = 0, visits = 0): MonthCounts => ({
  year: m >= 4 ? 2025 : 2026, month: m, consultations: c, opinion_hearing: 0, health_guidance: c, mental_health: 0, interviews: i,
  consultation_sessions: sessions, workplace_visit_sessions: visits, visits: 0,
});
const year = (counts: Record<number, [number, number, number, number]>) =>
  [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3].map((m) => month(m, ...(counts[m] ?? [0, 0, 0, 0])));
const share = (part: number, whole: number): VisitShare => ({
  target: 0.2,
  by_sessions: { part: { value: part, ids: [] }, whole: { value: whole, ids: [] }, ratio: whole ? part / whole : null, met: whole > 0 && part * 5 >= whole },
  by_records: { part: { value: part, ids: [] }, whole: { value: whole, ids: [] }, ratio: whole ? part / whole : null, met: whole > 0 && part * 5 >= whole },
  met: whole > 0 && part * 5 >= whole,
});

describe("annualChart", () => {
  it("stacks each month's records and says the year in words", () => {
    const m = annualChart(year({ 4: [3, 0, 2, 0], 5: [0, 2, 0, 0], 6: [2, 0, 1, 1], 3: [1, 0, 1, 0] }), share(1, 4));
    expect(m.months.map((x) => x.label)).toEqual(["4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月", "1月", "2月", "3月"]);
    expect(m.months.map((x) => x.total)).toEqual([3, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect([m.consultations, m.interviews, m.most]).toEqual([6, 2, 3]);
    expect(m.summary).toEqual([
      "確定した記録: 特定健康相談 6件、面接指導 2件。",
      "記録が最も多い月: 4月（3件）。記録のない月: 7月、8月、9月、10月、11月、12月、1月、2月。",
      "事業場訪問の割合: 特定健康相談の開催4回のうち1回、25.0%（目標2割以上：達成）。",
    ]);
  });

  it("says when the target is not met, and when there is nothing to divide", () => {
    expect(annualChart(year({ 4: [6, 0, 6, 1] }), share(1, 6)).summary[2]).toBe("事業場訪問の割合: 特定健康相談の開催6回のうち1回、16.7%（目標2割以上：未達成）。");
    const empty = annualChart(year({}), share(0, 0));
    expect(empty.share).toBeNull();
    expect(empty.summary).toEqual(["確定した記録: 特定健康相談 0件、面接指導 0件。", "事業場訪問の割合: 特定健康相談の開催がまだないため求められません（目標2割以上）。"]);
  });

  it("prints a share to a tenth of a percent", () => {
    expect(percent(2 / 7)).toBe("28.6%");
    expect(percent(0.2)).toBe("20.0%");
  });

  it("stacks the site visits on top and counts them in words, apart from the sheet's records", () => {
    const months = year({ 4: [3, 1, 2, 0] });
    months[0] = { ...months[0], visits: 2 };
    const m = annualChart(months, share(0, 2));
    expect(m.months[0].total).toBe(6);
    expect(m.visits).toBe(2);
    expect(m.summary[0]).toBe("確定した記録: 特定健康相談 3件、面接指導 1件、訪問指導 2件。");
  });
});
