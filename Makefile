# Quick start:  make run   (set up .venv, run the workflow on the bundled example)
#               make test  (same set-up, then every check and test)
#               make lock  (after editing the dependencies in pyproject.toml: rewrite requirements/*.txt)
#               make bench (benchmarks at 6 and 100 practices: about 30 minutes on 2 cores; not a test)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV := $(BIN)/uv
# Exact versions with their hashes, for Linux x86-64 and Python 3.11: every run and test uses these.
LOCK := requirements/lock.txt
BUILD_LOCK := requirements/build.txt
LOCK_OPTIONS := --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command 'make lock'
CORES ?= 4
# Debian packages: WeasyPrint's text engine (HarfBuzz subsetting keeps PDFs fast and byte-stable), fonts,
# poppler-utils to look at PDFs as images; SLURM and munge for the local-cluster test.
SYSTEM_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
TEST_SYSTEM_PACKAGES := slurm-wlm munge
CONFIGS := config/config.yaml $(wildcard config/examples/*.yaml)

.PHONY: run test lint dry-run clean-stale bench lock system-packages test-system-packages venv clean

run: venv
	$(BIN)/snakemake --cores $(CORES)

test: venv test-system-packages lint dry-run
	$(BIN)/pytest

lint: venv
	$(BIN)/snakemake --lint
	$(BIN)/snakefmt --check Snakefile workflow/rules

# Each shipped configuration must build its DAG (`snakemake -n` shows the jobs of one).
dry-run: venv
	@for cfg in $(CONFIGS); do \
		$(BIN)/snakemake -n --quiet --configfile $$cfg --replace-workflow-config || exit 1; \
		echo "$$cfg : DAG OK"; \
	done

# Files of the output folder that the configuration no longer produces (make clean-stale DELETE=1 removes them).
CONFIG ?= config/config.yaml
clean-stale: venv
	$(BIN)/python -m assistmed.manifest --config $(CONFIG) $(if $(DELETE),--delete)

# Writes benchmarks/results/*.json and benchmarks/RESULTS.md; scratch directories under /tmp (BENCH_N to choose:
# BENCH_N=1000 needs about 7 to 8 hours of the 2 cores, benchmarks/NOTES.md).
BENCH_N ?= 6 100
bench: venv
	PYTHONPATH=$(CURDIR)/src $(BIN)/python benchmarks/bench.py run --practices $(BENCH_N)

venv: $(STAMP)

# The venv holds exactly the lock (sync removes anything else), then assistmed itself, editable, without
# dependencies, built by the pinned setuptools of requirements/build.txt. Byte-compiled once here: uv does not
# by default, and where PYTHONDONTWRITEBYTECODE is set every job would compile pandas, scipy... again (the
# example's run took 110 s instead of 46 s, benchmarks/RESULTS.md).
$(STAMP): $(LOCK) $(BUILD_LOCK) pyproject.toml $(UV) Makefile | system-packages
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes --compile-bytecode $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --build-constraints $(BUILD_LOCK) \
		--require-build-hashes --compile-bytecode -e .
	touch $@

# uv is pinned by the lock itself; the venv's own pip installs that pin, hash-checked, before anything else.
$(UV): $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { \
		echo "Le verrou requirements/lock.txt est fait pour Python 3.11 / the lock is for Python 3.11:"; \
		echo "  make PYTHON=python3.11 ...  (or, without the locked versions: pip install -e '.[dev]')"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	awk '/^uv==/ {keep = 1; print; next} keep && /^ / {print; next} {keep = 0}' $(LOCK) > $(VENV)/uv.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/uv.txt
	touch $@

# Rewrites the lock from pyproject.toml, keeping every version already locked: a new dependency comes in at
# its newest compatible version, nothing else moves. UPGRADE="pandas scipy" moves those, UPGRADE=all all.
# After a rebase that brings another lock: take main's lock file, then make lock.
lock: $(UV)
	$(UV) pip compile --quiet pyproject.toml --extra dev $(LOCK_OPTIONS) $(UPGRADE_OPTIONS) -o $(LOCK)
	$(UV) pip compile --quiet requirements/build.in $(LOCK_OPTIONS) $(UPGRADE_OPTIONS) -o $(BUILD_LOCK)

UPGRADE_OPTIONS = $(if $(filter all,$(UPGRADE)),--upgrade,$(addprefix --upgrade-package ,$(UPGRADE)))

system-packages:
	@$(call apt_install,$(SYSTEM_PACKAGES))

test-system-packages:
	@$(call apt_install,$(TEST_SYSTEM_PACKAGES))

clean:
	rm -rf results results-* .snakemake

# Install the Debian packages that are missing (as root), or say which ones to install.
define apt_install
missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
	if [ "$$(id -u)" = 0 ]; then \
		echo "apt-get install$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Paquets système manquants / missing system packages:$$missing"; \
		echo "  sudo apt-get install$$missing"; exit 1; \
	fi; \
fi
endef
