// How a floating menu goes away: a press outside it or Esc. Shared by the menus.

/** Calls `onclose` on a pointer press outside `element` or on Esc; returns the undo. */
export function dismissOnOutside(element: HTMLElement, onclose: () => void): () => void {
  const outside = (ev: PointerEvent) => {
    if (!element.contains(ev.target as Node)) onclose();
  };
  const key = (ev: KeyboardEvent) => {
    if (ev.key === "Escape") {
      ev.stopPropagation();
      onclose();
    }
  };
  window.addEventListener("pointerdown", outside, true);
  window.addEventListener("keydown", key, true);
  return () => {
    window.removeEventListener("pointerdown", outside, true);
    window.removeEventListener("keydown", key, true);
  };
}
