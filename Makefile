# Two commands take a fresh Debian/Ubuntu machine to a working result:
#   make demo   generate a sample batch of Vietnamese scans, ingest it, search it
#   make test   run the test suite
# Both install what they need first (scripts/setup.sh).

export SOHOA_HOME ?= $(CURDIR)/.sohoa
export PREFECT_SERVER_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1
DEMO_DIR = $(SOHOA_HOME)/demo

.PHONY: setup demo test bench clean

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh "$(DEMO_DIR)"

test:
	@SOHOA_BROWSER=1 scripts/setup.sh
	@.venv/bin/python -m pytest -q

bench:
	@SOHOA_EXTRAS=test,bench scripts/setup.sh
	@.venv/bin/python benchmarks/ingest.py --pages 24

clean:
	rm -rf .sohoa
