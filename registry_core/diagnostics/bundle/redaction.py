"""Redaction: the home folder, the user name, secrets and URL credentials out of every member's text.

Secrets are found three ways: the current environment's values of variables with secret-looking names
(in every spelling a member can show them: plain, JSON-escaped, ``repr``), the shapes of well-known
credentials (:data:`SECRET_SHAPES`: AWS keys, JWTs, GitHub tokens, private keys, ...), and values assigned to
secret-looking names (``password=...``, ``"api_token": "..."``, ``--db-password ...``). The shapes catch what
an earlier run's environment left in a cached traceback, which the current environment cannot know.

The user name is replaced only where it is one: home folders (``/home/NAME``, ``/Users/NAME``,
``C:\\Users\\NAME``), ``~NAME``, ``user=NAME``-style assignments, ``pytest-of-NAME``, and whole words of listed
environment values; never inside a dotted module name or an unrelated folder that happens to share it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

#: Parts of environment variable names whose values are treated as secrets (case-insensitive substrings).
SECRET_NAME_PARTS = ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "AUTH", "COOKIE", "CREDENTIAL")
#: Whole ``_``-separated words of a name that mark a secret (``MYSQL_PWD``, ``DB_PASS``), not substrings.
SECRET_NAME_WORDS = ("PWD", "PASS", "PW")
#: Names that match the rules above and are not secrets: the shell's current and previous folder.
NOT_SECRET_NAMES = frozenset({"PWD", "OLDPWD"})
#: Secret values shorter than this are hidden where the variable is listed, not searched for in all text.
MIN_SECRET_LEN = 6
#: Account names too generic to replace as words of environment values; still replaced in home paths.
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

#: Known credential shapes: ``(kind, words for people, pattern)``. A match is replaced by
#: ``<redacted:kind>``; when the pattern has a group named ``secret``, only that group is (the name or
#: header before it stays readable). Patterns are written here, after the shapes the providers document
#: and detect-secrets' plugins look for; ``tests/test_bundle_privacy.py`` holds realistic samples.
SECRET_SHAPES: tuple[tuple[str, str, str], ...] = (
    (
        "private-key",
        "private key blocks (-----BEGIN ... PRIVATE KEY-----)",
        r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]{0,65536}?-----END[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\]*)",
    ),
    (
        "jwt",
        "JSON Web Tokens (eyJ....eyJ....)",
        r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{8,}={0,2}\.eyJ[A-Za-z0-9_\-]{8,}={0,2}(?:\.[A-Za-z0-9_\-+/=]*)?",
    ),
    (
        "github-token",
        "GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)",
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9])",
    ),
    ("gitlab-token", "GitLab tokens (glpat-)", r"(?<![A-Za-z0-9_\-])glpat-[A-Za-z0-9_\-]{20,}"),
    (
        "aws-access-key-id",
        "AWS access key ids (AKIA..., ASIA...)",
        r"(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}(?![A-Z0-9])",
    ),
    (
        "aws-secret-access-key",
        "AWS secret access keys",
        r"(?i:aws[A-Za-z0-9_.\-]{0,30}?(?:secret|key|token|pass|pwd)[A-Za-z0-9_.\-]{0,30}\\?['\"]?\s*(?::=|=>|=|:)"
        r"\s*\\?['\"]?)(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
    ),
    ("slack-token", "Slack tokens (xox...-)", r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9\-]{10,}"),
    ("stripe-key", "Stripe keys (sk_live_, rk_live_)", r"(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("google-api-key", "Google API keys (AIza...)", r"(?<![A-Za-z0-9_\-])AIza[0-9A-Za-z_\-]{35}"),
    ("npm-token", "npm tokens (npm_)", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])"),
    ("pypi-token", "PyPI tokens (pypi-AgEI...)", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}"),
    ("openai-key", "OpenAI keys (sk-...)", r"(?<![A-Za-z0-9_\-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{32,}"),
    (
        "auth-header",
        "credentials in Authorization headers and after Bearer",
        r"(?i:\bauthorization\\?['\"]?\s*[:=]\s*\\?['\"]?\s*(?:(?:bearer|basic|token|digest|negotiate)\s+)?|"
        r"\bbearer\s+)(?P<secret>(?!<redacted|(?i:bearer|basic|token|digest|negotiate)\b)[A-Za-z0-9\-._~+/]{6,}=*)",
    ),
)

#: Names whose assigned values are secrets. Long words may sit inside a longer name (``theapikey``,
#: ``client_secret``); short ones only as a whole part of it (``DB_PASS``, ``mysql_pwd``, not ``bypass``).
_LONG_KEYWORDS = r"password|passwd|passphrase|secret|token|api[_\-]?key|private[_\-]?key|access[_\-]?key|credentials?"
_SHORT_KEYWORDS = r"pass|pwd|pw"
_ASSIGNED = (
    r"(?<![A-Za-z0-9_.\-])(?P<name>[A-Za-z0-9_.\-]*?(?:" + _LONG_KEYWORDS + r")[A-Za-z0-9_\-]*"
    r"|(?:[A-Za-z0-9\-]+[_.\-])*(?:" + _SHORT_KEYWORDS + r")(?:[_.\-][A-Za-z0-9]+)*)"
    r"(?P<sep>\\?['\"]?\]?[ \t]*(?::=|=>|=|:)[ \t]*@?|[ \t]+)"
    r"(?:(?P<q>\\?['\"])(?P<quoted>[^\n]{1,512}?)(?P=q)|(?P<bare>(?:\\\\|\\(?![nrtu\"'\\])|[^\s'\"\\,;])+))"
)
#: Values that are not secrets: placeholders, types, literals, and code (a call, a subscript).
_NOT_VALUES = frozenset({"none", "null", "true", "false", "str", "bytes", "int", "optional", "*", "***", "..."})
_ASSIGNED_TITLE = "values assigned to secret-looking names (password=..., api_token: ..., --db-password ...)"


def secret_name(name: str) -> bool:
    """Whether an environment variable's value is treated as a secret, from its name."""
    import re

    upper = name.upper()
    if upper in NOT_SECRET_NAMES:
        return False
    if any(part in upper for part in SECRET_NAME_PARTS):
        return True
    return any(word in SECRET_NAME_WORDS for word in re.split(r"[^A-Z0-9]+", upper))


class Redactor:
    """Replaces private text in every member; counts what it replaced by kind (never keeping values)."""

    HOME = "home directory"
    USER = "user name"
    SECRET = "values of environment variables with secret-looking names"
    URL = "credentials in URLs"
    QUERY = "secret-looking URL query parameters"
    ASSIGNED = _ASSIGNED_TITLE

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
        #: (kind for redactions.txt, pattern, replacement: a string or a function of the match -> text or None)
        self._rules: list[tuple[str, Any, Any]] = []
        self._tags: dict[str, str] = {}  # kind -> what its replacement looks like, for redactions.txt
        # 1. the current environment's secret values, in each spelling (longest first: a value containing
        #    another is replaced whole)
        secrets: dict[str, str] = {}
        for name, value in environ.items():
            if secret_name(name) and value:
                self.secret_names.append(name)
                if len(value) >= MIN_SECRET_LEN:
                    for spelling in _spellings(value):
                        secrets.setdefault(spelling, name)
        for spelling, name in sorted(secrets.items(), key=lambda kv: -len(kv[0])):
            self._rules.append((self.SECRET, re.compile(re.escape(spelling)), f"<redacted:{name}>"))
        self._tags[self.SECRET] = "<redacted:NAME>"
        # 2. known credential shapes, whatever environment they came from
        for kind, title, pattern in SECRET_SHAPES:
            self._rules.append((title, re.compile(pattern), _shape_replacer(kind)))
            self._tags[title] = f"<redacted:{kind}>"
        # 3. URL credentials and secret-looking query parameters
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
        # 4. values assigned to secret-looking names
        self._rules.append((self.ASSIGNED, re.compile(_ASSIGNED, re.IGNORECASE), _assigned_replacer))
        self._tags[self.ASSIGNED] = "<redacted:password>, <redacted:token>, ..."
        # 5. the home directory (every spelling of it), as a whole path component
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
        # 6. the user name, only where it is one
        self._user_words: list[Any] = []
        end = r"(?![A-Za-z0-9_.\-])"
        sep = r"(?:\\\\|\\|/)"
        for user in sorted(set(users) if users is not None else _users(environ), key=len, reverse=True):
            if len(user) < 2:
                continue
            name = re.escape(user)
            contexts = (
                # home folders: /home/NAME, /Users/NAME, C:\Users\NAME (also JSON-escaped)
                r"(?P<pre>(?:/home/|/Users/|/export/home/|/var/home/|/usr/home/|"
                r"(?i:[A-Z]:" + sep + r"(?:Users|Documents and Settings)" + sep + r")))" + name + end,
                r"(?P<pre>(?<![\w~])~)" + name + end,  # ~NAME
                r"(?P<pre>-of-)" + name + end,  # pytest-of-NAME
                # user=NAME, USER=NAME, "user": "NAME", LOGNAME=NAME
                r"(?P<pre>(?<![A-Za-z0-9_])(?i:user|username|user_name|logname|login)\\?['\"]?[ \t]*[:=][ \t]*"
                r"\\?['\"]?)" + name + end,
            )
            for context in contexts:
                self._rules.append((self.USER, re.compile(context, ignore), r"\g<pre><user>"))
            if user.lower() not in GENERIC_USERS:
                self._user_words.append(re.compile(r"(?<![A-Za-z0-9_.\-])" + name + end, ignore))
        self._tags[self.HOME] = "~"
        self._tags[self.USER] = "<user>"

    def text(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        for kind, pattern, replacement in self._rules:
            if callable(replacement):
                text = self._sub(kind, pattern, replacement, text)
            else:
                text, count = pattern.subn(replacement, text)
                if count:
                    self._count(kind, count)
        return text

    def _sub(self, kind: str, pattern: Any, replacer: Callable[[Any], str | None], text: str) -> str:
        replaced = 0

        def replace(match: Any) -> str:
            nonlocal replaced
            new = replacer(match)
            if new is None:
                return str(match.group(0))
            replaced += 1
            return new

        text = pattern.sub(replace, text)
        if replaced:
            self._count(kind, replaced)
        return text

    def _count(self, kind: str, count: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + count

    def env_value(self, name: str, value: str) -> str:
        """A listed environment variable's value: hidden entirely when its name looks secret; else its text
        redacted, the user name included wherever it stands as a word of its own."""
        if not self.enabled:
            return value
        if secret_name(name) and value:
            self._count(self.SECRET, 1)
            return f"<redacted:{name}>"
        value = self.text(value)
        for pattern in self._user_words:
            value, count = pattern.subn("<user>", value)
            if count:
                self._count(self.USER, count)
        return value

    def _all_kinds(self) -> list[str]:
        shapes = [title for _kind, title, _pattern in SECRET_SHAPES]
        return [self.HOME, self.USER, self.SECRET, *shapes, self.ASSIGNED, self.URL, self.QUERY]

    def kinds(self) -> list[str]:
        return [kind for kind in self._all_kinds() if self.counts.get(kind)]

    def summary(self) -> str:
        """``redactions.txt``: what kinds of things were replaced, and how often; never the values."""
        if not self.enabled:
            return (
                "Redaction was OFF for this bundle (--no-redact): it may contain your home directory, user "
                "name, secret environment variable values, tokens, keys, passwords and URL credentials. Share it "
                "only with people you trust.\n"
            )
        replaced = {
            self.HOME: 'the home directory -> "~"',
            self.USER: 'the user name (in home paths, ~name, user=name, environment values) -> "<user>"',
            self.SECRET: (
                "values of environment variables whose names contain "
                + ", ".join(SECRET_NAME_PARTS)
                + " (or the word "
                + ", ".join(SECRET_NAME_WORDS)
                + '), plain, JSON-escaped or as repr -> "<redacted:NAME>"'
            ),
            self.URL: 'credentials in URLs (scheme://user:password@host) -> "scheme://<redacted>@host"',
            self.QUERY: 'secret-looking URL query parameters (?token=...) -> "?token=<redacted>"',
        }
        for kind in self._all_kinds():
            if kind not in replaced:
                replaced[kind] = f'{kind} -> "{self._tags[kind]}"'
        lines = [
            "Redaction was ON for this bundle. Every member's text was searched, cache files and",
            "tracebacks included, for this environment's secret values and for the shapes of known",
            "credentials (whichever environment they came from). Kinds of things replaced (the values",
            "themselves are not recorded):",
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
        missing = [replaced[k].split(" ->")[0] for k in self._all_kinds() if not self.counts.get(k)]
        if missing:
            lines += ["", "Also searched for, not found: " + "; ".join(missing)]
        lines += [
            "",
            "Redaction finds what it knows the shape of: a secret of another shape in a plugin's own",
            "message can remain. Read the members before sharing the bundle publicly.",
        ]
        return "\n".join(lines) + "\n"


def _shape_replacer(kind: str) -> Callable[[Any], str | None]:
    tag = f"<redacted:{kind}>"

    def replace(match: Any) -> str:
        if "secret" not in match.re.groupindex:
            return tag
        whole, start = match.group(0), match.start()
        return whole[: match.start("secret") - start] + tag + whole[match.end("secret") - start :]

    return replace


def _assigned_replacer(match: Any) -> str | None:
    """``name<sep>value`` -> ``name<sep><redacted:KIND>``, or None where the value is not a secret."""
    import re

    name, sep = match.group("name"), match.group("sep")
    quoted = match.group("q") is not None
    value = match.group("quoted") if quoted else match.group("bare")
    if not sep.strip() and not name.startswith("-"):
        return None  # "token expired": only a --flag takes its value after a space
    if sep.strip() == ":" and not quoted and "." in name and not sep.endswith((" ", "\t")):
        return None  # module:attribute (an entry point, a plugin's class), not name: value
    if re.split(r"[)\]},:]", value, maxsplit=1)[0].lower() in _NOT_VALUES or value.startswith(("<", "${", "$(", "%(")):
        return None
    if not quoted and re.match(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*\s*[(\[]", value):
        return None  # code: a call or a subscript (os.environ["X"], get_token())
    lowered = name.lower()
    if any(word in lowered for word in ("pass", "pwd", "pw")):
        kind = "password"
    elif "token" in lowered:
        kind = "token"
    elif "secret" in lowered:
        kind = "secret"
    elif "credential" in lowered:
        kind = "credential"
    else:
        kind = "key"
    whole, start = match.group(0), match.start()
    part = "quoted" if quoted else "bare"
    return whole[: match.start(part) - start] + f"<redacted:{kind}>" + whole[match.end(part) - start :]


def _spellings(value: str) -> set[str]:
    """How a value can appear in a member: as is, JSON-escaped, inside a repr, and each inside the other."""
    spellings = {value, _json_escaped(value), _repr_inner(value)}
    spellings |= {_json_escaped(_repr_inner(value)), _repr_inner(_json_escaped(value))}
    return {s for s in spellings if s}


def _repr_inner(text: str) -> str:
    return repr(text)[1:-1]


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
