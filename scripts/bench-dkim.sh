#!/usr/bin/env bash
# The DKIM benchmark (docs/PERFORMANCE.md, "## DKIM signing"): in one run on the same cores,
#   - `openssl speed -seconds 3 rsa2048` and `ed25519`: sign/s of one core, by CPU time (openssl's
#     default) and by wall time (-elapsed), right before the RSA drain;
#   - the Courier draining MESSAGES mails to smtp-sink with DKIM none, rsa, ed25519 and both;
#   - composition alone (courier-bench compose) with each: the signing cost per mail in CPU µs.
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
# sign/s from `openssl speed` output: the "sign/s" column of the rsa 2048 line, or of the Ed25519
# line. By default openssl divides by its CPU time (what one core does); -elapsed divides by wall
# time, which the machine's other load slows down as much as it slows the courier.
openssl_rsa() { openssl speed -seconds 3 "$@" rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ && NF>=6 {print $(NF-1); exit}'; }
openssl_ed() { openssl speed -seconds 3 "$@" ed25519 2>/dev/null | awk '/Ed25519\)/ && $NF ~ /^[0-9.]+$/ {print $(NF-1); exit}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ed_sign=$(openssl_ed); ed_wall=$(openssl_ed -elapsed)
echo "openssl ed25519 sign/s: cpu ${ed_sign}, wall ${ed_wall}"
declare -A rate compose
for mode in none rsa ed25519 both; do
  if [[ $mode == rsa ]]; then
    # Right before the RSA drain, under the same load: the CPU-time and the wall-time figure.
    rsa_sign=$(openssl_rsa); rsa_wall=$(openssl_rsa -elapsed)
    echo "openssl rsa2048 sign/s: cpu ${rsa_sign}, wall ${rsa_wall} (load $(cut -d' ' -f1 /proc/loadavg))"
  fi
  start_sink
  json=$(DKIM=$mode "$bench" "$port" "$connections" "$messages" 2>/dev/null)
  stop_sink
  [[ $(field "$json" sent) == "$messages" ]] || { echo "courier sent $(field "$json" sent) of $messages" >&2; exit 1; }
  rate[$mode]=$(field "$json" rate)
  echo "dkim=$mode $json"
  cjson=$(DKIM=$mode "$bench" compose 2000)
  compose[$mode]=$(field "$cjson" compose_cpu_us_per_mail)
  echo "dkim=$mode $cjson"
done
for mode in rsa ed25519 both; do
  echo "dkim=$mode courier=${rate[$mode]}/s (unsigned ${rate[none]}/s)" \
    "signing_us_per_mail=$(/usr/bin/python3 -c "print(round(${compose[$mode]} - ${compose[none]}, 1))")"
done
echo "courier-rsa / openssl-rsa2048-sign: $(ratio "${rate[rsa]}" "$rsa_sign") (openssl's CPU-time figure)," \
  "$(ratio "${rate[rsa]}" "$rsa_wall") (its wall-time figure, -elapsed)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
