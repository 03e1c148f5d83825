#!/usr/bin/env python3
"""expand_sbom.py spdx|cyclonedx IN OUT [--packages N] [--files-per-package F]

Makes a large SBOM out of a real one (bench/sbom): the real document's packages (SPDX) or
components (CycloneDX) are repeated, copy k renamed NAME-copyK with its own SPDXID or bom-ref and
purl, until there are N of them (default 100,000); the real dependencies are repeated among each
copy's packages (a relationship or dependsOn whose other end is not in a partial last copy is
left out). The document's own fields (version, creation info, namespace) are kept, so it still
says what made it.

SPDX also gets F files per package (default 5: 500,000 for 100,000 packages), each with what
SPDX 2.3 asks of a file (a name, an SPDXID, a SHA1 checksum) and licence and copyright fields;
even-numbered packages list theirs in hasFiles (filesAnalyzed true), odd-numbered ones through
CONTAINS relationships, so both ways a document ties files to packages are read. CycloneDX gets
no files (a file is a component there, so it would only be more components).

The output is compact JSON with one array element a line (indented by 2 as npm writes it, the
SPDX one would be about 480 MB, near Stowage's 512 MiB cap on an SBOM), and deterministic: the
same input gives the same bytes. It is written as it is made: the generator holds the real
document, not the output.
"""

import argparse
import hashlib
import json
import sys


def dumps(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def write_head(out, head):
    """The document's own fields, one a line, after the opening brace (no trailing comma)."""
    out.write("{\n" + ",\n".join(f"{dumps(k)}:{dumps(v)}" for k, v in head.items()))


class ArrayWriter:
    """Writes a JSON array under KEY of the top object, one compact element a line."""

    def __init__(self, out, key):
        self.out, self.first = out, True
        out.write(f",\n{dumps(key)}:[")

    def add(self, obj):
        self.out.write(("\n" if self.first else ",\n") + dumps(obj))
        self.first = False

    def close(self):
        self.out.write("]" if self.first else "\n]")


def copy_name(name, k):
    return name if k == 0 else f"{name}-copy{k}"


def copy_purl(purl, name, new_name):
    """pkg:npm/%40scope/name@1.0 -> pkg:npm/%40scope/name-copyK@1.0."""
    if not purl or name == new_name:
        return purl
    at = purl.rfind("@")
    head, tail = (purl[:at], purl[at:]) if at > len("pkg:") else (purl, "")
    return head + new_name[len(name):] + tail


def copies(count, n):
    """(k, index) for the first n of copies of `count` originals: copy 0 first, then 1, ..."""
    for i in range(n):
        yield i // count, i % count


def spdx(real, out, n, files_per_package):
    packages = real.get("packages") or []
    relationships = real.get("relationships") or []
    if not packages:
        sys.exit("expand_sbom: the SPDX document has no packages")
    head = {k: v for k, v in real.items() if k not in ("packages", "files", "relationships")}
    head["name"] = f'{real.get("name", "sbom")} expanded to {n} packages'
    write_head(out, head)

    count = len(packages)
    full_copies, rest = divmod(n, count)
    in_last = {p["SPDXID"] for p in packages[:rest]}
    ids_of = {}  # (k, SPDXID) -> new SPDXID, for relationships

    def new_id(spdx_id, k):
        return spdx_id if k == 0 else f"{spdx_id}-copy{k}"

    def file_ids(i):
        return [f"SPDXRef-File-{i * files_per_package + j}" for j in range(files_per_package)]

    w = ArrayWriter(out, "packages")
    for i, (k, idx) in enumerate(copies(count, n)):
        p = dict(packages[idx])
        name = p.get("name") or "package"
        new_name = copy_name(name, k)
        p["name"] = new_name
        p["SPDXID"] = new_id(p["SPDXID"], k)
        if "packageFileName" in p and k:
            p["packageFileName"] = p["packageFileName"] + f"-copy{k}"
        if p.get("externalRefs"):
            p["externalRefs"] = [
                dict(r, referenceLocator=copy_purl(r.get("referenceLocator"), name, new_name))
                if r.get("referenceType") == "purl"
                else r
                for r in p["externalRefs"]
            ]
        if files_per_package and i % 2 == 0:
            p["filesAnalyzed"] = True
            p["hasFiles"] = file_ids(i)
        w.add(p)
    w.close()

    if files_per_package:
        w = ArrayWriter(out, "files")
        for i, (k, idx) in enumerate(copies(count, n)):
            base = packages[idx].get("packageFileName") or packages[idx].get("name") or "pkg"
            if k:
                base += f"-copy{k}"
            for j, file_id in enumerate(file_ids(i)):
                file_name = f"./{base}/lib/file{j}.js"
                seed = file_name.encode()
                w.add(
                    {
                        "fileName": file_name,
                        "SPDXID": file_id,
                        "checksums": [
                            {"algorithm": "SHA1", "checksumValue": hashlib.sha1(seed).hexdigest()},
                        ],
                        "licenseConcluded": "NOASSERTION",
                        "copyrightText": "NOASSERTION",
                    }
                )
        w.close()

    w = ArrayWriter(out, "relationships")
    for k in range(full_copies + (1 if rest else 0)):
        partial = k == full_copies
        for r in relationships:
            a, b = r.get("spdxElementId"), r.get("relatedSpdxElement")
            if r.get("relationshipType") == "DESCRIBES":  # the document describes copy 0's root
                if k == 0:
                    w.add(r)
                continue
            if partial and not (a in in_last and b in in_last):
                continue
            w.add(dict(r, spdxElementId=new_id(a, k), relatedSpdxElement=new_id(b, k)))
    if files_per_package:
        for i, (k, idx) in enumerate(copies(count, n)):
            if i % 2 == 1:
                pkg_id = new_id(packages[idx]["SPDXID"], k)
                for file_id in file_ids(i):
                    w.add(
                        {
                            "spdxElementId": pkg_id,
                            "relatedSpdxElement": file_id,
                            "relationshipType": "CONTAINS",
                        }
                    )
    w.close()
    out.write("\n}\n")


def cyclonedx(real, out, n):
    components = real.get("components") or []
    dependencies = real.get("dependencies") or []
    if not components:
        sys.exit("expand_sbom: the CycloneDX document has no components")
    head = {k: v for k, v in real.items() if k not in ("components", "dependencies")}
    write_head(out, head)

    count = len(components)
    full_copies, rest = divmod(n, count)
    in_last = {c.get("bom-ref") for c in components[:rest]}
    root = ((real.get("metadata") or {}).get("component") or {}).get("bom-ref")
    name_of = {c.get("bom-ref"): c.get("name") or "component" for c in components}

    def new_ref(ref, k):
        if k == 0 or ref == root or ref not in name_of:
            return ref
        name = name_of[ref]
        # npm's bom-refs are NAME@VERSION: keep that shape.
        return copy_name(name, k) + ref[len(name):] if ref.startswith(name) else f"{ref}-copy{k}"

    w = ArrayWriter(out, "components")
    for k, idx in copies(count, n):
        c = dict(components[idx])
        name = c.get("name") or "component"
        new_name = copy_name(name, k)
        c["bom-ref"] = new_ref(c.get("bom-ref"), k)
        c["name"] = new_name
        if c.get("purl"):
            c["purl"] = copy_purl(c["purl"], name, new_name)
        w.add(c)
    w.close()

    w = ArrayWriter(out, "dependencies")
    for k in range(full_copies + (1 if rest else 0)):
        partial = k == full_copies
        for d in dependencies:
            ref = d.get("ref")
            if ref == root and k > 0:
                continue  # the root's own dependencies once, from copy 0
            if partial and ref != root and ref not in in_last:
                continue
            on = [x for x in d.get("dependsOn") or [] if not partial or x in in_last]
            w.add(dict(d, ref=new_ref(ref, k), dependsOn=[new_ref(x, k) for x in on]))
    w.close()
    out.write("\n}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("format", choices=["spdx", "cyclonedx"])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--packages", type=int, default=100_000)
    ap.add_argument("--files-per-package", type=int, default=5)
    args = ap.parse_args()
    with open(args.input, encoding="utf-8") as f:
        real = json.load(f)
    with open(args.output, "w", encoding="utf-8", buffering=1 << 20) as out:
        if args.format == "spdx":
            spdx(real, out, args.packages, args.files_per_package)
        else:
            cyclonedx(real, out, args.packages)


if __name__ == "__main__":
    main()
