#!/usr/bin/env bash
# Reports over a million cases: generates COUNT realistic cases in a fresh database
# (bench/cases_generator.py), then times `cwc-gateway report summary|export` (the code of the
# officers' API endpoints) for every organisation and for one, printing seconds and peak RSS.
#
#   bench/cases.sh                 # 1,000,000 cases, 3 runs of each measure
#   bench/cases.sh 200000 1        # COUNT RUNS
#
# Environment: BUILD_DIR (default build-cases-bench, Release, tests off), SOURCE_DIR (default
# this checkout), CONFIG (default $SOURCE_DIR/config/example.json), KEEP_WORK=1 keeps the
# database and exports in the work directory, DB=path reuses an existing generated database,
# HTTP=0 skips the last part (the same through the officers' API of a running gateway).
set -euo pipefail

COUNT=${1:-1000000}
RUNS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
SOURCE_DIR=${SOURCE_DIR:-$(cd "$HERE/.." && pwd)}
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build-cases-bench}
CONFIG=${CONFIG:-$SOURCE_DIR/config/example.json}
OUT_DIR=$HERE/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT_DIR"
exec > >(tee "$OUT_DIR/cases.txt") 2>&1

for tool in sqlite3 python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "cases.sh: $tool is missing (apt-get install sqlite3 python3 time)"; exit 2; }
done

echo "== build (Release) in $BUILD_DIR"
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DCWC_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target cwc-gateway -j2 >/dev/null
GW=$BUILD_DIR/gateway/cwc-gateway
echo "commit $(git -C "$SOURCE_DIR" rev-parse --short HEAD)$(git -C "$SOURCE_DIR" diff --quiet HEAD -- messages gateway || echo ' + working tree')"

WORK=$(mktemp -d /tmp/cwc-cases-bench.XXXXXX)
cleanup() { [ "${KEEP_WORK:-0}" = 1 ] && echo "work kept in $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${DB:-}" ]; then
    echo "== reusing $DB"
else
    DB=$WORK/cases.db
    echo "== generate $COUNT cases"
    touch "$DB"
    "$GW" outbox --config "$CONFIG" --db "$DB" status >/dev/null  # creates and migrates the schema
    /usr/bin/time -f "generator: %e s, peak RSS %M KB" python3 "$HERE/cases_generator.py" "$CONFIG" "$DB" "$COUNT"
fi
echo "database: $(du -m "$DB" | cut -f1) MB, $(sqlite3 "$DB" 'SELECT COUNT(*) FROM cases') cases ($(sqlite3 "$DB" 'SELECT COUNT(*) FROM cases WHERE sensitive = 1') sensitive), $(sqlite3 "$DB" 'SELECT COUNT(*) FROM case_events') events"
ORG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["organisations"][0]["id"])' "$CONFIG")
FROM=$(date -u -d '-90 days' +%Y-%m-%d)
echo "one organisation: $ORG ($(sqlite3 "$DB" "SELECT COUNT(*) FROM cases WHERE organisation = '$ORG'") cases)"
# Cold cache is not measured: one untimed read of the file first, as a server that runs would have.
cat "$DB" >/dev/null

measure() {  # NAME ARGS...: RUNS timed runs; prints each and the median seconds
    local name=$1; shift
    local times=() line user sys wall rss bytes
    for ((r = 1; r <= RUNS; r++)); do
        line=$( { /usr/bin/time -f "%U %S %e %M" "$GW" report --config "$CONFIG" --db "$DB" --output "$WORK/out" "$@" >/dev/null; } 2>&1 | tail -1)
        read -r user sys wall rss <<<"$line"
        times+=("$wall")
        bytes=$(stat -c %s "$WORK/out")
        printf 'RUN %-34s run %d: %6.2f s (CPU %5.2f s)  peak RSS %6.1f MB  output %7.1f MB  rows %s\n' "$name" "$r" \
            "$wall" "$(echo "$user + $sys" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$(echo "$bytes / 1048576" | bc -l)" \
            "$( [[ " $* " == *" export "* ]] && echo $(( $(wc -l <"$WORK/out") - 2 )) || echo '-')"
    done
    printf 'MEDIAN %-31s %6.2f s\n' "$name" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
}

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "== summary (JSON, small cells suppressed)"
measure "summary admin all" summary
measure "summary officer $ORG" --role aap_officer --organisation "$ORG" summary
measure "summary complaints 90 days" --query "type=complaint&from=$FROM" summary
echo "== export (CSV/HXL, no sensitive rows)"
measure "export admin all (streamed)" export
measure "export officer $ORG (streamed)" --role aap_officer --organisation "$ORG" export
measure "export admin all no text" --query include_text=0 export
measure "export admin all (HTTP, buffered)" export --buffered
if [ "${HTTP:-1}" = 1 ]; then
    echo "== the same through the officers' API (GET over loopback, admin token, curl)"
    command -v curl >/dev/null || { echo "curl is missing: HTTP part skipped"; exit 0; }
    TOKEN=$("$GW" token --config "$CONFIG" --db "$DB" create --name bench --role admin --organisation "$ORG" --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=bench TWILIO_API_BASE=http://127.0.0.1:9 \
        "$GW" serve --config "$CONFIG" --db "$DB" --listen 127.0.0.1:0 --officers-listen 127.0.0.1:0 >"$WORK/serve.log" 2>&1 &
    SERVE_PID=$!
    for _ in $(seq 100); do grep -q officers_listening "$WORK/serve.log" && break; sleep 0.1; done
    ADDR=$(grep officers_listening "$WORK/serve.log" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["address"])')
    echo "gateway RSS at start: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' /proc/$SERVE_PID/status)"
    http_get() {  # NAME PATH
        for ((r = 1; r <= RUNS; r++)); do
            curl -s -o "$WORK/out" -H "Authorization: Bearer $TOKEN" \
                -w "HTTP $1 run $r: %{http_code} %{time_total} s  %{size_download} bytes" "http://$ADDR$2"
            echo "  gateway peak RSS so far $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' /proc/$SERVE_PID/status)"
        done
    }
    http_get "summary all" /api/v1/summary
    http_get "summary $ORG" "/api/v1/summary?organisation=$ORG"
    http_get "export $ORG no text" "/api/v1/export.csv?organisation=$ORG&include_text=0"
    http_get "export all" /api/v1/export.csv
    kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "output in $OUT_DIR"
