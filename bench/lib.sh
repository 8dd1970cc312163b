# Shared by bench/sip.sh and bench/calls.sh (sourced, not run): options,
# a work directory removed on exit, a Switchboard node with a tenant whose
# users 10000.. have the SIP password "pw-<extension>", and sipp's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

DB="" CHILDREN=4 NODES=1 PROFILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --calls) CALLS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;;
    --nodes) NODES="$2"; shift 2 ;;
    --profile) PROFILE="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for tool in sipp kamailio curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y sip-tester kamailio curl)" >&2; exit 2; }
done

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# start_switchboard EXTRA_FLAGS...: a node on free ports (SB_PORT, API);
# with NODE set, another node (its own data directory and log).
start_switchboard() {
  HTTP_PORT=$(free_port) SB_PORT=$(free_port)
  API="http://127.0.0.1:$HTTP_PORT"
  local tags=()
  if [ -n "$PROFILE" ]; then tags=(-tags pprof); PPROF_PORT=$(free_port); export SWITCHBOARD_PPROF=127.0.0.1:$PPROF_PORT; fi
  [ -x "$WORK/switchboard" ] || go build "${tags[@]}" -o "$WORK/switchboard" ./cmd/switchboard
  ADMIN_PW="bench-Admin-pw-1"
  local args=(serve --data-dir "$WORK/data${NODE:-}" --http "127.0.0.1:$HTTP_PORT" --sip "127.0.0.1:$SB_PORT" --log-level warn "$@")
  [ -n "$DB" ] && args+=(--db "$DB")
  SWITCHBOARD_ADMIN_PASSWORD=$ADMIN_PW "$WORK/switchboard" "${args[@]}" >"$WORK/switchboard${NODE:-}.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -fs "$API/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
post() { curl -fsS -X POST "$API$1" -H "content-type: application/json" ${3:+-H "authorization: Bearer $3"} -d "$2"; }

# make_tenant EXTENSIONS...: a tenant (DOMAIN) answering MD5 first (sipp 3.6
# answers only the first challenge and knows only MD5) with those users.
make_tenant() {
  local token boss
  token=$(post /api/auth/sign_in "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" | json_field access_token)
  DOMAIN="bench$(date +%s).example"
  post /api/tenants "{\"name\":\"Bench\",\"domain\":\"$DOMAIN\",\"sip_digest\":\"MD5_THEN_SHA256\",\"admin\":{\"name\":\"boss\",\"password\":\"boss-Password-1\",\"email\":\"boss@$DOMAIN\",\"extension_number\":\"100\"}}" "$token" >/dev/null
  boss=$(post /api/auth/sign_in "{\"username\":\"boss\",\"password\":\"boss-Password-1\",\"domain\":\"$DOMAIN\"}" | json_field access_token)
  echo "creating $# users on Switchboard ($([ -n "$DB" ] && echo PostgreSQL || echo SQLite))..." >&2
  printf '%s\n' "$@" | API=$API BOSS=$boss DOMAIN=$DOMAIN xargs -P 8 -I{} sh -c 'curl -fsS -o /dev/null -X POST "$API/api/users" -H "content-type: application/json" -H "authorization: Bearer $BOSS" -d "{\"name\":\"u{}\",\"email\":\"u{}@$DOMAIN\",\"extension_number\":\"{}\",\"password\":\"User-password-{}\",\"extension_password\":\"pw-{}\"}"'
}

# start_kamailio TEMPLATE: Kamailio on KAM_PORT with the template's config.
start_kamailio() {
  KAM_PORT=$(free_port)
  sed -e "s/__PORT__/$KAM_PORT/" -e "s/__CHILDREN__/$CHILDREN/" "$1" >"$WORK/kamailio.cfg"
  kamailio -f "$WORK/kamailio.cfg" -DD -E -m 256 -M 32 >"$WORK/kamailio.log" 2>&1 &
  PIDS+=($!)
  sleep 1
}

# drive NAME PORT SCENARIO INJECTION UNIT: runs sipp at RATE with CONC at
# once for CALLS calls and prints the successful ones per second. A call
# whose next message does not come within 10 s fails (UDP lost on a busy
# machine), so that a run cannot hang on calls that will never end.
drive() {
  local name=$1 port=$2 start end ok failed prof=""
  if [ "$name" = switchboard ] && [ -n "$PROFILE" ]; then # a CPU profile of the node while sipp runs
    curl -fsS -o "$PROFILE" "http://$SWITCHBOARD_PPROF/debug/pprof/profile?seconds=${PROFILE_SECONDS:-5}" & prof=$!
  fi
  start=$(date +%s.%N)
  sipp "127.0.0.1:$port" -sf "$3" -inf "$4" -m "$CALLS" -r "$RATE" -rp 1000 -l "$CONC" \
    -i 127.0.0.1 -p "$(free_port)" -nostdin -timeout 300s -recv_timeout 10s -trace_screen -screen_file "$WORK/$name.screen" \
    -trace_err -error_file "$WORK/$name.err" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  [ -z "$prof" ] || wait "$prof" || echo "the profile failed" >&2
  ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/$name.screen" | tail -1)
  failed=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/$name.screen" | tail -1)
  echo "${ok:-0} $start $end" >"$WORK/$name.ok"
  python3 -c "ok=int('${ok:-0}'); print(f'{ok/($end-$start):.0f}')" >"$WORK/$name.rate"
  echo "$name: ${ok:-0} ok, ${failed:-0} failed in $(python3 -c "print(f'{$end-$start:.2f}')") s: $(cat "$WORK/$name.rate") $5/s" >&2
}

# summary UNIT: both rates and the ratio.
summary() {
  local sb kam
  sb=$(cat "$WORK/switchboard.rate") kam=$(cat "$WORK/kamailio.rate")
  python3 -c "print(f'switchboard {$sb} $1/s  kamailio {$kam} $1/s  ratio {($sb/$kam if $kam else 0):.2f}')"
}
