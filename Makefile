# Everyday commands. The work is done by scripts/*.sh so it can also run without make.
#   make run     set up and run the app locally with demo data (http://127.0.0.1:8000/)
#   make assets  build the GOV.UK Frontend/htmx assets into static/dist and static/govuk
#   make test    run the static checks, then the whole test suite against local PostgreSQL and Redis
#   make lock    rebuild requirements.txt and requirements-dev.txt from the .in files
#   make lint    run the static checks only (ruff, mypy, migrations, deployment checks)
#   make mypy-baseline  rewrite mypy-baseline.txt from mypy's errors now

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Extra arguments for pytest, e.g. make test PYTEST_ARGS="-k access -x"
PYTEST_ARGS ?=
# Extra arguments for uv pip compile, e.g. make lock LOCK_ARGS="--upgrade-package django"
LOCK_ARGS ?=

.PHONY: help run assets test lint mypy-baseline lock

help:
	@echo "make run     set up and run the app with demo data on http://127.0.0.1:8000/"
	@echo "make assets  build front-end assets (npm, Sass) into static/dist and static/govuk"
	@echo "make test    run the static checks and the test suite against local PostgreSQL and Redis"
	@echo "make lock    rebuild the lock files (requirements*.txt) from requirements*.in"
	@echo "make lint    run the static checks: ruff, mypy against its baseline, migrations, check --deploy"
	@echo "make mypy-baseline  rewrite mypy-baseline.txt from mypy's errors now (it may only shrink)"

run:
	@bash scripts/run.sh

assets:
	@bash scripts/assets.sh

test:
	@bash scripts/test.sh $(PYTEST_ARGS)

# The locks are made with uv (uv pip compile --universal --generate-hashes): it resolves in
# seconds, is one binary from PyPI pinned in the dev lock, and writes one lock for every
# platform. Installing needs no uv: pip install --require-hashes -r requirements*.txt.
lock:
	@bash scripts/lock.sh $(LOCK_ARGS)

lint:
	@bash scripts/lint.sh

mypy-baseline:
	@bash scripts/lint.sh --update-baseline
