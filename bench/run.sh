#!/bin/sh
# run.sh - the standard benchmark set behind `make bench`; docs/BENCHMARKS.md records results.
#
# usage: sh bench/run.sh [BUILD_DIR]        (default: build, the release build `make` makes)
#
# Loads the embedded ATT&CK catalogue, then MITRE's enterprise bundle from the shared data
# (../shared/attack, or $VG_SHARED_DIR/attack) against the goal in the issue: under 0.5 s and
# under 150 MB. Peak memory is measured in a fresh process per load, so that it is the figure of
# one load. Then the EVTX reader over ../shared/evtx, beside libevtx's evtxexport when it is
# installed. Every line carries a hash of what was computed: a faster build must print the same
# hash. Without the shared data only the embedded catalogue is measured. Exits 1 if a goal is
# missed or runs disagree.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${1:-build}
B=$BUILD/bench/bench_attack
V=$BUILD/vigil
SHARED=${VG_SHARED_DIR:-../shared}
ENT=$SHARED/attack/enterprise-attack.json
MOB=$SHARED/attack/mobile-attack.json
ICS=$SHARED/attack/ics-attack.json
status=0
run() {
    "$@" || status=1
}

attack_bundles() {
    echo
    echo "== enterprise bundle (vg_attack_load_file + finalize); goal: under 500 ms and 150 MB"
    run "$B" --runs 20 --max-ms 500 "$ENT"
    for _ in 1 2 3; do
        run "$B" --single --max-rss-mb 150 "$ENT"
    done

    if [ -f "$MOB" ] && [ -f "$ICS" ]; then
        echo
        echo "== enterprise + mobile + ICS into one knowledge base"
        run "$B" --runs 10 "$ENT" "$MOB" "$ICS"
    fi

    echo
    echo "== end to end: vigil attack info --attack enterprise-attack.json (one process)"
    if [ -x /usr/bin/time ]; then
        # time's report (on stderr) goes to stdout; vigil's own output is not wanted
        # shellcheck disable=SC2069
        run /usr/bin/time -f "  %e s wall, %U s user, %S s system, %M KB peak RSS" \
            "$V" attack info --attack "$ENT" -q 2>&1 >/dev/null
    else
        echo "  skipped: /usr/bin/time is not installed (Debian package 'time')"
    fi
}

if [ ! -x "$B" ]; then
    echo "bench: $B is not built; run 'make' first" >&2
    exit 2
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
echo "machine: ${cpu:-unknown CPU}, $(nproc 2>/dev/null || echo '?') cores, ${mem:-? GiB} RAM"
echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC'), vigil $(git describe --always --dirty 2>/dev/null || echo '?')"

echo
echo "== embedded catalogue (vg_attack_load_embedded + finalize)"
run "$B" --embedded --runs 20
run "$B" --embedded --single

if [ ! -f "$ENT" ]; then
    echo
    echo "bench: $ENT not found; skipping the bundle benchmarks (the shared data is optional)"
else
    attack_bundles
fi

# ---- EVTX reader (bench_evtx) beside libevtx's evtxexport, on the same files in this run ----
EVTX_DIR=$SHARED/evtx
if [ -x "$BUILD/bench/bench_evtx" ] && [ -d "$EVTX_DIR" ]; then
    echo
    echo "== EVTX: vigil's reader over $EVTX_DIR, repeated to 200 MB (records/s, MB/s)"
    for m in parse event json; do
        run "$BUILD/bench/bench_evtx" --mode "$m" --min-mb 200 "$EVTX_DIR"
    done
    if command -v evtxexport >/dev/null 2>&1; then
        mb=$(find "$EVTX_DIR" -name '*.evtx' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
        t0=$(date +%s.%N)
        n=$(find "$EVTX_DIR" -name '*.evtx' -print0 | xargs -0 -n 1 evtxexport -f xml 2>/dev/null |
            grep -c '^<Event ')
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" -v n="$n" -v mb="$mb" 'BEGIN { s = b - a;
            printf "  evtxexport -f xml (libevtx), one pass: %s MB, %d records in %.2f s: %.0f records/s, %.1f MB/s\n",
                mb, n, s, n / s, mb / s }'
    else
        echo "  evtxexport skipped: not installed (Debian package libevtx-utils)"
    fi
fi
# ---- detection throughput (bench_match): all Windows rules of the SigmaHQ corpus ----
SIG=$SHARED/sigma
if [ -x "$BUILD/bench/bench_match" ] && [ -d "$SIG/rules/windows" ]; then
    RULES="--rules $SIG/rules/windows --rules $SIG/rules-emerging-threats --rules $SIG/rules-threat-hunting"
    FLAT=$SHARED/oracle/events/flat.jsonl
    echo
    echo "== Sigma: compiling the whole SigmaHQ corpus (every rule folder)"
    run "$BUILD/bench/bench_match" --compile-only --rules "$SIG/rules" --rules "$SIG/rules-emerging-threats" \
        --rules "$SIG/rules-threat-hunting" --rules "$SIG/rules-compliance" --rules "$SIG/rules-dfir" \
        --rules "$SIG/rules-placeholder" --rules "$SIG/deprecated" --rules "$SIG/unsupported"
    echo
    echo "== detection: SigmaHQ Windows rules over the shared events (JSON lines, then EVTX)"
    # shellcheck disable=SC2086
    run "$BUILD/bench/bench_match" $RULES --min-events 1000000 --threads 1 "$FLAT"
    # shellcheck disable=SC2086
    run "$BUILD/bench/bench_match" $RULES --min-events 1000000 --threads 2 "$FLAT"
    # shellcheck disable=SC2086
    run "$BUILD/bench/bench_match" $RULES --min-events 300000 --threads 1 $(find "$SHARED/evtx" -name '*.evtx' | sort)
    # shellcheck disable=SC2086
    run "$BUILD/bench/bench_match" $RULES --min-events 300000 --threads 2 $(find "$SHARED/evtx" -name '*.evtx' | sort)
fi
# ---- risk scoring and incident rules (bench_risk): 10M risk events over 100k objects ----
if [ -x "$BUILD/bench/bench_risk" ]; then
    echo
    echo "== risk: 10M risk events over 100k objects, scored and evaluated (events/s, peak RSS)"
    run "$BUILD/bench/bench_risk" --events 10000000 --objects 100000
fi
exit $status
