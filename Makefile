# Bürgerforum: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
NPM ?= npm
# Front-end packages (MapLibre GL JS for the 3D view) from package-lock.json, never committed.
NODE_STAMP := node_modules/.installed

.PHONY: run install install-dev migrate demo serve test check format messages screenshots bench clean

run: install migrate demo serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

# Without npm the site still runs; only the 3D view says it is not installed.
$(NODE_STAMP): package.json package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		$(NPM) ci --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: the 3D view stays off. Install Node.js and npm, then run make install."; \
	fi

install: $(VENV)/.installed $(NODE_STAMP)

install-dev: $(VENV)/.installed-dev $(NODE_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --no-input -v 0

# The links the demo prints (kiosk, terminal) and the site's mails use the address it is served on.
export BASE_URL ?= http://$(HOST):$(PORT)

demo: migrate
	$(BIN)/python manage.py seed_demo

serve: install
	@echo "Bürgerforum: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# No access log: it would store visitors' IP addresses.
	$(BIN)/uvicorn forum.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio --no-access-log --no-proxy-headers

test: install-dev
	# Tests never redirect to HTTPS, even against PostgreSQL (DEBUG defaults off there).
	DEBUG=$${DEBUG:-1} $(BIN)/python -m pytest $(PYTEST_ARGS)

check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit -c pyproject.toml -q -r forum participation cms
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(BIN)/python manage.py makemessages -l de -l en --no-location --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

# The room and the maps as people see them, in headless chromium (scripts/screenshots.py).
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

# Benchmarks against the machine's floor (bench/README.md): one table, results kept under bench/results/.
# Production needs PostgreSQL (DATABASE_URL names the server; a database bench_* is made and dropped) and Redis.
# BENCH_ARGS picks, e.g. BENCH_ARGS="--config embedded --scenarios fanout,storm --quick".
bench: install-dev
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var node_modules
