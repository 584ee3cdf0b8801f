#!/usr/bin/env bash
# Runs nginx in front of formd, the supported deployment (README.md,
# "Deployment"), from runtime/formd/deploy/nginx.conf.in.
#
#   scripts/formd-nginx.sh --listen 127.0.0.1:8080 --upstream 127.0.0.1:8081 --dir RUN_DIR [--max-body 1m] [--render-only]
#
# Renders RUN_DIR/nginx.conf, checks it with `nginx -t`, then replaces itself
# with nginx in the foreground (so the caller's child pid is nginx's master:
# SIGTERM stops it, SIGQUIT drains it). RUN_DIR holds the pid, the logs and
# temporary request bodies; it is created 0700. Started as root, nginx's
# workers run as nobody, who owns RUN_DIR's temporary directories.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
template="$here/runtime/formd/deploy/nginx.conf.in"
listen="" upstream="" dir="" max_body="1m" render_only=0
while (($#)); do
  case "$1" in
    --listen) listen="$2"; shift 2 ;;
    --upstream) upstream="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --max-body) max_body="$2"; shift 2 ;;
    --render-only) render_only=1; shift ;;
    *) echo "formd-nginx: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$listen" || -z "$upstream" || -z "$dir" ]]; then
  echo "usage: $0 --listen HOST:PORT --upstream HOST:PORT --dir RUN_DIR [--max-body SIZE] [--render-only]" >&2
  exit 2
fi
[[ "$max_body" =~ ^[0-9]+[kmgKMG]?$ ]] || { echo "formd-nginx: bad --max-body $max_body" >&2; exit 2; }
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "formd-nginx: nginx not found (scripts/setup.sh installs it)" >&2; exit 1; }

mkdir -p "$dir"
chmod 700 "$dir"
dir="$(cd "$dir" && pwd)"
mkdir -p "$dir/client_body" "$dir/proxy"
user_directive=""
if [[ $(id -u) -eq 0 ]]; then
  user_directive="user nobody nogroup;"
  chown nobody:nogroup "$dir/client_body" "$dir/proxy"
  # The workers only pass through RUN_DIR to reach their temporary directories.
  chmod 711 "$dir"
fi
# sed replacement: refuse the characters it would interpret.
[[ "$dir$listen$upstream" != *[\|\&\\]* ]] || { echo "formd-nginx: | & and \\ are not allowed in paths and addresses" >&2; exit 2; }
sed -e "s|@PREFIX@|$dir|g" -e "s|@LISTEN@|$listen|g" -e "s|@UPSTREAM@|$upstream|g" \
    -e "s|@MAX_BODY@|$max_body|g" -e "s|@USER@|$user_directive|g" "$template" > "$dir/nginx.conf"
"$nginx_bin" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf"
if ((render_only)); then exit 0; fi
exec "$nginx_bin" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g "daemon off;"
