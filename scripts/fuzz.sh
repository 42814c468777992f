#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) in build-fuzz/ and runs each for SECONDS
# (default 20) from the committed seeds in fuzz/corpus/<target>/. Exits non-zero on any crash;
# the crashing input is left in build-fuzz/artifacts/. Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
case "$seconds" in ''|*[!0-9]*) echo "usage: $0 [SECONDS per target]" >&2; exit 2 ;; esac
build="${FUZZ_BUILD_DIR:-build-fuzz}"
targets=(fuzz_form_parser fuzz_twilio_signature)

CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCWC_FUZZ=ON -DCWC_TESTS=OFF >/dev/null
cmake --build "$build" --target "${targets[@]}" -j2

mkdir -p "$build/artifacts" "$build/logs"
status=0
for target in "${targets[@]}"; do
  # New inputs go to a scratch corpus; the committed seeds stay read-only.
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  echo "== $target: ${seconds}s"
  log="$build/logs/$target.log"
  if "$build/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$target-" "$corpus" "fuzz/corpus/$target" >"$log" 2>&1; then
    grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' "$log" || true
  else
    tail -n 60 "$log" >&2
    echo "!! $target failed (log: $log); reproduce with: $build/fuzz/$target <artifact above>" >&2
    status=1
  fi
done
exit "$status"
