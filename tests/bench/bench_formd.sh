#!/usr/bin/env bash
# formd under load (wrk), next to nginx serving the same page as a static
# file, in one run. Targets: the ceiling (nginx, the wizard step page saved
# from formd), formd's wizard step page GET /demandes/{id}/etapes/basic_infos
# (logged in through the JSON API), POST /api/v1/forms/api-pro-sante-connect/
# validate?context=submit with a valid and an invalid document
# (tests/bench/formd/*.json), GET /healthz (the server floor) and GET / (the
# catalogue); then the step page, validate and /healthz through the
# supported deployment, nginx in front of formd (scripts/formd-nginx.sh). Prints wrk's output for each, then a Markdown table of requests/s
# and latency percentiles, and the machine facts.
#   tests/bench/bench_formd.sh [BUILD_DIR]    (default: build/ at the root)
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
# BENCH_WARMUP (2s before each measured run, 0 = none).
# Every response is checked (tests/bench/formd/check.lua: status and a marker
# in the body, since wrk itself only counts statuses >= 400); any unexpected
# response or socket error is reported and makes the exit status 1.
# Needs formd built (cmake --build BUILD_DIR --target formd), wrk, nginx, curl.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/bench/formd"
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench_formd: build directory '${1:-$root/build}' not found" >&2; exit 2; }
formd="$build/runtime/formd/formd"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-2s}
form=api-pro-sante-connect
step=basic_infos

[[ -x "$formd" ]] || { echo "bench_formd: $formd is not built: run cmake --build $build --target formd" >&2; exit 2; }
for tool in wrk nginx curl node; do
  command -v "$tool" >/dev/null || { echo "bench_formd: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
done
[[ -n "${PATH_NGINX:-}" ]] || PATH_NGINX=$(command -v nginx)

tmp=$(mktemp -d)
formd_pid="" nginx_pid=""
cleanup() {
  local pid
  for pid in $nginx_pid $formd_pid; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {  # die MESSAGE: explains, shows the server logs, exits 1 (the trap stops the servers)
  echo "bench_formd: error: $1" >&2
  for log in "$tmp/formd.log" "$tmp/nginx/error.log"; do
    [[ -s "$log" ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

free_port() {  # a port the kernel has just handed out on 127.0.0.1
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# cpp-httplib sets SO_REUSEPORT: a second formd on a busy port starts without
# error and the kernel splits the connections between the two, so the port
# must be free before and ours alone after (when ss is there to tell).
check_port_free() {
  if command -v ss >/dev/null && [[ -n "$(ss -Htln "sport = :$1")" ]]; then die "port $1 is already in use"; fi
}
check_port_ours() {  # check_port_ours PORT PID
  command -v ss >/dev/null || return 0
  local listeners
  listeners=$(ss -Htlnp "sport = :$1")
  [[ $(wc -l <<<"$listeners") -eq 1 && "$listeners" == *"pid=$2,"* ]] || die "port $1 is shared with another process: $listeners"
}

wait_ready() {  # wait_ready URL PID: until URL answers at all, 10 s at most
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || die "the server for $1 exited"
    curl -s -o /dev/null "$1" && return 0
    sleep 0.1
  done
  die "$1 did not answer within 10 s"
}

# ---- formd: log in, create a request, save its step page ------------------

formd_port=$(free_port)
check_port_free "$formd_port"
"$formd" --dev-login --port "$formd_port" --data "$tmp/data" >"$tmp/formd.log" 2>&1 &
formd_pid=$!
formd_url="http://127.0.0.1:$formd_port"
wait_ready "$formd_url/healthz" "$formd_pid"
check_port_ours "$formd_port" "$formd_pid"

curl -s -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.fr","name":"Banc Dessai","siret":"21750001600019"}' "$formd_url/api/v1/session"
csrf=$(sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p' "$tmp/login.json")
session=$(tr -d '\r' <"$tmp/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: formd_session=\([0-9a-f]*\);.*/\1/p')
[[ -n "$csrf" && -n "$session" ]] || die "login failed: $(cat "$tmp/login.json")"
cookie="Cookie: formd_session=$session"

curl -s -D "$tmp/create.headers" -o "$tmp/create.json" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
  -H "$cookie" -d "{\"form_uid\":\"$form\"}" "$formd_url/api/v1/requests"
id=$(tr -d '\r' <"$tmp/create.headers" | sed -n 's|^[Ll]ocation: /api/v1/requests/\([0-9]*\)$|\1|p')
[[ -n "$id" ]] || die "creating a request failed: $(cat "$tmp/create.json")"
step_path="/demandes/$id/etapes/$step"

mkdir -p "$tmp/www${step_path%/*}"
page="$tmp/www$step_path"
answer=$(curl -s -o "$page" -w '%{http_code} %{size_header}' -H "$cookie" "$formd_url$step_path" || true)
read -r status formd_header_bytes <<<"$answer"
[[ "$status" == 200 ]] || die "GET $step_path answered $status, not 200"
curl -s -o "$tmp/page-again" -H "$cookie" "$formd_url$step_path"
cmp -s "$page" "$tmp/page-again" || echo "note: two GETs of the step page differ; nginx serves the first"
# A marker every good step page has: the form posting back to this step.
step_marker="action=\"$step_path\""
grep -qF "$step_marker" "$page" || die "the step page has no $step_marker"

# ---- the JSON documents for validate --------------------------------------

validate_url="$formd_url/api/v1/forms/$form/validate?context=submit"
for doc in valid invalid; do
  answer=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' --data-binary "@$here/$doc.json" "$validate_url")
  errors=$(awk -F'"code":' '{ n += NF - 1 } END { print n + 0 }' <<<"$answer")
  echo "validate $doc.json ($(wc -c <"$here/$doc.json") bytes): HTTP ${answer##* }, $errors error(s), answer $(( ${#answer} - 4 )) bytes"
  case "$doc:$answer" in
    valid:*'"valid":true'*' 200' | invalid:*'"valid":false'*' 200') ;;
    *) echo "!!! WARNING: $doc.json does not answer as expected (\"valid\":$([[ $doc == valid ]] && echo true || echo false)): $answer" ;;
  esac
done

# ---- nginx: the same bytes as a static file --------------------------------

nginx_port=$(free_port)
check_port_free "$nginx_port"
mkdir -p "$tmp/nginx"
user_line=""
[[ $(id -u) -eq 0 ]] && user_line="user $(id -un) $(id -gn);"  # else the workers run as nobody and cannot read $tmp
sed -e "s|@TMP@|$tmp/nginx|g" -e "s|@ROOT@|$tmp/www|g" -e "s|@PORT@|$nginx_port|g" -e "s|@USER_LINE@|$user_line|" \
  "$here/nginx.conf.in" >"$tmp/nginx/nginx.conf"
"$PATH_NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" 2>>"$tmp/nginx/error.log" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port"
wait_ready "$nginx_url/" "$nginx_pid"
check_port_ours "$nginx_port" "$nginx_pid"
answer=$(curl -s -o "$tmp/nginx-page" -w '%{http_code} %{size_header}' "$nginx_url$step_path" || true)
read -r status nginx_header_bytes <<<"$answer"
[[ "$status" == 200 ]] || die "nginx answered $status for $step_path"
cmp -s "$page" "$tmp/nginx-page" || die "nginx does not serve the saved page"
echo "step page: $(wc -c <"$page") bytes of body, same bytes from both; response headers formd $formd_header_bytes bytes, nginx $nginx_header_bytes bytes"
echo "formd keep-alive: $(curl -s -D - -o /dev/null "$formd_url/healthz" | tr -d '\r' | grep -i '^keep-alive:' || echo none)"

# ---- the supported deployment: formd behind nginx (runtime/formd/deploy) ---

front_port=$(free_port)
check_port_free "$front_port"
"$root/scripts/formd-nginx.sh" --listen "127.0.0.1:$front_port" --upstream "127.0.0.1:$formd_port" --dir "$tmp/front" \
  >"$tmp/front.log" 2>&1 &
front_pid=$!
nginx_pid="$nginx_pid $front_pid"  # stopped by cleanup
front_url="http://127.0.0.1:$front_port"
wait_ready "$front_url/healthz" "$front_pid"

# ---- the runs -------------------------------------------------------------

rows=() warnings=()
bench() {  # bench LABEL URL EXPECTED_BODY [BODY_FILE] [wrk options...]
  local label=$1 url=$2 expect=$3 body=${4:-}
  shift 4
  local out="$tmp/wrk.out"
  if [[ "$warmup" != 0 && "$warmup" != 0s ]]; then
    BENCH_BODY_FILE="$body" wrk -t"$threads" -c"$connections" -d"$warmup" -s "$here/check.lua" "$@" "$url" >/dev/null
  fi
  BENCH_BODY_FILE="$body" BENCH_EXPECT_BODY="$expect" \
    wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/check.lua" "$@" "$url" >"$out"
  echo
  echo "### $label"
  sed 's/^/    /' "$out"
  local rps p50 p90 p99 unexpected statuses non2xx sockets requests
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '$1 == "50%" { print $2 }' "$out")
  p90=$(awk '$1 == "90%" { print $2 }' "$out")
  p99=$(awk '$1 == "99%" { print $2 }' "$out")
  requests=$(awk '/ requests in / { print $1 }' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  sockets=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$out")
  unexpected=$(sed -n 's/^check: unexpected=\([0-9]*\) .*/\1/p' "$out")
  statuses=$(sed -n 's/^check: .* statuses=\(.*\)$/\1/p' "$out")
  [[ -n "$rps" && -n "$unexpected" ]] || die "cannot read wrk's output for $label"
  local bad="${unexpected}"
  [[ "$unexpected" != 0 ]] && bad="**${unexpected}** (${statuses})"
  rows+=("| $label | $rps | $p50 | $p90 | $p99 | $bad | ${sockets:-0} |")
  if [[ "$unexpected" != 0 || "${non2xx:-0}" != 0 || "${sockets:-0}" != 0 ]]; then
    warnings+=("$label: $unexpected of $requests responses unexpected (statuses ${statuses}), wrk non-2xx/3xx ${non2xx:-0}, socket errors ${sockets:-0}")
  fi
}

echo
echo "wrk: $threads threads, $connections connections, $duration per target ($([[ "$warmup" == 0 || "$warmup" == 0s ]] && echo "no warm-up" || echo "after a $warmup warm-up"));"
echo "nginx (1 worker), formd and wrk share the same $(nproc) cores: the client takes CPU from the server."
bench "nginx static step page (ceiling)" "$nginx_url$step_path" "$step_marker" ""
bench "formd GET step page ($step)" "$formd_url$step_path" "$step_marker" "" -H "$cookie"
bench "formd POST validate (valid doc)" "$validate_url" '"valid":true' "$here/valid.json"
bench "formd POST validate (invalid doc)" "$validate_url" '"valid":false' "$here/invalid.json"
bench "formd GET /healthz (floor)" "$formd_url/healthz" '"status":"ok"' ""
bench "formd GET / (catalogue)" "$formd_url/" 'href="/definitions/' ""
bench "nginx -> formd GET step page ($step)" "$front_url$step_path" "$step_marker" "" -H "$cookie"
bench "nginx -> formd POST validate (valid doc)" "$front_url/api/v1/forms/$form/validate?context=submit" '"valid":true' "$here/valid.json"
bench "nginx -> formd GET /healthz" "$front_url/healthz" '"status":"ok"' ""

# ---- report ---------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
httplib=$(sed -n 's/^#define CPPHTTPLIB_VERSION "\(.*\)"/\1/p' /usr/include/httplib.h 2>/dev/null || true)
echo
echo "| target | req/s | p50 | p90 | p99 | non-2xx | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, load average $(cut -d' ' -f1-3 /proc/loadavg) (after the runs)"
echo "formd: build type ${build_type:-unknown}, cpp-httplib ${httplib:-?}, binary $(date -r "$formd" '+%Y-%m-%d %H:%M:%S')"
echo "tools: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2), $("$PATH_NGINX" -v 2>&1 | sed 's/.*: //') (worker_processes 1)"
echo "non-2xx: responses other than the expected status and body (tests/bench/formd/check.lua), 3xx included"
if ((${#warnings[@]})); then
  echo
  echo "!!! THE BENCHMARK HAD ERRORS (unexpected responses, or wrk socket errors: connect/read/write/timeout > 2 s):"
  echo "!!! the numbers of these targets are not clean"
  printf '!!! %s\n' "${warnings[@]}"
  exit 1
fi
"$root/tests/bench/bench_instruction.sh" "$build"  # the instruction list over 10,000 requests (its own formd)
