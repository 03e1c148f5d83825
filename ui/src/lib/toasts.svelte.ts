// Short messages at the bottom of the window: where to drop files, a transfer that ended. Each
// goes away by itself; one with an action stays a little longer.
export type ToastKind = "info" | "ok" | "error";
export type Toast = {
  id: number;
  kind: ToastKind;
  text: string;
  action: { label: string; run: () => void } | null;
};

let ids = 0;

export class Toasts {
  items = $state<Toast[]>([]);
  private readonly max: number;

  constructor(max = 4) {
    this.max = max;
  }

  show(text: string, opts: { kind?: ToastKind; action?: Toast["action"]; ms?: number } = {}): number {
    const id = ++ids;
    const toast: Toast = { id, kind: opts.kind ?? "info", text, action: opts.action ?? null };
    // The same message again (a second drop in the wrong place) replaces the first.
    this.items = [...this.items.filter((t) => t.text !== text), toast].slice(-this.max);
    const ms = opts.ms ?? (toast.action ? 8000 : toast.kind === "error" ? 7000 : 3500);
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}
