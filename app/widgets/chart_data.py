"""Profile documents -> the numbers the Timing tab draws (pure functions, no Qt).

Everything read may be missing, ``None`` or an error; the functions return rows with the problem
in words instead of raising.
"""

from __future__ import annotations

import math
import os
import statistics
from typing import Any

#: Chart names, in export order: ``<stem>-<name>.<suffix>``.
CHARTS = ("discovery", "imports", "history")
TOP_MODULES = 20
MAX_MODULE_LABEL = 40


def finite_number(value: Any) -> float | None:
    """A finite float, or None for anything else (None, strings, NaN, bools)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def timing_ms(block: Any) -> dict[str, float | None]:
    block = block if isinstance(block, dict) else {}
    median, low, high = (finite_number(block.get(k)) for k in ("median_s", "min_s", "max_s"))
    runs = block.get("runs")
    median_ms = None if median is None else median * 1000
    return {
        "median": median_ms,
        "min": median_ms if low is None else low * 1000,
        "max": median_ms if high is None else high * 1000,
        "runs": len(runs) if isinstance(runs, list) else None,
    }


def registry_rows(profile: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per registry: name, cold/warm in ms, speed-up and the problem in words (or None)."""
    rows = []
    for index, reg in enumerate((profile or {}).get("registries") or []):
        if not isinstance(reg, dict):
            continue
        cold, warm, problem = _timed(reg)
        # No discovery of its own: its figures time a dict read (a few µs), with no ratio worth a label.
        partial = reg.get("partial") is True and problem is None
        speedup = finite_number(reg.get("speedup"))
        if speedup is None and cold["median"] and warm["median"]:
            speedup = cold["median"] / warm["median"]
        rows.append(
            {
                "name": str(reg.get("name") or f"registry {index + 1}"),
                "cold": cold,
                "warm": warm,
                "speedup": speedup if problem is None and not partial else None,
                "problem": problem,
                "partial": partial,
                "error": _error_text(reg),
                "engines": engine_timings(reg) if problem is None else None,
            }
        )
    return rows


#: What the charts say of a partial registry (no discovery of its own) instead of its times.
NO_DISCOVERY = "no discovery of its own"


def discovering_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of registries that discover (or failed to be timed): those the cold/warm bars are for."""
    return [r for r in rows if not r["partial"]]


def _timed(block: dict[str, Any]) -> tuple[dict[str, float | None], dict[str, float | None], str | None]:
    """(cold, warm, the problem in words or None) of a registry entry or one engine's block."""
    cold, warm = timing_ms(block.get("cold")), timing_ms(block.get("warm"))
    problem = None
    if block.get("timed_out"):
        problem = "timed out"
    elif block.get("error"):
        problem = "error"
    elif cold["median"] is None and warm["median"] is None:
        problem = "no timing"
    return cold, warm, problem


def _error_text(block: dict[str, Any]) -> str:
    return str(block.get("error") or ("timed out" if block.get("timed_out") else ""))


#: The engines a metaclass-registry registry can be timed on, in drawing order, with their words.
ENGINES = (("installed", "as installed"), ("registry_core", "on registry_core"))


def engine_timings(reg: Any) -> dict[str, Any] | None:
    """A registry timed on both engines (``profile --engine both``): per engine its cold and warm in ms and the
    problem in words, and ``ratio`` (installed / registry_core, cold and warm; above 1: faster on
    registry_core); None for a registry timed one way."""
    engines = reg.get("engines") if isinstance(reg, dict) else None
    if not isinstance(engines, dict) or not all(isinstance(engines.get(name), dict) for name, _words in ENGINES):
        return None
    found: dict[str, Any] = {}
    for name, _words in ENGINES:
        block = engines[name]
        cold, warm, problem = _timed(block)
        keys = block.get("keys")
        found[name] = {
            "cold": cold,
            "warm": warm,
            "keys": keys if isinstance(keys, int) and not isinstance(keys, bool) else None,
            "problem": problem,
            "error": _error_text(block),
        }
    ratio: dict[str, float | None] = {}
    for phase in ("cold", "warm"):
        mine, ours = found["installed"][phase]["median"], found["registry_core"][phase]["median"]
        ratio[phase] = mine / ours if mine and ours and not found["registry_core"]["problem"] else None
    found["ratio"] = ratio
    return found


def engine_summaries(profile: dict[str, Any] | None) -> list[str]:
    """One line per registry timed both ways: ``backend: warm 783 ms as installed, 1.6 ms on registry_core
    (481× faster); cold 1.84 s, 1.83 s (1.0× faster)``."""
    lines = []
    for row in registry_rows(profile):
        engines = row["engines"]
        if not engines:
            continue
        ours = engines["registry_core"]
        if ours["problem"]:
            lines.append(
                f"{row['name']}: on registry_core, {ours['problem']}" + (f": {ours['error']}" if ours["error"] else "")
            )
            continue
        parts = []
        for phase in ("warm", "cold"):
            mine, theirs = engines["installed"][phase]["median"], ours[phase]["median"]
            if mine is None or theirs is None:
                continue
            ratio = ratio_text(engines["ratio"][phase])
            parts.append(f"{phase} {_ms(theirs)} vs {_ms(mine)}" + (f" ({ratio})" if ratio else ""))
        if parts:
            lines.append(f"{row['name']}: " + ", ".join(parts))
    return lines


def _ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def ratio_text(ratio: float | None) -> str:
    """``295× faster`` / ``1.3× slower`` / ``about the same`` (within 5%): registry_core against the library
    as installed."""
    if ratio is None:
        return ""
    if 0.95 <= ratio < 1.05:
        return "about the same"
    if ratio >= 1:
        return f"{speedup_text(ratio)} faster"
    return f"{speedup_text(1 / ratio)} slower"


def speedup_text(speedup: float | None) -> str:
    if speedup is None:
        return ""
    return f"{speedup:.0f}×" if speedup >= 100 else f"{speedup:.1f}×"


def shorten_modules(names: list[str], limit: int = MAX_MODULE_LABEL) -> tuple[list[str], str]:
    """Labels without the dotted prefix every name shares (returned too), long ones elided in the middle."""
    parts = [n.split(".") for n in names]
    prefix: list[str] = []
    if len(parts) > 1:
        for column in zip(*parts):
            if len(set(column)) != 1:
                break
            prefix.append(column[0])
        # Keep at least one component of every name.
        prefix = prefix[: min(len(p) for p in parts) - 1] if prefix else prefix
    labels = []
    for p in parts:
        label = ".".join(p[len(prefix) :])
        rest = p[len(prefix) :]
        if len(label) > limit and len(rest) > 2:
            # Keep the first component and as many trailing ones as fit: "openhcs_demo…servers.server_base".
            tail: list[str] = []
            for component in reversed(rest[1:]):
                if len(rest[0]) + 1 + len(".".join([component, *tail])) > limit:
                    break
                tail.insert(0, component)
            label = f"{rest[0]}…{'.'.join(tail)}" if tail else "…" + rest[-1]
        labels.append(_elide_middle(label, limit))
    # Two modules elided to the same label (scipy.special._x and scipy.ndimage._x both "scipy…_x"): keep their
    # characters from both ends instead, where the differing middle components show.
    clashing = {label for label in labels if labels.count(label) > 1}
    for index, label in enumerate(labels):
        if label in clashing:
            labels[index] = _elide_middle(".".join(parts[index][len(prefix) :]), limit)
    return labels, (".".join(prefix) + "." if prefix else "")


def _elide_middle(label: str, limit: int) -> str:
    if len(label) <= limit:
        return label
    keep = limit - 1
    return label[: keep // 2] + "…" + label[len(label) - (keep - keep // 2) :]


def top_modules(profile: dict[str, Any] | None, count: int = TOP_MODULES) -> list[dict[str, Any]]:
    """The ``count`` modules with the largest self import time, slowest first, times in ms."""
    rows = []
    for item in (profile or {}).get("top_modules") or []:
        if not isinstance(item, dict) or not item.get("module"):
            continue
        self_us = finite_number(item.get("self_us"))
        if self_us is None:
            continue
        cumulative = finite_number(item.get("cumulative_us"))
        rows.append(
            {
                "module": str(item["module"]),
                "self_ms": self_us / 1000,
                "cumulative_ms": None if cumulative is None else cumulative / 1000,
            }
        )
    rows.sort(key=lambda r: r["self_ms"], reverse=True)
    return rows[:count]


def history_points(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per profile run (oldest first): its time and the median of cold and warm (ms) over the registries that
    discover and were timed (``registries`` of them; ``partial``: how many have no discovery of their own, left
    out: their few µs would drown the registries that do). ``cold``/``warm`` are None when none discovers."""
    points = []
    for doc in history or []:
        if not isinstance(doc, dict):
            continue
        created = finite_number(doc.get("created"))
        if created is None:
            continue
        timed = [r for r in registry_rows(doc) if r["problem"] is None]
        rows = discovering_rows(timed)
        colds = [r["cold"]["median"] for r in rows if r["cold"]["median"] is not None]
        warms = [r["warm"]["median"] for r in rows if r["warm"]["median"] is not None]
        points.append(
            {
                "created": created,
                "cold": statistics.median(colds) if colds else None,
                "warm": statistics.median(warms) if warms else None,
                "registries": len(rows),
                "partial": len(timed) - len(rows),
                "runs": doc.get("runs"),
            }
        )
    points.sort(key=lambda p: p["created"])
    return points


def export_paths(path: str) -> list[tuple[str, str, str]]:
    """``(chart, path, format)`` per chart: ``stem-discovery.png`` ...; SVG by suffix, else a Qt image format."""
    stem, suffix = os.path.splitext(path)
    suffix = suffix.lower()
    if not suffix:
        suffix = ".png"
    fmt = "svg" if suffix == ".svg" else "image"
    return [(name, f"{stem}-{name}{suffix}", fmt) for name in CHARTS]
