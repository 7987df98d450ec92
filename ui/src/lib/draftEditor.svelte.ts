// The draft lifecycle the three entry screens (面接指導, 特定健康相談, 利用申込) share: loading the
// record (or a new one), saving it as the user types, checking what 確定 would refuse (only the
// answer to the latest check is shown), saving before a lock (what a failed save leaves is kept
// in memory and given back after the unlock), closing, and discarding in two steps. The screens
// keep only their own form.

import { onDestroy } from "svelte";
import { commands, errorOf } from "./api";
import type { SaveState } from "./autosave";
import { draftKey, draftSaver, rememberOpen, saveBeforeLock, takeUnsaved, type DraftSaver } from "./drafts";
import { Latest } from "./latest";
import { RECORD_KIND_LABELS } from "../bindings/labels";
import type { EntityRow } from "../bindings/EntityRow";
import type { RecordBody } from "../bindings/RecordBody";
import type { RecordKind } from "../bindings/RecordKind";
import type { Staff } from "../bindings/Staff";
import type { Violation } from "../bindings/Violation";

type DataByKind = { [B in RecordBody as B["kind"]]: B["data"] };
/** The content of a record of kind `K`: `Consultation` for "consultation", and so on. */
export type DataOf<K extends RecordKind> = DataByKind[K];

export type DraftEditorOptions<K extends RecordKind> = {
  kind: K;
  /** The record to edit; null for a new one. */
  id: string | null;
  /** A new record: fill in what the screen knows already (the signed-in doctor, say). */
  fillNew?: (data: DataOf<K>) => void | Promise<void>;
  /** Shape what is shown, once loaded or given back after a lock (empty rows to fill in, say). */
  prepare?: (data: DataOf<K>) => void;
  /** What is saved and checked, from what is shown (all of it unless given). */
  toBody?: (data: DataOf<K>) => DataOf<K>;
  /** Also ask for the warnings: combinations worth a second look, which never stop 確定. */
  warnings?: boolean;
  /** The first save gave a new record its id. */
  onCreated: (id: string) => void;
  onClose: () => void;
  onFinalised: (id: string) => void;
};

/** The label of the discard button: the same on every entry screen. */
export function discardLabel(final: boolean, confirming: boolean): string {
  if (confirming) return final ? "訂正の下書きを破棄する（確定済みの版は残ります）" : "本当に破棄する";
  return final ? "訂正をやめる" : "下書きを破棄";
}

export class DraftEditor<K extends RecordKind> {
  readonly kind: K;
  /** The record's id; null until the first save creates a new record. */
  id: string | null = $state(null);
  /** What the form shows and edits; null until loaded. */
  data: DataOf<K> | null = $state(null);
  /** True when correcting a finalised record. */
  final = $state(false);
  version = $state(0);
  staff: EntityRow<Staff>[] = $state([]);
  /** What 確定 would refuse, for the latest content checked. */
  violations: Violation[] = $state([]);
  warnings: Violation[] = $state([]);
  saveState: SaveState = $state({ kind: "idle" });
  /** How many saves succeeded: the fee may change with each. */
  saves = $state(0);
  error = $state("");
  /** True when the content was given back after a lock it could not be saved before. */
  restored = $state(false);
  /** The first press of the discard button asks; the second discards. */
  confirmingDiscard = $state(false);

  private readonly saver: DraftSaver;
  private readonly checks = new Latest<Violation[]>((v) => (this.violations = v));
  private readonly warningChecks = new Latest<Violation[]>((w) => (this.warnings = w));
  private lastJson = "";
  private stopListening: (() => void) | null = null;

  constructor(private readonly opts: DraftEditorOptions<K>) {
    this.kind = opts.kind;
    this.id = opts.id;
    this.saver = draftSaver(
      opts.kind,
      opts.id,
      (id) => {
        this.id = id;
        opts.onCreated(id);
      },
      (s) => {
        this.saveState = s;
        if (s.kind === "saved") this.saves++;
      },
    );
  }

  /** Load the record to edit, or a new one; then take back what a lock kept unsaved, and check. */
  async load(): Promise<void> {
    try {
      this.staff = await commands.list_staff();
      let data: DataOf<K>;
      if (this.opts.id) {
        const v = await commands.get_record({ id: this.opts.id });
        const b = v.draft ?? v.current?.body;
        if (!b || b.kind !== this.kind) throw { code: "invalid", message: `${RECORD_KIND_LABELS[this.kind]}の記録ではありません。`, violations: [] };
        this.final = v.summary.status === "final";
        this.version = v.summary.version;
        data = b.data as DataOf<K>;
      } else {
        const b = await commands.blank_record(this.kind);
        if (b.kind !== this.kind) return;
        data = b.data as DataOf<K>;
        await this.opts.fillNew?.(data);
      }
      this.opts.prepare?.(data);
      this.data = data;
      this.lastJson = JSON.stringify(this.data);
      // Typed before a lock and not saved then (a full disk, say): taken back from memory and saved now.
      const kept = takeUnsaved(draftKey(this.kind, this.opts.id));
      if (kept && kept.kind === this.kind) {
        const keptData = kept.data as DataOf<K>;
        this.opts.prepare?.(keptData);
        this.data = keptData;
        this.restored = true;
      }
      this.check();
    } catch (e) {
      this.error = errorOf(e).message;
    }
  }

  /** The record's content as saved and checked. */
  body = (): RecordBody => {
    const data = $state.snapshot(this.data) as DataOf<K>;
    return { kind: this.kind, data: this.opts.toBody ? this.opts.toBody(data) : data } as RecordBody;
  };

  /**
   * The form may have changed: when it did, save it (within the autosave interval) and check it.
   * Called from an effect, so that reading all of `data` here tracks every field.
   */
  changed(): void {
    if (!this.data) return;
    const json = JSON.stringify(this.data);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.saver.change(this.body());
    this.check();
  }

  /** Ask what 確定 would refuse. Only the answer to the latest request is shown. */
  check(): void {
    if (!this.data) return;
    const body = this.body();
    void this.checks.send(() => commands.check_record(body));
    if (this.opts.warnings) void this.warningChecks.send(() => commands.record_warnings(body));
  }

  /** Save what is pending now; rejects while it cannot be saved. */
  flush = (): Promise<void> => this.saver.flush();

  /** Save now; a record never saved is created even when nothing was typed in it yet. */
  async ensureSaved(): Promise<void> {
    if (this.id === null && this.data) this.saver.change(this.body());
    await this.saver.flush();
  }

  /** Save before a lock and when the window closes (see `saveBeforeLock`), until `dispose`. */
  listen(): void {
    this.stopListening ??= saveBeforeLock(this.saver);
  }

  /** The screen is going: stop listening, drop the checks still to come, save what is pending. */
  dispose(): void {
    this.stopListening?.();
    this.stopListening = null;
    this.checks.cancel();
    this.warningChecks.cancel();
    this.saver.flush().catch(() => {});
  }

  /** ← 閉じる: only once everything is saved; the draft is then no longer offered to continue. */
  async close(): Promise<void> {
    try {
      await this.saver.flush();
    } catch (e) {
      this.error = `${errorOf(e).message}（保存できるまで画面を閉じません）`;
      return;
    }
    rememberOpen(null);
    this.opts.onClose();
  }

  /** Two steps on the page itself (no system dialog): the first press asks, the second discards. */
  async discard(): Promise<void> {
    const id = this.id;
    if (!id) return this.opts.onClose();
    if (!this.confirmingDiscard) {
      this.confirmingDiscard = true;
      return;
    }
    try {
      await this.saver.flush();
      await commands.discard_draft({ id });
      rememberOpen(null);
      this.opts.onClose();
    } catch (e) {
      this.error = errorOf(e).message;
    }
  }

  cancelDiscard(): void {
    this.confirmingDiscard = false;
  }

  /** 確定 or 訂正 is done: the draft is no longer offered to continue. */
  finalised(id: string): void {
    rememberOpen(null);
    this.opts.onFinalised(id);
  }
}

/** What the toolbar and the discard button use of an editor, whatever its kind. */
export type DraftChrome = Pick<
  DraftEditor<RecordKind>,
  "kind" | "id" | "final" | "version" | "saveState" | "error" | "restored" | "confirmingDiscard" | "close" | "discard" | "cancelDiscard"
>;

/** What the foot of an entry screen (確定, 訂正, 破棄) uses of an editor, whatever its kind. */
export type DraftFinishing = DraftChrome & Pick<DraftEditor<RecordKind>, "violations" | "flush" | "body" | "finalised" | "saves">;

/**
 * Call while an entry screen is set up: the editor loads at once, saves and checks as the form
 * changes, saves before a lock, and saves what is pending when the screen goes.
 */
export function openDraftEditor<K extends RecordKind>(opts: DraftEditorOptions<K>): DraftEditor<K> {
  const editor = new DraftEditor(opts);
  void editor.load();
  $effect(() => editor.changed());
  editor.listen();
  onDestroy(() => editor.dispose());
  return editor;
}
