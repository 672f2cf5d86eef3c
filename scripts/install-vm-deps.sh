#!/bin/sh
# Installs the Debian packages the VM lab (tests/lab/vm) needs.
exec "$(dirname "$0")/install-debian-deps.sh" vm
