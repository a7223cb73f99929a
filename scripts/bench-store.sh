#!/usr/bin/env bash
# The store benchmark (docs/PERFORMANCE.md, "## PostgreSQL"): SQLite against PostgreSQL in the same
# run, on a throwaway PostgreSQL 15 cluster of this script's own. For RUNS runs each, medians:
#   - courier backlog drain (MESSAGES queued mails, 4 SMTP connections, to smtp-sink): SQLite,
#     PostgreSQL with one courier, PostgreSQL with two couriers (each its own pool and lease owner);
#   - intake at scrypt_log_n 10 (RECORDS registrations waiting in new/): SQLite, PostgreSQL with one
#     intake, PostgreSQL with two (two spools, two pools);
#   - pgbench with a custom script of the courier's claim and record statements: the database's
#     own ceiling for that commit pattern, in mails/s (32 rows per claim, as the courier's window
#     at 4 connections claims).
#   scripts/bench-store.sh [RUNS=3] [MESSAGES=10000] [RECORDS=1500]   (after release builds of
#   courier-bench and intake-bench: make bench-store)
# PostgreSQL runs with synchronous_commit = off, the durability of SQLite's WAL with
# synchronous = NORMAL that the SQLite store uses (a commit survives a crash of the process, the
# last ones may be lost with the machine's power); SYNC_COMMIT=on measures the stricter setting.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
messages=${2:-10000}
records=${3:-1500}
courier=.build/release/courier-bench
intake=.build/release/intake-bench
for bin in "$courier" "$intake"; do
  [[ -x $bin ]] || { echo "build first: swift build -c release --product $(basename "$bin")" >&2; exit 69; }
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $pgbin/initdb ]] || { echo "no PostgreSQL binaries (scripts/bootstrap.sh test installs them)" >&2; exit 69; }
as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
source "$(dirname "$0")/bench-sink.sh"

cluster=/tmp/activationd-bench-pg-$$
pgport=$(free_port)
sink=
cleanup() {
  [[ -n $sink ]] && kill "$sink" 2>/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$cluster"
}
trap cleanup EXIT
mkdir -p "$cluster" && chmod 755 "$cluster"
[[ ${#as_pg[@]} -gt 0 ]] && chown postgres: "$cluster"
"${as_pg[@]}" "$pgbin/initdb" -D "$cluster/data" -A trust -U bench -E UTF8 --locale=C >/dev/null
cat >> "$cluster/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pgport
unix_socket_directories = '$cluster'
max_connections = 100
shared_buffers = 256MB
synchronous_commit = ${SYNC_COMMIT:-off}
CONF
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w start >/dev/null
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U bench -X -q -A -t "$@"; }
fresh_db() { local name=b$RANDOM$RANDOM; psql -d postgres -c "CREATE DATABASE $name" >/dev/null; echo "$name"; }

kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }
median() { /usr/bin/python3 -c 'import sys,statistics; print(round(statistics.median(float(x) for x in sys.argv[1:]), 1))' "$@"; }
# CPU seconds the PostgreSQL server has used: the postmaster, its exited children (reaped, so in
# its cutime/cstime) and its live ones. Taken after the client has exited, with its backends.
pg_cpu() {
  /usr/bin/python3 - "$(head -1 "$cluster/data/postmaster.pid")" <<'PY'
import os, sys
pm = sys.argv[1]
tick = os.sysconf("SC_CLK_TCK")
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
f = fields(pm)
total = sum(int(x) for x in f[11:15])
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != pm:
        try:
            g = fields(pid)
        except OSError:
            continue
        if g[1] == pm:
            total += int(g[11]) + int(g[12])
print(total / tick)
PY
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), synchronous_commit=${SYNC_COMMIT:-off}"
declare -A rates
add() { rates[$1]="${rates[$1]:-} $2"; }
last_db=
for run in $(seq "$runs"); do
  # Courier drain.
  for variant in sqlite pg1 pg2; do
    env=()
    case $variant in
      pg1) last_db=$(fresh_db); env=(STORE_PG="127.0.0.1:$pgport:bench:$last_db" HOSTS=1) ;;
      pg2) env=(STORE_PG="127.0.0.1:$pgport:bench:$(fresh_db)" HOSTS=2) ;;
    esac
    start_sink
    # The server's CPU is counted from the end of the set-up (the queue filled) to the end.
    marker=$cluster/ready.$run.$variant; out=$cluster/out.$run.$variant
    env "${env[@]}" READY_MARKER="$marker" "$courier" "$port" 4 "$messages" >"$out" 2>/dev/null &
    bench_pid=$!
    while [[ ! -e $marker ]] && kill -0 "$bench_pid" 2>/dev/null; do sleep 0.01; done
    db_before=$(pg_cpu)
    wait "$bench_pid"
    json=$(cat "$out")
    sleep 0.5
    db_cpu=$(/usr/bin/python3 -c "print(round(($(pg_cpu) - $db_before) * 1e6 / $messages))")
    stop_sink
    [[ $(field "$json" sent) == "$messages" ]] || { echo "courier $variant sent $(field "$json" sent) of $messages" >&2; exit 1; }
    add "courier.$variant" "$(field "$json" rate)"
    add "cpu.$variant" "$(field "$json" cpu_us_per_mail)"
    [[ $variant != sqlite ]] && add "dbcpu.$variant" "$db_cpu"
    echo "run=$run courier.$variant $json database_cpu_us_per_mail=$([[ $variant == sqlite ]] && echo - || echo "$db_cpu")"
  done
  # Intake at scrypt_log_n 10.
  for variant in sqlite pg1 pg2; do
    env=()
    case $variant in
      pg1) env=(STORE_PG="127.0.0.1:$pgport:bench:$(fresh_db)" HOSTS=1) ;;
      pg2) env=(STORE_PG="127.0.0.1:$pgport:bench:$(fresh_db)" HOSTS=2) ;;
    esac
    line=$(env "${env[@]}" "$intake" 10 "$records" 0 2>/dev/null)
    add "intake.$variant" "$(kv "$line" throughput)"
    echo "run=$run intake.$variant $line"
  done
done

# pgbench: the claim and record statements on a database with the daemon's schema (copied from
# a courier run's database) and 200,000 queued mails.
bench_db=$(fresh_db)
"$pgbin/pg_dump" -h 127.0.0.1 -p "$pgport" -U bench -s "$last_db" | psql -d "$bench_db" >/dev/null
rows=200000
psql -d "$bench_db" <<SQL >/dev/null
INSERT INTO account (id, registration_id, username, username_key, first_name, last_name, email, email_key,
    password_hash, password_phrase, locale, state, nonce, registered_at, expires_at)
SELECT md5('a' || i)::uuid, md5('r' || i)::uuid, 'bench' || i, 'bench' || i, 'Jane', 'Doe',
    'person' || i || '@example.net', 'person' || i || '@example.net', '\$scrypt\$ln=17,r=8,p=1\$c2FsdA\$aGFzaA',
    'blue heron at dawn', 'en', 'pending', '\\x00', 0, 9000000000000
FROM generate_series(1, $rows) AS i;
INSERT INTO outbox (id, account_id, kind, status, attempts, created_at, next_attempt_at)
SELECT md5('o' || i)::uuid, md5('a' || i)::uuid, 'activation', 'queued', 0, i, i FROM generate_series(1, $rows) AS i;
${EXTRA_SQL:-}
VACUUM ANALYZE;
SQL
cat > "$cluster/claim-record.sql" <<'SQL'
WITH c AS (
    UPDATE outbox SET status = 'sending', lease_owner = 'pgbench-' || :client_id, lease_expires_at = 8000000000000
    WHERE id IN (SELECT id FROM outbox WHERE status = 'queued' AND next_attempt_at <= 8000000000000
                 ORDER BY next_attempt_at LIMIT 32 FOR UPDATE SKIP LOCKED)
    RETURNING seq, id, account_id, kind, status, attempts, created_at, next_attempt_at, lease_owner, lease_expires_at,
              last_attempt_at, last_reply
)
SELECT c.*, a.* FROM c LEFT JOIN account a ON a.id = c.account_id ORDER BY c.next_attempt_at, c.seq;
UPDATE outbox SET status = r.status, attempts = outbox.attempts + 1, last_attempt_at = r.at, last_reply = r.reply,
    lease_owner = NULL, lease_expires_at = NULL
FROM (SELECT id, 'sent' AS status, 1 AS at, '250 2.0.0 Ok' AS reply FROM outbox
      WHERE status = 'sending' AND lease_owner = 'pgbench-' || :client_id) AS r
WHERE outbox.id = r.id AND outbox.status = 'sending' AND outbox.lease_owner = 'pgbench-' || :client_id
RETURNING outbox.id;
SQL
clients=4
per_client=$(( rows / 32 / clients * 9 / 10 ))
pgb=$("$pgbin/pgbench" -h 127.0.0.1 -p "$pgport" -U bench -n -M extended -c "$clients" -j 2 -t "$per_client" \
      -f "$cluster/claim-record.sql" "$bench_db" 2>&1)
tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pgb" | head -1)
sent=$(psql -d "$bench_db" -c "SELECT count(*) FROM outbox WHERE status = 'sent'")
[[ $sent == $(( per_client * clients * 32 )) ]] || { echo "pgbench sent $sent rows, expected $(( per_client * clients * 32 ))" >&2; exit 1; }
ceiling=$(/usr/bin/python3 -c "print(round($tps * 32))")
echo "pgbench claim+record: clients=$clients transactions=$(( per_client * clients )) tps=$tps rows/s=$ceiling"

echo
echo "# medians of $runs runs (mails/s; registrations/s at scrypt_log_n 10)"
for part in courier intake; do
  s=$(median ${rates[$part.sqlite]}); p1=$(median ${rates[$part.pg1]}); p2=$(median ${rates[$part.pg2]})
  echo "$part sqlite=$s postgres=$p1 postgres_two=$p2 ratio_postgres/sqlite=$(ratio "$p1" "$s") ratio_two/sqlite=$(ratio "$p2" "$s") (target >= 0.7)"
done
echo "courier CPU per mail (µs, the courier's process, median): sqlite=$(median ${rates[cpu.sqlite]}) postgres=$(median ${rates[cpu.pg1]}) postgres_two=$(median ${rates[cpu.pg2]}); the PostgreSQL server's: one courier=$(median ${rates[dbcpu.pg1]}) two=$(median ${rates[dbcpu.pg2]})"
c1=$(median ${rates[courier.pg1]})
echo "courier postgres / pgbench ceiling = $(ratio "$c1" "$ceiling") (the database's share of one courier's time)"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
