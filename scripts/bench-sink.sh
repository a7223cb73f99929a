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
