#!/usr/bin/env bash
# Benchmark: how long `formc check` takes on the real DataPass files
# (../shared/reference/datapass-v2) and on our own definitions/, median of N
# runs after a warm-up. Also reports peak memory (GNU time's maxrss when
# available). Usage: tests/bench/bench_check.sh [RUNS] (default 15).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS="${1:-15}"
FORMC="${FORMC:-build/compiler/driver/formc}"
[[ -x "$FORMC" ]] || { echo "build formc first (scripts/build.sh)"; exit 2; }

median_ms() {  # runs a command RUNS times, prints "median min max" in ms
  local -a times=()
  "$@" >/dev/null 2>&1 || true  # warm-up (page cache)
  for ((i = 0; i < RUNS; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf "%s\n" "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "%.2f %.2f %.2f", t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000 }'
}

report() {
  local label="$1"; shift
  read -r med min max <<<"$(median_ms "$@")"
  local rss="n/a"
  if [[ "$(type -t "$1")" == file ]] && command -v /usr/bin/time >/dev/null; then
    rss="$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1) KiB"
  fi
  printf "%-48s median %8s ms  (min %s, max %s, %d runs)  peak RSS %s\n" "$label" "$med" "$min" "$max" "$RUNS" "$rss"
}

if [[ -d ../shared/reference/datapass-v2 ]]; then
  files=$(find ../shared/reference/datapass-v2 -name '*.yml' | wc -l)
  bytes=$(cat $(find ../shared/reference/datapass-v2 -name '*.yml') | wc -c)
  echo "corpus: $files YAML files, $bytes bytes"
  report "formc check ../shared/reference/datapass-v2" "$FORMC" check ../shared/reference/datapass-v2
  OUT="$(mktemp -d)"
  fresh_compile() { rm -rf "$OUT/full"; "$FORMC" compile ../shared/reference/datapass-v2 -o "$OUT/full" --quiet; }
  report "formc compile (full, into an empty directory)" fresh_compile
  "$FORMC" compile ../shared/reference/datapass-v2 -o "$OUT/noop" --quiet 2>/dev/null
  report "formc compile (no-op recompile)" "$FORMC" compile ../shared/reference/datapass-v2 -o "$OUT/noop" --quiet
  echo "outputs: $(find "$OUT/noop" -type f | wc -l) files, $(du -sh "$OUT/noop" | cut -f1)"
  rm -rf "$OUT"
else
  echo "SKIPPED: ../shared/reference/datapass-v2 is absent"
fi
report "formc check definitions" "$FORMC" check definitions
report "formc dump-ir definitions" "$FORMC" dump-ir definitions
