#!/usr/bin/env bash
# The per-address rate limiter's cost per decision with 200,000 addresses in its table against 1,000
# (the table must not scan itself per request). Moved here from the unit suite: a timing ratio varies
# with the machine's load, so it is measured and reported in `make bench`, never asserted in `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/activationd-http-bench
[[ -x $bin ]] || { echo "build first: swift build -c release --product activationd-http-bench" >&2; exit 66; }
# Pinned to one core, as the token benchmark: the figure is of the table, not of the scheduler.
taskset -c 0 "$bin" --rate-limiter
