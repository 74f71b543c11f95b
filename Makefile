# Every command a person needs. `make help` lists them.
# The first run sets everything up: .venv (pinned Python deps), node_modules
# (npm ci), and Debian's Chromium for the browser tests.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MKDOCS := NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)

.DEFAULT_GOAL := help
.PHONY: help setup runtime serve build offline test bench audit lock clean chromium system-packages lint check translations translated new-page

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# --- set-up ---------------------------------------------------------------

# The site's tools run on pyproject.toml's requires-python (the pinned pymdown-extensions
# needs 3.11.5): tools/find_python.sh picks the first such python3 / python3.13 / 3.12 /
# 3.11 on PATH, then in pyenv, or says in one line which Python to install.
PYTHON_MIN := $(shell sed -n 's/^requires-python = ">=\([0-9.]*\).*/\1/p' pyproject.toml)

$(VENV)/.installed: requirements.lock pyproject.toml
	@if ! $(PY) -c "import sys; sys.exit(sys.version_info[:3] < tuple(int(p) for p in '$(PYTHON_MIN)'.split('.')))" 2>/dev/null; then \
	  py="$$(tools/find_python.sh $(PYTHON_MIN) 'the site (make setup)')" || exit 1; \
	  echo "Making $(VENV) with $$py"; \
	  rm -rf $(VENV) && "$$py" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed ## Install pinned dependencies (.venv, node_modules)

# Debian packages the tests drive: each entry is COMMAND=PACKAGE (or /PATH=PACKAGE for a
# package with no command). `make test` installs the missing ones with apt-get when it
# runs as root (CI does), else it says what to install.
SYSTEM_PACKAGES := chromium=chromium nginx=nginx apache2=apache2 caddy=caddy \
  firefox-esr=firefox-esr WebKitWebDriver=webkit2gtk-driver Xvfb=xvfb \
  /usr/lib/nginx/modules/ngx_http_brotli_static_module.so=libnginx-mod-http-brotli-static

system-packages: ## Make sure the Debian packages the tests drive are there (Chromium, …)
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  { command -v "$${entry%%=*}" || test -e "$${entry%%=*}"; } >/dev/null 2>&1 || missing="$$missing $${entry#*=}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages for the tests:$$missing…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null) \
	    || { echo "error: could not install$$missing with apt-get" >&2; exit 1; }; \
	else \
	  echo "error: the tests need these Debian packages. Install them with: sudo apt-get install$$missing" >&2; exit 1; \
	fi

# The old name, kept for muscle memory.
chromium: system-packages

lock: ## Re-pin Python dependencies from requirements.in into requirements.lock
	py="$$(tools/find_python.sh $(PYTHON_MIN) 'make lock')" && rm -rf .venv-lock && "$$py" -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements.in
	.venv-lock/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf .venv-lock

# --- the in-browser checker runtime (issue 4) ------------------------------
# The checker wheel registered in Pyodide's lock file, the Pyodide files the site
# ships and a memory snapshot, in build/runtime/ (tools/build_runtime.py). The
# `pyodide lockfile` CLI needs Python >= 3.12: .venv-pyodide is made with the first
# that really runs (tools/find_python.sh: PATH, then pyenv).

PYODIDE_VENV := .venv-pyodide
RUNTIME := build/runtime/manifest.json
CHECKER_SOURCES := pyproject.toml $(wildcard README.md) $(shell find checker -type f \( -name '*.py' -o -name '*.json' \) 2>/dev/null)

$(PYODIDE_VENV)/.installed: requirements-pyodide.lock
	@py="$$(tools/find_python.sh 3.12 'the checker runtime (make runtime: pyodide-build)')" || exit 1; \
	echo "Making $(PYODIDE_VENV) with $$py"; \
	rm -rf $(PYODIDE_VENV) && "$$py" -m venv $(PYODIDE_VENV)
	$(PYODIDE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-pyodide.lock
	@touch $@

$(RUNTIME): $(CHECKER_SOURCES) tools/build_runtime.py tools/snapshot_container.py tools/make_snapshot.mjs tools/compile_stdlib.mjs $(PYODIDE_VENV)/.installed node_modules/.installed
	$(PYODIDE_VENV)/bin/python tools/build_runtime.py

runtime: $(RUNTIME) ## Build the checker's browser runtime (wheel, Pyodide lock file, snapshot)

# --- the site --------------------------------------------------------------

serve: setup runtime ## Serve the site with live reload at http://127.0.0.1:8000/
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000

build: setup runtime ## Build the static site into site/
	$(MKDOCS) build --strict

# The help to ship inside the installer, opened from files (tools/offline_bundle.py).
offline: setup runtime ## Build the offline bundle: dist/activation-help-offline-VERSION.zip and its folder; prints the size
	$(PY) tools/offline_bundle.py

# --- checks ----------------------------------------------------------------

# The writer's check, in seconds, no browser, no root: the strict build, both languages
# with the same section ids, links and anchors, the published links, the prose lint and
# translation freshness (the tests in conftest.CHECK_MODULES; `make test` runs them too).
# Out-of-date translations only warn; STRICT_TRANSLATIONS=1 (CI) makes them fail.
check: setup runtime ## The writer's check, in seconds: build, both languages, links, prose lint, translations
	@$(PY) -m pytest -m check -q --tb=line -p no:cacheprovider -W "default::UserWarning"

# textlint from node_modules (package.json), rules and the product's words in lint/.
lint: setup ## Prose lint of the pages (textlint; Japanese and English rules, our terms): one line per finding
	@$(PY) tools/prose_lint.py

translations: setup ## List translated pages whose source changed since they were translated
	@$(PY) tools/translation_status.py report

translated: setup ## After translating: make translated PAGE=faq (or PAGE=all) records the source's version
	@test -n "$(PAGE)" || { echo "usage: make translated PAGE=faq   (or PAGE=all: every page not current)" >&2; exit 2; }
	@$(PY) tools/translation_status.py stamp "$(PAGE)"

new-page: setup ## A new page in both languages, in the nav: make new-page NAME=billing
	@test -n "$(NAME)" || { echo "usage: make new-page NAME=billing   (lowercase letters, digits, hyphens)" >&2; exit 2; }
	@$(PY) tools/new_page.py "$(NAME)"

test: setup runtime system-packages ## Run every test (build, links, checker, browser)
	CHROMIUM="$$(command -v chromium || command -v chromium-browser)" $(PY) -m pytest

bench: setup runtime system-packages ## Measure: build time, checker speed, widget ready time/latency/bytes, ready on emulated cable/4G (bench/results.json)
	CHROMIUM="$$(command -v chromium || command -v chromium-browser)" $(PY) bench/run.py

.PHONY: check-deploy
check-deploy: setup system-packages ## Check a published site: make check-deploy URL=https://help.example.com/
	@test -n "$(URL)" || { echo "usage: make check-deploy URL=https://help.example.com/" >&2; exit 2; }
	CHROMIUM="$$(command -v chromium || command -v chromium-browser)" $(PY) tools/check_deploy.py "$(URL)" $(ARGS)

# Lighthouse lives in audit/ with its own lock file, so `make test` does not install it.
audit/node_modules/.installed: audit/package.json audit/package-lock.json
	cd audit && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

audit: build system-packages audit/node_modules/.installed ## Lighthouse and axe-core on every page behind deploy/nginx (ARGS="--pages key": four page types)
	CHROME_PATH="$$(command -v chromium || command -v chromium-browser)" $(PY) audit/audit.py $(ARGS)

clean: ## Remove everything the commands above made
	rm -rf site build dist .pytest_cache .hypothesis
