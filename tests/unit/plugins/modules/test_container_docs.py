"""The container options are documented once: container's options equal containers' suboptions,
and both equal the argument spec the modules share."""

import re

import pytest
import yaml

from ansible_collections.openvz.cloud.plugins.modules import container, containers
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import CONTAINER_OPTIONS

SINGLE = yaml.safe_load(container.DOCUMENTATION)['options']
MANY = yaml.safe_load(containers.DOCUMENTATION)['options']['containers']['suboptions']


def _normalised(option):
    """Wrapping aside, and with O(containers[].x) read as O(x)."""
    if isinstance(option, dict):
        return dict((key, _normalised(value)) for key, value in option.items())
    if isinstance(option, list):
        return [_normalised(item) for item in option]
    if isinstance(option, str):
        return ' '.join(re.sub(r'O\(containers\[\]\.', 'O(', option).split())
    return option


@pytest.mark.parametrize('name', sorted(CONTAINER_OPTIONS))
def test_option_documented_the_same_in_both_modules(name):
    assert name in SINGLE and name in MANY
    assert _normalised(SINGLE[name]) == _normalised(MANY[name])


@pytest.mark.parametrize('name', sorted(CONTAINER_OPTIONS))
def test_documented_type_matches_the_argument_spec(name):
    assert SINGLE[name]['type'] == CONTAINER_OPTIONS[name]['type']
    assert SINGLE[name].get('default') == CONTAINER_OPTIONS[name].get('default')
