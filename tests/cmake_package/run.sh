#!/usr/bin/env bash
# The CMake package end to end: install formc from BUILD_DIR into a temporary
# prefix, build examples/ with find_package(formc) + formc_generate() using
# Ninja and Unix Makefiles, and check the build-system contract:
#   - the generated validator works (exit 0 on a valid request, 1 on an invalid one);
#   - a no-op build does nothing;
#   - touching a definition without changing it re-runs formc but compiles nothing;
#   - editing one definition recompiles only its own generated source.
set -euo pipefail
BUILD_DIR="$(cd "$1" && pwd)"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" >/dev/null

fail() { echo "cmake_package: FAIL: $*"; exit 1; }

for generator in Ninja "Unix Makefiles"; do
  echo "== $generator"
  src="$WORK/src-${generator// /_}"; bld="$WORK/build-${generator// /_}"
  cp -r "$REPO/examples" "$src"
  cmake -S "$src" -B "$bld" -G "$generator" -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$bld" >/dev/null 2>&1 || { cmake --build "$bld"; fail "first build"; }
  "$bld/validate_request" "$src/requests/valid.json" submit >/dev/null || fail "valid request rejected"
  set +e; "$bld/validate_request" "$src/requests/invalid.json" submit >"$WORK/out.txt"; status=$?; set -e
  [[ $status -eq 1 ]] || fail "invalid request: exit $status"
  grep -q "contact_technique_email" "$WORK/out.txt" || fail "invalid request: no error on contact_technique_email"

  # 1. No-op build.
  out=$(cmake --build "$bld" 2>&1)
  if [[ "$generator" == Ninja ]]; then
    grep -q "no work to do" <<<"$out" || fail "no-op build did work: $out"
  else
    ! grep -qE "compiling form definitions|Building CXX|Linking" <<<"$out" || fail "no-op build did work: $out"
  fi

  # 2. Touch without change: formc runs again, nothing recompiles.
  sleep 1; touch "$src/definitions/authorization_definitions/tutoriel.yml"
  out=$(cmake --build "$bld" -v 2>&1)
  grep -q "compile.*--depfile" <<<"$out" || fail "touched definition did not re-run formc"
  ! grep -qE -- " -c [^ ]*\.cc" <<<"$out" || fail "unchanged outputs recompiled: $out"
  out=$(cmake --build "$bld" 2>&1)
  if [[ "$generator" == Ninja ]]; then grep -q "no work to do" <<<"$out" || fail "second no-op build did work"; fi

  # 3. Edit one definition: only its translation unit recompiles.
  sleep 1; sed -i "s/API Météo des services/API Météo des services publics/" "$src/definitions/authorization_definitions/meteo.yml"
  out=$(cmake --build "$bld" -v 2>&1)
  grep -qE -- " -c [^ ]*api_meteo\.cc" <<<"$out" || fail "edited definition was not recompiled"
  ! grep -qE -- " -c [^ ]*api_tutoriel\.cc" <<<"$out" || fail "an unrelated definition was recompiled: $out"
  echo "$generator: ok"
done
echo "cmake_package: all checks passed"
