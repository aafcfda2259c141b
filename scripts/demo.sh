#!/bin/sh
# demo.sh - what `make demo` shows: the knowledge base vigil carries, on embedded defaults.
set -eu
cd "$(dirname "$0")/.."
V=build/vigil
echo "== vigil $($V version | cut -d' ' -f2): the ATT&CK knowledge base (embedded catalogue)"
$V attack info
echo
echo "== the Enterprise matrix (Windows)"
$V attack matrix --platform Windows --width "${COLUMNS:-200}" --quiet
echo
echo "== a lookup: T1059.001, and a revoked ID that still resolves (T1086)"
$V attack show T1059.001 --quiet | head -12
$V attack show T1086 --quiet | sed -n '1,12p'
