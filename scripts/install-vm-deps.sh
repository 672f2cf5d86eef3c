#!/bin/sh
# Installs the Debian packages the VM lab (tests/lab/vm) needs: qemu (TCG), the image
# builder's tools and an SSH client. Idempotent: runs apt only when something is missing.
set -eu
PACKAGES="
qemu-system-x86
qemu-utils
debootstrap
e2fsprogs
openssh-client
rsync
ca-certificates
"
missing=""
for pkg in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
