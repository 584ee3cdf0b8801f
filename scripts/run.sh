#!/usr/bin/env bash
# The main job: set up, build, check and compile the shipped definitions.
# (formd, the server that will host them on localhost:8080, is the next
# milestone; see README.md, "Status".)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== formc check definitions"
build/compiler/driver/formc check definitions
echo "== formc check: the real DataPass files (../shared/reference/datapass-v2)"
if [[ -d ../shared/reference/datapass-v2 ]]; then
  build/compiler/driver/formc check ../shared/reference/datapass-v2 2>&1 | tail -n 1
fi
