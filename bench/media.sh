#!/usr/bin/env bash
# Media engine benchmark: CONC voicemail deposits at once. Each sipp call
# (INVITE with a 407 digest round, through the proxy) reaches a user in DND
# and is answered by the node's media engine: the default prompt and the
# beep are sent to the caller, then the caller sends Debian's G.711 capture
# (g711a.pcap, 7.08 s) three times and hangs up. The engine logs, per call,
# the packets it sent and how many left more than 20 ms after they were
# due (counted from the previous packet: what a 20 ms jitter buffer could
# not hide), and the packets it read and how many it read more than 40 ms
# behind the sender's pace (an overloaded engine reads late). The script
# samples the node's resident memory meanwhile and prints the totals.
#
#   bench/media.sh [--db postgres://...] [--concurrency 200] [--rate 40]
#
# Needs: go, sipp (sip-tester), curl, python3. Nothing is left behind.
USERS=0 CALLS=0 RATE=40 CONC=200
source "$(dirname "$0")/lib.sh"
CALLS=$CONC
PCAP=/usr/share/sip-tester/g711a.pcap
[ -f "$PCAP" ] || { echo "$PCAP is missing (apt-get install -y sip-tester)" >&2; exit 2; }

start_switchboard --sip-fail-limit 0 --log-level info
SB_PID=${PIDS[-1]}
callers=$(seq 10000 $((10000 + CONC - 1)))
make_tenant $callers
boss=$(post /api/auth/sign_in "{\"username\":\"boss\",\"password\":\"boss-Password-1\",\"domain\":\"$DOMAIN\"}" | json_field access_token)
echo "creating $CONC mailboxes (users in DND)..." >&2
seq 20000 $((20000 + CONC - 1)) | API=$API BOSS=$boss DOMAIN=$DOMAIN xargs -P 8 -I{} sh -c 'curl -fsS -o /dev/null -X POST "$API/api/users" -H "content-type: application/json" -H "authorization: Bearer $BOSS" -d "{\"name\":\"m{}\",\"email\":\"m{}@$DOMAIN\",\"extension_number\":\"{}\",\"password\":\"User-password-{}\",\"enable_dnd\":true}"'
{
  echo SEQUENTIAL
  for i in $callers; do echo "$i;$DOMAIN;[authentication username=$i password=pw-$i];$((i + 10000))"; done
} >"$WORK/calls.csv"

# The e2e voicemail call, with three plays of the capture.
python3 - "$WORK/deposit.xml" "$PCAP" <<'PY'
import re, sys
src = open("internal/e2e/testdata/sipp/uac_auth.xml").read()
sdp = "m=audio [media_port] RTP/AVP 8 0 101\n      a=rtpmap:8 PCMA/8000\n      a=rtpmap:0 PCMU/8000\n      a=rtpmap:101 telephone-event/8000"
src = src.replace("m=audio [media_port] RTP/AVP 0\n      a=rtpmap:0 PCMU/8000", sdp)
play = '  <nop><action><exec play_pcap_audio="%s"/></action></nop>\n  <pause milliseconds="7100"/>\n' % sys.argv[2]
src = src.replace('  <pause milliseconds="300"/>\n', '  <pause milliseconds="8000"/>\n' + play * 3)
open(sys.argv[1], "w").write(src)
PY

rss() { awk '/VmRSS/ {print $2}' "/proc/$SB_PID/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$SB_PID/stat"; } # user + system, in clock ticks
before=$(rss) cpu0=$(cpu)
( peak=0; while kill -0 "$SB_PID" 2>/dev/null; do r=$(rss); [ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" >"$WORK/peak"; sleep 0.2; done ) &
SAMPLER=$!
echo "running $CONC deposits ($RATE new calls/s, about 30 s each)..." >&2
start=$(date +%s)
sipp "127.0.0.1:$SB_PORT" -sf "$WORK/deposit.xml" -inf "$WORK/calls.csv" -m "$CALLS" -r "$RATE" -l "$CONC" \
  -i 127.0.0.1 -p "$(free_port)" -mi 127.0.0.1 -mp "$(free_port)" -nostdin -timeout 300s -trace_screen -screen_file "$WORK/sipp.screen" \
  -trace_err -error_file "$WORK/sipp.err" >/dev/null 2>&1 || true
kill "$SAMPLER" 2>/dev/null || true
cpu1=$(cpu) wall=$(( $(date +%s) - start ))
echo "the node used $(python3 -c "print(f'{($cpu1-$cpu0)/$(getconf CLK_TCK):.1f}')") s of CPU in $wall s; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
ok=$(sed -n 's/^ *Successful call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/sipp.screen" | tail -1)
failed=$(sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$WORK/sipp.screen" | tail -1)
echo "sipp: ${ok:-0} calls ok, ${failed:-0} failed in $(( $(date +%s) - start )) s" >&2
sleep 2
python3 - "$WORK/switchboard.log" "$before" "$(cat "$WORK/peak" 2>/dev/null || echo 0)" "$CONC" <<'PY'
import json, sys
calls = sent = sent_late = got = got_late = peak = 0
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("msg") == "media call ended":
        calls += 1
        sent += e["sent"]; sent_late += e["sent_late"]; got += e["received"]; got_late += e["received_late"]
        peak = max(peak, e.get("active", 0))
    elif e.get("level") in ("WARN", "ERROR"):
        print("log:", line.strip()[:300])
before, top, conc = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pct = lambda a, b: 100.0 * a / b if b else 0.0
print(f"calls answered by the media engine: {calls}, at most {peak} at once")
print(f"packets sent: {sent}, late (>20 ms after due): {sent_late} ({pct(sent_late, sent):.3f}%)")
print(f"packets received: {got}, read late (>40 ms behind the sender's pace): {got_late} ({pct(got_late, got):.3f}%)")
print(f"resident memory: {before/1024:.0f} MiB before, {top/1024:.0f} MiB at the peak: {(top-before)/max(peak,1):.0f} KiB per session")
PY
