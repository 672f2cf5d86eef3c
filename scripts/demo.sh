#!/usr/bin/env bash
# make demo: a full-kernel lab VM as the OpenVZ hypervisor host (vzctl from the emulator,
# kernel nfsd serving a CloudStack secondary storage export, systemd for the agent), a test
# management server on this machine's loopback, then playbooks/site.yml end to end,
# containers on an untagged bridge and on VLAN 100 (converged twice: the second run must
# change nothing), and a summary. The VM stays up for a look around; `make demo-down`
# (scripts/demo.sh down) removes it.
#   scripts/demo.sh [up|down] [RUN_DIR]     (RUN_DIR defaults to build/demo)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-up}
run_dir=$(realpath -m "${2:-$repo/build/demo}")
python=${PYTHON:-$repo/.venv/bin/python}
bin=$(dirname "$python")
demo="$repo/tests/lab/demo"

down() {
    "$python" "$repo/tests/lab/vm/vmlab.py" down --dir "$run_dir/vm" >/dev/null 2>&1 || true
    if [ -f "$run_dir/listener/listener.pid" ]; then
        "$python" "$repo/tests/agent_standin/mgmt_listener.py" --stop --pidfile "$run_dir/listener/listener.pid" || true
    fi
}

step() {
    echo
    echo "== $*"
}

playbook() {
    "$bin/ansible-playbook" -i "$run_dir/inventory.ini" -e "@$demo/vars.yml" \
        -e "openvz_demo_dir=$run_dir" -e "openvz_demo_template_sha256=$template_sha256" "$@"
}

case "$action" in
    down) down; echo "demo lab removed ($run_dir)"; exit 0 ;;
    up) ;;
    *) echo "usage: $0 [up|down] [RUN_DIR]" >&2; exit 2 ;;
esac

export ANSIBLE_COLLECTIONS_PATH="$repo/build/collections"
export ANSIBLE_HOST_KEY_CHECKING=False
export ANSIBLE_PIPELINING=1
started=$(date +%s)
down
rm -rf "$run_dir"
mkdir -p "$run_dir/listener" "$run_dir/discovery"

step "Secondary storage content: the busybox OS template, and the stand-in agent package"
"$python" "$repo/tests/emulator/templates/build_busybox_template.py" "$run_dir/templates"
template_sha256=$(sha256sum "$run_dir/templates/busybox-1.35-x86_64.tar.gz" | cut -d' ' -f1)
"$python" "$repo/tests/agent_standin/build_deb.py" --output "$run_dir/packages"

step "Management server: a listener on loopback (the VM reaches it as 10.0.2.100:8250)"
port=$("$python" "$repo/tests/agent_standin/mgmt_listener.py" --listen 127.0.0.1:0 \
    --record "$run_dir/listener/received.jsonl" --lifetime 7200 --daemon --pidfile "$run_dir/listener/listener.pid")
echo "listening on 127.0.0.1:$port"

step "Hypervisor host: the full-kernel lab VM with the OpenVZ emulator"
inventory=$("$python" "$repo/tests/lab/vm/vmlab.py" up --dir "$run_dir/vm" \
    --netdev-opt "guestfwd=tcp:10.0.2.100:8250-tcp:127.0.0.1:$port" | tail -n 1)
sed 's/^\[vmhosts\]$/[hypervisors]/' "$inventory" > "$run_dir/inventory.ini"

step "Lab set-up: trunk NIC, NFS export of the secondary storage (tests/lab/demo/prepare.yml)"
playbook "$demo/prepare.yml"

step "playbooks/site.yml: discover -> network -> templates -> agent"
playbook "$repo/playbooks/site.yml"

step "playbooks/containers.yml: web on cloudbr0, app1 and app2 on VLAN 100"
playbook "$repo/playbooks/containers.yml"

step "playbooks/containers.yml again: nothing may change"
second=$(playbook "$repo/playbooks/containers.yml")
echo "$second" | sed -n '/PLAY RECAP/,$p'
if ! echo "$second" | grep -Eq 'ovzvm1 +: ok=[0-9]+ +changed=0 .*failed=0'; then
    echo "the second containers.yml run changed something" >&2
    exit 1
fi

step "Summary"
playbook "$demo/summary.yml"

echo
echo "Demo done in $(( $(date +%s) - started )) s. Discovery reports: $run_dir/discovery"
echo "Log in: $python $repo/tests/lab/vm/vmlab.py ssh --dir $run_dir/vm ; remove it: make demo-down"
