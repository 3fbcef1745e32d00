"""What discovery imports from a plugin folder, and what it must never run (issue 13, items 10-12)."""

from __future__ import annotations

import os
import py_compile

import pytest
from cache_helpers import cache_env, child, plugin_files

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinked folders need POSIX symlinks here")


def test_a_packages_main_module_is_never_imported(make_package, tmp_path):
    marker = tmp_path / "main-ran"
    root = make_package(
        plugin_files(
            "dsc_main",
            extra={"dsc_main/__main__.py": f"open({str(marker)!r}, 'w').write('the CLI ran with the host argv')\n"},
        )
    )
    data = child(
        root,
        'from dsc_main.base import REGISTRY as R\nprint(json.dumps({"keys": sorted(R)}))',
        env=cache_env(tmp_path / "cache"),
    )
    assert data["keys"] == ["alpha", "beta", "gamma"]
    assert not marker.exists()


@posix_only
def test_a_symlink_loop_is_scanned_once(make_package, tmp_path):
    root = make_package(plugin_files("dsc_loop", extra={"dsc_loop/sub/__init__.py": "", "dsc_loop/sub/p_deep.py": ""}))
    os.symlink(root / "dsc_loop", root / "dsc_loop" / "sub" / "again")
    code = """
    from dsc_loop.base import REGISTRY as R
    keys = sorted(R)
    names = [m.name for m in R.report.modules]
    print(json.dumps({"keys": keys, "modules": names, "bases": sorted(n for n in names if n.endswith(".base")),
                      "warnings": [message for _logger, message in WARNINGS]}))
    """
    data = child(root, code, env=cache_env(tmp_path / "cache"))
    assert data["keys"] == ["alpha", "beta", "gamma"]
    assert data["bases"] == ["dsc_loop.base"]  # base.py ran once: one registry, not forty
    assert any("not scanning" in w and "symlink loop" in w for w in data["warnings"]), data["warnings"]


def test_sourceless_and_extension_modules_are_discovered(make_package, tmp_path):
    root = make_package(
        plugin_files(
            "dsc_pyc",
            keys=("alpha",),
            extra={
                "dsc_pyc/compiled_src.py": (
                    "from dsc_pyc.base import Plugin\nclass Compiled(Plugin):\n    plugin_key = 'compiled'\n"
                )
            },
        )
    )
    source = root / "dsc_pyc" / "compiled_src.py"
    py_compile.compile(str(source), cfile=str(root / "dsc_pyc" / "compiled.pyc"), doraise=True)
    source.unlink()  # only the .pyc is left, as a vendor shipping bytecode would
    code = """
    from dsc_pyc.base import REGISTRY as R
    print(json.dumps({"keys": sorted(R), "files": [m.file for m in R.report.modules]}))
    """
    env = cache_env(tmp_path / "cache")
    cold = child(root, code, env=env)
    assert cold["keys"] == ["alpha", "compiled"]
    assert any(str(f).endswith("compiled.pyc") for f in cold["files"])
    warm = child(root, code, env=env)
    assert warm["keys"] == ["alpha", "compiled"]
    # The cache watches the .pyc like a source: replacing it makes the next start stale.
    pyc = root / "dsc_pyc" / "compiled.pyc"
    st = pyc.stat()
    os.utime(pyc, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    stale = child(
        root,
        "from dsc_pyc.base import REGISTRY as R\nsorted(R)\n"
        "print(json.dumps({'startup': _st(R.cache.startup_status)}))",
        env=env,
    )["startup"]
    assert stale[0] == "stale" and "compiled.pyc" in stale[1]
