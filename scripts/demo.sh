#!/bin/sh
# demo.sh - what `make demo` shows, on embedded defaults only (no ../shared needed).
#
# The ATT&CK knowledge base compiled into vigil, lookups that survive revocations and shared
# names, the matrix, a group's techniques, the detection loop (a small Sigma rule written for
# this demo and tagged for ATT&CK v19, checked against the embedded v18.1 and tested on two
# events), and a scan of the synthetic events in data/demo/ with the built-in starter rules.
# Long outputs are cut to their first lines; each section names the full command.
set -eu
cd "$(dirname "$0")/.."
V=$(pwd)/build/vigil
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Terminal width when there is one (the matrix is piped to head, so vigil cannot ask itself).
cols=$(stty size 2>/dev/null </dev/tty | cut -d' ' -f2) || cols=
case "$cols" in '' | *[!0-9]*) cols=${COLUMNS:-200} ;; esac
[ "$cols" -ge 40 ] 2>/dev/null || cols=200

section() {
    printf '\n== %s\n' "$1"
}

printf '== vigil %s: the ATT&CK knowledge base compiled into the binary\n' \
    "$($V version | cut -d' ' -f2)"
$V attack info

section "lookups: a revoked ID still resolves (vigil attack show T1086)"
$V attack show T1086 -q | sed -n '1,16p'
echo "  ..."

section "a name two kinds share: the best answer first, the others listed (vigil attack show FunnyDream)"
$V attack show FunnyDream -q | sed -n '1,6p;/^also named/,$p'

section "the Enterprise matrix for Windows, first rows (vigil attack matrix --platform Windows)"
$V attack matrix --platform Windows --width "$cols" -q | head -n 14
echo "  ..."

section "what a group does, by tactic, including through its campaigns (vigil attack group APT29)"
$V attack group APT29 -q | head -n 16
echo "  ..."

# A rule of our own, tagged the ATT&CK v19 way: defense-impairment and T1685.005 do not exist
# in v18.1, and vigil maps them (docs/attack.md, "Rule tags across ATT&CK versions").
cat >"$tmp/wevtutil_clear.yml" <<'EOF'
title: Event log cleared with wevtutil (vigil demo)
id: 6a0f1c1e-3b5d-4c2a-9e7f-0d8b2a4c6e10
status: experimental
description: wevtutil clears a Windows event log. Written for the vigil demo.
author: vigil
tags:
    - attack.defense-impairment
    - attack.t1685.005
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\wevtutil.exe'
        CommandLine|contains|all:
            - ' cl '
            - 'Security'
    condition: selection
level: high
EOF
cat >"$tmp/events.jsonl" <<'EOF'
{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\wevtutil.exe","CommandLine":"wevtutil cl Security"}
{"EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Image":"C:\\Windows\\System32\\wevtutil.exe","CommandLine":"wevtutil qe Security /c:5"}
EOF

section "a Sigma rule tagged for ATT&CK v19 (defense-impairment, T1685.005), checked against v18.1: its tags count under defense-evasion (vigil rules check)"
(cd "$tmp" && "$V" rules check wevtutil_clear.yml)

section "the same rule on two events: one clears the log, one only reads it (vigil rules test)"
(cd "$tmp" && "$V" rules test wevtutil_clear.yml --on events.jsonl)

section "scanning logs: a made-up intrusion (data/demo/events.jsonl) against the built-in starter rules, as an ATT&CK-tagged timeline (vigil scan)"
COLUMNS=$cols "$V" scan data/demo/events.jsonl --format table

echo
echo "Next: vigil --help; docs/cli.md; vigil scan PATH -r RULES on your own EVTX or JSON logs."

# ---- risk-based alerting (vigil scan --risk; docs/risk.md) ----
# The same story scanned again with --risk: each match becomes risk events as it is found
# (alice is a privileged user, the file server a critical asset: data/demo/identities.csv,
# assets.csv), the two Splunk ES default incident rules are evaluated per host and user as the
# events come, and a notable is printed the moment one crosses its threshold; the final list
# follows. alice's ATT&CK tactic-threshold notable is then printed in full from the store:
# window, score per rule (with capping), timeline with each score's arithmetic.
section "risk-based alerting while scanning: notables raised as the story's matches arrive (vigil scan --risk --db)"
"$V" scan data/demo/events.jsonl --risk --db "$tmp/vigil.db" --no-summary -j 1 \
    --identities data/demo/identities.csv --assets data/demo/assets.csv 2>&1 >/dev/null |
    grep -v '^stored scan' | cut -c1-"$cols"
id=$("$V" notables --db "$tmp/vigil.db" | grep 'Tactic threshold.*user=CORP' | cut -d' ' -f1)

section "one notable in full: why alice crossed the ATT&CK tactic threshold (vigil notables ID)"
"$V" notables --db "$tmp/vigil.db" "$id" | sed '$d'

section "alice's risk timeline, every score with its arithmetic (vigil risk show 'CORP\\alice')"
"$V" risk show 'CORP\alice' --db "$tmp/vigil.db" | head -n 5 | cut -c1-160
echo "  ..."

# Last: where the starter rules stand against ATT&CK, with the demo's events as the observed
# data, and the self-contained HTML report (kept in build/, outside the temporary folder).
section "coverage of the starter rules, the demo events as observed data (vigil coverage --logs data/demo/events.jsonl)"
"$V" coverage --logs data/demo/events.jsonl --width "$cols" -q --html "$(pwd)/build/coverage-report.html"
