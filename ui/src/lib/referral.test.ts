import { describe, expect, it } from "vitest";
import { directoryQuery, referralState } from "./referral";
import type { ReferralRow } from "../bindings/ReferralRow";

function row(over: Partial<ReferralRow>): ReferralRow {
  return {
    id: "r", status: "final", version: 1, referred_on: "2026-10-01", body_name: "こころのクリニック", body_kind: "psychiatry", body_phone: "",
    reason: "メンタルヘルス不調", outcome: null, outcome_on: null, workplace_name: "山田製作所", worker_name: "佐藤 花子",
    source_id: "c", source_kind: "consultation", days_waiting: null, awaiting: false, source_differs: false, ...over,
  };
}

describe("referralState", () => {
  it("names the outcome once recorded", () => {
    expect(referralState(row({ outcome: "attended" }))).toBe("受診した");
    expect(referralState(row({ outcome: "not_attended" }))).toBe("未受診");
  });
  it("counts the days while waiting, and says when the 30 days have passed", () => {
    expect(referralState(row({ days_waiting: 12 }))).toBe("結果待ち（12日目）");
    expect(referralState(row({ days_waiting: 31, awaiting: true }))).toBe("結果未確認（31日経過）");
  });
  it("a draft is a draft", () => {
    expect(referralState(row({ status: "draft", version: 0 }))).toBe("下書き");
  });
});

describe("directoryQuery", () => {
  it("sends no kind for 'all' and trims the words", () => {
    expect(directoryQuery(" こころ ", "", " 静岡市 ")).toEqual({ text: "こころ", kind: null, area: "静岡市" });
    expect(directoryQuery("", "psychiatry", "")).toEqual({ text: "", kind: "psychiatry", area: "" });
  });
});
