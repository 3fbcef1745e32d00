"""What users install: the sdist and wheel build, the wheel holds every run-time file, and once installed
into a fresh virtual environment outside the checkout, the CLI and the GUI work from another folder.

The sdist and wheel are built once per session (``python -m build``; without build isolation when
setuptools and wheel are in this venv, so nothing is downloaded). The fresh venv has no pip of its own
(this venv's pip installs into it with ``--python``) and its dependencies are pinned to this venv's
versions, so pip takes them from its cache.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from helpers import DEMO_REGISTRIES, ROOT

pytestmark = pytest.mark.slow

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.registry_inspector"


def _project_version() -> str:
    match = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert match, "no version in pyproject.toml"
    return match.group(1)


def _build_requirements_met() -> bool:
    """setuptools>=77 and wheel importable here: build without isolation (no download, a few seconds)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major = int(version("setuptools").split(".")[0])
        version("wheel")
    except (PackageNotFoundError, ValueError):
        return False
    return major >= 77


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PIP_USER", "PYTHONSAFEPATH")
    }
    env.update(extra)
    return env


def _run(cmd: list[str], *, timeout: float = 240, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert result.returncode == 0, f"{cmd} exited {result.returncode}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="session")
def dists(tmp_path_factory) -> dict[str, Path]:
    """{"wheel": ..., "sdist": ...}: ``python -m build`` makes the sdist, then the wheel from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "build", "--outdir", out, ROOT]
    if _build_requirements_met():
        cmd.append("--no-isolation")
    _run(cmd, env=_clean_env())
    wheels = sorted(out.glob("*.whl"))
    sdists = sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


def _pins() -> str:
    """``name==version`` of every distribution in this venv but ours: the fresh venv gets the same versions."""
    import sysconfig
    from importlib.metadata import distributions

    # This venv's site-packages only: sys.path may hold more (setuptools' vendored copies once imported).
    site = list(dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib")))
    pins: dict[str, str] = {}
    for dist in distributions(path=site):
        name = dist.metadata["Name"]
        key = re.sub(r"[-_.]+", "-", name or "").lower()
        if key and key != "registry-inspector":
            pins.setdefault(key, f"{name}=={dist.version}")
    return "\n".join(sorted(pins.values())) + "\n"


@pytest.fixture(scope="session")
def installed(tmp_path_factory, dists) -> dict[str, Path]:
    """A fresh venv (no system site-packages) outside the checkout with the wheel installed into it."""
    base = tmp_path_factory.mktemp("installed")
    assert ROOT not in base.resolve().parents, f"{base} is inside the checkout"
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], env=_clean_env())
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    constraints = base / "constraints.txt"
    constraints.write_text(_pins())
    install = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-input",
        "--constraint",
        constraints,
        dists["wheel"],
    ]
    first = subprocess.run(
        [str(c) for c in [*install, "--quiet"]], capture_output=True, text=True, timeout=600, env=_clean_env()
    )
    if first.returncode != 0:  # e.g. an index hiccup: once more, with pip's full output on failure
        print(f"pip install failed once, retrying:\n{first.stderr[-3000:]}")
        _run(install, env=_clean_env(), timeout=600)
    elsewhere = base / "elsewhere"  # the working directory for every run: neither the checkout nor the venv
    elsewhere.mkdir()
    home = base / "home"
    env = _clean_env(
        PATH=os.pathsep.join([str(python.parent), os.environ.get("PATH", "")]),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        REGISTRY_CORE_CACHE_DIR=str(base / "cache"),
        REGISTRY_INSPECTOR_DATA_DIR=str(base / "data"),
    )
    return {"venv": venv, "python": python, "bin": python.parent, "cwd": elsewhere, "env": env}


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_wheel_holds_every_package_and_run_time_resource(dists):
    names = _wheel_names(dists["wheel"])
    # (Not setuptools.find_packages: importing setuptools here would put its vendored copies on sys.path.)
    packages = [
        init.parent.relative_to(ROOT).as_posix()
        for folder in ("registry_core", "app")
        for init in (ROOT / folder).rglob("__init__.py")
        if "__pycache__" not in init.parts
    ]
    missing_packages = [p.replace("/", ".") for p in packages if f"{p}/__init__.py" not in names]
    assert not missing_packages, (
        f"packages missing from the wheel: {missing_packages}; add them to [tool.setuptools] packages in pyproject.toml"
    )
    for folder in ("registry_core", "app"):
        for module in (ROOT / folder).rglob("*.py"):
            rel = module.relative_to(ROOT).as_posix()
            assert rel in names, f"{rel} is not in the wheel"
    # The whole demo ecosystem, its dist-info folders included, as package data of app._resources.
    demo = ROOT / "resources" / "demo"
    for path in demo.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            rel = "app/_resources/" + path.relative_to(ROOT / "resources").as_posix()
            assert rel in names, f"{rel} is not in the wheel (see [tool.setuptools.package-data])"
    assert "app/_resources/__init__.py" in names
    # The published JSON Schemas (registry_core.diagnostics.json_schemas reads them at run time).
    schemas = sorted((ROOT / "registry_core" / "diagnostics" / "schemas").glob("*.schema.json"))
    assert schemas
    for schema in schemas:
        rel = schema.relative_to(ROOT).as_posix()
        assert rel in names, f"{rel} is not in the wheel (see [tool.setuptools.package-data])"
    assert "app/_resources/icons/registry-inspector.svg" in names
    for size in ICON_SIZES:
        assert f"app/_resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.startswith(("resources/", "tests/", "packaging/"))]
    entry_points = next(n for n in names if re.fullmatch(r"registry_inspector-[^/]+\.dist-info/entry_points\.txt", n))
    with zipfile.ZipFile(dists["wheel"]) as archive:
        assert "registry-inspector = app.__main__:main" in archive.read(entry_points).decode()


def test_sdist_holds_the_resources_folder_and_packaging_files(dists):
    with tarfile.open(dists["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for rel in (
        "pyproject.toml",
        "README.md",
        "resources/__init__.py",
        "resources/demo/README.md",
        "resources/demo/acme_hcs_plugins-0.3.0.dist-info/entry_points.txt",
        "resources/demo/zeiss_hcs_hook-1.1.0.dist-info/entry_points.txt",
        "resources/icons/registry-inspector.svg",
        "tests/conftest.py",
        "tests/helpers.py",
        f"packaging/{APP_ID}.desktop",
        f"packaging/{APP_ID}.metainfo.xml",
        "packaging/registry-inspector.spec",
    ):
        assert rel in names, f"{rel} is not in the sdist"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


_WHERE = """
import importlib.metadata, json, sys
import registry_core, app, app.demo, app.resources_path
from registry_core.diagnostics.profiling import child_pythonpath
app.demo.load_demo()  # names the demo as the default targets, as the CLI and the window do
print(json.dumps({
    "registry_core": registry_core.__file__,
    "app": app.__file__,
    "demo": str(app.demo.demo_root()),
    "icon": app.resources_path.icon_path(),
    "child_pythonpath": child_pythonpath(None).split(__import__("os").pathsep),
    "version": importlib.metadata.version("registry-inspector"),
    "sys_path": sys.path,
}))
"""


def _inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_installed_wheel_runs_from_the_venv_not_the_checkout(installed):
    result = _run([installed["python"], "-c", _WHERE], cwd=installed["cwd"], env=installed["env"])
    where = json.loads(result.stdout)
    venv = installed["venv"]
    for key in ("registry_core", "app", "demo", "icon"):
        assert where[key] and _inside(where[key], venv), f"{key}: {where[key]} is not inside {venv}"
        assert not _inside(where[key], ROOT), f"{key}: {where[key]} is inside the checkout"
    assert not [p for p in where["sys_path"] if p and _inside(p, ROOT)], where["sys_path"]
    assert Path(where["demo"], "openhcs_demo", "__init__.py").is_file()
    assert Path(where["demo"], "acme_hcs_plugins-0.3.0.dist-info", "entry_points.txt").is_file()
    assert where["icon"].endswith("registry-inspector.svg")
    assert where["version"] == _project_version()
    # profile's children get the installed demo folder on their path, nothing from the checkout.
    assert where["demo"] in where["child_pythonpath"]
    assert str(Path(where["registry_core"]).parent.parent) == where["child_pythonpath"][0]
    assert not [p for p in where["child_pythonpath"] if _inside(p, ROOT)], where["child_pythonpath"]


def test_installed_cli_lists_the_demo_registries(installed):
    exe = installed["bin"] / "registry-inspector"
    result = _run([exe, "list", "--json"], cwd=installed["cwd"], env=installed["env"])
    document = json.loads(result.stdout)
    assert [r["name"] for r in document["registries"]] == list(DEMO_REGISTRIES)
    plugins = {r["name"]: r["plugins"] for r in document["registries"]}
    # An entry-point plugin: advertised by a dist-info folder of the installed demo.
    assert "acme_cellinsight" in [p["key"] for p in plugins["microscope handler"]], plugins
    assert "Traceback" not in result.stderr, result.stderr
    for plugin_file in _plugin_files(document):
        assert _inside(plugin_file, installed["venv"]), plugin_file


def _plugin_files(document: dict) -> list[str]:
    files = []
    for registry in document["registries"]:
        for plugin in registry["plugins"]:
            path = plugin.get("file") if isinstance(plugin, dict) else None
            if path:
                files.append(path)
    return files


def test_installed_gui_smoke_test(installed):
    exe = installed["bin"] / "registry-inspector"
    result = _run([exe, "--smoke-test"], cwd=installed["cwd"], env=installed["env"])
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["ok"] is True, summary
    assert summary["registries"] == len(DEMO_REGISTRIES), summary
    assert "Traceback" not in result.stderr, result.stderr
