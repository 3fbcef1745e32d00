"""``registry_core.diagnostics.importtime``: CPython's ``-X importtime`` lines, for the frozen app's profile
children."""

from __future__ import annotations

from helpers import ROOT, run_python

from registry_core.diagnostics.importtime import parse_importtime

#: outer imports middle (a statement) and leaf (importlib.import_module); each does measurable work.
PACKAGE = {
    "itf_pkg/__init__.py": "",
    "itf_pkg/outer.py": """
        import itf_pkg.middle
        import importlib
        importlib.import_module("itf_pkg.leaf")
        WORK = sum(i * i for i in range(20000))
    """,
    "itf_pkg/middle.py": "WORK = sum(i * i for i in range(200000))\n",
    "itf_pkg/leaf.py": "WORK = sum(i * i for i in range(100000))\n",
}


def _rows(stderr: str) -> dict[str, dict]:
    return {row["module"]: row for row in parse_importtime(stderr) if row["module"].startswith("itf_pkg")}


def test_lines_parse_like_cpythons_and_nest_by_who_imported_whom(make_package):
    root = make_package(PACKAGE)
    result = run_python(
        """
        from registry_core.diagnostics import importtime as _importtime
        assert _importtime.install() and not _importtime.install()  # a second install is a no-op
        import sys
        print("registry demo.REGISTRY", file=sys.stderr)
        import itf_pkg.outer
    """,
        path=[str(root)],
    )
    assert result.returncode == 0, result.stderr
    rows = _rows(result.stderr)
    assert set(rows) == {"itf_pkg", "itf_pkg.outer", "itf_pkg.middle", "itf_pkg.leaf"}, result.stderr
    outer, middle, leaf = rows["itf_pkg.outer"], rows["itf_pkg.middle"], rows["itf_pkg.leaf"]
    assert outer["registry"] == "demo.REGISTRY"
    # import_module is timed too (CPython's flag misses it), nested under the module that called it.
    assert middle["depth"] == leaf["depth"] == outer["depth"] + 1
    for row in rows.values():
        assert 0 <= row["self_us"] <= row["cumulative_us"]
    # Cumulative time holds the nested imports (the parent package too, imported first, as with the flag);
    # self time leaves them out.
    inner = [r for r in rows.values() if r["depth"] == outer["depth"] + 1]
    assert {r["module"] for r in inner} == {"itf_pkg", "itf_pkg.middle", "itf_pkg.leaf"}
    assert abs(outer["self_us"] - (outer["cumulative_us"] - sum(r["cumulative_us"] for r in inner))) <= 3
    assert middle["self_us"] > leaf["self_us"] > 0  # 200 000 squares take longer than 100 000


def test_same_modules_as_cpythons_flag_for_import_statements(make_package):
    root = make_package(PACKAGE)
    code = "import itf_pkg.middle"
    ours = run_python(
        "from registry_core.diagnostics import importtime as _importtime; _importtime.install()\n" + code,
        path=[str(root)],
    )
    flag = run_python(code, path=[str(root)], env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert ours.returncode == flag.returncode == 0, ours.stderr + flag.stderr
    assert set(_rows(ours.stderr)) == set(_rows(flag.stderr)) == {"itf_pkg", "itf_pkg.middle"}


def test_the_frozen_entry_honours_x_importtime(make_package):
    """packaging/frozen_main.py runs profile's ``-X importtime -c CODE`` children itself."""
    root = make_package(PACKAGE)
    result = run_python(
        f"""
        import runpy, sys
        sys.argv = ["registry-inspector-cli", "-X", "importtime", "-c", "import itf_pkg.outer; print('ran')"]
        runpy.run_path({str(ROOT / "packaging" / "frozen_main.py")!r}, run_name="__main__")
    """,
        path=[str(root)],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ran"
    assert "itf_pkg.outer" in _rows(result.stderr)
    import _frozen_importlib

    assert not hasattr(_frozen_importlib._find_and_load_unlocked, "_registry_core_importtime")  # only the child
