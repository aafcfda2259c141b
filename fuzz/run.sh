#!/bin/sh
# run.sh - run every libFuzzer target for a while and keep what it finds.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 300 seconds each, all targets)
#
# Needs the libFuzzer build: `make fuzz` (build-fuzz/, clang, VG_FUZZ=ON), or set BUILD to
# another build directory. Each target starts from fuzz/corpus/TARGET plus a scratch corpus in
# build-fuzz/fuzz-work/TARGET, uses fuzz/TARGET.dict, and runs -jobs=$JOBS workers (default 1).
# Afterwards the inputs that add coverage are merged, minimized, into fuzz/corpus/TARGET, and
# any crash-* file is left in fuzz/ (ignored by git) to reproduce with
#   build-fuzz/fuzz/fuzz_TARGET fuzz/crash-...
# Once fixed, add the crasher to the corpus, so that `make test` replays it for ever.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-300}
[ $# -gt 0 ] && shift
targets=${*:-"json stix evtx sigma cond event baseline zip risk_config risk_rules risk_csv"}
build=${BUILD:-build-fuzz}
jobs=${JOBS:-1}
status=0
for t in $targets; do
    bin=$build/fuzz/fuzz_$t
    [ -x "$bin" ] || { echo "run.sh: $bin missing; run 'make fuzz' first" >&2; exit 2; }
    work=$build/fuzz-work/$t
    mkdir -p "$work" fuzz/corpus/$t
    echo "== fuzz_$t for ${secs}s ($jobs job(s))"
    par=""
    [ "$jobs" -gt 1 ] && par="-jobs=$jobs -workers=$jobs" # jobs log to fuzz-N.log
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" $par -dict=fuzz/$t.dict \
        -max_len=65536 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix=fuzz/ "$work" fuzz/corpus/$t >"$work.log" 2>&1 || status=1
    tail -n 25 "$work.log"
    "$bin" -merge=1 -dict=fuzz/$t.dict fuzz/corpus/$t "$work" 2>&1 | tail -n 1
done
exit $status
