#!/bin/sh
# Installs the Debian packages of the given lists (scripts/debian-packages/<list>.txt,
# default: base). Idempotent: runs apt only when something is missing.
set -eu
lists_dir=$(dirname "$0")/debian-packages
[ "$#" -gt 0 ] || set -- base
missing=""
for list in "$@"; do
    while read -r pkg; do
        case "$pkg" in ''|'#'*) continue ;; esac
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $pkg"
        fi
    done < "$lists_dir/$list.txt"
done
if [ -z "$missing" ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
