import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { draftKey, saveBeforeLock, takeUnsaved } from "./drafts";
import { flushBeforeLock } from "./idle";
import type { RecordBody } from "../bindings/RecordBody";

// saveBeforeLock listens on the window; in these tests the window is a bare EventTarget.
const g = globalThis as unknown as { window?: EventTarget };

describe("a draft that cannot be saved before a lock", () => {
  beforeEach(() => {
    g.window = new EventTarget();
  });
  afterEach(() => {
    delete g.window;
  });

  const body = { kind: "consultation", data: { content: "保存できなかった入力" } } as unknown as RecordBody;

  it("is kept in memory for the editor that opens the record again, once", async () => {
    const saver = { flush: vi.fn(async () => Promise.reject({ code: "disk_full", message: "ディスクの空き容量が足りません。" })), unsaved: body, key: () => draftKey("consultation", "rec-1") };
    const stop = saveBeforeLock(saver);
    await flushBeforeLock(g.window!, 0, 100);
    stop();
    expect(saver.flush).toHaveBeenCalledTimes(1);
    expect(takeUnsaved(draftKey("consultation", "rec-1"))).toEqual(body);
    expect(takeUnsaved(draftKey("consultation", "rec-1"))).toBeNull();
  });

  it("is not kept when the save succeeds, and a new record is kept under its kind", async () => {
    const ok = { flush: vi.fn(async () => {}), unsaved: null, key: () => draftKey("interview", "rec-2") };
    const stopOk = saveBeforeLock(ok);
    const failing = { flush: vi.fn(async () => Promise.reject(new Error("locked"))), unsaved: body, key: () => draftKey("consultation", null) };
    const stopFailing = saveBeforeLock(failing);
    await flushBeforeLock(g.window!, 0, 100);
    stopOk();
    stopFailing();
    expect(takeUnsaved(draftKey("interview", "rec-2"))).toBeNull();
    expect(takeUnsaved("consultation:new")).toEqual(body);
  });
});
