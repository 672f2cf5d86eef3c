"""OpenVZ userland emulator (vzctl/vzlist, legacy 4.x flavour) for tests.

See tests/emulator/README.md. Stdlib only; every path lives under the root
prefix given by OPENVZ_EMULATOR_ROOT (default /).
"""
