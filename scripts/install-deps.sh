#!/usr/bin/env bash
# Installs every build, test and benchmark dependency from Debian 12 packages (run as root or with sudo).
# Boost 1.81 comes from libboost1.81-dev: never install the default libboost-*-dev (1.74) beside it.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
PKGS=(cmake make g++ pkg-config ca-certificates openssl curl sqlite3
      libboost1.81-dev libboost-url1.81-dev libssl-dev libsqlite3-dev nlohmann-json3-dev
      libspdlog-dev libcli11-dev doctest-dev libhowardhinnant-date-dev
      libjs-chart.js)  # the officers' desk serves Debian's Chart.js (/usr/share/javascript/chart.js)
if [ "${1:-}" = "--test" ]; then
  PKGS+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev tmux procps iproute2 kannel kannel-extras
        chromium  # tests/browser drives Debian's Chromium through playwright-core
        nginx systemd)  # deploy.test.js: nginx -t and a real proxy; systemd-analyze verify (no systemd running)
fi
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Node runs the integration tests and the fake providers. Some images ship Node without Debian's npm
# (installing Debian's npm there conflicts), so install Node and npm only where they are absent.
if [ "${1:-}" = "--test" ]; then
  command -v node >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs
  command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq npm
fi
