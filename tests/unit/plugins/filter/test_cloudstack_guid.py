"""The cloudstack_guid filter agrees with Java's UUID.nameUUIDFromBytes and with host_info."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.openvz.cloud.plugins.filter.cloudstack_guid import FilterModule
from ansible_collections.openvz.cloud.plugins.module_utils._host.facts import cloudstack_guid

GUID = FilterModule().filters()['cloudstack_guid']


def test_matches_java_name_uuid_from_bytes():
    # Printed by OpenJDK 17: UUID.nameUUIDFromBytes("198.18.0.11".getBytes())
    assert GUID('198.18.0.11') == '7406e792-1d29-3ae8-b326-d1cb5b2b19f8'
    assert GUID('198.18.0.11') == cloudstack_guid('198.18.0.11')


def test_differs_per_address_and_ignores_surrounding_space():
    assert GUID('198.18.0.11') != GUID('198.18.0.12')
    assert GUID(' 198.18.0.11\n') == GUID('198.18.0.11')


@pytest.mark.parametrize('address', ['', '   ', None])
def test_empty_address_is_refused(address):
    with pytest.raises(AnsibleFilterError, match='non-empty address'):
        GUID(address if address is not None else '')
