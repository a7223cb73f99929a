#!/usr/bin/env bash
# The courier benchmark (docs/PERFORMANCE.md, "## Courier"). For 4 and 1 connection(s), RUNS times
# each, against a fresh smtp-sink every time:
#   - the Courier draining MESSAGES queued activation mails from a fresh SQLite store;
#   - bare libcurl from Swift sending the same message (the transport's ceiling);
#   - `smtp-source -d -s N` sending messages of the same size over reused connections (the ceiling
#     the courier's target ratio is set against).
# Prints each run and the medians with the ratios courier / smtp-source and courier / libcurl.
#   scripts/bench-courier.sh [RUNS=3] [MESSAGES=20000]      (after a release build of courier-bench)
set -euo pipefail
runs=${1:-3}
messages=${2:-20000}
bench=.build/release/courier-bench
[[ -x $bench ]] || { echo "build first: swift build -c release --product courier-bench" >&2; exit 69; }
work=$(mktemp -d)
chmod 777 "$work"
sink=
trap '[[ -n $sink ]] && kill $sink 2>/dev/null; rm -rf "$work"' EXIT
source "$(dirname "$0")/bench-sink.sh"
median() { /usr/bin/python3 -c 'import sys,statistics; print(round(statistics.median(float(x) for x in sys.argv[1:])))' "$@"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for connections in 4 1; do
  source_rates=(); courier_rates=(); curl_rates=(); courier_cpu=(); curl_cpu=()
  for run in $(seq "$runs"); do
    start_sink
    json=$("$bench" "$port" "$connections" "$messages" 2>/dev/null)
    stop_sink
    [[ $(field "$json" sent) == "$messages" ]] || { echo "courier sent $(field "$json" sent) of $messages" >&2; exit 1; }
    size=$(field "$json" message_bytes)
    courier_rates+=("$(field "$json" rate)"); courier_cpu+=("$(field "$json" cpu_us_per_mail)")
    echo "connections=$connections run=$run $json"

    start_sink
    curl_json=$("$bench" libcurl "$port" "$connections" "$messages")
    stop_sink
    curl_rates+=("$(field "$curl_json" rate)"); curl_cpu+=("$(field "$curl_json" cpu_us_per_mail)")
    echo "connections=$connections run=$run $curl_json"

    start_sink
    t0=$(date +%s.%N)
    /usr/sbin/smtp-source -d -s "$connections" -m "$messages" -l "$size" 127.0.0.1:"$port"
    t1=$(date +%s.%N)
    stop_sink
    source_rate=$(/usr/bin/python3 -c "print(round($messages / ($t1 - $t0)))")
    source_rates+=("$source_rate")
    echo "connections=$connections run=$run {\"mode\":\"smtp-source\",\"rate\":$source_rate}"
  done
  s=$(median "${source_rates[@]}"); c=$(median "${courier_rates[@]}"); l=$(median "${curl_rates[@]}")
  echo "connections=$connections median smtp-source=${s}/s libcurl=${l}/s courier=${c}/s" \
    "courier/smtp-source=$(ratio "$c" "$s") libcurl/smtp-source=$(ratio "$l" "$s") courier/libcurl=$(ratio "$c" "$l")" \
    "cpu_us_per_mail courier=$(median "${courier_cpu[@]}") libcurl=$(median "${curl_cpu[@]}")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
