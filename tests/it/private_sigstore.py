"""A private Sigstore, made here with Python's `cryptography` (not by Stowage), for the keyless
tests of tests/it/verify.rs: a Fulcio CA, a CT log and a Rekor log, each a throwaway key, and the
`trusted_root.json` that trusts them. It signs cosign simple-signing payloads as cosign's keyless
flow leaves them: a Fulcio certificate for a GitHub Actions workflow with its SCT embedded, the
signature, and the Rekor entry with its Signed Entry Timestamp, as layer annotations.

    python3 private_sigstore.py OUT_DIR '[{"payload": "...", "variant": "good"}, ...]'

Variants: good; expired (logged after the certificate expired); other-entry (the log entry of
another signature); no-sct (a certificate without its SCT). Prints {"trustedRoot": path,
"identity", "issuer", "annotations": [...]} as JSON.
"""
import base64
import datetime
import hashlib
import json
import struct
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

WORKFLOW = "https://github.com/stowage-test/app/.github/workflows/release.yml@refs/tags/v1.2.0"
ISSUER = "https://token.actions.githubusercontent.com"
FULCIO = "1.3.6.1.4.1.57264.1."
SCT_LIST = x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
SPKI = serialization.PublicFormat.SubjectPublicKeyInfo


def b64(data):
    return base64.b64encode(data).decode()


def der_spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, SPKI)


def der_length(n):
    if n < 128:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def octet_string(data):
    return b"\x04" + der_length(len(data)) + data


def utf8(text):
    data = text.encode()
    return b"\x0c" + der_length(len(data)) + data


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


fulcio_key = ec.generate_private_key(ec.SECP384R1())
ct_key = ec.generate_private_key(ec.SECP256R1())
rekor_key = ec.generate_private_key(ec.SECP256R1())
ct_log_id = hashlib.sha256(der_spki(ct_key)).digest()
rekor_log_id = hashlib.sha256(der_spki(rekor_key)).digest()

fulcio_name = x509.Name(
    [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "stowage-test"),
        x509.NameAttribute(NameOID.COMMON_NAME, "stowage-test-fulcio"),
    ]
)
fulcio_cert = (
    x509.CertificateBuilder()
    .subject_name(fulcio_name)
    .issuer_name(fulcio_name)
    .public_key(fulcio_key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(NOW - datetime.timedelta(days=1))
    .not_valid_after(NOW + datetime.timedelta(days=365))
    .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
    .add_extension(
        x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
    )
    .add_extension(x509.SubjectKeyIdentifier.from_public_key(fulcio_key.public_key()), critical=False)
    .sign(fulcio_key, hashes.SHA384())
)


def leaf_builder(key, start, serial, extensions):
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(fulcio_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(minutes=10))
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(fulcio_key.public_key()), critical=False
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(WORKFLOW)]), critical=True
        )
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(FULCIO + "1"), ISSUER.encode()), critical=False)
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(FULCIO + "8"), utf8(ISSUER)), critical=False)
    )
    for e in extensions:
        builder = builder.add_extension(e, critical=False)
    return builder


def signing_certificate(key, start, with_sct=True):
    """A leaf as Fulcio issues it: the CT log signs the certificate without its SCT list (the
    precertificate's TBS), then the SCT goes in as the last extension."""
    serial = x509.random_serial_number()
    precert = leaf_builder(key, start, serial, []).sign(fulcio_key, hashes.SHA384())
    if not with_sct:
        return precert
    tbs = precert.tbs_certificate_bytes
    timestamp = int(start.timestamp() * 1000)
    issuer_key_hash = hashlib.sha256(der_spki(fulcio_key)).digest()
    signed = (
        b"\x00\x00"
        + struct.pack(">Q", timestamp)
        + b"\x00\x01"
        + issuer_key_hash
        + len(tbs).to_bytes(3, "big")
        + tbs
        + b"\x00\x00"
    )
    sig = ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    sct = b"\x00" + ct_log_id + struct.pack(">Q", timestamp) + b"\x00\x00" + b"\x04\x03" + struct.pack(">H", len(sig)) + sig
    sct_list = struct.pack(">H", len(sct) + 2) + struct.pack(">H", len(sct)) + sct
    ext = x509.UnrecognizedExtension(SCT_LIST, octet_string(sct_list))
    # The same fields (serial included) in the same order, so the TBS less the SCT list is
    # the one the log signed.
    final = leaf_builder(key, start, serial, [ext]).sign(fulcio_key, hashes.SHA384())
    assert final.tbs_precertificate_bytes == tbs, "the TBS less its SCT list must be the one logged"
    return final


def rekor_entry(payload, signature, cert_pem, integrated_time, log_index):
    body = canonical(
        {
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": {
                "data": {"hash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()}},
                "signature": {"content": b64(signature), "publicKey": {"content": b64(cert_pem)}},
            },
        }
    )
    entry = {
        "body": b64(body),
        "integratedTime": integrated_time,
        "logID": rekor_log_id.hex(),
        "logIndex": log_index,
    }
    set_ = rekor_key.sign(canonical(entry), ec.ECDSA(hashes.SHA256()))
    return {"SignedEntryTimestamp": b64(set_), "Payload": entry}


def sign(payload, variant, index):
    payload = payload.encode()
    key = ec.generate_private_key(ec.SECP256R1())
    # Fulcio's certificates live ten minutes; an expired one ended long before it was logged.
    start = NOW - datetime.timedelta(hours=2 if variant == "expired" else 0, minutes=1)
    cert = signing_certificate(key, start, with_sct=variant != "no-sct")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    logged_at = int(NOW.timestamp())
    logged_payload, logged_signature = payload, signature
    if variant == "other-entry":
        logged_payload = payload + b" "
        logged_signature = key.sign(logged_payload, ec.ECDSA(hashes.SHA256()))
    bundle = rekor_entry(logged_payload, logged_signature, cert_pem, logged_at, 1000 + index)
    return {
        "dev.cosignproject.cosign/signature": b64(signature),
        "dev.sigstore.cosign/certificate": cert_pem.decode(),
        "dev.sigstore.cosign/chain": fulcio_cert.public_bytes(serialization.Encoding.PEM).decode(),
        "dev.sigstore.cosign/bundle": json.dumps(bundle),
    }


def log(base_url, key):
    """A transparency log's entry in a trusted root: its key, and its id (the key's SHA-256)."""
    return {
        "baseUrl": base_url,
        "hashAlgorithm": "SHA2_256",
        "publicKey": {
            "rawBytes": b64(der_spki(key)),
            "keyDetails": "PKIX_ECDSA_P256_SHA_256",
            "validFor": {"start": "2020-01-01T00:00:00Z"},
        },
        "logId": {"keyId": b64(hashlib.sha256(der_spki(key)).digest())},
    }


out_dir, requests = sys.argv[1], json.loads(sys.argv[2])
root = {
    "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    "tlogs": [log("https://rekor.stowage.test", rekor_key)],
    "certificateAuthorities": [
        {
            "subject": {"organization": "stowage-test", "commonName": "stowage-test-fulcio"},
            "uri": "https://fulcio.stowage.test",
            "certChain": {"certificates": [{"rawBytes": b64(fulcio_cert.public_bytes(serialization.Encoding.DER))}]},
            "validFor": {"start": "2020-01-01T00:00:00Z"},
        }
    ],
    "ctlogs": [log("https://ctfe.stowage.test", ct_key)],
    "timestampAuthorities": [],
}
root_path = f"{out_dir}/trusted_root.json"
with open(root_path, "w") as f:
    json.dump(root, f, indent=2)
print(
    json.dumps(
        {
            "trustedRoot": root_path,
            "identity": WORKFLOW,
            "issuer": ISSUER,
            "annotations": [sign(r["payload"], r["variant"], i) for i, r in enumerate(requests)],
        }
    )
)
