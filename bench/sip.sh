#!/usr/bin/env bash
# Side-by-side registrar benchmark: Switchboard and Debian's Kamailio 5.6
# (configured as a registrar with digest authentication and in-memory
# usrloc, bench/kamailio.cfg.in), the same users, the same sipp scenario
# (bench/register.xml: REGISTER, 401, REGISTER with MD5 digest, 200), on
# loopback, one after the other. Prints both rates and the ratio.
#
#   bench/sip.sh [--db postgres://...] [--users 500] [--calls 20000] [--rate 4000] [--concurrency 100]
#
# Needs: go, sipp (sip-tester), kamailio, curl, python3. Nothing is left behind.
USERS=500 CALLS=20000 RATE=4000 CONC=100
source "$(dirname "$0")/lib.sh"

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
