// Copying text for the user: the async clipboard, or the old way where WebKitGTK refuses it.

/** Puts `text` on the clipboard. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Older WebKitGTK builds refuse the async clipboard outside a user gesture; fall back.
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}
