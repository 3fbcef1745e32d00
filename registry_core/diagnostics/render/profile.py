"""The profile document as tables: cold and warm per registry, the slowest imports, the notes."""

from __future__ import annotations

from .text import count, milliseconds, table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
        "(median, min-max)\n\n"
    )
    rows = []
    for r in regs:
        cold, warm = r["cold"], r["warm"]
        speedup = r["speedup"]
        rows.append(
            [
                r["name"],
                milliseconds(cold["median_s"]),
                _range(cold),
                milliseconds(warm["median_s"]),
                _range(warm),
                "-" if speedup is None else f"{speedup:.1f}x",
                "-" if r["keys"] is None else r["keys"],
                "TIMED OUT" if r["timed_out"] else "ERROR" if r["error"] else (r.get("warm_cache_state") or "-"),
            ]
        )
    out.write(
        table(["registry", "cold", "cold min-max", "warm", "warm min-max", "speedup", "keys", "warm cache"], rows)
    )
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
        from ..history import load_history

        recorded = count(len(load_history()), "profile")
        out.write(f"\nRecorded in {document['history_path']} ({recorded} so far)\n")
    elif document.get("history_error"):
        out.write(f"\nNot recorded: {document['history_error']}\n")


def _range(block: dict[str, Any]) -> str:
    low, high = block.get("min_s"), block.get("max_s")
    if low is None or high is None:
        return "-"
    return f"{milliseconds(low)}-{milliseconds(high)}".replace(" ms-", "-")
