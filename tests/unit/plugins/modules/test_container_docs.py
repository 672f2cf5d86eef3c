"""The container options are documented once, in the container module: each item option of
containers has the same type, choices and default and points to it; both match the spec."""

import pytest
import yaml

from ansible_collections.openvz.cloud.plugins.modules import container, containers
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import CONTAINER_OPTIONS

SINGLE = yaml.safe_load(container.DOCUMENTATION)['options']
MANY = yaml.safe_load(containers.DOCUMENTATION)['options']['containers']['suboptions']
SHAPE_KEYS = ('type', 'elements', 'choices', 'default', 'required')


def _pairs():
    for name in sorted(CONTAINER_OPTIONS):
        yield name, SINGLE[name], MANY[name]
        for sub in sorted(SINGLE[name].get('suboptions') or {}):
            yield ('%s[].%s' % (name, sub), SINGLE[name]['suboptions'][sub],
                   MANY[name]['suboptions'][sub])


@pytest.mark.parametrize('name, single, many', list(_pairs()))
def test_item_option_points_to_the_one_description(name, single, many):
    assert many['description'] == 'Like O(openvz.cloud.container#module:%s).' % name
    assert dict((key, single.get(key)) for key in SHAPE_KEYS) == \
        dict((key, many.get(key)) for key in SHAPE_KEYS)
    assert single['description'] and 'Like O(' not in str(single['description'])


@pytest.mark.parametrize('name', sorted(CONTAINER_OPTIONS))
def test_documented_type_matches_the_argument_spec(name):
    assert SINGLE[name]['type'] == CONTAINER_OPTIONS[name]['type']
    assert SINGLE[name].get('default') == CONTAINER_OPTIONS[name].get('default')
