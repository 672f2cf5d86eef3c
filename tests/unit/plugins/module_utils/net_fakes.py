"""Test doubles for the network module_utils: a module with a command table and a fake /sys."""

import os

IP = '/sbin/ip'
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'net')


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


class ModuleFailed(Exception):
    def __init__(self, kwargs):
        super(ModuleFailed, self).__init__(kwargs.get('msg'))
        self.kwargs = kwargs


class FakeModule(object):
    """run_command answers from ``commands`` {argv tuple: (rc, out, err)}; records every call."""

    def __init__(self, commands=None, params=None, check_mode=False, fake_sys=None):
        self.commands = commands or {}
        self.fake_sys = fake_sys
        self.calls = []
        self.data = []
        self.params = params or {}
        self.check_mode = check_mode
        self._diff = False
        self.warnings = []

    def get_bin_path(self, name, required=False, opt_dirs=None):
        return {'ip': IP, 'modprobe': '/sbin/modprobe'}.get(name)

    def run_command(self, argv, data=None, binary_data=False, environ_update=None):
        assert environ_update == {'LC_ALL': 'C', 'LANG': 'C'}
        self.calls.append(list(argv))
        self.data.append(data)
        if self.fake_sys is not None:
            self.fake_sys.apply(argv[1:])
        return self.commands.get(tuple(argv), (0, '', ''))

    def fail_json(self, **kwargs):
        raise ModuleFailed(kwargs)

    def warn(self, text):
        self.warnings.append(text)


class FakeSys(object):
    """A /sys/class/net and /proc/sys/net/ipv6/conf tree under tmp_path."""

    def __init__(self, tmp_path):
        self.net = str(tmp_path / 'sys-class-net')
        self.ipv6 = str(tmp_path / 'ipv6-conf')
        os.makedirs(self.net)
        os.makedirs(self.ipv6)

    def add(self, dev, up=True, ipv6_disabled=False, ports=None):
        os.makedirs(os.path.join(self.net, dev))
        with open(os.path.join(self.net, dev, 'flags'), 'w') as handle:
            handle.write('0x1003\n' if up else '0x1002\n')
        os.makedirs(os.path.join(self.ipv6, dev))
        with open(os.path.join(self.ipv6, dev, 'disable_ipv6'), 'w') as handle:
            handle.write('1\n' if ipv6_disabled else '0\n')
        if ports is not None:
            os.makedirs(os.path.join(self.net, dev, 'brif'))
            for port in ports:
                os.makedirs(os.path.join(self.net, dev, 'brif', port))
        return self

    def apply(self, args):
        """Mirror ``ip link add`` / ``master`` / ``del`` in the fake tree, as the kernel would."""
        if args[:2] == ['link', 'add']:
            name = args[args.index('name') + 1]
            self.add(name, up=False, ports=[] if args[-1] == 'bridge' else None)
        elif args[:2] == ['link', 'set'] and 'master' in args:
            os.makedirs(os.path.join(self.net, args[args.index('master') + 1], 'brif', args[3]))

    def ipv6_value(self, dev):
        with open(os.path.join(self.ipv6, dev, 'disable_ipv6')) as handle:
            return handle.read().strip()
