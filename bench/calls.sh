#!/usr/bin/env bash
# Side-by-side proxy benchmark: calls per second (INVITE with a 407
# digest round, 180, 200, ACK, BYE, 200) through Switchboard and through
# Debian's Kamailio 5.6 configured by us as a stateful record-routing proxy
# with digest authentication and usrloc (bench/kamailio-proxy.cfg.in), the
# same users, the same sipp scenario (internal/e2e/testdata/sipp/uac_auth.xml
# without its pause) and the same sipp UAS as the callee, one after the
# other on loopback. Prints both rates and the ratio.
#
#   bench/calls.sh [--db postgres://...] [--users 200] [--calls 5000] [--rate 2000] [--concurrency 100]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"

DB="" USERS=200 CALLS=5000 RATE=2000 CONC=100 CHILDREN=4
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --calls) CALLS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --concurrency) CONC="$2"; shift 2 ;;
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
HTTP_PORT=$(free_port) SB_PORT=$(free_port) KAM_PORT=$(free_port) UAS_PORT=$(free_port)
API="http://127.0.0.1:$HTTP_PORT"
CALLEE=20000

go build -o "$WORK/switchboard" ./cmd/switchboard
ADMIN_PW="bench-Admin-pw-1"
args=(serve --data-dir "$WORK/data" --http "127.0.0.1:$HTTP_PORT" --sip "127.0.0.1:$SB_PORT" --log-level warn --sip-fail-limit 0)
[ -n "$DB" ] && args+=(--db "$DB")
SWITCHBOARD_ADMIN_PASSWORD=$ADMIN_PW "$WORK/switchboard" "${args[@]}" >"$WORK/switchboard.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -fs "$API/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

json_field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p"; }
post() { curl -fsS -X POST "$API$1" -H "content-type: application/json" ${3:+-H "authorization: Bearer $3"} -d "$2"; }
TOKEN=$(post /api/auth/sign_in "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" | json_field access_token)
DOMAIN="calls$(date +%s).example"
# MD5 first: sipp 3.6 answers only the first challenge and knows only MD5.
post /api/tenants "{\"name\":\"Bench\",\"domain\":\"$DOMAIN\",\"sip_digest\":\"MD5_THEN_SHA256\",\"admin\":{\"name\":\"boss\",\"password\":\"boss-Password-1\",\"email\":\"boss@$DOMAIN\",\"extension_number\":\"100\"}}" "$TOKEN" >/dev/null
BOSS=$(post /api/auth/sign_in "{\"username\":\"boss\",\"password\":\"boss-Password-1\",\"domain\":\"$DOMAIN\"}" | json_field access_token)
echo "creating $USERS callers and the callee on Switchboard ($([ -n "$DB" ] && echo PostgreSQL || echo SQLite))..." >&2
export API BOSS DOMAIN
{ seq 10000 $((10000 + USERS - 1)); echo $CALLEE; } | xargs -P 8 -I{} sh -c 'curl -fsS -o /dev/null -X POST "$API/api/users" -H "content-type: application/json" -H "authorization: Bearer $BOSS" -d "{\"name\":\"u{}\",\"email\":\"u{}@$DOMAIN\",\"extension_number\":\"{}\",\"password\":\"User-password-{}\",\"extension_password\":\"pw-{}\"}"'

{
  echo SEQUENTIAL
  for i in $(seq 10000 $((10000 + USERS - 1))); do echo "$i;$DOMAIN;[authentication username=$i password=pw-$i];$CALLEE"; done
} >"$WORK/calls.csv"
printf 'SEQUENTIAL\n%s;%s;[authentication username=%s password=pw-%s];127.0.0.1:%s\n' "$CALLEE" "$DOMAIN" "$CALLEE" "$CALLEE" "$UAS_PORT" >"$WORK/callee.csv"
sed 's|<pause milliseconds="300"/>||' internal/e2e/testdata/sipp/uac_auth.xml >"$WORK/uac.xml"

sed -e "s/__PORT__/$KAM_PORT/" -e "s/__CHILDREN__/$CHILDREN/" bench/kamailio-proxy.cfg.in >"$WORK/kamailio.cfg"
kamailio -f "$WORK/kamailio.cfg" -DD -E -m 256 -M 32 >"$WORK/kamailio.log" 2>&1 &
PIDS+=($!)
sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin -bg >/dev/null 2>&1 || true  # -bg exits non-zero while the UAS keeps running
sleep 1

# run NAME PORT: registers the callee at the UAS, drives the calls, prints calls/s.
run() {
  local name=$1 port=$2 start end ok failed
  sipp "127.0.0.1:$port" -sf bench/register-contact.xml -inf "$WORK/callee.csv" -m 1 -i 127.0.0.1 -p "$(free_port)" -nostdin -timeout 10s -trace_err -error_file "$WORK/$name.register.err" >/dev/null 2>&1 || { echo "$name: registering the callee failed:" >&2; tail -5 "$WORK/$name.register.err" >&2; }
  start=$(date +%s.%N)
  sipp "127.0.0.1:$port" -sf "$WORK/uac.xml" -inf "$WORK/calls.csv" -m "$CALLS" -r "$RATE" -rp 1000 -l "$CONC" \
    -i 127.0.0.1 -p "$(free_port)" -nostdin -timeout 300s -trace_screen -screen_file "$WORK/$name.screen" \
    -trace_err -error_file "$WORK/$name.err" >/dev/null 2>&1 || true
  if [ -s "$WORK/$name.err" ]; then echo "$name: first errors:" >&2; head -c 1500 "$WORK/$name.err" >&2; echo >&2; fi
  end=$(date +%s.%N)
  ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/$name.screen" | tail -1)
  failed=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/$name.screen" | tail -1)
  python3 -c "ok=int('${ok:-0}'); print(f'{ok/($end-$start):.0f}')" >"$WORK/$name.rate"
  echo "$name: ${ok:-0} calls ok, ${failed:-0} failed in $(python3 -c "print(f'{$end-$start:.2f}')") s: $(cat "$WORK/$name.rate") calls/s" >&2
}

run switchboard "$SB_PORT"
run kamailio "$KAM_PORT"
pkill -f "sipp -sn uas -i 127.0.0.1 -p $UAS_PORT" || true
SB=$(cat "$WORK/switchboard.rate") KAM=$(cat "$WORK/kamailio.rate")
python3 -c "print(f'switchboard {$SB} calls/s  kamailio {$KAM} calls/s  ratio {($SB/$KAM if $KAM else 0):.2f}')"
