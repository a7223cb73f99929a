# Sourced by the courier benchmarks (bench-courier.sh, bench-dkim.sh): an smtp-sink on a free
# loopback port, started and stopped around each run, and small JSON and arithmetic helpers.
# The caller sets `sink=` and a trap that kills "$sink" on exit. Arguments to start_sink go to
# smtp-sink before the address (bench-page.sh: `-d DIR/%H%M%S.` to dump each mail).
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_sink() {
  port=$(free_port)
  /usr/sbin/smtp-sink -u postfix "$@" 127.0.0.1:"$port" 256 >/dev/null 2>&1 &
  sink=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return; sleep 0.05; done
  echo "smtp-sink did not start" >&2; exit 70
}
stop_sink() { kill "$sink"; wait "$sink" 2>/dev/null || true; sink=; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
ratio() { /usr/bin/python3 -c "print(round($1 / $2, 2))"; }
# The HTTP benchmarks (bench-http.sh, bench-page.sh):
# token_lua TOKENS LUA: a wrk script asking for the landing page of each token of file TOKENS in turn.
token_lua() {
  cat > "$2" <<LUA
local tokens = {}
for line in io.lines("$1") do tokens[#tokens + 1] = line end
local i = 0
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/activate?token=" .. tokens[i])
end
LUA
}
# wrk_p99_ms: the 99th percentile of `wrk --latency` output on stdin, in milliseconds.
wrk_p99_ms() {
  awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}'
}
# median_lines: the median of the numbers on stdin, one a line.
median_lines() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
