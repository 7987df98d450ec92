import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PREVIEW_FORMS, PreviewScheduler, type PreviewTiming } from "./preview";
import { deferred } from "../test/deferred";

describe("PreviewScheduler", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(render: (input: string) => Promise<string>) {
    const painted: string[] = [];
    const timings: PreviewTiming[] = [];
    const errors: unknown[] = [];
    const s = new PreviewScheduler<string, string>({
      render,
      paint: async (r, current) => {
        if (!current()) return false;
        painted.push(r);
        return true;
      },
      painted: (t) => timings.push(t),
      failed: (e) => errors.push(e),
      now: () => Date.now(),
      idle: 250,
    });
    return { s, painted, timings, errors };
  }

  it("draws once the typing has stopped for the idle time, the last content only", async () => {
    const render = vi.fn(async (t: string) => `pdf:${t}`);
    const { s, painted } = setup(render);
    for (const t of ["a", "ab", "abc"]) {
      s.change(t);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(render).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(150);
    expect(render).toHaveBeenCalledTimes(1);
    expect(painted).toEqual(["pdf:abc"]);
  });

  it("drops an older draw whose answer comes after a newer one began", async () => {
    const answers = new Map<string, ReturnType<typeof deferred<string>>>();
    const { s, painted, timings } = setup((t) => {
      const d = deferred<string>();
      answers.set(t, d);
      return d.promise;
    });
    s.change("old");
    await vi.advanceTimersByTimeAsync(250);
    s.change("new");
    await vi.advanceTimersByTimeAsync(250);
    answers.get("new")!.resolve("pdf:new");
    await vi.advanceTimersByTimeAsync(0);
    answers.get("old")!.resolve("pdf:old");
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toEqual(["pdf:new"]);
    expect(timings).toHaveLength(1);
  });

  it("drops a draw still waiting when the content changes again, even before the idle time", async () => {
    const d = deferred<string>();
    const { s, painted } = setup(() => d.promise);
    s.change("a");
    await vi.advanceTimersByTimeAsync(250);
    s.change("ab"); // typing again: the running draw is stale at once
    d.resolve("pdf:a");
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toEqual([]);
  });

  it("measures from the last change to the paint, and splits render and paint", async () => {
    const { s, timings } = setup(async (t) => {
      await new Promise((r) => setTimeout(r, 40));
      return t;
    });
    s.change("x");
    await vi.advanceTimersByTimeAsync(1000);
    expect(timings).toHaveLength(1);
    expect(timings[0].sinceChange).toBe(290);
    expect(timings[0].render).toBe(40);
  });

  it("shows why the newest draw failed, and never an older failure", async () => {
    const first = deferred<string>();
    let calls = 0;
    const { s, errors, painted } = setup(() => (++calls === 1 ? first.promise : Promise.reject({ message: "𠮷" })));
    s.change("a");
    await vi.advanceTimersByTimeAsync(250);
    s.change("b");
    await vi.advanceTimersByTimeAsync(250);
    first.reject({ message: "old" });
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([{ message: "𠮷" }]);
    expect(painted).toEqual([]);
  });

  it("redraws at once for a new form or zoom, and draws nothing after dispose", async () => {
    const render = vi.fn(async (t: string) => t);
    const { s, painted } = setup(render);
    s.redraw("zoom");
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toEqual(["zoom"]);
    s.change("typed");
    s.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(painted).toEqual(["zoom"]);
  });

  it("offers every form a kind prints", () => {
    expect(PREVIEW_FORMS.interview?.[0]).toBe("opinion");
    expect(Object.values(PREVIEW_FORMS).flat().sort()).toEqual(["application", "consultation-record", "opinion", "request", "visit-report", "work-status"]);
  });
});

describe("showsValue", () => {
  it("marks the lines of the paper that show the field being edited", async () => {
    const { showsValue } = await import("./pdfView");
    expect(showsValue("連絡事項等 プレビュー確認", "プレビュー確認")).toBe(true);
    expect(showsValue("長い文の一行目", "長い文の一行目から二行目へ")).toBe(true);
    expect(showsValue("意見書", "")).toBe(false);
    expect(showsValue("意見書", "意")).toBe(false);
    expect(showsValue("事業場", "プレビュー")).toBe(false);
  });
});
