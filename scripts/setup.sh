#!/usr/bin/env bash
# Installs everything DataPass Forms needs on a fresh Debian 12, idempotently:
# Debian packages with apt-get, JavaScript tools with npm (from package-lock.json).
# Nothing else is downloaded. Safe to run again: it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev antlr4 libantlr4-runtime-dev default-jre-headless
  libfmt-dev catch2 nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libsqlite3-dev sqlite3 libpq-dev
  libmagic-dev  # formd documents: the content type of an upload read from its bytes
  libssl-dev
  libkainjow-mustache-dev  # formd pages and emails: templates that escape {{x}} by default
  libcurl4-openssl-dev python3-aiosmtpd  # formd emails: libcurl (SMTP client), aiosmtpd (the SMTP server its tests run)
  libcjose-dev libjansson-dev  # formd ProConnect login: JWS verification (cjose needs jansson's pkg-config file)
  clang libclang-rt-14-dev
  nodejs npm
  hyperfine
  # formd: browser tests (Debian's chromium, driven by playwright-core) and the load benchmark.
  chromium wrk nginx-light curl
)

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  # nodejs/npm may come from elsewhere (a newer node on the image): accept the binaries.
  if [[ "$pkg" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$pkg" == npm ]] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# JavaScript tools used by the tests (ajv, html-validate, ...), pinned by package-lock.json.
export DSFR_ACCEPT_LICENSE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "setup: done"
