# shellcheck shell=bash
# Part "mount": the same BENCH_BLOB_SIZE in another repository of the same registry: `stowage cp`
# (a cross-repository mount), a second `stowage push` of the file (mounted from the record of
# where blobs were seen), skopeo's second copy, and curl's one mount request as the floor.

bench_mount() {
  begin_part
  local i tool size hex tools="cp push curl"
  say "mount: writing $blob_size of fresh random bytes, pushing it to mnt-a"
  head -c "$blob_size" /dev/urandom >blob.bin
  size=$(stat -c %s blob.bin)
  hex=$(hash_of blob.bin)
  # skopeo's layout links the same file: made first, since a new link changes the file's change
  # time, and a file whose stamp changed is hashed again (Stowage cannot tell it apart from an edit).
  [ -n "$have_skopeo" ] && make_layout layout blob.bin "$hex" "$size"
  rm -rf "$STOWAGE_CACHE_DIR/known-blobs"
  timed mount.first "$stowage" push "$host/mnt-a:v1" blob.bin --no-created -o json
  [ "$(outcomes)" = "uploaded 1" ] || die "stowage push to mnt-a: $(outcomes)"
  expect_stored "$hex" "$size" "stowage push to mnt-a"
  if [ -n "$have_skopeo" ]; then
    # skopeo's own first push, from a layout of the same bytes: its blob-info cache then knows
    # where they are, as Stowage's record does after its first push.
    timed mount.skopeo-first skopeo copy --insecure-policy --dest-tls-verify=false \
      "oci:layout:v1" "docker://$host/mnt-s0:v1"
    tools="$tools skopeo"
  fi
  for i in $(seq 1 "$rounds"); do
    # shellcheck disable=SC2086  # a list of tools
    for tool in $(rotate "$i" $tools); do
      case $tool in
        cp)
          timed mount.cp "$stowage" cp "$host/mnt-a:v1" "$host/mnt-b$i:v1"
          grep -aq "\"POST /v2/mnt-b$i/blobs/uploads/?mount=sha256:$hex&from=mnt-a HTTP/1.1\" 201" \
            "$work/registry/log" || die "stowage cp to mnt-b$i did not mount sha256:$hex"
          ;;
        push)
          timed mount.push "$stowage" push "$host/mnt-c$i:v1" blob.bin --no-created -o json
          [ "$(outcomes)" = "mounted 1" ] || die "stowage push to mnt-c$i: $(outcomes), not mounted"
          grep -aq "\"POST /v2/mnt-c$i/blobs/uploads/?mount=sha256:$hex&from=[a-z0-9-]* HTTP/1.1\" 201" \
            "$work/registry/log" || die "stowage push to mnt-c$i did not mount sha256:$hex"
          ;;
        skopeo)
          timed mount.skopeo skopeo copy --insecure-policy --dest-tls-verify=false \
            "oci:layout:v1" "docker://$host/mnt-s$i:v1"
          # c/image sorts the query (from= before mount=) and escapes the colon.
          grep -aEq "\"POST /v2/mnt-s$i/blobs/uploads/\\?from=[a-z0-9-]*&mount=sha256(:|%3A)$hex HTTP/1.1\" 201" \
            "$work/registry/log" ||
            die "skopeo's copy to mnt-s$i did not mount sha256:$hex; its requests: $(grep -ao "\"[A-Z]* /v2/mnt-s$i/[^\"]*\" [0-9]*" "$work/registry/log" | tr '\n' ' ')"
          ;;
        curl)
          # The floor: the one mount request, by curl.
          timed mount.curl curl -sf -o /dev/null -X POST \
            "http://$host/v2/mnt-d$i/blobs/uploads/?mount=sha256:$hex&from=mnt-a"
          grep -aq "\"POST /v2/mnt-d$i/blobs/uploads/?mount=sha256:$hex&from=mnt-a HTTP/1.1\" 201" \
            "$work/registry/log" || die "curl's mount into mnt-d$i was not a 201"
          ;;
      esac
      say "mount: round $i: $tool $last_wall s"
    done
  done

  title "The same $blob_size in another repository of the same registry, $rounds rounds"
  series mount.first "first push: \`stowage push\` to repository A (once)"
  series mount.cp "\`stowage cp HOST/A:v1 HOST/B:v1\` (mounts the config and the layer)"
  series mount.push "second \`stowage push\` of the same file to repository C (mounts from the record)"
  if [ -n "$have_skopeo" ]; then
    series mount.skopeo-first "skopeo's first \`copy oci:LAYOUT docker://…/S0\` (once)"
    series mount.skopeo "skopeo's second \`copy oci:LAYOUT docker://…/S\` (mounts from its blob-info cache)"
  fi
  series mount.curl "floor: curl, the one \`POST ?mount=&from=A\`"
  limit mount.cp wall 0.2 "\`stowage cp\`, median"
  note "every cp's layer was mounted (\`POST ?mount=…&from=mnt-a\` answered 201 in the registry's log)"
  limit mount.push wall 0.2 "the second \`stowage push\`, median"
  note "its outcome \`mounted\` and its \`POST ?mount=\` a 201 in every round: the file's digest came from the record of files hashed (same path, size, times, device, inode), the place from the record of where blobs were seen"
  [ -n "$have_skopeo" ] && compare mount.push mount.skopeo "stowage / skopeo, second push"
  end_part
}
