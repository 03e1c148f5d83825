// Short messages at the bottom of the window: where to drop files, a transfer that ended. Each
// goes away by itself; one with an action stays long enough to use it, and none goes while the
// pointer is on it or the keyboard is in it.
export type ToastKind = "info" | "ok" | "error";
export type Toast = {
  id: number;
  kind: ToastKind;
  text: string;
  action: { label: string; run: () => void } | null;
};

/** How long a toast stays, by what it carries: an action needs reading, then reaching. */
export const TOAST_MS = { action: 12_000, error: 7000, info: 4000 } as const;
/** After the pointer leaves (or the focus), at least this long before it goes. */
export const AFTER_HOLD_MS = 3000;

/** Why a toast is held open: the pointer is over it, or the focus is inside it. */
export type Hold = "pointer" | "focus";

type Clock = { timer: ReturnType<typeof setTimeout> | null; left: number; since: number; holds: Set<Hold> };

let ids = 0;

export class Toasts {
  items = $state<Toast[]>([]);
  private readonly max: number;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- timers, never rendered
  private readonly clocks = new Map<number, Clock>();

  constructor(max = 4) {
    this.max = max;
  }

  show(text: string, opts: { kind?: ToastKind; action?: Toast["action"]; ms?: number } = {}): number {
    const id = ++ids;
    const toast: Toast = { id, kind: opts.kind ?? "info", text, action: opts.action ?? null };
    // The same message again (a second drop in the wrong place) replaces the first.
    const dropped = this.items.filter((t) => t.text === text);
    const kept = [...this.items.filter((t) => t.text !== text), toast];
    for (const t of [...dropped, ...kept.slice(0, -this.max)]) this.forget(t.id);
    this.items = kept.slice(-this.max);
    const ms = opts.ms ?? (toast.action ? TOAST_MS.action : toast.kind === "error" ? TOAST_MS.error : TOAST_MS.info);
    if (ms > 0) {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- timers, never rendered
      const clock: Clock = { timer: null, left: ms, since: 0, holds: new Set() };
      this.clocks.set(id, clock);
      this.run(id, clock);
    }
    return id;
  }

  dismiss(id: number) {
    this.forget(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** The pointer or the focus is on the toast: it stays until released. */
  hold(id: number, why: Hold) {
    const clock = this.clocks.get(id);
    if (!clock || clock.holds.has(why)) return;
    clock.holds.add(why);
    if (clock.timer) {
      clearTimeout(clock.timer);
      clock.timer = null;
      clock.left -= Date.now() - clock.since;
    }
  }

  release(id: number, why: Hold) {
    const clock = this.clocks.get(id);
    if (!clock || !clock.holds.delete(why) || clock.holds.size) return;
    clock.left = Math.max(clock.left, AFTER_HOLD_MS);
    this.run(id, clock);
  }

  private run(id: number, clock: Clock) {
    clock.since = Date.now();
    clock.timer = setTimeout(() => this.dismiss(id), clock.left);
  }

  private forget(id: number) {
    const clock = this.clocks.get(id);
    if (clock?.timer) clearTimeout(clock.timer);
    this.clocks.delete(id);
  }
}

export type Box = { left: number; top: number; right: number; bottom: number };

/** Where the toasts' column goes: its distance from the window's bottom, and its width. */
export type Placement = { bottom: number; maxWidth: number };

const MARGIN = 16;
const WIDEST = 370;
/** Narrower than this, a toast beside a panel would wrap every other word: it goes above it. */
const NARROWEST = 240;

/**
 * The toasts sit in the bottom right corner, clear of what must stay visible (the transfers
 * panel, which the toast of a finished transfer would otherwise cover): beside it when there is
 * room, else above it.
 */
export function toastPlacement(keepClear: readonly Box[], view: { width: number; height: number }): Placement {
  let maxWidth = Math.max(0, Math.min(WIDEST, view.width - 2 * MARGIN));
  let bottom = MARGIN;
  for (const b of keepClear) {
    const right = view.width - MARGIN;
    // Only what reaches down to the bottom half competes with the toasts for room.
    if (b.right <= right - maxWidth || b.left >= right || b.bottom <= view.height / 2) continue;
    const beside = right - (b.right + 12);
    if (beside >= NARROWEST) maxWidth = Math.min(maxWidth, beside);
    else bottom = Math.max(bottom, view.height - b.top + 8);
  }
  return { bottom, maxWidth };
}

/** Boxes the toasts keep clear of, by the element that keeps them clear. */
class KeepClear {
  boxes = $state.raw<Box[]>([]);
  private readonly elements = new Map<HTMLElement, Box>();

  set(el: HTMLElement, box: Box | null) {
    if (box) this.elements.set(el, box);
    else this.elements.delete(el);
    this.boxes = [...this.elements.values()];
  }
}

export const keepClear = new KeepClear();

/** `use:keepToastsClear` on a panel the toasts must not cover, for as long as it is on screen. */
export function keepToastsClear(node: HTMLElement) {
  const update = () => {
    const r = node.getBoundingClientRect();
    keepClear.set(node, { left: r.left, top: r.top, right: r.right, bottom: r.bottom });
  };
  const observer = new ResizeObserver(update);
  observer.observe(node);
  window.addEventListener("resize", update);
  update();
  return {
    destroy() {
      observer.disconnect();
      window.removeEventListener("resize", update);
      keepClear.set(node, null);
    },
  };
}
