# shellcheck shell=bash
# What the benchmarks' shell parts share: timing a command, writing rows for bench/report, a
# loopback docker-registry, Stowage in an empty world. Sourced by bench/run and bench/sbom, which
# set `work` (a private temp folder), `rows` (the rows file) and `part` (the part being measured).

say() { echo "bench: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# Median of the numbers on stdin, one a line.
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# Seconds between two `date +%s.%N` readings.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", b - a}'; }

# --- rows (bench/report says what each kind means) ------------------------------------------------

emit() { jq -nc "$@" >>"$rows"; }
title() { emit --arg p "$part" --arg t "$1" --argjson l "${2:-3}" '{kind: "title", part: $p, text: $t, level: $l}'; }
# text|note TEXT [NAME=UNIT:VALUE]...: a paragraph or a bullet; each NAME fills "{NAME}" in TEXT
# with VALUE in UNIT as the report formats it (e.g. busy=s:1.25, rss=kib:40960, n=n:12).
prose() {
  local kind=$1 text=$2 values='{}' pair name unit value
  shift 2
  for pair in "$@"; do
    name=${pair%%=*} unit=${pair#*=}
    value=${unit#*:} unit=${unit%%:*}
    if [ "$unit" = n ]; then
      values=$(jq -c --arg n "$name" --argjson v "$value" '. + {($n): $v}' <<<"$values")
    else
      values=$(jq -c --arg n "$name" --arg u "$unit" --argjson v "$value" '. + {($n): {($u): $v}}' <<<"$values")
    fi
  done
  if [ "$values" = '{}' ]; then
    emit --arg k "$kind" --arg p "$part" --arg t "$text" '{kind: $k, part: $p, text: $t}'
  else
    emit --arg k "$kind" --arg p "$part" --arg t "$text" --argjson v "$values" \
      '{kind: $k, part: $p, text: $t, values: $v}'
  fi
}
text() { prose text "$@"; }
note() { prose note "$@"; }
# series SERIES LABEL [PER_BYTES]: a row of the part's timing table over SERIES' runs.
series() {
  emit --arg p "$part" --arg s "$1" --arg l "$2" --arg b "${3:-}" \
    '{kind: "series", part: $p, series: $s, label: $l} + (if $b == "" then {} else {per_bytes: ($b | tonumber)} end)'
}
# compare A B LABEL [TARGET] [rounds]: A's median wall over B's, judged against TARGET.
compare() {
  emit --arg p "$part" --arg a "$1" --arg b "$2" --arg l "$3" --arg t "${4:-}" --arg r "${5:-}" \
    '{kind: "compare", part: $p, a: $a, b: $b, label: $l}
     + (if $t == "" then {} else {target: ($t | tonumber)} end)
     + (if $r == "" then {} else {rounds: true} end)'
}
# limit SERIES MEASURE BELOW LABEL [PER_BYTES]: SERIES' median wall (s), peak RSS (MiB) or peak
# RSS per byte of a file (x) judged against BELOW.
limit() {
  emit --arg p "$part" --arg s "$1" --arg m "$2" --argjson b "$3" --arg l "$4" --arg n "${5:-}" \
    '{kind: "limit", part: $p, series: $s, measure: $m, below: $b, label: $l}
     + (if $n == "" then {} else {per_bytes: ($n | tonumber)} end)'
}

# --- timing --------------------------------------------------------------------------------------

clk_tck=$(getconf CLK_TCK)
registry_pid=""
# CPU time the registry has used so far, in clock ticks (0 when none runs).
registry_ticks() {
  if [ -n "$registry_pid" ]; then awk '{print $14 + $15}' "/proc/$registry_pid/stat"; else echo 0; fi
}

# timed SERIES CMD [ARG...]: runs CMD after a `sync` (so nobody pays for writing back another's
# files) under bench/timed (monotonic wall) around GNU time (peak RSS and CPU: measured by a small
# C program's fork, so Python's own pages before the exec do not count). Its stdout goes to
# $timed_stdout ($work/out unless a part sets it: /dev/null when the output is large and unread,
# since writing it to a file would time the disk's writeback), its stderr to $work/err. Writes a run row and sets last_wall and last_rss. With a
# registry running, the row has the registry's CPU meanwhile and, for SERIES' first run, the
# requests it logged (GET /v2/ included), whose log lines stay in $work/slices/SERIES.
timed() {
  local name=$1 t0 t1 wall rss user sys real registry l0=0 round requests=""
  shift
  sync
  mkdir -p "$work/slices" "$work/runs"
  [ -n "$registry_pid" ] && l0=$(wc -l <"$work/registry/log")
  t0=$(registry_ticks)
  if ! python3 "$bench_dir/timed" "$work/timed.out" \
    /usr/bin/time -f '%M %U %S' -o "$work/gnutime.out" "$@" >"${timed_stdout:-$work/out}" 2>"$work/err"; then
    say "$name failed: $*"
    tail -n 5 "$work/err" "$work/out" >&2 || true
    exit 1
  fi
  t1=$(registry_ticks)
  read -r wall _ _ _ real <"$work/timed.out"
  read -r rss user sys <"$work/gnutime.out"
  registry=$(awk -v t="$((t1 - t0))" -v hz="$clk_tck" 'BEGIN {printf "%.2f", t / hz}')
  last_wall=$wall last_rss=$rss
  echo "$wall $rss $user $sys $real $registry" >>"$work/runs/$name"
  round=$(wc -l <"$work/runs/$name")
  if [ -n "$registry_pid" ] && [ "$round" = 1 ]; then
    sleep 0.1 # the registry logs a request just after answering it
    tail -n +"$((l0 + 1))" "$work/registry/log" >"$work/slices/$name"
    requests=$(requests_of "$name")
  fi
  emit --arg p "$part" --arg s "$name" --argjson r "$round" --argjson w "$wall" --argjson k "$rss" \
    --argjson c "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" \
    --arg g "${registry_pid:+$registry}" --arg q "$requests" \
    '{kind: "run", part: $p, series: $s, round: $r, wall_s: $w, rss_kib: $k, cpu_s: $c}
     + (if $g == "" then {} else {registry_cpu_s: ($g | tonumber)} end)
     + (if $q == "" then {} else {requests: $q} end)'
}

# The requests of SERIES' first run: "N (HEAD a, PATCH b, ...)".
requests_of() {
  local n methods
  read -r n _ methods < <(python3 "$bench_dir/reglog" "$work/slices/$1" '*')
  echo "$n ($methods)"
}
# The time the registry spent on those requests (their summed durations), seconds.
busy_of() { python3 "$bench_dir/reglog" "$work/slices/$1" '*' | cut -d' ' -f2; }
# The median of column N of SERIES' runs (1 wall, 2 peak RSS KiB, 3 user CPU, 4 sys CPU, 5 wall
# on the real-time clock, 6 the registry's CPU), seconds or KiB.
med() { awk -v n="$2" '{print $n}' "$work/runs/$1" | median; }
# Runs whose wall clock disagrees with the monotonic one by more than 0.1 s (a clock step).
clock_steps() {
  cat "$work"/runs/* 2>/dev/null | awk '{d = $5 - $1; if (d > 0.1 || d < -0.1) n++} END {print n + 0}'
}

# The tools of round R, rotated so each goes first in turn: rotate R TOOL...
rotate() {
  local r=$1 k idx
  shift
  for ((k = 0; k < $#; k++)); do
    idx=$(((r - 1 + k) % $# + 1))
    echo "${!idx}"
  done
}

# timed_download SERIES sha256sum|openssl URL FILE HEX: the reference a shell script that verifies
# its download pays, `curl URL | tee FILE | HASHER`, timed as one command; its hash is checked.
timed_download() {
  local series=$1 hasher=$2 url=$3 file=$4 hex=$5
  # shellcheck disable=SC2016  # expanded by the inner bash
  case $hasher in
    sha256sum) timed "$series" bash -c 'curl -sf "$1" | tee "$2" | sha256sum' _ "$url" "$file" ;;
    openssl) timed "$series" bash -c 'curl -sf "$1" | tee "$2" | openssl dgst -sha256 -r' _ "$url" "$file" ;;
  esac
  [ "$(cut -d' ' -f1 "$work/out")" = "$hex" ] || die "$series: the bytes of curl | tee | $hasher do not hash to sha256:$hex"
}

# --- the registry and Stowage's world ------------------------------------------------------------

# begin_part [no-registry]: a part's start: its folder under $work (the current one until
# end_part), Stowage in an empty world, and a registry logging requests unless told otherwise.
begin_part() {
  if [ "${1:-}" != no-registry ]; then
    say "$part: starting docker-registry (logging requests)"
    start_registry
  fi
  isolate_stowage
  mkdir -p "$work/$part"
  cd "$work/$part"
}

end_part() {
  cd "$root_dir"
  stop_registry
}

# Starts docker-registry on a free loopback port (sets host, registry_pid). $1 is the log level:
# `info` (the default) logs every request with its duration, which the rows' requests come from.
start_registry() {
  local level=${1:-info} root=$work/registry port i
  mkdir -p "$root"
  # Pick a port nobody answers on; a race with another process binding it is caught below.
  for i in $(seq 1 20); do
    port=$((20000 + RANDOM % 40000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    cat >"$root/config.yml" <<EOF
version: 0.1
log: {level: $level}
storage:
  filesystem: {rootdirectory: $root/data}
  delete: {enabled: true}
http: {addr: 127.0.0.1:$port}
EOF
    /usr/bin/docker-registry serve "$root/config.yml" >"$root/log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 1 100); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/v2/"; then
        host=127.0.0.1:$port
        return 0
      fi
      kill -0 "$registry_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=""
    grep -q "address already in use" "$root/log" || die "docker-registry did not start: $(cat "$root/log")"
  done
  die "docker-registry: no free port found"
}

stop_registry() {
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=""
  fi
  rm -rf "$work/registry"
}

# Stowage sees an empty world: no settings, cache, or credentials of the user's.
isolate_stowage() {
  export STOWAGE_CONFIG_DIR=$work/config STOWAGE_CACHE_DIR=$work/cache STOWAGE_DATA_DIR=$work/data
  export DOCKER_CONFIG=$work/docker
  mkdir -p "$STOWAGE_CONFIG_DIR" "$STOWAGE_CACHE_DIR" "$STOWAGE_DATA_DIR" "$DOCKER_CONFIG"
}

# --- blobs, files and layouts --------------------------------------------------------------------

hash_of() {
  if [ -n "$have_openssl" ]; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else
    sha256sum "$1" | cut -d' ' -f1
  fi
}

blobs_dir() { echo "$work/registry/data/docker/registry/v2/blobs"; }
# Forgets every blob the registry stores (outside any timing), so the next push is a first upload
# for the registry too, and one that could not have been skipped or mounted: when the blob's data
# file is back afterwards, the timed tool sent it.
wipe_blobs() { rm -rf "$(blobs_dir)"; }
# The size of the registry's data file for sha256 HEX, or nothing.
stored_size() {
  local f
  f="$(blobs_dir)/sha256/${1:0:2}/$1/data"
  [ -f "$f" ] && stat -c %s "$f"
  return 0
}
expect_stored() { # HEX SIZE WHAT
  [ "$(stored_size "$1")" = "$2" ] || die "$3: the registry does not hold sha256:$1 ($2 bytes) afterwards"
}

# The blob outcomes in `stowage push -o json` output ($work/out), e.g. "uploaded 200".
outcomes() {
  python3 -c 'import collections, json, sys
c = collections.Counter(b["outcome"] for b in json.load(open(sys.argv[1]))["blobs"])
print(" ".join(f"{k} {v}" for k, v in sorted(c.items())))' "$work/out"
}

# An OCI layout holding FILE as the one layer of an artifact shaped like Stowage's (the empty
# config, the layer titled with the file's name), tagged v1. The layer is a hard link: nothing
# is copied, and skopeo reads the very bytes the other tools read.
make_layout() {
  local dir=$1 file=$2 hex=$3 size=$4 manifest mhex
  local empty=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
  mkdir -p "$dir/blobs/sha256"
  ln "$file" "$dir/blobs/sha256/$hex"
  printf '{}' >"$dir/blobs/sha256/$empty"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'
  manifest+='"artifactType":"application/vnd.unknown.artifact.v1",'
  manifest+='"config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:'$empty'","size":2},'
  manifest+='"layers":[{"mediaType":"application/octet-stream","digest":"sha256:'$hex'","size":'$size','
  manifest+='"annotations":{"org.opencontainers.image.title":"'$(basename "$file")'"}}]}'
  printf '%s' "$manifest" >"$dir/manifest.json"
  mhex=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1)
  mv "$dir/manifest.json" "$dir/blobs/sha256/$mhex"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$mhex" "${#manifest}" >"$dir/index.json"
}
