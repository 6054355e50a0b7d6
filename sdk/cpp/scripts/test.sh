#!/usr/bin/env bash
# Builds and tests the C++ SDK three times: Release, ASan+UBSan, TSan.
# Usage: sdk/cpp/scripts/test.sh [release|sanitizers]   (from anywhere; needs cmake, g++, libcurl dev headers)
# With no argument all three; `release` or `sanitizers` runs that part alone (npm test runs the
# Release build first, for the integration client, and the sanitizer builds beside the suites).
# LUMEN_SKIP_SANITIZERS=1 is the same as `release`.
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-2}"

run() {  # run <build-dir> <build-type> [cmake args...]
  local dir="$SDK_DIR/$1" type="$2"
  shift 2
  echo "==> [$(basename "$dir")] configure + build ($type $*)"
  cmake -S "$SDK_DIR" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DLUMEN_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  echo "==> [$(basename "$dir")] ctest"
  (cd "$dir" && ctest --output-on-failure -j "$JOBS")
}

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

part="${1:-all}"
[[ "${LUMEN_SKIP_SANITIZERS:-0}" == "1" ]] && part=release
case "$part" in all|release|sanitizers) ;; *) echo "usage: $0 [release|sanitizers]" >&2; exit 2 ;; esac

start=$(date +%s)
if [[ "$part" != "sanitizers" ]]; then
  run build Release
  "$SDK_DIR/build/lumen_bench" 20000
fi
if [[ "$part" != "release" ]]; then
  # Sanitizer builds: tests only (tools are covered by the Release build). Line tables only (-g1):
  # reports still name file and line, and the ASan build compiled in 71 s of CPU instead of 100 (-g).
  run build-asan Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DLUMEN_SANITIZE=address -DLUMEN_BUILD_TOOLS=OFF
  run build-tsan Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DLUMEN_SANITIZE=thread -DLUMEN_BUILD_TOOLS=OFF
fi
echo "==> C++ SDK ($part): all tests passed in $(( $(date +%s) - start ))s"
