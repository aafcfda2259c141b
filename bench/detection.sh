#!/bin/sh
# detection.sh - the detection benchmark set of issue #5 ("Speed"), run by bench/run.sh.
#
# usage: sh bench/detection.sh [BUILD_DIR]          (default: build)
#
# Every figure comes from this one run, on the shared data beside the checkout (../shared, or
# $VG_SHARED_DIR); each part whose data is absent is skipped with a message. With bench_match
# (bench/bench_match.c) and all Windows rules of the SigmaHQ corpus (rules/windows,
# rules-emerging-threats, rules-threat-hunting):
#   1. compile the whole corpus (every rule folder) three times: Sigma compile and index time;
#   2. JSON lines, flat (oracle/events/flat.jsonl) and nested (oracle/events/raw/**/*.jsonl,
#      the evtx crate's form), read again and again until 1M events, 1 and 2 threads;
#   3. EVTX (../shared/evtx), read again and again until 500 MB of files, 1 and 2 threads;
#   4. indexed against exact evaluation, one pass over each form (8,255 events each): the
#      result hashes must be equal;
#   5. the peer: the oracle's SQL rules (generic and sysmon_high) run by SQLite, Zircolite's
#      method (tools/sqlite_peer.py), over flat.jsonl copied whole until 40,000 events (41,275)
#      in a temporary folder, and vigil's flat figures from 2. divided by its events/s;
# then a summary of each goal of the issue with the measured value and MET / NOT MET. Every
# bench_match line also shows its peak RSS and result hash. Missed speed, memory and compile
# goals do not change the exit status; exit 1 if indexed and exact results differ or a run
# fails, 2 if bench_match is not built. Sizes can be lowered for a quick look:
# VG_BENCH_EVENTS (1000000), VG_BENCH_EVTX_MB (500), VG_BENCH_PEER_EVENTS (40000).
set -u
LC_ALL=C
export LC_ALL
cd "$(dirname "$0")/.." || exit 2
BUILD=${1:-build}
BM=$BUILD/bench/bench_match
SHARED=${VG_SHARED_DIR:-../shared}
SIG=$SHARED/sigma
FLAT=$SHARED/oracle/events/flat.jsonl
RAW=$SHARED/oracle/events/raw
EVTX=$SHARED/evtx
SQL=$SHARED/oracle/sql
PEER=$SHARED/tools/sqlite_peer.py
PY=/usr/bin/python3
EVENTS=${VG_BENCH_EVENTS:-1000000}
EVTX_MB=${VG_BENCH_EVTX_MB:-500}
PEER_EVENTS=${VG_BENCH_PEER_EVENTS:-40000}
status=0
maxrss=0
maxrss_run=

if [ ! -x "$BM" ]; then
    echo "bench: $BM is not built; run 'make' first" >&2
    exit 2
fi
if [ ! -d "$SIG/rules/windows" ]; then
    echo
    echo "== detection: $SIG/rules/windows not found; skipping the detection benchmarks"
    exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

calc() { # calc AWK-EXPRESSION: prints its value
    awk "BEGIN { print $1 }"
}

# shellcheck disable=SC2034 # hash is read through eval
# bm KEY LABEL BENCH_MATCH_ARGS...: runs bench_match, shows its lines and sets KEY_eps,
# KEY_rss, KEY_hash, KEY_events (KEY_compile and KEY_index too) from them; empty on failure.
bm() {
    key=$1
    label=$2
    shift 2
    echo "-- $label"
    "$BM" "$@" >"$TMP/bm.out" 2>&1
    rc=$?
    cat "$TMP/bm.out"
    res=$(tail -n 1 "$TMP/bm.out")
    eps=$(echo "$res" | sed -n 's/.* = \([0-9]*\) events\/s.*/\1/p')
    rss=$(echo "$res" | sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1/p')
    hash=$(echo "$res" | sed -n 's/.*result hash \([0-9a-f]*\).*/\1/p')
    events=$(echo "$res" | sed -n 's/.* threads*: \([0-9]*\) events.*/\1/p')
    comp=$(sed -n 's/.*compiled in \([0-9.]*\) s, index built in \([0-9.]*\) s.*/\1 \2/p' \
        "$TMP/bm.out" | head -n 1)
    if [ $rc -ne 0 ] || [ -z "$rss" ] || { [ -z "$eps" ] && [ -z "$comp" ]; } ||
        [ "${events:-1}" = 0 ]; then
        echo "  FAILED: bench_match exited with $rc or printed no result (or read no event)"
        status=1
        eps='' rss='' hash='' events='' comp=''
    fi
    eval "${key}_eps=\$eps ${key}_rss=\$rss ${key}_hash=\$hash ${key}_events=\$events"
    eval "${key}_compile=\${comp% *} ${key}_index=\${comp#* }"
    if [ -n "$rss" ] && [ "$rss" -gt "$maxrss" ]; then
        maxrss=$rss
        maxrss_run=$label
    fi
}

# bm_files KEY LABEL DIR EXT BENCH_MATCH_ARGS...: bm over every *.EXT up to four folders
# below DIR, in C-locale order (names may hold spaces).
bm_files() {
    key=$1
    label=$2
    dir=$3
    ext=$4
    shift 4
    n=0
    for f in "$dir"/*."$ext" "$dir"/*/*."$ext" "$dir"/*/*/*."$ext" "$dir"/*/*/*/*."$ext"; do
        if [ -f "$f" ]; then
            set -- "$@" "$f"
            n=$((n + 1))
        fi
    done
    bm "$key" "$label, $n files" "$@"
}

have_files() { # have_files DIR EXT: true if DIR holds a *.EXT within four folders
    [ -n "$(find "$1" -maxdepth 4 -name "*.$2" -print 2>/dev/null | head -n 1)" ]
}

W="--rules $SIG/rules/windows"
windows=rules/windows
for d in rules-emerging-threats rules-threat-hunting; do
    if [ -d "$SIG/$d" ]; then
        W="$W --rules $SIG/$d"
        windows="$windows $d"
    fi
done
ALL=
corpus=
for d in rules rules-emerging-threats rules-threat-hunting rules-compliance rules-dfir \
    rules-placeholder deprecated unsupported; do
    if [ -d "$SIG/$d" ]; then
        ALL="$ALL --rules $SIG/$d"
        corpus="$corpus $d"
    fi
done
echo
echo "== detection (issue #5): load average at start $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null)"
echo "   Windows rules: $windows (in $SIG)"
t_start=$(date +%s)

echo
echo "== 1. whole-corpus compile (every rule folder:$corpus), three fresh processes"
best_c=
best_ci=
for i in 1 2 3; do
    # shellcheck disable=SC2086
    bm c$i "compile, run $i" --compile-only $ALL
    c='' ix=''
    eval "c=\$c${i}_compile ix=\$c${i}_index"
    [ -n "$c" ] || continue
    ci=$(calc "$c + $ix")
    if [ -z "$best_c" ] || [ "$(calc "$c < $best_c")" = 1 ]; then best_c=$c; fi
    if [ -z "$best_ci" ] || [ "$(calc "$ci < $best_ci")" = 1 ]; then best_ci=$ci; fi
done

echo
echo "== 2. JSON lines, Windows rules, read again and again to $EVENTS events"
if [ -f "$FLAT" ]; then
    for t in 1 2; do
        # shellcheck disable=SC2086
        bm flat$t "flat ($FLAT), $t thread(s)" $W --min-events "$EVENTS" --threads $t "$FLAT"
    done
else
    echo "  skipped: $FLAT not found"
fi
if have_files "$RAW" jsonl; then
    for t in 1 2; do
        # shellcheck disable=SC2086
        bm_files nest$t "nested, evtx crate's form ($RAW/**/*.jsonl), $t thread(s)" "$RAW" jsonl \
            $W --min-events "$EVENTS" --threads $t
    done
else
    echo "  skipped: no $RAW/**/*.jsonl"
fi

echo
echo "== 3. EVTX, Windows rules, files read again and again to $EVTX_MB MB"
if have_files "$EVTX" evtx; then
    for t in 1 2; do
        # shellcheck disable=SC2086
        bm_files evtx$t "EVTX ($EVTX/**/*.evtx), $t thread(s)" "$EVTX" evtx \
            $W --min-mb "$EVTX_MB" --threads $t
    done
else
    echo "  skipped: no $EVTX/**/*.evtx"
fi

echo
echo "== 4. indexed against exact (every rule on every event), one pass, 1 thread"
same=0
compared=
differ=
# vs_exact NAME LABEL [DIR EXT]: one pass indexed, then one exact, over $FLAT or every *.EXT
# below DIR; compares the two result hashes (NAMEi_hash, NAMEe_hash).
vs_exact() {
    vname=$1
    vlabel=$2
    shift 2
    for m in i e; do
        x=
        mode=indexed
        [ $m = e ] && x=--exact mode=exact
        if [ $# -eq 2 ]; then
            # shellcheck disable=SC2086
            bm_files "$vname$m" "$vlabel, $mode" "$1" "$2" $W $x --min-events 1
        else
            # shellcheck disable=SC2086
            bm "$vname$m" "$vlabel, $mode" $W $x --min-events 1 "$FLAT"
        fi
    done
    eval "hi=\${${vname}i_hash:-} he=\${${vname}e_hash:-}"
    if [ -z "$hi" ] || [ -z "$he" ]; then
        differ="$differ $vname(failed)"
    elif [ "$hi" = "$he" ]; then
        same=$((same + 1))
    else
        differ="$differ $vname"
    fi
    compared="$compared $vname"
}
[ -f "$FLAT" ] && vs_exact flat flat
have_files "$RAW" jsonl && vs_exact nest nested "$RAW" jsonl
have_files "$EVTX" evtx && vs_exact evtx EVTX "$EVTX" evtx
if [ -n "$differ" ]; then
    echo "  DIFFERENCE: indexed and exact results differ for:$differ"
    status=1
elif [ -n "$compared" ]; then
    echo "  identical results for:$compared"
else
    echo "  skipped: none of the inputs above was found"
fi

echo
echo "== 5. peer: the oracle's SQL rules run by SQLite (tools/sqlite_peer.py, Zircolite's method)"
peer_eps=
if [ ! -x "$PY" ] || [ ! -f "$PEER" ] || [ ! -f "$FLAT" ] || [ ! -d "$SQL" ]; then
    echo "  skipped: needs $PY, $PEER, $FLAT and $SQL"
else
    mkdir "$TMP/peer"
    n=$(wc -l <"$FLAT")
    copies=$(((PEER_EVENTS + n - 1) / n))
    i=0
    while [ $i -lt "$copies" ]; do # whole copies, so that every field (column) is there
        cat "$FLAT"
        i=$((i + 1))
    done >"$TMP/peer/flat.jsonl"
    set --
    for r in rules_windows_generic rules_windows_sysmon_high; do
        [ -f "$SQL/$r.json" ] && set -- "$@" "$SQL/$r.json"
    done
    echo "  $(wc -l <"$TMP/peer/flat.jsonl") events ($FLAT x $copies) in a temporary" \
        "folder; rulesets: $*"
    timer=
    [ -x /usr/bin/time ] && timer="/usr/bin/time -f %e:%M -o $TMP/peer.time"
    # shellcheck disable=SC2086
    if $timer "$PY" "$PEER" "$TMP/peer" "$@" >"$TMP/peer.log" 2>&1; then
        [ -f "$TMP/peer.time" ] && awk -F: '{ printf "  peer process: %s s wall, peak RSS %d MB\n",
            $1, $2 / 1024 }' "$TMP/peer.time"
        for r in rules_windows_generic rules_windows_sysmon_high; do
            st=$TMP/peer/oracle-$r.stats.json
            [ -f "$st" ] || continue
            line=$("$PY" -c 'import json, sys
s = json.load(open(sys.argv[1]))
t = s["load_seconds"] + s["query_seconds"]
print("%d %d %d %.3f %.3f %.0f" % (s["rules"], s["rules_with_sql_errors"], s["events"],
      s["load_seconds"], s["query_seconds"], s["events"] / t))' "$st")
            # shellcheck disable=SC2086
            set -- $line
            echo "  $r: $1 rules ($2 with SQL errors), $3 events: load $4 s + queries $5 s" \
                "= $6 events/s"
            [ $r = rules_windows_generic ] && peer_eps=$6 peer_rules=$1
            for t in 1 2; do
                eval "v=\${flat${t}_eps:-}"
                [ -n "$v" ] && echo "    vigil flat, $t thread(s), $v events/s:" \
                    "$(awk -v a="$v" -v b="$6" 'BEGIN { printf "%.1f", a / b }') times this"
            done
        done
    else
        echo "  FAILED: the peer exited with an error:"
        sed 's/^/    /' "$TMP/peer.log"
        status=1
    fi
fi

# ---- summary: each goal of the issue, measured in this run ----
# row GOAL MEASURED VALUE TARGET ge|le: one line with MET / NOT MET and how far off
row() {
    if [ -z "$3" ]; then
        printf '  %-47s %-36s %s\n' "$1" "not measured" "-"
        return
    fi
    r=$(awk -v v="$3" -v t="$4" -v d="$5" 'BEGIN {
        if ((d == "ge" && v >= t) || (d == "le" && v <= t)) print "MET";
        else if (d == "ge") printf "NOT MET (%.2fx short)\n", t / v;
        else printf "NOT MET (%.2fx over)\n", v / t }')
    printf '  %-47s %-36s %s\n' "$1" "$2" "$r"
}
eps_row() { # eps_row GOAL KEY TARGET
    v='' ev=''
    eval "v=\${${2}_eps:-} ev=\${${2}_events:-}"
    row "$1" "${v:-?} events/s ($ev events)" "$v" "$3" ge
}
ratio_row() { # ratio_row GOAL KEY
    eval "v=\${${2}_eps:-}"
    x=
    [ -n "$v" ] && [ -n "$peer_eps" ] && x=$(calc "$v / $peer_eps")
    row "$1" "$(printf '%.1f' "${x:-0}")x ($v / $peer_eps events/s)" "$x" 100 ge
}
echo
echo "== summary: goals of issue #5 on this machine, all measured in this run"
echo "   ($(nproc 2>/dev/null || echo '?') cores; load average at the end" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null); the detection part took" \
    "$(($(date +%s) - t_start)) s; other builds may have shared the machine)"
printf '  %-47s %-36s %s\n' "goal" "measured" "result"
eps_row "JSON lines flat, 1 thread: >= 150,000 ev/s" flat1 150000
eps_row "JSON lines nested, 1 thread: >= 150,000 ev/s" nest1 150000
eps_row "EVTX, 1 thread: >= 150,000 ev/s" evtx1 150000
eps_row "JSON lines flat, 2 threads: >= 250,000 ev/s" flat2 250000
eps_row "JSON lines nested, 2 threads: >= 250,000 ev/s" nest2 250000
eps_row "EVTX, 2 threads: >= 250,000 ev/s" evtx2 250000
ratio_row "flat, 1 thread / SQLite: >= 100x" flat1
ratio_row "flat, 2 threads / SQLite: >= 100x" flat2
row "whole-corpus Sigma compile: <= 0.3 s" "${best_c:-?} s (best of 3)" "$best_c" 0.3 le
row "compile + index (no cache): <= 0.3 s" "${best_ci:-?} s (best of 3)" "$best_ci" 0.3 le
row "peak RSS of every run: <= 200 MB" "$maxrss MB (${maxrss_run:-none})" \
    "$([ -n "$maxrss_run" ] && echo "$maxrss")" 200 le
if [ -n "$compared" ]; then
    printf '  %-47s %-36s %s\n' "indexed == exact (8,255 events per form)" \
        "$same of $(echo "$compared" | wc -w) identical:$compared" \
        "$([ -z "$differ" ] && echo MET || echo "NOT MET:$differ")"
fi
[ -n "$peer_eps" ] && echo "  (SQLite: $peer_rules rules of rules_windows_generic; vigil: every" \
    "detection rule of the Windows folders above)"
exit $status
