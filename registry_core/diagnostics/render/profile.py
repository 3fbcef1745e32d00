"""The profile document as tables: cold and warm per registry, the slowest imports, the notes."""

from __future__ import annotations

from .text import count, milliseconds, table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


#: What a partial registry's row says instead of times and ratios.
NO_DISCOVERY = "no discovery of its own"


def without_discovery(entry: dict[str, Any]) -> bool:
    """A profile entry of a partial registry (implicit, or a plain dict; its ``partial`` flag) that was listed
    without a problem: the figures a child took are the time of reading a dict, nothing to compare."""
    return entry.get("partial") is True and not entry.get("timed_out") and not entry.get("error")


def _us(us: float | None) -> str:
    return "-" if us is None else milliseconds(us / 1e6)


def render_profile(document: dict[str, Any], out: Any, verbose: bool = False) -> None:
    """The profile as readable tables."""
    import time

    regs = document["registries"]
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(document["created"]))
    out.write(
        f"Discovery profile, {when}: {count(len(regs), 'registry', 'registries')}, "
        f"{count(document['runs'], 'fresh-process run')} each, "
        f"Python {document['python']}\n"
    )
    out.write(
        "cold = empty cache, warm = valid cache; the time of list(registry.keys()) in a fresh process "
        "(median, min-max)\n"
    )
    if document.get("engine") == "registry_core":
        out.write(
            "metaclass-registry registries that discover ran on registry_core (each child called "
            "registry_core.compat.install() first)\n"
        )
    out.write("\n")
    rows = []
    for r in regs:
        cold, warm = r["cold"], r["warm"]
        speedup = r["speedup"]
        keys = "-" if r["keys"] is None else r["keys"]
        if without_discovery(r):  # its "times" are a dict read: no cold, no warm, no ratio to show
            rows.append([r["name"], "-", "-", "-", "-", "-", keys, NO_DISCOVERY])
            continue
        rows.append(
            [
                r["name"],
                milliseconds(cold["median_s"]),
                _range(cold),
                milliseconds(warm["median_s"]),
                _range(warm),
                "-" if speedup is None else f"{speedup:.1f}x",
                keys,
                "TIMED OUT" if r["timed_out"] else "ERROR" if r["error"] else (r.get("warm_cache_state") or "-"),
            ]
        )
    out.write(
        table(["registry", "cold", "cold min-max", "warm", "warm min-max", "speedup", "keys", "warm cache"], rows)
    )
    if any(without_discovery(r) for r in regs):
        out.write(
            f"  {NO_DISCOVERY}: a partial registry (implicit, or a plain dict) lists what registered at import; "
            "no discovery, no cache, nothing to time\n"
        )
    _render_engines(regs, out)
    for r in regs:
        if r["timed_out"]:
            t = r["timed_out"]
            what = (
                f"while importing {'target ' if t.get('during') == 'targets' else ''}{t['module']}"
                if t["module"]
                else "before importing any plugin module"
            )
            out.write(
                f"  TIMED OUT {r['name']}: cut off after {t['after_s']:g} s {what} ({t['phase']} run {t['run']})\n"
            )
            if verbose and t.get("stack"):
                out.write("".join(f"            {line}\n" for line in t["stack"].splitlines()))
        elif r["error"]:
            out.write(f"  ERROR     {r['name']}: {r['error']}\n")
            if verbose and r.get("details"):
                out.write("".join(f"            {line}\n" for line in r["details"].splitlines()))
        if r.get("note"):
            out.write(f"  NOTE      {r['name']}: {r['note']}\n")
    imp = document.get("import_registry_core") or {}
    out.write(
        f"\nimport registry_core (fresh process): {milliseconds(document.get('import_registry_core_s'))} median"
        f"{' (' + _range(imp) + ')' if imp.get('runs') else ''}\n"
    )
    top = document.get("top_modules") or []
    if top:
        out.write(f"\nSlowest imports during cold discovery (python -X importtime, top {len(top)} by self time):\n")
        out.write(
            table(
                ["module", "self", "cumulative"],
                [[m["module"], _us(m["self_us"]), _us(m["cumulative_us"])] for m in top],
            )
        )
    if document.get("importtime_error"):
        out.write(f"  import times incomplete: {document['importtime_error']}\n")
    for note in document.get("notes") or []:
        out.write(f"\nnote: {note}\n")
    if document.get("cancelled"):
        out.write("\nCancelled: the figures above are partial and were not recorded.\n")
    elif document.get("history_path"):
        from ..history import history_path, load_history

        if document["history_path"] == history_path():
            recorded = count(len(load_history()), "profile")
            out.write(f"\nRecorded in {document['history_path']} ({recorded} so far)\n")
        else:  # another machine's history (profile --remote): not this one's to count
            out.write(f"\nRecorded in {document['history_path']}\n")
    elif document.get("history_error"):
        out.write(f"\nNot recorded: {document['history_error']}\n")


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}x" if value >= 100 else f"{value:.1f}x" if value >= 1 else f"{value:.2f}x"


def _render_engines(regs: list[dict[str, Any]], out: Any) -> None:
    """metaclass-registry registries timed both ways: as installed and on registry_core, with the ratio."""
    paired = [r for r in regs if len(r.get("engines") or {}) == 2]
    if not paired:
        return
    out.write(
        "\nmetaclass-registry registries as installed vs on registry_core (the same program after "
        "registry_core.compat.install()),\nmedians; ratio = installed / registry_core (above 1x: faster on "
        "registry_core)\n\n"
    )
    rows = []
    for r in paired:
        mine, ours = r["engines"]["installed"], r["engines"]["registry_core"]
        ratio = r.get("engine_speedup") or {}
        keys_mine, keys_ours = mine.get("keys"), ours.get("keys")
        keys = "-" if keys_mine is None and keys_ours is None else str(keys_mine if keys_mine is not None else "-")
        if keys_ours != keys_mine:
            keys = f"{'-' if keys_mine is None else keys_mine} vs {'-' if keys_ours is None else keys_ours}"
        rows.append(
            [
                r["name"],
                milliseconds(mine["cold"]["median_s"]),
                milliseconds(ours["cold"]["median_s"]),
                _ratio(ratio.get("cold")),
                milliseconds(mine["warm"]["median_s"]),
                milliseconds(ours["warm"]["median_s"]),
                _ratio(ratio.get("warm")),
                keys,
                "TIMED OUT"
                if ours["timed_out"]
                else "ERROR"
                if ours["error"]
                else (ours.get("warm_cache_state") or "-"),
            ]
        )
    out.write(
        table(
            [
                "registry",
                "cold installed",
                "cold registry_core",
                "ratio",
                "warm installed",
                "warm registry_core",
                "ratio",
                "keys",
                "warm cache (registry_core)",
            ],
            rows,
        )
    )
    for r in paired:
        ours = r["engines"]["registry_core"]
        if ours["timed_out"] or ours["error"]:
            out.write(f"  ON REGISTRY_CORE {r['name']}: {ours['error'] or 'timed out'}\n")
        elif ours.get("keys") != r["engines"]["installed"].get("keys") and r["engines"]["installed"].get("keys"):
            out.write(f"  KEYS DIFFER {r['name']}: as installed and on registry_core list different numbers of keys\n")


def _range(block: dict[str, Any]) -> str:
    """``352.6-899.9 ms``, ``1.97-2.71 s``; the unit on both ends when they differ: ``953.1 ms-1.14 s``."""
    low, high = milliseconds(block.get("min_s")), milliseconds(block.get("max_s"))
    if low == "-" or high == "-":
        return "-"
    low_value, _, low_unit = low.partition(" ")
    if low_unit == high.partition(" ")[2]:
        return f"{low_value}-{high}"
    return f"{low}-{high}"
