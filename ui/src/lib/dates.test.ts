import { describe, expect, it } from "vitest";
import { bothReadings, parseDate } from "./dates";
import table from "../../../src-tauri/core/tests/data/date_inputs.json";

describe("parseDate", () => {
  // The same table the core's parser is tested with (src-tauri/core/tests/date_inputs.rs).
  it.each(table.cases as [string, string | null][])("%j → %j", (input, want) => {
    const got = parseDate(input);
    if (want === null) {
      expect(got).toHaveProperty("error");
      expect((got as { error: string }).error).toMatch(/入力してください|確かめてください/);
    } else {
      expect(got).toEqual({ iso: want });
    }
  });

  it("says which era a date falls outside", () => {
    expect(parseDate("H31.5.1")).toEqual({ error: expect.stringContaining("平成の期間外") });
  });

  it("shows both readings", () => {
    expect(bothReadings("2025-04-01")).toBe("令和7年4月1日（2025/4/1）");
    expect(bothReadings(null)).toBe("");
  });
});
