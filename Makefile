# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test coverage lighthouse install lint audit browser bench drills clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Klearmind needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@PY=$(PY) bash scripts/serve-dev.sh $(HOST) $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit --quiet --configfile pyproject.toml --recursive klearmind
	$(VENV)/bin/lint-imports --no-cache --no-logo

# Known vulnerabilities in the installed packages; needs to reach the vulnerability database.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --local --skip-editable

browser:
	@bash scripts/ensure-browser.sh

test: $(STAMP) browser lint
	@bash scripts/run-tests.sh $(PY)

# The SQLite suite with branch coverage ([tool.coverage] in pyproject.toml); apart from
# `make test`, as measuring slows every test by about a third.
coverage: $(STAMP) browser
	DATABASE_URL= REDIS_URL= $(PY) -m pytest --cov --cov-report=term

# `make bench`: the public pages under load. `make bench BENCH_SCALE=large`: every staff screen
# and periodic job on a small and a large clinic (bench/README.md, "Years of data").
BENCH_SCALE ?=
bench: $(STAMP)
	@if [ -n "$(BENCH_SCALE)" ]; then sizes=small; [ "$(BENCH_SCALE)" = small ] || sizes=small,$(BENCH_SCALE); \
		$(PY) -m bench.scale --sizes $$sizes; \
	else bash bench/run.sh $(PY); fi

# Lighthouse (through npx) on the home page and the longest article of a throwaway production
# site; needs Node.js, npm and the network the first time. See bench/lighthouse.py.
lighthouse: $(STAMP) browser
	$(PY) -m bench.lighthouse

# The load and fault drills, one after another (about 20 minutes); see README, Reliability.
drills: $(STAMP)
	set -e; for drill in load smtp_down worker_killed db_restart booking_storm; do \
		$(PY) -m drills.$$drill; done

clean:
	rm -rf $(VENV) staticfiles test-output
