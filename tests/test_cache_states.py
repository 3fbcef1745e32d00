"""Every cache state a start can find, and the reason it gives in words.

Each scenario runs in fresh interpreters: a cold start writes the cache, the
change under test is made, the next start reports the state (before discovery
through ``cache_status()``, after it through ``cache.startup_status``), and for
every stale start the registry is rediscovered correctly, the file is rewritten,
and the start after that is valid again.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from cache_helpers import (
    START,
    bump_mtime,
    cache_env,
    child,
    plugin_files,
    plugin_source,
    read_cache,
    set_mtime,
    start,
    write_cache,
)
from helpers import BASE_MODULE

KEYS = ["alpha", "beta", "gamma"]
ALL = ["alpha", "beta", "deep", "gamma"]  # with the namespace-subpackage plugin


def _cache_files(cache_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(cache_dir)) for p in cache_dir.rglob("*.json")) if cache_dir.exists() else []


def _assert_rebuilt_then_valid(root, pkg, cache_dir, data, expected_keys, **env):
    """After a stale/corrupt start: discovery ran, the registry is right, the file is rewritten and valid."""
    assert data["source"] == "discovery"
    assert data["keys"] == expected_keys
    assert data["now"] == ["valid", ""], data["now"]
    again = start(root, pkg, cache_dir, **env)
    assert again["startup"] == ["valid", ""]
    assert again["source"] == "cache"
    assert again["keys"] == expected_keys
    assert again["plugins"] == []  # served from the rewritten cache without importing plugins


# -- missing, valid ------------------------------------------------------------------------


def test_first_start_missing_second_start_valid(make_package, tmp_path):
    root = make_package(plugin_files("cst_first"))
    cache_dir = tmp_path / "cache"

    cold = start(root, "cst_first", cache_dir)
    assert cold["before"][0] == "missing" and "no cache file" in cold["before"][1]
    assert cold["startup"][0] == "missing" and "no cache file" in cold["startup"][1]
    assert cold["source"] == "discovery"
    assert cold["keys"] == KEYS
    assert cold["now"] == ["valid", ""]
    assert os.path.isfile(cold["path"])
    assert cold["path"].startswith(str(cache_dir / "cst_first") + os.sep)

    warm = start(root, "cst_first", cache_dir)
    assert warm["before"] == ["valid", ""]
    assert warm["startup"] == ["valid", ""]
    assert warm["source"] == "cache"
    assert warm["keys"] == KEYS
    assert warm["plugins"] == []
    assert warm["path"] == cold["path"]


# -- disabled ----------------------------------------------------------------------------------

DISABLED_BASE = BASE_MODULE.replace("LazyDiscoveryDict()", "LazyDiscoveryDict(enable_cache=False)")


@pytest.mark.parametrize("how", ["enable_cache", "namespace_var", "global_var"])
def test_disabled_never_reads_or_writes(make_package, tmp_path, how):
    pkg = f"cst_disabled_{how}"
    base = DISABLED_BASE if how == "enable_cache" else BASE_MODULE
    root = make_package(plugin_files(pkg, base=base))
    cache_dir = tmp_path / "cache"
    env, words = {
        "enable_cache": ({}, "enable_cache=False"),
        "namespace_var": ({f"{pkg.upper()}_DISABLE_REGISTRY_CACHE": "1"}, f"{pkg.upper()}_DISABLE_REGISTRY_CACHE=1"),
        "global_var": ({"REGISTRY_CORE_DISABLE_CACHE": "1"}, "REGISTRY_CORE_DISABLE_CACHE=1"),
    }[how]

    for _ in range(2):  # the second start must not find anything the first one wrote
        data = start(root, pkg, cache_dir, **env)
        assert data["keys"] == KEYS
        assert data["source"] == "discovery"
        for field in ("before", "startup", "now"):
            assert data[field][0] == "disabled", (field, data[field])
            assert words in data[field][1], (field, data[field])
        assert _cache_files(cache_dir) == []
        assert "Traceback" not in data["_stderr"]


@pytest.mark.parametrize("var", ["namespace", "global"])
def test_disabling_ignores_an_existing_valid_cache(make_package, tmp_path, var):
    pkg = f"cst_disable_existing_{var}"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    before = os.stat(cold["path"])
    name = f"{pkg.upper()}_DISABLE_REGISTRY_CACHE" if var == "namespace" else "REGISTRY_CORE_DISABLE_CACHE"

    data = start(root, pkg, cache_dir, **{name: "1"})
    assert data["startup"][0] == "disabled" and name in data["startup"][1]
    assert data["source"] == "discovery"  # not served from the (valid) file
    after = os.stat(cold["path"])
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)  # not rewritten

    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]  # still valid once enabled again


# -- stale: one scenario per cause -------------------------------------------------------


def _edit_cache(field, value):
    def mutate(root, pkg, cache_path):
        doc = read_cache(cache_path)
        doc[field] = value(doc) if callable(value) else value
        write_cache(cache_path, doc)

    return mutate


def _set_version(root, pkg, cache_path):
    init = root / pkg / "__init__.py"
    init.write_text('__version__ = "2.0"\n')
    # Same size, same second: Python's own .pyc check (whole seconds + size) would run the old __init__.
    bump_mtime(init)


def _add_plugin(root, pkg, cache_path):
    (root / pkg / "p_delta.py").write_text(plugin_source(pkg, "Plugin_delta", "delta"))
    bump_mtime(root / pkg)


def _remove_plugin(root, pkg, cache_path):
    (root / pkg / "p_beta.py").unlink()
    bump_mtime(root / pkg)


def _rename_plugin(root, pkg, cache_path):
    (root / pkg / "p_beta.py").rename(root / pkg / "p_beta_renamed.py")
    bump_mtime(root / pkg)


def _modify_plugin(root, pkg, cache_path):
    path = root / pkg / "p_beta.py"
    path.write_text(plugin_source(pkg, "Plugin_beta", "beta_v2"))
    bump_mtime(path)


def _rename_key_keep_mtime(root, pkg, cache_path):
    """The key changes (so does the size); the old mtime is put back."""
    path = root / pkg / "p_beta.py"
    old = os.stat(path).st_mtime_ns
    path.write_text(plugin_source(pkg, "Plugin_beta", "beta_renamed"))
    set_mtime(path, old)
    assert os.stat(path).st_mtime_ns == old


def _edit_init(root, pkg, cache_path):
    path = root / pkg / "__init__.py"
    path.write_text('__version__ = "1.0"\n# an edit that changes nothing registered\n')
    bump_mtime(path)


def _edit_private(root, pkg, cache_path):
    path = root / pkg / "_private.py"
    path.write_text("HELPER = 2  # edited\n")
    bump_mtime(path)


def _edit_namespace_subpackage(root, pkg, cache_path):
    path = root / pkg / "nsub" / "deep.py"
    path.write_text(plugin_source(pkg, "Deep", "deep_v2"))
    bump_mtime(path)


STALE = {
    # name: (mutate, expected keys afterwards, words in the reason, env of the stale start)
    "format_version": (_edit_cache("format", 999), ALL, ["cache format version 999"], {}),
    "package_version": (_set_version, ALL, ["package version changed", "1.0", "2.0"], {}),
    "older_than_7_days": (_edit_cache("created", lambda d: time.time() - 8 * 86400), ALL, ["older than 7 days"], {}),
    "plugin_added": (_add_plugin, ["alpha", "beta", "deep", "delta", "gamma"], ["added", "p_delta.py"], {}),
    "plugin_removed": (_remove_plugin, ["alpha", "deep", "gamma"], ["removed", "p_beta.py"], {}),
    "plugin_renamed": (_rename_plugin, ALL, ["renamed", "p_beta.py", "p_beta_renamed.py"], {}),
    "plugin_modified": (_modify_plugin, ["alpha", "beta_v2", "deep", "gamma"], ["modified", "p_beta.py"], {}),
    "key_renamed_old_mtime": (
        _rename_key_keep_mtime,
        ["alpha", "beta_renamed", "deep", "gamma"],
        ["modified", "p_beta.py", "size"],
        {},
    ),
    "init_edited": (_edit_init, ALL, ["modified", "__init__.py"], {}),
    "private_module_edited": (_edit_private, ALL, ["modified", "_private.py"], {}),
    "namespace_subpackage_edited": (
        _edit_namespace_subpackage,
        ["alpha", "beta", "deep_v2", "gamma"],
        ["modified", os.path.join("nsub", "deep.py")],
        {},
    ),
    "environment_no_gpu": (
        lambda root, pkg, path: None,
        ALL,
        ["environment changed", "SUBPROCESS_NO_GPU", "unset", "'1'"],
        "NO_GPU",
    ),
}


@pytest.mark.parametrize("scenario", sorted(STALE))
def test_stale_start_reports_why_and_rebuilds(make_package, tmp_path, scenario):
    mutate, expected, words, env = STALE[scenario]
    pkg = f"cst_stale_{scenario}"
    root = make_package(
        plugin_files(
            pkg,
            extra={
                f"{pkg}/__init__.py": '__version__ = "1.0"\n',
                f"{pkg}/_private.py": "HELPER = 1\n",
                f"{pkg}/nsub/deep.py": plugin_source(pkg, "Deep", "deep"),  # nsub has no __init__: a namespace package
            },
        )
    )
    if env == "NO_GPU":
        env = {f"{pkg.upper()}_SUBPROCESS_NO_GPU": "1"}
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    assert cold["keys"] == ALL
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]  # nothing changed yet

    mutate(root, pkg, cold["path"])
    data = start(root, pkg, cache_dir, **env)
    for field in ("before", "startup"):
        state, reason = data[field]
        assert state == "stale", (field, data[field])
        for word in words:
            assert word in reason, (field, word, reason)
    _assert_rebuilt_then_valid(root, pkg, cache_dir, data, expected, **env)


# -- edits that keep size and mtime --------------------------------------------------------


def _same_size_edit(root: Path, pkg: str) -> None:
    """'beta' -> 'bet2': same size; the old mtime is put back."""
    path = root / pkg / "p_beta.py"
    st = os.stat(path)
    text = path.read_text()
    path.write_text(text.replace("'beta'", "'bet2'"))
    set_mtime(path, st.st_mtime_ns)
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_same_size_same_mtime_edit_is_not_caught_by_default(make_package, tmp_path):
    pkg = "cst_samesize_default"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    start(root, pkg, cache_dir)
    _same_size_edit(root, pkg)
    warm = start(root, pkg, cache_dir)
    # The documented limit of the stat-only check: the cache still looks valid and is used.
    assert warm["startup"] == ["valid", ""]
    assert warm["source"] == "cache"
    assert warm["keys"] == KEYS


def test_same_size_same_mtime_edit_is_caught_with_content_hash(make_package, tmp_path):
    pkg = "cst_samesize_hash"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    # Python's own .pyc check is size+mtime too: without this, the rebuild would import stale bytecode.
    env = {"REGISTRY_CORE_CACHE_CONTENT_HASH": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    cold = start(root, pkg, cache_dir, **env)
    entries = read_cache(cold["path"])["files"]["roots"][str(root / pkg)]
    assert all(len(e) == 4 for e in entries if not e[0].endswith("/"))  # sha256 stored per file
    assert start(root, pkg, cache_dir, **env)["startup"] == ["valid", ""]

    _same_size_edit(root, pkg)
    data = start(root, pkg, cache_dir, **env)
    for field in ("before", "startup"):
        state, reason = data[field]
        assert state == "stale"
        assert "content changed" in reason and "p_beta.py" in reason
    _assert_rebuilt_then_valid(root, pkg, cache_dir, data, ["alpha", "bet2", "gamma"], **env)


# -- entry points ------------------------------------------------------------------------------


def _entry_point_layout(make_package, pkg: str, ext: str) -> Path:
    return make_package(
        plugin_files(
            pkg,
            extra={
                f"{ext}/__init__.py": "",
                f"{ext}/plugins.py": f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n",
                f"{ext}/more.py": f"from {pkg}.base import Plugin\nclass More(Plugin):\n    plugin_key = 'ext_more'\n",
            },
        )
    )


def test_entry_points_edited_and_removed(make_package, tmp_path):
    pkg, ext = "cst_ep_host", "cst_ep_ext"
    root = _entry_point_layout(make_package, pkg, ext)
    group = f"{pkg}.plugin"
    dist = make_package.dist_info(ext, "1.0", {group: {"ext": f"{ext}.plugins:Ext"}})
    cache_dir = tmp_path / "cache"

    cold = start(root, pkg, cache_dir)
    assert cold["group"] == group
    assert cold["keys"] == ["alpha", "beta", "ext", "gamma"]
    warm = start(root, pkg, cache_dir)
    assert warm["startup"] == ["valid", ""]
    assert warm["keys"] == ["alpha", "beta", "ext", "gamma"]

    # Edit entry_points.txt in place: a second plugin advertised.
    text = (dist / "entry_points.txt").read_text().rstrip("\n") + f"\next_more = {ext}.more:More\n"
    (dist / "entry_points.txt").write_text(text)
    bump_mtime(dist / "entry_points.txt")
    edited = start(root, pkg, cache_dir)
    for field in ("before", "startup"):
        assert edited[field][0] == "stale"
        assert "entry points changed" in edited[field][1] and "entry_points.txt" in edited[field][1]
    _assert_rebuilt_then_valid(root, pkg, cache_dir, edited, ["alpha", "beta", "ext", "ext_more", "gamma"])

    # Uninstall: the dist-info goes away.
    shutil.rmtree(dist)
    bump_mtime(root)
    removed = start(root, pkg, cache_dir)
    for field in ("before", "startup"):
        assert removed[field][0] == "stale"
        assert "entry points changed" in removed[field][1]
    _assert_rebuilt_then_valid(root, pkg, cache_dir, removed, KEYS)


def test_entry_points_installed_after_the_cache_was_written(make_package, tmp_path):
    pkg, ext = "cst_ep_install_host", "cst_ep_install_ext"
    root = _entry_point_layout(make_package, pkg, ext)
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    assert cold["keys"] == KEYS

    make_package.dist_info(ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins:Ext"}})
    bump_mtime(root)
    installed = start(root, pkg, cache_dir)
    for field in ("before", "startup"):
        assert installed[field][0] == "stale", installed[field]
        assert "entry points changed" in installed[field][1]
    _assert_rebuilt_then_valid(root, pkg, cache_dir, installed, ["alpha", "beta", "ext", "gamma"])


def test_files_created_next_to_distributions_are_not_an_install(make_package, tmp_path):
    """A project root holding an editable install's egg-info: notes, scratch files, build output land there."""
    pkg, ext = "cst_ep_busy_host", "cst_ep_busy_ext"
    root = _entry_point_layout(make_package, pkg, ext)
    # Installed, but advertising nothing to this registry yet: its entry_points.txt is not watched.
    dist = make_package.dist_info(ext, "1.0", {"someone.else": {"ext": f"{ext}.plugins:Ext"}})
    cache_dir = tmp_path / "cache"
    assert start(root, pkg, cache_dir)["keys"] == KEYS

    (root / "notes.txt").write_text("scratch")
    (root / "build").mkdir()
    bump_mtime(root)
    busy = start(root, pkg, cache_dir)
    assert busy["before"] == ["valid", ""] and busy["startup"] == ["valid", ""]
    assert busy["source"] == "cache" and busy["plugins"] == []

    # Reinstalled at the same version (pip writes a new dist-info), now with an entry point for us: only
    # the distributions' digest can tell.
    shutil.rmtree(dist)
    dist = make_package.dist_info(
        ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins:Ext", "ext_more": f"{ext}.more:More"}}
    )
    bump_mtime(dist)
    bump_mtime(root)
    reinstalled = start(root, pkg, cache_dir)
    for field in ("before", "startup"):
        assert reinstalled[field][0] == "stale", reinstalled[field]
        assert "reinstalled" in reinstalled[field][1]
    _assert_rebuilt_then_valid(root, pkg, cache_dir, reinstalled, ["alpha", "beta", "ext", "ext_more", "gamma"])


# -- where the package imports from ------------------------------------------------------------


def test_sys_path_bringing_a_namespace_portion_or_a_shadowing_copy_is_a_change(make_package, tmp_path):
    """PYTHONPATH, a .pth file or another working directory decide what the package holds."""
    pkg = "cst_ns_host"
    files = plugin_files(pkg)
    del files[f"{pkg}/__init__.py"]  # a namespace package: every sys.path folder named like it adds modules
    root = make_package(files)
    more = tmp_path / "more"
    (more / pkg).mkdir(parents=True)
    (more / pkg / "p_delta.py").write_text(plugin_source(pkg, "Plugin_delta", "delta"))
    cache_dir = tmp_path / "cache"

    def run(*extra: Path) -> dict:
        return child(root, START.format(pkg=pkg), env=cache_env(cache_dir), path=[str(p) for p in extra])

    assert run()["keys"] == KEYS
    assert run()["startup"] == ["valid", ""]
    portion = run(more)
    assert portion["startup"][0] == "stale", portion["startup"]
    assert f"now also found at {more / pkg} (a namespace portion)" in portion["startup"][1]
    assert portion["keys"] == ["alpha", "beta", "delta", "gamma"]
    assert run(more)["startup"] == ["valid", ""]
    gone = run()
    assert gone["startup"][0] == "stale" and f"no longer found at {more / pkg}" in gone["startup"][1]
    assert gone["keys"] == KEYS

    # A regular package of the same name anywhere on sys.path wins over namespace portions: another copy.
    shadow = tmp_path / "shadow"
    for rel, text in plugin_files(pkg, keys=("omega",)).items():
        (shadow / rel).parent.mkdir(parents=True, exist_ok=True)
        (shadow / rel).write_text(text)
    shadowed = run(shadow)
    assert shadowed["startup"][0] == "stale"
    assert f"{shadow / pkg} (a package that takes precedence)" in shadowed["startup"][1]
    assert shadowed["keys"] == ["omega"]


def test_starting_from_the_project_folder_or_elsewhere_is_the_same_import_path(make_package, tmp_path):
    """``python -c``/``-m`` put the working directory first on sys.path: the project root, then somewhere else."""
    pkg = "cst_cwd_host"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(cwd: Path) -> dict:
        return child(root, START.format(pkg=pkg), env=cache_env(cache_dir), cwd=cwd)

    assert run(root)["keys"] == KEYS  # found through "" (the working directory) first
    assert run(elsewhere)["startup"] == ["valid", ""]  # through the PYTHONPATH entry: the same folder
    assert run(root)["startup"] == ["valid", ""]


def test_editing_an_entry_point_plugin_is_a_change(make_package, tmp_path):
    """A plugin package installed from its checkout (pip install -e): its sources live outside ours."""
    pkg, ext = "cst_ep_edit_host", "cst_ep_edit_ext"
    root = _entry_point_layout(make_package, pkg, ext)
    make_package.dist_info(ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins"}})
    cache_dir = tmp_path / "cache"
    assert start(root, pkg, cache_dir)["keys"] == ["alpha", "beta", "ext", "gamma"]
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]

    plugins = root / ext / "plugins.py"
    plugins.write_text(
        f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext_renamed'\n"
        "class Another(Plugin):\n    plugin_key = 'another'\n"
    )
    edited = start(root, pkg, cache_dir)
    for field in ("before", "startup"):
        assert edited[field][0] == "stale" and f"modified: {ext}/plugins.py" in edited[field][1], edited[field]
    _assert_rebuilt_then_valid(root, pkg, cache_dir, edited, ["alpha", "another", "beta", "ext_renamed", "gamma"])

    # A helper module of the plugin's package, imported by it, decides what registers: watched too.
    (root / ext / "naming.py").write_text("KEY = 'ext_from_helper'\n")
    plugins.write_text(
        f"from {pkg}.base import Plugin\nfrom {ext}.naming import KEY\nclass Ext(Plugin):\n    plugin_key = KEY\n"
    )
    assert start(root, pkg, cache_dir)["keys"] == ["alpha", "beta", "ext_from_helper", "gamma"]
    (root / ext / "naming.py").write_text("KEY = 'ext_renamed_again'\n")
    helper = start(root, pkg, cache_dir)
    assert helper["startup"][0] == "stale" and f"modified: {ext}/naming.py" in helper["startup"][1], helper["startup"]
    assert helper["keys"] == ["alpha", "beta", "ext_renamed_again", "gamma"]

    # Broken, then fixed: the fix is seen too (the failed module's file is watched although it never loaded).
    plugins.write_text("import cst_no_such_dependency\n")
    broken = start(root, pkg, cache_dir)
    assert broken["startup"][0] == "stale" and broken["keys"] == KEYS
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]
    plugins.write_text(f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n")
    bump_mtime(plugins)
    fixed = start(root, pkg, cache_dir)
    assert fixed["startup"][0] == "stale" and fixed["keys"] == ["alpha", "beta", "ext", "gamma"]


def test_editing_the_base_class_outside_the_scanned_package_is_a_change(make_package, tmp_path):
    """The base class says how keys are derived; it may live apart from the plugins it discovers."""
    host, plugs = "cst_far_host", "cst_far_plugins"
    base = (
        "from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig\n"
        "REGISTRY = LazyDiscoveryDict()\n"
        "class Plugin(metaclass=AutoRegisterMeta):\n"
        f"    __registry_config__ = RegistryConfig(registry_dict=REGISTRY, key_attribute='plugin_key',\n"
        f"                                         discovery_package={plugs!r}{{extra}})\n"
        "    plugin_key = None\n"
    )
    root = make_package(
        {
            f"{host}/__init__.py": "",
            f"{host}/base.py": base.format(extra=""),
            f"{plugs}/__init__.py": "",
            f"{plugs}/p_alpha.py": plugin_source(host, "Plugin_alpha", "alpha"),
            f"{plugs}/p_keyless.py": f"from {host}.base import Plugin\nclass Keyless(Plugin):\n    pass\n",
        }
    )
    cache_dir = tmp_path / "cache"
    assert start(root, host, cache_dir)["keys"] == ["alpha"]
    assert start(root, host, cache_dir)["startup"] == ["valid", ""]

    # A key extractor now names the keyless class.
    (root / host / "base.py").write_text(base.format(extra=", key_extractor=lambda name, cls: name.lower()"))
    edited = start(root, host, cache_dir)
    assert edited["startup"][0] == "stale" and f"modified: {host}/base.py" in edited["startup"][1], edited["startup"]
    assert edited["keys"] == ["alpha", "keyless"]
    assert start(root, host, cache_dir)["startup"] == ["valid", ""]
