import { describe, expect, test } from "vitest";
import { countDigestTags, digestTag, filterTags, isDigest, isDigestTag, sortTags } from "../../src/lib/tags";

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

describe("what a digest tag is", () => {
  test("cosign's suffixes and the referrers fallback each say what they are", () => {
    expect(digestTag(`sha256-${HEX}.sig`)).toMatchObject({ kind: "signature", label: "cosign signature", subject: `sha256:${HEX}` });
    expect(digestTag(`sha256-${HEX}.att`)).toMatchObject({ kind: "attestation", label: "cosign attestation" });
    expect(digestTag(`sha256-${HEX}.sbom`)).toMatchObject({ kind: "sbom", label: "cosign SBOM" });
    expect(digestTag(`sha256-${HEX}`)).toMatchObject({ kind: "referrers", label: "referrers index" });
    expect(digestTag(`sha256-${HEX}.cosign`)).toMatchObject({ kind: "other", label: "digest tag" });
    expect(digestTag("v1.2.3")).toBeNull();
  });

  test("the suffix and the end of the hex are kept whole; only the head may be cut", () => {
    const hex = "0123456789abcdef".repeat(4);
    const d = digestTag(`sha256-${hex}.sig`);
    expect(d?.tail).toBe("abcdef.sig");
    expect(`${d?.head}${d?.tail}`).toBe(`sha256-${hex}.sig`);
    expect(digestTag(`sha256-${hex}`)?.tail).toBe("abcdef");
  });
});

describe("tag order", () => {
  const tags = ["v1.10.0", "latest", "v1.9.2", `sha256-${HEX}.sig`, "v2.0.0-rc.1", "edge", "v2.0.0", "1.0", "v2.0.0-rc.10", "main-abc"];

  test("registry order is kept as listed; by name is natural", () => {
    expect(sortTags(tags, "registry")).toEqual(tags);
    expect(sortTags(["v10", "v9", "V1", "b", "a"], "name")).toEqual(["a", "b", "V1", "v9", "v10"]);
  });

  test("by version: named tags first, then versions newest first (a release after its candidates), digest tags last", () => {
    expect(sortTags(tags, "version")).toEqual(["edge", "latest", "main-abc", "v2.0.0", "v2.0.0-rc.10", "v2.0.0-rc.1", "v1.10.0", "v1.9.2", "1.0", `sha256-${HEX}.sig`]);
  });

  test("the list given is not reordered in place", () => {
    const copy = [...tags];
    sortTags(copy, "name");
    expect(copy).toEqual(tags);
  });
});
