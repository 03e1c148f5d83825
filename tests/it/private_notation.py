"""Notation (Notary Project) JWS signatures made here with Python's `cryptography`, exactly as
notation lays them out, for tests/it/verify_notation.rs: a CA in a trust store folder as
notation keeps it (`truststore/x509/ca/acme/`), a trust policy for SCOPE, and one signature
layer per request over its target descriptor.

    python3 private_notation.py OUT_DIR SCOPE '[{"target": {...descriptor...}, "variant": "good"}, ...]'

Variants: good; cose-good, cose-tampered (the same in COSE_Sign1, `application/cose`); other-ca (a leaf from a CA not in the store); not-code-signing (a leaf whose
extended key usage is serverAuth only); expired-cert; expired-signature (io.cncf.notary.expiry
in the past); tampered (the payload changed after signing); other-identity (a leaf of the
trusted CA with another subject); untrusted-crit (a critical header nobody implements).
Prints {"trustStore", "trustPolicy", "identity", "layers": [JWS text or base64 of COSE, ...],
"mediaTypes": [...]} as JSON.
"""
import base64
import datetime
import json
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)
TRUSTED = [("C", "US"), ("ST", "WA"), ("O", "Stowage Test"), ("CN", "Release Builder")]
OIDS = {"C": NameOID.COUNTRY_NAME, "ST": NameOID.STATE_OR_PROVINCE_NAME, "O": NameOID.ORGANIZATION_NAME, "CN": NameOID.COMMON_NAME}


def name(pairs):
    return x509.Name([x509.NameAttribute(OIDS[k], v) for k, v in pairs])


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ca(common_name):
    key = ec.generate_private_key(ec.SECP384R1())
    subject = name([("C", "US"), ("O", "Stowage Test"), ("CN", common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - 30 * DAY)
        .not_valid_after(NOW + 3650 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA384())
    )
    return key, cert


def leaf(issuer, subject=TRUSTED, usage=ExtendedKeyUsageOID.CODE_SIGNING, expired=False):
    issuer_key, issuer_cert = issuer
    key = ec.generate_private_key(ec.SECP256R1())
    before, after = (NOW - 20 * DAY, NOW - 10 * DAY) if expired else (NOW - DAY, NOW + 365 * DAY)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(before)
        .not_valid_after(after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .sign(issuer_key, hashes.SHA384())
    )
    return key, cert


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


def cbor(v):
    """A CBOR encoding of ints, bytes, text, lists, dicts and tags: enough for COSE_Sign1."""

    def head(major, n):
        if n < 24:
            return bytes([major << 5 | n])
        for size, code in ((1, 24), (2, 25), (4, 26), (8, 27)):
            if n < 1 << (8 * size):
                return bytes([major << 5 | code]) + n.to_bytes(size, "big")
        raise ValueError(n)

    if isinstance(v, Tag):
        return head(6, v.tag) + cbor(v.value)
    if isinstance(v, bool):
        raise ValueError("no booleans here")
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        raw = v.encode()
        return head(3, len(raw)) + raw
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    raise TypeError(type(v))


def cose(signer, target, tamper=False):
    """The same signature as notation's COSE envelope: a tagged COSE_Sign1."""
    key, cert = signer
    protected = cbor(
        {
            1: -7,  # ES256
            2: ["io.cncf.notary.signingScheme"],
            3: "application/vnd.cncf.notary.payload.v1+json",
            "io.cncf.notary.signingScheme": "notary.x509",
            "io.cncf.notary.signingTime": Tag(1, int(NOW.timestamp())),
        }
    )
    payload = json.dumps({"targetArtifact": target}).encode()
    der = key.sign(cbor(["Signature1", protected, b"", payload]), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    if tamper:
        payload = json.dumps({"targetArtifact": dict(target, annotations={"tampered": "yes"})}).encode()
    unprotected = {33: [cert.public_bytes(serialization.Encoding.DER)], "io.cncf.notary.signingAgent": "notation-go/1.2.0"}
    envelope = cbor(Tag(18, [protected, unprotected, payload, r.to_bytes(32, "big") + s.to_bytes(32, "big")]))
    return base64.b64encode(envelope).decode()


def jws(signer, target, expiry=None, tamper=False, crit_extra=None):
    key, cert = signer
    protected = {
        "alg": "ES256",
        "crit": ["io.cncf.notary.signingScheme"] + ([crit_extra] if crit_extra else []),
        "cty": "application/vnd.cncf.notary.payload.v1+json",
        "io.cncf.notary.signingScheme": "notary.x509",
        "io.cncf.notary.signingTime": NOW.isoformat().replace("+00:00", "Z"),
    }
    if expiry:
        protected["io.cncf.notary.expiry"] = expiry.isoformat().replace("+00:00", "Z")
        protected["crit"].append("io.cncf.notary.expiry")
    if crit_extra:
        protected[crit_extra] = "yes"
    protected_b64 = b64url(json.dumps(protected).encode())
    payload_b64 = b64url(json.dumps({"targetArtifact": target}).encode())
    der = key.sign(f"{protected_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if tamper:
        changed = dict(target, annotations={"tampered": "yes"})
        payload_b64 = b64url(json.dumps({"targetArtifact": changed}).encode())
    return json.dumps(
        {
            "payload": payload_b64,
            "protected": protected_b64,
            "header": {
                "x5c": [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()],
                "io.cncf.notary.signingAgent": "notation-go/1.2.0",
            },
            "signature": b64url(signature),
        }
    )


out_dir, scope, requests = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
acme = ca("Stowage Test Root")
other = ca("Someone Else's Root")
store = os.path.join(out_dir, "truststore", "x509", "ca", "acme")
os.makedirs(store, exist_ok=True)
with open(os.path.join(store, "root.pem"), "wb") as f:
    f.write(acme[1].public_bytes(serialization.Encoding.PEM))
policy = {
    "version": "1.0",
    "trustPolicies": [
        {
            "name": "stowage-test",
            "registryScopes": [scope],
            "signatureVerification": {"level": "strict"},
            "trustStores": ["ca:acme"],
            "trustedIdentities": ["x509.subject: " + ", ".join(f"{k}={v}" for k, v in TRUSTED)],
        },
    ]
    # A layout's signatures have no registry scope: a policy for "*" alone covers them.
    + ([] if scope == "*" else [{"name": "everything-else", "registryScopes": ["*"], "signatureVerification": {"level": "skip"}}]),
}
policy_path = os.path.join(out_dir, "trustpolicy.json")
with open(policy_path, "w") as f:
    json.dump(policy, f, indent=2)

good = leaf(acme)
signers = {
    "good": lambda t: jws(good, t),
    "other-ca": lambda t: jws(leaf(other), t),
    "not-code-signing": lambda t: jws(leaf(acme, usage=ExtendedKeyUsageOID.SERVER_AUTH), t),
    "expired-cert": lambda t: jws(leaf(acme, expired=True), t),
    "expired-signature": lambda t: jws(good, t, expiry=NOW - DAY),
    "tampered": lambda t: jws(good, t, tamper=True),
    "other-identity": lambda t: jws(leaf(acme, subject=[("C", "US"), ("O", "Stowage Test"), ("CN", "Intern")]), t),
    "untrusted-crit": lambda t: jws(good, t, crit_extra="io.cncf.notary.verificationPlugin"),
    "cose-good": lambda t: cose(good, t),
    "cose-tampered": lambda t: cose(good, t, tamper=True),
}
print(
    json.dumps(
        {
            "trustStore": os.path.join(out_dir, "truststore"),
            "trustPolicy": policy_path,
            "identity": ", ".join(f"{k}={v}" for k, v in TRUSTED),
            "layers": [signers[r["variant"]](r["target"]) for r in requests],
            "mediaTypes": ["application/cose" if r["variant"].startswith("cose") else "application/jose+json" for r in requests],
        }
    )
)
