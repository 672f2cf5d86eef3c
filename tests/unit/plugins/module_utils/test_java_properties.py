"""java_properties: java.util.Properties load/store rules (Properties.load(InputStream), store())."""

import os
import shutil
import subprocess

import pytest

from ansible_collections.openvz.cloud.plugins.module_utils import java_properties as jp

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'cloudstack')


def test_template_properties_as_cloudstack_writes_it():
    props = jp.load_file(os.path.join(FIXTURES, 'template.properties'))
    assert props['filename'] == '6f1c0a3e-52b4-4e58-9d61-5f8d0b6f3b4e.tar'
    assert props['tar'] == 'true' and props['tar.size'] == '104857600'
    assert props['description'] == 'CentOS 7 x86_64 minimal : OpenVZ'
    assert props['checksum'] == ''
    assert len(props) == 13


def agent_properties_crlf_latin1():
    """The agent.properties fixture with CRLF line ends and a raw ISO-8859-1 byte added."""
    with open(os.path.join(FIXTURES, 'agent.properties'), 'rb') as handle:
        return handle.read().replace(b'\n', b'\r\n') + b'name=caf\xe9\r\n'


def test_agent_properties_crlf_comments_continuations_and_latin1():
    props = jp.loads(agent_properties_crlf_latin1())
    assert props == {
        'guid': 'a3f7f538-daf4-3615-84d9-5a8ec0f09091',
        'host': '198.18.0.10,198.18.0.11',
        'zone': '1',
        'description': 'multi line value',
        'key with spaces': 'v',
        'unicode': u'caf\u00e9',
        'empty': '',
        'latin1': '',
        'name': u'caf\u00e9',
    }


LOAD_CASES = [
    ('a=b', {'a': 'b'}),
    ('a = b ', {'a': 'b '}),
    ('a:b', {'a': 'b'}),
    ('a b', {'a': 'b'}),
    ('a  =  = b', {'a': '= b'}),
    ('a==b', {'a': '=b'}),
    ('a\\=b=c', {'a=b': 'c'}),
    ('a\\:b:c', {'a:b': 'c'}),
    ('\\ lead=x', {' lead': 'x'}),
    ('a=\\ lead', {'a': ' lead'}),
    ('a=\\t\\n\\r\\f', {'a': '\t\n\r\f'}),
    ('a=\\q\\z', {'a': 'qz'}),
    ('a=\\u0041\\u00e9', {'a': u'A\u00e9'}),
    ('a=\\uD83D\\uDE00', {'a': u'\U0001F600'}),
    ('a=b\\\\', {'a': 'b\\'}),
    ('a=b\\\\\\\n  c', {'a': 'b\\c'}),
    ('a=1\na=2', {'a': '2'}),
    ('# c=d\n! e=f\n   # g=h\n\n  \n', {}),
    ('#comment \\\nx=y', {'x': 'y'}),
    ('a=b\\\n', {'a': 'b'}),
    ('key', {'key': ''}),
    ('a=b\rc=d', {'a': 'b', 'c': 'd'}),
]


@pytest.mark.parametrize('text, expected', LOAD_CASES)
def test_loads_rules(text, expected):
    assert jp.loads(text) == expected


# Loads every case with the JDK's own java.util.Properties and prints key/value code points.
JAVA_LOADER = '''
import java.io.*; import java.nio.file.*; import java.util.*;
public class Load {
  static String hex(String s) { StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) b.append(String.format("%04x,", (int) c)); return b.toString(); }
  public static void main(String[] args) throws Exception {
    for (String name : args) { Properties p = new Properties();
      try (InputStream in = new FileInputStream(name)) { p.load(in); }
      TreeMap<String, String> sorted = new TreeMap<>();
      for (String k : p.stringPropertyNames()) sorted.put(hex(k), hex(p.getProperty(k)));
      System.out.println(name + " " + sorted); } } }
'''


def _java_hex(text):
    """UTF-16 code units of a string as the Java loader prints them."""
    data = text.encode('utf-16-be', 'surrogatepass')
    return ''.join('%04x,' % int.from_bytes(data[i:i + 2], 'big') for i in range(0, len(data), 2))


@pytest.mark.skipif(shutil.which('java') is None, reason='no JDK to compare with')
def test_loads_agrees_with_the_jdk(tmp_path):
    cases = [case[0] for case in LOAD_CASES]
    with open(os.path.join(FIXTURES, 'template.properties'), 'rb') as handle:
        cases.append(handle.read().decode('iso-8859-1'))
    cases.append(agent_properties_crlf_latin1().decode('iso-8859-1'))
    names = []
    for index, text in enumerate(cases):
        path = tmp_path / ('case%d.properties' % index)
        path.write_bytes(text.encode('iso-8859-1'))
        names.append(str(path))
    (tmp_path / 'Load.java').write_text(JAVA_LOADER)
    out = subprocess.check_output(['java', str(tmp_path / 'Load.java')] + names, universal_newlines=True)
    java_results = dict(line.split(' ', 1) for line in out.splitlines())
    for name, text in zip(names, cases):
        ours = sorted((_java_hex(key), _java_hex(value)) for key, value in jp.loads(text.encode('iso-8859-1')).items())
        assert java_results[name] == '{' + ', '.join('%s=%s' % pair for pair in ours) + '}', text


def test_loads_bytes_are_iso_8859_1():
    assert jp.loads(b'a=\xe9\xff') == {'a': u'\u00e9\u00ff'}


def test_malformed_unicode_escape_is_refused():
    with pytest.raises(jp.JavaPropertiesError):
        jp.loads('a=\\u12G4')
    with pytest.raises(jp.JavaPropertiesError):
        jp.loads('a=\\u12')


def test_dumps_header_and_escapes():
    data = jp.dumps({'a b': ' x y=z:#!', 'tab\t': u'\u00e9\n\U0001F600'}, timestamp=0)
    assert data == (b'#\n#Thu Jan 01 00:00:00 UTC 1970\n'
                    b'a\\ b=\\ x y\\=z\\:\\#\\!\n'
                    b'tab\\t=\\u00E9\\n\\uD83D\\uDE00\n')


def test_dumps_comment_options():
    assert jp.dumps({}, comments=None, timestamp=0) == b'#Thu Jan 01 00:00:00 UTC 1970\n'
    assert jp.dumps({}, comments=u'one\ntwo \u20ac', timestamp=0) == \
        b'#one\n#two \\u20AC\n#Thu Jan 01 00:00:00 UTC 1970\n'


@pytest.mark.parametrize('mapping', [
    {'plain': 'value', 'empty': ''},
    {' spaced key ': ' spaced value ', '=:#!': '=:#!\\'},
    {'unicode': u'\u00e9\u4e2d\U0001F600', 'controls': '\t\n\r\f\x01'},
])
def test_round_trip(mapping):
    assert jp.loads(jp.dumps(mapping)) == mapping


def test_java_date():
    assert jp.java_date(1795020398) == 'Wed Nov 18 16:46:38 UTC 2026'
