# Tasks for the grant funding and commissioning system. `make help` lists them.
.DEFAULT_GOAL := help
VENV := .venv/bin
export VRP_ENV ?= development

.PHONY: help run test test-sqlite test-postgresql lint format typecheck bench setup setup-dev demo

help: ## List the tasks
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'

setup: ## Create .venv, install the project and build the front-end assets
	@scripts/setup.sh

setup-dev: ## As setup, plus the test tools and Debian packages the tests need (chromium)
	@scripts/setup.sh --dev

run: setup ## Set up, migrate the SQLite database, load the demo and serve http://127.0.0.1:5000
	$(VENV)/vrp db upgrade
	$(VENV)/vrp demo
	$(VENV)/vrp run --host 127.0.0.1 --port 5000

demo: setup ## Migrate and load the demo data without serving
	$(VENV)/vrp db upgrade
	$(VENV)/vrp demo

test: setup-dev ## Set up with the dev tools; lint, format check, type check, every test on SQLite and PostgreSQL
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/python -m pytest -n auto

test-sqlite: setup-dev ## Run the tests against SQLite only
	$(VENV)/python -m pytest -n auto --db sqlite

test-postgresql: setup-dev ## Run the tests against PostgreSQL only
	$(VENV)/python -m pytest -n auto --db postgresql

lint: setup-dev ## ruff lint and format check
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

format: setup-dev ## Format the code with ruff
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

typecheck: setup-dev ## mypy on the pure modules (core, formulas, the feature packages' arithmetic)
	$(VENV)/mypy

bench: setup-dev ## Run the benchmarks in bench/
	@for f in bench/bench_*.py; do echo "== $$f"; $(VENV)/python $$f; done
