#!/usr/bin/env python3
"""gen.py - write the zip fixtures of tests/golden/zip.test (run from this folder; the output is
committed, so the tests themselves need no Python).

logs.zip      members of every kind: NXLog JSON lines (deflated), malformed JSON lines (stored),
              an EVTX file (deflated) in a subfolder, a text file and a nested archive (skipped
              with a note), a directory, a hidden member and a macOS resource fork (passed over).
damaged.zip   a stored member whose CRC does not match (one byte changed after its first event),
              a deflated member whose compressed data is broken, a member whose compression
              method libzip cannot decode (97), one marked encrypted, and an intact member read last.
truncated.zip logs.zip cut in half: no central directory.
empty.zip     an archive without members.
"""
import io, zipfile

STAMP = (2026, 11, 5, 12, 0, 0)


def member(z, name, data, method=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = method
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


def build(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for m in members:
            member(z, *m)
    return bytearray(buf.getvalue())


def data_offset(raw, name):
    """Offset of a member's data, from its local header."""
    z = zipfile.ZipFile(io.BytesIO(bytes(raw)))
    info = z.getinfo(name)
    h = info.header_offset
    n = int.from_bytes(raw[h + 26:h + 28], "little")
    e = int.from_bytes(raw[h + 28:h + 30], "little")
    return h, h + 30 + n + e, info.compress_size


def patch_all(raw, sig, name, offset, value):
    """Set a 2-byte field of the local (sig PK\\3\\4) or central (PK\\1\\2) header of name."""
    nb = name.encode()
    i = 0
    while True:
        i = raw.find(sig, i)
        if i < 0:
            return
        nlen_at = 26 if sig == b"PK\x03\x04" else 28
        nlen = int.from_bytes(raw[i + nlen_at:i + nlen_at + 2], "little")
        start = i + (30 if sig == b"PK\x03\x04" else 46)
        if raw[start:start + nlen] == nb:
            raw[i + offset:i + offset + 2] = value.to_bytes(2, "little")
        i += 4


def main():
    nxlog = open("../scan/nxlog.jsonl", "rb").read()
    garbage = open("../scan/garbage.jsonl", "rb").read()
    evtx = open("../evtx/intact.evtx", "rb").read()
    inner = build([("x.jsonl", nxlog)])
    logs = build([
        ("logs/", b""),
        ("nxlog.jsonl", nxlog),
        ("logs/garbage.jsonl", garbage, zipfile.ZIP_STORED),
        ("logs/sysmon.evtx", evtx),
        ("readme.txt", b"recorded on the lab network\n"),
        ("inner.zip", bytes(inner), zipfile.ZIP_STORED),
        (".hidden.jsonl", nxlog),
        ("__MACOSX/._nxlog.jsonl", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"),
    ])
    open("logs.zip", "wb").write(logs)
    open("truncated.zip", "wb").write(logs[:len(logs) // 2])
    open("empty.zip", "wb").write(build([]))

    first_line = nxlog.split(b"\n")[0] + b"\n"
    damaged = build([
        ("crc.jsonl", nxlog, zipfile.ZIP_STORED),
        ("inflate.jsonl", nxlog * 4),
        ("method.jsonl", nxlog),
        ("secret.jsonl", nxlog, zipfile.ZIP_STORED),
        ("intact.jsonl", nxlog),
    ])
    _, d, _ = data_offset(damaged, "crc.jsonl")
    damaged[d + len(first_line) + 20] ^= 0x01  # a letter changes case: valid JSON, bad CRC
    _, d, size = data_offset(damaged, "inflate.jsonl")
    for k in range(size // 3, size // 3 + 8):
        damaged[d + k] ^= 0xFF
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        patch_all(damaged, sig, "method.jsonl", off, 97)  # WavPack: libzip has no decoder
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        patch_all(damaged, sig, "secret.jsonl", off, 1)  # general purpose flag: encrypted
    open("damaged.zip", "wb").write(damaged)


if __name__ == "__main__":
    main()
