# shellcheck shell=bash
# Part "blob": a BENCH_BLOB_SIZE blob from a loopback docker-registry, `stowage blob -o` against
# `curl | tee | sha256sum` (and the same with `openssl dgst -sha256`), rounds alternating.

# POST an upload, then PUT the bytes to its Location with the digest (2.8 has no single POST).
push_blob() {
  local file=$1 digest=$2 location url status
  location=$(curl -sf -X POST -D - -o /dev/null "http://$host/v2/bench/blobs/uploads/" |
    tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')
  [ -n "$location" ] || die "no upload Location from POST /v2/bench/blobs/uploads/"
  case $location in
    http://* | https://*) url=$location ;;
    /*) url=http://$host$location ;;
    *) url=http://$host/v2/bench/blobs/uploads/$location ;;
  esac
  case $url in
    *\?*) url="$url&digest=$digest" ;;
    *) url="$url?digest=$digest" ;;
  esac
  # -T streams the file; --data-binary would read all of it into memory first.
  status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT \
    -H 'Content-Type: application/octet-stream' -T "$file" "$url")
  [ "$status" = 201 ] || die "blob PUT answered $status"
}

bench_blob() {
  begin_part
  local size hex digest url i tool t0 push_time tools="curl stowage"
  say "blob: writing $blob_size of random bytes"
  head -c "$blob_size" /dev/urandom >blob.bin
  size=$(stat -c %s blob.bin)
  hex=$(hash_of blob.bin)
  digest=sha256:$hex
  url=http://$host/v2/bench/blobs/$digest
  t0=$(date +%s.%N)
  push_blob blob.bin "$digest"
  push_time=$(elapsed "$t0" "$(date +%s.%N)")
  rm -f blob.bin
  # A second reference with a SHA-NI hash: coreutils' sha256sum has none, and on this kind of
  # machine it, not the network or the disk, sets the first reference's pace.
  [ -n "$have_openssl" ] && tools="$tools openssl"

  for i in $(seq 1 "$rounds"); do
    # shellcheck disable=SC2086  # a list of tools
    for tool in $(rotate "$i" $tools); do
      rm -f out.bin
      case $tool in
        curl) timed_download blob.curl sha256sum "$url" out.bin "$hex" ;;
        openssl) timed_download blob.openssl openssl "$url" out.bin "$hex" ;;
        stowage)
          # It verifies digest and size itself and exits non-zero on a mismatch.
          timed blob.stowage "$stowage" blob "$host/bench@$digest" -o out.bin
          if [ "$i" = 1 ]; then
            # Once, outside the timing: the file stowage left is the blob.
            [ "$(hash_of out.bin)" = "$hex" ] || die "stowage's file does not hash to $digest"
          fi
          ;;
      esac
      [ "$(stat -c %s out.bin)" = "$size" ] || die "round $i: $tool wrote the wrong size"
      say "blob: round $i/$rounds: $tool $last_wall s"
    done
  done
  rm -f out.bin

  # Phases, once each, to show where the time goes: the transfer alone, hashing alone.
  say "blob: phases (transfer alone, hashing alone)"
  local data_file
  data_file=$(find "$work/registry/data" -path "*/$hex/data" | head -n1)
  timed blob.transfer curl -sf -o /dev/null "$url"
  timed_stdout=/dev/null timed blob.stdout "$stowage" blob "$host/bench@$digest"
  timed_stdout=/dev/null timed blob.sha256sum sha256sum "$data_file"
  [ -n "$have_openssl" ] && timed blob.openssl-hash openssl dgst -sha256 "$data_file"

  title "Blob download: $blob_size ($size bytes), loopback docker-registry, $rounds alternating rounds"
  series blob.curl "reference: \`curl \| tee \| sha256sum\`"
  [ -n "$have_openssl" ] && series blob.openssl "second reference: \`curl \| tee \| openssl dgst -sha256\`"
  series blob.stowage "\`stowage blob -o\`"
  compare blob.stowage blob.curl "ratio of medians stowage / reference" 1.10 rounds
  [ -n "$have_openssl" ] && compare blob.stowage blob.openssl "ratio of medians stowage / second reference (openssl)"
  limit blob.stowage rss 64 "stowage's peak RSS"
  note "phases, once each: \`curl -o /dev/null\` (transfer alone) {transfer}; \`sha256sum\` of the stored blob (hashing alone) {sha}; \`openssl dgst -sha256\` of it {openssl}; \`stowage blob\` to stdout (>/dev/null) {stdout}, {stdout_rss}" \
    "transfer=s:$(med blob.transfer 1)" "sha=s:$(med blob.sha256sum 1)" \
    "openssl=s:$( [ -n "$have_openssl" ] && med blob.openssl-hash 1 || echo null)" \
    "stdout=s:$(med blob.stdout 1)" "stdout_rss=kib:$(med blob.stdout 2)"
  note "setup: curl push of the blob (POST, then PUT ?digest=) {push}" "push=s:$push_time"
  note "pipelines are timed as \`bash -c '…'\`, and their peak RSS is their largest process's"
  end_part
}
