#!/bin/sh
# run.sh - the standard benchmark set behind `make bench`; docs/BENCHMARKS.md records results.
#
# usage: sh bench/run.sh [BUILD_DIR [PART...]]   (default: build, the release build `make`
#        makes; PARTs: attack evtx risk detection, default all four in that order)
#
# attack: loads the embedded ATT&CK catalogue, then MITRE's enterprise bundle from the shared
# data (../shared/attack, or $VG_SHARED_DIR/attack) against the goal in the issue: under 0.5 s
# and under 150 MB. Peak memory is measured in a fresh process per load, so that it is the
# figure of one load. evtx: the EVTX reader over ../shared/evtx, beside libevtx's evtxexport
# when it is installed. risk: risk scoring and incident rules over 10M risk events. detection:
# bench/detection.sh, the detection set of issue #5 (JSON lines, EVTX, compile, indexed against
# exact, the SQLite peer) ending in a summary of that issue's goals. Every line carries a hash
# of what was computed: a faster build must print the same hash. Without the shared data only
# the embedded catalogue and risk are measured. Exits 1 if an ATT&CK goal is missed or runs
# disagree (indexed and exact detection included); missed detection speed goals are reported
# in the summary only.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${1:-build}
[ $# -gt 0 ] && shift
PARTS=${*:-attack evtx risk detection}
T0=$(date +%s)
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
want() { # want PART: true if PART is to be run
    case " $PARTS " in *" $1 "*) return 0 ;; esac
    return 1
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

if want attack; then
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
fi

# ---- EVTX reader (bench_evtx) beside libevtx's evtxexport, on the same files in this run ----
EVTX_DIR=$SHARED/evtx
if want evtx && [ -x "$BUILD/bench/bench_evtx" ] && [ -d "$EVTX_DIR" ]; then
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
# ---- risk scoring and incident rules (bench_risk): 10M risk events over 100k objects ----
if want risk && [ -x "$BUILD/bench/bench_risk" ]; then
    echo
    echo "== risk: 10M risk events over 100k objects, scored and evaluated (events/s, peak RSS)"
    run "$BUILD/bench/bench_risk" --events 10000000 --objects 100000
fi
# ---- detection (bench_match and the SQLite peer): last, so that its goal summary ends the run
if want detection; then
    run sh bench/detection.sh "$BUILD"
fi
echo
echo "bench: done in $(($(date +%s) - T0)) s"
exit $status
