#!/usr/bin/env bash
# The README's test command: installs everything, builds (warnings as errors) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --test
if [ -f tests/integration/package.json ]; then (cd tests/integration && npm ci --no-audit --no-fund --loglevel=error); fi
if [ -f tests/browser/package.json ]; then (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error); fi
CMAKE_ARGS="-DCWC_WERROR=ON ${CMAKE_ARGS:-}" ./scripts/build.sh
# A short libFuzzer run over the form parser and the signature check (longer: scripts/fuzz.sh 300).
./scripts/fuzz.sh "${FUZZ_SECONDS:-10}"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 600 -j2
