#!/bin/sh
# Runs `ansible-test sanity` on a copy of the collection laid out as
# ansible_collections/openvz/cloud (ansible-test needs that path). Extra arguments
# are passed to ansible-test, e.g. `scripts/sanity.sh --test validate-modules`.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${VENV:-$repo/.venv-sanity}
build=$(mktemp -d "${TMPDIR:-/tmp}/openvz-cloud-sanity.XXXXXX")
trap 'rm -rf "$build"' EXIT
dest="$build/ansible_collections/openvz/cloud"
mkdir -p "$dest"
# Tracked and new (not ignored) files: what a commit would hold.
cd "$repo"
git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ "$dest/"
cd "$dest"
# ansible-test bootstraps pip into its venvs with a downloaded get-pip script;
# provide the offline stand-in under the cache name it looks for.
pip_version=$("$venv/bin/python" -c 'from ansible_test._internal.python_requirements import get_venv_packages; from types import SimpleNamespace; print(get_venv_packages(SimpleNamespace(version="3.11"))["pip"])')
cache="$HOME/.ansible/test/cache/get_pip_$(echo "$pip_version" | tr . _).py"
mkdir -p "$(dirname "$cache")"
cp "$repo/scripts/get_pip_offline.py" "$cache"
# ansible-test only checks files it believes are versioned.
git init -q . && git add -A >/dev/null 2>&1
PATH="$venv/bin:$PATH" ansible-test sanity --local --python 3.11 --color no "$@"
