#!/usr/bin/env bash
# Side-by-side proxy benchmark: calls per second (INVITE with a 407
# digest round, 180, 200, ACK, BYE, 200) through Switchboard and through
# Debian's Kamailio 5.6 configured by us as a stateful record-routing proxy
# with digest authentication and usrloc (bench/kamailio-proxy.cfg.in), the
# same users, the same sipp scenario (internal/e2e/testdata/sipp/uac_auth.xml
# without its pause) and the same sipp UAS as the callee, one after the
# other on loopback. Prints both rates and the ratio.
#
#   bench/calls.sh [--db postgres://...] [--users 200] [--calls 5000] [--rate 2000] [--concurrency 100] [--profile FILE]
#
# --profile FILE builds the node with -tags pprof and writes a CPU profile of
# it during the first PROFILE_SECONDS (default 5) of its calls to FILE.
#
# Needs: go, sipp (sip-tester), kamailio, curl, python3. Nothing is left behind.
USERS=200 CALLS=5000 RATE=2000 CONC=100
source "$(dirname "$0")/lib.sh"
CALLEE=20000

start_switchboard --sip-fail-limit 0
make_tenant $(seq 10000 $((10000 + USERS - 1))) $CALLEE
UAS_PORT=$(free_port)
{
  echo SEQUENTIAL
  for i in $(seq 10000 $((10000 + USERS - 1))); do echo "$i;$DOMAIN;[authentication username=$i password=pw-$i];$CALLEE"; done
} >"$WORK/calls.csv"
printf 'SEQUENTIAL\n%s;%s;[authentication username=%s password=pw-%s];127.0.0.1:%s\n' "$CALLEE" "$DOMAIN" "$CALLEE" "$CALLEE" "$UAS_PORT" >"$WORK/callee.csv"
sed 's|<pause milliseconds="300"/>||' internal/e2e/testdata/sipp/uac_auth.xml >"$WORK/uac.xml"
start_kamailio bench/kamailio-proxy.cfg.in
sipp -sn uas -i 127.0.0.1 -p "$UAS_PORT" -nostdin -bg >/dev/null 2>&1 || true # -bg exits non-zero; the UAS runs on
trap 'pkill -f "sipp -sn uas -i 127.0.0.1 -p $UAS_PORT" || true; cleanup' EXIT

# The callee registers at the same UAS on each side, then the calls run.
for side in switchboard:$SB_PORT kamailio:$KAM_PORT; do
  name=${side%%:*} port=${side##*:}
  sipp "127.0.0.1:$port" -sf bench/register-contact.xml -inf "$WORK/callee.csv" -m 1 -i 127.0.0.1 -p "$(free_port)" -nostdin \
    -timeout 10s >/dev/null 2>&1 || { echo "$name: registering the callee failed" >&2; exit 1; }
  drive "$name" "$port" "$WORK/uac.xml" "$WORK/calls.csv" calls
done
summary calls
