# shellcheck shell=bash
# Part "push": a fresh BENCH_BLOB_SIZE file each round, `stowage push` against curl's POST + PUT
# `-T` with the digest known, `skopeo copy` from an OCI layout holding the file, and oras-py; and
# `stowage push --chunk-threshold` above the file's size (the file in one request).

bench_push() {
  # MiB: more than the file, so the diagnostic row sends it in one request.
  local single_threshold=$((($(numfmt --from=iec "$blob_size") >> 20) * 2 + 1))
  begin_part
  local tools="curl stowage single" i tool name size hex
  [ -n "$have_skopeo" ] && tools="$tools skopeo"
  [ -n "$have_oras" ] && tools="$tools oras"
  for i in $(seq 1 "$rounds"); do
    say "push: round $i/$rounds: writing $blob_size of fresh random bytes"
    name=blob-$i.bin
    head -c "$blob_size" /dev/urandom >"$name"
    size=$(stat -c %s "$name")
    hex=$(hash_of "$name")
    make_layout "layout-$i" "$name" "$hex" "$size"
    # shellcheck disable=SC2086  # a list of tools
    for tool in $(rotate "$i" $tools); do
      wipe_blobs
      case $tool in
        curl)
          timed push.curl "$bench_dir/curl-push" "$host" "push-curl-$i" "$name" "sha256:$hex"
          expect_stored "$hex" "$size" "curl"
          ;;
        stowage)
          # A first push: no record of where these bytes were seen, nor of the file's digest.
          rm -rf "$STOWAGE_CACHE_DIR/known-blobs"
          timed push.stowage "$stowage" push "$host/push-stowage-$i:v1" "$name" --no-created -o json
          [ "$(outcomes)" = "uploaded 1" ] || die "stowage push: blob outcome $(outcomes), not uploaded"
          expect_stored "$hex" "$size" "stowage push"
          ;;
        single)
          # Diagnostic: the same file in one request, whatever the default chunking.
          rm -rf "$STOWAGE_CACHE_DIR/known-blobs"
          timed push.single "$stowage" push "$host/push-single-$i:v1" "$name" --no-created -o json \
            --chunk-threshold "$single_threshold"
          [ "$(outcomes)" = "uploaded 1" ] || die "stowage push --chunk-threshold: blob outcome $(outcomes)"
          expect_stored "$hex" "$size" "stowage push --chunk-threshold $single_threshold"
          ;;
        skopeo)
          timed push.skopeo skopeo copy --insecure-policy --dest-tls-verify=false \
            "oci:layout-$i:v1" "docker://$host/push-skopeo-$i:v1"
          expect_stored "$hex" "$size" "skopeo copy"
          ;;
        oras)
          timed push.oras "$oras_python" "$bench_dir/oras-client" push "$host" "$host/push-oras-$i:v1" "$name"
          expect_stored "$hex" "$size" "oras-py push"
          ;;
      esac
      say "push: round $i: $tool $last_wall s"
    done
    rm -rf "$name" "layout-$i"
  done
  wipe_blobs

  title "Push of a fresh $blob_size file ($size bytes), $rounds rounds, tools alternating"
  series push.curl "reference: curl POST, then PUT \`-T\` with \`?digest=\` (digest known)"
  series push.stowage "\`stowage push --no-created\`"
  series push.single "(diagnostic) \`stowage push --chunk-threshold $single_threshold\`: one request"
  series push.skopeo "\`skopeo copy oci:LAYOUT docker://…\`"
  series push.oras "oras-py \`push\`"
  compare push.stowage push.curl "ratio of medians stowage / curl" 1.05 rounds
  compare push.stowage push.skopeo "stowage / skopeo" 1.0
  compare push.stowage push.oras "stowage / oras-py" 1.0
  limit push.stowage rss 64 "stowage's peak RSS"
  compare push.single push.curl "diagnostic, the file in one PATCH (\`--chunk-threshold $single_threshold\` MiB) / curl"
  note "the default row's PATCH count shows how the default sends the file"
  note "round 1, stowage: the registry spent {busy} on its requests (summed \`http.response.duration\`) of {wall} wall" \
    "busy=s:$(busy_of push.stowage)" "wall=s:$(head -n1 "$work/runs/push.stowage" | cut -d' ' -f1)"
  note "content: new random bytes each round, pushed by every tool of the round, each to its own new repository; the registry's blob store is emptied before each push, and the blob's data file checked afterwards (each push uploaded it)"
  note "requests: all the registry logged while the command ran in round 1; stowage's, skopeo's and oras-py's include the config and the manifest, curl's are the blob alone"
  end_part
}
