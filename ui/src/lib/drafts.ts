// Saving a record's draft as the user types, and remembering which draft was open so that after
// a crash or a closed window the app offers to continue it. Only the record's id and kind are
// kept outside the encrypted store (in the webview's storage): never any content.

import { commands } from "./api";
import { Autosaver, type SaveState } from "./autosave";
import { BEFORE_LOCK_EVENT, type BeforeLockDetail } from "./idle";
import type { RecordBody } from "../bindings/RecordBody";
import type { RecordKind } from "../bindings/RecordKind";

const OPEN_KEY = "chisanpo.open-draft";

/**
 * What could not be saved before a lock (a full disk, the store gone away), kept in this
 * window's memory only (never on disk, never in the webview's storage), by record: the editor
 * that opens the record again after the unlock takes it back (`takeUnsaved`) and saves it.
 * Nothing typed is dropped at a lock; everything kept here is gone when the app quits.
 */
const unsavedAtLock = new Map<string, RecordBody>();

/** The key of a record's editor: its kind and id, or `new` before its first save. */
export function draftKey(kind: RecordKind, id: string | null): string {
  return `${kind}:${id ?? "new"}`;
}

export function keepUnsaved(key: string, body: RecordBody): void {
  unsavedAtLock.set(key, body);
}

/** The content typed in this record's editor that a lock interrupted before it was saved. */
export function takeUnsaved(key: string): RecordBody | null {
  const body = unsavedAtLock.get(key) ?? null;
  unsavedAtLock.delete(key);
  return body;
}

/**
 * Save at once when the app is about to lock (see `lib/idle.ts`), and make the lock wait for it.
 * When the save fails, what was typed is kept in memory for the editor to take back after the
 * unlock (`takeUnsaved`). Returns the function that stops listening.
 */
export function saveBeforeLock(saver: { flush: () => Promise<void>; unsaved: RecordBody | null; key: () => string }): () => void {
  const listener = (e: Event) => {
    const p = saver.flush().catch((err: unknown) => {
      const body = saver.unsaved;
      if (body !== null) keepUnsaved(saver.key(), body);
      throw err;
    });
    (e as CustomEvent<BeforeLockDetail | undefined>).detail?.waitUntil(p);
    p.catch(() => {});
  };
  // Closing the window: best effort (at most a second of typing is not yet saved anyway).
  const closing = () => void saver.flush().catch(() => {});
  window.addEventListener(BEFORE_LOCK_EVENT, listener);
  window.addEventListener("pagehide", closing);
  return () => {
    window.removeEventListener(BEFORE_LOCK_EVENT, listener);
    window.removeEventListener("pagehide", closing);
  };
}

export type OpenDraft = { kind: RecordKind; id: string };

export function rememberOpen(d: OpenDraft | null): void {
  try {
    if (d) localStorage.setItem(OPEN_KEY, JSON.stringify(d));
    else localStorage.removeItem(OPEN_KEY);
  } catch {
    // Storage unavailable: the drafts are still in the store and listed on the home screen.
  }
}

export function lastOpen(): OpenDraft | null {
  try {
    const v = JSON.parse(localStorage.getItem(OPEN_KEY) ?? "null");
    return v && typeof v.id === "string" && typeof v.kind === "string" ? (v as OpenDraft) : null;
  } catch {
    return null;
  }
}

export type DraftSaver = Autosaver<RecordBody> & { key: () => string };

/** An autosaver for one record: the first save creates the draft, the next ones update it. */
export function draftSaver(kind: RecordKind, initialId: string | null, onId: (id: string) => void, onState: (s: SaveState) => void): DraftSaver {
  let id = initialId;
  const saver = new Autosaver<RecordBody>(async (body) => {
    if (id === null) {
      id = await commands.create_record(body);
      onId(id);
    } else {
      await commands.save_draft({ id, body });
    }
    rememberOpen({ kind, id });
  }, onState);
  return Object.assign(saver, { key: () => draftKey(kind, id) });
}
