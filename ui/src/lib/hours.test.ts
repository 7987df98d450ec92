import { describe, expect, it } from "vitest";
import { formatHours, parseHours } from "./hours";

describe("parseHours", () => {
  it.each([
    ["80", 80],
    ["80.5", 80.5],
    ["８０", 80],
    ["80時間", 80],
    ["80h", 80],
    [" 100 ", 100],
    ["80:30", 80.5],
    ["0", 0],
    ["257.14", 257.14],
    // A minute over the line is over it: the core decides and prints 80.1.
    ["80:01", 80.0167],
  ])("%j → %d", (input, want) => {
    expect(parseHours(input)).toEqual({ hours: want });
  });

  it.each(["-5", "八十", "80:75", "1,000", "abc", "800"])("%j is refused with how to fix it", (input) => {
    const got = parseHours(input, "総労働時間");
    expect(got).toHaveProperty("error");
    expect((got as { error: string }).error).toContain("総労働時間");
  });

  it("empty is no value, not an error", () => {
    expect(parseHours("  ")).toEqual({ empty: true });
  });

  it("formats as the forms print", () => {
    expect(formatHours(80)).toBe("80");
    expect(formatHours(80.5)).toBe("80.5");
    expect(formatHours(257.14)).toBe("257.14");
    expect(formatHours(null)).toBe("");
  });
});
