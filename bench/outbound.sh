#!/usr/bin/env bash
# Load benchmark of the outbound dispatcher (run by hand, never in CI): a queued outbox is sent to a
# loopback fake Twilio that cannot be the bottleneck (nginx answering every send 201 with a unique
# sid), over plain HTTP and over verified TLS, with the rate limits as high as the configuration
# allows; then one channel with a limit set, whose observed rate must be within 5 % of it.
# See bench/README.md ("bench/outbound.sh").
#
# usage: bench/outbound.sh [MESSAGES=60000] [RUNS=3]
# env:   CHANNELS (16: the configuration caps sends_per_second at 1000 per channel, so "limits off"
#        is CHANNELS channels at 1000/s, a ceiling of CHANNELS x 1000 msg/s), LIMIT (200 msg/s for
#        the limited run), LIMIT_SECONDS (20), LOG_LEVEL (info; the gateway logs every attempt),
#        BUILD_DIR (build-out-bench; Release, built from the working tree unless GATEWAY_BIN is set),
#        GATEWAY_BIN (a cwc-gateway binary to use instead), NGINX_WORKERS (2), KEEP_WORK (0)
set -Eeuo pipefail
trap 'echo "ERROR: line $LINENO: $BASH_COMMAND failed" >&2' ERR

case "${1:-}" in -h|--help) sed -n '8,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
MESSAGES=${1:-60000}; RUNS=${2:-3}
for v in "$MESSAGES" "$RUNS"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "not a positive integer: $v" >&2; exit 2; }; done
CHANNELS=${CHANNELS:-16}; LIMIT=${LIMIT:-200}; LIMIT_SECONDS=${LIMIT_SECONDS:-20}
LOG_LEVEL=${LOG_LEVEL:-info}; NGINX_WORKERS=${NGINX_WORKERS:-2}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-out-bench}
GATEWAY=${GATEWAY_BIN:-$BUILD/gateway/cwc-gateway}

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/out/$STAMP
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/cwc-outbench.XXXXXX)
exec > >(tee "$OUT/outbound.txt") 2>&1

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
cpu_s() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat" 2>/dev/null || echo 0; }  # utime+stime
busy_cores() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }

echo "== cwc-gateway outbound benchmark $STAMP"
echo "command: bench/outbound.sh${*:+ $*} (messages=$MESSAGES runs=$RUNS channels=$CHANNELS limit=$LIMIT/s for ${LIMIT_SECONDS}s log=$LOG_LEVEL)"
echo "machine: nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\" kernel=$(uname -r)"
echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')${GATEWAY_BIN:+ (binary given: $GATEWAY_BIN)}"
echo "output: $OUT"

for tool in nginx sqlite3 openssl python3; do command -v "$tool" >/dev/null || die "$tool is missing (apt-get install nginx sqlite3 openssl python3)"; done
if [ -z "${GATEWAY_BIN:-}" ]; then
  echo "-- building Release into $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCWC_TESTS=OFF >/dev/null
  cmake --build "$BUILD" --target cwc-gateway -j2 >/dev/null
fi
[ -x "$GATEWAY" ] || die "no gateway binary at $GATEWAY"

# --- the fake Twilio: nginx, plain and TLS (a CA made here; the gateway trusts it via SSL_CERT_FILE)
( cd "$WORK" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
    -days 2 -subj '/CN=cwc bench CA' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null &&
  printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext &&
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 1 -days 2 -extfile server.ext -out server.crt 2>/dev/null )
HTTP_PORT=$(free_port); TLS_PORT=$(free_port)
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
  log_format at '\$msec';
  client_body_temp_path $WORK/nginx;
  keepalive_requests 10000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$HTTP_PORT;
    listen 127.0.0.1:$TLS_PORT ssl;
    ssl_certificate $WORK/server.crt;
    ssl_certificate_key $WORK/server.key;
    location ~ ^/2010-04-01/Accounts/[^/]+/Messages.json\$ {
      access_log $WORK/nginx/sends.log at buffer=256k flush=1s;
      default_type application/json;
      return 201 '{"sid":"SM\$request_id","status":"queued","num_segments":"1"}';
    }
  }
}
EOF
nginx -c "$WORK/nginx.conf" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && break; sleep 0.1; done

# --- configuration: CHANNELS twilio_sms channels at sends_per_second RATE
write_config() { # $1 file, $2 channels, $3 rate
  python3 - "$ROOT/config/example.json" "$1" "$2" "$3" <<'EOF'
import json, sys
src, dst, n, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
cfg = json.load(open(src))
base = cfg["channels"][0]
cfg["channels"] = [dict(base, id=f"sms{i}", address=f"+51164090{i:02d}", sends_per_second=rate) for i in range(n)]
json.dump(cfg, open(dst, "w"), indent=1)
EOF
}

# --- one run: $1 name, $2 config, $3 api base, $4 messages per channel, $5 channels; prints RESULT
GW_PORT=$(free_port)
run() {
  local name=$1 cfg=$2 base=$3 per_channel=$4 nch=$5
  local db=$WORK/$name.db log=$WORK/$name.log
  rm -f "$db"*
  SENDS_FROM=$(( $(wc -l < "$WORK/nginx/sends.log" 2>/dev/null || echo 0) + 1 ))  # this run's lines
  local env=(TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=benchtoken
             TWILIO_API_BASE="$base" SSL_CERT_FILE="$WORK/ca.crt")
  # The schema comes from the gateway itself: start once, stop, then queue the messages.
  env "${env[@]}" "$GATEWAY" serve --config "$cfg" --db "$db" --listen "127.0.0.1:$GW_PORT" --log-level warn > "$log.init" 2>&1 &
  GW_PID=$!
  for _ in $(seq 100); do sqlite3 "$db" "select 1 from outbox limit 1" >/dev/null 2>&1 && break; sleep 0.1; done
  stop_pid "$GW_PID" 15; GW_PID=""
  local now; now=$(date +%s%3N)
  sqlite3 "$db" "WITH RECURSIVE c(ch) AS (SELECT 0 UNION ALL SELECT ch + 1 FROM c WHERE ch < $nch - 1),
      n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $per_channel - 1)
    INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, inbound_id, segments,
                        status, attempts, created_at, next_attempt_at, updated_at)
    SELECT ch * 10000000 + i + 1, 'sms' || ch, '+519' || printf('%02d%07d', ch, i),
           'Mensaje de prueba ' || i, 1, 1, 0, 1, 'queued', 0, $now, $now, $now FROM c, n"
  local total=$((per_channel * nch))
  local load_before; load_before=$(cut -d' ' -f1 /proc/loadavg)
  read -r b0 t0 < <(busy_cores)
  env "${env[@]}" "$GATEWAY" serve --config "$cfg" --db "$db" --listen "127.0.0.1:$GW_PORT" --log-level "$LOG_LEVEL" > "$log" 2>&1 &
  GW_PID=$!
  local ngx_cpu0=0; for p in $(pgrep -P "$NGINX_PID"); do ngx_cpu0=$(echo "$ngx_cpu0 + $(cpu_s "$p")" | bc); done
  local left=$total i
  for ((i = 0; i < 3000; i++)); do
    left=$(sqlite3 -cmd '.timeout 5000' "$db" "select count(*) from outbox where status in ('queued', 'sending')")
    [ "$left" = 0 ] && break
    kill -0 "$GW_PID" 2>/dev/null || die "the gateway died; see $log"
    sleep 0.2
  done
  local gw_cpu; gw_cpu=$(cpu_s "$GW_PID")
  local ngx_cpu=0; for p in $(pgrep -P "$NGINX_PID"); do ngx_cpu=$(echo "$ngx_cpu + $(cpu_s "$p")" | bc); done
  read -r b1 t1 < <(busy_cores)
  stop_pid "$GW_PID" 15; GW_PID=""
  sleep 1.2  # nginx flushes its access log every second
  [ "$left" = 0 ] || fail "$name: $left messages still queued after 600 s"
  local sent failed first last
  read -r sent failed first last < <(sqlite3 -separator ' ' "$db" \
    "select sum(status = 'sent'), sum(status = 'failed'), min(updated_at), max(updated_at) from outbox")
  [ "$sent" = "$total" ] || fail "$name: $sent of $total sent ($failed failed)"
  local accepted; accepted=$(tail -n +"$SENDS_FROM" "$WORK/nginx/sends.log" | wc -l)
  [ "$accepted" -ge "$total" ] || fail "$name: nginx answered $accepted sends for $total messages"
  local secs rate; secs=$(echo "scale=3; ($last - $first) / 1000" | bc)
  rate=$(echo "scale=0; ($sent - 1) / $secs" | bc)
  local cores_busy; cores_busy=$(echo "scale=2; ($b1 - $b0) / ($t1 - $t0) * $(nproc)" | bc)
  echo "RESULT $name messages=$total sent=$sent accepted_by_fake=$accepted seconds=$secs msg_per_s=$rate" \
       "gateway_cpu_s=$gw_cpu gateway_cpu_us_per_msg=$(echo "scale=0; $gw_cpu * 1000000 / $total" | bc) nginx_cpu_s=$(echo "$ngx_cpu - $ngx_cpu0" | bc) machine_busy_cores=$cores_busy loadavg_before=$load_before" \
    | tee -a "$OUT/runs.txt"
}

# The observed rate of a limited channel, from nginx's arrival times (ms): over the whole run and
# the busiest second.
observed_rate() { # $1 limit
  tail -n +"$SENDS_FROM" "$WORK/nginx/sends.log" > "$WORK/limited_sends.log"
  python3 - "$WORK/limited_sends.log" "$1" <<'EOF'
import sys
t = sorted(float(x) for x in open(sys.argv[1]) if x.strip())
limit = float(sys.argv[2])
rate = (len(t) - 1) / (t[-1] - t[0])
j, busiest = 0, 0
for i in range(len(t)):
    while t[i] - t[j] >= 1.0: j += 1
    busiest = max(busiest, i - j + 1)
print(f"LIMITED sends={len(t)} observed_per_s={rate:.1f} limit={limit:g} deviation_pct={100 * (rate - limit) / limit:+.2f} busiest_second={busiest}")
EOF
}

write_config "$WORK/unlimited.json" "$CHANNELS" 1000
write_config "$WORK/limited.json" 1 "$LIMIT"
PER_CHANNEL=$(( (MESSAGES + CHANNELS - 1) / CHANNELS ))
for ((r = 1; r <= RUNS; r++)); do
  echo "-- run $r: $((PER_CHANNEL * CHANNELS)) messages, $CHANNELS channels x 1000/s, plain HTTP"
  run "http_$r" "$WORK/unlimited.json" "http://127.0.0.1:$HTTP_PORT" "$PER_CHANNEL" "$CHANNELS"
  echo "-- run $r: the same over TLS (certificate and host verified, kept-alive connections)"
  run "tls_$r" "$WORK/unlimited.json" "https://localhost:$TLS_PORT" "$PER_CHANNEL" "$CHANNELS"
done
echo "-- limited: 1 channel at $LIMIT/s, $((LIMIT * LIMIT_SECONDS)) messages over TLS"
run limited "$WORK/limited.json" "https://localhost:$TLS_PORT" $((LIMIT * LIMIT_SECONDS)) 1
LIMITED=$(observed_rate "$LIMIT")
echo "$LIMITED" | tee -a "$OUT/runs.txt"

echo
echo "== summary (medians of $RUNS runs)"
for kind in http tls; do
  printf '%-44s %8s msg/s   (runs: %s; gateway CPU per message: %s us)\n' "dispatch rate, $CHANNELS channels, $kind" \
    "$(grep "^RESULT ${kind}_" "$OUT/runs.txt" | grep -o 'msg_per_s=[0-9]*' | cut -d= -f2 | med)" \
    "$(grep "^RESULT ${kind}_" "$OUT/runs.txt" | grep -o 'msg_per_s=[0-9]*' | cut -d= -f2 | paste -sd/)" \
    "$(grep "^RESULT ${kind}_" "$OUT/runs.txt" | grep -o 'us_per_msg=[0-9]*' | cut -d= -f2 | med)"
done
dev=$(grep -o 'deviation_pct=[-+0-9.]*' <<<"$LIMITED" | cut -d= -f2)
printf '%-44s %8s msg/s   (limit %s, deviation %s %%)\n' "limited channel, observed" \
  "$(grep -o 'observed_per_s=[0-9.]*' <<<"$LIMITED" | cut -d= -f2)" "$LIMIT" "$dev"
best=$(grep "^RESULT http_" "$OUT/runs.txt" | grep -o 'msg_per_s=[0-9]*' | cut -d= -f2 | med)
[ "${best:-0}" -ge 5000 ] && echo "target >= 5000 msg/s (plain HTTP): met" || echo "target >= 5000 msg/s (plain HTTP): MISSED"
python3 -c "import sys; sys.exit(0 if abs(float('$dev')) <= 5 else 1)" && echo "target limited rate within 5 %: met" \
  || { echo "target limited rate within 5 %: MISSED"; fail "limited rate off by $dev %"; }
echo "loadavg at end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${#FAILURES[@]}" -gt 0 ]; then printf 'FAILED: %s\n' "${FAILURES[@]}"; exit 1; fi
