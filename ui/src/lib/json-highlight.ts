// A small JSON tokenizer for the raw manifest view. Manifests come from registries and are
// untrusted: every piece of text goes through escapeHtml before it reaches the DOM.

export type TokenKind = "key" | "string" | "number" | "literal" | "punct" | "space" | "other";
export type Token = { kind: TokenKind; text: string };

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Splits JSON text into tokens; text that is not JSON still comes out whole, as "other". */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      j = Math.min(j + 1, n);
      const str = text.slice(i, j);
      // A string followed by a colon is an object key.
      let k = j;
      while (k < n && /\s/.test(text[k] as string)) k++;
      tokens.push({ kind: text[k] === ":" ? "key" : "string", text: str });
      i = j;
    } else if (/\s/.test(c)) {
      let j = i + 1;
      while (j < n && /\s/.test(text[j] as string)) j++;
      tokens.push({ kind: "space", text: text.slice(i, j) });
      i = j;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      const len = m ? m[0].length : 1;
      tokens.push({ kind: m ? "number" : "other", text: text.slice(i, i + len) });
      i += len;
    } else if ("{}[]:,".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i++;
    } else {
      const m = /^(true|false|null)\b/.exec(text.slice(i, i + 6));
      if (m) {
        tokens.push({ kind: "literal", text: m[0] });
        i += m[0].length;
      } else {
        let j = i + 1;
        while (j < n && !/[\s"{}[\]:,]/.test(text[j] as string)) j++;
        tokens.push({ kind: "other", text: text.slice(i, j) });
        i = j;
      }
    }
  }
  return tokens;
}

/** HTML with one escaped span per token; whitespace and punctuation stay plain text. */
export function highlightJson(text: string): string {
  let html = "";
  for (const t of tokenize(text)) {
    const escaped = escapeHtml(t.text);
    html += t.kind === "space" || t.kind === "punct" ? escaped : `<span class="j-${t.kind}">${escaped}</span>`;
  }
  return html;
}

/**
 * Pretty-printed text, or null when the text is not JSON (it is then shown as served). It re-indents
 * the tokens rather than JSON.stringify(JSON.parse()), so numbers past 2^53, string escapes and key
 * order stay exactly as the registry sent them.
 */
export function prettyJson(text: string): string | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const tokens = tokenize(text).filter((t) => t.kind !== "space");
  let out = "";
  let depth = 0;
  const newline = () => "\n" + "  ".repeat(depth);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const next = tokens[i + 1];
    if (t.text === "{" || t.text === "[") {
      const close = t.text === "{" ? "}" : "]";
      if (next && next.text === close) {
        out += t.text + close;
        i++;
      } else {
        depth++;
        out += t.text + newline();
      }
    } else if (t.text === "}" || t.text === "]") {
      depth--;
      out += newline() + t.text;
    } else if (t.kind === "punct" && t.text === ",") {
      out += "," + newline();
    } else if (t.kind === "punct" && t.text === ":") {
      out += ": ";
    } else {
      out += t.text;
    }
  }
  return out;
}
