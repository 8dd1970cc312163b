#!/usr/bin/env bash
# Generates the English voicemail prompts from prompts.txt with Debian's
# espeak-ng and sox: en/NAME.wav, 8 kHz mono G.711 mu-law WAV files, which
# the binary embeds. The output depends only on the texts and on the
# versions of espeak-ng (1.51) and sox (14.4.2) of Debian 12, so running it
# again gives the same bytes (CI checks that with --check).
#
#   internal/media/prompts/generate.sh          # rewrite en/*.wav
#   internal/media/prompts/generate.sh --check  # fail if en/ differs
set -euo pipefail
cd "$(dirname "$0")"
out=en
if [ "${1:-}" = "--check" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ "${1:-}" = "--check" ] && rm -rf "$out"' EXIT
mkdir -p "$out"
[ "$out" = en ] && rm -f en/*.wav
while IFS='|' read -r name text; do
  case "$name" in ''|'#'*) continue ;; esac
  # en-us voice, 150 words a minute; espeak-ng writes 22,050 Hz 16-bit.
  espeak-ng -v en-us -s 150 -w "$tmp/$name.wav" -- "$text"
  # Trim leading and trailing silence, make 8 kHz mono mu-law; -D: no
  # dither (dither is random), so the bytes repeat.
  sox -D "$tmp/$name.wav" -r 8000 -c 1 -e mu-law -b 8 "$out/$name.wav" \
    silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
done < prompts.txt
if [ "$out" != en ]; then
  if ! diff -r en "$out" >/dev/null; then
    echo "internal/media/prompts/en differs from what generate.sh makes; run it and commit the result" >&2
    diff -rq en "$out" >&2 || true
    exit 1
  fi
  echo "prompts: en/ matches generate.sh"
fi
