"""Generate synthetic plugin packages for the discovery benchmark.

One package per (library, flavour, size): ``synthpkg_<flavour>_<n>`` with a
``base.py`` that declares the registry root and ``plugins/pNNNN.py`` modules
that each declare one subclass with a unique key. Every library gets its own
copy under its own root directory, because the copies import different base
modules; the package *name* is the same so module paths (and therefore import
and cache work) are identical across libraries.
"""

from __future__ import annotations

import statistics
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

# Libraries a copy can be generated for. "plain" has no registry at all: it is
# what the plain import loop imports, so the floor pays for the same module
# bodies without any metaclass work.
LIBRARIES = ("ours", "anchor", "plain")
FLAVOURS = ("light", "heavy")

# Work per heavy module is a function call rather than a module-level loop:
# module-level code does dict lookups for every name, which makes the cost
# depend on the surrounding module and would skew the calibration.
_BURN_TEMPLATE = textwrap.dedent(
    """\
    def _burn(n):
        acc = 0
        for i in range(n):
            acc = (acc * 1103515245 + i) % 2147483648
        return acc


    CHECKSUM = _burn({iterations})
    """
)

_PROBE_ITERATIONS = 50_000


@dataclass(frozen=True)
class Calibration:
    """How many loop iterations give the target import-time CPU cost."""

    iterations: int
    target_ms: float
    measured_ms: float  # median cost of one module's burn at `iterations`


def package_name(flavour: str, size: int) -> str:
    return f"synthpkg_{flavour}_{size}"


def _time_burn(iterations: int, repeats: int) -> list[float]:
    """Run the exact heavy-module snippet in a fresh namespace; ms per run."""
    code = compile(_BURN_TEMPLATE.format(iterations=iterations), "<burn>", "exec")
    samples = []
    for _ in range(repeats):
        namespace: dict[str, object] = {"__name__": "burn_probe"}
        start = time.perf_counter()
        exec(code, namespace)
        samples.append((time.perf_counter() - start) * 1000.0)
    return samples


def calibrate(target_ms: float = 1.0, rounds: int = 4) -> Calibration:
    """Find the iteration count whose median cost is ~target_ms on this machine.

    A probe gives the first estimate; a few rescaling rounds then correct
    for the gap between the probe's per-iteration cost and the median at the
    real count. The median at the final count is reported, so the output
    states the cost that was achieved rather than the one asked for.
    """
    per_iteration_ms = min(_time_burn(_PROBE_ITERATIONS, 7)) / _PROBE_ITERATIONS
    iterations = max(1, round(target_ms / per_iteration_ms))
    measured = statistics.median(_time_burn(iterations, 15))
    for _ in range(rounds):
        if abs(measured - target_ms) <= 0.05 * target_ms:
            break
        iterations = max(1, round(iterations * target_ms / measured))
        measured = statistics.median(_time_burn(iterations, 15))
    return Calibration(iterations=iterations, target_ms=target_ms, measured_ms=measured)


def _base_source(library: str, pkg: str) -> str:
    if library == "ours":
        return textwrap.dedent(
            """\
            from registry_core import AutoRegisterMeta, LazyDiscoveryDict

            REGISTRY = LazyDiscoveryDict()


            class Plugin(metaclass=AutoRegisterMeta):
                __registry__ = REGISTRY
                __registry_key__ = "plugin_key"
                plugin_key = None
            """
        )
    if library == "anchor":
        # The anchor's attribute-based auto-configuration builds a
        # RegistryConfig without a discovery package, so it would never
        # discover anything: discovery (and with it the cache) only happens
        # when the root declares a RegistryConfig naming the package. The
        # unique registry_name gives each package its own cache file name.
        return textwrap.dedent(
            f"""\
            from metaclass_registry import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig

            REGISTRY = LazyDiscoveryDict(enable_cache=True)


            class Plugin(metaclass=AutoRegisterMeta):
                __registry_config__ = RegistryConfig(
                    registry_dict=REGISTRY,
                    key_attribute="plugin_key",
                    skip_if_no_key=True,
                    registry_name="{pkg}",
                    discovery_package="{pkg}.plugins",
                )
                __registry__ = REGISTRY
                __registry_key__ = "plugin_key"
                plugin_key = None
            """
        )
    if library == "plain":
        return textwrap.dedent(
            """\
            REGISTRY = {}


            class Plugin:
                plugin_key = None
            """
        )
    raise ValueError(f"unknown library {library!r}")


def _plugin_source(pkg: str, index: int, burn_iterations: int | None) -> str:
    parts = [f"from {pkg}.base import Plugin\n\n"]
    if burn_iterations is not None:
        parts.append(_BURN_TEMPLATE.format(iterations=burn_iterations) + "\n")
    parts.append(f'\nclass Plugin{index:04d}(Plugin):\n    plugin_key = "p{index:04d}"\n')
    return "".join(parts)


def generate(
    root: Path,
    library: str,
    flavour: str,
    size: int,
    burn_iterations: int,
) -> Path:
    """Write one package under ``root``; return the package directory."""
    pkg = package_name(flavour, size)
    pkg_dir = root / pkg
    plugins_dir = pkg_dir / "plugins"
    plugins_dir.mkdir(parents=True)
    (pkg_dir / "__init__.py").write_text("")
    (pkg_dir / "base.py").write_text(_base_source(library, pkg))
    (plugins_dir / "__init__.py").write_text("")
    iterations = burn_iterations if flavour == "heavy" else None
    for index in range(size):
        (plugins_dir / f"p{index:04d}.py").write_text(_plugin_source(pkg, index, iterations))
    return pkg_dir


def precompile(python: str, root: Path) -> str | None:
    """Write bytecode with the interpreter that will import the package.

    Without this the first measured run would also pay for compiling and
    writing every .pyc, and would change directory mtimes the registry cache
    may have recorded. Returns an error message instead of raising: a broken
    interpreter is reported per cell by the runs themselves.
    """
    try:
        proc = subprocess.run(
            [python, "-m", "compileall", "-q", str(root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if proc.returncode == 0 else (proc.stderr.strip() or "compileall failed")
