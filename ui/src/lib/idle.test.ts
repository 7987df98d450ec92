import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BEFORE_LOCK_EVENT, flushBeforeLock, startHeartbeat, startIdleTimer, type BeforeLockDetail } from "./idle";

describe("startIdleTimer", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("fires once after the time with no activity", () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    startIdleTimer({ timeoutMs: 3000, onIdle, target });
    vi.advanceTimersByTime(2999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("waits again from the last key, mouse or wheel event", () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    startIdleTimer({ timeoutMs: 3000, onIdle, target });
    for (const e of ["keydown", "mousemove", "wheel", "pointerdown"]) {
      vi.advanceTimersByTime(2000);
      target.dispatchEvent(new Event(e));
    }
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("other events do not count as activity", () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    startIdleTimer({ timeoutMs: 1000, onIdle, target });
    vi.advanceTimersByTime(900);
    target.dispatchEvent(new Event("focus"));
    vi.advanceTimersByTime(100);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("does nothing once stopped, and stops listening", () => {
    const target = new EventTarget();
    const remove = vi.spyOn(target, "removeEventListener");
    const onIdle = vi.fn();
    const t = startIdleTimer({ timeoutMs: 1000, onIdle, target });
    t.stop();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).not.toHaveBeenCalled();
    expect(remove).toHaveBeenCalled();
  });

  it("touch() counts as activity", () => {
    const onIdle = vi.fn();
    const t = startIdleTimer({ timeoutMs: 1000, onIdle, target: new EventTarget() });
    vi.advanceTimersByTime(800);
    t.touch();
    vi.advanceTimersByTime(800);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});

describe("flushBeforeLock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("tells the screens and waits for their saves", async () => {
    const target = new EventTarget();
    let saved = false;
    target.addEventListener(BEFORE_LOCK_EVENT, (e) => {
      const save = new Promise<void>((r) => setTimeout(() => ((saved = true), r()), 500));
      (e as CustomEvent<BeforeLockDetail>).detail.waitUntil(save);
    });
    let done = false;
    const p = flushBeforeLock(target, 100, 3000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(200);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    await p;
    expect(saved).toBe(true);
  });

  it("waits a short moment even with no listener, and never forever", async () => {
    const target = new EventTarget();
    let done = false;
    const p = flushBeforeLock(target, 100, 1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    await p;
    expect(done).toBe(true);

    target.addEventListener(BEFORE_LOCK_EVENT, (e) => (e as CustomEvent<BeforeLockDetail>).detail.waitUntil(new Promise(() => {})));
    let stuck = false;
    const q = flushBeforeLock(target, 100, 1000).then(() => (stuck = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(stuck).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await q;
    expect(stuck).toBe(true);
  });
});

describe("the heartbeat to the back end", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("reports whether there was activity, and follows a lock the back end made", async () => {
    let last = 0;
    const sent: boolean[] = [];
    let unlocked = true;
    const onLocked = vi.fn();
    const stop = startHeartbeat({
      timer: { lastActivity: () => last },
      send: async (active) => {
        sent.push(active);
        return { unlocked };
      },
      onLockedByBackEnd: onLocked,
      everyMs: 1000,
    });
    await vi.advanceTimersByTimeAsync(1000);
    last = 500;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([false, true, false]);
    expect(onLocked).not.toHaveBeenCalled();
    unlocked = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(onLocked).toHaveBeenCalledTimes(1);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.length).toBe(4);
  });
});
