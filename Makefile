# Metroscope — the verbs. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run setup test fuzz cluster-check lint format typecheck bench bench-observatory messages browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The hashed, compressed static files the site serves (whitenoise; settings.py), built again
# only when a static file or the installed packages change: it takes about 15 s of brotli.
STATIC_MANIFEST := $(or $(METROSCOPE_VAR),var)/static/staticfiles.json
STATIC_SOURCES := $(shell find src -path '*/static/*' -type f)

$(STATIC_MANIFEST): $(STAMP) $(STATIC_SOURCES)
	METROSCOPE_STATIC_MANIFEST=1 $(BIN)/metroscope collectstatic --noinput --clear -v 0

## setup: install, build the static files, migrate and load the open data (idempotent: a
## second run changes nothing)
setup: $(STAMP) $(STATIC_MANIFEST)
	$(BIN)/metroscope migrate --noinput -v 0
	$(BIN)/metroscope load_open_data

## run: set up, then serve http://$(HOST):$(PORT) with the task queue's worker beside it (Procfile)
run: setup
	@$(BIN)/metroscope ensure_admin --url http://$(HOST):$(PORT)
	@echo "Metroscope is serving at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@# links in e-mails and PDFs point at the address served, unless METROSCOPE_SITE_URL says otherwise
	METROSCOPE_SITE_URL="$${METROSCOPE_SITE_URL:-http://$(HOST):$(PORT)}" METROSCOPE_BIND=$(HOST):$(PORT) \
	  exec $(BIN)/honcho start

## browser: Debian's Chromium for the browser tests (installed when missing and we may)
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium at $(CHROMIUM): install Debian's 'chromium' package (or set CHROMIUM=/path)."; exit 1; \
	  fi; \
	fi

## test: the same set-up, lint, then the whole suite (browser tests included) on every core
## (pytest-xdist: one database per worker; `--dist load` keeps each worker's browser journeys
## last; WORKERS=0 runs it in this process)
## (PYTEST_ARGS adds pytest options, e.g. PYTEST_ARGS='-m "not e2e"')
WORKERS ?= auto
PYTEST_ARGS ?=
test: setup browser lint
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(WORKERS) --dist load $(PYTEST_ARGS)

## fuzz: schemathesis against the live API (anonymous, a Secretariat token, an officer's token)
## on a throwaway database with the open data; fails on any 5xx or schema violation
## (scripts/fuzz_api.py; DATABASE_URL=postgres://… fuzzes a new database on that server)
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz_api.py

## cluster-check: two app hosts (gunicorn, METROSCOPE_PRODUCTION=1) behind Debian's haproxy, with one
## PostgreSQL database made afresh, Redis, a task worker and media on moto's S3 server: sessions,
## CSRF, figures, reports and imports across hosts, and a host killed (scripts/cluster_check.py;
## CLUSTER_DATABASE_URL, CLUSTER_REDIS_URL say which database and Redis database it empties)
cluster-check: $(STAMP)
	$(BIN)/python scripts/cluster_check.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	PYTHONPATH=src $(BIN)/lint-imports
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/run.py

## bench-observatory: import/export throughput on a synthetic set (ROWS=15600000 for the full scale)
ROWS ?= 2000000
bench-observatory: setup
	$(BIN)/python bench/observatory.py --rows $(ROWS) --database both

## messages: refresh the .po files from the code and compile them (needs GNU gettext)
messages: $(STAMP)
	cd src/metroscope && ../../$(BIN)/metroscope makemessages -l fr -l es --no-location --no-obsolete
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var
