#!/usr/bin/env bash
# The main job: set up, build, check the shipped definitions, then start
# formd on http://localhost:8080 with them and an SQLite database in data/.
# Stop it with Ctrl-C. PORT and DATA_DIR override the defaults; extra
# arguments go to formd (e.g. --dev to reload definitions on save).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== formc check definitions"
build/compiler/driver/formc check definitions
if [[ -d ../shared/reference/datapass-v2 ]]; then
  echo "== formc check: the real DataPass files (../shared/reference/datapass-v2)"
  build/compiler/driver/formc check ../shared/reference/datapass-v2 2>&1 | tail -n 1
fi
echo "== formd on http://localhost:${PORT:-8080}"
exec build/runtime/formd/formd --port "${PORT:-8080}" --data "${DATA_DIR:-data}" "$@"
