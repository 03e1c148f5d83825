import { render, screen, waitFor } from "@testing-library/svelte";
import { describe, expect, test, vi } from "vitest";
import type { SignatureDetails } from "../../src/ipc/bindings";

const signatureDetails = vi.fn();
vi.mock("../../src/ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/ipc")>()),
  signatureDetails: (...args: unknown[]) => signatureDetails(...args),
}));

const { default: SignatureCard } = await import("../../src/signature/SignatureCard.svelte");

const MANIFEST = `sha256:${"a".repeat(64)}`;
const SUBJECT = `sha256:${"b".repeat(64)}`;

/** A SLSA v1 provenance as the shell reads securesystemslib's GitHub-build fixture. */
function provenance(status: SignatureDetails["status"]): SignatureDetails {
  return {
    manifest: MANIFEST,
    kind: "dsse",
    status,
    reason: status === "verified" ? null : "no key given",
    verifiedBy: status === "verified" ? "key sha256:1234" : null,
    subject: SUBJECT,
    platform: null,
    predicateType: "https://slsa.dev/provenance/v1",
    signer: null,
    provenance: {
      slsaVersion: "v1",
      builder: "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml@refs/tags/v2.0.0",
      buildType: "https://actions.github.io/buildtypes/workflow/v1",
      repository: "https://github.com/example/app",
      gitRef: "refs/tags/v1.0.0",
      commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      workflow: ".github/workflows/release.yml",
      trigger: "push",
      invocation: "https://github.com/example/app/actions/runs/1/attempts/1",
      started: "2026-11-01T10:00:00Z",
      finished: "2026-11-01T10:05:03Z",
      dependencies: [["git+https://github.com/example/app@refs/tags/v1.0.0", "gitCommit:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"]],
    },
    vulnerabilities: null,
  };
}

describe("a provenance attestation's card", () => {
  test("says what was built, from where, by what, and how long it took", async () => {
    signatureDetails.mockResolvedValue([provenance("notChecked")]);
    render(SignatureCard, { source: "local", repository: "app", subject: SUBJECT, manifest: MANIFEST });
    const summary = await screen.findByTestId("provenance-summary");
    expect(summary.textContent?.replace(/\s+/g, " ").trim()).toBe(
      "Built from https://github.com/example/app at refs/tags/v1.0.0, commit a1b2c3d4e5f6, by .github/workflows/release.yml on push, as the attestation claims.",
    );
    const card = screen.getByTestId("provenance").textContent ?? "";
    expect(card.replace(/\s+/g, " ")).toContain("2026-11-01T10:05:03Z (5 min 3 s)");
    expect(card).toContain("generator_container_slsa3.yml");
    expect(card).toContain("1 dependency the build fetched");
    // The raw predicate type is not repeated under the card.
    expect(screen.queryByText(/Attests/)).toBeNull();
  });

  test("drops the caveat once the attestation verified", async () => {
    signatureDetails.mockResolvedValue([provenance("verified")]);
    render(SignatureCard, { source: "local", repository: "app", subject: SUBJECT, manifest: MANIFEST });
    await waitFor(() => expect(screen.getByTestId("signature-status").textContent).toBe("verified"));
    expect(screen.getByTestId("provenance-summary").textContent).not.toContain("claims");
    expect(screen.getByTestId("signature-by").textContent).toBe("Verified by key sha256:1234.");
  });
});

describe("a vulnerability attestation's card", () => {
  test("counts findings by severity, most severe first, with the worst listed", async () => {
    signatureDetails.mockResolvedValue([
      {
        ...provenance("notChecked"),
        predicateType: "https://cosign.sigstore.dev/attestation/vuln/v1",
        provenance: null,
        vulnerabilities: {
          kind: "scan",
          by: "pkg:github/aquasecurity/trivy@0.45.0",
          finished: "2026-11-01T10:07:00Z",
          counts: [
            ["critical", 1],
            ["high", 2],
          ],
          items: [
            ["CVE-2023-0001", "critical", null],
            ["CVE-2023-0002", "high", null],
          ],
        },
      },
    ]);
    render(SignatureCard, { source: "local", repository: "app", subject: SUBJECT, manifest: MANIFEST });
    const counts = await screen.findByTestId("vuln-counts");
    expect([...counts.querySelectorAll(".count")].map((c) => c.textContent)).toEqual(["1 critical", "2 high"]);
    const card = screen.getByTestId("vulnerabilities").textContent?.replace(/\s+/g, " ") ?? "";
    expect(card).toContain("A vulnerability scan by pkg:github/aquasecurity/trivy@0.45.0, finished 2026-11-01T10:07:00Z, as the attestation claims:");
    expect(card).toContain("CVE-2023-0001 critical");
  });
});
