import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_event: string, handler: (ev: { payload: unknown }) => void) => {
    handlers.push(handler);
    return () => {
      unlistened += 1;
    };
  }),
}));

const handlers: ((ev: { payload: unknown }) => void)[] = [];
let unlistened = 0;

import { percent, stepText, withProgress } from "./progress";

describe("the bar", () => {
  it("is a whole per cent, never over 100, and 0 with no measure", () => {
    expect(percent({ label: "x", done: 1, total: 3, cancellable: true })).toBe(33);
    expect(percent({ label: "x", done: 5, total: 3, cancellable: true })).toBe(100);
    expect(percent({ label: "x", done: 0, total: 0, cancellable: true })).toBe(0);
  });
  it("says what it is doing and how far", () => {
    expect(stepText({ label: "記録を読み込んでいます", done: 1234, total: 5000, cancellable: true })).toBe("記録を読み込んでいます　1,234 / 5,000（24%）");
    expect(stepText({ label: "バックアップを確かめています", done: 0, total: 0, cancellable: true })).toBe("バックアップを確かめています");
  });
});

describe("withProgress", () => {
  it("passes only its operation's steps, and clears the bar at the end even on an error", async () => {
    const seen: unknown[] = [];
    await expect(
      withProgress("backup", (s) => seen.push(s), async () => {
        const h = handlers[handlers.length - 1];
        h({ payload: { operation: "backup", step: { label: "複写", done: 1, total: 2, cancellable: true } } });
        h({ payload: { operation: "ledger_export", step: { label: "他", done: 1, total: 2, cancellable: true } } });
        throw new Error("中止しました");
      }),
    ).rejects.toThrow("中止しました");
    expect(seen).toEqual([{ label: "複写", done: 1, total: 2, cancellable: true }, null]);
    expect(unlistened).toBe(1);
  });
});
