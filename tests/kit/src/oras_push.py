# Pushes files as an OCI artifact with oras-py, for the interop tests (see peers.rs) and the
# end-to-end tests (with "auth": "basic": oras-py's basic auth backend
# reads the credentials from ORAS_USER and ORAS_PASS, never from the command line).
# Usage: python3 oras_push.py '{"host":..,"target":"repo:tag","files":[[path,type]],"subject":{..}|null,"auth":"basic"?}'
# Prints "STOWAGE-RESULT {"digest": ...}" as its last line: the pushed manifest's digest.
import json
import sys

import oras.client
import oras.oci

args = json.loads(sys.argv[-1])
client = oras.client.OrasClient(hostname=args["host"], insecure=True, auth_backend=args.get("auth") or "token")
subject = None
if args.get("subject"):
    s = args["subject"]
    subject = oras.oci.Subject(mediaType=s["mediaType"], digest=s["digest"], size=s["size"])
response = client.push(
    f'{args["host"]}/{args["target"]}',
    files=[f"{path}:{media_type}" for path, media_type in args["files"]],
    subject=subject,
    # Test files live in temp directories, not under the working directory.
    disable_path_validation=True,
    quiet=True,
)
digest = response.headers.get("Docker-Content-Digest")
print("STOWAGE-RESULT " + json.dumps({"digest": digest, "status": response.status_code}))
