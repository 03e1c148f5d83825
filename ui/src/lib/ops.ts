// Operation ids: the handle the shell cancels a long command by.
let counter = 0;

export function newOp(prefix: string): string {
  counter++;
  const rand = typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : String(Math.random()).slice(2);
  return `${prefix}-${counter}-${rand}`;
}
