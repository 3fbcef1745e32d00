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
        cold, warm = timing_ms(reg.get("cold")), timing_ms(reg.get("warm"))
        speedup = finite_number(reg.get("speedup"))
        if speedup is None and cold["median"] and warm["median"]:
            speedup = cold["median"] / warm["median"]
        problem = None
        if reg.get("timed_out"):
            problem = "timed out"
        elif reg.get("error"):
            problem = "error"
        elif cold["median"] is None and warm["median"] is None:
            problem = "no timing"
        rows.append(
            {
                "name": str(reg.get("name") or f"registry {index + 1}"),
                "cold": cold,
                "warm": warm,
                "speedup": speedup if problem is None else None,
                "problem": problem,
                "error": str(reg.get("error") or ("timed out" if reg.get("timed_out") else "")),
            }
        )
    return rows


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
        if len(label) > limit:
            keep = limit - 1
            label = label[: keep // 2] + "…" + label[len(label) - (keep - keep // 2) :]
        labels.append(label)
    return labels, (".".join(prefix) + "." if prefix else "")


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
    """Per profile run (oldest first): its time and the median over registries of cold and warm (ms)."""
    points = []
    for doc in history or []:
        if not isinstance(doc, dict):
            continue
        created = finite_number(doc.get("created"))
        if created is None:
            continue
        rows = [r for r in registry_rows(doc) if r["problem"] is None]
        colds = [r["cold"]["median"] for r in rows if r["cold"]["median"] is not None]
        warms = [r["warm"]["median"] for r in rows if r["warm"]["median"] is not None]
        points.append(
            {
                "created": created,
                "cold": statistics.median(colds) if colds else None,
                "warm": statistics.median(warms) if warms else None,
                "registries": len(rows),
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
