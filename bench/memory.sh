#!/usr/bin/env bash
# Resident memory of one Switchboard node holding 100,000 users, 20,000
# live registrations and 500 calls in progress. The users come from a CSV
# import through the API; sipp registers 20,000 of them with their contact
# at a sipp UAS, then places 500 calls from 500 others to registered users, which the UAS answers
# and holds. The node's memory (/proc/<pid>/status: VmRSS, its anonymous
# and file-backed parts, and the peak VmHWM) is printed after each step.
#
#   bench/memory.sh [--db postgres://...] [--users 100000] [--calls 500] [--rate 500] [--concurrency 200]
#
# (--calls is the number of calls held at once; registrations are 20,000,
# or --users / 5 when fewer users are asked for.)
#
# Needs: go, sipp (sip-tester), curl, python3. Nothing is left behind.
USERS=100000 CALLS=500 RATE=500 CONC=200
source "$(dirname "$0")/lib.sh"
BINDINGS=$((USERS / 5 < 20000 ? USERS / 5 : 20000))
FIRST=100000 # extensions FIRST.. ; the registered ones first, the callers last

start_switchboard --sip-fail-limit 0
SB_PID=${PIDS[-1]}
memory() {
  kill -0 "$SB_PID" 2>/dev/null || { echo "the node is not running:" >&2; tail -5 "$WORK/switchboard.log" >&2; exit 1; }
  python3 - "$SB_PID" "$1" <<'EOF'
import sys
pid, step = sys.argv[1], sys.argv[2]
f = {}
for line in open(f"/proc/{pid}/status"):
    k, _, v = line.partition(":")
    f[k] = v.strip()
mib = lambda k: int(f.get(k, "0 kB").split()[0]) / 1024
print(f"{step:<44} RSS {mib('VmRSS'):6.0f} MiB (anonymous {mib('RssAnon'):.0f}, file {mib('RssFile'):.0f})  peak {mib('VmHWM'):.0f} MiB")
EOF
}
memory "started (idle)"

token=$(post /api/auth/sign_in "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" | json_field access_token)
DOMAIN="mem$(date +%s).example"
post /api/tenants "{\"name\":\"Memory\",\"domain\":\"$DOMAIN\",\"sip_digest\":\"MD5_THEN_SHA256\",\"admin\":{\"name\":\"boss\",\"password\":\"boss-Password-1\",\"email\":\"boss@$DOMAIN\",\"extension_number\":\"100\"}}" "$token" >/dev/null
BOSS=$(post /api/auth/sign_in "{\"username\":\"boss\",\"password\":\"boss-Password-1\",\"domain\":\"$DOMAIN\"}" | json_field access_token)

# All users come from one CSV import (no login passwords: an import of
# 100,000 with them takes hours of argon2id); the ones that register or
# call then get a SIP password through the API (POST
# /api/users/{id}/extension_password), 8 at a time.
SIP_USERS=$((BINDINGS + CALLS))
echo "importing $USERS users ($([ -n "$DB" ] && echo PostgreSQL || echo SQLite))..." >&2
{
  echo "username,email,extension"
  for i in $(seq $FIRST $((FIRST + USERS - 1))); do echo "u$i,u$i@$DOMAIN,$i"; done
} >"$WORK/users.csv"
answer=$(curl -sS -X POST "$API/api/users/import" -H "content-type: text/csv" -H "authorization: Bearer $BOSS" \
  --data-binary "@$WORK/users.csv")
job=$(echo "$answer" | json_field id)
[ -n "$job" ] || { echo "import refused: $answer" >&2; exit 1; }
while :; do
  status=$(curl -fsS "$API/api/user_import_jobs/$job" -H "authorization: Bearer $BOSS" | json_field status)
  case "$status" in
    SUCCEEDED) break ;;
    FAILED) echo "import failed" >&2; exit 1 ;;
  esac
  sleep 1
done
echo "setting the SIP passwords of $SIP_USERS users..." >&2
python3 - "$API" "$BOSS" "$FIRST" "$SIP_USERS" <<'EOF'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
api, token, first, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"authorization": "Bearer " + token, "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")
ids, skip = {}, 0
flt = urllib.parse.quote(f"extension_number ge '{first}' and extension_number lt '{first + n}'")
while True:
    page = call("GET", f"/api/users?top=100&skip={skip}&orderby=extension_number&filter={flt}")["items"]
    ids.update({u["extension_number"]: u["id"] for u in page})
    if len(page) < 100:
        break
    skip += 100
assert len(ids) == n, f"{len(ids)} users found, want {n}"
def setpw(ext):
    for attempt in range(3):
        try:
            return call("POST", f"/api/users/{ids[ext]}/extension_password", {"password": "pw-" + ext})
        except Exception as e:
            err = e
    raise err
with ThreadPoolExecutor(8) as pool:
    list(pool.map(setpw, sorted(ids)))
EOF
count=$(curl -fsS "$API/api/users?top=1" -H "authorization: Bearer $BOSS" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
[ "$count" = "$((USERS + 1))" ] || { echo "the tenant has $count users, want $((USERS + 1))" >&2; exit 1; }
memory "$USERS users (and the tenant's admin)"

UAS_PORT=$(free_port)
sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin -bg >/dev/null 2>&1 || true # -bg exits non-zero; the UAS runs on
trap 'pkill -f "sipp -sn uas -i 127.0.0.1 -p $UAS_PORT" || true; cleanup' EXIT
{
  echo SEQUENTIAL
  for i in $(seq $FIRST $((FIRST + BINDINGS - 1))); do
    echo "$i;$DOMAIN;[authentication username=$i password=pw-$i];127.0.0.1:$UAS_PORT"
  done
} >"$WORK/register.csv"
CALLS_HELD=$CALLS CALLS=$BINDINGS
drive register "$SB_PORT" bench/register-contact.xml "$WORK/register.csv" registrations
memory "$BINDINGS registrations"

# Calls held for 10 minutes at most: the script ends them when it exits.
CALLS=$CALLS_HELD
{
  echo SEQUENTIAL
  for k in $(seq 0 $((CALLS - 1))); do
    caller=$((FIRST + BINDINGS + k))
    echo "$caller;$DOMAIN;[authentication username=$caller password=pw-$caller];$((FIRST + k))"
  done
} >"$WORK/calls.csv"
sed 's|<pause milliseconds="300"/>|<pause milliseconds="600000"/>|' internal/e2e/testdata/sipp/uac_auth.xml >"$WORK/uac.xml"
sipp "127.0.0.1:$SB_PORT" -sf "$WORK/uac.xml" -inf "$WORK/calls.csv" -m "$CALLS" -r "$RATE" -rp 1000 -l "$CALLS" \
  -i 127.0.0.1 -p "$(free_port)" -nostdin -trace_stat -stf "$WORK/calls.stat" -fd 1 >/dev/null 2>&1 &
UAC=$!
trap 'kill -INT $UAC 2>/dev/null || true; pkill -f "sipp -sn uas -i 127.0.0.1 -p $UAS_PORT" || true; cleanup' EXIT
# sipp's statistics, each second: calls in progress (answered ones wait
# in the scenario's pause) and failed ones so far.
stat() {
  python3 - "$WORK/calls.stat" "$1" <<'EOF'
import sys
rows = [l.rstrip("\n").split(";") for l in open(sys.argv[1]) if l.strip()]
head, last = rows[0], rows[-1]
col = {"current": "CurrentCall", "failed": "FailedCall(C)"}[sys.argv[2]]
print(last[head.index(col)] if len(rows) > 1 else 0)
EOF
}
up=0
for _ in $(seq 1 120); do
  sleep 2
  [ -s "$WORK/calls.stat" ] || continue
  up=$(stat current)
  [ "$up" -ge "$CALLS" ] && break
done
sleep 2 # the last calls' ACKs
echo "calls in progress (sipp): $up of $CALLS, failed $(stat failed)" >&2
memory "$CALLS calls in progress"
