"""Where metaclass-registry's semantics differ from registry_core's own, the compat layer follows the library.

Each scenario runs in a fresh interpreter twice: with the real metaclass-registry 0.4.1 (the real stack venv)
and with ``import metaclass_registry`` resolving to registry_core.compat (same interpreter, the program run
through ``python -m registry_core.compat run``). Both must give the library's answer, so a drift in either
shows here. registry_core's own API keeps its own behaviour (the last tests).
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

import pytest
from real_stack import ROOT, real_stack_python

MODES = ("real", "compat")


def run(mode: str, script: str, tmp_path: Path, xdg: Path | None = None) -> dict:
    path = tmp_path / f"scenario_{mode}.py"
    path.write_text(textwrap.dedent(script))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "REGISTRY_CORE"))}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "pkgs"), str(ROOT)])
    env["XDG_CACHE_HOME"] = str(xdg or tmp_path / f"xdg-{mode}")
    command = [real_stack_python()]
    command += ["-m", "registry_core.compat", "run", str(path)] if mode == "compat" else [str(path)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    expected = "registry_core.compat.metaclass_registry" if mode == "compat" else "metaclass_registry"
    assert result.pop("library") == expected
    return result


HEADER = """
import json, sys
import metaclass_registry
from metaclass_registry import AutoRegisterMeta, DuplicateRegistryKeyError, LazyDiscoveryDict, RegistryConfig
out = {"library": metaclass_registry.__name__}
"""


def write_package(tmp_path: Path, name: str, files: dict[str, str]) -> None:
    folder = tmp_path / "pkgs" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file, text in files.items():
        (folder / file).write_text(textwrap.dedent(text))


@pytest.mark.parametrize("mode", MODES)
def test_a_second_class_on_a_key_raises_and_the_first_keeps_it(mode, tmp_path):
    result = run(
        mode,
        HEADER
        + """
class Plugin(metaclass=AutoRegisterMeta):
    __registry_key__ = "name"
    name = None
class First(Plugin):
    name = "same"
try:
    class Second(Plugin):
        name = "same"
    out["error"] = None
except DuplicateRegistryKeyError as exc:
    out["error"] = str(exc)
out["holder"] = Plugin.__registry__["same"].__name__
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result["holder"] == "First"
    assert "'same'" in result["error"] and "First" in result["error"] and "Second" in result["error"]


@pytest.mark.parametrize("mode", MODES)
def test_replaces_registered_opts_a_class_into_taking_the_key(mode, tmp_path):
    result = run(
        mode,
        HEADER
        + """
class Plugin(metaclass=AutoRegisterMeta):
    __registry_key__ = "name"
    name = None
class Old(Plugin):
    name = "k"
class New(Plugin):
    __replaces_registered__ = Old
    name = "k"
out["holder"] = Plugin.__registry__["k"].__name__
try:
    class Nothing(Plugin):
        __replaces_registered__ = Old
        name = "other"
    out["error"] = None
except DuplicateRegistryKeyError as exc:
    out["error"] = type(exc).__name__
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result == {"holder": "New", "error": "DuplicateRegistryKeyError"}


@pytest.mark.parametrize("mode", MODES)
def test_no_discovery_unless_a_discovery_package_is_configured(mode, tmp_path):
    write_package(
        tmp_path,
        "implicit_pkg",
        {
            "__init__.py": "",
            "base.py": """
                from metaclass_registry import AutoRegisterMeta
                class Root(metaclass=AutoRegisterMeta):
                    __registry_key__ = "name"
                    name = None
            """,
            "plugin.py": """
                from implicit_pkg.base import Root
                class Plug(Root):
                    name = "plug"
            """,
        },
    )
    result = run(
        mode,
        HEADER
        + """
from implicit_pkg.base import Root
out["keys"] = sorted(Root.__registry__)
out["imported"] = "implicit_pkg.plugin" in sys.modules
out["discovery_package"] = Root.__registry__._config.discovery_package
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result == {"keys": [], "imported": False, "discovery_package": None}


@pytest.mark.parametrize("mode", MODES)
def test_defaults_skip_if_no_key_and_check_mtimes_are_false(mode, tmp_path):
    result = run(
        mode,
        HEADER
        + """
from metaclass_registry.cache import CacheConfig
config = RegistryConfig(registry_dict={}, key_attribute="name")
out["skip_if_no_key"] = config.skip_if_no_key
out["check_mtimes"] = CacheConfig().check_mtimes
out["max_age_days"] = CacheConfig().max_age_days
class Root(metaclass=AutoRegisterMeta):
    __registry_config__ = config
    name = None
try:
    class Keyless(Root):
        pass
    out["keyless"] = "registered"
except ValueError as exc:
    out["keyless"] = str(exc)
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result["skip_if_no_key"] is False and result["check_mtimes"] is False
    assert result["max_age_days"] == 7
    assert "Keyless must have name" in result["keyless"]


ENUM_PACKAGE = {
    "__init__.py": "__version__ = '1.0'\n",
    "colors.py": """
        from enum import Enum
        class Color(Enum):
            RED = "red"
            BLUE = "blue"
    """,
    "base.py": """
        from metaclass_registry import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig
        class Painter(metaclass=AutoRegisterMeta):
            __registry_config__ = RegistryConfig(
                registry_dict=LazyDiscoveryDict(), key_attribute="color", skip_if_no_key=True,
                registry_name="painter", discovery_package="enum_pkg.painters",
            )
            color = None
    """,
}
PAINTERS = {
    "__init__.py": "",
    "red.py": "from enum_pkg.base import Painter\nfrom enum_pkg.colors import Color\n"
    "class Red(Painter):\n    color = Color.RED\n",
    "blue.py": "from enum_pkg.base import Painter\nfrom enum_pkg.colors import Color\n"
    "class Blue(Painter):\n    color = Color.BLUE\n",
}


@pytest.mark.parametrize("mode", MODES)
def test_enum_keys_survive_the_cache(mode, tmp_path):
    write_package(tmp_path, "enum_pkg", ENUM_PACKAGE)
    write_package(tmp_path, "enum_pkg/painters", PAINTERS)
    script = (
        HEADER
        + """
from enum_pkg.base import Painter
from enum_pkg.colors import Color
keys = list(Painter.__registry__.keys())
out["keys"] = sorted(k.name for k in keys)
out["members"] = all(isinstance(k, Color) for k in keys)
out["red"] = Painter.__registry__[Color.RED].__name__
print(json.dumps(out))
"""
    )
    xdg = tmp_path / f"xdg-{mode}"
    cold = run(mode, script, tmp_path, xdg)
    assert any(xdg.rglob("*.json")), "the cold run wrote no cache"
    warm = run(mode, script, tmp_path, xdg)
    assert cold == warm == {"keys": ["BLUE", "RED"], "members": True, "red": "Red"}


TAKEOVER_PLUGINS = {
    "__init__.py": "",
    "a.py": "from takeover_pkg.base import Painter\nclass A(Painter):\n    color = 'a'\n",
    "b.py": "from takeover_pkg.base import Painter\nclass Z(Painter):\n    color = 'z'\n",
    "d.py": "from takeover_pkg.base import Painter\nfrom takeover_pkg.painters.a import A\n"
    "class D(Painter):\n    color = 'a'\n    __replaces_registered__ = A\n",
}


@pytest.mark.parametrize("mode", MODES)
def test_a_class_that_took_a_key_over_keeps_it_on_warm_starts(mode, tmp_path):
    """D takes key 'a' over from A (__replaces_registered__). On a warm start reading 'a' imports d.py, which
    imports a.py first: A arriving while the cache's D holds the key is the class D superseded, not a duplicate
    (registry_core raised DuplicateRegistryKeyError there on every warm start)."""
    write_package(
        tmp_path,
        "takeover_pkg",
        {**ENUM_PACKAGE, "base.py": ENUM_PACKAGE["base.py"].replace("enum_pkg", "takeover_pkg")},
    )
    write_package(tmp_path, "takeover_pkg/painters", TAKEOVER_PLUGINS)

    script = (
        HEADER
        + """
from takeover_pkg.base import Painter
registry = Painter.__registry__
out["keys"] = list(registry.keys())
out["a"] = f"{registry['a'].__module__}.{registry['a'].__name__}"
out["items"] = sorted((k, v.__name__) for k, v in registry.items())
print(json.dumps(out))
"""
    )
    xdg = tmp_path / f"xdg-{mode}"
    runs = [run(mode, script, tmp_path, xdg) for _ in range(3)]  # cold, then warm twice
    assert (
        runs[0]
        == runs[1]
        == runs[2]
        == {
            "keys": ["a", "z"],  # (the order too: each engine's, cold and warm)
            "a": "takeover_pkg.painters.d.D",
            "items": [["a", "D"], ["z", "Z"]],
        }
    )


@pytest.mark.parametrize("mode", MODES)
def test_a_discovery_failure_raises_and_the_next_read_tries_again(mode, tmp_path):
    write_package(
        tmp_path, "broken_pkg", {**ENUM_PACKAGE, "base.py": ENUM_PACKAGE["base.py"].replace("enum_pkg", "broken_pkg")}
    )
    write_package(tmp_path, "broken_pkg/painters", {"__init__.py": "", "bad.py": "raise ImportError('no such sdk')\n"})
    result = run(
        mode,
        HEADER
        + """
from broken_pkg.base import Painter
errors = []
for _ in range(2):
    try:
        list(Painter.__registry__.keys())
    except ImportError as exc:
        errors.append(str(exc))
out["errors"] = errors
out["discovered"] = Painter.__registry__._discovered
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result == {"errors": ["no such sdk", "no such sdk"], "discovered": False}
    assert not list((tmp_path / f"xdg-{mode}").rglob("*.json")), "a failed discovery was cached"


def test_registry_core_own_api_keeps_the_first_class_and_records_the_duplicate():
    from registry_core import AutoRegisterMeta, explain
    from registry_core.testing import scoped

    with scoped():
        _declare_duplicates(AutoRegisterMeta, explain)


def _declare_duplicates(AutoRegisterMeta, explain) -> None:  # noqa: N803 (the metaclass, as a parameter)

    class Plugin(metaclass=AutoRegisterMeta):
        __registry_key__ = "name"
        name = None

    class First(Plugin):
        name = "same"

    class Second(Plugin):  # no error: recorded, and the first keeps the key
        name = "same"

    assert Plugin.__registry__["same"] is First
    assert "duplicate" in str(explain(Plugin.__registry__, "Second")).lower()


def test_registry_core_own_config_keeps_its_defaults():
    from registry_core import RegistryConfig

    assert RegistryConfig(registry_dict=None, key_attribute="k").skip_if_no_key is True


@pytest.mark.parametrize("mode", MODES)
def test_recursive_discovery_imports_packages_not_plain_folders(mode, tmp_path):
    base = (
        ENUM_PACKAGE["base.py"]
        .replace("enum_pkg", "tree_pkg")
        .replace(
            'discovery_package="tree_pkg.painters",', 'discovery_package="tree_pkg.painters", discovery_recursive=True,'
        )
    )
    write_package(tmp_path, "tree_pkg", {**ENUM_PACKAGE, "base.py": base})
    write_package(
        tmp_path, "tree_pkg/painters", {"__init__.py": "", "red.py": PAINTERS["red.py"].replace("enum_pkg", "tree_pkg")}
    )
    write_package(
        tmp_path,
        "tree_pkg/painters/sub",
        {"__init__.py": "", "blue.py": PAINTERS["blue.py"].replace("enum_pkg", "tree_pkg")},
    )
    # No __init__.py: scripts kept beside the plugins, never imported by the library's walk.
    write_package(tmp_path, "tree_pkg/painters/scripts", {"oops.py": "raise RuntimeError('a script, not a plugin')\n"})
    result = run(
        mode,
        HEADER
        + """
from tree_pkg.base import Painter
out["keys"] = sorted(k.name for k in Painter.__registry__)
out["script_imported"] = "tree_pkg.painters.scripts.oops" in sys.modules
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result == {"keys": ["BLUE", "RED"], "script_imported": False}


def test_a_switched_registry_names_no_entry_point_group(tmp_path):
    """metaclass-registry loads no entry points; its stand-in neither loads nor names a group (explain said it
    'scanned entry-point group <root>.<name>', and advised advertising one)."""
    write_package(
        tmp_path, "group_pkg", {**ENUM_PACKAGE, "base.py": ENUM_PACKAGE["base.py"].replace("enum_pkg", "group_pkg")}
    )
    write_package(tmp_path, "group_pkg/painters", painters_of("group_pkg"))
    result = run(
        "compat",  # (the library itself has neither explain nor a config to ask)
        HEADER
        + """
from group_pkg.base import Painter
registry = Painter.__registry__
out["keys"] = sorted(k.name for k in registry.keys())
out["group"] = [registry.entry_point_group, registry.config.entry_point_group]
out["scanned"] = registry.explain("nothing_like_it").details[0]
print(json.dumps(out))
""",
        tmp_path,
    )
    assert result["keys"] == ["BLUE", "RED"]
    assert result["group"] == [None, None]
    assert result["scanned"].endswith("; no entry-point group"), result


def painters_of(package: str) -> dict[str, str]:
    """PAINTERS for another package's name."""
    return {name: text.replace("enum_pkg", package) for name, text in PAINTERS.items()}
