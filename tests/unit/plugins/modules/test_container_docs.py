"""The container options are written once, in the doc fragment openvz.cloud.container: the
container module takes them at the top level, containers as the options of each item, with
references to other item options pointing inside the item. Both match the argument spec."""

import re

import pytest
import yaml

from ansible_collections.openvz.cloud.plugins.doc_fragments.container import ModuleDocFragment
from ansible_collections.openvz.cloud.plugins.modules import container, containers
from ansible_collections.openvz.cloud.plugins.module_utils._container.spec import CONTAINER_OPTIONS

SINGLE = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
ITEMS = yaml.safe_load(ModuleDocFragment.ITEMS)
TOP_LEVEL = ('ctid_range', 'lock_file')


def test_each_module_extends_its_variant():
    assert 'openvz.cloud.container' in yaml.safe_load(container.DOCUMENTATION)['extends_documentation_fragment']
    many = yaml.safe_load(containers.DOCUMENTATION)
    assert 'openvz.cloud.container.items' in many['extends_documentation_fragment']
    assert 'suboptions' not in many['options']['containers']


def test_items_take_every_container_option_and_nothing_else():
    assert set(ITEMS['options']['containers']['suboptions']) == set(CONTAINER_OPTIONS)
    assert set(SINGLE['options']) == set(CONTAINER_OPTIONS) | set(TOP_LEVEL)
    assert sorted(ITEMS['options']) == sorted(TOP_LEVEL + ('containers',))


def test_item_references_point_inside_the_item():
    item_docs = yaml.safe_dump(ITEMS['options']['containers'])
    assert 'O(containers[].netifs[].trunk)' in item_docs
    assert 'O(containers[].state=restarted)' in str(ITEMS['attributes']['idempotent']['details'])
    for name in CONTAINER_OPTIONS:
        assert not re.search(r'O\(%s\b' % name, item_docs), name
    # top-level options stay top-level
    assert 'O(vz_conf)' in item_docs and 'O(ctid_range)' in item_docs


@pytest.mark.parametrize('name', sorted(CONTAINER_OPTIONS))
def test_documented_type_matches_the_argument_spec(name):
    for doc in (SINGLE['options'][name], ITEMS['options']['containers']['suboptions'][name]):
        assert doc['type'] == CONTAINER_OPTIONS[name]['type']
        assert doc.get('default') == CONTAINER_OPTIONS[name].get('default')
        assert doc.get('choices') == CONTAINER_OPTIONS[name].get('choices')
