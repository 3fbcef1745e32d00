"""``registry-inspector profile``: cold and warm discovery timed in fresh processes, driven as a user drives it.

Each test runs ``python -m app profile ...`` (``cli_helpers.Cli``) on throw-away
plugin packages; the profile's own children get a private cache folder, the
history file lives in ``REGISTRY_INSPECTOR_DATA_DIR`` (a temp folder) and the log
in ``XDG_STATE_HOME`` (a temp folder).
"""

from __future__ import annotations

import json
import time

import pytest
from cache_helpers import plugin_files

PKG = "profpkg"
KEYS = ("alpha", "beta", "gamma")


@pytest.fixture
def cli(cli, tmp_path, make_package, monkeypatch):
    root = make_package(plugin_files(PKG, KEYS))
    runner = cli
    runner.path.append(str(root))
    data = tmp_path / "data"
    monkeypatch.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(data))  # children inherit it; so does load_history()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    runner.data = data
    runner.root = root
    return runner


def test_profile_json_times_cold_and_warm_and_records_history(cli, tmp_path):
    user_caches = sorted(p.name for p in cli.cache_root.rglob("*")) if cli.cache_root.exists() else []
    doc = cli("profile", "--target", f"{PKG}.base", "--runs", "2", "--json").json()

    assert doc["schema"] == 1 and doc["runs"] == 2 and doc["python"]
    assert isinstance(doc["created"], float)
    [reg] = doc["registries"]
    assert reg["name"] == "plugin" and reg["qualified_name"] == f"{PKG}.base.Plugin"
    assert reg["timed_out"] is None and reg["error"] is None
    assert reg["keys"] == len(KEYS)
    for phase in ("cold", "warm"):
        block = reg[phase]
        assert len(block["runs"]) == 2, block
        assert all(isinstance(v, float) and v > 0 for v in block["runs"])
        assert block["min_s"] <= block["median_s"] <= block["max_s"]
        assert block["median_s"] > 0
    # Warm faster than cold is not asserted (noise); but the cache was really used, and the speedup is computed.
    assert reg["cold_source"] == "discovery" and reg["warm_source"] == "cache"
    assert reg["warm_cache_state"] == "valid"
    assert reg["speedup"] == pytest.approx(reg["cold"]["median_s"] / reg["warm"]["median_s"])

    # Import times from ``python -X importtime`` of a cold run: the plugin modules are there.
    top = [m["module"] for m in doc["top_modules"]]
    assert 0 < len(top) <= 20
    for key in KEYS:
        assert f"{PKG}.p_{key}" in top
        assert f"{PKG}.p_{key}" in [m["module"] for m in reg["modules"]]
    assert all(m["self_us"] >= 0 and m["cumulative_us"] >= m["self_us"] for m in doc["top_modules"])
    assert doc["import_registry_core_s"] > 0 and len(doc["import_registry_core"]["runs"]) == 2

    # The user's cache folder (here: the test's) was never written: children used a private one.
    after = sorted(p.name for p in cli.cache_root.rglob("*")) if cli.cache_root.exists() else []
    assert after == user_caches

    history = cli.data / "profile_history.jsonl"
    assert doc["history_path"] == str(history)
    assert len(history.read_text().splitlines()) == 1

    # A second profile, as text: readable, and appended as the second history line.
    text = cli("profile", "--target", f"{PKG}.base", "--runs", "2").stdout
    assert "Discovery profile" in text
    lines = text.splitlines()
    header = next(line for line in lines if line.strip().startswith("registry"))
    for column in ("cold", "warm", "speedup", "keys"):
        assert column in header
    row = next(line for line in lines if line.strip().startswith("plugin "))
    assert " ms" in row and "x" in row and "valid" in row
    assert "import registry_core (fresh process):" in text
    assert "Slowest imports during cold discovery" in text and f"{PKG}.p_alpha" in text
    assert f"Recorded in {history}" in text

    entries = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(entries) == 2
    from registry_core.diagnostics import history as profile_history

    assert profile_history.history_path() == str(history)
    assert [e["created"] for e in profile_history.load_history()] == [e["created"] for e in entries]
    assert profile_history.latest_profile()["created"] == entries[-1]["created"] > entries[0]["created"]


def test_a_plugin_hanging_at_import_is_cut_off_and_named(cli, make_package):
    make_package(
        plugin_files(
            "hangpkg",
            ("fine",),
            extra={
                "hangpkg/p_slow.py": "import time\ntime.sleep(30)\n",
            },
        )
    )
    started = time.perf_counter()
    result = cli(
        "profile",
        "--target",
        "hangpkg.base",
        "--target",
        f"{PKG}.base",
        "--runs",
        "1",
        "--timeout",
        "3",
        "--json",
        "--no-history",
        expect=1,
    )
    doc = result.json()
    by_name = {r["qualified_name"]: r for r in doc["registries"]}
    hung = by_name["hangpkg.base.Plugin"]
    assert hung["timed_out"]["module"] == "hangpkg.p_slow"
    assert hung["timed_out"]["phase"] == "cold" and hung["timed_out"]["after_s"] == 3
    assert "hangpkg.p_slow" in hung["error"] and "timed out after 3 s" in hung["error"]
    assert "p_slow.py" in hung["timed_out"]["stack"]  # where it hung, from the child's faulthandler dump
    assert hung["cold"]["median_s"] is None and hung["speedup"] is None
    # The other registry is still profiled, and the import-time run skipped the hanging one.
    healthy = by_name[f"{PKG}.base.Plugin"]
    assert healthy["timed_out"] is None and healthy["cold"]["median_s"] > 0 and healthy["warm"]["median_s"] > 0
    assert f"{PKG}.p_alpha" in [m["module"] for m in doc["top_modules"]]
    assert not (cli.data / "profile_history.jsonl").exists()  # --no-history

    text = cli("profile", "--target", "hangpkg.base", "--runs", "1", "--timeout", "3", expect=1).stdout
    assert "TIMED OUT" in text
    assert "cut off after 3 s while importing hangpkg.p_slow (cold run 1)" in text
    assert time.perf_counter() - started < 30


def test_profile_usage_errors_exit_2(cli):
    for bad in (["--runs", "0"], ["--timeout", "-1"], ["--runs", "many"]):
        result = cli("profile", "--target", f"{PKG}.base", *bad, expect=2)
        assert "error" in result.stderr
    result = cli("profile", "--target", "no_such_module_here", expect=2)
    assert "cannot import target 'no_such_module_here'" in result.stderr


def test_hung_module_and_importtime_parsing():
    from registry_core.diagnostics.children import hung_module
    from registry_core.diagnostics.importtime import parse_importtime, top_modules

    stderr = (
        "importing target a.base\nregistry a.base.Plugin\nimporting a.p_one\n"
        'importing a.p_two (entry point two from a-dist)\nTimeout (0:00:02)!\nThread 0x1:\n  File "x"\n'
    )
    module, stack = hung_module(stderr)
    assert module == "a.p_two" and stack.startswith("Timeout (0:00:02)!")
    rows = parse_importtime(
        "import time: self [us] | cumulative | imported package\n"
        "import time:       120 |        120 |   encodings\n"
        "registry a.base.Plugin\n"
        "import time:       900 |       1500 |     a.helper\n"
        "import time:       300 |       1800 | a.p_one\n"
    )
    assert [(r["module"], r["registry"]) for r in rows] == [
        ("encodings", None),
        ("a.helper", "a.base.Plugin"),
        ("a.p_one", "a.base.Plugin"),
    ]
    assert top_modules(rows, 2) == [
        {"module": "a.helper", "self_us": 900, "cumulative_us": 1500},
        {"module": "a.p_one", "self_us": 300, "cumulative_us": 1800},
    ]


def test_library_api_reports_progress_and_cancels_without_recording(cli):
    """What the app calls from a worker thread: progress(done, total, message), cancelled() -> bool.

    The package is on this process's sys.path only (make_package): children get it through PYTHONPATH.
    """
    import importlib

    from registry_core import diagnostics
    from registry_core.diagnostics import profiling

    registry = importlib.import_module(f"{PKG}.base").REGISTRY
    calls = []

    def progress(done, total, message):
        calls.append((done, total, message))

    doc = profiling.profile_registries(
        [registry], [f"{PKG}.base"], runs=1, progress=progress, cancelled=lambda: len(calls) >= 1
    )
    assert doc["cancelled"] is True and doc["history_path"] is None
    assert calls[0] == (0, 4, "plugin: cold run 1/1") and calls[-1] == (4, 4, "cancelled")
    # Cancel is polled while the cold child runs: it may finish first or be cut off; warm never starts.
    assert len(doc["registries"][0]["cold"]["runs"]) <= 1 and not doc["registries"][0]["warm"]["runs"]
    assert diagnostics.load_history() == [] and diagnostics.latest_profile() is None
    assert not registry.is_discovered  # profiling never discovers in the calling process
