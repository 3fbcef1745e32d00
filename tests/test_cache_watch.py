"""What a cache must notice that a plain file fingerprint would not (issue 13, items 1-4 and 6-8).

Every scenario runs in fresh interpreters, as a user's starts do: a cold start
writes the cache, the world changes, and the next start must say stale with the
reason (or refuse to cache what it cannot give back as it was).
"""

from __future__ import annotations

import os
import sys
import time

from cache_helpers import cache_env, child, plugin_files, read_cache, start, write_cache

KEYS = ["alpha", "beta", "gamma"]


def test_a_plugin_file_added_while_discovery_ran_makes_the_next_start_stale(make_package, tmp_path):
    # p_alpha writes a new plugin file into the package as discovery imports it (a file arriving mid-scan).
    late = "from cwt_late.base import Plugin\nclass Plugin_late(Plugin):\n    plugin_key = 'late'\n"
    root = make_package(
        plugin_files(
            "cwt_late",
            extra={
                "cwt_late/p_alpha.py": (
                    "import os\nfrom cwt_late.base import Plugin\n"
                    "class Plugin_alpha(Plugin):\n    plugin_key = 'alpha'\n"
                    f"open(os.path.join(os.path.dirname(__file__), 'p_late.py'), 'w').write({late!r})\n"
                )
            },
        )
    )
    cache_dir = tmp_path / "cache"
    cold = start(root, "cwt_late", cache_dir)
    assert cold["keys"] == KEYS  # discovery listed the folder before the file came
    warm = start(root, "cwt_late", cache_dir)
    assert warm["startup"][0] == "stale" and "p_late.py" in warm["startup"][1], warm["startup"]
    assert warm["keys"] == ["alpha", "beta", "gamma", "late"]


def test_a_rebuild_after_discovery_keeps_the_entry_point_files(tmp_path):
    data = child(
        tmp_path,
        """
        import app.demo
        registries = {r.name: r for r in app.demo.load_demo()}
        counts = {}
        for name in ("storage backend", "microscope handler"):
            registry = registries[name]
            registry.discover()
            before = registry.cache_status().detail
            registry.rebuild()
            counts[name] = [before, registry.cache_status().detail]
        doc = json.load(open(registries["storage backend"].cache_path))
        files = [e[0] for entries in doc["files"]["roots"].values() for e in entries]
        print(json.dumps({"counts": counts, "files": files}))
        """,
        env=cache_env(tmp_path / "cache"),
    )
    for name, (before, after) in data["counts"].items():
        assert before == after, (name, before, after)
    assert any(f.endswith("czi_backend.py") for f in data["files"]), data["files"]


def test_a_missing_module_that_appears_makes_the_failure_stale(make_package, tmp_path):
    root = make_package(plugin_files("cwt_sdk", extra={"cwt_sdk/p_vendor.py": "import cwt_vendor_sdk\n"}))
    cache_dir = tmp_path / "cache"
    cold = start(root, "cwt_sdk", cache_dir)
    assert cold["keys"] == KEYS
    assert start(root, "cwt_sdk", cache_dir)["startup"] == ["valid", ""]  # still missing: stays valid
    make_package(
        {
            "cwt_vendor_sdk.py": "VERSION = 1\n",
            "cwt_sdk/p_vendor.py": "import cwt_vendor_sdk\nfrom cwt_sdk.base import Plugin\n"
            "class Plugin_vendor(Plugin):\n    plugin_key = 'vendor'\n",
        }
    )
    os.utime(root / "cwt_sdk" / "p_vendor.py", ns=(1, 1))  # the plugin file itself unchanged, as far as mtimes go
    doc = read_cache(cold["path"])
    for entries in doc["files"]["roots"].values():
        for entry in entries:
            if entry[0] == "p_vendor.py":
                entry[1], entry[2] = os.path.getsize(root / "cwt_sdk" / "p_vendor.py"), 1
    write_cache(cold["path"], doc)
    after = start(root, "cwt_sdk", cache_dir)
    assert after["startup"][0] == "stale" and "cwt_vendor_sdk is importable now" in after["startup"][1]
    assert after["keys"] == ["alpha", "beta", "gamma", "vendor"]


def test_a_transient_failure_is_tried_again_at_the_next_start(make_package, tmp_path):
    flag = tmp_path / "share-mounted"
    root = make_package(
        plugin_files(
            "cwt_share",
            extra={
                "cwt_share/p_share.py": (
                    "import os\nfrom cwt_share.base import Plugin\n"
                    f"if not os.path.exists({str(flag)!r}):\n    raise OSError('share not mounted')\n"
                    "class Plugin_share(Plugin):\n    plugin_key = 'share'\n"
                )
            },
        )
    )
    cache_dir = tmp_path / "cache"
    assert start(root, "cwt_share", cache_dir)["keys"] == KEYS
    flag.write_text("")
    again = start(root, "cwt_share", cache_dir)
    assert again["startup"][0] == "stale" and "may pass now" in again["startup"][1]
    assert again["keys"] == ["alpha", "beta", "gamma", "share"]


def test_a_helper_shared_by_two_registries_entry_points_is_fingerprinted_for_both(make_package, tmp_path):
    base = (
        "from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig\n"
        "R{n} = LazyDiscoveryDict()\n"
        "class Plugin{n}(metaclass=AutoRegisterMeta):\n"
        "    __registry_config__ = RegistryConfig(registry_dict=R{n}, key_attribute='plugin_key', "
        "registry_name='shared {n}', entry_point_group='cwt_shared_{n}')\n"
        "    plugin_key = None\n"
    )
    root = make_package(
        {
            "cwt_host/__init__.py": "",
            "cwt_host/one.py": base.format(n=1),
            "cwt_host/two.py": base.format(n=2),
            "cwt_vendor/__init__.py": "",
            "cwt_vendor/helper.py": "KEY = 'old'\n",
            "cwt_vendor/a.py": "from cwt_host.one import Plugin1\nfrom cwt_vendor.helper import KEY\n"
            "class A(Plugin1):\n    plugin_key = KEY\n",
            "cwt_vendor/b.py": "from cwt_host.two import Plugin2\nfrom cwt_vendor.helper import KEY\n"
            "class B(Plugin2):\n    plugin_key = KEY\n",
        }
    )
    make_package.dist_info(
        "cwt-vendor", "1.0", {"cwt_shared_1": {"a": "cwt_vendor.a"}, "cwt_shared_2": {"b": "cwt_vendor.b"}}
    )
    code = """
    from cwt_host.one import R1
    from cwt_host.two import R2
    print(json.dumps({"one": [sorted(R1), _st(R1.cache.startup_status)],
                      "two": [sorted(R2), _st(R2.cache.startup_status)]}))
    """
    env = cache_env(tmp_path / "cache")
    cold = child(root, code, env=env)
    assert cold["one"][0] == ["old"] and cold["two"][0] == ["old"]
    (root / "cwt_vendor" / "helper.py").write_text("KEY = 'new'\n")
    warm = child(root, code, env=env)
    assert warm["one"][1][0] == "stale" and warm["two"][1][0] == "stale", warm
    assert warm["one"][0] == ["new"] and warm["two"][0] == ["new"]


def test_the_content_hash_flag_is_part_of_what_makes_a_cache_valid(make_package, tmp_path):
    root = make_package(plugin_files("cwt_hash"))
    cache_dir = tmp_path / "cache"
    start(root, "cwt_hash", cache_dir)
    hashed = start(root, "cwt_hash", cache_dir, REGISTRY_CORE_CACHE_CONTENT_HASH="1")
    assert hashed["startup"][0] == "stale" and "content hashes" in hashed["startup"][1]
    again = start(root, "cwt_hash", cache_dir, REGISTRY_CORE_CACHE_CONTENT_HASH="1")
    assert again["startup"] == ["valid", ""]


def test_a_cache_created_in_the_future_is_stale(make_package, tmp_path):
    root = make_package(plugin_files("cwt_future"))
    cache_dir = tmp_path / "cache"
    cold = start(root, "cwt_future", cache_dir)
    doc = read_cache(cold["path"])
    doc["created"] = time.time() + 3 * 86400
    write_cache(cold["path"], doc)
    warm = start(root, "cwt_future", cache_dir)
    assert warm["startup"][0] == "stale" and "in the future" in warm["startup"][1]


def test_enum_keys_are_never_cached_as_plain_values(make_package, tmp_path):
    if sys.version_info < (3, 11):
        enum_base = "class Kind(str, enum.Enum):"
    else:
        enum_base = "class Kind(enum.StrEnum):"
    base = (
        "import enum\nfrom registry_core import AutoRegisterMeta, LazyDiscoveryDict\n"
        f"{enum_base}\n    DISK = 'disk'\n"
        "REGISTRY = LazyDiscoveryDict()\n"
        "class Plugin(metaclass=AutoRegisterMeta):\n"
        "    __registry__ = REGISTRY\n    __registry_key__ = 'plugin_key'\n    plugin_key = None\n"
    )
    root = make_package(
        {
            "cwt_enum/__init__.py": "",
            "cwt_enum/base.py": base,
            "cwt_enum/p_disk.py": "from cwt_enum.base import Plugin, Kind\nclass Disk(Plugin):\n"
            "    plugin_key = Kind.DISK\n",
        }
    )
    code = """
    from cwt_enum.base import REGISTRY as R
    keys = list(R)
    print(json.dumps({"names": [k.name for k in keys], "now": _st(R.cache_status()), "exists":
                      os.path.exists(R.cache_path)}))
    """
    env = cache_env(tmp_path / "cache")
    for _ in range(2):  # cold, then what would have been a warm start
        data = child(root, code, env=env)
        assert data["names"] == ["DISK"]  # the key object itself, with its .name
        assert not data["exists"]
        assert "Kind" in data["now"][1] and "plain str" in data["now"][1], data["now"]
