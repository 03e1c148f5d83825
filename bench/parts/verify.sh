# shellcheck shell=bash
# Part "verify": BENCH_SIGNATURES keyless cosign signatures on one artifact's `.sig` tag in a
# loopback docker-registry (bench/keyless-signatures; signed by the private Sigstore of
# tests/it/private_sigstore.py), `stowage verify` with its trusted root, identity and issuer,
# beside `stowage graph` of the same reference: the walk that verification starts with.

bench_verify() {
  local count=${BENCH_SIGNATURES:-100} made root identity issuer n r tool
  begin_part
  say "verify: pushing an artifact and $count keyless signatures"
  head -c 4096 /dev/urandom >artifact
  "$stowage" push "$host/bench/app:v1" artifact >/dev/null
  mkdir sigstore
  made=$(python3 "$bench_dir/keyless-signatures" "$host" bench/app v1 "$count" "$PWD/sigstore")
  read -r root identity issuer < <(echo "$made" | python3 -c 'import json, sys
v = json.load(sys.stdin)
print(v["trustedRoot"], v["identity"], v["issuer"])')
  local reference=$host/bench/app:v1
  local verify_args=(verify "$reference" --trusted-root "$root" --certificate-identity "$identity"
    --certificate-oidc-issuer "$issuer" --output json)
  # Outside the timing: every signature verifies, so the timed runs do the whole check.
  n=$("$stowage" "${verify_args[@]}" | python3 -c 'import json, sys
print(sum(s["verified"] for s in json.load(sys.stdin)["signatures"]))')
  [ "$n" = "$count" ] || die "verify: $n of $count signatures verified"
  for r in $(seq 1 "$rounds"); do
    for tool in $(rotate "$r" graph verify); do
      case $tool in
        graph) timed verify.graph "$stowage" graph "$reference" --output json ;;
        verify) timed verify.all "$stowage" "${verify_args[@]}" ;;
      esac
    done
  done
  title "Verifying $count keyless signatures"
  series verify.graph "\`stowage graph\` (the walk alone)"
  series verify.all "\`stowage verify\`: walk, read and verify $count signatures"
  note "$rounds rounds, alternating; each signature a Fulcio certificate with an embedded SCT, a Rekor entry with its SET, checked against the private trusted root, identity and issuer; manifests come from Stowage's cache after the first round, as they would in use"
  end_part
}
