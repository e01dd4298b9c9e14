# Goodwill: `make run` serves the product with a demo workspace; `make test` runs every check.
# Both set up what they need first (a virtual environment from .python-version's Python 3.12).

PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL test run; Django creates (and drops) its own test_* database there.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
# Tests run in a time zone that is not UTC, so naive-datetime mistakes show.
TEST_ENV := TIME_ZONE=America/Chicago DJANGO_SETTINGS_MODULE=goodwill.settings

# The benchmark: its own SQLite data directory unless DATABASE_URL points elsewhere.
BENCH_CONTACTS ?= 10000
BENCH_ENV := GOODWILL_DATA_DIR=$(or $(GOODWILL_DATA_DIR),data/bench)

.PHONY: run test install lint test-sqlite test-postgres test-browser browser pg-client bench clean

run: $(STAMP)
	$(BIN)/goodwill migrate --no-input -v 0
	$(BIN)/goodwill demo --if-new
	$(BIN)/goodwill serve --with-worker --no-migrate

test: $(STAMP) lint test-sqlite test-postgres test-browser

install: $(STAMP)

# Seed a workspace of BENCH_CONTACTS people once, then time the scenarios (docs/performance.md).
bench: $(STAMP)
	mkdir -p data/bench
	$(BENCH_ENV) $(BIN)/goodwill migrate --no-input -v 0
	$(BENCH_ENV) $(BIN)/goodwill seed --if-new --workspace bench-$(BENCH_CONTACTS) --contacts $(BENCH_CONTACTS)
	$(BENCH_ENV) $(BIN)/goodwill bench --workspace bench-$(BENCH_CONTACTS)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Goodwill needs Python 3.12 or newer (see .python-version); set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy goodwill conftest.py
	$(TEST_ENV) $(BIN)/goodwill makemigrations --check --dry-run

test-sqlite: $(STAMP)
	@echo "== Tests on SQLite"
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest -m "not browser" -q

test-postgres: $(STAMP) pg-client
	@echo "== Tests on PostgreSQL ($(TEST_POSTGRES_URL))"
	@if $(BIN)/python -c "import psycopg, sys; psycopg.connect('$(TEST_POSTGRES_URL)', connect_timeout=5).close()" 2>/dev/null; then \
		$(TEST_ENV) DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -m "not browser" -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL), and CI=true: failing."; exit 1; \
	else \
		echo "SKIPPED: PostgreSQL is not reachable at $(TEST_POSTGRES_URL) (set TEST_POSTGRES_URL)."; \
	fi

test-browser: $(STAMP) browser
	@echo "== Browser tests in Chromium"
	$(TEST_ENV) DATABASE_URL= $(BIN)/pytest -m browser -q

# Debian's Chromium for the browser tests, installed when missing and we may (root).
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# PostgreSQL's client tools (pg_dump, pg_restore, psql) for `goodwill backup` on PostgreSQL.
pg-client:
	@if ! command -v pg_dump >/dev/null 2>&1 && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's postgresql-client for the backup tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache data/test.sqlite3*
