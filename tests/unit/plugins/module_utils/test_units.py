"""Size units: suffixes, pages, KB, unlimited, refusals."""

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import units


@pytest.mark.parametrize('value, expected', [
    ('2G', 2 * 1024 ** 3), ('2048M', 2 * 1024 ** 3), ('2097152K', 2 * 1024 ** 3),
    ('2g', 2 * 1024 ** 3), ('1T', 1024 ** 4), ('10', 10), ('10B', 10), ('3P', 3 * 4096),
    ('2.5K', 2560), ('2.2G', 2362232012), (512, 512), ('unlimited', units.UNLIMITED),
    ('UNLIMITED', units.UNLIMITED), (' 1M ', 1024 ** 2),
])
def test_parse_size(value, expected):
    assert units.parse_size(value) == expected


@pytest.mark.parametrize('value, message', [
    ('12Q', "unknown suffix 'Q'"), ('-1G', 'cannot be negative'), (-5, 'cannot be negative'),
    ('', 'expected a number'), ('1.G', 'expected a number'), ('G', 'expected a number'),
    ('1GB', 'expected a number'), (True, 'expected a size'), ('1 G', 'expected a number'),
])
def test_parse_size_refuses(value, message):
    with pytest.raises(units.UnitError) as info:
        units.parse_size(value, what='ram')
    assert message in str(info.value) and 'ram' in str(info.value)


@pytest.mark.parametrize('value, expected', [
    ('10G', 10485760), ('10485760', 10485760), ('2.2G', 2306867), ('1M', 1024), (1024, 1024),
    ('1000B', 0), ('1.9K', 1), ('unlimited', units.UNLIMITED),
])
def test_parse_kb(value, expected):
    assert units.parse_kb(value) == expected


@pytest.mark.parametrize('value, pages', [('0', 0), ('1', 1), ('4096', 1), ('4097', 2),
                                          ('512M', 131072), ('1.5P', 2), ('2.2G', 576717),
                                          ('unlimited', units.UNLIMITED)])
def test_parse_pages_rounds_whole_bytes_up_like_vzctl(value, pages):
    assert units.parse_pages(value) == pages


@pytest.mark.parametrize('pages, size', [(None, None), (262144, 1024 ** 3),
                                         (units.UNLIMITED, units.UNLIMITED),
                                         (units.INT_MAX, units.UNLIMITED)])
def test_pages_to_bytes(pages, size):
    assert units.pages_to_bytes(pages) == size


@pytest.mark.parametrize('value, expected', [
    ('0:256M', (0, 65536)), ('262144', (262144, 262144)), ('1G:unlimited', (262144, units.UNLIMITED)),
    ('0:131072', (0, 131072)),
])
def test_parse_ubc_pages(value, expected):
    assert units.parse_ubc_pages(value) == expected


@pytest.mark.parametrize('value, expected', [('10G', (10485760, 10485760)),
                                             ('2G:3G', (2097152, 3145728)),
                                             ('2G:unlimited', (2097152, units.UNLIMITED))])
def test_parse_pair(value, expected):
    assert units.parse_pair(value, units.parse_kb, 'diskspace') == expected


@pytest.mark.parametrize('value', ['3G:2G', '1:2:3', ':5', '5:'])
def test_parse_pair_refuses(value):
    with pytest.raises(units.UnitError):
        units.parse_pair(value, units.parse_kb, 'diskspace')


@pytest.mark.parametrize('value, expected', [('200000', 200000), (5, 5), ('unlimited', units.UNLIMITED)])
def test_parse_count(value, expected):
    assert units.parse_count(value) == expected


@pytest.mark.parametrize('value', ['10K', '-1', '1.5', True])
def test_parse_count_refuses(value):
    with pytest.raises(units.UnitError):
        units.parse_count(value)


@pytest.mark.parametrize('size, text', [(1024 ** 3, '1G'), (1536 * 1024 ** 2, '1536M'), (100, '100'),
                                        (0, '0'), (units.UNLIMITED, 'unlimited'), (4096, '4K')])
def test_format_bytes(size, text):
    assert units.format_bytes(size) == text
