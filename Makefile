# Casework: `make demo` to try it, `make test` to check it. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/casework
DEMO_PEOPLE ?= 600
DEMO_SEED ?= 2026

.PHONY: demo test setup venv validator assets chromium migrate seed-demo test-sqlite test-postgres bench clean serve loadtest

VALIDATOR_VENV := .venv-903

setup: venv validator assets

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The DfE 903 rules in their own environment (see requirements-903.txt for why).
validator: $(VALIDATOR_VENV)/.installed
$(VALIDATOR_VENV)/.installed: requirements-903.txt
	test -x $(VALIDATOR_VENV)/bin/python || $(PYTHON) -m venv $(VALIDATOR_VENV)
	$(VALIDATOR_VENV)/bin/python -m pip install --quiet -r requirements-903.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: casework/static/build/.built
casework/static/build/.built: node_modules/.installed frontend/casework.scss frontend/init.js scripts/build_assets.sh
	sh scripts/build_assets.sh
	touch $@

# Browser tests drive Debian's Chromium at /usr/bin/chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  (apt-get install -y chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium)) || \
	  echo "Could not install Debian's chromium: the browser test will be skipped"

migrate: venv
	$(PY) manage.py migrate --noinput

seed-demo: migrate
	$(PY) manage.py seed --practices 2 --people $(DEMO_PEOPLE) --seed $(DEMO_SEED) --if-empty --restricted-record

# Served as production serves (debug off, assets by the app), on plain HTTP, with the demo's one-click
# sign-in as each demo user (refused outside a seeded demo database: docs/security.md).
# The jobs worker (the 903 check, import and download; reports) runs beside the web server and stops with
# it: Ctrl-C, or the server ending, stops both (docs/architecture.md "Background jobs").
demo: setup seed-demo
	$(PY) manage.py demo_logins
	DJANGO_DEBUG=false $(PY) manage.py jobs_worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	  DJANGO_DEBUG=false DJANGO_SECURE_COOKIES=false CASEWORK_DEMO_SIGN_IN=true $(PY) manage.py runserver 127.0.0.1:8000

test: setup chromium
	$(VENV)/bin/ruff check casework tests bench scripts
	$(PY) scripts/audit_dependencies.py
	@# the API's OpenAPI schema: valid, and not one drf-spectacular warning (test-artifacts/ is ignored by git)
	mkdir -p test-artifacts && $(PY) manage.py spectacular --validate --fail-on-warn --file test-artifacts/openapi.yml
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

# pytest exits 5 when it collects nothing: that is a failure here, and says so.
PYTEST = run_pytest() { $(PY) -m pytest "$$@"; s=$$?; [ $$s -ne 5 ] || echo "pytest collected no tests" >&2; return $$s; }; run_pytest

test-sqlite:
	@$(PYTEST)

# The same suite on PostgreSQL when a server answers; a clean skip when none does.
test-postgres:
	@if $(PY) scripts/postgres_answers.py "$(PG_URL)"; then \
	  echo "PostgreSQL answers: running the suite on PostgreSQL"; \
	  export DATABASE_URL="$(PG_URL)"; $(PYTEST) -m "not browser"; \
	else echo "PostgreSQL does not answer at $(PG_URL): skipping the PostgreSQL run"; fi

bench: setup
	$(PY) bench/foundation.py

# --- Serving (README.md "Running in production", docs/architecture.md "Serving") ---
# The web server (gunicorn, casework/config/gunicorn.py) and the job worker, as production runs them
# on one machine, debug off; Ctrl-C stops both. On plain HTTP (trying it on 127.0.0.1:8000) add
# DJANGO_SECURE_COOKIES=false, or the browser never sends the secure session cookie back.
serve: setup migrate
	DJANGO_DEBUG=false PY=$(PY) scripts/serve.sh

# The load test (bench/loadtest/): seeds or reuses a PostgreSQL database, starts gunicorn and the
# worker on 127.0.0.1, runs locust headless (bounded in users and time), prints p50/p95/errors/
# throughput and writes bench/results/loadtest-*.json. LOADTEST_ARGS passes options to the runner.
LOADTEST_ARGS ?=
loadtest: setup
	$(PY) bench/loadtest/run.py $(LOADTEST_ARGS)
# --- end of Serving ---

clean:
	rm -rf $(VENV) $(VALIDATOR_VENV) node_modules casework/static/build db.sqlite3*
