#!/usr/bin/env bash
# Build the frozen app (PyInstaller, one folder, two executables):
#   dist/frozen/registry-inspector/registry-inspector       GUI (windowed)
#   dist/frozen/registry-inspector/registry-inspector-cli   console CLI twin
# Usage: packaging/build.sh            (make package; PY=path/to/python to use another environment)
# The environment must have the project installed (make venv does `pip install -e .[test]`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PYINSTALLER_REQ=${PYINSTALLER_REQ:-pyinstaller>=6.10}

if ! "$PY" -c "import PyInstaller, sys; sys.exit(int(PyInstaller.__version__.split('.')[0]) < 6)" 2>/dev/null; then
    "$PY" -m pip install --quiet "$PYINSTALLER_REQ"
fi
"$PY" -c "import importlib.metadata as m; m.version('registry-inspector')" 2>/dev/null || {
    echo "registry-inspector is not installed in $PY's environment: run make venv" >&2
    exit 1
}

started=$(date +%s)
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist/frozen --workpath build/pyinstaller packaging/registry-inspector.spec
out=dist/frozen/registry-inspector
echo "built $out in $(( $(date +%s) - started )) s, $(du -sh "$out" | cut -f1)"
