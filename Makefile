# Underway: `make run` starts the service on the embedded default, `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
BACKEND := backend
FRONTEND := frontend
export UV_PROJECT_ENVIRONMENT ?= $(CURDIR)/$(BACKEND)/.venv

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z][a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-14s %s\n", $$1, $$2}'

# --- installation -------------------------------------------------------------------------------

.PHONY: uv
uv: ## Install uv with pip when it is missing
	@command -v uv >/dev/null 2>&1 || test -x $(HOME)/.local/bin/uv || $(PYTHON) -m pip install --user --quiet uv

.PHONY: install-backend
install-backend: uv ## Python dependencies (locked by backend/uv.lock)
	cd $(BACKEND) && $(UV) sync --frozen

.PHONY: install-frontend
install-frontend: ## npm packages (locked by frontend/package-lock.json)
	@if [ -f $(FRONTEND)/package.json ]; then cd $(FRONTEND) && npm ci --no-audit --no-fund; fi

.PHONY: install
install: install-backend install-frontend ## Everything

# --- running ------------------------------------------------------------------------------------

.PHONY: run
run: install ## Start the service on the embedded default (SQLite, in-process workers)
	@if [ -f $(FRONTEND)/package.json ]; then cd $(FRONTEND) && npm run build; fi
	cd $(BACKEND) && $(UV) run underway serve --bootstrap-admin

.PHONY: dev
dev: install ## API on :8000 plus the Vite dev server with a proxy to it
	cd $(BACKEND) && $(UV) run underway serve --bootstrap-admin & \
	cd $(FRONTEND) && npm run dev

# --- quality and tests --------------------------------------------------------------------------

.PHONY: lint
lint: install-backend ## ruff and mypy (strict)
	cd $(BACKEND) && $(UV) run ruff check src tests ../bench
	cd $(BACKEND) && $(UV) run ruff format --check src tests ../bench
	cd $(BACKEND) && $(UV) run mypy
	cd $(BACKEND) && MYPYPATH=../bench $(UV) run mypy ../bench
	cd $(BACKEND) && $(UV) run ruff check ../e2e && $(UV) run ruff format --check ../e2e
	cd $(BACKEND) && $(UV) run mypy --config-file ../e2e/mypy.ini ../e2e

# Tests spend most of their time waiting on processes, sockets and databases: two pytest workers
# overlap that waiting (PYTEST_WORKERS=0 runs them in one process).
PYTEST_WORKERS ?= 2

.PHONY: test-backend
test-backend: install-backend ## Backend tests on SQLite and PostgreSQL
	cd $(BACKEND) && $(UV) run pytest -q -n $(PYTEST_WORKERS)

.PHONY: test-frontend
test-frontend: install-frontend ## Biome, TypeScript, Vitest, stale-client check
	@if [ -f $(FRONTEND)/package.json ]; then \
	  cd $(FRONTEND) && npm run lint && npm run typecheck && npm test && npm run client:check; \
	fi

.PHONY: e2e
e2e: install ## Playwright end-to-end tests in headless Chromium (HEADED=1 to watch)
	@if [ -d e2e/tests ]; then cd $(BACKEND) && $(UV) run pytest -q -c ../e2e/pytest.ini ../e2e; fi

.PHONY: test
test: lint test-backend test-frontend e2e ## Every suite

# --- generated artefacts ------------------------------------------------------------------------

.PHONY: schema
schema: install-backend ## Regenerate shared-schema/ (OpenAPI and WebSocket message schemas)
	cd $(BACKEND) && $(UV) run underway schema --out ../shared-schema

.PHONY: client
client: schema install-frontend ## Regenerate the TypeScript client from shared-schema/
	cd $(FRONTEND) && npm run client

.PHONY: screenshots
screenshots: install ## Screenshots of the main pages (light, dark, phone) into docs/screenshots/
	cd $(BACKEND) && $(UV) run python ../e2e/screenshots.py

.PHONY: bench
bench: install-backend ## Benchmarks against arq and Celery, on SQLite (docs/benchmarks.md); BENCH_ARGS=--quick for a smoke run
	cd $(BACKEND) && $(UV) run python ../bench/run.py $(BENCH_ARGS)

BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: bench-postgres
bench-postgres: install-backend ## The same on PostgreSQL (BENCH_POSTGRES=URL, a database the bench may CREATE/DROP from)
	cd $(BACKEND) && $(UV) run python ../bench/run.py --postgres $(BENCH_POSTGRES) $(BENCH_ARGS)

.PHONY: clean
clean: ## Remove local state and build output
	rm -rf .underway $(BACKEND)/.underway $(FRONTEND)/dist e2e/artifacts
