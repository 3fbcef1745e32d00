"""Fresh-process children: the code they run, the environment and sys.path they get, and running one.

Timings and fresh discoveries are worthless in a process whose modules are already imported, so
``profile`` and ``verify`` ask a fresh interpreter: it imports the same targets with the same
``sys.path``, finds each registry by its qualified name, lists its keys and prints one JSON line.
A child past its timeout is killed with its process group, keeping its output (the module it was
importing, its stack where the platform allows).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: Environment variables that would leak the caller's cache or start-up configuration into children.
_SCRUBBED_ENV = ("PYTHONPROFILEIMPORTTIME", "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT")
#: Read by the child: ``registry_core`` runs metaclass-registry targets on ``registry_core.compat``.
ENGINE_VAR = "REGISTRY_INSPECTOR_PROFILE_ENGINE"
#: The folder that holds the registry_core package (site-packages, or a checkout).
_PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The child: argv = [mode, targets (comma-separated, "" = default), factory, qualified registry names...].
# mode: "discover" (times keys()), "importtime" (the same under -X importtime), "verify" (also lists every
# key with the module and class behind it), "import" (times ``import registry_core`` alone).
# Nothing but sys and time is imported before the registry_core import; json only after the timed region.
CHILD_CODE = r"""
import sys, time
_T0 = time.perf_counter()
def _say(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
def _main():
    mode, targets, factory = sys.argv[1], sys.argv[2], sys.argv[3]
    names = sys.argv[4:]
    if mode == "import":
        started = time.perf_counter()
        import registry_core
        took = time.perf_counter() - started
        import json
        print(json.dumps({"import_s": took}))
        return 0
    if mode == "importtime":
        # -X importtime sees only imports made through __import__; importlib.import_module (which discovery,
        # targets and entry points use) bypasses it. Route absolute names through __import__ here.
        import importlib
        _import_module = importlib.import_module
        def _traced_import(name, package=None):
            if package is not None or name.startswith("."):
                return _import_module(name, package)
            __import__(name)
            return sys.modules[name]
        importlib.import_module = _traced_import
    _environ = __import__("os").environ
    watchdog = float(_environ.get("REGISTRY_INSPECTOR_PROFILE_WATCHDOG", "0") or 0)
    if _environ.get("REGISTRY_INSPECTOR_PROFILE_ENGINE") == "registry_core":
        # metaclass-registry's programs on registry_core's engine: before anything imports metaclass_registry.
        import registry_core.compat
        registry_core.compat.install()
    if watchdog > 0:
        import faulthandler
        faulthandler.dump_traceback_later(watchdog, exit=False)
    import registry_core._discovery as discovery
    import registry_core._entry_points as entry_points
    discovery.on_import = lambda name: _say("importing " + name)
    discovery.on_discovery = lambda name: _say("registry " + name)
    _load = entry_points.EntryPoint.load
    def _load_entry_point(ep):
        _say("importing " + ep.module + " (entry point " + ep.name + " from " + ep.dist + ")")
        return _load(ep)
    entry_points.EntryPoint.load = _load_entry_point
    from registry_core.sources.targets import TargetError, advertised_targets, import_target, load_target
    try:
        modules = [m for m in targets.split(",") if m]
        for module in modules:
            _say("importing target " + module)
            load_target(module)  # whichever library's registries it declares (sources)
        for module in [] if modules else advertised_targets():
            _say("importing target " + module)
            import_target(module)
        if not modules and factory:
            _say("importing target " + factory)
            import importlib
            module_name, _, function = factory.partition(":")
            getattr(importlib.import_module(module_name), function)()
    except TargetError as exc:
        import json
        print(json.dumps({"error": str(exc), "error_kind": "target", "details": exc.details}))
        return 3
    from registry_core import find_registry
    registries = [find_registry(name) for name in names]
    targets_s = time.perf_counter() - _T0
    results = []
    for name, registry in zip(names, registries):
        _say("registry " + name)
        started = time.perf_counter()
        try:
            keys = list(registry.keys())
        except Exception:  # metaclass-registry's API (compat included) raises discovery's first failure
            keys = list(dict.keys(registry))
        done = time.perf_counter()
        # A registry another library built was discovered by that library while its target loaded: its time.
        took = getattr(registry, "discovery_seconds", None)
        results.append((name, registry, len(keys), done - started if took is None else took, done - _T0))
    if watchdog > 0:
        faulthandler.cancel_dump_traceback_later()
    import json
    out = []
    for name, registry, n_keys, keys_s, start_s in results:
        cache = registry.cache
        status = cache.startup_status if cache is not None else None
        report = registry.report
        out.append({"name": name, "keys": n_keys, "keys_s": keys_s, "start_s": start_s,
                    "source": report.source, "failures": len(report.failures),
                    "cache_state": None if status is None else status.state,
                    "cache_reason": None if status is None else status.reason})
        if mode == "verify":
            from registry_core._placeholder import identity_of
            out[-1]["entries"] = sorted([repr(key), *identity_of(dict.__getitem__(registry, key))]
                                        for key in dict.keys(registry))
    print(json.dumps({"targets_s": targets_s, "registries": out}))
    return 0
sys.exit(_main())
"""


class Cancelled(Exception):
    """Raised by ``run_child`` when ``cancelled()`` turns true; the caller returns what it has."""


def default_factory() -> str:
    """The ``module:function`` a child calls when no targets are named (``sources.targets.set_default_targets``)."""
    from ..sources.targets import default_targets

    return default_targets()[0] or ""


def child_pythonpath(targets: list[str] | None) -> str:
    """PYTHONPATH for a child: the project root, then every parent sys.path entry the child would lack.

    A child's own start-up adds the standard library, site-packages and .pth
    entries; what the parent added besides (PYTHONPATH, the demo folder, a test's
    package folder, the working directory of ``python -m``) is passed on, in order.
    """
    import site
    import sysconfig

    builtin = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            builtin.add(os.path.normcase(os.path.abspath(sysconfig.get_path(key))))
        except (KeyError, TypeError):
            pass
    try:
        builtin.update(os.path.normcase(os.path.abspath(p)) for p in site.getsitepackages())
    except AttributeError:
        pass
    user_site = getattr(site, "USER_SITE", None)
    if user_site:
        builtin.add(os.path.normcase(os.path.abspath(user_site)))
    prefixes = {os.path.normcase(os.path.abspath(p)) for p in (sys.base_prefix, sys.base_exec_prefix)}
    entries = [_PROJECT_ROOT]
    if not targets:
        from ..sources.targets import default_targets

        entries += [entry for entry in default_targets()[1] if os.path.isdir(entry)]
    builtin.add(os.path.normcase(os.path.dirname(os.path.abspath(sys.executable))))  # a console script's folder
    for entry in sys.path:
        path = os.path.abspath(entry or os.getcwd())
        norm = os.path.normcase(path)
        if norm in builtin or entry.endswith(".zip") and os.path.isfile(path):
            continue
        if any(norm == p or norm.startswith(p + os.sep) for p in prefixes) and "site-packages" not in norm:
            continue  # the interpreter's own library folders (lib-dynload, ...)
        if os.path.isdir(path):
            entries.append(path)
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry:
            entries.append(os.path.abspath(entry))
    seen: set[str] = set()
    ordered = []
    for entry in entries:
        key = os.path.normcase(entry)
        if key not in seen:
            seen.add(key)
            ordered.append(entry)
    return os.pathsep.join(ordered)


def child_env(pythonpath: str, cache_dir: str, watchdog_s: float, engine: str = "installed") -> dict[str, str]:
    """The child's environment: its private cache folder (both registry_core's and metaclass-registry's caches
    live under it, so removing it makes a run cold for either engine), and the engine metaclass-registry
    targets run on (``"registry_core"``: the child calls ``registry_core.compat.install()`` first)."""
    env = dict(os.environ)
    for name in _SCRUBBED_ENV:
        env.pop(name, None)
    env["PYTHONPATH"] = pythonpath
    env["REGISTRY_CORE_CACHE_DIR"] = cache_dir
    # metaclass-registry keeps its files in $XDG_CACHE_HOME/metaclass-registry: the same private folder.
    env["REGISTRY_CORE_MR_CACHE_HOME"] = cache_dir
    env["PYTHONIOENCODING"] = "utf-8"
    env["REGISTRY_INSPECTOR_PROFILE_WATCHDOG"] = f"{watchdog_s:.3f}"
    if engine == "registry_core":
        env[ENGINE_VAR] = engine
    else:
        env.pop(ENGINE_VAR, None)
    return env


class ChildResult:
    __slots__ = ("data", "stdout", "stderr", "returncode", "timed_out", "wall_s")

    def __init__(
        self, data: Any, stdout: str, stderr: str, returncode: int | None, timed_out: bool, wall_s: float
    ) -> None:
        self.data = data
        self.stdout = stdout
        self.stderr = stderr
        self.returncode = returncode
        self.timed_out = timed_out
        self.wall_s = wall_s


def _kill(process: Any) -> None:
    try:
        if os.name == "posix":
            import signal

            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (OSError, ProcessLookupError):
        try:
            process.kill()
        except OSError:
            pass


def run_child(
    argv: list[str],
    env: dict[str, str],
    cwd: str,
    timeout_s: float,
    cancelled: Callable[[], bool] | None,
    python: str,
    flags: tuple[str, ...] = (),
) -> ChildResult:
    """Run one child; kill it (and its process group) at the timeout or on cancel, keeping its output."""
    import json
    import subprocess
    import time

    kwargs: dict[str, Any] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # killpg reaches anything the plugin started
    elif hasattr(subprocess, "CREATE_NEW_PROCESS_GROUP"):
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    started = time.perf_counter()
    process = subprocess.Popen(
        [python, *flags, "-c", CHILD_CODE, *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        **kwargs,
    )
    deadline = started + timeout_s
    timed_out = False
    try:
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                timed_out = True
                break
            try:
                out, err = process.communicate(timeout=min(remaining, 0.25 if cancelled else remaining))
                break
            except subprocess.TimeoutExpired:
                if cancelled is not None and cancelled():
                    _kill(process)
                    process.communicate()
                    raise Cancelled() from None
        if timed_out:
            _kill(process)
            out, err = process.communicate()
    except BaseException:
        if process.poll() is None:
            _kill(process)
            try:
                process.communicate(timeout=5)
            except Exception:  # noqa: BLE001 - best effort while unwinding
                pass
        raise
    wall = time.perf_counter() - started
    stdout = out.decode("utf-8", "replace")
    stderr = err.decode("utf-8", "replace")
    data = None
    lines = stdout.strip().splitlines()
    if lines and not timed_out:
        try:
            data = json.loads(lines[-1])
        except ValueError:
            data = None
    return ChildResult(data, stdout, stderr, process.returncode, timed_out, wall)


def watchdog_after(timeout_s: float) -> float:
    """When the child dumps its stack: shortly before the parent's deadline."""
    return max(timeout_s - max(0.5, timeout_s * 0.1), timeout_s * 0.5)


def hung_module(stderr: str) -> tuple[str | None, str]:
    """(the module a child was importing when it stopped, its stack dump or ""), from the child's stderr."""
    module = None
    for line in stderr.splitlines():
        if line.startswith("importing target "):
            module = line[len("importing target ") :].strip()
        elif line.startswith("importing "):
            module = line[len("importing ") :].split(" (entry point", 1)[0].strip()
        elif line.startswith("registry "):
            module = None
    stack = ""
    index = stderr.find("Timeout (")
    if index >= 0:
        stack = stderr[index:].strip()
    return module, stack
