# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One validator per kind of value a user gives: names, addresses, text written to configs.

Each raises ``ValueError`` (or the subclass given as ``error``) with a message for the
user and returns the canonical form. No Ansible import.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

# IFNAMSIZ is 16 bytes including the terminating NUL.
IFNAME_MAX = 15
# The suffixes a template cache may carry: legacy (vzctl 4 lib/create.c tries .tar, .tar.gz,
# .tar.bz2, .tar.xz) and EZ caches of OpenVZ 7/9 (.tar.lz4, .tar.lzrw).
LEGACY_CACHE_SUFFIXES = ('.tar', '.tar.gz', '.tar.bz2', '.tar.xz')
TEMPLATE_ARCHIVE_SUFFIXES = LEGACY_CACHE_SUFFIXES + ('.tar.lz4', '.tar.lzrw')

_IFNAME_RE = re.compile(r'^[A-Za-z0-9_.-]+$')
# An OpenVZ 7/9 virtual network name (prlsrvctl net add <net>) as NETIF's network= holds it:
# no NETIF separators (',' ';' '='), no blanks.
_NETWORK_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$')
_TEMPLATE_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._+-]*$')
_MAC_RE = re.compile(r'^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$')
_HOSTNAME_RE = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
                          r'(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$')
# vzctl writes values unescaped into KEY="..." lines that shell scripts source.
_SHELL_UNSAFE = ('"', '`', '$', '\\', '\n', '\r')


def _text(value):
    return value if isinstance(value, str) else str(value)


def ifname(name, what='interface', error=ValueError):
    """A Linux interface name: 1-15 letters, digits, '.', '_', '-'."""
    if not name:
        raise error('The %s name is empty' % what)
    if len(name) > IFNAME_MAX:
        raise error('Invalid %s %r: it is %d characters; Linux interface names are at most %d'
                    % (what, name, len(name), IFNAME_MAX))
    if not _IFNAME_RE.match(name) or name in ('.', '..'):
        raise error("Invalid %s %r: use letters, digits, '.', '_' and '-'" % (what, name))
    return name


def network_name(name, what='network', error=ValueError):
    """An OpenVZ 7/9 virtual network name such as ``Bridged`` or ``vlan100``."""
    if not name or not _NETWORK_RE.match(name):
        raise error("Invalid %s %r: use up to 64 letters, digits, '.', '_', '+' and '-', "
                    "starting with a letter or digit" % (what, name))
    return name


def template_name(name, what='ostemplate', error=ValueError):
    """A template cache name without directory or archive suffix (``centos-7-x86_64``)."""
    if not name or not _TEMPLATE_RE.match(name) or '..' in name:
        raise error("Invalid %s %r: use a template name without '/' or '..' (letters, digits, "
                    "'.', '_', '+', '-', not starting with '.' or '-'), e.g. "
                    "centos-7-x86_64-minimal" % (what, name))
    for suffix in TEMPLATE_ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            raise error("Invalid %s %r: give the name without %s; the suffix follows the "
                        "archive content" % (what, name, suffix))
    return name


def ip_address(value, what='IP address', error=ValueError, prefix='optional'):
    """``address[/prefix]`` in canonical form. ``prefix``: optional, required or refused."""
    text = _text(value).strip()
    address, sep, length = text.partition('/')
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise error('Invalid %s %r' % (what, value))
    if sep and prefix == 'refused':
        raise error('Invalid %s %r: give the address without a prefix' % (what, value))
    if not sep:
        if prefix == 'required':
            raise error('Invalid %s %r: give it with a prefix length, e.g. 198.18.0.10/24'
                        % (what, value))
        return parsed.compressed
    if not length.isdigit() or int(length) > parsed.max_prefixlen:
        raise error('Invalid prefix in %s %r' % (what, value))
    return '%s/%d' % (parsed.compressed, int(length))


def mac_address(value, what='MAC address', error=ValueError):
    """Six hex pairs with colons, upper-cased; empty -> None."""
    if value is None or value == '':
        return None
    if not _MAC_RE.match(value):
        raise error('Invalid %s %r: expected six hex pairs separated by colons, e.g. '
                    '00:18:51:AA:BB:CC' % (what, value))
    return value.upper()


def hostname(value, what='hostname', error=ValueError):
    if not _HOSTNAME_RE.match(_text(value)):
        raise error('Invalid %s %r: use a DNS name (letters, digits, "-", dots); it is passed '
                    'literally, never through a shell' % (what, value))
    return value


def shell_safe(value, what, error=ValueError):
    """Text that vzctl writes unescaped into a config that shell scripts source."""
    for char in _SHELL_UNSAFE:
        if char in value:
            raise error('Invalid %s %r: it must not contain %r, because vzctl writes it '
                        'unescaped into the container config, which shell scripts source'
                        % (what, value, char))
    return value
