# shellcheck shell=bash
# Part "pull": BENCH_BLOB_SIZE to disk, `stowage pull` against `curl | tee | sha256sum` (and
# openssl), `skopeo copy` to a layout, and oras-py.

bench_pull() {
  begin_part
  local tools="stowage curl" i tool size hex url
  [ -n "$have_openssl" ] && tools="$tools openssl"
  [ -n "$have_skopeo" ] && tools="$tools skopeo"
  [ -n "$have_oras" ] && tools="$tools oras"
  say "pull: writing $blob_size of fresh random bytes, pushing it"
  head -c "$blob_size" /dev/urandom >blob.bin
  size=$(stat -c %s blob.bin)
  hex=$(hash_of blob.bin)
  "$stowage" push "$host/pull:v1" blob.bin --no-created >/dev/null
  expect_stored "$hex" "$size" "the pull bench's setup push"
  rm -f blob.bin
  url="http://$host/v2/pull/blobs/sha256:$hex"
  for i in $(seq 1 "$rounds"); do
    # shellcheck disable=SC2086  # a list of tools
    for tool in $(rotate "$i" $tools); do
      rm -rf out out.bin
      case $tool in
        stowage)
          timed pull.stowage "$stowage" pull "$host/pull:v1" -o out
          [ "$(stat -c %s out/blob.bin)" = "$size" ] || die "stowage pull wrote the wrong size"
          if [ "$i" = 1 ]; then
            [ "$(hash_of out/blob.bin)" = "$hex" ] || die "stowage pull's file does not hash to sha256:$hex"
          fi
          ;;
        curl) timed_download pull.curl sha256sum "$url" out.bin "$hex" ;;
        openssl) timed_download pull.openssl openssl "$url" out.bin "$hex" ;;
        skopeo)
          timed pull.skopeo skopeo copy --insecure-policy --src-tls-verify=false "docker://$host/pull:v1" "oci:out:v1"
          [ "$(stat -c %s "out/blobs/sha256/$hex")" = "$size" ] || die "skopeo's layout lacks the blob"
          ;;
        oras)
          timed pull.oras "$oras_python" "$bench_dir/oras-client" pull "$host" "$host/pull:v1" out
          [ "$(stat -c %s out/blob.bin)" = "$size" ] || die "oras-py pull wrote the wrong size"
          if [ "$i" = 1 ]; then
            [ "$(hash_of out/blob.bin)" = "$hex" ] || die "oras-py pull's file does not hash to sha256:$hex"
          fi
          ;;
      esac
      say "pull: round $i: $tool $last_wall s"
    done
    rm -rf out out.bin
  done
  # Phase: the transfer alone.
  timed pull.transfer curl -sf -o /dev/null "$url"

  title "Pull of $blob_size ($size bytes) to disk, $rounds rounds, tools alternating"
  series pull.curl "reference: \`curl \| tee FILE \| sha256sum\`"
  [ -n "$have_openssl" ] && series pull.openssl "second reference: \`curl \| tee FILE \| openssl dgst -sha256\`"
  series pull.stowage "\`stowage pull -o DIR\`"
  series pull.skopeo "\`skopeo copy docker://… oci:DIR\`"
  series pull.oras "oras-py \`pull\` (writes, does not verify)"
  compare pull.stowage pull.curl "ratio of medians stowage / \`curl | tee | sha256sum\`" 1.10 rounds
  [ -n "$have_openssl" ] && compare pull.stowage pull.openssl "ratio of medians stowage / \`curl | tee | openssl dgst -sha256\`" 1.10
  [ -n "$have_skopeo" ] && compare pull.stowage pull.skopeo "stowage / skopeo"
  [ -n "$have_oras" ] && compare pull.stowage pull.oras "stowage / oras-py"
  note "phase: \`curl -o /dev/null\` of the blob (the transfer alone) {transfer}" "transfer=s:$(med pull.transfer 1)"
  note "the curl pipelines fetch the blob by digest (1 request); the other tools resolve the tag first; pipelines are timed as \`bash -c '…'\`, and their peak RSS is their largest process's"
  end_part
}
