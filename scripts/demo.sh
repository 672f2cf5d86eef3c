#!/usr/bin/env bash
# make demo: two full-kernel lab VMs as OpenVZ hypervisor hosts of both lines in one
# inventory, one cluster each (homogeneity forbids mixing them in one): ovzvm1 a legacy host
# (vzctl 4 from the emulator), ovzvm2 an OpenVZ 7 host (prlctl, ploop, EZ caches), systemd
# for the agent, linked by a second NIC (eth1: storage network and VLAN trunk); kernel nfsd
# on the first serves a CloudStack secondary storage export with a precreated cache and an
# EZ cache; a test management server listens on this machine's loopback. Then
# playbooks/site.yml end to end, containers on the untagged cloudbr0 and on VLAN 100 on both
# hosts (converged twice: the second run must change nothing), and a summary. The VMs stay up for a look around;
# `make demo-down` (scripts/demo.sh down) removes them.
#   scripts/demo.sh [up|down] [RUN_DIR]     (RUN_DIR defaults to build/demo)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
action=${1:-up}
run_dir=$(realpath -m "${2:-$repo/build/demo}")
python=${PYTHON:-$repo/.venv/bin/python}
bin=$(dirname "$python")
demo="$repo/tests/lab/demo"

hosts=(ovzvm1 ovzvm2)

down() {
    local host
    for host in "${hosts[@]}"; do
        "$python" "$repo/tests/lab/vm/vmlab.py" down --dir "$run_dir/$host" >/dev/null 2>&1 || true
    done
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
        -e "openvz_demo_dir=$run_dir" -e "openvz_demo_template_sha256=$template_sha256" \
        -e "openvz_demo_ez_template_sha256=$ez_template_sha256" "$@"
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
# the same tree as the OpenVZ 7 EZ cache of ploop containers, gzip compressed (vztt's
# archiver=gz; the lab VM has no lz4 tool to unpack vztt's default lz4)
"$python" "$repo/tests/emulator/templates/build_busybox_template.py" "$run_dir/templates" \
    --name busybox-1.35-x86_64.plain.ploopv2 >/dev/null
ez_template_sha256=$(sha256sum "$run_dir/templates/busybox-1.35-x86_64.plain.ploopv2.tar.gz" | cut -d' ' -f1)
"$python" "$repo/tests/agent_standin/build_deb.py" --output "$run_dir/packages"

step "Management server: a listener on loopback (the VM reaches it as 10.0.2.100:8250)"
port=$("$python" "$repo/tests/agent_standin/mgmt_listener.py" --listen 127.0.0.1:0 \
    --record "$run_dir/listener/received.jsonl" --lifetime 7200 --daemon --pidfile "$run_dir/listener/listener.pid")
echo "listening on 127.0.0.1:$port"

step "Hypervisor hosts: two full-kernel lab VMs with the OpenVZ emulator, eth1 linking them"
# eth1 of each VM is one end of a point-to-point UDP tunnel on this machine's loopback.
read -r link_a link_b < <("$python" -c '
import socket
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for sock in socks:
    sock.bind(("127.0.0.1", 0))
print(" ".join(str(sock.getsockname()[1]) for sock in socks))')
boot() {  # name, local UDP port, remote UDP port, emulator flavour
    "$python" "$repo/tests/lab/vm/vmlab.py" up --dir "$run_dir/$1" --name "$1" --cpus 1 --flavour "$4" \
        --netdev-opt "guestfwd=tcp:10.0.2.100:8250-tcp:127.0.0.1:$port" \
        --nic "socket,udp=127.0.0.1:$3,localaddr=127.0.0.1:$2" > "$run_dir/$1.up.log" 2>&1
}
"$python" "$repo/tests/lab/vm/vmlab.py" build >/dev/null  # once, before two boots share the cache
boot ovzvm1 "$link_a" "$link_b" legacy & boot_1=$!
boot ovzvm2 "$link_b" "$link_a" vz7 & boot_2=$!
failed=0
wait "$boot_1" || failed=1
wait "$boot_2" || failed=1
cat "$run_dir/ovzvm1.up.log" "$run_dir/ovzvm2.up.log"
[ "$failed" = 0 ] || { echo "a lab VM did not come up" >&2; exit 1; }
{
    echo "[cluster_legacy]"
    grep -hv '^\[' "$run_dir/ovzvm1/inventory.ini" | sed 's/$/ openvz_demo_link_address=198.18.1.1/'
    echo "[cluster_vz7]"
    grep -hv '^\[' "$run_dir/ovzvm2/inventory.ini" | sed 's/$/ openvz_demo_link_address=198.18.1.2/'
    printf '[hypervisors:children]\ncluster_legacy\ncluster_vz7\n'
} > "$run_dir/inventory.ini"

step "Lab set-up: storage addresses on eth1, NFS export of the secondary storage (tests/lab/demo/prepare.yml)"
playbook "$demo/prepare.yml"

step "playbooks/site.yml: discover -> network -> templates -> agent"
playbook "$repo/playbooks/site.yml"

step "playbooks/containers.yml: web1 and web2 on cloudbr0, app1 (ovzvm1) and app2 (ovzvm2) on VLAN 100"
playbook "$repo/playbooks/containers.yml"

step "playbooks/containers.yml again: nothing may change"
if ! second=$(playbook "$repo/playbooks/containers.yml"); then
    echo "$second"
    exit 1
fi
echo "$second" | sed -n '/PLAY RECAP/,$p'
if [ "$(echo "$second" | grep -Ec 'ovzvm[12] +: ok=[0-9]+ +changed=0 .*failed=0')" != 2 ]; then
    echo "$second"
    echo "the second containers.yml run changed something" >&2
    exit 1
fi

step "Summary"
playbook "$demo/summary.yml"

echo
echo "Demo done in $(( $(date +%s) - started )) s. Discovery reports: $run_dir/discovery"
echo "Log in: $python $repo/tests/lab/vm/vmlab.py ssh --dir $run_dir/ovzvm1 (or ovzvm2); remove them: make demo-down"
