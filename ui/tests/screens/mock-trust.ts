// The shell's trust settings, mocked: what the Trust dialog and "Trust this signer" change, and
// what the mocked signature_details checks against.
import type { TrustEntry, TrustedIdentity, TrustView } from "../../src/ipc/bindings";
import { fakeDigest } from "./fixtures";

export const TRUSTED_ROOT_PICK = "/home/user/keys/private_trusted_root.json";

const view: TrustView = {
  keys: [],
  identities: [],
  roots: [
    { name: "Sigstore public good", shipped: true },
    { name: "GitHub's Sigstore", shipped: true },
  ],
  notation: null,
  problem: null,
};

const invalid = (message: string) => Promise.reject({ code: "invalid", message });
const copy = (): TrustView => structuredClone(view);

export const trustedIdentities = (): TrustedIdentity[] => view.identities;

export function trustCommand(cmd: string, args: Record<string, unknown>): Promise<unknown> | undefined {
  switch (cmd) {
    case "trust_settings":
      return Promise.resolve(copy());
    case "trust_identity": {
      const i = args.identity as TrustedIdentity;
      if (!i.identity.trim()) return invalid("the identity: is empty");
      if (i.identityRegexp && /\($/.test(i.identity)) return invalid(`the identity regular expression: ${i.identity}: unclosed group`);
      if (!view.identities.some((x) => JSON.stringify(x) === JSON.stringify(i))) view.identities.push(i);
      return Promise.resolve(copy());
    }
    case "trust_key": {
      const pem = String(args.pem);
      if (!pem.includes("-----BEGIN PUBLIC KEY-----")) return invalid("the public key: no PUBLIC KEY PEM block found");
      const id = fakeDigest(pem.trim());
      if (!view.keys.some((k) => k.id === id)) view.keys.push({ id, algorithm: "ECDSA P-256" });
      return Promise.resolve(copy());
    }
    case "pick_trusted_root":
      return Promise.resolve(TRUSTED_ROOT_PICK);
    case "trust_root": {
      const name = String(args.path).split("/").pop() ?? "";
      view.roots = view.roots.filter((r) => r.shipped || r.name !== name);
      view.roots.push({ name, shipped: false });
      return Promise.resolve(copy());
    }
    case "pick_notation_trust":
      return Promise.resolve({ store: "/home/user/.config/notation/truststore", policy: "/home/user/.config/notation/trustpolicy.json" });
    case "trust_notation":
      view.notation = { statements: ["acme-images: strict for registry.example/acme/app"], stores: [["ca:acme", 2]] };
      return Promise.resolve(copy());
    case "untrust": {
      const entry = args.entry as TrustEntry;
      const index = Number(args.index);
      if (entry === "notation") {
        view.notation = null;
        return Promise.resolve(copy());
      }
      const list = entry === "key" ? view.keys : entry === "identity" ? view.identities : view.roots;
      if (!list[index] || (entry === "root" && view.roots[index]?.shipped)) return invalid(`${entry} ${index}: is not in the trust settings, or cannot be removed`);
      list.splice(index, 1);
      return Promise.resolve(copy());
    }
    default:
      return undefined;
  }
}
