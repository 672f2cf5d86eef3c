#!/bin/sh
# Installs the Debian packages the tests and the lab need. Idempotent: does nothing
# when every package is already installed.
set -eu
PACKAGES="
iproute2
openssh-server
openssh-client
busybox-static
bridge-utils
rsync
procps
util-linux
shellcheck
sudo
tar
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
