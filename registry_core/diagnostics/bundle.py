"""The bug-report bundle: one zip a maintainer can read without asking follow-up questions.

Members (each section can be left out; ``manifest.json`` and ``redactions.txt`` are always there):

- ``report.md``: the human summary to read first (environment, registries and
  counts, every failure with its reason and traceback, cache states with
  reasons, the latest profile);
- ``environment.json``: Python, platform, interpreter paths, tool and plugin
  distribution versions (read from dist-info: nothing is imported), the paths
  used, the environment variables that change behaviour;
- ``registries.json`` / ``status.json``: exactly ``list --json`` / ``status --json`` (``_model``);
- ``caches/<namespace>/<file>``: the cache files themselves;
- ``profile.json``: the latest recorded profile; ``log.txt``: the recent log.

Redaction is on by default and applies to the text of every member: the home
directory becomes ``~``, the user name ``<user>``, values of environment
variables with secret-looking names ``<redacted:NAME>``, credentials in URLs
``<redacted>``. ``redactions.txt`` says which kinds were replaced, never the values.

The zip is written to a temporary file beside the target and moved into place;
an existing file is replaced only with ``force``.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable

SCHEMA = 1
FORMAT = "registry-inspector-bundle"

#: (section id, human title, members it writes) in the order the app previews them.
SECTIONS = (
    ("report", "Summary for the maintainer (report.md)", "report.md"),
    ("environment", "Python, platform, versions, paths and relevant environment variables", "environment.json"),
    ("registries", "Registries, plugins, failures and skips (list --json)", "registries.json"),
    ("status", "Cache states with reasons (status --json)", "status.json"),
    ("verify", "Each registry against a fresh discovery in a new process (verify --json)", "verify.json"),
    ("caches", "The cache files themselves", "caches/"),
    ("profile", "The latest discovery profile", "profile.json"),
    ("log", "The recent log", "log.txt"),
)

#: Parts of environment variable names whose values are treated as secrets (case-insensitive).
SECRET_NAME_PARTS = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "AUTH", "COOKIE", "CREDENTIAL")
#: Secret values shorter than this are hidden where the variable is listed, not searched for in all text.
MIN_SECRET_LEN = 6
#: Account names too generic to replace as words ("root package"); replaced only as path components.
GENERIC_USERS = frozenset({"root", "user", "admin", "administrator", "runner", "ubuntu", "nobody", "guest",
                           "test", "home", "app", "pi", "vagrant", "builder", "default", "public"})
#: How long the bundle's fresh discovery (the verify section) may take; a hang is itself worth reporting.
VERIFY_TIMEOUT_S = 30.0
#: Cache files larger than this are cut (with a note) in the bundle.
MAX_CACHE_FILE_BYTES = 8 * 1024 * 1024

_RELEVANT_ENV_EXACT = ("QT_QPA_PLATFORM", "PYTHONPATH")
_RELEVANT_ENV_PREFIXES = ("REGISTRY_CORE_", "REGISTRY_INSPECTOR_", "XDG_")
_RELEVANT_ENV_SUFFIXES = ("_DISABLE_REGISTRY_CACHE", "_SUBPROCESS_NO_GPU")
_TOOL_DISTRIBUTIONS = ("registry-inspector", "PyQt6", "pyqtgraph", "platformdirs")


class BundleExistsError(FileExistsError):
    """The output file exists and ``force`` was not given."""


def bundle_sections() -> list[tuple[str, str]]:
    """``[(section id, human title)]`` of every optional section, in bundle order (all are on by default)."""
    return [(sid, title) for sid, title, _member in SECTIONS]


class BundleResult:
    """What ``build_bundle`` wrote."""

    __slots__ = ("path", "members", "sections", "skipped", "redacted", "redaction_kinds", "size")

    def __init__(self, path: str, members: list[str], sections: list[str], skipped: dict[str, str],
                 redacted: bool, redaction_kinds: list[str], size: int) -> None:
        self.path = path
        self.members = members
        self.sections = sections
        self.skipped = skipped
        self.redacted = redacted
        self.redaction_kinds = redaction_kinds
        self.size = size

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, "path": self.path, "members": self.members, "sections": self.sections,
                "skipped": self.skipped, "redacted": self.redacted, "redaction_kinds": self.redaction_kinds,
                "size": self.size}

    def __repr__(self) -> str:
        return f"BundleResult({self.path!r}, {len(self.members)} members, redacted={self.redacted})"


# -- redaction -------------------------------------------------------------------------------------
def secret_name(name: str) -> bool:
    upper = name.upper()
    return any(part in upper for part in SECRET_NAME_PARTS)


class Redactor:
    """Replaces private text in every member; counts what it replaced by kind (never keeping values)."""

    HOME = "home directory"
    USER = "user name"
    SECRET = "values of environment variables with secret-looking names"
    URL = "credentials in URLs"
    QUERY = "secret-looking URL query parameters"

    def __init__(self, enabled: bool = True, environ: "dict[str, str] | None" = None,
                 homes: "Iterable[str] | None" = None, users: "Iterable[str] | None" = None) -> None:
        import re

        self.enabled = enabled
        self.counts: dict[str, int] = {}
        self.secret_names: list[str] = []
        environ = dict(os.environ if environ is None else environ)
        ignore = re.IGNORECASE if os.name == "nt" else 0
        self._rules: list[tuple[str, Any, Any]] = []
        # 1. secret values (longest first, so a value containing another is replaced whole)
        secrets: dict[str, str] = {}
        for name, value in environ.items():
            if secret_name(name) and value:
                self.secret_names.append(name)
                if len(value) >= MIN_SECRET_LEN:
                    secrets.setdefault(value, name)
        for value, name in sorted(secrets.items(), key=lambda kv: -len(kv[0])):
            variants = {value, _json_escaped(value)}
            pattern = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
            self._rules.append((self.SECRET, re.compile(pattern), f"<redacted:{name}>"))
        # 2. URL credentials and secret-looking query parameters
        self._rules.append((self.URL, re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#@'\"<>\\]+@"),
                            r"\1<redacted>@"))
        self._rules.append((self.QUERY, re.compile(
            r"([?&](?:[A-Za-z0-9_\-]*(?:token|key|secret|password|passwd|auth|cookie|credential)[A-Za-z0-9_\-]*)=)"
            r"[^&#\s'\"<>]+", re.IGNORECASE), r"\1<redacted>"))
        # 3. the home directory (every spelling of it), as a whole path component
        home_variants: set[str] = set()
        for home in list(homes) if homes is not None else _homes(environ):
            home = home.rstrip("/\\")
            if len(home) < 3 or os.path.normcase(home) in ("/", "c:"):
                continue
            home_variants.update({home, _json_escaped(home)})
            if os.sep == "\\":
                home_variants.update({home.replace("\\", "/"), _json_escaped(home.replace("/", "\\"))})
        if home_variants:
            pattern = "(?:" + "|".join(re.escape(h) for h in sorted(home_variants, key=len, reverse=True)) + \
                      r")(?![A-Za-z0-9_.\-])"
            self._rules.append((self.HOME, re.compile(pattern, ignore), "~"))
        # 4. the user name: as a word, or (for generic account names) only as a path component
        for user in sorted(set(users) if users is not None else _users(environ), key=len, reverse=True):
            if len(user) < 2:
                continue
            if user.lower() in GENERIC_USERS:
                pattern = r"(?<=[/\\])" + re.escape(user) + r"(?=[/\\]|$)|(?<=-of-)" + re.escape(user) + r"\b"
                self._rules.append((self.USER, re.compile(pattern, ignore | re.MULTILINE), "<user>"))
            else:
                pattern = r"(?<![A-Za-z0-9_])" + re.escape(user) + r"(?![A-Za-z0-9_])"
                self._rules.append((self.USER, re.compile(pattern, ignore), "<user>"))

    def text(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        for kind, pattern, replacement in self._rules:
            text, count = pattern.subn(replacement, text)
            if count:
                self.counts[kind] = self.counts.get(kind, 0) + count
        return text

    def env_value(self, name: str, value: str) -> str:
        """A listed environment variable's value: hidden entirely when its name looks secret."""
        if not self.enabled:
            return value
        if secret_name(name) and value:
            self.counts[self.SECRET] = self.counts.get(self.SECRET, 0) + 1
            return f"<redacted:{name}>"
        return self.text(value)

    def kinds(self) -> list[str]:
        return [kind for kind in (self.HOME, self.USER, self.SECRET, self.URL, self.QUERY) if self.counts.get(kind)]

    def summary(self) -> str:
        """``redactions.txt``: what kinds of things were replaced, and how often; never the values."""
        if not self.enabled:
            return ("Redaction was OFF for this bundle (--no-redact): it may contain your home directory, user "
                    "name, secret environment variable values and URL credentials. Share it only with people you "
                    "trust.\n")
        replaced = {
            self.HOME: 'the home directory -> "~"',
            self.USER: 'the user name -> "<user>"',
            self.SECRET: ("values of environment variables whose names contain "
                          + ", ".join(SECRET_NAME_PARTS) + ' -> "<redacted:NAME>"'),
            self.URL: 'credentials in URLs (scheme://user:password@host) -> "scheme://<redacted>@host"',
            self.QUERY: 'secret-looking URL query parameters (?token=...) -> "?token=<redacted>"',
        }
        lines = ["Redaction was ON for this bundle. Every member's text was searched, cache files and",
                 "tracebacks included. Kinds of things replaced (the values themselves are not recorded):", ""]
        for kind in self.kinds():
            lines.append(f"- {replaced[kind]}: {self.counts[kind]} occurrence(s)")
        if not self.kinds():
            lines.append("- nothing needed replacing")
        if self.secret_names:
            lines += ["", "Environment variables whose values were treated as secrets (names only): "
                      + ", ".join(sorted(self.secret_names))]
        missing = [replaced[k].split(" ->")[0] for k in replaced if not self.counts.get(k)]
        if missing:
            lines += ["", "Also searched for, not found: " + "; ".join(missing)]
        return "\n".join(lines) + "\n"


def _json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]


def _homes(environ: dict[str, str]) -> list[str]:
    homes = {os.path.expanduser("~")}
    for name in ("HOME", "USERPROFILE"):
        if environ.get(name):
            homes.add(environ[name])
    try:
        import pwd

        homes.add(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError, AttributeError):
        pass
    for home in list(homes):
        try:
            homes.add(os.path.realpath(home))
        except OSError:
            pass
    return sorted(h for h in homes if h and os.path.isabs(h))


def _users(environ: dict[str, str]) -> list[str]:
    users = {environ.get(n, "") for n in ("USER", "USERNAME", "LOGNAME")}
    try:
        import getpass

        users.add(getpass.getuser())
    except Exception:  # noqa: BLE001 - no user name is not an error here
        pass
    return sorted(u for u in users if u)


# -- documents -------------------------------------------------------------------------------------
def dist_version(name: str) -> str | None:
    """A distribution's version from its metadata (nothing of it is imported), or None."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a broken dist-info must not stop the bundle
        return None


def plugin_distributions(registries: "Iterable[Any]") -> list[dict[str, Any]]:
    """Each distribution that provided plugins through entry points, with the registries it serves."""
    found: dict[str, dict[str, Any]] = {}
    for registry in registries:
        report = registry.report
        for module in report.modules:
            dist = getattr(module, "distribution", None)
            if not dist:
                continue
            name, _, version = dist.partition(" ")
            entry = found.setdefault(name, {"name": name, "version": version or None, "registries": [],
                                            "entry_points": []})
            if registry.name not in entry["registries"]:
                entry["registries"].append(registry.name)
            if module.entry_point and module.entry_point not in entry["entry_points"]:
                entry["entry_points"].append(module.entry_point)
        for ep in getattr(registry, "_advertised", None) or ():
            entry = found.setdefault(ep.dist, {"name": ep.dist, "version": ep.version or None, "registries": [],
                                               "entry_points": []})
            if registry.name not in entry["registries"]:
                entry["registries"].append(registry.name)
            value = f"{ep.name} = {ep.value}"
            if value not in entry["entry_points"]:
                entry["entry_points"].append(value)
    return [found[k] for k in sorted(found)]


def relevant_env(environ: "dict[str, str] | None" = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    chosen = {}
    for name, value in environ.items():
        if (name in _RELEVANT_ENV_EXACT or name.startswith(_RELEVANT_ENV_PREFIXES)
                or name.endswith(_RELEVANT_ENV_SUFFIXES)):
            chosen[name] = value
    return dict(sorted(chosen.items()))


def environment_document(registries: "list[Any]") -> dict[str, Any]:
    """Python, platform, interpreter paths, versions, paths used and the relevant environment (unredacted)."""
    import platform
    import time

    from .. import __version__
    from .logs import log_dir, log_path
    from ..cache.paths import get_cache_dir, user_cache_dir, user_data_dir
    from .profiling import history_path

    namespaces = sorted({r.config.cache_namespace for r in registries if r.config is not None} | {"registry_core"})
    versions = {name: dist_version(name) for name in _TOOL_DISTRIBUTIONS}
    versions["registry_core"] = __version__
    try:
        import platformdirs

        platformdirs_paths = {
            "user_data_dir": platformdirs.user_data_dir("registry-inspector", appauthor=False),
            "user_log_dir": platformdirs.user_log_dir("registry-inspector", appauthor=False),
            "user_cache_dir": {ns: platformdirs.user_cache_dir(ns, appauthor=False) for ns in namespaces},
        }
    except Exception as exc:  # noqa: BLE001
        platformdirs_paths = {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "schema": SCHEMA,
        "created": time.time(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "build": " ".join(platform.python_build()),
            "compiler": platform.python_compiler(),
            "cache_tag": sys.implementation.cache_tag,
        },
        "platform": {
            "platform": platform.platform(),
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "byteorder": sys.byteorder,
            "filesystem_encoding": sys.getfilesystemencoding(),
            "cpu_count": os.cpu_count(),
        },
        "interpreter": {
            "executable": sys.executable,
            "prefix": sys.prefix,
            "base_prefix": sys.base_prefix,
            "exec_prefix": sys.exec_prefix,
            "virtualenv": sys.prefix != sys.base_prefix,
            "frozen": bool(getattr(sys, "frozen", False)),
            "cwd": os.getcwd(),
            "sys_path": list(sys.path),
        },
        "versions": versions,
        "plugin_distributions": plugin_distributions(registries),
        "paths": {
            "cache_dirs": {ns: get_cache_dir(ns) for ns in namespaces},
            "user_cache_dirs": {ns: user_cache_dir(ns) for ns in namespaces},
            "user_data_dir": user_data_dir(),
            "log_dir": log_dir(),
            "log_file": log_path(),
            "profile_history": history_path(),
            "platformdirs": platformdirs_paths,
        },
        "env": relevant_env(),
    }


# -- report.md -------------------------------------------------------------------------------------
def _md_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _ms(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)):
        return "-"
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _verify_summary(verified: dict[str, Any]) -> str:
    from .verify import describe

    if verified.get("error"):
        return f"could not run: {verified['error']}"
    wrong = [e for e in verified["registries"] if not e["agrees"]]
    if not wrong:
        return f"every registry agrees ({len(verified['registries'])})."
    return "**DISAGREES** " + "; ".join(f"{e['name']}: {describe(e)}" for e in wrong)


def report_markdown(env: dict[str, Any], inventory: dict[str, Any], status: dict[str, Any],
                    profile: "dict[str, Any] | None", sections: list[str], redacted: bool,
                    verified: "dict[str, Any] | None" = None) -> str:
    """The summary a maintainer reads first."""
    import time

    out: list[str] = []
    created = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(env["created"]))
    versions = env["versions"]
    out.append("# Registry Inspector bug report\n")
    out.append(f"Created {created} by registry-inspector {versions.get('registry-inspector') or '?'} "
               f"(registry_core {versions.get('registry_core')}); redaction {'ON' if redacted else 'OFF'}. "
               f"Sections: {', '.join(sections)}.\n")
    regs = inventory["registries"]
    n_fail = sum(len(r["failures"]) for r in regs)
    n_skip = sum(len(r["skipped"]) for r in regs)
    bad_caches = [c for c in status["caches"] if c["state"] in ("stale", "corrupt")]
    out.append(f"**At a glance:** {len(regs)} registries, {sum(len(r['plugins']) for r in regs)} plugins, "
               f"{n_fail} failed module(s), {n_skip} skipped class(es), {len(status['caches'])} cache(s) of which "
               f"{len(bad_caches)} stale or corrupt, {len(status.get('orphans', []))} orphan cache file(s).\n")
    if verified is not None:
        out.append(f"**Against a fresh discovery:** {_verify_summary(verified)}\n")

    out.append("## Environment\n")
    py, plat, interp = env["python"], env["platform"], env["interpreter"]
    out.append(f"- Python {py['version']} ({py['implementation']}, {py['build']}) on {plat['platform']} "
               f"({plat['machine']}, {plat['cpu_count']} CPUs)")
    out.append(f"- Interpreter: `{interp['executable']}`"
               f"{' (virtual environment)' if interp['virtualenv'] else ''}{' (frozen app)' if interp['frozen'] else ''}")
    out.append("- Versions: " + ", ".join(f"{k} {v or 'not installed'}" for k, v in versions.items()))
    dists = env["plugin_distributions"]
    out.append("- Plugin distributions: " + (", ".join(
        f"{d['name']} {d['version'] or '?'} ({', '.join(d['registries'])})" for d in dists) or "none"))
    out.append("- Cache folders: " + ", ".join(f"{ns}: `{p}`" for ns, p in env["paths"]["cache_dirs"].items()))
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
        rows.append([r["name"], r["package"], len(r["plugins"]), len(r["failures"]), len(r["skipped"]),
                     len(r["excluded"]), r["source"], _ms(r.get("discovery_s")), cache_text])
    out.append(_md_table(["registry", "package", "plugins", "failed modules", "skipped", "excluded", "source",
                          "discovery", "cache at start"], rows))
    for r in regs:
        out.append(f"### {r['name']}\n")
        out.append(f"Base `{r['base']}`, package `{r['package']}`, entry-point group `{r['entry_point_group']}`.\n")
        if r["plugins"]:
            out.append("Plugins: " + ", ".join(f"`{p['key']}` ({p['module']}:{p['class']})" for p in r["plugins"])
                       + "\n")
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
    out.append(_md_table(["cache", "state", "reason", "items", "size", "path"],
                         [[c["registry"], c["state"], c["reason"] or "", c["items"], c["size"], c["path"]]
                          for c in status["caches"]]))
    for orphan in status.get("orphans", []):
        out.append(f"- orphan cache file `{orphan['path']}` (written by {orphan.get('registry') or orphan.get('owner') or 'unknown'})")
    out.append("")

    out.append("## Profile\n")
    if not profile:
        out.append("No profile recorded yet (`registry-inspector profile` records one).\n")
    else:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(profile.get("created") or 0))
        out.append(f"Latest profile: {when}, {profile.get('runs')} run(s) each, Python {profile.get('python')}; "
                   f"`import registry_core` {_ms(profile.get('import_registry_core_s'))}.\n")
        rows = []
        for r in profile.get("registries") or []:
            cold, warm = r.get("cold") or {}, r.get("warm") or {}
            problem = ""
            if r.get("timed_out"):
                problem = "timed out" + (f" importing {r['timed_out'].get('module')}" if r["timed_out"].get("module")
                                         else "")
            elif r.get("error"):
                problem = str(r["error"])
            speedup = r.get("speedup")
            rows.append([r.get("name"), _ms(cold.get("median_s")), _ms(warm.get("median_s")),
                         f"{speedup:.1f}x" if isinstance(speedup, (int, float)) else "-", problem])
        out.append(_md_table(["registry", "cold median", "warm median", "speedup", "problem"], rows))
        top = (profile.get("top_modules") or [])[:10]
        if top:
            out.append("Slowest imports during cold discovery (self time): " + ", ".join(
                f"`{m['module']}` {m['self_us'] / 1000:.1f} ms" for m in top) + "\n")
    return "\n".join(out).rstrip() + "\n"


# -- the zip ---------------------------------------------------------------------------------------
def safe_member_name(name: str) -> str:
    """A relative, normalised zip member name: no absolute path, drive, ``..`` or odd characters."""
    import re

    parts = []
    for part in re.split(r"[\\/]+", name):
        part = re.sub(r"[^A-Za-z0-9._\-]", "_", part).strip(".") if part not in (".", "..") else ""
        if part:
            parts.append(part)
    if not parts:
        raise ValueError(f"no usable member name in {name!r}")
    return "/".join(parts)


def _cache_members(status: dict[str, Any], redactor: Redactor) -> list[tuple[str, str]]:
    paths = []
    for cache in status["caches"]:
        if cache.get("path"):
            paths.append(cache["path"])
    for orphan in status.get("orphans", []):
        if orphan.get("path"):
            paths.append(orphan["path"])
    members = []
    seen: set[str] = set()
    for path in paths:
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_CACHE_FILE_BYTES + 1)
        except OSError as exc:
            members.append((f"caches/{os.path.basename(path)}.unreadable.txt", f"cannot read {path}: {exc}\n"))
            continue
        text = raw[:MAX_CACHE_FILE_BYTES].decode("utf-8", "replace")
        if len(raw) > MAX_CACHE_FILE_BYTES:
            text += f"\n[cut at {MAX_CACHE_FILE_BYTES} bytes]\n"
        namespace = os.path.basename(os.path.dirname(path))
        name = f"caches/{redactor.text(namespace)}/{redactor.text(os.path.basename(path))}"
        members.append((name, text))
    return members


def build_bundle(path: str, registries: "list[Any]", *, redact: bool = True, sections: "Iterable[str] | None" = None,
                 force: bool = False, targets: "list[str] | None" = None) -> BundleResult:
    """Write the bug-report bundle to ``path`` (a zip); return what was written.

    ``sections``: ids from :func:`bundle_sections` (None: all); ``targets``: the modules the registries came
    from (None: the default targets), for the fresh discovery of the verify section. Raises
    :class:`BundleExistsError` when ``path`` exists and ``force`` is false,
    ``ValueError`` for an unknown section, ``OSError`` when the folder is not writable.
    """
    import json
    import time

    known = [sid for sid, _title, _m in SECTIONS]
    chosen = known if sections is None else list(dict.fromkeys(sections))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValueError(f"unknown bundle section(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [s for s in known if s in chosen]
    path = os.path.abspath(os.path.expanduser(path))
    folder = os.path.dirname(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a folder; name the .zip file to write")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"folder {folder} does not exist")
    if os.path.exists(path) and not force:
        raise BundleExistsError(f"{path} exists; pass --force to replace it")

    from .documents import cache_inventory, inventory
    from .enum_documents import enum_cache_statuses, enum_documents

    redactor = Redactor(enabled=redact)
    created = time.time()
    need = set(chosen)
    inv = inventory(registries, enum_documents()) if need & {"report", "registries"} else None
    status = cache_inventory(registries, enum_cache_statuses()) if need & {"report", "status", "caches"} else None
    env = environment_document(registries) if need & {"report", "environment"} else None
    profile = None
    skipped: dict[str, str] = {}
    if need & {"report", "profile"}:
        from .profiling import latest_profile

        profile = latest_profile()
    verified = None
    if "verify" in need:
        from .verify import verify_registries

        verified = verify_registries(registries, targets, timeout=VERIFY_TIMEOUT_S)

    members: list[tuple[str, str]] = []
    if env is not None:  # listed variables with secret-looking names are hidden whatever their length
        env = dict(env)
        env["env"] = {k: redactor.env_value(k, v) for k, v in env["env"].items()}

    def dump(doc: Any) -> str:
        return json.dumps(doc, indent=2, default=repr) + "\n"

    for sid in chosen:
        if sid == "report":
            assert env is not None and inv is not None and status is not None
            members.append(("report.md", report_markdown(env, inv, status, profile, chosen, redact, verified)))
        elif sid == "environment":
            members.append(("environment.json", dump(env)))
        elif sid == "registries":
            members.append(("registries.json", dump(inv)))
        elif sid == "status":
            members.append(("status.json", dump(status)))
        elif sid == "verify":
            members.append(("verify.json", dump(verified)))
        elif sid == "caches":
            assert status is not None
            cache_members = _cache_members(status, redactor)
            if cache_members:
                members.extend(cache_members)
            else:
                skipped["caches"] = "no cache file on disk"
        elif sid == "profile":
            if profile is None:
                skipped["profile"] = "no profile recorded yet (registry-inspector profile records one)"
            else:
                members.append(("profile.json", dump(profile)))
        elif sid == "log":
            from .logs import log_path, recent_log

            log = recent_log()
            if log:
                members.append(("log.txt", log))
            else:
                skipped["log"] = f"no log at {log_path()}"
    redacted_members = []
    used: set[str] = set()
    for name, text in members:
        safe = safe_member_name(redactor.text(name))
        while safe in used:
            stem, dot, ext = safe.rpartition(".")
            safe = f"{stem}-1.{ext}" if dot else safe + "-1"
        used.add(safe)
        redacted_members.append((safe, redactor.text(text)))
    by_section: dict[str, list[str]] = {sid: [] for sid in chosen}
    for name, _text in redacted_members:
        section = next((sid for sid, _t, member in SECTIONS
                        if name == member or member.endswith("/") and name.startswith(member)), None)
        if section in by_section:
            by_section[section].append(name)
    manifest = {
        "schema": SCHEMA,
        "format": FORMAT,
        "created": created,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        "tool": {"registry-inspector": dist_version("registry-inspector"), "registry_core": _core_version(),
                 "python": sys.version.split()[0], "platform": sys.platform},
        "redacted": redact,
        "redaction_kinds": redactor.kinds(),
        "sections": [{"id": sid, "title": title, "included": sid in chosen and bool(by_section.get(sid)),
                      "members": by_section.get(sid, []),
                      **({"note": skipped[sid]} if sid in skipped else {}),
                      **({"note": "not selected"} if sid not in chosen else {})}
                     for sid, title, _m in SECTIONS],
        "members": [{"name": n, "bytes": len(t.encode("utf-8"))} for n, t in redacted_members],
        "read_first": "report.md" if "report" in chosen else None,
    }
    summary = redactor.summary()  # after every text pass: its counts are final
    manifest["redaction_kinds"] = redactor.kinds()
    final = [("manifest.json", redactor.text(dump(manifest))), ("redactions.txt", summary), *redacted_members]
    size = _write_zip_atomically(path, final, force)
    return BundleResult(path, [n for n, _t in final], [s for s in chosen if by_section.get(s)], skipped, redact,
                        redactor.kinds(), size)


def _core_version() -> str:
    from .. import __version__

    return __version__


def _write_zip_atomically(path: str, members: list[tuple[str, str]], force: bool) -> int:
    """Temp file in the same folder, fsync, then into place (never over an existing file unless ``force``)."""
    import tempfile
    import time
    import zipfile

    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            stamp = time.localtime()[:6]
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in members:
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    archive.writestr(info, text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        size = os.path.getsize(tmp)
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbered
            except FileExistsError:
                raise BundleExistsError(f"{path} exists; pass --force to replace it") from None
            except OSError:  # no hard links here (some file systems): the check above must do
                if os.path.exists(path):
                    raise BundleExistsError(f"{path} exists; pass --force to replace it") from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return size


# -- CLI -------------------------------------------------------------------------------------------
def add_parser(sub: Any, common: Any) -> Any:
    parser = sub.add_parser("bundle", parents=[common],
                            help="write a bug-report zip: summary, environment, registries, caches, profile, log")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="the zip file to write")
    parser.add_argument("--no-redact", action="store_true",
                        help="keep home directory, user name, secrets and URL credentials (redacted by default)")
    parser.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")
    return parser


def run_command(args: Any) -> int:
    from ..cli import EXIT_OK, EXIT_USAGE, _emit_json

    try:
        result = build_bundle(args.output, args.registries, redact=not args.no_redact, force=args.force,
                              targets=args.target)
    except BundleExistsError as exc:
        print(f"registry-inspector: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, ValueError) as exc:
        print(f"registry-inspector: cannot write the bundle: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        _emit_json(result.to_dict())
        return EXIT_OK
    from .render import human_size

    kinds = ", ".join(result.redaction_kinds) or "nothing needed replacing"
    print(f"wrote {result.path} ({len(result.members)} members, {human_size(result.size)})")
    print(f"redaction: {kinds}" if result.redacted else "redaction: OFF (--no-redact)")
    for section, reason in result.skipped.items():
        print(f"left out {section}: {reason}")
    if args.verbose:
        for name in result.members:
            print(f"  {name}")
    return EXIT_OK
