"""Value syntax of OpenVZ configs: UBC barrier:limit, disk quotas, sizes (section 4.3/4.4)."""

import math
import re
from fractions import Fraction

LONG_MAX = 9223372036854775807
PAGE_SIZE = 4096
_MULTIPLIERS = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
_NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)?)([KMGTPBkmgtpb]?)$")

# UBC key -> native unit: pages, bytes or count (counts take no suffix)
UBC_KINDS = (
    ("KMEMSIZE", "bytes"), ("LOCKEDPAGES", "pages"), ("PRIVVMPAGES", "pages"),
    ("SHMPAGES", "pages"), ("NUMPROC", "count"), ("PHYSPAGES", "pages"),
    ("VMGUARPAGES", "pages"), ("OOMGUARPAGES", "pages"), ("NUMTCPSOCK", "count"),
    ("NUMFLOCK", "count"), ("NUMPTY", "count"), ("NUMSIGINFO", "count"),
    ("TCPSNDBUF", "bytes"), ("TCPRCVBUF", "bytes"), ("OTHERSOCKBUF", "bytes"),
    ("DGRAMRCVBUF", "bytes"), ("NUMOTHERSOCK", "count"), ("DCACHESIZE", "bytes"),
    ("NUMFILE", "count"), ("NUMIPTENT", "count"), ("SWAPPAGES", "pages"),
    ("AVNUMPROC", "count"),
)
UBC_KIND = dict(UBC_KINDS)
UBC_KEYS = tuple(key for key, _kind in UBC_KINDS)
UBC_ALIASES = {"DCACHE": "DCACHESIZE", "IPTENTRIES": "NUMIPTENT"}


class UnitError(ValueError):
    """A value does not follow the OpenVZ number syntax."""


def _clamp(value):
    return min(int(value), LONG_MAX)


def _number_and_suffix(text):
    match = _NUMBER_RE.match(text)
    if not match:
        raise UnitError(text)
    return Fraction(match.group(1)), match.group(2).upper()


def parse_ubc_part(text, kind):
    """One barrier or limit in native units (pages, bytes or count)."""
    text = text.strip()
    if text.lower() == "unlimited":
        return LONG_MAX
    number, suffix = _number_and_suffix(text)
    if kind == "count" or not suffix:
        if suffix or number.denominator != 1:
            raise UnitError(text)
        return _clamp(number)
    if suffix == "P":
        size_bytes = number * PAGE_SIZE
    elif suffix == "B":
        size_bytes = number
    else:
        size_bytes = number * _MULTIPLIERS[suffix]
    # vzctl's suffix parser computes value * multiplier / divisor and truncates
    if kind == "pages":
        return _clamp(math.floor(size_bytes / PAGE_SIZE))
    return _clamp(math.floor(size_bytes))


def parse_barrier_limit(text, kind):
    """'barrier[:limit]' -> (barrier, limit); one part means both."""
    return parse_soft_hard(text, lambda part: parse_ubc_part(part, kind))


def format_number(value):
    return "unlimited" if value >= LONG_MAX else str(value)


def format_barrier_limit(barrier, limit):
    """As set --save writes it: one number when both parts are equal."""
    if barrier == limit:
        return format_number(barrier)
    return "%s:%s" % (format_number(barrier), format_number(limit))


def parse_size_bytes(text):
    """--ram/--swap value: bytes with an optional K/M/G/T/P/B suffix (decimals
    truncated); callers round up to whole pages with bytes_to_pages()."""
    return parse_ubc_part(text, "bytes")


def bytes_to_pages(size_bytes):
    if size_bytes >= LONG_MAX:
        return LONG_MAX
    return -(-size_bytes // PAGE_SIZE)


def parse_disk_part(text):
    """DISKSPACE part in KB; suffixes K/M/G/T convert to KB, B from bytes."""
    text = text.strip()
    if text.lower() == "unlimited":
        return LONG_MAX
    number, suffix = _number_and_suffix(text)
    if suffix == "P":
        raise UnitError(text)
    if not suffix or suffix == "K":
        kilobytes = number
    elif suffix == "B":
        kilobytes = number / 1024
    else:
        kilobytes = number * _MULTIPLIERS[suffix] / 1024
    return _clamp(math.floor(kilobytes))  # truncated, as vzctl does: 2.2G -> 2306867


def parse_soft_hard(text, part_parser):
    parts = text.split(":")
    if len(parts) > 2 or not parts[0]:
        raise UnitError(text)
    soft = part_parser(parts[0])
    hard = part_parser(parts[1]) if len(parts) == 2 else soft
    return soft, hard


def parse_diskspace(text):
    return parse_soft_hard(text, parse_disk_part)


def parse_inodes_part(text):
    text = text.strip()
    if text.lower() == "unlimited":
        return LONG_MAX
    if not text.isdigit():
        raise UnitError(text)
    return _clamp(int(text))


def parse_diskinodes(text):
    return parse_soft_hard(text, parse_inodes_part)


def format_soft_hard(soft, hard):
    """DISKSPACE/DISKINODES are always written as two numbers."""
    return "%s:%s" % (format_number(soft), format_number(hard))
