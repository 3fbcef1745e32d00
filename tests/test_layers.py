"""The core's layering, read from its source: no import cycle, and no arrow up into the app or Qt.

Every import that can run counts, the ones inside functions too: a cycle hidden
in a function still ties two modules together (``if TYPE_CHECKING:`` imports
never run, and do not count). ``registry_core`` (the facade) re-exports the
modules below it; no module imports the facade back. pyqtgraph (and numpy under
it) may be imported only inside the function that builds the colormap enum from it.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "registry_core"
NEVER = ("app", "PyQt6")
NOT_AT_IMPORT_TIME = ("pyqtgraph", "numpy")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(CORE.rglob("*.py"))}


def _runnable_nodes(tree: ast.AST) -> list[tuple[ast.AST, bool]]:
    """Every node with whether it runs at import time (module level), leaving out ``if TYPE_CHECKING:`` bodies."""
    found: list[tuple[ast.AST, bool]] = []

    def walk(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and isinstance(child.test, ast.Name) and child.test.id == "TYPE_CHECKING":
                for other in child.orelse:
                    found.append((other, top))
                    walk(other, top)
                continue
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            found.append((child, inner))
            walk(child, inner)

    walk(tree, True)
    return found


def _imports(name: str, path: Path, known: set[str]) -> dict[str, bool]:
    """Every module ``name`` imports (absolute names) -> whether at import time, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, bool] = {}

    def add(target: str, top: bool) -> None:
        found[target] = found.get(target, False) or top

    for node, top in _runnable_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = [f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in known]
            # ``from . import enums`` imports the submodule; the package itself is already being imported.
            for module in submodules or [target]:
                add(module, top)
    return found


def _graph() -> dict[str, dict[str, bool]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, Any]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), plus modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_registry_core_has_no_import_cycle():
    graph = _graph()
    assert len(graph) > 30, sorted(graph)  # the walk really saw the package
    assert _cycles(graph) == []


def test_the_cycle_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"a"}}) == [["a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_the_facade_back():
    importers = sorted(name for name, imports in _graph().items() if "registry_core" in imports)
    assert importers == [], f"these import the registry_core facade; import the module that holds the name: {importers}"


def test_the_core_never_imports_the_app_or_qt():
    graph = _graph()
    never = sorted(
        (name, imported)
        for name, imports in graph.items()
        for imported in imports
        if imported.partition(".")[0] in NEVER
    )
    assert never == []
    at_import = sorted(
        (name, imported)
        for name, imports in graph.items()
        for imported, top in imports.items()
        if top and imported.partition(".")[0] in NOT_AT_IMPORT_TIME
    )
    assert at_import == []


def test_the_cli_runs_with_the_app_unimportable():
    # Run-time too: the children of verify and profile, the bundle and every renderer, with ``import app`` failing.
    code = (
        "import sys\n"
        "for name in ('app', 'PyQt6', 'pyqtgraph', 'numpy'): sys.modules[name] = None\n"
        f"sys.path.insert(0, {str(ROOT / 'resources' / 'demo')!r})\n"
        "from registry_core.cli import main\n"
        "sys.exit(main(['list', '--target', 'openhcs_demo.microscopes.microscope_base']))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, cwd=str(ROOT)
    )
    assert result.returncode == 0, result.stderr
    assert "microscope handler" in result.stdout


#: What the app may import of the core: the facades (and the seed's public enums module).
APP_MAY_IMPORT = {
    "registry_core",
    "registry_core.cli",
    "registry_core.diagnostics",
    "registry_core.sources",
    "registry_core.enums",
}


def test_the_app_uses_only_the_cores_facades():
    app_modules = {_module_name(p): p for p in sorted((ROOT / "app").rglob("*.py"))}
    known = set(_modules())
    used = sorted(
        (name, imported)
        for name, path in app_modules.items()
        for imported in _imports(name, path, known | set(app_modules))
        if imported.startswith("registry_core") and imported not in APP_MAY_IMPORT
    )
    assert used == [], "the app reaches past the core's facades; export what it needs there instead"
