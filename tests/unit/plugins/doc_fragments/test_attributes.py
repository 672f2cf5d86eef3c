"""The attribute variants are the base declaration with their support levels; a module lists
one variant and gets every attribute with its description."""

import yaml

from ansible_collections.openvz.cloud.plugins.doc_fragments.attributes import ModuleDocFragment

BASE = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['attributes']


def _attributes(variant):
    return yaml.safe_load(getattr(ModuleDocFragment, variant))['attributes']


def test_variants_keep_every_description():
    for variant in ('CHANGES', 'INFO_MODULE'):
        attributes = _attributes(variant)
        assert sorted(attributes) == sorted(BASE)
        for name, base in BASE.items():
            assert attributes[name]['description'] == base['description']


def test_support_levels():
    changes, info = _attributes('CHANGES'), _attributes('INFO_MODULE')
    assert [changes[name]['support'] for name in ('check_mode', 'diff_mode', 'idempotent')] == ['full'] * 3
    assert [info[name]['support'] for name in ('check_mode', 'diff_mode', 'idempotent')] == ['full', 'N/A', 'full']
    assert info['diff_mode']['details'] == ['This action does not modify state.']
    assert 'support' not in BASE['check_mode']
