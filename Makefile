# Quick start: `make run` and `make test`; both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv clean package smoke-frozen

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/registry-inspector

# Lint, format and type checks first (seconds), then the whole suite headless.
LINTED := registry_core app tests bench packaging

test: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# The frozen app (PyInstaller, installed into .venv on first use): dist/frozen/registry-inspector/
package: $(STAMP)
	PY=$(PY) bash packaging/build.sh

smoke-frozen:
	QT_QPA_PLATFORM=offscreen $(PY) packaging/smoke_frozen.py $(SMOKE_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info
