import { describe, expect, it } from "vitest";
import { findingKey, followUpOf, goodPracticesText, linesOf, setFollowUp } from "./visit";
import type { FindingFollowUp } from "../bindings/FindingFollowUp";

describe("follow-ups of earlier findings", () => {
  const a: FindingFollowUp = { visit_id: "v1", finding_no: 1, status: "partly", note: "一部" };
  const b: FindingFollowUp = { visit_id: "v1", finding_no: 2, status: "not_improved", note: "" };

  it("adds a new finding's status last", () => {
    expect(setFollowUp([a], "v2", 1, "improved", "")).toEqual([a, { visit_id: "v2", finding_no: 1, status: "improved", note: "" }]);
  });

  it("changes a recorded status in place, never twice", () => {
    const out = setFollowUp([a, b], "v1", 1, "improved", "交換済み");
    expect(out).toEqual([{ visit_id: "v1", finding_no: 1, status: "improved", note: "交換済み" }, b]);
    expect(out.filter((f) => f.visit_id === "v1" && f.finding_no === 1)).toHaveLength(1);
  });

  it("forgets a finding set back to not checked", () => {
    expect(setFollowUp([a, b], "v1", 1, null, "")).toEqual([b]);
  });

  it("finds what is recorded by visit and number", () => {
    expect(followUpOf([a, b], "v1", 2)).toBe(b);
    expect(followUpOf([a, b], "v2", 2)).toBeUndefined();
    expect(findingKey("v1", 2)).not.toBe(findingKey("v1", 1));
  });
});

describe("good practices, one per line", () => {
  it("round-trips what is typed, empty lines included while typing", () => {
    const typed = "朝礼で体調確認\n\n容器に蓋";
    expect(goodPracticesText(linesOf(typed))).toBe(typed);
    expect(linesOf("a\r\nb")).toEqual(["a", "b"]);
  });
});
