# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reader and writer for Java properties files (java.util.Properties rules).

CloudStack's template.properties and agent.properties are loaded and stored with
java.util.Properties from byte streams, so bytes are ISO-8859-1 and characters outside
0x20-0x7E are written as \\uXXXX escapes.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

_WHITESPACE = ' \t\f'
_SEPARATORS = '=:'
_READ_ESCAPES = {'t': '\t', 'n': '\n', 'r': '\r', 'f': '\f'}
_WRITE_ESCAPES = {'\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f',
                  '=': '\\=', ':': '\\:', '#': '\\#', '!': '\\!'}


class JavaPropertiesError(ValueError):
    """A properties text that java.util.Properties would refuse (bad \\u escape)."""


def _natural_lines(text):
    """Split on \\n, \\r or \\r\\n as Java's LineReader does."""
    return text.replace('\r\n', '\n').replace('\r', '\n').split('\n')


def _ends_with_continuation(line):
    """True when the line ends with an odd number of backslashes."""
    count = len(line) - len(line.rstrip('\\'))
    return count % 2 == 1


def _logical_lines(text):
    lines = _natural_lines(text)
    index = 0
    while index < len(lines):
        line = lines[index].lstrip(_WHITESPACE)
        index += 1
        if not line or line[0] in '#!':
            continue
        while _ends_with_continuation(line):
            line = line[:-1]
            if index >= len(lines):
                break
            line += lines[index].lstrip(_WHITESPACE)
            index += 1
        yield line


def _unescape(raw):
    out = []
    index = 0
    while index < len(raw):
        char = raw[index]
        index += 1
        if char != '\\':
            out.append(char)
            continue
        if index >= len(raw):
            # A lone trailing backslash at end of input is dropped, as Java does.
            break
        char = raw[index]
        index += 1
        if char == 'u':
            digits = raw[index:index + 4]
            if len(digits) != 4 or any(d not in '0123456789abcdefABCDEF' for d in digits):
                raise JavaPropertiesError('Malformed \\uxxxx encoding: \\u%s' % digits)
            out.append(chr(int(digits, 16)))
            index += 4
        else:
            out.append(_READ_ESCAPES.get(char, char))
    # Join UTF-16 surrogate pairs written as two \\u escapes into one character.
    return ''.join(out).encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'replace')


def _split_key_value(line):
    """Return (raw key, raw value) of one logical line."""
    index = 0
    length = len(line)
    while index < length:
        char = line[index]
        if char == '\\':
            index += 2
            continue
        if char in _SEPARATORS or char in _WHITESPACE:
            break
        index += 1
    key_end = min(index, length)
    rest = line[key_end:].lstrip(_WHITESPACE)
    if rest[:1] in ('=', ':'):
        rest = rest[1:].lstrip(_WHITESPACE)
    return line[:key_end], rest


def loads(data):
    """Parse properties text (str, or bytes read as ISO-8859-1) into a dict.

    Later duplicates win, as with java.util.Properties.
    """
    if isinstance(data, bytes):
        data = data.decode('iso-8859-1')
    result = {}
    for line in _logical_lines(data):
        raw_key, raw_value = _split_key_value(line)
        result[_unescape(raw_key)] = _unescape(raw_value)
    return result


def load_file(path):
    """Read and parse a properties file."""
    with open(path, 'rb') as handle:
        return loads(handle.read())


def _escape(text, escape_all_spaces):
    out = []
    for position, char in enumerate(text):
        if char == ' ':
            out.append('\\ ' if escape_all_spaces or position == 0 else ' ')
        elif char in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) > 0x7e:
            out.append(_unicode_escape(char))
        else:
            out.append(char)
    return ''.join(out)


def _unicode_escape(char):
    code = ord(char)
    if code > 0xffff:
        # Java strings hold UTF-16: astral characters become a surrogate pair.
        code -= 0x10000
        return '\\u%04X\\u%04X' % (0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff))
    return '\\u%04X' % code


def java_date(timestamp=None):
    """Date.toString() form of a UTC timestamp, e.g. 'Tue Nov 24 16:46:38 UTC 2026'."""
    return time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime(timestamp))


def dumps(properties, comments='', timestamp=None):
    """Serialise a mapping as Properties.store() writes it to a byte stream.

    Keys keep the mapping's order. ``comments=None`` omits the first comment line;
    the second line is always the date. Returns ISO-8859-1 bytes.
    """
    lines = []
    if comments is not None:
        for comment_line in _natural_lines(comments):
            lines.append('#' + _escape_comment(comment_line))
    lines.append('#' + java_date(timestamp))
    for key, value in properties.items():
        lines.append('%s=%s' % (_escape(str(key), True), _escape(str(value), False)))
    return ('\n'.join(lines) + '\n').encode('iso-8859-1')


def _escape_comment(text):
    # Store() keeps Latin-1 characters of comments as they are and escapes the rest.
    return ''.join(char if ord(char) <= 0xff else _unicode_escape(char) for char in text)
