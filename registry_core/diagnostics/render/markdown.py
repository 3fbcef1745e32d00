"""``report.md``, the summary a maintainer reads first, from the bundle's documents."""

from __future__ import annotations

from .profile import NO_DISCOVERY, without_discovery
from .text import human_size, milliseconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _verify_summary(verified: dict[str, Any]) -> str:
    from .verify import describe

    if verified.get("error"):
        return f"could not run: {verified['error']}"
    wrong = [e for e in verified["registries"] if not e["agrees"]]
    if not wrong:
        return f"every registry agrees ({len(verified['registries'])})."
    return "**DISAGREES** " + "; ".join(f"{e['name']}: {describe(e)}" for e in wrong)


def distributions_line(document: dict[str, Any]) -> str:
    """How many distributions, how many editable, and the conflicts (or none): distributions.json in one line."""
    found = document.get("conflicts") or []
    line = (
        f"{document.get('count', 0)} ({document.get('editable', 0)} editable; see distributions.json); "
        f"conflicts, checked with {document.get('checker')}: "
    )
    if not found:
        return line + "none"
    return line + f"**{len(found)}**: " + "; ".join(c["message"] for c in found)


def report_markdown(
    env: dict[str, Any],
    inventory: dict[str, Any],
    status: dict[str, Any],
    profile: dict[str, Any] | None,
    sections: list[str],
    redacted: bool,
    verified: dict[str, Any] | None = None,
    left_out: dict[str, str] | None = None,
    *,
    distributions: dict[str, Any] | None = None,
    details: dict[str, str] | None = None,
) -> str:
    """The summary a maintainer reads first.

    ``sections``: the ids of the sections the bundle includes (as its manifest says); ``left_out``: the
    others, each with why (``{id: note}``). ``distributions``: the distributions.json document (a summary
    line); ``details``: what the reporter wrote (``title``, ``what_happened``, ``steps``), shown first.
    """
    import time

    out: list[str] = []
    created = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(env["created"]))
    versions = env["versions"]
    details = details or {}
    title = " ".join(details.get("title", "").split())
    out.append(f"# Registry Inspector bug report{': ' + title if title else ''}\n")
    out.append(
        f"Created {created} by registry-inspector "
        f"{(env.get('tool') or {}).get('version') or versions.get('registry-inspector') or '?'} "
        f"(registry_core {versions.get('registry_core')}); redaction {'ON' if redacted else 'OFF'}. "
        f"Sections: {', '.join(sections)}."
        + (f" Left out: {'; '.join(f'{sid} ({why})' for sid, why in left_out.items())}." if left_out else "")
        + "\n"
    )
    for key, heading in (("what_happened", "What happened"), ("steps", "Steps to reproduce")):
        if details.get(key, "").strip():
            out.append(f"## {heading}\n")
            out.append(details[key].strip() + "\n")
    regs = inventory["registries"]
    n_fail = sum(len(r["failures"]) for r in regs)
    n_skip = sum(len(r["skipped"]) for r in regs)
    bad_caches = [c for c in status["caches"] if c["state"] in ("stale", "corrupt")]
    out.append(
        f"**At a glance:** {len(regs)} registries, {sum(len(r['plugins']) for r in regs)} plugins, "
        f"{n_fail} failed module(s), {n_skip} skipped class(es), {len(status['caches'])} cache(s) of which "
        f"{len(bad_caches)} stale or corrupt, {len(status.get('orphans', []))} orphan cache file(s).\n"
    )
    if verified is not None:
        out.append(f"**Against a fresh discovery:** {_verify_summary(verified)}\n")

    out.append("## Environment\n")
    py, plat, interp = env["python"], env["platform"], env["interpreter"]
    out.append(
        f"- Python {py['version']} ({py['implementation']}, {py['build']}) on {plat['platform']} "
        f"({plat['machine']}, {plat['cpu_count']} CPUs)"
    )
    out.append(
        f"- Interpreter: `{interp['executable']}`"
        f"{' (virtual environment)' if interp['virtualenv'] else ''}{' (frozen app)' if interp['frozen'] else ''}"
    )
    release = plat.get("os_release")
    if release:
        out.append(
            f"- OS: {release.get('PRETTY_NAME') or release.get('NAME', '?')}"
            f" (NAME {release.get('NAME', '?')}, VERSION_ID {release.get('VERSION_ID', '?')})"
        )
    runtime = env.get("runtime") or {}
    if runtime:
        out.append("- Runtime: " + ", ".join(f"{k} {v}" for k, v in runtime.items()))
    bridged = bool(interp.get("bridged"))
    absent = "not in this environment" if bridged else "not installed"
    out.append("- Versions: " + ", ".join(f"{k} {v or absent}" for k, v in versions.items()))
    if bridged:
        out.append(
            "- Inspected through `--python` (or `--remote`): the inspector ran its registry_core in this "
            "environment; its own registry-inspector, PyQt6 and pyqtgraph live elsewhere"
        )
    dists = env["plugin_distributions"]
    out.append(
        "- Plugin distributions: "
        + (", ".join(f"{d['name']} {d['version'] or '?'} ({', '.join(d['registries'])})" for d in dists) or "none")
    )
    if distributions is not None:
        out.append(f"- Installed distributions: {distributions_line(distributions)}")
    folders = {**env["paths"]["cache_dirs"], **(env["paths"].get("library_cache_dirs") or {})}
    out.append("- Cache folders: " + ", ".join(f"{ns}: `{p}`" for ns, p in folders.items()))
    out.append(f"- Log file: `{env['paths']['log_file']}`")
    out.append("- Environment variables: " + (", ".join(f"`{k}={v}`" for k, v in env["env"].items()) or "none set"))
    out.append("")

    out.append("## Registries\n")
    rows = []
    for r in regs:
        cache = r.get("cache_at_start") or {}
        cache_text = cache.get("state") or "-"
        if cache.get("reason"):
            cache_text += f" ({cache['reason']})"
        rows.append(
            [
                r["name"],
                r["package"],
                len(r["plugins"]),
                len(r["failures"]),
                len(r["skipped"]),
                len(r["excluded"]),
                r["source"],
                # (served from the cache: no discovery ran now; the figure is the run that wrote the cache)
                milliseconds(r.get("discovery_s"))
                + (" (the run that wrote the cache)" if r["source"] == "cache" and r.get("discovery_s") else ""),
                cache_text,
            ]
        )
    out.append(
        _md_table(
            [
                "registry",
                "package",
                "plugins",
                "failed modules",
                "skipped",
                "excluded",
                "source",
                "discovery",
                "cache at start",
            ],
            rows,
        )
    )
    for r in regs:
        out.append(f"### {r['name']}\n")
        package = f"package `{r['package']}`" if r["package"] else "no package of its own to discover"
        group = f"entry-point group `{r['entry_point_group']}`" if r["entry_point_group"] else "no entry-point group"
        out.append(f"Base `{r['base']}`, {package}, {group}.\n")
        if r["plugins"]:
            out.append(
                "Plugins: " + ", ".join(f"`{p['key']}` ({p['module']}:{p['class']})" for p in r["plugins"]) + "\n"
            )
        for f in r["failures"]:
            origin = f" (entry point `{f['entry_point']}` of {f['distribution']})" if f.get("entry_point") else ""
            out.append(f"**FAILED** `{f['module']}`{origin}: {f['reason']}\n")
            if f.get("traceback"):
                out.append("```\n" + f["traceback"].rstrip() + "\n```\n")
        for s in r["skipped"]:
            out.append(f"- skipped `{s['module']}:{s['class']}` ({s['status']}): {s['reason']}")
        for e in r["excluded"]:
            out.append(f"- excluded `{e['module']}`: {e['reason']}")
        if r["skipped"] or r["excluded"]:
            out.append("")

    out.append("## Caches\n")
    out.append(
        _md_table(
            ["cache", "state", "reason", "items", "size", "path"],
            [
                [
                    c["registry"],
                    c["state"],
                    "; ".join(part for part in (c.get("reason"), c.get("detail")) if part),
                    "-" if c.get("items") is None else c["items"],
                    human_size(c.get("size")),
                    c["path"],
                ]
                for c in status["caches"]
            ],
        )
    )
    for orphan in status.get("orphans", []):
        out.append(
            f"- orphan cache file `{orphan['path']}` "
            f"(written by {orphan.get('registry') or orphan.get('owner') or 'unknown'}, "
            f"{human_size(orphan.get('size'))})"
        )
    out.append("")

    out.append("## Profile\n")
    if not profile:
        out.append("No profile recorded yet (`registry-inspector profile` records one).\n")
    else:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(profile.get("created") or 0))
        out.append(
            f"Latest profile: {when}, {profile.get('runs')} run(s) each, Python {profile.get('python')}; "
            f"`import registry_core` {milliseconds(profile.get('import_registry_core_s'))}.\n"
        )
        rows = []
        for r in profile.get("registries") or []:
            cold, warm = r.get("cold") or {}, r.get("warm") or {}
            problem = ""
            if r.get("timed_out"):
                problem = "timed out" + (
                    f" importing {r['timed_out'].get('module')}" if r["timed_out"].get("module") else ""
                )
            elif r.get("error"):
                problem = str(r["error"])
            speedup = r.get("speedup")
            if without_discovery(r):
                rows.append([r.get("name"), "-", "-", "-", NO_DISCOVERY])
                continue
            rows.append(
                [
                    r.get("name"),
                    milliseconds(cold.get("median_s")),
                    milliseconds(warm.get("median_s")),
                    f"{speedup:.1f}x" if isinstance(speedup, (int, float)) else "-",
                    problem,
                ]
            )
        out.append(_md_table(["registry", "cold median", "warm median", "speedup", "problem"], rows))
        top = (profile.get("top_modules") or [])[:10]
        if top:
            out.append(
                "Slowest imports during cold discovery (self time): "
                + ", ".join(f"`{m['module']}` {m['self_us'] / 1000:.1f} ms" for m in top)
                + "\n"
            )
    return "\n".join(out).rstrip() + "\n"
