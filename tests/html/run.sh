#!/bin/sh
# Generates fragments with html_fragments, then checks them with node.
#   run.sh OUTDIR [--xss] [--long] [--skip-if-missing] -- PATH...
# Environment: FORMC_HTML_FRAGMENTS, FORMC_NODE (set by CTest).
set -eu
out=$1
shift
flags=""
skip=0
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  case $1 in
    --skip-if-missing) skip=1 ;;
    *) flags="$flags $1" ;;
  esac
  shift
done
shift
if [ "$skip" = 1 ]; then
  for p in "$@"; do
    if [ ! -e "$p" ]; then
      echo "SKIPPED: $p is absent"
      exit 77
    fi
  done
fi
"$FORMC_HTML_FRAGMENTS" "$out" "$@"
# shellcheck disable=SC2086
exec "$FORMC_NODE" "$(dirname "$0")/check_fragments.js" "$out" $flags
