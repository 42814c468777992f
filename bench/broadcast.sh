#!/usr/bin/env bash
# A campaign broadcast to 100,000 generated subscribers (run by hand, never in CI): the database is
# filled by bench/broadcast_generator.py, the draft created and confirmed with `cwc-gateway
# broadcast` (confirmation = audience re-counted, recipients planned in pages and queued in writer
# units: target under 2 s), then a gateway sends it to a loopback fake Twilio (nginx answering
# every send 201) with the channel's limit off (sends_per_second 0). Prints seconds, rows/s and
# peak RSS of each part. See bench/README.md ("bench/broadcast.sh").
#
# usage: bench/broadcast.sh [SUBSCRIBERS=100000] [RUNS=3]
# env:   BUILD_DIR (build-broadcast-bench; Release from this checkout unless GATEWAY_BIN is set),
#        GATEWAY_BIN (a cwc-gateway binary to use instead), NGINX_WORKERS (2), KEEP_WORK (0),
#        DISPATCH=0 skips sending (confirmation figures only)
set -Eeuo pipefail
trap 'echo "ERROR: line $LINENO: $BASH_COMMAND failed" >&2' ERR

case "${1:-}" in -h|--help) sed -n '9,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
SUBSCRIBERS=${1:-100000}; RUNS=${2:-3}
for v in "$SUBSCRIBERS" "$RUNS"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "not a positive integer: $v" >&2; exit 2; }; done
NGINX_WORKERS=${NGINX_WORKERS:-2}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-broadcast-bench}
GATEWAY=${GATEWAY_BIN:-$BUILD/gateway/cwc-gateway}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/out/$STAMP
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/cwc-broadcastbench.XXXXXX)
exec > >(tee "$OUT/broadcast.txt") 2>&1

GW_PID=""; NGINX_PID=""; FAILURES=()
stop_pid() { # $1 pid, $2 seconds before SIGKILL
  local pid=$1 i
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < $2 * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$GW_PID" 15; GW_PID=""
  stop_pid "$NGINX_PID" 5; NGINX_PID=""
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
fail() { echo "FAIL: $*"; FAILURES+=("$*"); }
die() { echo "ERROR: $*" >&2; exit 1; }
med() { sort -g | awk '{a[NR]=$1} END{if (NR) print a[int((NR+1)/2)]; else print "n/a"}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== cwc-gateway broadcast benchmark $STAMP"
echo "command: bench/broadcast.sh${*:+ $*} (subscribers=$SUBSCRIBERS runs=$RUNS)"
echo "machine: nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\" kernel=$(uname -r)"
echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')${GATEWAY_BIN:+ (binary given: $GATEWAY_BIN)}"
for tool in nginx sqlite3 python3 /usr/bin/time; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install nginx sqlite3 python3 time)"; done
if [ -z "${GATEWAY_BIN:-}" ]; then
  echo "-- building Release into $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCWC_TESTS=OFF >/dev/null
  cmake --build "$BUILD" --target cwc-gateway -j2 >/dev/null
fi
[ -x "$GATEWAY" ] || die "no gateway binary at $GATEWAY"

# --- the configuration: the example's SMS channel without a limit, no quiet hours
CONFIG=$WORK/config.json
python3 - "$ROOT/config/example.json" "$CONFIG" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
for ch in cfg["channels"]:
    ch["sends_per_second"] = 0
    ch["broadcast_share"] = 1.0
cfg["broadcasts"]["quiet_hours"] = {"start": "00:00", "end": "00:00"}
json.dump(cfg, open(sys.argv[2], "w"), indent=1)
EOF
TOPIC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["topics"][0]["id"])' "$CONFIG")
ORG=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(next(t for t in c["topics"] if t["id"]==sys.argv[2]).get("organisations", [c["organisations"][0]["id"]])[0])' "$CONFIG" "$TOPIC")
cat > "$WORK/draft.json" <<EOF
{"name": "bench: $TOPIC to everyone", "topics": ["$TOPIC"], "respect_quiet_hours": false,
 "texts": {"es": "Brigada de salud gratuita este sábado de 8 a 14 h en el parque central. Lleva tu documento si lo tienes.",
           "en": "Free health brigade this Saturday 8am-2pm in the central park. Bring your ID if you have one."}}
EOF

# --- the subscribers, once; each run confirms on a copy
DB0=$WORK/generated.db
touch "$DB0"
"$GATEWAY" outbox --config "$CONFIG" --db "$DB0" status >/dev/null  # creates and migrates the schema
/usr/bin/time -f "generator: %e s, peak RSS %M KB" python3 "$ROOT/bench/broadcast_generator.py" "$CONFIG" "$DB0" "$SUBSCRIBERS"
echo "database: $(du -m "$DB0" | cut -f1) MB"

cli() { "$GATEWAY" broadcast --config "$CONFIG" --db "$1" --actor bench "${@:2}"; }
CONFIRM_S=(); CONFIRM_RSS=(); PREVIEW_S=()
for ((r = 1; r <= RUNS; r++)); do
  db=$WORK/run_$r.db
  cp "$DB0" "$db"
  id=$(cli "$db" create --file "$WORK/draft.json" --organisation "$ORG" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  /usr/bin/time -f "%e %M" -o "$WORK/preview.time" "$GATEWAY" broadcast --config "$CONFIG" --db "$db" preview "$id" > "$WORK/preview.json"
  people=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["preview"]["people"])' "$WORK/preview.json")
  /usr/bin/time -f "%e %M" -o "$WORK/confirm.time" "$GATEWAY" broadcast --config "$CONFIG" --db "$db" --actor bench confirm "$id" > "$WORK/confirm.json"
  read -r secs rss < "$WORK/confirm.time"
  read -r psecs _ < "$WORK/preview.time"
  planned=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["planned"])' "$WORK/confirm.json")
  rows=$(sqlite3 "$db" "select count(*) from outbox where broadcast_id = $id and status = 'queued'")
  [ "$rows" = "$planned" ] || fail "run $r: $rows queued rows for $planned planned"
  [ "$planned" = "$people" ] || fail "run $r: planned $planned of an audience of $people"
  echo "RESULT confirm run=$r audience=$people planned=$planned confirm_s=$secs rows_per_s=$(echo "scale=0; $planned / $secs" | bc) confirm_peak_rss_kb=$rss preview_s=$psecs" | tee -a "$OUT/runs.txt"
  CONFIRM_S+=("$secs"); CONFIRM_RSS+=("$rss"); PREVIEW_S+=("$psecs")
done
median_confirm=$(printf '%s\n' "${CONFIRM_S[@]}" | med)
echo "MEDIAN confirm_s=$median_confirm peak_rss_kb=$(printf '%s\n' "${CONFIRM_RSS[@]}" | med) preview_s=$(printf '%s\n' "${PREVIEW_S[@]}" | med) (target: confirm under 2 s)"
[ "$(echo "$median_confirm < 2" | bc)" = 1 ] || fail "confirmation took $median_confirm s (target 2 s)"

if [ "${DISPATCH:-1}" != 0 ]; then
  # --- sending the last run's broadcast: nginx as the fake Twilio, every send 201
  HTTP_PORT=$(free_port)
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx.conf" <<EOF
user $(id -un);
worker_processes $NGINX_WORKERS;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
daemon off;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    location ~ ^/2010-04-01/Accounts/[^/]+/Messages.json\$ {
      default_type application/json;
      return 201 '{"sid":"SM\$request_id","status":"queued","num_segments":"1"}';
    }
  }
}
EOF
  nginx -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" &
  NGINX_PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done
  db=$WORK/run_$RUNS.db
  total=$(sqlite3 "$db" "select count(*) from outbox where broadcast_id > 0")
  TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=benchtoken TWILIO_API_BASE="http://127.0.0.1:$HTTP_PORT" \
    "$GATEWAY" serve --config "$CONFIG" --db "$db" --listen 127.0.0.1:0 --officers-listen 127.0.0.1:0 --log-level warn > "$WORK/serve.log" 2>&1 &
  GW_PID=$!
  left=$total
  for ((i = 0; i < 3000; i++)); do
    left=$(sqlite3 -cmd '.timeout 5000' "$db" "select count(*) from outbox where broadcast_id > 0 and status in ('queued', 'sending')")
    [ "$left" = 0 ] && break
    kill -0 "$GW_PID" 2>/dev/null || die "the gateway died; see $WORK/serve.log"
    sleep 0.2
  done
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$GW_PID/status")
  stop_pid "$GW_PID" 15; GW_PID=""
  [ "$left" = 0 ] || fail "dispatch: $left rows still queued after 600 s"
  read -r sent first last < <(sqlite3 -separator ' ' "$db" \
    "select sum(status = 'sent'), min(updated_at), max(updated_at) from outbox where broadcast_id > 0")
  [ "$sent" = "$total" ] || fail "dispatch: $sent of $total sent"
  secs=$(echo "scale=3; ($last - $first) / 1000" | bc)
  echo "RESULT dispatch rows=$total sent=$sent seconds=$secs msg_per_s=$(echo "scale=0; ($sent - 1) / $secs" | bc) gateway_peak_rss_kb=$hwm" | tee -a "$OUT/runs.txt"
fi

if [ ${#FAILURES[@]} -gt 0 ]; then printf 'FAILED: %s\n' "${FAILURES[@]}"; exit 1; fi
echo "OK"
