"""openvz.cloud.host_info on the lab hosts, cross-checked with what the hosts show."""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))

from collection_path import ensure_collection_link  # noqa: E402  pylint: disable=wrong-import-position

sys.path.insert(0, ensure_collection_link())

from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import cloudstack_guid  # noqa: E402

PLAYBOOK = os.path.join(REPO, 'tests', 'integration', 'targets', 'host_info', 'main.yml')


def test_host_info_on_lab_hosts(lab):
    result = lab.run_playbook(PLAYBOOK)
    assert result.rc == 0, str(result)
    facts = result.task_results('Gather the host facts')
    for host in lab.hosts:
        report = facts[host.name]['host']
        private = report['private']
        # The lab's management network is eth0; the management server would add the host by this address.
        assert private['ip'] == host.address
        assert report['guid'] == cloudstack_guid(host.address)
        assert private['mac'] == lab.exec(host.name, ['cat', '/sys/class/net/eth0/address']).stdout.strip()
        vzlist = lab.exec(host.name, ['vzlist', '-a', '-1']).stdout
        assert report['container_count'] == len(vzlist.split())
        version = lab.exec(host.name, ['vzctl', '--version']).stdout
        assert report['hypervisor']['vzctl_version'] in version
        assert report['hypervisor']['evidence']['vzctl'] and report['hypervisor']['evidence']['vzlist']
        bridge = [entry for entry in report['bridges'] if entry['name'] == 'vmbr0'][0]
        ports = lab.exec(host.name, ['ls', '/sys/class/net/vmbr0/brif']).stdout.split()
        assert sorted(bridge['ports']) == sorted(ports)


def test_guid_address_option(lab):
    result = lab.run_adhoc('hypervisors', 'openvz.cloud.host_info', 'guid_address=192.168.42.11 gather_bridges=false')
    assert result.rc == 0, str(result)
    for host in lab.hosts:
        host_result = result.tasks()[-1]['hosts'][host.name]
        assert host_result['host']['guid'] == 'a3f7f538-daf4-3615-84d9-5a8ec0f09091'
