import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, type SaveState } from "./autosave";

describe("Autosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(fail = false) {
    const saved: string[] = [];
    const states: SaveState["kind"][] = [];
    const save = vi.fn(async (v: string) => {
      if (fail) throw { message: "ディスクがいっぱいです" };
      saved.push(v);
    });
    const a = new Autosaver<string>(save, (s) => states.push(s.kind), 1000, () => Date.now());
    return { a, saved, states, save };
  }

  it("saves at most once a second, and only the latest text", async () => {
    const { a, saved } = setup();
    for (const t of ["a", "ab", "abc"]) a.change(t);
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual(["abc"]);
    a.change("abcd");
    a.change("abcde");
    await vi.advanceTimersByTimeAsync(500);
    expect(saved).toEqual(["abc"]);
    await vi.advanceTimersByTimeAsync(600);
    expect(saved).toEqual(["abc", "abcde"]);
    expect(a.dirty).toBe(false);
  });

  it("flush saves at once what is pending", async () => {
    const { a, saved } = setup();
    a.change("x");
    await vi.advanceTimersByTimeAsync(0);
    a.change("xy");
    expect(a.dirty).toBe(true);
    await a.flush();
    expect(saved).toEqual(["x", "xy"]);
    await a.flush();
    expect(saved).toEqual(["x", "xy"]);
  });

  it("a failed save keeps the text and reports the error", async () => {
    const { a, states } = setup(true);
    a.change("x");
    await vi.advanceTimersByTimeAsync(0);
    expect(states[states.length - 1]).toBe("error");
    expect(a.dirty).toBe(true);
  });

  it("flush rejects while the text is not saved, so callers do not act on stale content", async () => {
    const { a } = setup(true);
    a.change("x");
    await expect(a.flush()).rejects.toEqual({ message: "ディスクがいっぱいです" });
    expect(a.dirty).toBe(true);
  });
});
