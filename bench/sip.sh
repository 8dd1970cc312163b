#!/usr/bin/env bash
# Side-by-side registrar benchmark: Switchboard and Debian's Kamailio 5.6
# (configured as a registrar with digest authentication and in-memory
# usrloc, bench/kamailio.cfg.in), the same users, the same sipp scenario
# (bench/register.xml: REGISTER, 401, REGISTER with MD5 digest, 200), on
# loopback, one after the other. Prints both rates and the ratio.
#
#   bench/sip.sh [--db postgres://...] [--users 500] [--calls 20000] [--rate 4000] [--concurrency 100] [--nodes 2]
#
# --nodes 2 (with --db postgres://...) also starts a second node on the
# same database and, after the one-node run, drives both at once, each
# with half of the users, the calls, the rate and the concurrency; it
# prints the aggregate rate and its ratio to the one-node rate.
#
# Needs: go, sipp (sip-tester), kamailio, curl, python3. Nothing is left behind.
USERS=500 CALLS=20000 RATE=4000 CONC=100
source "$(dirname "$0")/lib.sh"

if [ "$NODES" != 1 ] && { [ "$NODES" != 2 ] || [ -z "$DB" ]; }; then
  echo "--nodes 2 needs --db postgres://... (nodes share the database)" >&2; exit 2
fi
start_switchboard
make_tenant $(seq 10000 $((10000 + USERS - 1)))
{
  echo SEQUENTIAL
  for i in $(seq 10000 $((10000 + USERS - 1))); do echo "$i;$DOMAIN;[authentication username=$i password=pw-$i]"; done
} >"$WORK/users.csv"
start_kamailio bench/kamailio.cfg.in

drive switchboard "$SB_PORT" bench/register.xml "$WORK/users.csv" registrations
drive kamailio "$KAM_PORT" bench/register.xml "$WORK/users.csv" registrations
summary registrations

[ "$NODES" = 2 ] || exit 0
PORT1=$SB_PORT
NODE=2 start_switchboard
PORT2=$SB_PORT
for half in 0 1; do
  { echo SEQUENTIAL; sed -n "$((half + 2))~2p" "$WORK/users.csv"; } >"$WORK/users$half.csv"
done
ONE_CALLS=$CALLS ONE_RATE=$RATE ONE_CONC=$CONC
CALLS=$((ONE_CALLS / 2)) RATE=$((ONE_RATE / 2)) CONC=$((ONE_CONC / 2))
drive node1 "$PORT1" bench/register.xml "$WORK/users0.csv" registrations & d1=$!
drive node2 "$PORT2" bench/register.xml "$WORK/users1.csv" registrations & d2=$!
wait "$d1" "$d2"
# The aggregate counts from the first sipp's start to the last one's end.
python3 - "$(cat "$WORK/switchboard.rate")" $(cat "$WORK/node1.ok" "$WORK/node2.ok") <<'PY'
import sys
one = float(sys.argv[1])
ok1, s1, e1, ok2, s2, e2 = (float(v) for v in sys.argv[2:8])
span = max(e1, e2) - min(s1, s2)
agg = (ok1 + ok2) / span
print(f"two nodes {agg:.0f} registrations/s ({ok1:.0f} + {ok2:.0f} ok in {span:.2f} s)  one node {one:.0f} registrations/s  ratio {(agg / one if one else 0):.2f}")
PY
