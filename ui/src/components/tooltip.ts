// A tooltip for rows that are reused as a list scrolls or filters. A native `title` belongs to
// the element, not to what it shows: when a windowed row takes another tag under a still pointer,
// or the pointer leaves while the webview is busy, the old text can stay on screen. This one goes
// on leave, on a press, a key, a scroll or a wheel anywhere, and whenever its text changes.

/** Milliseconds of hovering before it shows, about what native tooltips wait. */
export const TOOLTIP_DELAY = 600;

let tip: HTMLDivElement | null = null;
let owner: HTMLElement | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

function hide() {
  if (timer) clearTimeout(timer);
  timer = null;
  owner?.removeAttribute("aria-describedby");
  owner = null;
  tip?.remove();
  tip = null;
  window.removeEventListener("scroll", hide, true);
  window.removeEventListener("wheel", hide, true);
  window.removeEventListener("keydown", hide, true);
  window.removeEventListener("blur", hide);
}

function show(node: HTMLElement, text: string) {
  if (!node.isConnected) return;
  const el = document.createElement("div");
  el.className = "tooltip";
  el.id = "stowage-tooltip";
  el.setAttribute("role", "tooltip");
  el.textContent = text;
  document.body.append(el);
  const r = node.getBoundingClientRect();
  const w = el.offsetWidth;
  const h = el.offsetHeight;
  const below = r.bottom + 6 + h <= window.innerHeight;
  el.style.left = `${Math.max(4, Math.min(r.left, window.innerWidth - w - 4))}px`;
  el.style.top = `${below ? r.bottom + 6 : Math.max(4, r.top - h - 6)}px`;
  node.setAttribute("aria-describedby", el.id);
  tip = el;
}

/** `use:tooltip={text}`; null or "" shows nothing. */
export function tooltip(node: HTMLElement, text: string | null | undefined) {
  let current = text ?? "";
  // What it says, readable without hovering (tests, the inspector).
  const mark = () => (current ? node.setAttribute("data-tooltip", current) : node.removeAttribute("data-tooltip"));
  mark();
  const enter = () => {
    hide();
    if (!current) return;
    owner = node;
    window.addEventListener("scroll", hide, true);
    window.addEventListener("wheel", hide, true);
    window.addEventListener("keydown", hide, true);
    window.addEventListener("blur", hide);
    const shown = current;
    timer = setTimeout(() => {
      timer = null;
      if (owner === node) show(node, shown);
    }, TOOLTIP_DELAY);
  };
  const leave = () => {
    if (owner === node) hide();
  };
  node.addEventListener("pointerenter", enter);
  node.addEventListener("pointerleave", leave);
  node.addEventListener("pointerdown", leave);
  return {
    update(next: string | null | undefined) {
      if ((next ?? "") === current) return;
      current = next ?? "";
      mark();
      leave();
    },
    destroy() {
      leave();
      node.removeEventListener("pointerenter", enter);
      node.removeEventListener("pointerleave", leave);
      node.removeEventListener("pointerdown", leave);
    },
  };
}
