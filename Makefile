# Quick start: `make run` and `make test`; both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv clean package smoke-frozen

venv: $(STAMP)

# pip's download bars on a terminal; under CI one line per package, no bars.
PIP_PROGRESS := $(if $(CI),--progress-bar off,)

# First use takes a minute or two (PyQt6, numpy...): each step says what it does and pip shows its progress.
# Later runs skip this (the stamp is newer than pyproject.toml), so `make test`'s log stays the checks' own.
$(STAMP): pyproject.toml
	@echo "==> Creating the virtual environment $(VENV) (first use only)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> Upgrading pip in $(VENV)"
	$(PY) -m pip install --quiet --upgrade pip
	@echo "==> Installing registry-inspector and its test tools into $(VENV) (PyQt6, pyqtgraph, numpy...: ~100 MB)"
	$(PY) -m pip install $(PIP_PROGRESS) -e '.[test]'
	touch $(STAMP)
	@echo "==> $(VENV) is ready"

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
