// What the user trusts changed: every signature card checks its signatures again.
export const trustChanges = $state({ version: 0 });

export function trustChanged() {
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
