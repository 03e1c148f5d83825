import { describe, expect, test } from "vitest";
import { countDigestTags, filterTags, isDigest, isDigestTag } from "../../src/lib/tags";

const HEX = "a".repeat(64);

describe("digest tags", () => {
  test("recognises the fallback tag and cosign's tags", () => {
    expect(isDigestTag(`sha256-${HEX}`)).toBe(true);
    expect(isDigestTag(`sha256-${HEX}.sig`)).toBe(true);
    expect(isDigestTag(`sha256-${HEX}.att`)).toBe(true);
    expect(isDigestTag(`sha256-${HEX}.sbom`)).toBe(true);
  });

  test("leaves ordinary tags alone", () => {
    for (const tag of ["latest", "v1.2.3", "sha256", "sha256-abc", "build-sha256-" + HEX, "sha256-" + "z".repeat(64)]) {
      expect(isDigestTag(tag), tag).toBe(false);
    }
  });

  test("filters by text and hides digest tags unless asked", () => {
    const tags = ["v1", "v2", "latest", `sha256-${HEX}.sig`, `sha256-${HEX}`, "v1-sig"];
    expect(filterTags(tags, { text: "", showDigestTags: false })).toEqual(["v1", "v2", "latest", "v1-sig"]);
    expect(filterTags(tags, { text: "", showDigestTags: true })).toEqual(tags);
    expect(filterTags(tags, { text: "SIG", showDigestTags: false })).toEqual(["v1-sig"]);
    expect(filterTags(tags, { text: "sig", showDigestTags: true })).toEqual([`sha256-${HEX}.sig`, "v1-sig"]);
    expect(filterTags(tags, { text: "  v1 ", showDigestTags: false })).toEqual(["v1", "v1-sig"]);
    expect(countDigestTags(tags)).toBe(2);
  });

  test("a typed reference is a digest only when it looks like one", () => {
    expect(isDigest(`sha256:${HEX}`)).toBe(true);
    expect(isDigest("v1")).toBe(false);
    expect(isDigest("sha256:abc")).toBe(false);
  });
});
