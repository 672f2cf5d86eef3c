# openvz.cloud - every target does its own set-up on a fresh Debian machine (as root).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SANITY_VENV := .venv-sanity
# The oldest supported controller (ansible-core 2.16, which still manages Python 3.6 hosts)
VENV_216 := .venv-2.16
BIN := $(VENV)/bin
LAB_DIR ?= build/lab
LAB_HOSTS ?= 2
# emulator flavour of the lab hosts: legacy or vz7; LAB_FLAVOURS=legacy,vz7 mixes them
LAB_FLAVOUR ?= legacy
LAB_FLAVOURS ?= $(LAB_FLAVOUR)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/build/collections
export ANSIBLE_HOST_KEY_CHECKING := False

.PHONY: help deps venv sanity-venv venv-2.16 collection-link unit compat sanity lint docs integration test \
        lab lab-down demo demo-down bench clean

help:
	@echo "make test   - everything CI runs: py3.6 compat, unit + packaging + emulator tests, sanity, lint, docs, integration"
	@echo "make demo   - a lab VM hypervisor + NFS secondary storage, site.yml end to end, containers, a summary"
	@echo "make demo-down - remove the demo lab"
	@echo "make lab / make lab-down - lab hypervisor hosts (LAB_HOSTS=$(LAB_HOSTS), LAB_DIR=$(LAB_DIR), LAB_FLAVOURS=$(LAB_FLAVOURS))"
	@echo "make bench  - benchmarks (prints a table with ratios)"

deps:
	./scripts/install-debian-deps.sh
	./scripts/install-vm-deps.sh

$(BIN)/.installed: requirements/test.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements/test.txt
	touch $@

$(SANITY_VENV)/bin/.installed: requirements/sanity.txt
	test -x $(SANITY_VENV)/bin/python || $(PYTHON) -m venv $(SANITY_VENV)
	$(SANITY_VENV)/bin/pip install -q -r requirements/sanity.txt
	touch $@

$(VENV_216)/bin/.installed: requirements/controller-2.16.txt
	test -x $(VENV_216)/bin/python || $(PYTHON) -m venv $(VENV_216)
	$(VENV_216)/bin/pip install -q -r requirements/controller-2.16.txt
	touch $@

venv: $(BIN)/.installed
sanity-venv: $(SANITY_VENV)/bin/.installed
venv-2.16: $(VENV_216)/bin/.installed

collection-link: venv
	$(BIN)/python -c 'import sys; sys.path.insert(0, "tests"); from collection_path import ensure_collection_link; ensure_collection_link()'

# Modules and module_utils run on the hosts' Python (3.6 on CentOS 7 based OpenVZ 7).
compat: venv
	@files=$$(find plugins/modules plugins/module_utils -name '*.py'); \
	if [ -n "$$files" ]; then $(BIN)/vermin --no-tips --violations --target=3.6- $$files; \
	else echo "compat: no module code yet"; fi

# The emulator's conformance tests are their own suite (its test module names repeat the unit tests').
# Controller plugins (filters) import ansible's controller code, which takes module warnings
# out of the module result: they get their own session too. The connection plugin's tests load
# it through ansible's plugin loader, which must set up the collection finder itself: another session.
unit: deps venv collection-link
	$(BIN)/python -m pytest -q tests/unit tests/packaging --ignore=tests/unit/plugins/filter --ignore=tests/unit/plugins/connection
	$(BIN)/python -m pytest -q tests/unit/plugins/filter
	$(BIN)/python -m pytest -q tests/unit/plugins/connection
	$(BIN)/python -m pytest -q tests/emulator/tests

sanity: deps sanity-venv
	./scripts/sanity.sh

# ansible-lint over the whole collection (.ansible-lint leaves out only what is built), and
# the changelog fragments and changelog.yaml.
lint: venv collection-link
	$(BIN)/ansible-lint
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# The docs as the docsite renders them: docs/docsite (extra docs, links) and every plugin's
# and role's documentation (antsibull-docs runs ansible-doc from the venv).
docs: venv collection-link
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .

# The molecule scenarios, the mixed legacy + OpenVZ 7 lab and the demo run in a second
# session: the first one's shared lab is gone by then (lab names are machine-wide), and its
# lab VM no longer takes CPU from the demo's two (TCG) VMs.
SECOND_SESSION := tests/integration/test_molecule.py tests/integration/mixed tests/integration/test_demo.py
# The mixed lab's controller-side tests (the host role on both lines, the inventory and
# connection plugins) run again on the oldest supported controller, ansible-core 2.16. The
# host role's two-line converge runs there only: molecule's host scenario converges the same
# mixed lab on the current controller.
CONTROLLER_216 := $(addprefix tests/integration/mixed/,test_host_role_lines.py test_inventory_plugin.py test_connection_plugin.py)
integration: deps venv venv-2.16 collection-link
	OPENVZ_CLOUD_VM_REQUIRED=1 $(BIN)/python -m pytest -q --durations=12 tests/integration $(addprefix --ignore=,$(SECOND_SESSION))
	OPENVZ_CLOUD_VM_REQUIRED=1 $(BIN)/python -m pytest -q --durations=12 $(SECOND_SESSION) --ignore=tests/integration/mixed/test_host_role_lines.py
	$(VENV_216)/bin/python -m pytest -q --durations=5 -p no:cacheprovider $(CONTROLLER_216)

test: compat unit sanity lint docs integration

lab: deps venv collection-link
	$(BIN)/python tests/lab/labctl.py up --hosts $(LAB_HOSTS) --dir $(LAB_DIR) --flavours $(LAB_FLAVOURS)

lab-down: venv
	$(BIN)/python tests/lab/labctl.py down --dir $(LAB_DIR)

demo: deps venv collection-link
	./scripts/demo.sh up

demo-down: venv
	./scripts/demo.sh down

bench: deps venv collection-link
	$(BIN)/python benchmarks/run.py

clean: lab-down demo-down
	rm -rf build
