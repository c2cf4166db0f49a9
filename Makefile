# Quick start:  make run   (set up .venv, run the workflow on the bundled example)
#               make test  (same set-up, then every check and test)
#               make bench (benchmarks at 6, 100 and 1,000 practices: 1.5 to 2 hours on 2 cores; not a test)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORES ?= 4
# Debian packages: WeasyPrint's text engine (HarfBuzz subsetting keeps PDFs fast and byte-stable), fonts,
# poppler-utils to look at PDFs as images; SLURM and munge for the local-cluster test.
SYSTEM_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils
TEST_SYSTEM_PACKAGES := slurm-wlm munge
CONFIGS := config/config.yaml $(wildcard config/examples/*.yaml)

.PHONY: run test lint dry-run clean-stale bench system-packages test-system-packages venv clean

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

# Writes benchmarks/results/*.json and benchmarks/RESULTS.md; scratch directories under /tmp (BENCH_N to choose).
BENCH_N ?= 6 100 1000
bench: venv
	PYTHONPATH=$(CURDIR)/src $(BIN)/python benchmarks/bench.py run --practices $(BENCH_N)

venv: $(STAMP)

$(STAMP): pyproject.toml | system-packages
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

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
