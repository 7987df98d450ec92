import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RecordKind } from "../bindings/RecordKind";
import type { Violation } from "../bindings/Violation";

const commands = vi.hoisted(() => ({
  list_staff: vi.fn(),
  get_record: vi.fn(),
  blank_record: vi.fn(),
  check_record: vi.fn(),
  record_warnings: vi.fn(),
  create_record: vi.fn(),
  save_draft: vi.fn(),
  discard_draft: vi.fn(),
}));
vi.mock("./api", async (importOriginal) => ({ ...(await importOriginal<typeof import("./api")>()), commands }));

import { DraftEditor, discardLabel, type DraftEditorOptions } from "./draftEditor.svelte";
import { lastOpen, rememberOpen } from "./drafts";
import { flushBeforeLock } from "./idle";
import { deferred } from "../test/deferred";

// The editor listens on the window and remembers the open draft in localStorage: bare stand-ins.
const g = globalThis as unknown as { window?: EventTarget; localStorage?: Storage };

const violation = (message: string): Violation => ({ field: "content", message }) as Violation;

/** A stored draft of this kind, only the fields these tests read: a fresh copy each time, as from the back end. */
function stored(kind: RecordKind, data: Record<string, unknown>, status: "draft" | "final" = "draft") {
  return { summary: { status, version: status === "final" ? 1 : 0 }, current: null, draft: { kind, data }, versions: [], facts: null };
}

function editor<K extends RecordKind>(kind: K, id: string | null, more: Partial<DraftEditorOptions<K>> = {}) {
  const calls = { created: [] as string[], closed: 0, finalised: [] as string[] };
  const e = new DraftEditor<K>({
    kind,
    id,
    onCreated: (v) => calls.created.push(v),
    onClose: () => calls.closed++,
    onFinalised: (v) => calls.finalised.push(v),
    ...more,
  });
  return { e, calls };
}

describe("DraftEditor", () => {
  beforeEach(() => {
    g.window = new EventTarget();
    const items = new Map<string, string>();
    g.localStorage = {
      getItem: (k: string) => items.get(k) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
      removeItem: (k: string) => void items.delete(k),
    } as Storage;
    for (const f of Object.values(commands)) f.mockReset();
    commands.list_staff.mockResolvedValue([]);
    commands.check_record.mockResolvedValue([]);
    commands.record_warnings.mockResolvedValue([]);
    commands.save_draft.mockResolvedValue(null);
    commands.discard_draft.mockResolvedValue(null);
  });
  afterEach(() => {
    delete g.window;
    delete g.localStorage;
  });

  describe("checking", () => {
    it("does not show a slow answer to an older check that arrives after the answer to the latest one", async () => {
      commands.get_record.mockImplementation(async () => stored("consultation", { content: "" }));
      const first = deferred<Violation[]>();
      const second = deferred<Violation[]>();
      commands.check_record.mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
      const { e } = editor("consultation", "rec-1");
      await e.load(); // the first check: slow
      e.data!.content = "減塩について説明した";
      e.changed(); // the second check: fast
      expect(commands.check_record).toHaveBeenCalledTimes(2);
      second.resolve([]);
      await vi.waitFor(() => expect(e.violations).toEqual([]));
      first.resolve([violation("相談・指導内容を入力してください。")]);
      await first.promise;
      await new Promise((r) => setTimeout(r, 0));
      expect(e.violations).toEqual([]);
      await e.flush();
      e.dispose();
    });

    it("shows the answer to the latest check, and orders the warnings the same way", async () => {
      commands.get_record.mockImplementation(async () => stored("interview", { kind: "long_hours" }));
      const staleWarnings = deferred<Violation[]>();
      commands.check_record.mockResolvedValueOnce([violation("古い")]).mockResolvedValueOnce([violation("新しい")]);
      commands.record_warnings.mockReturnValueOnce(staleWarnings.promise).mockResolvedValueOnce([violation("新しい注意")]);
      const { e } = editor("interview", "rec-2", { warnings: true });
      await e.load();
      e.data!.kind = "high_stress";
      e.changed();
      await vi.waitFor(() => expect(e.violations.map((v) => v.message)).toEqual(["新しい"]));
      await vi.waitFor(() => expect(e.warnings.map((v) => v.message)).toEqual(["新しい注意"]));
      staleWarnings.resolve([violation("古い注意")]);
      await new Promise((r) => setTimeout(r, 0));
      expect(e.warnings.map((v) => v.message)).toEqual(["新しい注意"]);
      await e.flush();
      e.dispose();
    });

    it("after a 措置期間 amount without its unit failed to save, choosing the unit shows no violation and no save error", async () => {
      // interview_flow, step 5: the amount is typed (the draft is refused: no unit yet), then the unit is chosen.
      const incomplete = (o: { period_amount: number | null; period_unit: string | null }) => (o.period_amount === null) !== (o.period_unit === null);
      const refusal = violation("措置期間は数と単位（日・週・月）を両方入力してください。");
      type Body = { data: { opinion: { period_amount: number | null; period_unit: string | null } } };
      commands.get_record.mockImplementation(async () => stored("interview", { kind: "long_hours", opinion: { period_amount: null, period_unit: null, remarks: "1か月後に再面接を行う" } }));
      commands.check_record.mockImplementation(async (b: Body) => (incomplete(b.data.opinion) ? [refusal] : []));
      commands.save_draft.mockImplementation(async ({ body }: { body: Body }) => {
        if (incomplete(body.data.opinion)) throw { code: "invalid", message: refusal.message, violations: [refusal] };
        return null;
      });
      const { e } = editor("interview", "rec-iv", { warnings: true });
      await e.load();
      const opinion = (e.data as unknown as Body["data"]).opinion;

      opinion.period_amount = 1;
      e.changed();
      await vi.waitFor(() => expect(e.violations).toEqual([refusal]));
      await expect(e.flush()).rejects.toMatchObject({ code: "invalid" });
      expect(e.saveState).toMatchObject({ kind: "error" });

      opinion.period_unit = "month";
      e.changed();
      await e.flush();
      await vi.waitFor(() => expect(e.violations).toEqual([]));
      expect(e.saveState.kind).toBe("saved");
      expect(commands.save_draft).toHaveBeenLastCalledWith({ id: "rec-iv", body: expect.objectContaining({ data: expect.objectContaining({ opinion: expect.objectContaining({ period_amount: 1, period_unit: "month" }) }) }) });
      e.dispose();
    });

    it("shows the unit's answers when the amount's check and failed save come back after the unit was chosen", async () => {
      const refusal = violation("措置期間は数と単位（日・週・月）を両方入力してください。");
      type Body = { data: { opinion: { period_amount: number | null; period_unit: string | null } } };
      commands.get_record.mockImplementation(async () => stored("interview", { kind: "long_hours", opinion: { period_amount: null, period_unit: null } }));
      const checkA = deferred<Violation[]>();
      const saveA = deferred<null>();
      const { e } = editor("interview", "rec-iv2", { warnings: true });
      await e.load();
      const opinion = (e.data as unknown as Body["data"]).opinion;
      commands.check_record.mockReset().mockReturnValueOnce(checkA.promise).mockResolvedValueOnce([]);
      commands.save_draft.mockReset().mockReturnValueOnce(saveA.promise.then(() => Promise.reject({ code: "invalid", message: refusal.message, violations: [refusal] }))).mockResolvedValue(null);

      opinion.period_amount = 1;
      e.changed();
      const savingA = e.flush().catch(() => {}); // the amount alone goes to the store, slowly
      opinion.period_unit = "month";
      e.changed();
      await vi.waitFor(() => expect(commands.check_record).toHaveBeenCalledTimes(2));
      checkA.resolve([refusal]);
      saveA.resolve(null);
      await savingA;
      await e.flush();
      await new Promise((r) => setTimeout(r, 0));
      expect(e.violations).toEqual([]);
      expect(e.saveState.kind).toBe("saved");
      e.dispose();
    });

    it("drops the checks still to come when the editor goes", async () => {
      commands.get_record.mockImplementation(async () => stored("consultation", { content: "" }));
      const late = deferred<Violation[]>();
      commands.check_record.mockReturnValueOnce(late.promise);
      const { e } = editor("consultation", "rec-3");
      await e.load();
      e.dispose();
      late.resolve([violation("遅い")]);
      await new Promise((r) => setTimeout(r, 0));
      expect(e.violations).toEqual([]);
    });
  });

  describe("loading and saving", () => {
    it("creates a new record at the first save and takes its id", async () => {
      commands.blank_record.mockResolvedValue({ kind: "consultation", data: { content: "", doctor_id: null } });
      commands.create_record.mockResolvedValue("rec-new");
      const { e, calls } = editor("consultation", null, { fillNew: (c) => void (c.doctor_id = "doc-1") });
      await e.load();
      expect(e.data).toMatchObject({ doctor_id: "doc-1" });
      e.data!.content = "初回";
      e.changed();
      await e.flush();
      expect(commands.create_record).toHaveBeenCalledWith({ kind: "consultation", data: { content: "初回", doctor_id: "doc-1" } });
      expect(e.id).toBe("rec-new");
      expect(calls.created).toEqual(["rec-new"]);
      expect(lastOpen()).toEqual({ kind: "consultation", id: "rec-new" });
      e.dispose();
    });

    it("refuses a record of another kind", async () => {
      commands.get_record.mockImplementation(async () => stored("interview", {}));
      const { e } = editor("consultation", "rec-4");
      await e.load();
      expect(e.data).toBeNull();
      expect(e.error).toBe("特定健康相談の記録ではありません。");
    });

    it("shows the application's empty preferred dates to fill in, and neither saves nor checks them", async () => {
      commands.get_record.mockImplementation(async () => stored("application", { preferred: [], notes: "" }));
      const { e } = editor("application", "rec-5", {
        prepare: (a) => {
          while (a.preferred.length < 2) a.preferred.push({ date: null, from: null, to: null });
        },
        toBody: (a) => ({ ...a, preferred: a.preferred.filter((p) => p.date || p.from || p.to) }),
      });
      await e.load();
      expect(e.data!.preferred).toHaveLength(2);
      e.data!.notes = "午後希望";
      e.changed();
      await e.flush();
      expect(commands.save_draft).toHaveBeenLastCalledWith({ id: "rec-5", body: { kind: "application", data: { preferred: [], notes: "午後希望" } } });
      expect(commands.check_record).toHaveBeenLastCalledWith({ kind: "application", data: { preferred: [], notes: "午後希望" } });
      e.dispose();
    });

    it("closes only once everything is saved", async () => {
      commands.get_record.mockImplementation(async () => stored("consultation", { content: "" }));
      commands.save_draft.mockRejectedValueOnce({ code: "disk_full", message: "ディスクの空き容量が足りません。", violations: [] });
      const { e, calls } = editor("consultation", "rec-6");
      await e.load();
      rememberOpen({ kind: "consultation", id: "rec-6" });
      e.data!.content = "閉じる前";
      e.changed();
      await e.close();
      expect(calls.closed).toBe(0);
      expect(e.error).toBe("ディスクの空き容量が足りません。（保存できるまで画面を閉じません）");
      await e.close();
      expect(calls.closed).toBe(1);
      expect(lastOpen()).toBeNull();
      e.dispose();
    });
  });

  describe("discarding", () => {
    it("uses the same wording on every entry screen", () => {
      expect(discardLabel(false, false)).toBe("下書きを破棄");
      expect(discardLabel(false, true)).toBe("本当に破棄する");
      expect(discardLabel(true, false)).toBe("訂正をやめる");
      expect(discardLabel(true, true)).toBe("訂正の下書きを破棄する（確定済みの版は残ります）");
    });

    for (const kind of ["consultation", "interview", "application"] as const) {
      it(`asks first, then discards the ${kind} draft, forgets it and closes`, async () => {
        commands.get_record.mockImplementation(async () => stored(kind, { preferred: [] }));
        const { e, calls } = editor(kind, "rec-7");
        await e.load();
        rememberOpen({ kind, id: "rec-7" });
        await e.discard();
        expect(e.confirmingDiscard).toBe(true);
        expect(commands.discard_draft).not.toHaveBeenCalled();
        expect(calls.closed).toBe(0);
        await e.discard();
        expect(commands.discard_draft).toHaveBeenCalledWith({ id: "rec-7" });
        expect(calls.closed).toBe(1);
        expect(lastOpen()).toBeNull();
        e.dispose();
      });
    }

    it("goes back to asking when the discard is cancelled", async () => {
      commands.get_record.mockImplementation(async () => stored("application", { preferred: [] }, "final"));
      const { e, calls } = editor("application", "rec-8");
      await e.load();
      await e.discard();
      e.cancelDiscard();
      expect(e.confirmingDiscard).toBe(false);
      await e.discard();
      expect(commands.discard_draft).not.toHaveBeenCalled();
      expect(calls.closed).toBe(0);
      e.dispose();
    });

    it("only closes a record never saved", async () => {
      commands.blank_record.mockResolvedValue({ kind: "application", data: { preferred: [] } });
      const { e, calls } = editor("application", null);
      await e.load();
      await e.discard();
      expect(calls.closed).toBe(1);
      expect(commands.discard_draft).not.toHaveBeenCalled();
      e.dispose();
    });

    it("stays open and shows why when the draft cannot be discarded", async () => {
      commands.get_record.mockImplementation(async () => stored("consultation", { content: "" }));
      commands.discard_draft.mockRejectedValueOnce({ code: "locked", message: "ロックされています。", violations: [] });
      const { e, calls } = editor("consultation", "rec-9");
      await e.load();
      await e.discard();
      await e.discard();
      expect(calls.closed).toBe(0);
      expect(e.error).toBe("ロックされています。");
      e.dispose();
    });
  });

  describe("a lock", () => {
    it("keeps what could not be saved before it, and the next editor of the record shows it and saves it again", async () => {
      commands.get_record.mockImplementation(async () => stored("consultation", { content: "保存済み" }));
      commands.save_draft.mockRejectedValue({ code: "disk_full", message: "ディスクの空き容量が足りません。", violations: [] });
      const before = editor("consultation", "rec-10").e;
      before.listen();
      await before.load();
      before.data!.content = "保存できなかった入力";
      before.changed();
      await flushBeforeLock(g.window!, 0, 100);
      expect(before.saveState.kind).toBe("error");
      before.dispose();

      commands.save_draft.mockReset().mockResolvedValue(null);
      const after = editor("consultation", "rec-10").e;
      await after.load();
      expect(after.restored).toBe(true);
      expect(after.data).toEqual({ content: "保存できなかった入力" });
      after.changed();
      await after.flush();
      expect(commands.save_draft).toHaveBeenCalledWith({ id: "rec-10", body: { kind: "consultation", data: { content: "保存できなかった入力" } } });

      // Given back once only.
      const again = editor("consultation", "rec-10").e;
      await again.load();
      expect(again.restored).toBe(false);
      after.dispose();
      again.dispose();
    });

    it("saves what is pending before it, and keeps nothing when that save succeeds", async () => {
      commands.get_record.mockImplementation(async () => stored("interview", { kind: "long_hours" }));
      const { e } = editor("interview", "rec-11");
      e.listen();
      await e.load();
      e.data!.kind = "high_stress";
      e.changed();
      await flushBeforeLock(g.window!, 0, 100);
      expect(commands.save_draft).toHaveBeenCalledWith({ id: "rec-11", body: { kind: "interview", data: { kind: "high_stress" } } });
      e.dispose();
      const next = editor("interview", "rec-11").e;
      await next.load();
      expect(next.restored).toBe(false);
    });
  });
});
