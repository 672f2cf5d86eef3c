# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenVZ size units (vzctl(8) "Resource limits", ctid.conf(5)).

Suffixes ``K M G T`` are powers of 1024, ``P`` is pages (4096 bytes), ``B`` bytes, any
case, decimals allowed (``2.2G``). ``unlimited`` is LONG_MAX. So ``2G``, ``2048M`` and
``2097152K`` are the same size. Like vzctl's suffix parser (vzctl
src/lib/util.c ``parse_ul_sfx``), a decimal is truncated to a whole unit of what is
stored: ``2.2G`` of DISKSPACE is 2306867 KB (2.2 x 1048576 = 2306867.2). ``--ram`` and
``--swap`` are parsed to whole bytes first and then rounded *up* to 4 KiB pages (vzctl
src/vzctl_param.c ``parse_vswap``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
from decimal import Decimal, ROUND_FLOOR

PAGE_SIZE = 4096
UNLIMITED = 9223372036854775807
# vzctl also treats INT_MAX page counts as "no limit" (vswap detection, section 3.3).
INT_MAX = 2147483647

_MULTIPLIERS = {
    '': None, 'B': 1, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3, 'T': 1024 ** 4, 'P': PAGE_SIZE,
}
_SIZE_RE = re.compile(r'^([0-9]+(?:\.[0-9]+)?)([A-Za-z]?)$')


class UnitError(ValueError):
    """A size the user gave cannot be understood; the message names it."""


def parse_size(value, bare_unit=1, what='size', unit=1):
    """Return a size in whole ``unit``s (bytes by default, truncated) or UNLIMITED.

    ``bare_unit`` is the multiplier of a number without suffix (1 for bytes, 1024 for
    DISKSPACE which counts KB). Negative numbers and unknown suffixes are refused.
    """
    if isinstance(value, bool):
        raise UnitError('Invalid %s %r: expected a size such as 512M or 2G' % (what, value))
    if isinstance(value, int):
        if value < 0:
            raise UnitError('Invalid %s %r: sizes cannot be negative' % (what, value))
        return value * bare_unit // unit
    text = str(value).strip()
    if text.lower() == 'unlimited':
        return UNLIMITED
    match = _SIZE_RE.match(text)
    if not match:
        if text.startswith('-'):
            raise UnitError('Invalid %s %r: sizes cannot be negative' % (what, value))
        raise UnitError(
            'Invalid %s %r: expected a number with an optional suffix K, M, G, T (powers of '
            '1024), P (4096-byte pages) or B (bytes), or "unlimited"' % (what, value))
    number, suffix = match.group(1), match.group(2).upper()
    if suffix not in _MULTIPLIERS:
        raise UnitError(
            'Invalid %s %r: unknown suffix %r (use K, M, G, T, P or B)' % (what, value, suffix))
    multiplier = _MULTIPLIERS[suffix] or bare_unit
    amount = (Decimal(number) * multiplier / unit).to_integral_value(rounding=ROUND_FLOOR)
    return int(amount)


def parse_pages(value, what='size'):
    """A memory size (bare number = bytes) -> pages, rounded up; UNLIMITED stays."""
    size = parse_size(value, what=what)
    return UNLIMITED if size == UNLIMITED else -(-size // PAGE_SIZE)


def pages_to_bytes(pages):
    if pages is None:
        return None
    if pages in (UNLIMITED, INT_MAX):
        return UNLIMITED
    return pages * PAGE_SIZE


def parse_kb(value, what='diskspace'):
    """A DISKSPACE part (bare number = KB) -> whole KB, truncated."""
    return parse_size(value, bare_unit=1024, what=what, unit=1024)


def parse_pair(value, parse_one, what):
    """``soft[:hard]`` -> (soft, hard); one part means both."""
    if isinstance(value, (list, tuple)):
        parts = list(value)
    else:
        parts = str(value).split(':')
    if len(parts) not in (1, 2) or any(str(part).strip() == '' for part in parts):
        raise UnitError('Invalid %s %r: expected <value> or <soft>:<hard>' % (what, value))
    soft = parse_one(parts[0])
    hard = parse_one(parts[-1])
    if hard != UNLIMITED and soft != UNLIMITED and soft > hard:
        raise UnitError('Invalid %s %r: the soft limit is above the hard limit' % (what, value))
    return soft, hard


def parse_count(value, what='count'):
    """A plain non-negative integer (NUM* keys and DISKINODES take no suffix)."""
    text = str(value).strip()
    if text.lower() == 'unlimited':
        return UNLIMITED
    if isinstance(value, bool) or not text.isdigit():
        raise UnitError('Invalid %s %r: expected a non-negative integer' % (what, value))
    return int(text)


def parse_ubc_pages(value):
    """A ``*PAGES`` config value ``barrier[:limit]`` -> (barrier, limit) in pages."""
    def one(part):
        return parse_size(part, bare_unit=PAGE_SIZE, what='page count', unit=PAGE_SIZE)
    return parse_pair(value, one, 'page count')


def format_kb(kb):
    """A KB count (DISKSPACE) in the largest exact unit, or ``unlimited``."""
    return 'unlimited' if kb == UNLIMITED else format_bytes(kb * 1024)


def format_bytes(size):
    """Human form for messages: the largest exact unit (``2G``, ``1536M``, ``100``)."""
    if size == UNLIMITED:
        return 'unlimited'
    for suffix in ('T', 'G', 'M', 'K'):
        unit = _MULTIPLIERS[suffix]
        if size and size % unit == 0:
            return '%d%s' % (size // unit, suffix)
    return str(size)
