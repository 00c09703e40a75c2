# Smart City Exchange. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
PG_SERVER_URL ?= postgresql://postgres@127.0.0.1:5432
PG_ADMIN_URL := $(PG_SERVER_URL)/postgres

.PHONY: install install-dev vendor messages translations db run test test-sqlite test-postgres lint bench bench-pages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

# Installing also compiles the catalogues: the .mo files are built, never committed.
install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

# Translations (Babel). `make messages` extracts every marked string into the template
# and merges it into each language's catalogue (new strings arrive untranslated, changed
# ones fuzzy); `make translations` compiles the catalogues (fails on a broken one).
TRANSLATIONS := translations
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
		--sort-by-file --project "Smart City Exchange" --copyright-holder "Smart City Exchange" \
		-o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) 2>&1 | grep -v '^compiling catalog'; \
		exit $${PIPESTATUS[0]}

# htmx (and axe-core for the browser tests) from npm, pinned by package-lock.json.
vendor:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --omit=dev --no-audit --no-fund --loglevel=error && \
		mkdir -p static/vendor && \
		cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js; \
	else \
		echo "WARNING: npm not found; the site runs without JavaScript (htmx not installed)."; \
	fi

db: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed
	$(BIN)/flask search rebuild

run: install vendor db
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite on SQLite, then again on a throwaway PostgreSQL database when one is reachable.
test: install-dev vendor lint test-sqlite test-postgres

test-sqlite:
	$(BIN)/pytest

test-postgres:
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_ADMIN_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		db=sce_test_$$$$_$$RANDOM; \
		$(BIN)/python -c "import psycopg; c=psycopg.connect('$(PG_ADMIN_URL)', autocommit=True); c.execute('CREATE DATABASE $$db')" && \
		TEST_DATABASE_URL=$(PG_SERVER_URL)/$$db $(BIN)/pytest -m 'not browser'; rc=$$?; \
		$(BIN)/python -c "import psycopg; c=psycopg.connect('$(PG_ADMIN_URL)', autocommit=True); c.execute('DROP DATABASE IF EXISTS $$db WITH (FORCE)')"; \
		exit $$rc; \
	else \
		echo "PostgreSQL not reachable at $(PG_ADMIN_URL): skipping the PostgreSQL run."; \
		if [ -n "$$CI" ]; then exit 1; fi; \
	fi

bench: install-dev
	$(BIN)/python tests/benchmarks/search_benchmark.py

bench-pages: install-dev
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python tests/benchmarks/page_weight.py

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache
