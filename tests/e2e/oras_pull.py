# Pulls an artifact with oras-py from a registry with htpasswd auth (credentials from ORAS_USER
# and ORAS_PASS, never the command line), for the drop tests to compare what arrived.
# Usage: python3 oras_pull.py '{"host":..,"target":"repo@digest","outdir":..}'
# Prints "STOWAGE-RESULT {"files": [...]}" as its last line.
import json
import sys

import oras.client

args = json.loads(sys.argv[-1])
client = oras.client.OrasClient(hostname=args["host"], insecure=True, auth_backend="basic")
files = client.pull(target=f'{args["host"]}/{args["target"]}', outdir=args["outdir"])
print("STOWAGE-RESULT " + json.dumps({"files": files}))
