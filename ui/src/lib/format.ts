const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 -> "1.5 KiB"; binary units because registries and `du` count that way. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "?";
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

// One formatter for every count: `n.toLocaleString("en-US")` sets up ICU's number formatting
// again on each call in WebKit, which a view with a few dozen counts pays on its first paint.
const COUNT = new Intl.NumberFormat("en-US");

/** 1234567 -> "1,234,567" */
export function count(n: number): string {
  return COUNT.format(n);
}

/** "1,234,567 bytes" */
export function exactBytes(bytes: number): string {
  return `${count(bytes)} ${bytes === 1 ? "byte" : "bytes"}`;
}

/** "sha256:0123456789ab…" -> "sha256:0123456789ab", the length most tools show. */
export function shortDigest(digest: string, hex = 12): string {
  const colon = digest.indexOf(":");
  if (colon < 0) return digest.slice(0, hex);
  return digest.slice(0, colon + 1 + hex);
}

/** The `stowage` reference of one descriptor in a repository. */
export function digestReference(base: string, digest: string): string {
  return `${base}@${digest}`;
}
