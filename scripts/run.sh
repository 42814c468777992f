#!/usr/bin/env bash
# The README's run command: installs, builds and serves the bundled example config on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
exec ./build/gateway/cwc-gateway serve --config config/example.json "$@"
