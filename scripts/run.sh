#!/usr/bin/env bash
# The main job: set up, build formc and formd, check the shipped definitions,
# then serve them on http://localhost:8080 with an SQLite database in data/,
# in the supported deployment: nginx in front of formd (README "Deployment").
# Stop it with Ctrl-C.
#
#   scripts/run.sh [--direct] [formd options...]
#
#   --direct   formd alone on the port, without nginx (development only: a
#              slow or half-open client holds one of formd's threads)
# PORT (8080), FORMD_PORT (PORT+1, formd behind nginx), DATA_DIR (data) and
# NGINX_DIR (.run/nginx) override the defaults; other arguments go to formd
# (e.g. --dev to reload definitions on save).
# formd runs with --dev-login: anyone may sign in as any email and SIRET, which
# is what a local trial needs and what no shared server may ever do.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=nginx
formd_args=(--dev-login)
for arg in "$@"; do
  case "$arg" in
    --direct) mode=direct ;;
    *) formd_args+=("$arg") ;;
  esac
done
port="${PORT:-8080}"
formd_port="${FORMD_PORT:-$((port + 1))}"
data_dir="${DATA_DIR:-data}"

scripts/setup.sh
BUILD_TARGETS="formc formd" scripts/build.sh
echo "== formc check definitions"
build/compiler/driver/formc check definitions
if [[ -d ../shared/reference/datapass-v2 ]]; then
  echo "== formc check: the real DataPass files (../shared/reference/datapass-v2)"
  build/compiler/driver/formc check ../shared/reference/datapass-v2 2>&1 | tail -n 1
fi

echo "== formd with --dev-login: /connexion signs anyone in as any email and SIRET (local use only)"
if [[ "$mode" == direct ]]; then
  echo "== formd alone on http://localhost:$port (--direct: no nginx in front, for development only)"
  exec build/runtime/formd/formd --port "$port" --data "$data_dir" "${formd_args[@]}"
fi

echo "== formd on 127.0.0.1:$formd_port, behind nginx on http://localhost:$port"
build/runtime/formd/formd --host 127.0.0.1 --port "$formd_port" --data "$data_dir" "${formd_args[@]}" &
formd_pid=$!
nginx_pid=""
stop() {
  trap - EXIT INT TERM
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null
  kill "$formd_pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$formd_port/healthz" >/dev/null 2>&1 && break
  kill -0 "$formd_pid" 2>/dev/null || { echo "run: formd did not start" >&2; exit 1; }
  sleep 0.1
done
scripts/formd-nginx.sh --listen "127.0.0.1:$port" --upstream "127.0.0.1:$formd_port" --dir "${NGINX_DIR:-.run/nginx}" &
nginx_pid=$!
# Either one ending ends the deployment.
set +e
wait -n "$formd_pid" "$nginx_pid"
status=$?
exit "$status"
