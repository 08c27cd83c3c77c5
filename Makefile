# Two commands on a fresh machine: `make run` (the demo) and `make test` (what CI runs).
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_RUN := mosquitto mosquitto-clients
SYSTEM_TEST := $(SYSTEM_RUN) chromium chromium-driver postgresql

.PHONY: run test deps-python deps-run deps-test lint typecheck pytest-sqlite pytest-postgres \
	vendor messages bench-scheduler

run: deps-run
	$(UV) run sharedfactory demo

test: deps-test lint typecheck pytest-sqlite pytest-postgres

deps-python:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen --inexact --quiet

# Without root (or without mosquitto) the demo still runs, on its in-process amqtt fallback.
deps-run: deps-python
	-@bash scripts/apt-ensure.sh $(SYSTEM_RUN)

deps-test: deps-python
	@bash scripts/apt-ensure.sh $(SYSTEM_TEST)

lint:
	$(UV) run ruff format --check .
	$(UV) run ruff check .

typecheck:
	$(UV) run mypy

# Two workers (pytest-xdist), each with its own database, broker and server; a module stays on
# one worker (its fixtures and its order hold) and the heavy modules start first.
PYTEST := $(UV) run pytest -q -n 2 --dist loadfile --no-loadscope-reorder

pytest-sqlite:
	$(PYTEST)

# The same suite on a throwaway PostgreSQL cluster, less the pure packages (no database there).
pytest-postgres:
	SHAREDFACTORY_TEST_DATABASE=postgres $(PYTEST) -m "not pure"

# Front-end packages from npm, copied into web/static/vendor (committed; no CDN at run time).
vendor:
	cd web && npm ci --no-audit --no-fund
	cp web/node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui-standalone-preset.js,swagger-ui.css,LICENSE,NOTICE} web/static/vendor/swagger-ui/
	cp web/node_modules/htmx.org/dist/htmx.min.js web/node_modules/htmx.org/LICENSE web/static/vendor/htmx/
	cp web/node_modules/htmx-ext-sse/sse.js web/node_modules/htmx-ext-sse/LICENSE web/static/vendor/htmx-ext-sse/
	cp web/node_modules/echarts/{LICENSE,NOTICE} web/static/vendor/echarts/
	cd web && npx esbuild echarts-entry.js --bundle --minify --format=iife --legal-comments=none \
		--outfile=static/vendor/echarts/echarts.min.js

# Extract translatable strings; then translate new ones in sharedfactory/i18n/locale/id/.../messages.po
messages:
	$(UV) run pybabel extract -F babel.cfg -k _ --ignore-dirs ".* node_modules" --no-location \
		-o messages.pot .
	$(UV) run pybabel update -i messages.pot -d sharedfactory/i18n/locale -l id --no-location
	rm messages.pot

bench-scheduler:
	$(UV) run --group bench python -m bench.scheduler.run --suite all
