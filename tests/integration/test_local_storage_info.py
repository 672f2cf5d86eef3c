"""openvz.cloud.local_storage_info on the lab hosts: stable uuid, nothing written, real numbers."""

import os

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO, 'tests', 'integration', 'targets', 'local_storage_info', 'main.yml')


def test_local_storage_info_on_lab_hosts(lab):
    listings = dict((host.name, lab.exec(host.name, ['ls', '-laR', '--time-style=full-iso', '/vz/template']).stdout)
                    for host in lab.hosts)
    result = lab.run_playbook(PLAYBOOK)
    assert result.rc == 0, str(result)
    again = lab.run_playbook(PLAYBOOK)
    assert again.rc == 0, str(again)
    first = result.task_results('Read the local storage')
    second = again.task_results('Read the local storage')
    for host in lab.hosts:
        storage = first[host.name]['storage']
        assert second[host.name]['storage']['uuid'] == storage['uuid']
        blocks, block_size = lab.exec(host.name, ['stat', '-f', '-c', '%b %S', '/vz']).stdout.split()
        assert storage['capacity_bytes'] == int(blocks) * int(block_size)
        cache = lab.exec(host.name, ['find', '/vz/template/cache', '-maxdepth', '1', '-type', 'f',
                                     '!', '-name', '.*', '-printf', '%s\n']).stdout.split()
        assert storage['template_cache_bytes'] == sum(int(size) for size in cache)
        assert storage['template_count'] == len(cache)
        # Nothing was written beside or inside the template cache.
        assert lab.exec(host.name, ['ls', '-laR', '--time-style=full-iso', '/vz/template']).stdout == listings[host.name]
