# Every command a person needs. `make help` lists them.
# The first run sets everything up: .venv (pinned Python deps), node_modules
# (npm ci), and Debian's Chromium for the browser tests.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MKDOCS := NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.DEFAULT_GOAL := help
.PHONY: help setup serve build test bench audit lock clean chromium

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

# --- set-up ---------------------------------------------------------------

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed ## Install pinned dependencies (.venv, node_modules)

chromium: ## Make sure Debian's Chromium is there for the browser tests
	@if [ -n "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium package for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || { echo "error: could not install chromium with apt-get" >&2; exit 1; }; \
	else \
	  echo "error: the browser tests need Chromium. Install it with: sudo apt-get install chromium" >&2; exit 1; \
	fi

lock: ## Re-pin Python dependencies from requirements.in into requirements.lock
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.in
	.venv-lock/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .venv-lock

# --- the site --------------------------------------------------------------

serve: setup ## Serve the site with live reload at http://127.0.0.1:8000/
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000

build: setup ## Build the static site into site/
	$(MKDOCS) build --strict

# --- checks ----------------------------------------------------------------

test: setup chromium ## Run every test (build, links, checker, browser)
	CHROMIUM="$$(command -v chromium || command -v chromium-browser)" $(PY) -m pytest

clean: ## Remove everything the commands above made
	rm -rf site build dist .pytest_cache .hypothesis
