#!/usr/bin/env bash
# The DKIM benchmark (docs/PERFORMANCE.md, "## DKIM signing"): in one run on the same cores,
#   - `openssl speed -seconds 3 rsa2048` and `ed25519`: sign/s of one core (and -multi 2);
#   - the Courier draining MESSAGES mails to smtp-sink with DKIM none, rsa, ed25519 and both;
#   - composition alone (courier-bench compose) with each: the signing cost per mail in µs.
# Prints each run and the ratio courier-with-RSA mails/s / openssl rsa2048 sign/s (target ≥ 0.7).
#   scripts/bench-dkim.sh [MESSAGES=20000] [CONNECTIONS=4]   (after a release build of courier-bench)
set -euo pipefail
messages=${1:-20000}
connections=${2:-4}
bench=.build/release/courier-bench
[[ -x $bench ]] || { echo "build first: swift build -c release --product courier-bench" >&2; exit 69; }
sink=
trap '[[ -n $sink ]] && kill $sink 2>/dev/null' EXIT
source "$(dirname "$0")/bench-sink.sh"
# sign/s from `openssl speed` output: the "sign/s" column of the rsa 2048 line, or of the Ed25519 line.
openssl_rsa() { openssl speed -seconds 3 "$@" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ && NF>=6 {print $(NF-1); exit}'; }
openssl_ed() { openssl speed -seconds 3 "$@" ed25519 2>/dev/null | awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ {print $(NF-1); exit}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rsa_sign=$(openssl_rsa); rsa_sign2=$(openssl_rsa -multi 2)
ed_sign=$(openssl_ed); ed_sign2=$(openssl_ed -multi 2)
echo "openssl rsa2048 sign/s: 1 core ${rsa_sign}, -multi 2 ${rsa_sign2}; ed25519 sign/s: 1 core ${ed_sign}, -multi 2 ${ed_sign2}"
declare -A rate compose
for mode in none rsa ed25519 both; do
  start_sink
  json=$(DKIM=$mode "$bench" "$port" "$connections" "$messages" 2>/dev/null)
  stop_sink
  [[ $(field "$json" sent) == "$messages" ]] || { echo "courier sent $(field "$json" sent) of $messages" >&2; exit 1; }
  rate[$mode]=$(field "$json" rate)
  echo "dkim=$mode $json"
  cjson=$(DKIM=$mode "$bench" compose 2000)
  compose[$mode]=$(field "$cjson" compose_us_per_mail)
  echo "dkim=$mode $cjson"
done
for mode in rsa ed25519 both; do
  echo "dkim=$mode courier=${rate[$mode]}/s (unsigned ${rate[none]}/s)" \
    "signing_us_per_mail=$(/usr/bin/python3 -c "print(round(${compose[$mode]} - ${compose[none]}, 1))")"
done
echo "courier-rsa / openssl-rsa2048-sign (1 core) = $(ratio "${rate[rsa]}" "$rsa_sign")" \
  " (-multi 2: $(ratio "${rate[rsa]}" "$rsa_sign2"))"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
