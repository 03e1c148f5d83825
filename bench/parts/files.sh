# shellcheck shell=bash
# Part "files": the files of a layer, `stowage ls` of a BENCH_BLOB_SIZE gzip layer in a layout
# beside `tar tzf` of the same bytes, and the second look, from the entry index.

bench_files() {
  begin_part no-registry
  mkdir tree
  local total count=2000 each i tool hex size expected listed
  total=$(numfmt --from=iec "$blob_size")
  each=$((total / count))
  say "files: writing $count files of $each bytes of base64 text, then tar | gzip"
  # Text, so the layer compresses as real ones do and both tools do real inflating.
  # base64 ends on SIGPIPE when head has enough; under pipefail that is not a failure here.
  for i in $(seq 1 "$count"); do { base64 -w 76 /dev/urandom || true; } | head -c "$each" >"tree/f$i.txt"; done
  tar -cf - -C tree . | gzip >layer.tar.gz
  rm -rf tree
  hex=$(hash_of layer.tar.gz)
  size=$(stat -c %s layer.tar.gz)
  make_layout layout layer.tar.gz "$hex" "$size"
  expected=$(tar tzf layer.tar.gz | wc -l)
  for i in $(seq 1 "$rounds"); do
    for tool in $(rotate "$i" stowage tar); do
      case $tool in
        stowage)
          # A first look: no entry index yet (this run writes it).
          rm -rf "$STOWAGE_CACHE_DIR/layer-entries"
          timed files.stowage "$stowage" ls "oci:layout:v1" --layer 1
          listed=$(wc -l <"$work/out")
          [ "$listed" = "$expected" ] || die "stowage ls listed $listed entries, tar tzf $expected"
          ;;
        tar) timed files.tar tar tzf "layout/blobs/sha256/$hex" ;;
      esac
      say "files: round $i: $tool $last_wall s"
    done
  done
  for i in $(seq 1 "$rounds"); do
    timed files.index "$stowage" ls "oci:layout:v1" --layer 1
    listed=$(wc -l <"$work/out")
    [ "$listed" = "$expected" ] || die "stowage ls from the index listed $listed entries, not $expected"
  done

  title "The files of a $(awk -v b="$total" 'BEGIN {printf "%.1f MiB", b / 1048576}') layer, $(awk -v b="$size" 'BEGIN {printf "%.1f MiB", b / 1048576}') gzipped ($expected entries), $rounds rounds"
  series files.stowage "\`stowage ls oci:LAYOUT:v1 --layer 1\` (first look: read, verified, listed, index written)"
  series files.tar "\`tar tzf\` of the same blob file"
  series files.index "\`stowage ls\` again (from the entry index)"
  compare files.stowage files.tar "stowage / tar tzf" 1.2
  limit files.index wall 0.1 "the second look"
  note "content: $count files of base64 text of random bytes, \`tar | gzip\` (level 6); stowage also checks the blob's sha256 as it reads, tar does not"
  end_part
}
