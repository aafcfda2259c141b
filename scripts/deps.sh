#!/bin/sh
# deps.sh - make sure the Debian packages vigil builds and tests with are installed.
#
# Checks each package with dpkg; installs what is missing with apt-get when run as root,
# otherwise prints the exact command to run. `make demo` and `make test` call this first, so a
# fresh Debian 12 machine needs nothing else. With --test (what `make test` uses) it also
# installs what only tests need: chromium, for the screenshot test of the coverage views.
set -eu

PKGS="build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
libyaml-dev libpcre2-dev libsqlite3-dev libcmocka-dev zlib1g-dev libzip-dev
libvectorscan-dev sqlite3"
if [ "${1:-}" = "--test" ]; then
    PKGS="$PKGS chromium"
fi

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "vigil: missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "vigil: run as root:  apt-get install -y$missing" >&2
    exit 1
fi
