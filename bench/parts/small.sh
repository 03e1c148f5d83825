# shellcheck shell=bash
# Part "small": BENCH_SMALL_FILES files of 4-64 KiB as as many layers, `stowage push` with 1, 4
# (the default) and 8 blobs in flight against oras-py.

bench_small() {
  begin_part
  # c4 is the CLI's default (no flag); c1 and c8 set --concurrency.
  local tools="c1 c4 c8" i k tool files bytes=0 n b methods
  [ -n "$have_oras" ] && tools="$tools oras"
  for tool in $tools; do : >"$work/small.busy.$tool"; done
  for i in $(seq 1 "$rounds"); do
    mkdir "r$i"
    for k in $(seq -f '%03g' 0 $((small_files - 1))); do
      head -c $(((4 + RANDOM % 61) * 1024)) /dev/urandom >"r$i/f$k"
    done
    [ "$i" = 1 ] && bytes=$(du -sb r1 | cut -f1)
    cd "r$i"
    files=(f*)
    # shellcheck disable=SC2086  # a list of tools
    for tool in $(rotate "$i" $tools); do
      wipe_blobs
      # Each variant's first push of these files: no record of where the bytes were seen (the
      # blob store was just emptied under it) nor of the files' digests.
      rm -rf "$STOWAGE_CACHE_DIR/known-blobs"
      case $tool in
        c4)
          timed small.c4 "$stowage" push "$host/small-c4-$i:v1" "${files[@]}" --no-created -o json
          ;;
        c1 | c8)
          timed "small.$tool" "$stowage" push "$host/small-$tool-$i:v1" "${files[@]}" --no-created -o json \
            --concurrency "${tool#c}"
          ;;
        oras)
          timed small.oras "$oras_python" "$bench_dir/oras-client" push "$host" "$host/small-oras-$i:v1" "${files[@]}"
          ;;
      esac
      if [ "$tool" != oras ]; then
        [ "$(outcomes)" = "uploaded $small_files" ] || die "small: stowage ($tool) outcomes: $(outcomes)"
      fi
      read -r n b methods < <(python3 "$bench_dir/reglog" "$work/registry/log" "small-$tool-$i")
      case $methods in
        *"PUT $((small_files + 2))"*) ;;
        *) die "small: $tool's round $i logged $n requests ($methods), not $small_files blob PUTs + config + manifest" ;;
      esac
      echo "$b $last_wall" >>"$work/small.busy.$tool"
      say "small: round $i: $tool $last_wall s"
    done
    cd ..
    rm -rf "r$i"
  done

  title "Push of $small_files small files (4-64 KiB, $bytes bytes in all) as $small_files layers, $rounds rounds"
  series small.c1 "\`stowage push HOST/REPO:v1 f000 … f$(printf '%03d' $((small_files - 1))) --no-created --concurrency 1\` (c1)"
  series small.c4 "the same, default concurrency: 4 blobs in flight (c4)"
  series small.c8 "the same, \`--concurrency 8\` (c8)"
  series small.oras "oras-py \`push\` of the same files (one at a time)"
  compare small.c1 small.c4 "gain from parallel blobs, c1 / c4"
  compare small.c4 small.c8 "c4 / c8"
  if [ -n "$have_oras" ]; then
    compare small.oras small.c4 "oras-py / stowage c4"
    compare small.oras small.c1 "oras-py / stowage c1 (both one blob at a time)"
  fi
  for tool in $tools; do
    # Requests in flight at the registry: its summed request durations / wall. Cores busy: CPU
    # of client and registry together per second of wall. The registry's CPU per request it
    # served (round 1's request count).
    note "$tool, medians: {inflight} requests in flight at the registry, {cores} cores busy (client and registry CPU / wall, of $(nproc)), the registry's CPU per request {per_request}" \
      "inflight=n:$(awk '{print $1 / $2}' "$work/small.busy.$tool" | median)" \
      "cores=n:$(awk '{print ($3 + $4 + $6) / $1}' "$work/runs/small.$tool" | median)" \
      "per_request=ms:$(awk -v c="$(med "small.$tool" 6)" -v n="$(requests_of "small.$tool" | cut -d' ' -f1)" 'BEGIN {print c / n * 1000}')"
  done
  note "stowage hashes files ≤ 16 MiB before it sends anything and HEADs each blob first (skipped when present), as oras-py does"
  note "fresh random files each round, pushed by every variant to its own new repository; the registry's blob store is emptied before each push"
  end_part
}
