#!/usr/bin/env bash
# formd's instruction list under load (wrk), over a database of 10,000
# requests: GET /instruction/demandes as an instructor of API Pro Santé
# Connect — the first page (no filter), a filtered page (a state, the
# definition, page 5: an OFFSET of 200 in the matching rows), a search by
# project name (LIKE over every row of the definition) and a search by
# number (the primary key).
#
# Seeding is honest and goes through formd itself: the JSON API creates each
# request (POST /api/v1/requests, full valid data) as one of 100 applicants
# of 100 organisations, submits 80 % of them, and an instructor refuses or
# approves some of those (POST …/refuse, …/approve), so the rows, history,
# habilitations and outbox are what real use writes. Node's fetch keeps its
# connections alive; BENCH_SEED_CONCURRENCY requests are in flight at once.
# The seeding time is printed, not measured as a benchmark.
#
#   tests/bench/bench_instruction.sh [BUILD_DIR]    (default: build/ at the root)
# Environment: BENCH_DURATION (10s), BENCH_CONNECTIONS (32), BENCH_THREADS (2),
# BENCH_WARMUP (2s before each measured run, 0 = none), BENCH_REQUESTS (10000),
# BENCH_SEED_CONCURRENCY (16), BENCH_TIMEOUT (30s: wrk's own 2 s would turn the
# slow name search into socket errors with no latency to show; a response
# slower than this still counts as an error).
# Every response is checked (tests/bench/formd/check.lua: status 200 and a
# request row in the body); any unexpected response or socket error is
# reported and makes the exit status 1. A benchmark: no timing is asserted.
# Needs formd built (cmake --build BUILD_DIR --target formd), wrk, curl, node.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/bench/formd"
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench_instruction: build directory '${1:-$root/build}' not found" >&2; exit 2; }
formd="$build/runtime/formd/formd"
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-32}
threads=${BENCH_THREADS:-2}
warmup=${BENCH_WARMUP:-2s}
count=${BENCH_REQUESTS:-10000}
concurrency=${BENCH_SEED_CONCURRENCY:-16}
timeout=${BENCH_TIMEOUT:-30s}
definition=api_pro_sante_connect

[[ -x "$formd" ]] || { echo "bench_instruction: $formd is not built: run cmake --build $build --target formd" >&2; exit 2; }
for tool in wrk curl node; do
  command -v "$tool" >/dev/null || { echo "bench_instruction: $tool not found (scripts/setup.sh installs it)" >&2; exit 2; }
done

tmp=$(mktemp -d)
formd_pid=""
cleanup() {
  [[ -n "$formd_pid" ]] && { kill -TERM "$formd_pid" 2>/dev/null && wait "$formd_pid" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench_instruction: error: $1" >&2
  [[ -s "$tmp/formd.log" ]] && { echo "--- formd log" >&2; grep -v ': mail: ' "$tmp/formd.log" | tail -n 20 >&2; }
  exit 1
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# cpp-httplib sets SO_REUSEPORT: the port must be free before and ours alone after.
check_port_free() {
  if command -v ss >/dev/null && [[ -n "$(ss -Htln "sport = :$1")" ]]; then die "port $1 is already in use"; fi
}
check_port_ours() {
  command -v ss >/dev/null || return 0
  local listeners
  listeners=$(ss -Htlnp "sport = :$1")
  [[ $(wc -l <<<"$listeners") -eq 1 && "$listeners" == *"pid=$2,"* ]] || die "port $1 is shared with another process: $listeners"
}

# ---- formd, an instructor ---------------------------------------------------

port=$(free_port)
check_port_free "$port"
"$formd" --dev-login --port "$port" --data "$tmp/data" >"$tmp/formd.log" 2>&1 &
formd_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 100); do
  kill -0 "$formd_pid" 2>/dev/null || die "formd exited"
  curl -s -o /dev/null "$url/healthz" && break
  sleep 0.1
done
curl -s -o /dev/null "$url/healthz" || die "formd did not answer within 10 s"
check_port_ours "$port" "$formd_pid"

instructor=instructrice.bench@exemple.fr
"$formd" roles grant --data "$tmp/data" "$instructor" "ans:$definition:instructor" >/dev/null || die "roles grant failed"
curl -s -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$instructor\",\"name\":\"Instructrice Banc\",\"siret\":\"21750001600019\"}" "$url/api/v1/session"
session=$(tr -d '\r' <"$tmp/login.headers" | sed -n 's/^[Ss]et-[Cc]ookie: formd_session=\([0-9a-f]*\);.*/\1/p')
[[ -n "$session" ]] || die "login failed: $(cat "$tmp/login.json")"
cookie="Cookie: formd_session=$session"

# ---- seeding through the API --------------------------------------------------

echo "seeding $count requests through formd's JSON API ($concurrency in flight, keep-alive)..."
ROOT="$root" URL="$url" COUNT="$count" CONCURRENCY="$concurrency" SESSION="$session" \
  node - >"$tmp/seed.out" 2>"$tmp/seed.err" <<'EOF' || { cat "$tmp/seed.err" >&2; die "seeding failed"; }
"use strict";
const path = require("node:path");
const { validDocument, newSiret } = require(path.join(process.env.ROOT, "tests/formd/client.js"));
const url = process.env.URL;
const count = Number(process.env.COUNT);
const concurrency = Number(process.env.CONCURRENCY);
// Project names: 100 towns, so a search by name matches about 1 % of the rows.
const towns = ["Abbeville", "Agen", "Ajaccio", "Albi", "Alençon", "Amiens", "Angers", "Angoulême", "Annecy", "Antibes",
  "Arles", "Arras", "Aurillac", "Auxerre", "Avignon", "Bastia", "Bayonne", "Beauvais", "Belfort", "Besançon",
  "Béziers", "Blois", "Bobigny", "Bordeaux", "Bourges", "Brest", "Caen", "Cahors", "Calais", "Cannes",
  "Carcassonne", "Chambéry", "Chartres", "Cherbourg", "Colmar", "Compiègne", "Créteil", "Dax", "Dieppe", "Dijon",
  "Dole", "Douai", "Épinal", "Évreux", "Foix", "Fréjus", "Gap", "Grenoble", "Guéret", "Laon",
  "Laval", "Lens", "Lille", "Limoges", "Lorient", "Lyon", "Mâcon", "Mende", "Metz", "Montauban",
  "Montpellier", "Moulins", "Mulhouse", "Nancy", "Nantes", "Narbonne", "Nevers", "Nice", "Nîmes", "Niort",
  "Orléans", "Pau", "Périgueux", "Perpignan", "Poitiers", "Privas", "Quimper", "Reims", "Rennes", "Roanne",
  "Rodez", "Rouen", "Saintes", "Sarlat", "Sedan", "Sète", "Soissons", "Tarbes", "Toulon", "Toulouse",
  "Tours", "Troyes", "Tulle", "Valence", "Vannes", "Verdun", "Vesoul", "Vichy", "Vienne", "Vierzon"];

async function call(who, method, p, body) {
  const res = await fetch(url + p, {
    method,
    headers: { cookie: who.cookie, "x-csrf-token": who.csrf, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function login(email, siret) {
  const res = await fetch(url + "/api/v1/session", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, name: "Demandeur " + email.split("@")[0], siret }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("formd_session="));
  return { cookie, csrf: (await res.json()).csrf_token };
}

(async () => {
  const started = Date.now();
  const applicants = [];
  for (let i = 0; i < 100; i++) applicants.push(await login(`demandeur${i}@bench.exemple.fr`, newSiret()));
  const session = await call({ cookie: "formd_session=" + process.env.SESSION, csrf: "" }, "GET", "/api/v1/session");
  const instructor = { cookie: "formd_session=" + process.env.SESSION, csrf: session.csrf_token };
  const base = validDocument();
  const tally = { draft: 0, submitted: 0, refused: 0, validated: 0 };
  let calls = 0;
  let next = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      const who = applicants[i % applicants.length];
      const created = await call(who, "POST", "/api/v1/requests", {
        form_uid: "api-pro-sante-connect",
        data: { ...base, intitule: `Téléservice de ${towns[i % towns.length]} – guichet ${i}` },
      });
      calls++;
      if (i % 5 === 4) { tally.draft++; continue; }
      await call(who, "POST", `/api/v1/requests/${created.id}/submit`, { version: created.version });
      calls++;
      if (i % 10 === 1) { await call(instructor, "POST", `/api/v1/requests/${created.id}/refuse`, { reason: "Hors cadre." }); calls++; tally.refused++; }
      else if (i % 10 === 3) { await call(instructor, "POST", `/api/v1/requests/${created.id}/approve`, {}); calls++; tally.validated++; }
      else tally.submitted++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (Date.now() - started) / 1000;
  console.log(`seeded=${count} calls=${calls} seconds=${seconds.toFixed(1)} rate=${(calls / seconds).toFixed(0)} ` +
    `draft=${tally.draft} submitted=${tally.submitted} refused=${tally.refused} validated=${tally.validated}`);
})().catch((err) => { console.error(err.stack || String(err)); process.exit(1); });
EOF
seed=$(cat "$tmp/seed.out")
echo "$seed"
seed_seconds=$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' <<<"$seed")
seed_rate=$(sed -n 's/.* rate=\([0-9]*\) .*/\1/p' <<<"$seed")
db_bytes=$(du -cb "$tmp/data"/formd.sqlite3* | awk 'END { print $1 }')

# ---- the pages measured -----------------------------------------------------------

first="/instruction/demandes"
filtered="/instruction/demandes?etat=submitted&definition=$definition&page=5"
search_name="/instruction/demandes?q=Toulouse"
number=$((count / 2))
search_number="/instruction/demandes?q=$number"
marker='data-formd-request="'
for p in "$first" "$filtered" "$search_name" "$search_number"; do
  answer=$(curl -s -o "$tmp/page.html" -w '%{http_code}' -H "$cookie" "$url$p")
  [[ "$answer" == 200 ]] || die "GET $p answered $answer"
  grep -qF "$marker" "$tmp/page.html" || die "GET $p lists no request"
  total=$(sed -n 's/.*<p class="formd-total"[^>]*>\([^<]*\)<.*/\1/p' "$tmp/page.html" | head -n 1)
  echo "GET $p: $(grep -o "$marker" "$tmp/page.html" | wc -l) rows, \"${total:-?}\", $(wc -c <"$tmp/page.html") bytes"
done

rows=() warnings=()
bench() {  # bench LABEL URL EXPECTED_BODY [wrk options...]
  local label=$1 target=$2 expect=$3
  shift 3
  local out="$tmp/wrk.out"
  if [[ "$warmup" != 0 && "$warmup" != 0s ]]; then
    wrk -t"$threads" -c"$connections" -d"$warmup" --timeout "$timeout" -s "$here/check.lua" "$@" "$target" >/dev/null
  fi
  BENCH_EXPECT_BODY="$expect" wrk -t"$threads" -c"$connections" -d"$duration" --timeout "$timeout" --latency -s "$here/check.lua" "$@" "$target" >"$out"
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
echo "wrk: $threads threads, $connections connections, $duration per target, timeout $timeout ($([[ "$warmup" == 0 || "$warmup" == 0s ]] && echo "no warm-up" || echo "after a $warmup warm-up"));"
echo "formd and wrk share the same $(nproc) cores: the client takes CPU from the server."
bench "GET /instruction/demandes (first page)" "$url$first" "$marker" -H "$cookie"
bench "GET …?etat=submitted&definition=…&page=5" "$url$filtered" "$marker" -H "$cookie"
bench "GET …?q=Toulouse (project name)" "$url$search_name" "$marker" -H "$cookie"
bench "GET …?q=$number (number)" "$url$search_number" "$marker" -H "$cookie"

# ---- report ---------------------------------------------------------------

cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
echo
echo "| target ($count requests in the database) | req/s | p50 | p90 | p99 | non-2xx | socket errors |"
echo "|---|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "seeding: $seed_seconds s through the JSON API ($seed_rate calls/s, $concurrency in flight); database $((db_bytes / 1024)) KiB"
echo "machine: nproc $(nproc), ${cpu:-unknown CPU}, load average $(cut -d' ' -f1-3 /proc/loadavg) (after the runs)"
echo "formd: build type ${build_type:-unknown}, binary $(date -r "$formd" '+%Y-%m-%d %H:%M:%S')"
echo "tools: $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "non-2xx: responses other than 200 with a request row (tests/bench/formd/check.lua), 3xx included"
echo "latency: wrk counts a request from its send, and formd's store serialises its queries: with $connections connections, a slow query waits behind the others"
if ((${#warnings[@]})); then
  echo
  echo "!!! THE BENCHMARK HAD ERRORS (unexpected responses, or wrk socket errors: connect/read/write/timeout > $timeout):"
  echo "!!! the numbers of these targets are not clean"
  printf '!!! %s\n' "${warnings[@]}"
  exit 1
fi
