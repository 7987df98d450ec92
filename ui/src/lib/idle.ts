// The idle lock: the app locks itself after a time with no key, mouse, pointer or wheel activity,
// and, before any lock, gives the screens a moment to save what they hold.

/** The events that count as activity. */
export const ACTIVITY_EVENTS = ["keydown", "mousedown", "mousemove", "pointerdown", "pointermove", "wheel", "touchstart"] as const;

/**
 * Dispatched on `window` just before the app locks (idle or the ロック button), as a
 * `CustomEvent<BeforeLockDetail>`. A screen holding unsaved work saves it, and passes the promise
 * of that save to `detail.waitUntil` so the lock waits for it (at most `FLUSH_MAX_MS`).
 * Listening to it as a plain `Event` and saving at once works too: the lock always waits
 * `FLUSH_SETTLE_MS`.
 */
export const BEFORE_LOCK_EVENT = "chisanpo:before-lock";
export const FLUSH_SETTLE_MS = 150;
export const FLUSH_MAX_MS = 3000;

export type BeforeLockDetail = { waitUntil: (p: Promise<unknown>) => void };

type Target = Pick<EventTarget, "addEventListener" | "removeEventListener">;

export type IdleTimer = {
  /** Count as activity now. */
  touch(): void;
  /** When the last activity was (the clock of `now`). */
  lastActivity(): number;
  /** Stop watching; `onIdle` is not called any more. */
  stop(): void;
};

/**
 * Call `onIdle` once, after `timeoutMs` with no activity on `target`. Activity only records the
 * time (no timer is re-armed on every mouse move); the timer re-arms itself for what is left.
 */
export function startIdleTimer(opts: { timeoutMs: number; onIdle: () => void; target: Target; now?: () => number }): IdleTimer {
  const now = opts.now ?? (() => Date.now());
  const timeoutMs = Math.max(1, opts.timeoutMs);
  let last = now();
  let handle: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const touch = () => {
    last = now();
  };
  const unlisten = () => {
    for (const e of ACTIVITY_EVENTS) opts.target.removeEventListener(e, touch, true);
  };
  const stop = () => {
    stopped = true;
    if (handle !== null) clearTimeout(handle);
    handle = null;
    unlisten();
  };
  const check = () => {
    handle = null;
    if (stopped) return;
    const left = last + timeoutMs - now();
    if (left > 0) {
      handle = setTimeout(check, left);
      return;
    }
    stop();
    opts.onIdle();
  };
  for (const e of ACTIVITY_EVENTS) opts.target.addEventListener(e, touch, true);
  handle = setTimeout(check, timeoutMs);
  return { touch, stop, lastActivity: () => last };
}

/** How often the screen tells the back end whether there was activity (`heartbeat`). */
export const HEARTBEAT_MS = 10_000;

/**
 * Report activity to the back end every `everyMs` while unlocked, and call `onLockedByBackEnd`
 * when the back end answers that it locked the store by itself (its own idle lock, for a page
 * whose timer did not run). Returns the function that stops reporting.
 */
export function startHeartbeat(opts: {
  timer: Pick<IdleTimer, "lastActivity">;
  send: (active: boolean) => Promise<{ unlocked: boolean }>;
  onLockedByBackEnd: () => void;
  everyMs?: number;
}): () => void {
  let reported = opts.timer.lastActivity();
  let stopped = false;
  const tick = async () => {
    const last = opts.timer.lastActivity();
    const active = last > reported;
    reported = last;
    try {
      const r = await opts.send(active);
      if (!stopped && !r.unlocked) opts.onLockedByBackEnd();
    } catch {
      // The next tick tries again.
    }
  };
  const handle = setInterval(() => void tick(), opts.everyMs ?? HEARTBEAT_MS);
  return () => {
    stopped = true;
    clearInterval(handle);
  };
}

/**
 * Tell the screens the app is about to lock (`BEFORE_LOCK_EVENT`) and wait for their saves: at
 * least `settleMs`, at most `maxMs`.
 */
export async function flushBeforeLock(target: Pick<EventTarget, "dispatchEvent">, settleMs = FLUSH_SETTLE_MS, maxMs = FLUSH_MAX_MS): Promise<void> {
  const pending: Promise<unknown>[] = [];
  const detail: BeforeLockDetail = { waitUntil: (p) => void pending.push(p) };
  target.dispatchEvent(new CustomEvent(BEFORE_LOCK_EVENT, { detail }));
  const settled = Promise.allSettled([new Promise((r) => setTimeout(r, settleMs)), ...pending]);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const limit = new Promise((r) => (timer = setTimeout(r, maxMs)));
  await Promise.race([settled, limit]);
  if (timer !== null) clearTimeout(timer);
}
