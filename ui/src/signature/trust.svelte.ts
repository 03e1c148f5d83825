// What the user trusts changed: every signature card checks its signatures again.
import { SvelteMap } from "svelte/reactivity";
import type { SignatureStatus } from "../ipc";

export const trustChanges = $state({ version: 0 });

export function trustChanged() {
  artifactVerdicts.clear();
  trustChanges.version += 1;
}

export const GITHUB_ACTIONS = "https://token.actions.githubusercontent.com";

/** OIDC issuers people sign with most, offered when adding a keyless signer. */
export const KNOWN_ISSUERS: [string, string][] = [
  [GITHUB_ACTIONS, "GitHub Actions"],
  ["https://gitlab.com", "GitLab CI"],
  ["https://accounts.google.com", "Google"],
  ["https://github.com/login/oauth", "GitHub (sign-in)"],
  ["https://login.microsoftonline.com", "Microsoft"],
  ["https://oauth2.sigstore.dev/auth", "Sigstore OAuth (email)"],
];

/** A friendly name for an issuer, when it is one of the common ones. */
export function issuerName(issuer: string): string | null {
  return KNOWN_ISSUERS.find(([url]) => url === issuer)?.[1] ?? null;
}

/**
 * What checking an artifact's signatures found, by `source|repository|digest`: filled when its
 * graph is checked (GraphSession.checkSignatures), emptied when the trust changes. The tag list
 * shows it on the badge of a tag pointing at that digest; a tag never checked says only
 * "signature".
 */
export const artifactVerdicts = new SvelteMap<string, SignatureStatus>();

export const verdictKey = (source: string, repository: string, digest: string) => `${source}|${repository}|${digest}`;
