// A manifest named by what it is, from its media type and artifact type (delete preview rows).
export function describeManifest(mediaType: string, artifactType: string | null): string {
  const a = (artifactType ?? "").toLowerCase();
  if (a.includes("spdx") || a.includes("cyclonedx") || a.includes("syft")) return "SBOM";
  if (a.includes("in-toto") || a.includes("attestation") || a.includes("dsse")) return "Attestation";
  if (a.includes("signature") || a.includes("sigstore") || a.includes("cosign") || a.includes("notary")) return "Signature";
  if (a.includes("helm")) return "Helm chart";
  if (a.includes("wasm")) return "Wasm";
  if (a) return "Artifact";
  if (mediaType.includes("index") || mediaType.includes("manifest.list")) return "Index";
  return "Image";
}
