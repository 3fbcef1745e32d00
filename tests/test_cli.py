"""``registry-inspector`` on its default target, the embedded demo, driven as a user drives it.

Every call is a fresh ``python -m app ...`` process (see ``cli_helpers``): text
and ``--json`` output, exit codes (0 ok, 1 findings, 2 usage/target error),
caches on disk, and the log file kept out of the real home.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from cli_helpers import DEMO_REGISTRIES, Cli, check_inventory, check_status, keys
from helpers import run_python

from registry_core.cli import command_names
from registry_core.diagnostics import tool_stamp

#: The stamp every JSON document carries.
TOOL = tool_stamp()

SUBCOMMANDS = command_names()
CELLVOYAGER = "openhcs_demo.microscopes.cellvoyager"


def registry_paths(cli: Cli) -> dict[str, str]:
    """Each demo registry's cache file path, as ``status --json`` reports it."""
    caches = check_status(cli("status", "--json").json())
    return {name: caches[name]["path"] for name in DEMO_REGISTRIES}


# -- --help: every subcommand, fast, headless ----------------------------------------------------------


def test_help_lists_every_subcommand_quickly_without_qt(cli):
    from registry_core.cli import build_parser

    choices = set(next(a for a in build_parser()._actions if a.dest == "command").choices)
    assert set(SUBCOMMANDS) == choices
    assert {"list", "status", "explain", "clear-cache", "rebuild", "profile", "verify", "bundle"} <= choices
    runs = [cli("--help") for _ in range(3)]
    for name in choices:
        assert re.search(rf"^\s+{re.escape(name)}\b", runs[0].stdout, re.M), f"{name} missing from --help"
    assert runs[0].stdout.startswith("usage: registry-inspector")
    wall = min(r.seconds for r in runs)
    assert wall < 1.5, f"--help took {wall:.3f} s"

    traced = cli("--help", flags=("-X", "importtime"))
    imported = [line.split("|")[-1].strip() for line in traced.stderr.splitlines() if line.startswith("import time:")]
    assert "registry_core.cli" in imported  # the trace is real
    assert not [m for m in imported if m.split(".")[0] in ("PyQt6", "pyqtgraph", "numpy")]
    # Python-side import work, excluding the interpreter's own start: well under 0.3 s.
    top_level_us = sum(
        int(line.split("|")[1])
        for line in traced.stderr.splitlines()
        if line.startswith("import time:")
        and not line.split("|")[2].startswith("  ")
        and line.split("|")[1].strip().isdigit()
    )
    assert top_level_us < 300_000, f"imports took {top_level_us / 1e6:.3f} s"


def test_building_the_parser_and_subcommand_help_never_import_qt(cli):
    result = run_python("""
        import sys
        from registry_core import cli
        cli.build_parser().parse_args(["list", "--json"])
        import app.__main__
        print("QT", "PyQt6" in sys.modules, "pyqtgraph" in sys.modules)
    """)
    assert result.returncode == 0, result.stderr
    assert "QT False False" in result.stdout
    for command in SUBCOMMANDS:
        out = cli(command, "--help").stdout
        assert out.startswith(f"usage: registry-inspector {command}"), out
        assert "--json" in out and "--target" in out


def test_installed_console_script_runs_the_same_cli(cli):
    exe = Path(sys.executable).with_name("registry-inspector")
    assert exe.is_file(), exe
    result = cli("--help", exe=[str(exe)])
    for name in SUBCOMMANDS:
        assert name in result.stdout


# -- list ----------------------------------------------------------------------------------------------


def test_list_text_shows_registries_plugins_secondaries_failures_and_skips(cli):
    result = cli("list")
    out = result.stdout
    for name, plugin_keys in DEMO_REGISTRIES.items():
        assert re.search(
            rf"^{re.escape(name)}  \[\S+\]  package \S+, {len(plugin_keys)} plugins, discovered now$", out, re.M
        ), name
        for key in plugin_keys:
            # (the distribution column: "-" for the package's own plugins, "name version" for an entry point's)
            assert re.search(rf"^  {re.escape(key)}\s+\S+:\S+\s+yes\s+(?:(?:-|\S+ \S+)\s+)?/", out, re.M), key
    assert re.search(
        r"^  secondary METADATA_HANDLERS \(from _metadata_handler_class\): acme_cellinsight, "
        r"imagexpress, omero, openhcsdata, opera_phenix$",
        out,
        re.M,
    )
    assert f"  FAILED   {CELLVOYAGER}: ModuleNotFoundError: No module named 'cv7000_sdk'\n" in out
    assert "  SKIPPED  openhcs_demo.io.s3:S3Backend: no key: class attribute _backend_type is not set\n" in out
    assert re.search(
        r"^  SKIPPED  openhcs_demo\.processing\.skimage_compat:SkimageCompatRegistry: duplicate key "
        r"'skimage': already registered to openhcs_demo\.processing\.skimage_lib\.SkimageRegistry",
        out,
        re.M,
    )
    assert "Traceback" not in out  # only with -v
    # stderr: one short warning line for the broken plugin, no traceback
    assert "Traceback" not in result.stderr
    assert f"plugin module {CELLVOYAGER} failed to import" in result.stderr
    # the log went to the isolated XDG_STATE_HOME, with the same warning
    assert CELLVOYAGER in cli.log_file.read_text()


def test_list_verbose_shows_the_failure_traceback(cli):
    out = cli("list", "-v").stdout
    block = out.split(f"  FAILED   {CELLVOYAGER}:", 1)[1]
    assert "Traceback (most recent call last):" in block.split("\n\n")[0]
    assert "import cv7000_sdk" in block.split("\n\n")[0]


def test_list_json_schema_then_second_run_served_from_cache(cli):
    cold = cli("list", "--json")
    first = check_inventory(cold.json())
    assert list(first) == list(DEMO_REGISTRIES)
    for name, plugin_keys in DEMO_REGISTRIES.items():
        reg = first[name]
        assert reg["source"] == "discovery", name
        assert keys(reg) == plugin_keys
        assert all(p["loaded"] for p in reg["plugins"]), name
        assert all(os.path.isfile(p["file"]) for p in reg["plugins"]), name
    assert first["microscope handler"]["base"] == "openhcs_demo.microscopes.microscope_base.MicroscopeHandler"

    warm = cli("list", "--json")
    stable = ("key", "class", "module", "file", "outside_package", "secondary")
    second = check_inventory(warm.json())
    for name, plugin_keys in DEMO_REGISTRIES.items():
        reg = second[name]
        assert reg["source"] == "cache", name
        assert keys(reg) == plugin_keys
        assert not any(p["loaded"] for p in reg["plugins"]), name  # listed, not imported
        # The cache tells the same story as discovery: same classes, files, and (entry-point plugins
        # included) none "outside the package".
        assert [{k: p[k] for k in stable} for p in reg["plugins"]] == [
            {k: p[k] for k in stable} for p in first[name]["plugins"]
        ], name
    for doc in (first, second):
        [failure] = doc["microscope handler"]["failures"]
        assert failure["module"] == CELLVOYAGER
        assert failure["error"] == "ModuleNotFoundError: No module named 'cv7000_sdk'"
        assert "cv7000_sdk" in failure["reason"]
        assert failure["traceback"].startswith("Traceback (most recent call last):")
        assert "import cv7000_sdk" in failure["traceback"]
        [secondary] = doc["microscope handler"]["secondary"]
        assert secondary["name"] == "METADATA_HANDLERS"
        assert sorted(secondary["entries"]) == DEMO_REGISTRIES["microscope handler"]
        skipped = {s["class"]: s["reason"] for s in doc["storage backend"]["skipped"]}
        assert skipped["S3Backend"].startswith("no key")
        skipped = {s["class"]: s["reason"] for s in doc["library registry"]["skipped"]}
        assert skipped["SkimageCompatRegistry"].startswith("duplicate key 'skimage'")
    assert "served from cache" in cli("list").stdout


# -- status --------------------------------------------------------------------------------------------


def test_status_reports_missing_without_discovering_then_valid_after_list(cli):
    before = cli("status")
    for name in DEMO_REGISTRIES:
        assert re.search(rf"^{re.escape(name)}\s+missing\s+no cache file yet", before.stdout, re.M), name
    assert before.stdout.split("\n", 1)[0].split() == ["registry", "state", "reason", "size", "age", "items", "path"]
    caches = check_status(cli("status", "--json", "--check").json())  # missing is not a finding: exit 0
    for name in DEMO_REGISTRIES:
        assert caches[name]["state"] == "missing"
        assert caches[name]["size"] is None and caches[name]["items"] is None
        # status loads the targets but does not discover: no registry cache was written
        assert not os.path.exists(caches[name]["path"])

    cli("list")
    caches = check_status(cli("status", "--json", "--check").json())
    for name, plugin_keys in DEMO_REGISTRIES.items():
        cache = caches[name]
        assert cache["state"] == "valid", cache
        assert cache["reason"] == ""
        assert cache["items"] == len(plugin_keys)
        assert cache["size"] == os.path.getsize(cache["path"])
        assert 0 <= cache["age_s"] < 600
    text = cli("status").stdout
    for name, plugin_keys in DEMO_REGISTRIES.items():
        assert re.search(
            rf"^{re.escape(name)}\s+valid\s+matches all \d+ source files and folders\s+[\d.]+ K?i?B\s+\d+ s\s+"
            rf"{len(plugin_keys)}\s+/",
            text,
            re.M,
        )


def test_status_check_exits_1_on_a_corrupt_cache(cli):
    cli("list")
    path = registry_paths(cli)["zmq server"]
    Path(path).write_text("{truncated")
    result = cli("status", "--check", expect=1)
    assert re.search(r"^zmq server\s+corrupt\s+not valid JSON", result.stdout, re.M)
    cli("status", expect=0)  # without --check it is only a report


# -- explain -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, code, registry, cause, words",
    [
        ("imagexpress", 0, "microscope handler", "registered", "'imagexpress' is registered"),
        (
            "cellvoyager",
            1,
            "microscope handler",
            "import error",
            f"{CELLVOYAGER}, failed to import: ModuleNotFoundError: No module named 'cv7000_sdk'",
        ),
        ("S3Backend", 1, "storage backend", "no key attribute", "no key: class attribute _backend_type is not set"),
        (
            "SkimageCompatRegistry",
            1,
            "library registry",
            "duplicate key",
            "duplicate key 'skimage': already registered to openhcs_demo.processing.skimage_lib.SkimageRegistry",
        ),
    ],
)
def test_explain_known_names(cli, name, code, registry, cause, words):
    text = cli("explain", name, expect=code).stdout
    assert text.startswith(f"[{registry}] ")
    assert words in text
    assert text.count("\n[") == 0  # one registry answers
    doc = cli("explain", name, "--json", expect=code).json()
    assert doc["schema"] == 1 and doc["name"] == name
    [answer] = doc["answers"]
    assert answer["registry"] == registry
    assert answer["cause"] == cause
    assert words in answer["message"]
    assert answer["registered"] is (code == 0)


@pytest.mark.parametrize(
    "key, registry", [("acme_cellinsight", "microscope handler"), ("zeiss_czi", "storage backend")]
)
def test_explain_entry_point_plugin_is_registered_cold_and_warm(cli, key, registry):
    """Plugins of installed distributions (entry points) are in the right place, served from cache or not."""
    for run in ("cold", "warm"):
        [answer] = cli("explain", key, "--json").json()["answers"]
        assert (answer["registry"], answer["cause"], answer["registered"]) == (registry, "registered", True), run
        assert "wrong location" not in " ".join([answer["message"], *answer["details"]]), run


def test_explain_import_error_points_at_the_traceback(cli):
    short = cli("explain", "cellvoyager", expect=1).stdout
    assert "    Traceback (most recent call last):" in short
    assert "    ModuleNotFoundError: No module named 'cv7000_sdk'" in short
    # Without -v: only the frame that raised, in the plugin's file, with its source line.
    lines = short.splitlines()
    frame = next(i for i, line in enumerate(lines) if line.startswith("      File "))
    assert (
        lines[frame].endswith('cellvoyager.py", line 7, in <module>')
        and lines[frame + 1].strip() == "import cv7000_sdk"
    )
    assert sum(line.startswith("      File ") for line in lines) == 1
    assert "importlib" not in short and "registry_core" not in short
    verbose = cli("explain", "cellvoyager", "-v", expect=1).stdout  # every frame, the import machinery's too
    assert "importlib" in verbose and "import cv7000_sdk" in verbose


def test_explain_unknown_name_is_one_answer_with_the_close_matches_of_every_registry(cli):
    result = cli("explain", "imagexpres", expect=1)
    answers = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert answers == [
        f"[every registry] 'imagexpres' is not a key, class or module known to any of the {len(DEMO_REGISTRIES)} "
        "registries (not found at all): check the file is inside a discovery package, or advertised as an entry "
        "point."
    ]
    for name in DEMO_REGISTRIES:
        assert re.search(rf"^    {re.escape(name)}: discovery scanned package ", result.stdout, re.M), name
    assert "    did you mean: imagexpress (microscope handler)\n" in result.stdout
    doc = cli("explain", "DiskBackend", "--json", expect=1).json()
    [answer] = doc["answers"]
    assert (answer["registry"], answer["cause"], answer["registered"]) == ("*", "not found", False)
    assert answer["registries"] == list(DEMO_REGISTRIES)
    assert {"name": "DiskStorageBackend", "registries": ["storage backend"]} in answer["suggestions"]
    assert "did you mean: DiskStorageBackend (storage backend)" in answer["details"][-1]
    nothing_close = cli("explain", "no_such_plugin_xyz", "--json", expect=1).json()["answers"]
    assert len(nothing_close) == 1 and nothing_close[0]["suggestions"] == []


def test_explain_registry_option_restricts_the_answer(cli):
    doc = cli("explain", "imagexpress", "--registry", "storage backend", "--json", expect=1).json()
    [answer] = doc["answers"]
    assert answer["registry"] == "storage backend"
    assert answer["cause"] == "not found"
    doc = cli("explain", "imagexpress", "--registry", "microscope handler", "--json", expect=0).json()
    assert [(a["registry"], a["cause"]) for a in doc["answers"]] == [("microscope handler", "registered")]


# -- clear-cache, rebuild ------------------------------------------------------------------------------


def test_clear_cache_one_registry(cli):
    cli("list")
    paths = registry_paths(cli)
    result = cli("clear-cache", "--registry", "zmq server")
    assert result.stdout == f"removed {paths['zmq server']}\n1 cache file removed\n"
    assert not os.path.exists(paths["zmq server"])
    assert all(os.path.isfile(p) for n, p in paths.items() if n != "zmq server")
    again = cli("clear-cache", "--registry", "zmq server", "--json").json()
    assert again == {"schema": 1, "tool": TOOL, "removed": [], "caches_removed": 0}
    assert check_status(cli("status", "--json").json())["zmq server"]["state"] == "missing"


def test_clear_cache_all_keeps_foreign_files(cli):
    cli("list")
    paths = registry_paths(cli)
    folder = Path(paths["zmq server"]).parent
    notes = folder / "notes.txt"
    notes.write_text("mine, not the cache's")
    result = cli("clear-cache", "--all", "--json").json()
    removed_json = [p for p in result["removed"] if p.endswith(".json")]
    assert result["caches_removed"] == len(removed_json)
    assert set(paths.values()) <= set(removed_json)
    assert not list(folder.glob("*.json"))
    assert notes.read_text() == "mine, not the cache's"
    # Nothing rediscovered the registries in between, so a second run finds none of their caches.
    again = cli("clear-cache", "--all").stdout
    assert not set(paths.values()) & {line.removeprefix("removed ") for line in again.splitlines()}
    assert re.search(r"^\d+ cache files? removed$", again, re.M)
    assert notes.exists()


def test_clear_cache_needs_a_choice(cli):
    result = cli("clear-cache", expect=2)
    assert "clear-cache needs --registry NAME or --all" in result.stderr
    assert result.stdout == ""
    both = cli("clear-cache", "--all", "--registry", "zmq server", expect=2)
    assert "not allowed with argument" in both.stderr


def test_rebuild_all_then_one(cli):
    result = cli("rebuild")
    *lines, enum_line = result.stdout.splitlines()
    assert len(lines) == len(DEMO_REGISTRIES)
    # Rebuild all writes the enum caches that are missing too (this test's cache folder starts empty).
    assert re.fullmatch(r"rewrote the ColormapEnum enum cache -> valid \(/.*colormap_enum\.json\)", enum_line), (
        enum_line
    )
    for line, (name, plugin_keys) in zip(lines, DEMO_REGISTRIES.items()):
        assert re.match(
            rf"rebuilt {re.escape(name)}: {len(plugin_keys)} plugins?, \d+ failed modules?, \d+ skipped "
            rf"class(es)? in \d+ ms -> valid \(/",
            line,
        ), line
    assert "1 failed module," in lines[0] and "2 skipped classes" in lines[1] and "0 failed modules" in lines[1]
    caches = check_status(cli("status", "--json", "--check").json())
    assert all(caches[name]["state"] == "valid" for name in DEMO_REGISTRIES)
    assert caches["enum ColormapEnum"]["state"] == "valid"

    before = os.stat(caches["library registry"]["path"]).st_mtime_ns
    doc = cli("rebuild", "--registry", "library registry", "--json").json()
    assert doc["schema"] == 1 and "enums" not in doc  # (one registry: its cache only)
    [item] = doc["rebuilt"]
    assert item["registry"] == "library registry"
    assert (item["plugins"], item["failures"], item["skipped"]) == (4, 0, 1)
    assert item["state"] == "valid" and item["path"] == caches["library registry"]["path"]
    assert item["written"] is True and isinstance(item["seconds"], float)
    assert os.stat(item["path"]).st_mtime_ns >= before
    assert check_status(cli("status", "--json").json())["library registry"]["state"] == "valid"


def test_rebuild_that_cannot_write_a_cache_says_why_and_exits_1(cli, tmp_path):
    """Discovered, not written: a script that rebuilds before shipping must not take it for success."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache_dir = {"REGISTRY_CORE_CACHE_DIR": str(blocker / "caches")}  # (a file stands where a folder must)
    result = cli("rebuild", "--registry", "zmq server", env=cache_dir, expect=1)
    [line, said] = result.stdout.splitlines()
    assert line.startswith("rebuilt zmq server: 3 plugins") and "-> disabled: cache folder " in line
    assert "a file stands in its place" in line
    assert said == "not written: the cache of zmq server (discovered now; the next start discovers again)"
    [item] = cli("rebuild", "--registry", "zmq server", "--json", env=cache_dir, expect=1).json()["rebuilt"]
    assert (item["state"], item["written"]) == ("disabled", False)

    # Caching turned off on purpose is no failure: nothing was to be written.
    off = cli("rebuild", "--registry", "zmq server", "--json", env={"REGISTRY_CORE_DISABLE_CACHE": "1"})
    [item] = off.json()["rebuilt"]
    assert (item["state"], item["written"], item["reason"]) == (
        "disabled",
        None,
        "disabled by REGISTRY_CORE_DISABLE_CACHE=1",
    )
    text = cli("rebuild", "--registry", "zmq server", env={"REGISTRY_CORE_DISABLE_CACHE": "1"}).stdout
    assert "-> disabled by REGISTRY_CORE_DISABLE_CACHE=1 (" in text and "not written" not in text


def test_a_cache_folder_that_cannot_be_made_is_one_warning_per_folder(cli, tmp_path):
    """Every cache in the folder fails the same way: said once per folder, not once per cache (it was 7 lines)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = cli("list", env={"REGISTRY_CORE_CACHE_DIR": str(blocker / "caches")})
    said = [line for line in result.stderr.splitlines() if "cache disabled for this process" in line]
    folders = {line.split("cache folder ")[1].split(" cannot be created")[0] for line in said}
    assert len(said) == len(folders) == 2, said  # the demo's namespace, and registry_core's (the colormap enum)
    statuses = check_status(cli("status", "--json", env={"REGISTRY_CORE_CACHE_DIR": str(blocker / "caches")}).json())
    assert all(statuses[name]["state"] in ("disabled", "missing") for name in DEMO_REGISTRIES), statuses


# -- unknown registry names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "disk", "--registry", "nope"),
        ("clear-cache", "--registry", "nope"),
        ("rebuild", "--registry", "nope"),
    ],
)
def test_unknown_registry_name_lists_the_known_ones(cli, args):
    result = cli(*args, expect=2)
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        "registry-inspector: no registry named 'nope'; known registries: " + ", ".join(sorted(DEMO_REGISTRIES))
    )


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_every_subcommand_is_routed_to_the_cli_wherever_it_stands(command):
    from app.__main__ import wants_window

    for argv in ([command], ["--target", "pkg.base", command], ["-v", "--target", "pkg", command, "--json"]):
        assert not wants_window(argv), argv
    for argv in ([], ["gui"], ["--target", "pkg.base"], ["--screenshot", "x.png"]):
        assert wants_window(argv), argv
    assert not wants_window(["--help"])
