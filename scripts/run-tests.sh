#!/usr/bin/env bash
# make test's two swift test runs (README "Unit and system tests"):
#   scripts/run-tests.sh unit     pure logic and in-process stores: every suite at once (~20 s)
#   scripts/run-tests.sh system   real daemons, sockets, peer programs (smtp-sink, aiosmtpd, Python,
#                                 PostgreSQL, Chromium, tesseract, make deb): one suite after another
#   scripts/run-tests.sh check    fails when a test is in neither run or in both
# Each run is bounded (a hang fails with its name instead of using up CI's time) and line-buffered
# (what a killed run printed last is not lost in a buffer). Expects a build with --build-tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}

# Test targets with no process, no socket and no peer: their suites run all at once.
UNIT_TARGETS='ActivationCoreTests|ActivationDaemonTests|ActivationFuzzTests|ActivationSpoolTests|ActivationStoreSQLiteTests|CCurlTests'
# Suites in those targets that start processes (the intake harness it SIGKILLs, children, Python):
# they go with the system tests.
UNIT_EXCEPTIONS='CrashSafetyTests|ChildProcessTests|PasswordHasherInteropTests'
# Everything else: the HTTP server over loopback, the courier against real relays, the daemon and the
# CLI as processes, PostgreSQL, the browser, the package.
SYSTEM_TARGETS='ActivationHTTPTests|ActivationMailTests|ActivationStorePostgresTests|activationdTests'

UNIT_FILTER="^($UNIT_TARGETS)\\."
UNIT_SKIP="\\.($UNIT_EXCEPTIONS)/"
SYSTEM_FILTER="^($SYSTEM_TARGETS)\\.|\\.($UNIT_EXCEPTIONS)/"

bounded() {
    local limit=$1 name=$2
    shift 2
    local started=$SECONDS status=0
    stdbuf -oL -eL timeout --kill-after=30s "$limit" "$SWIFT" test --skip-build "$@" || status=$?
    local took=$((SECONDS - started))
    if [ "$status" -ne 0 ]; then
        echo "make test: the $name run failed or passed $limit (exit $status, after $((took / 60)) min $((took % 60)) s)"
        exit 1
    fi
    echo "make test: the $name run passed in $((took / 60)) min $((took % 60)) s"
}

case "${1:-}" in
unit)
    bounded 10m unit --filter "$UNIT_FILTER" --skip "$UNIT_SKIP"
    ;;
system)
    bounded 60m system --no-parallel --filter "$SYSTEM_FILTER"
    ;;
check)
    tests=$("$SWIFT" test list --skip-build 2>/dev/null)
    [ -n "$tests" ] || { echo "run-tests: swift test list printed nothing (build with --build-tests first)"; exit 1; }
    unit=$(grep -E "$UNIT_FILTER" <<<"$tests" | grep -vE "$UNIT_SKIP" || true)
    system=$(grep -E "$SYSTEM_FILTER" <<<"$tests" || true)
    neither=$(grep -vxFf <(printf '%s\n%s\n' "$unit" "$system") <<<"$tests" || true)
    both=$(grep -xFf <(printf '%s\n' "$unit") <<<"$system" || true)
    if [ -n "$neither" ] || [ -n "$both" ]; then
        [ -z "$neither" ] || printf 'run-tests: in no run (add the target to scripts/run-tests.sh):\n%s\n' "$neither"
        [ -z "$both" ] || printf 'run-tests: in both runs:\n%s\n' "$both"
        exit 1
    fi
    echo "run-tests: $(grep -c . <<<"$unit") unit tests, $(grep -c . <<<"$system") system tests"
    ;;
*)
    echo "usage: scripts/run-tests.sh unit|system|check" >&2
    exit 64
    ;;
esac
