#!/usr/bin/env bash
# make fuzz: builds the libFuzzer executables (Fuzz/<target>/main.swift, declared in
# Package.swift only with ACTIVATIOND_FUZZ=1) in release with the fuzzer and address sanitizers, in
# .build-fuzz/, then runs each target for FUZZ_SECONDS on its seeds (Fuzz/corpus/<target>/) and prints
# its executions per second and in total. New inputs libFuzzer finds go to a scratch directory
# (FUZZ_WORK, not in git); a crash input is left there as crash-<sha1> and listed at the end: fix
# the parser, then copy the input into Fuzz/corpus/<target>/ so `make test` replays it.
#
#   FUZZ_SECONDS=120 make fuzz                 # every target, 2 minutes each
#   FUZZ_TARGETS="token phc" make fuzz         # some targets
#   FUZZ_SKIP_BUILD=1 scripts/fuzz.sh          # run what .build-fuzz already holds
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"spool-record token phc mail-header config-duration http-form http-query forwarded-header bounce-token"}
FUZZ_WORK=${FUZZ_WORK:-$(mktemp -d /tmp/activationd-fuzz.XXXXXX)}
BUILD_PATH=.build-fuzz

# -max_len per target: the longest input that still means something (a spool record is at most
# 64 KiB, but its parser's paths are all reached within 4 KiB; a token is at most 128 characters).
max_len() {
    case "$1" in
        spool-record) echo 4096 ;;
        token | phc) echo 512 ;;
        mail-header | http-form | bounce-token) echo 2048 ;;
        config-duration) echo 64 ;;
        http-query) echo 1024 ;;
        *) echo 1024 ;;
    esac
}

if [[ -z "${FUZZ_SKIP_BUILD:-}" ]]; then

    # One build per product: SwiftPM builds one --product at a time; the shared modules are built once.
    for target in $FUZZ_TARGETS; do
        ACTIVATIOND_FUZZ=1 nice -n 10 swift build -c release --sanitize=fuzzer --sanitize=address \
            --build-path "$BUILD_PATH" --product "fuzz-$target"
    done
fi
bin_dir=$(ACTIVATIOND_FUZZ=1 swift build -c release --sanitize=fuzzer --sanitize=address \
    --build-path "$BUILD_PATH" --show-bin-path)

echo "fuzzing for ${FUZZ_SECONDS}s per target; new inputs and crashes in $FUZZ_WORK"
printf '%-16s %8s %12s %14s %7s %s\n' target seconds "execs/s" "total execs" corpus result
crashes=()
for target in $FUZZ_TARGETS; do
    work="$FUZZ_WORK/$target"
    mkdir -p "$work/corpus" "$work/artifacts"
    seeds="Fuzz/corpus/$target"
    log="$work/fuzz.log"
    # The scratch corpus comes first: libFuzzer writes new inputs into the first directory only,
    # so the committed seeds are read but never added to.
    set +e
    # SWIFT_BACKTRACE=enable=no: Swift's backtracer, started on the trap under ASan, hung here for
    # minutes; libFuzzer's own crash report and the kept input are what a run needs.
    SWIFT_BACKTRACE=enable=no nice -n 10 "$bin_dir/fuzz-$target" "$work/corpus" "$seeds" \
        -max_total_time="$FUZZ_SECONDS" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/" > "$log" 2>&1
    status=$?
    set -e
    # Final stats: "stat::number_of_executed_units: N" and "stat::average_exec_per_sec: M".
    # `|| true`: a crashed run has no "Done" line, and set -e must not end the script there.
    total=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
    seconds=$( (grep -o 'Done [0-9]* runs in [0-9]* second' "$log" || true) | awk '{print $5}' | tail -1)
    entries=$(find "$work/corpus" -type f | wc -l)
    result=ok
    for artifact in "$work"/artifacts/*; do
        [[ -e "$artifact" ]] || continue
        result="CRASH $(basename "$artifact")"
        crashes+=("$target $artifact")
    done
    [[ $status -eq 0 || $result != ok ]] || result="exit $status (see $log)"
    printf '%-16s %8s %12s %14s %7s %s\n' "$target" "${seconds:-?}" "${rate:-?}" "${total:-?}" "$entries" "$result"
done

if ((${#crashes[@]})); then
    echo
    echo "crash inputs (fix the parser, then: cp INPUT Fuzz/corpus/<target>/crash-\$(sha1sum < INPUT | cut -c1-16)):"
    for crash in "${crashes[@]}"; do echo "  $crash"; done
    exit 1
fi
