"""The metaclass-registry source, on the real packages: polystore, zmqruntime (metaclass-registry 0.4.1) and a
fixture package on metaclass-registry 0.2.2, each inspected through ``--python`` (the stack's interpreter).

The truth each test compares with is what the library itself reports, computed by the
stack's interpreter reading the registries directly. Looking changes nothing: the
user's cache folder (``$XDG_CACHE_HOME/metaclass-registry``, isolated per test by the
autouse fixture and seen by both the inspector and its child) keeps every byte.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest
from cli_helpers import ROOT, check_inventory, check_status, keys
from real_stack import metaclass_registry_022, real_stack_python
from source_helpers import isolated, schema_errors

BACKEND_KEYS = [
    "bioformats",
    "disk",
    "fiji_stream",
    "memory",
    "napari_stream",
    "ome_zarr",
    "omero_local",
    "virtual_workspace",
    "zarr",
]
#: polystore's registries without discovery of their own (library-derived name -> owner class).
POLYSTORE_PARTIAL = {
    "zarr compressor factory": "polystore.config:ZarrCompressorFactory",
    "labeled mask r o i extractor": "polystore.roi:LabeledMaskROIExtractor",
    "r o i json shape decoder": "polystore.roi:ROIJsonShapeDecoder",
    "image j r o i shape converter": "polystore.roi_converters:ImageJROIShapeConverter",
    "napari shape converter": "polystore.roi_converters:NapariShapeConverter",
    "r o i shape napari payload converter": "polystore.roi_converters:ROIShapeNapariPayloadConverter",
    "viewer stream source metadata": "polystore.streaming.viewer_transport:ViewerStreamSourceMetadata",
    "viewer transport config selection": "polystore.streaming.viewer_transport:ViewerTransportConfigSelection",
}
ZMQRUNTIME = {
    "transport declaration": "zmqruntime.transport_modes:TransportDeclaration",
    "endpoint audience": "zmqruntime.messages:EndpointAudience",
    "background process platform": "zmqruntime.process_launch:BackgroundProcessPlatform",
}
PARTIAL_NOTE = "no discovery of its own: lists what registered once the modules that declare it were imported"
BACKEND_FILE = "backend_registry.json"

#: Run by the stack's interpreter: {registry name: {key as the JSON documents write it: "module:qualname"}},
#: read straight from the library's dicts (``discover`` first: "module:Class" whose registry's keys() to call).
TRUTH = r"""
import importlib, json, sys
spec = json.loads(sys.argv[1])

def owner(path):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)

def json_key(key):
    import enum
    if key is None or isinstance(key, (str, int, float, bool)):
        return key
    if isinstance(key, enum.Enum):  # as the inspector's documents write an enum key: Type.NAME
        return f"{type(key).__name__}.{key.name}"
    return repr(key)

for path in spec["discover"]:
    list(owner(path).__registry__.keys())
out = {}
for name, path in spec["owners"].items():
    registry = owner(path).__registry__
    out[name] = {json_key(k): f"{c.__module__}:{c.__qualname__}" for k, c in dict.items(registry)}
print(json.dumps(out))
"""


def library_truth(python: str, owners: dict[str, str], discover: tuple[str, ...] = (), path: tuple[str, ...] = ()):
    """What the library holds, read by ``python`` itself (its caches written into a throw-away folder)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    scratch = Path(os.environ["XDG_CACHE_HOME"]).parent / "truth-cache"
    env["XDG_CACHE_HOME"] = str(scratch)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(path)
    spec = json.dumps({"owners": owners, "discover": list(discover)})
    proc = subprocess.run(
        [python, "-c", TRUTH, spec], capture_output=True, text=True, env=env, timeout=120, cwd=str(scratch.parent)
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def user_folder() -> Path:
    """The metaclass-registry cache folder of this test's user (the autouse fixture's XDG_CACHE_HOME)."""
    return Path(os.environ["XDG_CACHE_HOME"]) / "metaclass-registry"


def classes(reg: dict) -> dict:
    return {p["key"]: f"{p['module']}:{p['class']}" for p in reg["plugins"]}


@pytest.fixture(scope="module")
def stack() -> str:
    return real_stack_python()


@pytest.fixture(scope="module")
def polystore(stack, tmp_path_factory):
    """``list --json --target polystore`` once for the module, with the library's own answers beside it."""
    folder = tmp_path_factory.mktemp("polystore")
    with isolated(folder) as cli:
        result = cli("list", "--python", stack, "--target", "polystore", "--json")
        truth = library_truth(
            stack, {"backend": "polystore.base:BackendBase", **POLYSTORE_PARTIAL}, ("polystore.base:BackendBase",)
        )
    document = result.json()
    return check_inventory(document), truth, folder, document


@pytest.fixture(scope="module")
def valid_backend_cache(stack, tmp_path_factory):
    """``rebuild --registry backend`` then ``status``, once: (rebuild result, status document, the file's bytes)."""
    folder = tmp_path_factory.mktemp("rebuilt")
    with isolated(folder) as cli:
        rebuilt = cli("rebuild", "--python", stack, "--target", "polystore", "--registry", "backend")
        status = cli("status", "--python", stack, "--target", "polystore", "--json")
        path = folder / "xdg-cache" / "metaclass-registry" / BACKEND_FILE
        assert path.is_file(), f"rebuild wrote no {path}\n{rebuilt!r}"
        return rebuilt, check_status(status.json()), path.read_bytes(), path, status.json()


def plant_cache(data: bytes, edit=None) -> Path:
    """Write the rebuilt cache file (changed by ``edit(document)`` if given) into this test's user folder."""
    folder = user_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / BACKEND_FILE
    if edit is not None:
        document = json.loads(data)
        edit(document)
        data = json.dumps(document).encode()
    path.write_bytes(data)
    return path


# -- polystore: what the library registered -----------------------------------------------------------


def test_polystore_backend_registry_is_what_the_library_reports(polystore):
    registries, truth, _, _ = polystore
    backend = registries["backend"]
    assert keys(backend) == BACKEND_KEYS
    assert sorted(truth["backend"]) == BACKEND_KEYS, "the real library disagrees with the pinned answer"
    assert classes(backend) == truth["backend"]
    assert backend["library"] == {"name": "metaclass_registry", "version": "0.4.1"}
    assert backend["base"] == "polystore.base.BackendBase"
    assert backend["package"] == "polystore"
    assert backend["partial"] is False
    assert backend["failures"] == []
    assert all(p["loaded"] for p in backend["plugins"])
    assert backend["source"] == "discovery"  # (no cache file yet: the library discovered)


def test_polystore_other_registries_are_listed_partial_with_their_note(polystore):
    registries, truth, _, _ = polystore
    assert set(registries) == {"backend", *POLYSTORE_PARTIAL}
    for name in POLYSTORE_PARTIAL:
        reg = registries[name]
        assert reg["partial"] is True, name
        assert reg["note"] == PARTIAL_NOTE, name
        assert reg["library"] == {"name": "metaclass_registry", "version": "0.4.1"}, name
        assert reg["base"] == POLYSTORE_PARTIAL[name].replace(":", "."), name
        assert classes(reg) == truth[name], name


def test_polystore_skips_say_why(polystore):
    registries, _, _, _ = polystore
    skipped = {s["class"]: s for s in registries["backend"]["skipped"]}
    assert skipped["StreamingBackend"]["status"] == "no_key"
    assert "_backend_type" in skipped["StreamingBackend"]["reason"]
    assert skipped["StorageBackend"]["status"] == "abstract"


def test_explain_a_skipped_class_and_create_no_cache(cli, stack, tmp_path):
    scratch = tmp_path / "tmpdir"  # where the private copy of the user's cache folder goes, and must go again
    scratch.mkdir()
    argv = ("explain", "--python", stack, "--target", "polystore", "StreamingBackend")
    result = cli(*argv, expect=1, env={"TMPDIR": str(scratch)})
    assert "StreamingBackend is not registered in the backend registry" in result.stdout
    assert "no key: class attribute _backend_type is not set" in result.stdout
    assert not (user_folder() / BACKEND_FILE).exists(), "explain wrote the user's cache file"
    assert not user_folder().exists(), "explain created the user's metaclass-registry folder"
    assert list(scratch.iterdir()) == [], "the private cache copy was left behind"


def test_list_creates_no_cache_file(polystore):
    _, _, folder, _ = polystore
    user = folder / "xdg-cache" / "metaclass-registry"
    assert not (user / BACKEND_FILE).exists(), "list wrote the user's cache file"
    assert not user.exists(), "list created the user's metaclass-registry folder"


def test_list_document_keeps_to_the_published_schema(polystore):
    """Partial registries (state "partial", a library, a note) are documents the schema must describe."""
    assert schema_errors("list", polystore[3]) == []


def test_status_document_keeps_to_the_published_schema(valid_backend_cache):
    assert schema_errors("status", valid_backend_cache[4]) == []


# -- polystore: its cache ------------------------------------------------------------------------------


def test_rebuild_writes_the_library_cache_and_status_says_valid(valid_backend_cache):
    rebuilt, caches, data, path, _ = valid_backend_cache
    assert "rebuilt backend" in rebuilt.stdout
    backend = caches["backend"]
    assert backend["state"] == "valid", backend
    assert backend["path"] == str(path)
    assert backend["items"] == 9
    assert backend["library"] == {"name": "metaclass_registry", "version": "0.4.1"}
    document = json.loads(data)
    assert document["version"] == "0.6.3"
    assert len(document["item_entries"]) == 9
    assert any(p.endswith(os.path.join("polystore", "disk.py")) for p in document["file_mtimes"])


def test_rebuild_of_every_registry_rebuilds_the_one_with_a_cache(cli, stack):
    """``rebuild`` with no --registry ("default: all"): polystore's registries without a cache of their own must
    not stop it from rebuilding backend, nor turn the run into a usage error."""
    result = cli("rebuild", "--python", stack, "--target", "polystore", "--json", expect=None)
    assert (user_folder() / BACKEND_FILE).is_file()
    assert result.returncode == 0, result
    rebuilt = {r["registry"]: r for r in result.json()["rebuilt"]}
    assert rebuilt["backend"]["state"] == "valid", rebuilt


def test_status_reads_the_user_cache_of_this_test(cli, stack, valid_backend_cache):
    path = plant_cache(valid_backend_cache[2])
    backend = check_status(cli("status", "--python", stack, "--target", "polystore", "--json").json())["backend"]
    assert backend["path"] == str(path), "the child did not see this test's XDG_CACHE_HOME"
    assert backend["state"] == "valid", backend


def test_status_stale_after_a_backend_file_changed(cli, stack, valid_backend_cache):
    def older_disk(document):
        (disk,) = [p for p in document["file_mtimes"] if p.endswith(os.path.join("polystore", "disk.py"))]
        document["file_mtimes"][disk] -= 10

    plant_cache(valid_backend_cache[2], older_disk)
    backend = check_status(cli("status", "--python", stack, "--target", "polystore", "--json").json())["backend"]
    assert backend["state"] == "stale", backend
    assert backend["reason_kind"] == "files", backend
    assert "disk.py" in backend["reason"]


def test_status_stale_after_a_version_bump(cli, stack, valid_backend_cache):
    def older_version(document):
        document["version"] = "0.6.2"

    plant_cache(valid_backend_cache[2], older_version)
    backend = check_status(cli("status", "--python", stack, "--target", "polystore", "--json").json())["backend"]
    assert backend["state"] == "stale", backend
    assert backend["reason_kind"] == "version", backend
    assert "0.6.2" in backend["reason"] and "0.6.3" in backend["reason"]


def test_clear_cache_removes_exactly_the_backend_file(cli, stack, valid_backend_cache):
    path = plant_cache(valid_backend_cache[2])
    unrelated = path.parent / "unrelated_registry.json"
    unrelated.write_text('{"cache_version": "1.0"}')
    notes = path.parent / "notes.txt"
    notes.write_text("keep me")
    result = cli("clear-cache", "--python", stack, "--target", "polystore", "--registry", "backend")
    assert str(path) in result.stdout
    assert not path.exists()
    assert unrelated.read_text() == '{"cache_version": "1.0"}'
    assert notes.read_text() == "keep me"
    assert sorted(p.name for p in path.parent.iterdir()) == ["notes.txt", "unrelated_registry.json"]
    # A registry with no discovery of its own keeps no file: said as rebuild says it, not "0 files removed".
    none = cli(
        "clear-cache", "--python", stack, "--target", "polystore", "--registry", "zarr compressor factory", expect=2
    )
    assert (
        none.stderr.strip()
        == "registry-inspector: the zarr compressor factory registry keeps no cache of its own to remove"
    )
    assert none.stdout == ""


def test_list_and_explain_leave_a_valid_cache_byte_identical(cli, stack, valid_backend_cache):
    path = plant_cache(valid_backend_cache[2])
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent)))
    registries = check_inventory(cli("list", "--python", stack, "--target", "polystore", "--json").json())
    assert keys(registries["backend"]) == BACKEND_KEYS
    assert registries["backend"]["cache_at_start"]["state"] == "valid"
    # The library read its valid file and left it as it was: served from it, as `list` and the window say.
    assert registries["backend"]["source"] == "cache"
    answer = cli("explain", "--python", stack, "--target", "polystore", "disk", "--json").json()["answers"][0]
    assert answer["registered"] is True and answer["outcome"]["module"] == "polystore.disk"
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))) == before


def test_a_corrupt_user_cache_survives_list_and_status_says_corrupt(cli, stack):
    """The library deletes a cache file it cannot parse: only ever its private copy, never the user's."""
    folder = user_folder()
    folder.mkdir(parents=True)
    path = folder / BACKEND_FILE
    path.write_bytes(b'{"cache_version": "1.0", "item_entries": [')
    listed = cli("list", "--python", stack, "--target", "polystore", "--json")
    registries = check_inventory(listed.json())
    assert keys(registries["backend"]) == BACKEND_KEYS
    # The library's own warning, said as ours: the user's file named, not the private copy's temporary path.
    assert f"registry-inspector: metaclass-registry: Corrupt cache file {path}, rebuilding (in the " in listed.stderr
    assert "registry-inspector-mr-" not in listed.stderr
    assert registries["backend"]["source"] == "discovery"  # (it threw its copy away and discovered)
    assert path.read_bytes() == b'{"cache_version": "1.0", "item_entries": ['
    backend = check_status(cli("status", "--python", stack, "--target", "polystore", "--json").json())["backend"]
    assert backend["state"] == "corrupt", backend
    assert backend["reason_kind"] == "wrong_shape", backend
    assert path.is_file()


def test_a_bundle_through_python_describes_the_users_environment(cli, stack, valid_backend_cache, tmp_path):
    """Not the inspector's plumbing: its private copy of the cache folder, its bridge on PYTHONPATH."""
    plant_cache(valid_backend_cache[2])
    path = tmp_path / "bundle.zip"
    cli("bundle", "--python", stack, "--target", "polystore", "-o", str(path), "--no-redact")
    with zipfile.ZipFile(path) as bundle:
        report = bundle.read("report.md").decode()
        env = json.loads(bundle.read("environment.json"))
        members = bundle.namelist()
    assert "by registry-inspector 0.1.0 " in report and "by registry-inspector ?" not in report
    # (here the tests' PYTHONPATH holds the project and its metadata: the stack may see registry-inspector)
    [versions] = [line for line in report.splitlines() if line.startswith("- Versions: ")]
    assert "not installed" not in versions and "Inspected through `--python`" in report
    assert env["interpreter"]["bridged"] is True
    assert env["env"]["XDG_CACHE_HOME"] == os.environ["XDG_CACHE_HOME"]
    assert "REGISTRY_INSPECTOR_BRIDGE" not in env["env"] and "registry-inspector-mr-" not in json.dumps(env["env"])
    assert env["paths"]["library_cache_dirs"] == {"metaclass_registry": str(user_folder())}
    assert f"metaclass_registry: `{user_folder()}`" in report
    assert "caches/metaclass-registry/" + BACKEND_FILE in members
    assert "package `None`" not in report and "no package of its own to discover, no entry-point group" in report


@pytest.mark.parametrize("written", ["ZarrCompressor.NONE", "<ZarrCompressor.NONE: 'none'>", "NONE"])
def test_explain_finds_an_enum_key_as_the_listing_writes_it(cli, stack, written):
    """A command line has only strings: the enum key that `list` shows as ZarrCompressor.NONE is found."""
    answers = cli("explain", written, "--python", stack, "--target", "polystore", "--json").json()["answers"]
    [answer] = [a for a in answers if a["registered"]]
    assert answer["registry"] == "zarr compressor factory"
    assert "polystore.config.NoZarrCompressorFactory" in answer["message"]


def test_explain_of_an_unknown_name_accounts_for_every_registry(cli, stack):
    text = cli("explain", "nosuch", "--python", stack, "--target", "polystore", expect=1).stdout
    lines = text.splitlines()
    assert lines[0].startswith("[every registry] 'nosuch' is not a key, class or module known to any of the 9 ")
    assert re.fullmatch(
        r"    backend: discovery scanned package polystore \(\d+ modules\); no entry-point group", lines[1]
    )
    assert lines[2].startswith("    no discovery of their own (what registered at import only): ")
    assert all(name in lines[2] for name in POLYSTORE_PARTIAL) and "None" not in text


# -- polystore without pandas --------------------------------------------------------------------------

BLOCKED = textwrap.dedent(
    """
    import sys

    class NoPandas:
        def find_spec(self, fullname, path=None, target=None):
            if fullname.partition(".")[0] == "pandas":
                raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
            return None

    sys.meta_path.insert(0, NoPandas())
    from registry_core.cli import main

    sys.exit(main(["list", "--json", "--target", "polystore"]))
    """
)


def test_polystore_without_pandas_lists_what_it_could_and_the_failure(stack, tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONHOME", None)
    proc = subprocess.run(
        [stack, "-c", BLOCKED], capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    registries = check_inventory(json.loads(proc.stdout))
    backend = registries["backend"]
    listed = keys(backend)
    assert "omero_local" not in listed
    assert {"disk", "memory"} <= set(listed) <= set(BACKEND_KEYS), listed
    failures = {f["module"]: f for f in backend["failures"]}
    assert "polystore.omero_local" in failures, sorted(failures)
    failure = failures["polystore.omero_local"]
    assert "pandas" in failure["error"]
    assert failure["error"].startswith("ModuleNotFoundError")
    assert failure["traceback"].startswith("Traceback (most recent call last)")
    assert "import pandas" in failure["traceback"]
    assert failure["file"].endswith(os.path.join("polystore", "omero_local.py"))
    assert "pandas" in backend["note"]
    # the registries with no discovery of their own are still there
    assert set(POLYSTORE_PARTIAL) <= set(registries)


# -- zmqruntime ----------------------------------------------------------------------------------------


def test_zmqruntime_registries_and_their_keys(cli, stack):
    registries = check_inventory(cli("list", "--python", stack, "--target", "zmqruntime", "--json").json())
    truth = library_truth(stack, ZMQRUNTIME)
    assert set(registries) == set(ZMQRUNTIME)
    for name, owner in ZMQRUNTIME.items():
        reg = registries[name]
        assert reg["base"] == owner.replace(":", "."), name
        assert reg["partial"] is True and reg["note"] == PARTIAL_NOTE, name
        assert reg["library"] == {"name": "metaclass_registry", "version": "0.4.1"}, name
        assert truth[name], f"the library's {name} registry is empty"
        assert classes(reg) == truth[name], name
    assert keys(registries["endpoint audience"]) == ["any_session", "owner_only"]
    assert keys(registries["background process platform"]) == ["win32"]
    assert len(registries["transport declaration"]["plugins"]) == 2


# -- metaclass-registry 0.2.2 on a fixture package --------------------------------------------------------

FIXTURE_022 = {
    "fx22/__init__.py": '__version__ = "1.2.3"\n',
    "fx22/base.py": """
        from abc import ABC, abstractmethod

        from metaclass_registry import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig


        class ToolBase(ABC, metaclass=AutoRegisterMeta):
            __registry_config__ = RegistryConfig(
                registry_dict=LazyDiscoveryDict(),
                key_attribute="tool_name",
                skip_if_no_key=True,
                registry_name="fixture tool",
                discovery_package="fx22.plugins",
            )
            tool_name = None

            @abstractmethod
            def run(self): ...
        """,
    "fx22/plugins/__init__.py": "",
    "fx22/plugins/alpha.py": """
        from abc import abstractmethod

        from fx22.base import ToolBase


        class AlphaTool(ToolBase):
            tool_name = "alpha"

            def run(self):
                return "alpha"


        class HalfwayTool(ToolBase):
            @abstractmethod
            def extra(self): ...


        class KeylessTool(ToolBase):
            def run(self):
                return "keyless"
        """,
    "fx22/plugins/beta.py": """
        from fx22.base import ToolBase


        class BetaTool(ToolBase):
            tool_name = "beta"

            def run(self):
                return "beta"
        """,
    "fx22/plugins/broken.py": """
        from fx22.base import ToolBase

        raise RuntimeError("fixture plugin fails on purpose")
        """,
    "fx22/plugins/dup.py": """
        from fx22.base import ToolBase


        class SecondAlpha(ToolBase):
            tool_name = "alpha"

            def run(self):
                return "second"
        """,
}


@pytest.fixture(scope="module")
def fixture_022(stack, tmp_path_factory):
    """(PYTHONPATH entries, the ``list --json`` registries, the library's own answer, the run's folder)."""
    mr022 = metaclass_registry_022()
    site = tmp_path_factory.mktemp("site022")
    for rel, text in FIXTURE_022.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    path = (mr022, str(site))
    folder = tmp_path_factory.mktemp("run022")
    with isolated(folder) as cli:
        cli.path = list(path)
        registries = check_inventory(cli("list", "--python", stack, "--target", "fx22", "--json").json())
        truth = library_truth(stack, {"fixture tool": "fx22.base:ToolBase"}, ("fx22.base:ToolBase",), path)
    return path, registries, truth, folder


def test_022_lists_plugins_as_the_library_registered_them(fixture_022):
    _, registries, truth, _ = fixture_022
    assert set(registries) == {"fixture tool"}
    reg = registries["fixture tool"]
    assert reg["library"] == {"name": "metaclass_registry", "version": "0.2.2"}
    assert reg["partial"] is False
    assert reg["package"] == "fx22.plugins"
    # 0.2.2 keeps the last class registered under a key: the library says which
    assert (
        classes(reg)
        == truth["fixture tool"]
        == {
            "alpha": "fx22.plugins.dup:SecondAlpha",
            "beta": "fx22.plugins.beta:BetaTool",
        }
    )


def test_022_failure_with_its_traceback(fixture_022):
    _, registries, _, _ = fixture_022
    failures = {f["module"]: f for f in registries["fixture tool"]["failures"]}
    assert sorted(failures) == ["fx22.plugins.broken"]
    failure = failures["fx22.plugins.broken"]
    assert failure["error"] == "RuntimeError: fixture plugin fails on purpose"
    assert "broken.py" in failure["traceback"]
    assert failure["traceback"].rstrip().endswith("RuntimeError: fixture plugin fails on purpose")


def test_022_skipped_classes_each_with_its_reason(fixture_022):
    _, registries, _, _ = fixture_022
    skipped = {s["class"]: s for s in registries["fixture tool"]["skipped"]}
    assert {name: s["status"] for name, s in skipped.items()} == {
        "HalfwayTool": "abstract",
        "KeylessTool": "no_key",
        "AlphaTool": "duplicate",
    }
    assert "extra" in skipped["HalfwayTool"]["reason"]
    assert "tool_name" in skipped["KeylessTool"]["reason"]
    assert skipped["AlphaTool"]["holder"] == "fx22.plugins.dup.SecondAlpha"
    assert "0.2 keeps the last one registered" in skipped["AlphaTool"]["reason"]


def test_022_list_leaves_the_user_cache_folder_alone(fixture_022):
    """0.2.2 writes its cache after every discovery: into the private copy, never the user's folder."""
    _, _, _, folder = fixture_022
    assert not (folder / "xdg-cache" / "metaclass-registry").exists()


@pytest.mark.parametrize(
    ("name", "cause", "words", "code"),
    [
        ("fx22.plugins.broken", "import error", "fixture plugin fails on purpose", 1),
        ("HalfwayTool", "abstract", "does not implement extra", 1),
        ("KeylessTool", "no key attribute", "tool_name", 1),
        ("AlphaTool", "duplicate key", "fx22.plugins.dup.SecondAlpha", 1),
        ("beta", "registered", "fx22.plugins.beta.BetaTool", 0),
    ],
)
def test_022_explain_gives_each_reason(cli, stack, fixture_022, name, cause, words, code):
    cli.path = list(fixture_022[0])
    document = cli("explain", "--python", stack, "--target", "fx22", name, "--json", expect=code).json()
    answers = document["answers"]
    assert [a["cause"] for a in answers] == [cause], answers
    text = answers[0]["message"] + " ".join(answers[0]["details"]) + json.dumps(answers[0]["outcome"])
    assert words in text, answers[0]
    assert schema_errors("explain", document) == []
