#!/usr/bin/env bash
# HTTP benchmark: wrk (64 connections) against GET /activate landing pages for valid tokens, the
# registration page (GET /register: characters made, sealed and drawn per request; POST /register:
# a valid form checked and written into the spool) and a hello-world route of the same server,
# alternating, several rounds in one run; prints each round and the medians and ratios to hello.
# Needs the release build of activationd-http-bench.
#   scripts/bench-http.sh [rounds] [seconds]
set -euo pipefail
. scripts/bench-sink.sh
rounds=${1:-3}
seconds=${2:-10}
bin=.build/release/activationd-http-bench
port=${BENCH_HTTP_PORT:-18089}
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" "$work/tokens" "$port" "$work/forms" &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# wrk picks a token per request from the file, round robin.
token_lua "$work/tokens" "$work/tokens.lua"

# POST /register: each request a different solved form, round robin (a form sent a second time is
# the same registration again: still checked, remembered and written, as a double click is).
cat > "$work/forms.lua" <<LUA
local forms = {}
for line in io.lines("$work/forms") do forms[#forms + 1] = line end
local i = 0
request = function()
  i = i % #forms + 1
  return wrk.format("POST", "/register", {["Content-Type"] = "application/x-www-form-urlencoded"}, forms[i])
end
LUA

# one wrk run: prints "<requests/s> <p99 ms>"
measure() {
  local out
  out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$@")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(wrk_p99_ms <<<"$out")
  echo "$rps $p99"
}

curl -sf "http://127.0.0.1:$port/activate?token=$(head -1 "$work/tokens")" | grep -q "Activate my account"
curl -sf "http://127.0.0.1:$port/register" | grep -q "Create My Account"
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-binary "$(head -1 "$work/forms")" "http://127.0.0.1:$port/register")
[[ "$status" == 303 ]] || { echo "POST /register answered $status, not 303" >&2; exit 1; }
: > "$work/hello"; : > "$work/activate"; : > "$work/register"; : > "$work/post"
for round in $(seq 1 "$rounds"); do
  read -r h_rps h_p99 < <(measure "http://127.0.0.1:$port/hello")
  read -r a_rps a_p99 < <(measure -s "$work/tokens.lua" "http://127.0.0.1:$port/activate")
  read -r r_rps r_p99 < <(measure "http://127.0.0.1:$port/register")
  read -r p_rps p_p99 < <(measure -s "$work/forms.lua" "http://127.0.0.1:$port/register")
  echo "round $round: hello ${h_rps} req/s p99 ${h_p99} ms | activate ${a_rps} req/s p99 ${a_p99} ms" \
    "| GET /register ${r_rps} req/s p99 ${r_p99} ms | POST /register ${p_rps} req/s p99 ${p_p99} ms"
  echo "$h_rps $h_p99" >> "$work/hello"; echo "$a_rps $a_p99" >> "$work/activate"
  echo "$r_rps $r_p99" >> "$work/register"; echo "$p_rps $p_p99" >> "$work/post"
done

h_rps=$(cut -d' ' -f1 "$work/hello" | median_lines); h_p99=$(cut -d' ' -f2 "$work/hello" | median_lines)
a_rps=$(cut -d' ' -f1 "$work/activate" | median_lines); a_p99=$(cut -d' ' -f2 "$work/activate" | median_lines)
r_rps=$(cut -d' ' -f1 "$work/register" | median_lines); r_p99=$(cut -d' ' -f2 "$work/register" | median_lines)
p_rps=$(cut -d' ' -f1 "$work/post" | median_lines); p_p99=$(cut -d' ' -f2 "$work/post" | median_lines)
ratio=$(awk -v a="$a_rps" -v h="$h_rps" 'BEGIN {printf "%.2f", a / h}')
r_ratio=$(awk -v a="$r_rps" -v h="$h_rps" 'BEGIN {printf "%.2f", a / h}')
p_ratio=$(awk -v a="$p_rps" -v h="$h_rps" 'BEGIN {printf "%.2f", a / h}')
echo "median: hello ${h_rps} req/s p99 ${h_p99} ms | activate ${a_rps} req/s p99 ${a_p99} ms | ratio ${ratio}"
echo "median: GET /register ${r_rps} req/s p99 ${r_p99} ms | ratio ${r_ratio} (target >= 0.3)"
echo "median: POST /register ${p_rps} req/s p99 ${p_p99} ms | ratio ${p_ratio}"
