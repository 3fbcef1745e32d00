"""Redaction: the home folder, the user name, secrets and URL credentials out of every member's text."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

#: Parts of environment variable names whose values are treated as secrets (case-insensitive).
SECRET_NAME_PARTS = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "AUTH", "COOKIE", "CREDENTIAL")
#: Secret values shorter than this are hidden where the variable is listed, not searched for in all text.
MIN_SECRET_LEN = 6
#: Account names too generic to replace as words ("root package"); replaced only as path components.
GENERIC_USERS = frozenset(
    {
        "root",
        "user",
        "admin",
        "administrator",
        "runner",
        "ubuntu",
        "nobody",
        "guest",
        "test",
        "home",
        "app",
        "pi",
        "vagrant",
        "builder",
        "default",
        "public",
    }
)


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

    def __init__(
        self,
        enabled: bool = True,
        environ: dict[str, str] | None = None,
        homes: Iterable[str] | None = None,
        users: Iterable[str] | None = None,
    ) -> None:
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
        self._rules.append(
            (self.URL, re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*://)[^\s/?#@'\"<>\\]+@"), r"\1<redacted>@")
        )
        self._rules.append(
            (
                self.QUERY,
                re.compile(
                    r"([?&](?:[A-Za-z0-9_\-]*(?:token|key|secret|password|passwd|auth|cookie|credential)[A-Za-z0-9_\-]*)=)"
                    r"[^&#\s'\"<>]+",
                    re.IGNORECASE,
                ),
                r"\1<redacted>",
            )
        )
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
            pattern = (
                "(?:"
                + "|".join(re.escape(h) for h in sorted(home_variants, key=len, reverse=True))
                + r")(?![A-Za-z0-9_.\-])"
            )
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
            return (
                "Redaction was OFF for this bundle (--no-redact): it may contain your home directory, user "
                "name, secret environment variable values and URL credentials. Share it only with people you "
                "trust.\n"
            )
        replaced = {
            self.HOME: 'the home directory -> "~"',
            self.USER: 'the user name -> "<user>"',
            self.SECRET: (
                "values of environment variables whose names contain "
                + ", ".join(SECRET_NAME_PARTS)
                + ' -> "<redacted:NAME>"'
            ),
            self.URL: 'credentials in URLs (scheme://user:password@host) -> "scheme://<redacted>@host"',
            self.QUERY: 'secret-looking URL query parameters (?token=...) -> "?token=<redacted>"',
        }
        lines = [
            "Redaction was ON for this bundle. Every member's text was searched, cache files and",
            "tracebacks included. Kinds of things replaced (the values themselves are not recorded):",
            "",
        ]
        for kind in self.kinds():
            lines.append(f"- {replaced[kind]}: {self.counts[kind]} occurrence(s)")
        if not self.kinds():
            lines.append("- nothing needed replacing")
        if self.secret_names:
            lines += [
                "",
                "Environment variables whose values were treated as secrets (names only): "
                + ", ".join(sorted(self.secret_names)),
            ]
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
