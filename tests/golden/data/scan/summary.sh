# summary.sh - the scan summary on standard input with its timing made stable for
# tests/golden/scan.test: ", 0.01 s, 2600 events/s;" becomes ", T s, R events/s;".
sed -E 's/, [0-9]+\.[0-9]+ s, [0-9]+ events\/s;/, T s, R events\/s;/'
