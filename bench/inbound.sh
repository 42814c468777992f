#!/usr/bin/env bash
# Load benchmark of the inbound path (run by hand, never in CI): wrk replays pre-signed Twilio SMS
# webhooks, each with its own MessageSid and sender, at a Release build of the gateway whose replies
# go to the fake Twilio; then the store is checked and the dispatcher's drain timed. Kannel (MO round
# trip) and nginx (static POST) are measured on the same machine for comparison. See bench/README.md.
#
# usage: bench/inbound.sh [--no-baselines] [SECONDS=10] [CONNECTIONS=64] [RUNS=3]
# env:   REQUESTS (300000 pre-signed requests), DRAIN_TIMEOUT (300 s), SENDS_PER_SECOND (100000),
#        STATUS_CALLBACKS (0; 1 lets the fake post sent/delivered callbacks back, as Twilio would),
#        BASELINES_DIR (/work/shared/baselines), BUILD_DIR (build-bench), KEEP_WORK (0),
#        PERF (0; 1 = `perf record -g` of the gateway while wrk runs in run 1, report in the output dir),
#        HOLD_REPLIES (0; 1 = the fake holds every send for 10 min, so the dispatcher's workers block and
#        it stops claiming: the inbound path measured alone, no drain; a diagnosis, not the benchmark),
#        QUIET (off; e.g. 0.3 = before each run and each baseline, wait up to 10 min until the rest
#        of the machine uses less than 0.3 cores, so a shared machine's compiles do not skew one side)
set -Eeuo pipefail
trap 'echo "ERROR: line $LINENO: $BASH_COMMAND failed" >&2' ERR

usage() { sed -n '7,15p' "$0" | sed 's/^# \{0,1\}//'; }
BASELINES=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --no-baselines) BASELINES=0 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "unknown option $a" >&2; usage >&2; exit 2 ;;
    *) ARGS+=("$a") ;;
  esac
done
SECS=${ARGS[0]:-10}; CONNS=${ARGS[1]:-64}; RUNS=${ARGS[2]:-3}; THREADS=2
for v in "$SECS" "$CONNS" "$RUNS"; do [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "not a positive integer: $v" >&2; exit 2; }; done
(( CONNS >= THREADS )) || { echo "CONNECTIONS must be at least $THREADS" >&2; exit 2; }
REQUESTS=${REQUESTS:-300000}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-300}
SENDS_PER_SECOND=${SENDS_PER_SECOND:-100000}
STATUS_CALLBACKS=${STATUS_CALLBACKS:-0}
HOLD_REPLIES=${HOLD_REPLIES:-0}
QUIET=${QUIET:-}
BASELINES_DIR=${BASELINES_DIR:-/work/shared/baselines}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build-bench}
GATEWAY=$BUILD/gateway/cwc-gateway
IT=$ROOT/tests/integration
# Ports the baseline scripts insist on having free (01: 18080; 02: 10000 13000 13001 13013 18081).
RESERVED_PORTS=" 10000 13000 13001 13013 18080 18081 "

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/out/$STAMP
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/cwc-bench.XXXXXX)
exec > >(tee "$OUT/inbound.txt") 2>&1

GW_PID=""; FAKE_PID=""; FAILURES=(); WARNINGS=()
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
  stop_pid "$FAKE_PID" 5; FAKE_PID=""
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work files kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM
fail() { echo "FAIL: $*"; FAILURES+=("$*"); }
die() { echo "ERROR: $*" >&2; exit 1; }
med() { sort -g | awk '{a[NR]=$1} END{if (NR) print a[int((NR+1)/2)]; else print "n/a"}'; }
field() { grep -o " $1=[^ ]*" <<<" $2" | head -1 | cut -d= -f2; }  # field NAME "k=v k=v ..."

echo "== cwc-gateway inbound benchmark $STAMP"
echo "command: bench/inbound.sh${*:+ $*} (seconds=$SECS connections=$CONNS runs=$RUNS threads=$THREADS)"
echo "machine: nproc=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')\" mem=$(awk '/MemTotal/{printf "%.1fGiB", $2/1048576}' /proc/meminfo) kernel=$(uname -r)"
echo "loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- gateway messages handlers config 2>/dev/null || echo ' + uncommitted changes in the working tree')"
echo "output: $OUT"

# ---- tools
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v nginx >/dev/null || need+=(nginx)
command -v bearerbox >/dev/null || need+=(kannel)
[ -x /usr/lib/kannel/test/fakesmsc ] || need+=(kannel-extras)
command -v curl >/dev/null || need+=(curl)
command -v ss >/dev/null || need+=(iproute2)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v node >/dev/null || die "node (>= 20) is needed for the fake Twilio and the signer; run scripts/test.sh once"
command -v cmake >/dev/null || die "cmake is needed; run scripts/test.sh once to install the toolchain"
[ -d "$IT/node_modules" ] || (cd "$IT" && npm ci --no-audit --no-fund)

# ---- build (Release, only the gateway binary)
echo "building $GATEWAY (Release) ..."
if ! { cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCWC_TESTS=OFF &&
       cmake --build "$BUILD" --target cwc-gateway -j2; } > "$OUT/build.log" 2>&1; then
  tail -30 "$OUT/build.log"; die "build failed (log: $OUT/build.log)"
fi

# ---- inputs shared by every run: credentials, port, config, pre-signed requests
hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
ACCOUNT_SID=AC$(hex 16); AUTH_TOKEN=$(hex 16)
free_port() {
  local p
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    p=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
    [[ "$RESERVED_PORTS" == *" $p "* ]] || { echo "$p"; return; }
  done
  die "no free port"
}
# One fixed port for all runs: the requests are signed for the URL, port included.
GW_PORT=$(free_port)
CONFIG=$WORK/config.json
write_config() {
  node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    c.channels[0].sends_per_second = Number(process.argv[3]);
    fs.writeFileSync(process.argv[2], JSON.stringify(c, null, 2));' "$ROOT/config/example.json" "$CONFIG" "$1"
}
write_config "$SENDS_PER_SECOND"
if ! "$GATEWAY" check-config --config "$CONFIG" > "$WORK/check.txt" 2>&1; then
  echo "note: the gateway refuses sends_per_second=$SENDS_PER_SECOND: $(grep -m1 error "$WORK/check.txt")"
  SENDS_PER_SECOND=$(grep -o 'at most [0-9.]*' "$WORK/check.txt" | head -1 | awk '{print $3+0}')
  [ -n "$SENDS_PER_SECOND" ] || die "config rejected: $(cat "$WORK/check.txt")"
  echo "note: using its maximum, sends_per_second=$SENDS_PER_SECOND (this caps the dispatcher's rate)"
  write_config "$SENDS_PER_SECOND"
  "$GATEWAY" check-config --config "$CONFIG" >/dev/null || die "config rejected: $("$GATEWAY" check-config --config "$CONFIG" 2>&1)"
fi
CHANNEL=$(node -e 'console.log(require(process.argv[1]).channels[0].id)' "$CONFIG")
OUR_NUMBER=$(node -e 'console.log(require(process.argv[1]).channels[0].address)' "$CONFIG")
PUBLIC_URL=http://127.0.0.1:$GW_PORT
WEBHOOK_URL=$PUBLIC_URL/webhooks/$CHANNEL
REQ_FILE=$WORK/requests.txt
echo "pre-signing $REQUESTS requests for $WEBHOOK_URL ..."
node "$ROOT/bench/make_requests.js" --count "$REQUESTS" --url "$WEBHOOK_URL" --auth-token "$AUTH_TOKEN" \
  --account-sid "$ACCOUNT_SID" --to "$OUR_NUMBER" --out "$REQ_FILE" | tee "$WORK/requests.json"
echo "config: example.json with sends_per_second=$SENDS_PER_SECOND; status callbacks from the fake: $([ "$STATUS_CALLBACKS" = 1 ] && echo on || echo off)"
[ "$HOLD_REPLIES" = 1 ] && echo "HOLD_REPLIES=1: the fake holds every send, the dispatcher stops after its first claims (no drain measured)"

# ---- processes
start_fake() { # $1 = run number
  local args=(--port 0 --account-sid "$ACCOUNT_SID" --auth-token "$AUTH_TOKEN" --no-record)
  [ "$STATUS_CALLBACKS" = 1 ] || args+=(--no-status-callbacks)
  [ "$HOLD_REPLIES" = 1 ] && args+=(--response-delay-ms 600000)
  node "$IT/fake_twilio.js" "${args[@]}" > "$WORK/fake$1.out" 2>&1 &
  FAKE_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    FAKE_URL=$(head -1 "$WORK/fake$1.out" 2>/dev/null || true)
    [[ "$FAKE_URL" == http://* ]] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  die "the fake Twilio did not start: $(cat "$WORK/fake$1.out")"
}
start_gateway() { # $1 = run number, $2 = database
  TWILIO_ACCOUNT_SID=$ACCOUNT_SID TWILIO_AUTH_TOKEN=$AUTH_TOKEN TWILIO_API_BASE=$FAKE_URL \
    "$GATEWAY" serve --config "$CONFIG" --listen "127.0.0.1:$GW_PORT" --public-url "$PUBLIC_URL" \
    --db "$2" > "$WORK/gateway$1.log" 2>&1 &
  GW_PID=$!
  local i
  for ((i = 0; i < 150; i++)); do
    grep -q '"event":"listening"' "$WORK/gateway$1.log" 2>/dev/null && return 0
    kill -0 "$GW_PID" 2>/dev/null || break
    sleep 0.1
  done
  die "the gateway did not log \"listening\": $(tail -5 "$WORK/gateway$1.log")"
}
ticks() { [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }   # utime+stime
child_ticks() { awk '{print $16 + $17}' "/proc/$$/stat"; }  # waited-for children (wrk) of this shell
cpu_busy_total() { awk '/^cpu /{t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat; }
io_field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/io" 2>/dev/null || echo 0; }  # wchar, syscw
# Per thread: "tid comm ticks" (comm is the name a thread gave itself, e.g. store-writer).
thread_ticks() { local f; for f in /proc/"$1"/task/*/stat; do awk '{c = $0; sub(/^[0-9]+ \(/, "", c); sub(/\) .*/, "", c); n = split($0, a, ") "); split(a[n], b, " "); gsub(/ /, "_", c); print $1, c, b[12] + b[13]}' "$f" 2>/dev/null; done; }
hwm_kb() { awk '/VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
HZ=$(getconf CLK_TCK)

# With QUIET set: wait (at most 10 min) until the machine is busy with less than QUIET cores.
quiet_wait() {
  [ -n "$QUIET" ] || return 0
  local start b0 s0 b1 s1 busy
  start=$(date +%s)
  while :; do
    read -r b0 s0 < <(cpu_busy_total); sleep 3; read -r b1 s1 < <(cpu_busy_total)
    busy=$(awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v n="$(nproc)" 'BEGIN{printf "%.2f", s ? b / s * n : 0}')
    if awk -v b="$busy" -v q="$QUIET" 'BEGIN{exit !(b < q)}'; then
      echo "quiet: machine busy $busy cores (< $QUIET) after $(($(date +%s) - start)) s of waiting"; return 0; fi
    if (( $(date +%s) - start > 600 )); then
      echo "quiet: still $busy cores busy after 10 min; going on"; WARNINGS+=("$1 ran on a busy machine ($busy cores in use by others)"); return 0; fi
  done
}

RUNS_FILE=$OUT/runs.txt; : > "$RUNS_FILE"
run_once() {
  local r=$1 db=$WORK/run$1.db
  rm -f "$db" "$db-wal" "$db-shm" "$db.pseudonym-key"
  q() { sqlite3 -readonly -cmd '.timeout 5000' "$db" "$1"; }
  echo
  quiet_wait "run $r"
  echo "== run $r/$RUNS (fresh database; loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
  start_fake "$r"; start_gateway "$r" "$db"
  local load_before; load_before=$(cut -d' ' -f1 /proc/loadavg)

  local g0 f0 w0 b0 t0 g1 f1 w1 b1 t1 s0 s1
  local perf_pid="" perf_stat_pid=""
  if [ "${PERF:-0}" = 1 ] && [ "$r" = 1 ] && command -v perf >/dev/null; then
    perf record -F 999 -g -p "$GW_PID" -o "$WORK/perf.data" -- sleep "$SECS" > "$WORK/perf.out" 2>&1 & perf_pid=$!
    # System calls that cost the store: each commit syncs the WAL once (synchronous=FULL).
    perf stat -x, -e syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_pwrite64,syscalls:sys_enter_write,syscalls:sys_enter_sendmsg,syscalls:sys_enter_writev \
      -p "$GW_PID" -o "$WORK/perf_stat.csv" -- sleep "$SECS" > /dev/null 2>&1 & perf_stat_pid=$!
  fi
  local wc0 sw0 wc1 sw1
  wc0=$(io_field "$GW_PID" wchar); sw0=$(io_field "$GW_PID" syscw)
  thread_ticks "$GW_PID" > "$WORK/threads0.txt"
  g0=$(ticks "$GW_PID"); f0=$(ticks "$FAKE_PID"); w0=$(child_ticks); read -r b0 s0 < <(cpu_busy_total); t0=$(now)
  if ! wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --timeout 5s -s "$ROOT/bench/inbound.lua" "$WEBHOOK_URL" \
         -- "$REQ_FILE" "$THREADS" > "$OUT/wrk_run$r.txt" 2>&1; then
    cat "$OUT/wrk_run$r.txt"; die "wrk failed"
  fi
  t1=$(now); g1=$(ticks "$GW_PID"); f1=$(ticks "$FAKE_PID"); w1=$(child_ticks); read -r b1 s1 < <(cpu_busy_total)
  wc1=$(io_field "$GW_PID" wchar); sw1=$(io_field "$GW_PID" syscw)
  thread_ticks "$GW_PID" > "$WORK/threads1.txt"
  local hwm_load; hwm_load=$(hwm_kb "$GW_PID")
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" 2>/dev/null || true
    wait "$perf_stat_pid" 2>/dev/null || true
    local stored; stored=$(q "SELECT count(*) FROM inbound_messages")
    awk -F, -v n="$stored" '$3 ~ /syscalls/ {sub("syscalls:sys_enter_", "", $3); printf "%s=%s (%.2f per message) ", $3, $1, n ? $1 / n : 0}' "$WORK/perf_stat.csv" |
      sed 's/^/perf stat, system calls while wrk ran: /; s/ $/\n/' | tee "$OUT/perf_run1_syscalls.txt"
    { echo "# gateway CPU by thread"; perf report -i "$WORK/perf.data" --no-children --stdio --sort pid -g none 2>/dev/null | grep '%' | head -10
      echo "# by thread and library"; perf report -i "$WORK/perf.data" --no-children --stdio --sort pid,dso -g none 2>/dev/null | grep '%' | head -20
      echo "# by library"; perf report -i "$WORK/perf.data" --no-children --stdio --sort dso -g none 2>/dev/null | grep '%' | head -15
      echo "# by symbol"; perf report -i "$WORK/perf.data" --no-children --stdio --sort dso,symbol -g none 2>/dev/null | grep '%' | head -60
    } | sed 's/[[:space:]-]*$//' > "$OUT/perf_run1.txt" || true
    perf report -i "$WORK/perf.data" --children --stdio --sort symbol -g caller,0.5,callee --percent-limit 3 2>/dev/null |
      sed 's/[[:space:]-]*$//' | grep -v '^$' | head -400 > "$OUT/perf_run1_callers.txt" || true
    echo "perf: $OUT/perf_run1.txt, $OUT/perf_run1_callers.txt"
  fi
  kill -0 "$GW_PID" 2>/dev/null || { tail -5 "$WORK/gateway$r.log"; die "the gateway died during the load"; }

  local res; res=$(grep '^RESULT' "$OUT/wrk_run$r.txt") || { cat "$OUT/wrk_run$r.txt"; die "no RESULT line from wrk"; }
  echo "wrk: ${res#RESULT }"
  local ok issued wrapped non2xx errors secs
  ok=$(field ok "$res"); issued=$(field issued "$res"); wrapped=$(field wrapped "$res")
  non2xx=$(field non2xx "$res"); errors=$(field errors "$res"); secs=$(field seconds "$res")

  # Requests wrk abandoned when its clock ran out may still be committing: wait until the count holds.
  local rows=-1 prev=-2 i
  for ((i = 0; i < 50 && rows != prev; i++)); do prev=$rows; sleep 0.2; rows=$(q "SELECT count(*) FROM inbound_messages"); done
  local contacts outbox failed_in
  contacts=$(q "SELECT count(*) FROM contacts")
  outbox=$(q "SELECT count(*) FROM outbox")
  failed_in=$(q "SELECT count(*) FROM inbound_messages WHERE outcome <> 'handled'")
  local unanswered=$((rows - ok))
  echo "store: inbound_messages=$rows wrk 2xx=$ok (difference $unanswered; wrk sent $issued, so $((issued - ok)) were unanswered when it stopped)"
  echo "store: contacts=$contacts (first contacts) outbox=$outbox (expected 2 per first contact = $((2 * contacts))) handler failures=$failed_in"
  [ "$wrapped" = 0 ] || fail "run $r: $wrapped requests were sent twice (raise REQUESTS above $REQUESTS)"
  [ "$non2xx" = 0 ] || fail "run $r: $non2xx responses were not 2xx"
  [ "$errors" = 0 ] || fail "run $r: $errors socket errors/timeouts"
  if ((rows < ok)); then fail "run $r: $((ok - rows)) acknowledged messages are missing from the store (rows $rows < 2xx $ok)"
  elif ((rows > issued)); then fail "run $r: more rows ($rows) than requests sent ($issued)"
  elif ((unanswered > CONNS)); then fail "run $r: rows ($rows) exceed 2xx ($ok) by more than the $CONNS requests that can be in flight"
  elif ((unanswered != 0)); then echo "store: the $unanswered extra rows are requests committed after wrk stopped reading (at most one per connection): every 2xx is stored"
  fi
  [ "$contacts" = "$rows" ] || fail "run $r: contacts ($contacts) != inbound rows ($rows), but every sender is new"
  [ "$outbox" = "$((2 * contacts))" ] || fail "run $r: outbox rows $outbox != 2 x first contacts $((2 * contacts))"
  [ "$failed_in" = 0 ] || fail "run $r: $failed_in inbound messages were stored as failed"

  # Dispatcher: bounded wait until nothing is queued or being sent.
  local sent_at_t1 pending last_pending=-1 stalled_since td
  sent_at_t1=$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('queued','sending')")
  stalled_since=$(date +%s)
  while [ "$HOLD_REPLIES" != 1 ]; do
    pending=$(q "SELECT count(*) FROM outbox WHERE status IN ('queued','sending')")
    ((pending == 0)) && break
    if [ "$pending" != "$last_pending" ]; then last_pending=$pending; stalled_since=$(date +%s); fi
    if (( $(date +%s) - stalled_since > 60 )); then fail "run $r: the outbox stalled with $pending messages pending"; break; fi
    if awk -v a="$(now)" -v b="$t1" -v m="$DRAIN_TIMEOUT" 'BEGIN{exit !(a - b > m)}'; then
      echo "outbox: not drained within DRAIN_TIMEOUT=${DRAIN_TIMEOUT}s ($pending pending)"
      WARNINGS+=("run $r: the outbox was not drained within ${DRAIN_TIMEOUT}s ($pending replies still pending); outbound msg/s is over the time waited"); break; fi
    sleep 0.5
  done
  td=$(now)
  local hwm; hwm=$(hwm_kb "$GW_PID")
  local done_rows sent failed_out
  done_rows=$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('queued','sending')")
  sent=$(q "SELECT count(*) FROM outbox WHERE status IN ('sent','delivered')")
  failed_out=$(q "SELECT count(*) FROM outbox WHERE status IN ('failed','undelivered')")
  local out_rps during_rps drain_rps
  out_rps=$(awk -v n="$done_rows" -v a="$t0" -v b="$td" 'BEGIN{printf "%.0f", n / (b - a)}')
  during_rps=$(awk -v n="$sent_at_t1" -v a="$t0" -v b="$t1" 'BEGIN{printf "%.0f", n / (b - a)}')
  drain_rps=$(awk -v n="$((done_rows - sent_at_t1))" -v a="$t1" -v b="$td" 'BEGIN{printf "%.0f", (b > a + 0.001) ? n / (b - a) : 0}')
  echo "outbox: $done_rows/$outbox finished ($sent sent, $failed_out failed) $(awk -v a="$t0" -v b="$td" 'BEGIN{printf "%.1f", b - a}') s after the load began:" \
       "$out_rps msg/s overall ($during_rps/s while wrk ran, $drain_rps/s after)"
  [ "$HOLD_REPLIES" = 1 ] && out_rps=n/a
  ((failed_out == 0)) || fail "run $r: $failed_out replies failed at the fake"

  # Where the time goes: CPU of each process during the wrk window, in cores (1.00 = one core busy).
  local dt gw_cpu fake_cpu wrk_cpu all_cpu other_cpu
  dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')
  gw_cpu=$(awk -v d="$((g1 - g0))" -v h="$HZ" -v t="$dt" 'BEGIN{printf "%.2f", d / h / t}')
  fake_cpu=$(awk -v d="$((f1 - f0))" -v h="$HZ" -v t="$dt" 'BEGIN{printf "%.2f", d / h / t}')
  wrk_cpu=$(awk -v d="$((w1 - w0))" -v h="$HZ" -v t="$dt" 'BEGIN{printf "%.2f", d / h / t}')
  all_cpu=$(awk -v b="$((b1 - b0))" -v s="$((s1 - s0))" -v n="$(nproc)" 'BEGIN{printf "%.2f", s ? b / s * n : 0}')
  other_cpu=$(awk -v a="$all_cpu" -v g="$gw_cpu" -v f="$fake_cpu" -v w="$wrk_cpu" 'BEGIN{o = a - g - f - w; printf "%.2f", o < 0 ? 0 : o}')
  echo "cpu while wrk ran (cores of $(nproc)): gateway $gw_cpu, fake Twilio $fake_cpu, wrk $wrk_cpu, everything else $other_cpu (machine total $all_cpu)"
  # CPU time per stored message: the figure least disturbed by other work on the machine.
  local us_per_msg; us_per_msg=$(awk -v d="$((g1 - g0))" -v h="$HZ" -v n="$rows" 'BEGIN{printf "%.0f", n ? d / h / n * 1e6 : 0}')
  echo "gateway CPU per stored inbound message: $us_per_msg us (user+system, all threads, while wrk ran);" \
       "bytes written per message: $(awk -v d="$((wc1 - wc0))" -v n="$rows" 'BEGIN{printf "%.0f", n ? d / n : 0}')" \
       "in $(awk -v d="$((sw1 - sw0))" -v n="$rows" 'BEGIN{printf "%.1f", n ? d / n : 0}') write calls (database, log and HTTP responses)"

  # Per thread (the store writer is the serial part): CPU per stored message and busy share.
  local per_thread
  per_thread=$(awk -v h="$HZ" -v n="$rows" -v t="$dt" 'NR == FNR {t0[$1] = $3; next}
      {d = $3 - t0[$1]; if (d <= 0) next; u[$2] += d; k[$2]++}
      END {for (c in u) printf "%s%s=%.0fus(%.2f) ", c, (k[c] > 1 ? "x" k[c] : ""), n ? u[c] / h / n * 1e6 : 0, u[c] / h / t}' \
      "$WORK/threads0.txt" "$WORK/threads1.txt" | tr ' ' '\n' | sort -t= -k2 -gr | tr '\n' ' ')
  echo "gateway CPU per stored message by thread (us, and cores busy): $per_thread"
  local writer_us; writer_us=$(grep -o 'store-writer=[0-9]*' <<<"$per_thread" | cut -d= -f2 || true)

  # The gateway's own view: "ms" of webhook.inbound = form parse + signature + queue + group commit.
  local inner
  inner=$(grep '"event":"webhook.inbound"' "$WORK/gateway$r.log" | grep -o '"ms":[0-9.e+-]*' | cut -d: -f2 | sort -g |
          awk 'function pct(p,  i) { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR; return a[i] }
               {a[NR] = $1}
               END { if (NR) printf "p50=%.2f p90=%.2f p99=%.2f max=%.2f (n=%d)", pct(50), pct(90), pct(99), a[NR], NR; else print "none" }' || true)
  echo "gateway log, webhook.inbound ms (inside the gateway): $inner"
  local warns; warns=$(grep -v '"level":"info"' "$WORK/gateway$r.log" | grep -o '"event":"[^"]*"' | sort | uniq -c | tr '\n' ' ' || true)
  [ -z "$warns" ] || echo "gateway log, non-info events: $warns"

  stop_pid "$GW_PID" 15; GW_PID=""
  stop_pid "$FAKE_PID" 5; FAKE_PID=""
  local fake_sum; fake_sum=$(grep -o '"sends_accepted":[0-9]*' "$WORK/fake$r.out" | cut -d: -f2 || true)
  echo "fake Twilio accepted ${fake_sum:-?} sends (outbox rows sent: $sent)"
  grep -v '"level":"info"' "$WORK/gateway$r.log" | tail -3 > "$OUT/gateway_run$r.tail" || true

  local rss_mb; rss_mb=$(awk -v k="$hwm" 'BEGIN{printf "%.1f", k / 1024}')
  echo "RUN r=$r ok_rps=$(awk -v n="$ok" -v s="$secs" 'BEGIN{printf "%.0f", n / s}') p50=$(field p50 "$res") p90=$(field p90 "$res") p99=$(field p99 "$res") p999=$(field p999 "$res") max=$(field max "$res") rss_mb=$rss_mb rss_load_mb=$(awk -v k="$hwm_load" 'BEGIN{printf "%.1f", k / 1024}') out_rps=$out_rps gw_cpu=$gw_cpu gw_us_per_msg=$us_per_msg writer_us_per_msg=${writer_us:-n/a} fake_cpu=$fake_cpu wrk_cpu=$wrk_cpu other_cpu=$other_cpu load1=$load_before" | tee -a "$RUNS_FILE"
  [ "${KEEP_WORK:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
}

for r in $(seq "$RUNS"); do run_once "$r"; done

m() { grep -o " $1=[^ ]*" "$RUNS_FILE" | cut -d= -f2 | med; }
GW_RPS=$(m ok_rps); GW_P50=$(m p50); GW_P90=$(m p90); GW_P99=$(m p99); GW_P999=$(m p999); GW_RSS=$(m rss_mb); GW_OUT=$(m out_rps); GW_US=$(m gw_us_per_msg)
echo
echo "== gateway medians over $RUNS runs: msg/s=$GW_RPS p50=${GW_P50}us p90=${GW_P90}us p99=${GW_P99}us p99.9=${GW_P999}us peak_rss=${GW_RSS}MB outbound_msg/s=$GW_OUT" \
     "gateway_cpu_per_msg=$(m gw_us_per_msg)us writer_cpu_per_msg=$(m writer_us_per_msg)us cpu(cores): gateway=$(m gw_cpu) fake=$(m fake_cpu) wrk=$(m wrk_cpu) other=$(m other_cpu)"

# ---- baselines on the same machine (their own fixed ports; ours are stopped by now)
KANNEL_MO=n/a; NGINX1=n/a; NGINX2=n/a
if [ "$BASELINES" = 1 ]; then
  echo
  quiet_wait "the Kannel baseline"
  echo "== baseline: Kannel MO round trip ($BASELINES_DIR/02_kannel.sh 3 20000 10)"
  if bash "$BASELINES_DIR/02_kannel.sh" 3 20000 10 2>&1 | tee "$OUT/kannel.txt"; then :; else echo "(the Kannel baseline failed)"; fi
  KANNEL_MO=$(grep -o 'SUMMARY.* MO median [0-9]*' "$OUT/kannel.txt" | awk '{print $NF}' || true); KANNEL_MO=${KANNEL_MO:-n/a}
  echo
  quiet_wait "the nginx baseline"
  echo "== baseline: nginx HTTP ceiling ($BASELINES_DIR/01_http_ceiling.sh 3 10)"
  if bash "$BASELINES_DIR/01_http_ceiling.sh" 3 10 2>&1 | tee "$OUT/nginx.txt"; then :; else echo "(the nginx baseline failed)"; fi
  NGINX1=$(awk '/^nginx workers=1 POST/{getline; print}' "$OUT/nginx.txt" | grep -o 'rps=[0-9]*' | cut -d= -f2 || true); NGINX1=${NGINX1:-n/a}
  NGINX2=$(awk '/^nginx workers=2 POST/{getline; print}' "$OUT/nginx.txt" | grep -o 'rps=[0-9]*' | cut -d= -f2 || true); NGINX2=${NGINX2:-n/a}
fi

# ---- comparison
ratio() { [[ "$1" =~ ^[0-9.]+$ && "$2" =~ ^[0-9.]+$ ]] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", (b > 0) ? a / b : 0}' || echo n/a; }
verdict() { [ "$1" = n/a ] && echo "n/a" || awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN{ok = op == ">=" ? v >= t : v <= t; print ok ? "met" : "MISSED"}'; }
R_KANNEL=$(ratio "$GW_RPS" "$KANNEL_MO"); R_NGINX=$(ratio "$GW_RPS" "$NGINX1")
P99_MS=$(awk -v u="$GW_P99" 'BEGIN{printf "%.1f", u / 1000}')
echo
echo "== comparison (medians; gateway: ${SECS}s x $RUNS runs, $CONNS connections, wrk -t$THREADS; loadavg now $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %14s   %s\n' "measure" "value" "target"
printf '%-34s %14s   %s\n' "gateway inbound msg/s (2xx/s)" "$GW_RPS" ""
printf '%-34s %14s   %s\n' "gateway latency p50 / p99 (ms)" "$(awk -v a="$GW_P50" 'BEGIN{printf "%.1f", a / 1000}') / $P99_MS" "p99 <= 20 ms: $(verdict "$P99_MS" 20 '<=')"
printf '%-34s %14s   %s\n' "gateway peak RSS (MB, VmHWM)" "$GW_RSS" ""
printf '%-34s %14s   %s\n' "gateway CPU per message (us)" "$GW_US" ""
printf '%-34s %14s   %s\n' "gateway outbound msg/s (drain)" "$GW_OUT" ""
printf '%-34s %14s   %s\n' "Kannel MO msg/s" "$KANNEL_MO" ""
printf '%-34s %14s   %s\n' "nginx POST req/s, 1 worker" "$NGINX1" ""
printf '%-34s %14s   %s\n' "nginx POST req/s, 2 workers" "$NGINX2" ""
printf '%-34s %14s   %s\n' "gateway / Kannel MO" "$R_KANNEL" ">= 2: $(verdict "$R_KANNEL" 2 '>=')"
printf '%-34s %14s   %s\n' "gateway / nginx 1 worker" "$R_NGINX" ">= 0.5 (stretch): $(verdict "$R_NGINX" 0.5 '>=')"
echo "SUMMARY gateway_msgs=$GW_RPS p50_us=$GW_P50 p99_us=$GW_P99 rss_mb=$GW_RSS cpu_us_per_msg=$GW_US outbound_msgs=$GW_OUT kannel_mo=$KANNEL_MO nginx1=$NGINX1 nginx2=$NGINX2 gw_over_kannel=$R_KANNEL gw_over_nginx1=$R_NGINX"
echo "full output: $OUT/inbound.txt"
if ((${#WARNINGS[@]})); then
  echo; echo "WARNINGS:"; printf '  %s\n' "${WARNINGS[@]}"
fi
if ((${#FAILURES[@]})); then
  echo; echo "CHECKS FAILED:"; printf '  %s\n' "${FAILURES[@]}"; exit 1
fi
echo "store checks: all passed"
