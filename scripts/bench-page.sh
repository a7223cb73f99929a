#!/usr/bin/env bash
# The activation landing page of the real daemon (`make bench-page`): the release `activationd serve`
# on a throwaway directory (SQLite store, smtp-sink as its relay), 200 pending accounts registered
# through the spool, their links taken from the mails the sink dumped; then, per round, wrk -t2 -c64
# against GET /activate?token=… (cycling through the 200 links) and against /healthz of the same
# listener of the same process. Prints each round, the medians of ROUNDS (default 3) and the ratios;
# the last line is `RESULT {json}` for `make bench`. Builds nothing: the caller runs
# `swift build -c release --product activationd` first.
#   scripts/bench-page.sh [ROUNDS] [SECONDS]
# BENCH_PAGE_BINARY: another binary (default .build/release/activationd); BENCH_PAGE_PERF: see below.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-sink.sh
rounds=${1:-3}
seconds=${2:-10}
accounts=${BENCH_PAGE_ACCOUNTS:-200}
bin=${BENCH_PAGE_BINARY:-.build/release/activationd}
[[ -x "$bin" ]] || { echo "build first: swift build -c release --product activationd" >&2; exit 64; }
bin=$(realpath "$bin")

work=$(mktemp -d /tmp/bench-page.XXXXXX)
chmod 755 "$work"   # smtp-sink runs as postfix and dumps below it
sink=; daemon=
cleanup() {
  [[ -n "$daemon" ]] && { kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true; }
  # smtp-sink, once it dropped root, ignores SIGTERM
  [[ -n "$sink" ]] && { kill -KILL "$sink" 2>/dev/null; wait "$sink" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/mail" "$work/spool/tmp" "$work/spool/new" "$work/spool/rejected" "$work/var"
chmod 777 "$work/mail"
start_sink -d "$work/mail/%H%M%S."
http_port=$(free_port); metrics_port=$(free_port)
"$bin" keys generate > "$work/signing.keys"
chmod 600 "$work/signing.keys"
# As deployed (Config/activationd.yaml) apart from the throwaway paths and a cheap scrypt: the page
# only reads the account, and 200 registrations at ln=17 would take minutes.
cat > "$work/activationd.yaml" <<YAML
public_url: "http://127.0.0.1:$http_port"
http:
  listen: "127.0.0.1:$http_port"
metrics:
  listen: "127.0.0.1:$metrics_port"
spool:
  directory: "$work/spool"
store:
  url: "sqlite://$work/var/activationd.sqlite"
keys:
  file: "$work/signing.keys"
password_hash:
  scrypt_log_n: 4
smtp:
  url: "smtp://127.0.0.1:$port"
  starttls: "never"
log:
  level: "info"
YAML
chmod 600 "$work/activationd.yaml"
"$bin" serve --config "$work/activationd.yaml" 2> "$work/daemon.log" &
daemon=$!
for _ in $(seq 1 200); do
  curl -sf "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { echo "activationd exited:" >&2; tail -20 "$work/daemon.log" >&2; exit 1; }
  sleep 0.1
done

# The registrations, as the registration page writes them: into tmp/, then renamed into new/.
/usr/bin/python3 - "$work/spool" "$accounts" <<'PY'
import json, os, sys, time, uuid
spool, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    name = uuid.uuid4().hex
    record = {"version": 1, "id": str(uuid.uuid4()), "submittedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "username": f"page{index:04d}", "firstName": "Jane", "lastName": "Doe",
              "email": f"page{index:04d}@example.org", "confirmEmail": f"page{index:04d}@example.org",
              "password": "Secr3tPass", "confirmPassword": "Secr3tPass",
              "passwordPhrase": "blue heron at dawn", "acceptedConditions": True}
    with open(os.path.join(spool, "tmp", name), "w") as f:
        json.dump(record, f)
    os.rename(os.path.join(spool, "tmp", name), os.path.join(spool, "new", name + ".json"))
PY

# The links, from the activation mails the sink dumped (quoted-printable soft breaks undone).
links() {
  /usr/bin/python3 - "$work/mail" <<'PY'
import os, re, sys
found = set()
for name in os.listdir(sys.argv[1]):
    with open(os.path.join(sys.argv[1], name), errors="replace") as f:
        text = f.read().replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
    match = re.search(r"/activate\?token=([A-Za-z0-9_-]+)", text)
    if match:
        found.add(match.group(1))
print("\n".join(sorted(found)))
PY
}
for _ in $(seq 1 600); do
  links > "$work/tokens"
  (( $(grep -c . "$work/tokens") >= accounts )) && break
  sleep 0.2
done
got=$(grep -c . "$work/tokens" || true)
(( got >= accounts )) || { echo "only $got of $accounts activation mails reached the sink" >&2; exit 1; }

token_lua "$work/tokens" "$work/tokens.lua"

# Every link shows its pending account's landing page before any load.
while read -r token; do
  curl -sf "http://127.0.0.1:$http_port/activate?token=$token" | grep -q "Activate my account" \
    || { echo "the landing page of a link is not the pending account's" >&2; exit 1; }
done < "$work/tokens"

# The daemon's CPU time so far (user + system, clock ticks).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$daemon/stat"; }
# one wrk run: prints "<requests/s> <p99 ms> <daemon CPU µs per request>"; a run with any non-2xx
# answer fails the benchmark. The CPU cost per request is the figure that other load on the
# machine disturbs least: it says where the daemon's time goes even when req/s swing.
measure() {
  local out rps p99 requests before after
  before=$(cpu_ticks)
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$@")
  after=$(cpu_ticks)
  if grep -q "Non-2xx" <<<"$out"; then echo "non-2xx answers under load: $out" >&2; exit 1; fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(wrk_p99_ms <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  echo "$rps $p99 $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests ))"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

echo "bench-page: $accounts pending accounts, wrk -t2 -c64 -d${seconds}s, $rounds rounds; load average before: $(loadavg)"
: > "$work/page"; : > "$work/healthz"
for round in $(seq 1 "$rounds"); do
  # BENCH_PAGE_PERF=FILE: perf record -g of the daemon during the first round's page run.
  if [[ $round == 1 && -n "${BENCH_PAGE_PERF:-}" ]]; then
    perf record -g -o "$BENCH_PAGE_PERF" -p "$daemon" -- sleep "$seconds" 2>/dev/null &
    recorder=$!
  fi
  page=$(measure -s "$work/tokens.lua" "http://127.0.0.1:$http_port/activate")
  [[ -n "${recorder:-}" ]] && { wait "$recorder" || true; recorder=; }
  healthz=$(measure "http://127.0.0.1:$http_port/healthz")
  read -r p_rps p_p99 p_cpu <<<"$page"; read -r h_rps h_p99 h_cpu <<<"$healthz"
  echo "round $round: page ${p_rps} req/s p99 ${p_p99} ms CPU ${p_cpu} µs/req" \
    "| healthz ${h_rps} req/s p99 ${h_p99} ms CPU ${h_cpu} µs/req | load average $(loadavg)"
  echo "$p_rps $p_p99 $p_cpu" >> "$work/page"; echo "$h_rps $h_p99 $h_cpu" >> "$work/healthz"
done
kill -0 "$daemon" 2>/dev/null || { echo "activationd died under load" >&2; exit 1; }

p_rps=$(cut -d' ' -f1 "$work/page" | median_lines); p_p99=$(cut -d' ' -f2 "$work/page" | median_lines)
h_rps=$(cut -d' ' -f1 "$work/healthz" | median_lines); h_p99=$(cut -d' ' -f2 "$work/healthz" | median_lines)
p_cpu=$(cut -d' ' -f3 "$work/page" | median_lines); h_cpu=$(cut -d' ' -f3 "$work/healthz" | median_lines)
rps_ratio=$(ratio "$p_rps" "$h_rps")
p99_ratio=$(ratio "$p_p99" "$h_p99")
echo "median: page ${p_rps} req/s p99 ${p_p99} ms | healthz ${h_rps} req/s p99 ${h_p99} ms" \
  "| ratio ${rps_ratio} (target >= 0.5) | p99 ratio ${p99_ratio} (target <= 2)"
echo "median CPU per request: page ${p_cpu} µs | healthz ${h_cpu} µs | ratio $(ratio "$h_cpu" "$p_cpu")" \
  "(healthz/page: the req/s ratio CPU alone allows)"
echo "RESULT {\"page_rps\": $p_rps, \"healthz_rps\": $h_rps, \"ratio\": $rps_ratio, \"page_p99_ms\": $p_p99, \"healthz_p99_ms\": $h_p99, \"p99_ratio\": $p99_ratio}"
