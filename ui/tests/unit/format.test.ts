import { expect, test } from "vitest";
import { count, exactBytes, humanSize, shortDigest } from "../../src/lib/format";

test("sizes read like du -h, with the exact count alongside", () => {
  expect(humanSize(0)).toBe("0 B");
  expect(humanSize(712)).toBe("712 B");
  expect(humanSize(1536)).toBe("1.5 KiB");
  expect(humanSize(3_400_000)).toBe("3.2 MiB");
  expect(humanSize(50 * 1024 ** 3)).toBe("50 GiB");
  expect(exactBytes(1_234_567)).toBe("1,234,567 bytes");
  expect(exactBytes(1)).toBe("1 byte");
});

test("counts group thousands the same way whatever the user's locale", () => {
  expect(count(0)).toBe("0");
  expect(count(100_000)).toBe("100,000");
  expect(count(3_890)).toBe("3,890");
});

test("short digests keep the algorithm", () => {
  expect(shortDigest("sha256:0123456789abcdef0123")).toBe("sha256:0123456789ab");
  expect(shortDigest("sha256:0123456789abcdef", 7)).toBe("sha256:0123456");
});
