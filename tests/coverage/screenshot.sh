#!/bin/sh
# screenshot.sh VIGIL FIXTURE_DIR - the coverage SVG and HTML open in headless Chromium and the
# screenshot shows the matrix.
#
# Renders the fixture's coverage (tests/golden/data/coverage) coloured by active rules, takes a
# screenshot of the SVG and of the HTML report with headless Chromium, and decodes each PNG
# (python3's zlib, no imaging library) to count pixels of the palette colours the fixture must
# show: the dark header of the tactic columns (#333f4f) and the green of a technique with two
# active rules (#74c476, T1059). Exit 77 (skipped) when chromium or python3 is not installed:
# Debian's package is "chromium" (apt-get install chromium).
set -eu
V=$1
D=$2
B=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$B" ] || ! command -v python3 >/dev/null; then
    echo "chromium not installed (apt-get install chromium), skipping"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
"$V" -q coverage -r "$D/rules" --enabled "$D/enabled.txt" --logs "$D/logs.jsonl" --format svg -o "$tmp/m.svg"
"$V" -q coverage -r "$D/rules" --enabled "$D/enabled.txt" --logs "$D/logs.jsonl" --format html -o "$tmp/r.html"
for f in m.svg r.html; do
    "$B" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=2000,1400 \
        --user-data-dir="$tmp/profile" --screenshot="$tmp/$f.png" "file://$tmp/$f" \
        >"$tmp/chromium.log" 2>&1 || { cat "$tmp/chromium.log"; exit 1; }
    python3 - "$tmp/$f.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and ctype in (2, 6), 'unexpected PNG format'
        bpp = 3 if ctype == 2 else 4
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
raw, stride = zlib.decompress(idat), w * bpp
prev, rows, i = bytearray(stride), [], 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
def count(rgb):
    return sum(1 for line in rows for x in range(0, stride, bpp) if tuple(line[x:x + 3]) == rgb)
header, green = count((0x33, 0x3f, 0x4f)), count((0x74, 0xc4, 0x76))
print(sys.argv[1].rsplit('/', 1)[-1], 'tactic header pixels', header, 'T1059 green pixels', green)
assert header > 5000, 'the tactic headers of the matrix are not visible'
assert green > 500, 'the T1059 cell (2 active rules) is not visible'
PY
done
echo "screenshots show the matrix"
