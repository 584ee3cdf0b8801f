#!/bin/sh
# Compiles every generated .cc listed in FILES on its own (each file must
# include what it uses), with the strict warning flags.
#   compile_each.sh CXX FILES INCLUDE_DIR... -- EXTRA_FLAGS...
set -eu
cxx=$1
files=$2
shift 2
includes=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  includes="$includes -I$1"
  shift
done
[ $# -gt 0 ] && shift
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "$cxx not found: skipped"
  exit 77
fi
n=$(grep -c . "$files" || true)
[ "$n" -gt 0 ] || { echo "no file listed in $files"; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
# shellcheck disable=SC2086
grep . "$files" | xargs -P "$jobs" -n 1 "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Werror -pedantic $includes "$@"
echo "$n file(s) compiled with $cxx"
