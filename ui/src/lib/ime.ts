// Enter must never submit while a Japanese IME is composing.
//
// WebKit (Tauri on Linux and macOS) fires `compositionend` *before* the keydown of the Enter
// that confirms the conversion, so `event.isComposing` is already false then (WebKit bug
// 165004). The keydown still carries keyCode 229 on most engines; and to be safe we also
// swallow an Enter that arrives in the same moment as a compositionend.

export interface ImeState {
  composing: boolean;
  endedAt: number;
}

/** How long after compositionend an Enter still belongs to the IME, in ms. */
export const IME_GRACE_MS = 60;

export function newImeState(): ImeState {
  return { composing: false, endedAt: -Infinity };
}

export function onCompositionStart(s: ImeState): void {
  s.composing = true;
}

export function onCompositionEnd(s: ImeState, now: number): void {
  s.composing = false;
  s.endedAt = now;
}

/** True when this Enter keydown confirms an IME conversion and must not submit. */
export function isImeEnter(
  e: { key: string; isComposing?: boolean; keyCode?: number },
  s: ImeState,
  now: number,
): boolean {
  if (e.key !== "Enter") return false;
  return Boolean(e.isComposing) || e.keyCode === 229 || s.composing || now - s.endedAt < IME_GRACE_MS;
}

/**
 * A Svelte action for a <form>: an Enter that confirms an IME conversion does not submit it.
 */
export function imeSafeForm(form: HTMLFormElement) {
  const s = newImeState();
  const start = () => onCompositionStart(s);
  const end = () => onCompositionEnd(s, performance.now());
  const keydown = (e: KeyboardEvent) => {
    if (isImeEnter(e, s, performance.now())) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  form.addEventListener("compositionstart", start, true);
  form.addEventListener("compositionend", end, true);
  form.addEventListener("keydown", keydown, true);
  return {
    destroy() {
      form.removeEventListener("compositionstart", start, true);
      form.removeEventListener("compositionend", end, true);
      form.removeEventListener("keydown", keydown, true);
    },
  };
}
