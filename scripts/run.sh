#!/usr/bin/env bash
# The main job: set up, build formc and formd, check the shipped definitions,
# then serve them on http://localhost:8080 with an SQLite database in data/,
# in the supported deployment: nginx in front of formd (README "Deployment").
# Stop it with Ctrl-C.
#
#   scripts/run.sh [--direct] [--proconnect] [formd options...]
#
#   --direct      formd alone on the port, without nginx (development only: a
#                 slow or half-open client holds one of formd's threads)
#   --proconnect  the real login instead of the dev login: a local identity
#                 provider configured like ProConnect (npm oidc-provider,
#                 tests/formd/oidc/provider.js, on PROCONNECT_PORT = PORT+2)
#                 and formd as its relying party; "S'identifier avec
#                 ProConnect" asks an email and a SIRET on its login page
# PORT (8080), FORMD_PORT (PORT+1, formd behind nginx), DATA_DIR (data) and
# NGINX_DIR (.run/nginx) override the defaults; other arguments go to formd
# (e.g. --dev to reload definitions on save).
# Without --proconnect, formd runs with --dev-login: anyone may sign in as any
# email and SIRET, which is what a local trial needs and what no shared server
# may ever do.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=nginx
proconnect=no
formd_args=()
for arg in "$@"; do
  case "$arg" in
    --direct) mode=direct ;;
    --proconnect) proconnect=yes ;;
    *) formd_args+=("$arg") ;;
  esac
done
port="${PORT:-8080}"
formd_port="${FORMD_PORT:-$((port + 1))}"
data_dir="${DATA_DIR:-data}"
# The URL users reach: nginx's port (or formd's own with --direct). Links in
# emails and ProConnect's redirect URI are built on it.
public_url="http://localhost:$port"
formd_args=(--public-url "$public_url" "${formd_args[@]}")

scripts/setup.sh
BUILD_TARGETS="formc formd" scripts/build.sh
echo "== formc check definitions"
build/compiler/driver/formc check definitions
if [[ -d ../shared/reference/datapass-v2 ]]; then
  echo "== formc check: the real DataPass files (../shared/reference/datapass-v2)"
  build/compiler/driver/formc check ../shared/reference/datapass-v2 2>&1 | tail -n 1
fi

idp_pid=""
if [[ "$proconnect" == yes ]]; then
  idp_port="${PROCONNECT_PORT:-$((port + 2))}"
  mkdir -p "$data_dir"
  secret_file="$data_dir/proconnect-client-secret"
  # A client secret of this machine, kept between runs (formd reads it from
  # the file: never on a command line).
  [[ -s "$secret_file" ]] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secret_file")
  echo "== local ProConnect provider on http://127.0.0.1:$idp_port/api/v2 (npm oidc-provider; a stand-in, not ProConnect)"
  node tests/formd/oidc/provider.js --port "$idp_port" --client-id formd-local --client-secret "$(cat "$secret_file")" \
    --redirect-uri "$public_url/auth/proconnect/callback" &
  idp_pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$idp_port/api/v2/.well-known/openid-configuration" >/dev/null 2>&1 && break
    kill -0 "$idp_pid" 2>/dev/null || { echo "run: the local provider did not start" >&2; exit 1; }
    sleep 0.1
  done
  formd_args=(--oidc-issuer "http://127.0.0.1:$idp_port/api/v2" --oidc-client-id formd-local
    --oidc-client-secret-file "$secret_file" "${formd_args[@]}")
  echo "== formd with ProConnect (local provider): /connexion → « S'identifier avec ProConnect »"
else
  formd_args=(--dev-login "${formd_args[@]}")
  echo "== formd with --dev-login: /connexion signs anyone in as any email and SIRET (local use only)"
fi

if [[ "$mode" == direct ]]; then
  echo "== formd alone on http://localhost:$port (--direct: no nginx in front, for development only)"
  build/runtime/formd/formd --port "$port" --data "$data_dir" "${formd_args[@]}" &
else
  echo "== formd on 127.0.0.1:$formd_port, behind nginx on http://localhost:$port"
  build/runtime/formd/formd --host 127.0.0.1 --port "$formd_port" --data "$data_dir" "${formd_args[@]}" &
fi
formd_pid=$!
nginx_pid=""
stop() {
  trap - EXIT INT TERM
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null
  [[ -n "$idp_pid" ]] && kill "$idp_pid" 2>/dev/null
  kill "$formd_pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap stop EXIT INT TERM
[[ "$mode" == direct ]] && formd_port="$port"
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$formd_port/healthz" >/dev/null 2>&1 && break
  kill -0 "$formd_pid" 2>/dev/null || { echo "run: formd did not start" >&2; exit 1; }
  sleep 0.1
done
if [[ "$mode" != direct ]]; then
  scripts/formd-nginx.sh --listen "127.0.0.1:$port" --upstream "127.0.0.1:$formd_port" --dir "${NGINX_DIR:-.run/nginx}" &
  nginx_pid=$!
fi
# Any one ending ends the deployment.
set +e
wait -n $formd_pid $nginx_pid $idp_pid
status=$?
exit "$status"
