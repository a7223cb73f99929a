#!/usr/bin/env bash
# The courier benchmark (docs/PERFORMANCE.md, "## Courier"): drains MESSAGES queued activation
# mails to smtp-sink with 4 and with 1 connection(s), and in the same run measures the ceiling,
# `smtp-source -d -s N` sending messages of the same size over reused connections.
#   scripts/bench-courier.sh [RUNS=3] [MESSAGES=20000]      (after a release build of courier-bench)
set -euo pipefail
runs=${1:-3}
messages=${2:-20000}
bench=.build/release/courier-bench
[[ -x $bench ]] || { echo "build first: swift build -c release --product courier-bench" >&2; exit 69; }
work=$(mktemp -d)
chmod 777 "$work"
trap 'kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_sink() {
  port=$(free_port)
  /usr/sbin/smtp-sink -u postfix 127.0.0.1:"$port" 256 >/dev/null 2>&1 &
  sink=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return; sleep 0.05; done
  echo "smtp-sink did not start" >&2; exit 70
}
median() { /usr/bin/python3 -c 'import sys,statistics; print(round(statistics.median(float(x) for x in sys.argv[1:])))' "$@"; }

for connections in 4 1; do
  source_rates=(); courier_rates=()
  for run in $(seq "$runs"); do
    start_sink
    json=$("$bench" "$port" "$connections" "$messages" 2>/dev/null)
    kill $sink; wait $sink 2>/dev/null || true
    size=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["message_bytes"])' "$json")
    rate=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["rate"])' "$json")
    start_sink
    t0=$(date +%s.%N)
    /usr/sbin/smtp-source -d -s "$connections" -m "$messages" -l "$size" 127.0.0.1:"$port"
    t1=$(date +%s.%N)
    kill $sink; wait $sink 2>/dev/null || true
    source_rate=$(/usr/bin/python3 -c "print(round($messages / ($t1 - $t0)))")
    echo "connections=$connections run=$run smtp-source=${source_rate}/s courier=${rate}/s $json"
    source_rates+=("$source_rate"); courier_rates+=("$rate")
  done
  s=$(median "${source_rates[@]}"); c=$(median "${courier_rates[@]}")
  echo "connections=$connections median smtp-source=${s}/s courier=${c}/s ratio=$(/usr/bin/python3 -c "print(round($c / $s, 2))")"
done
