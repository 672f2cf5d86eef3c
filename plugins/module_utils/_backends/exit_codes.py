# -*- coding: utf-8 -*-
# Copyright: openvz.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What OpenVZ tools' exit codes mean, per line."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

LOCKED_RC = 9


def _table(rows):
    """{rc: meaning} from lines of ``<rc> <meaning>``, one code a line as vzerror.h lists them."""
    return dict((int(rc), text) for rc, text in (line.split(' ', 1) for line in rows.strip().splitlines()))


# vzctl 4.x exit codes: vzctl(8) "Exit status" and include/vzerror.h.
VZCTL_EXIT_CODES = _table('''
1 UBC setting failed
2 fair-scheduler setting failed
3 system error
5 not an OpenVZ kernel or modules missing
6 not enough resources
7 ENV_CREATE ioctl failed
8 command run by vzctl exec failed
9 container locked
10 vz.conf not found
11 helper script not found
12 permission denied
13 capability setting failed
14 container config file not found
15 vzctl exec timeout
16 suspend error
17 resume error
18 setluid() error
20 invalid syntax
21 invalid value
22 VE_ROOT not set
23 VE_PRIVATE not set
24 TEMPLATE not set
27 not enough parameters
28 UBC parameters missing
29 OS template not specified
31 container not running
32 container running
33 unable to stop the container
34 unable to add IP address
35 validation error
36 overcommit error
40 container not mounted
41 container already mounted
43 private area not found
44 private area already exists
46 not enough disk space
47 broken container (no /sbin/init or /bin/sh)
48 cannot create private area
49 cannot create root area
50 cannot mount
51 cannot unmount
52 cannot delete container
53 private area missing
54 cannot create directory
55 quota limits error
60 vzquota on failed
61 vzquota init failed
62 vzquota setlimit failed
63 DISKSPACE not set
64 DISKINODES not set
65 in-container quota error
66 vzquota off failed
67 ugid quota not initialised
68 quota usage error
70 bad hostname
71 bad IP address
72 bad DNS server
73 bad search domain
74 password change error
77 LOCKDIR not set
78 IP address already in use
79 action script error
82 config copy error
85 invalid config
86 devices error
87 application install error
89 IP address not available
91 OS template not found
99 ploop unsupported
100 container IP not found
104 VE_NETDEV ioctl error
105 container start disabled
106 iptables on a running container
107 distribution config missing
108 distribution script missing
109 applyconfig failed
128 reinstall error
129 meminfo error
130 veth error (includes vznetcfg failure)
131 container name error
133 start wait failed
139 config save error
144 osrelease error
148 IO parameters error
150 ploop image not found
151 cannot create ploop image
152 cannot mount ploop image
153 cannot unmount ploop image
154 cannot resize ploop image
155 cannot convert to ploop
156 cannot create snapshot
157 cannot merge snapshot
158 cannot delete snapshot
159 cannot switch snapshot
160 cannot mount snapshot
161 cannot unmount snapshot
166 cannot compact image
167 cannot list snapshots
''')

# vzctl 7 differs from 4.x here (libvzctl include/vzctl/vzerror.h).
VZCTL7_EXIT_CODES = dict((rc, text) for rc, text in VZCTL_EXIT_CODES.items() if rc not in (129, 131))
VZCTL7_EXIT_CODES.update(_table('''
19 action script error
52 image busy
53 unknown mount type
56 unsupported init
135 meminfo error
137 container name error
140 register error
141 owner error
142 unregister error
146 cpumask error
147 PCI device error
149 nodemask error
231 cannot delete the private area
'''))


def meaning(table, rc):
    return table.get(rc, 'unknown exit code')
