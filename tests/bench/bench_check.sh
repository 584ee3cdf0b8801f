#!/usr/bin/env bash
# Benchmark: formc check / compile on the real DataPass files
# (../shared/reference/datapass-v2), on that corpus replicated ×10 and ×100
# under new ids (tests/bench/make_corpus.py), and on our own definitions/,
# with yaml-cpp parsing the same files (tests/bench/yaml/yaml_floor) as the
# floor, in the same run. Median of N runs after a warm-up; the load average
# is printed first (the machine may be shared).
#
#   tests/bench/bench_check.sh [RUNS]      (default 15; ×100 uses RUNS/5, at least 3)
#   SCALES="10" tests/bench/bench_check.sh  (the replicated corpora to measure; default "10 100")
#
# Compile figures, for each corpus: full (into a directory never used
# before), no-op (inputs unchanged: formc recognises it before reading any
# YAML, 0 files written), touch-one (le_taxi.yml's name edited before each
# compile: every input is loaded and checked again, only le_taxi's definition
# is regenerated, the outputs that name every definition are generated again,
# only the changed files written; its summary line says how many files were
# generated, written and kept, and how many definitions were regenerated).
# The phases of one full and one touch-one compile (FORMC_TIMINGS=1) follow.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-15}"
FORMC="${FORMC:-build/compiler/driver/formc}"
YAML_FLOOR="${YAML_FLOOR:-$(dirname "$FORMC")/../../tests/bench/yaml/yaml_floor}"
[[ -x "$FORMC" ]] || { echo "build formc first (scripts/build.sh)"; exit 2; }
[[ -x "$YAML_FLOOR" ]] || { echo "build yaml_floor first (cmake --build build --target yaml_floor)"; exit 2; }
FORMC="$(cd "$(dirname "$FORMC")" && pwd)/$(basename "$FORMC")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

median_ms() {  # runs a command RUNS times, prints "median min max" in ms
  local runs="$1"; shift
  local -a times=()
  "$@" >/dev/null 2>&1 || true  # warm-up (page cache)
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf "%s\n" "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.1f %.1f %.1f", t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000 }'
}

report() {  # LABEL RUNS COMMAND...
  local label="$1" runs="$2"; shift 2
  read -r med min max <<<"$(median_ms "$runs" "$@")"
  printf "%-58s median %8s ms  (min %s, max %s, %d runs)\n" "$label" "$med" "$min" "$max" "$runs"
}

# Full compiles write into directories never used before (a directory
# deleted just before makes ext4 slower to create files: not formc's time).
# For the same reason, after the outputs of a corpus are deleted, the next
# corpus waits: ext4 does not reuse an inode freed in the last 30 s or so and
# scans its bitmaps for others, which made file creation (kernel time) several
# times slower right after the ×100 outputs (1.8 GB) were deleted.
settle() { sleep 35; }
fresh=0
fresh_compile() {  # runs in report's subshell: `fresh` counts within one report
  fresh=$((fresh + 1))
  "$FORMC" compile "$1" -o "$WORK/full-$fresh" --quiet
}

# The summary line of one compile ("N files: W written, ...").
summary() { "$FORMC" compile "$1" -o "$2" 2>&1 >/dev/null | grep -E '^formc: [0-9]+ files' || true; }

# Phases of one compile (FORMC_TIMINGS=1).
phases() { FORMC_TIMINGS=1 "$FORMC" compile "$1" -o "$2" --quiet 2>&1 >/dev/null | grep -E '^formc: timings' | sed 's/^formc: timings: //' || true; }

bench_root() {  # LABEL ROOT RUNS (ROOT is a copy of our own: touch-one edits it)
  local label="$1" root="$2" runs="$3"
  local files bytes
  mapfile -t yml < <(find "$root" -name '*.yml' | sort)
  files=${#yml[@]}
  bytes=$(cat "${yml[@]}" | wc -c)
  echo "-- $label: $files YAML files, $bytes bytes"
  read -r med min max nodes <<<"$("$YAML_FLOOR" "$runs" "${yml[@]}")"
  printf "%-58s median %8s ms  (min %s, max %s, %d runs)\n" "floor: yaml-cpp parse of the same files" "$med" "$min" "$max" "$runs"
  report "formc check" "$runs" "$FORMC" check "$root"
  report "formc compile, full (into an unused directory)" "$runs" fresh_compile "$root"
  echo "   full phases: $(phases "$root" "$WORK/phases-$label")"
  local out="$WORK/noop-$label"
  "$FORMC" compile "$root" -o "$out" --quiet 2>/dev/null
  report "formc compile, no-op (inputs unchanged)" "$runs" "$FORMC" compile "$root" -o "$out" --quiet
  echo "   no-op: $(summary "$root" "$out")"
  # Touch one definition: le_taxi.yml rewritten (new mtime) before each
  # compile, its content alternating between two versions.
  local target="$root/authorization_definitions/le_taxi.yml"
  cp "$target" "$WORK/le_taxi.a"
  sed 's/^  name: .*/  name: "le.taxi (bis)"/' "$target" > "$WORK/le_taxi.b"
  flip=0
  touch_one() {
    flip=$((1 - flip))
    if ((flip)); then cp "$WORK/le_taxi.b" "$target"; else cp "$WORK/le_taxi.a" "$target"; fi
    "$FORMC" compile "$root" -o "$out" --quiet
  }
  report "formc compile, touch one definition (le_taxi.yml)" "$runs" touch_one
  # (report runs touch_one in a subshell: which version was compiled last is not known here.)
  cp "$WORK/le_taxi.a" "$target"
  "$FORMC" compile "$root" -o "$out" --quiet 2>/dev/null
  cp "$WORK/le_taxi.b" "$target"
  echo "   touch-one: $(summary "$root" "$out")"
  cp "$WORK/le_taxi.a" "$target"
  echo "   touch-one phases: $(phases "$root" "$out")"
  rm -rf "$WORK"/full-* "$WORK/phases-$label" "$out"
  settle
}

uptime
if [[ -d ../shared/reference/datapass-v2 ]]; then
  SHARED=../shared/reference/datapass-v2
  cp -r "$SHARED" "$WORK/x1"
  bench_root "shared corpus" "$WORK/x1" "$RUNS"
  rm -rf "$WORK/x1"
  for n in ${SCALES-10 100}; do
    FORMC="$FORMC" python3 tests/bench/make_corpus.py "$SHARED" "$n" "$WORK/x$n" >/dev/null
    runs=$RUNS
    ((n == 100)) && runs=$(((RUNS + 4) / 5 < 3 ? 3 : (RUNS + 4) / 5))
    bench_root "shared corpus ×$n" "$WORK/x$n" "$runs"
    rm -rf "$WORK/x$n"
  done
else
  echo "SKIPPED: ../shared/reference/datapass-v2 is absent"
fi
report "formc check definitions" "$RUNS" "$FORMC" check definitions
report "formc dump-ir definitions" "$RUNS" "$FORMC" dump-ir definitions
uptime
