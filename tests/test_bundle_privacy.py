"""What a bug-report bundle must never ship (issue 13, items 19-22) and what report.md must say truly.

- only recognised cache files go into ``caches/`` (never an application's ``oauth_tokens.json``, never a
  symlink's target, never a FIFO that would hang the bundle);
- secrets are found by their shape, not only by the current environment's values (a traceback cached by an
  earlier run with other variables), including ``repr`` spellings and ``password=`` inside messages;
- the user name is replaced only where it is one (home paths, ``~name``, ``user=`` assignments, words of
  environment values), never inside module names or unrelated path parts;
- ``-o X --force`` never replaces a symlink, a FIFO or a device with a regular file.

The secret shapes are realistic samples of the kinds detect-secrets' public test fixtures use (AWS's
documented example keys, jwt.io's example token, a ``ghp_`` token, keyword assignments).
"""

from __future__ import annotations

import json
import os
import stat
import threading
import zipfile

import pytest
from cache_helpers import plugin_files

from registry_core.diagnostics import bundle
from registry_core.diagnostics.bundle.sections import cache_members

PKG = "privpkg"
TARGET = f"{PKG}.base"

AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
    "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
GHP = "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"
GITHUB_PAT = "github_pat_11ABCDEFG0aBcDeFgHiJkLm_" + "a1B2c3D4e5F6g7H8i9J0" * 2 + "kLmNoPqRsTuVwXyZ0a1"
KEYWORD_SECRET = "m{{h}o)p${e]nob(ody[finds>-_$#thisone}}"
PRIVATE_KEY = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "c3VwZXIgZHVwZXIgc2VjcmV0IHBhc3N3b3JkLCBzdXBlciBkdXBlciBzZWNyZXQgcGFzc3\n"
    "dvcmQhMTIzNCMkJQpzdXBlciBkdXBlciBzZWNyZXQgcGFzc3dvcmQsIHN1cGVyIGR1cGVy\n"
    "-----END RSA PRIVATE KEY-----"
)

#: The earlier run's environment: gone when the bundle is made, but its values reached a cached traceback.
EARLIER_ENV = {
    "ACME_GH": GHP,
    "ACME_PAT": GITHUB_PAT,
    "ACME_AWS_ID": AWS_KEY_ID,
    "ACME_AWS_SECRET": AWS_SECRET,
    "ACME_JWT": JWT,
    "ACME_DBPW": "correct-horse-battery",
}
LEAKY = """
import os
e = os.environ.get
raise RuntimeError(
    f"login refused: GITHUB_TOKEN={e('ACME_GH', '')} pat {e('ACME_PAT', '')}; "
    f"aws {e('ACME_AWS_ID', '')} aws_secret_access_key={e('ACME_AWS_SECRET', '')}; "
    f"headers {{'Authorization': 'Bearer {e('ACME_JWT', '')}'}}; "
    f"mysql -u app password={e('ACME_DBPW', '')} failed"
)
"""


# -- 19: only recognised cache files, never through a symlink, never a FIFO ---------------------------------------
def _registry_cache(kind: str = "registry") -> str:
    return json.dumps(
        {"format": 1, "kind": kind, "identity": {"name": "x"}, "version": "1", "created": 1.0, "environment": {}},
        separators=(",", ":"),
    )


@pytest.fixture
def cache_folder(tmp_path):
    """A cache folder holding our caches, metaclass-registry's, and what an application left beside them."""
    ns = tmp_path / "cache" / "myapp"
    ns.mkdir(parents=True)
    mr = tmp_path / "cache" / "metaclass-registry"
    mr.mkdir()
    secret = tmp_path / "id_rsa"
    secret.write_text(PRIVATE_KEY)
    files = {
        "ours": ns / "registry_plugin-0123456789abcdef.json",
        "enum": ns / "component_enums.json",
        "mr": mr / "storage_registry.json",
        "oauth": ns / "oauth_tokens.json",
        "header_unknown_kind": ns / "settings.json",
        "wrong_name": ns / "registry_tokens.json",
        "mr_no_header": mr / "notes_registry.json",
        "link": ns / "old_cache.json",
        "fifo": ns / "stuck.json",
    }
    files["ours"].write_text(_registry_cache())
    files["enum"].write_text(_registry_cache("enum"))
    files["mr"].write_text(json.dumps({"cache_version": "1.0", "item_entries": {}, "timestamp": 1.0}))
    files["oauth"].write_text(json.dumps({"access_token": GHP, "refresh_token": "rt-" + "x" * 30}))
    files["header_unknown_kind"].write_text('{"format":1,"kind":"settings","api_token":"' + GHP + '"}')
    files["wrong_name"].write_text(_registry_cache())
    files["mr_no_header"].write_text(json.dumps({"token": GHP}))
    files["link"].symlink_to(secret)
    os.mkfifo(files["fifo"])
    status = {
        "caches": [{"path": str(files["ours"])}, {"path": str(files["enum"])}, {"path": str(files["mr"])}],
        "orphans": [{"path": str(p)} for k, p in files.items() if k not in ("ours", "enum", "mr")],
    }
    return files, status


def _members_with_deadline(status, redactor, seconds: float = 10.0):
    done: list = []
    worker = threading.Thread(target=lambda: done.append(cache_members(status, redactor)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, "cache_members hung (a FIFO opened for reading?)"
    return done[0]


def test_caches_section_ships_only_recognised_cache_files(cache_folder):
    files, status = cache_folder
    members = dict(_members_with_deadline(status, bundle.Redactor(enabled=False)))
    shipped = {name for name in members if not name.endswith("not-included.txt")}
    assert shipped == {
        "caches/myapp/registry_plugin-0123456789abcdef.json",
        "caches/myapp/component_enums.json",
        "caches/metaclass-registry/storage_registry.json",
    }
    everything = "\n".join(members.values())
    assert GHP not in everything and "PRIVATE KEY" not in everything
    # What was left out is named, with the reason, so a maintainer knows it was there.
    note = members["caches/not-included.txt"]
    assert "old_cache.json" in note and "symbolic link" in note and "not followed" in note
    assert "stuck.json" in note and "FIFO" in note
    for left in ("oauth_tokens.json", "settings.json", "registry_tokens.json", "notes_registry.json"):
        assert left in note and "not recognised" in note


def test_what_else_is_in_the_cache_folders_is_named_not_read(cache_folder):
    """Not only the files the status names: an application's notes and a subfolder are said to be there."""
    files, status = cache_folder
    folder = files["ours"].parent
    (folder / "notes.txt").write_text("my notes " + GHP)
    (folder / "sub").mkdir()
    (folder / "registry_plugin-0123456789abcdef.json.lock").write_text("")  # (ours: not worth a line)
    members = dict(_members_with_deadline(status, bundle.Redactor(enabled=False)))
    note = members["caches/not-included.txt"]
    assert f"{folder / 'notes.txt'}: a file that is not a cache file (named only, not read)" in note
    assert f"{folder / 'sub'}: a folder that is not a cache file (named only, not read)" in note
    assert ".lock" not in note and GHP not in "\n".join(members.values())


def test_a_recognised_cache_over_the_cap_is_cut(cache_folder, monkeypatch):
    from registry_core.diagnostics.bundle import sections

    files, status = cache_folder
    files["ours"].write_text(_registry_cache()[:-1] + ',"items":{"k":"' + "x" * 4000 + '"}}')
    monkeypatch.setattr(sections, "MAX_CACHE_FILE_BYTES", 1000)
    members = dict(cache_members({"caches": status["caches"][:1]}, bundle.Redactor(enabled=False)))
    text = members["caches/myapp/registry_plugin-0123456789abcdef.json"]
    assert "[cut at 1000 bytes]" in text and len(text) < 1100


# -- 20: secrets by their shape, by repr spelling, by name ---------------------------------------------------------
SHAPES = [
    (AWS_KEY_ID, f"aws key {AWS_KEY_ID} in use", "aws-access-key-id"),
    (AWS_SECRET, f"aws_secret_access_key = {AWS_SECRET}", "aws-secret-access-key"),
    (AWS_SECRET, f'secret_key = "{AWS_SECRET}"', None),
    (JWT, f"Authorization: Bearer {JWT}", "jwt"),
    (JWT, f"token {JWT} expired", "jwt"),
    ("0pAqUe-t0ken.value", "Authorization: Bearer 0pAqUe-t0ken.value", "auth-header"),
    (GHP, f"git clone failed with {GHP}", "github-token"),
    (GITHUB_PAT, f"GH={GITHUB_PAT}!", "github-token"),
    ("xoxp-523423-234243-234233-e039d02840a0b9379c", "slack xoxp-523423-234243-234233-e039d02840a0b9379c", None),
    ("c3VwZXIgZHVwZXIgc2VjcmV0IHBhc3N3b3JkLCBzdXBlciBkdXBlciBzZWNyZXQgcGFzc3", PRIVATE_KEY, "private-key"),
    # keyword assignments (the forms detect-secrets' keyword fixtures use)
    (KEYWORD_SECRET, f"the_password={KEYWORD_SECRET}\n", "password"),
    (KEYWORD_SECRET, f"my_password = {KEYWORD_SECRET}", "password"),
    ("value with quotes and spaces", 'password = "value with quotes and spaces"', "password"),
    ("hopenobodyfindsthisone", "'theapikey': 'hopenobodyfindsthisone'", None),
    ("hopenobodyfindsthisone", '"theapikey": "hopenobodyfindsthisone"', None),
    ("hopenobodyfindsthisone", "login_somewhere --http-password hopenobodyfindsthisone", "password"),
    ("noentropy", 'token = "noentropy"', None),
    ("hunter2x", "connect failed: MYSQL_PWD=hunter2x", "password"),
    ("hunter2x", "DB_PASS: hunter2x", "password"),
    ("hunter2x", 'RuntimeError("bad login password=hunter2x for db")', "password"),
    ("hunter2x", json.dumps({"error": "db said password='hunter2x' is wrong"}), "password"),
]


@pytest.mark.parametrize("secret, text, kind", SHAPES)
def test_secret_shapes_are_redacted_in_any_text(secret, text, kind):
    redactor = bundle.Redactor(environ={}, homes=[], users=[])
    out = redactor.text(text)
    assert secret not in out, out
    assert "<redacted:" in out
    if kind:
        assert f"<redacted:{kind}>" in out, out
    summary = redactor.summary()
    assert secret not in summary and "occurrence" in summary


NOT_SECRETS = [
    "openhcs_demo.io.backends.disk:DiskBackend",
    "caches/bugpkg/registry_plugin-69bef0123456789a.json",
    "commit 3f786850e387550fdab836ed7e6dc881de23001b",
    '"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"',
    '{"key": "zarr", "class": "ZarrBackend", "module": "openhcs_demo.io.zarr"}',
    "    plugin_key = 'disk'\n",
    '  File "/opt/app/site-packages/acme/plugins/p_disk.py", line 3, in <module>',
    "3 passed, 1 skipped; bypass=1; compass: north",
    '"reason_kind": "version", "password_set": true, "token": null',
    "def login(password: str, token=None):",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_what_is_not_a_secret_is_left_alone(text):
    assert bundle.Redactor(environ={}, homes=[], users=[]).text(text) == text


@pytest.mark.parametrize("name", ["MYSQL_PWD", "DB_PASS", "PGPASSWORD", "SMTP_PASSWD", "ACME_API_KEY"])
def test_secret_names_include_pwd_and_pass(name):
    assert bundle.secret_name(name)
    value = "Zq9-sUpEr-vAlUe"
    redactor = bundle.Redactor(environ={name: value}, homes=[], users=[])
    assert value not in redactor.text(f"started with {value} in argv")
    assert name in redactor.summary() and value not in redactor.summary()


@pytest.mark.parametrize("name", ["PWD", "OLDPWD", "BYPASS_CACHE", "PASSES", "COMPASS_DIR"])
def test_names_that_only_contain_pass_are_not_secrets(name):
    assert not bundle.secret_name(name)


@pytest.mark.parametrize(
    "value, distinctive",
    [
        ("back\\slash-secret", "slash-secret"),  # repr doubles the backslash
        ('it\'s "both" quotes', "both"),  # repr escapes the single quote
        ("tab\there-secret", "here-secret"),
    ],
)
def test_secret_values_are_found_in_their_repr_and_json_spellings(value, distinctive):
    redactor = bundle.Redactor(environ={"ACME_TOKEN": value}, homes=[], users=[])
    for spelling in (value, repr(value), json.dumps(value), json.dumps(repr(value)), repr(json.dumps(value))):
        out = redactor.text(f"RuntimeError: {spelling}")
        assert "<redacted:ACME_TOKEN>" in out and distinctive not in out, (spelling, out)


# -- 21: the user name only where it is one ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("openhcs_demo.io.backends", "openhcs_demo.io.backends"),
        ("from io import BytesIO; import io", "from io import BytesIO; import io"),
        ("resources/io/icons and src/io/x.py", "resources/io/icons and src/io/x.py"),
        ("/home/io/project/x.py", "/home/<user>/project/x.py"),
        ("/Users/io/Library/Caches", "/Users/<user>/Library/Caches"),
        ("C:\\Users\\io\\AppData", "C:\\Users\\<user>\\AppData"),
        (json.dumps("C:\\Users\\io\\AppData"), json.dumps("C:\\Users\\<user>\\AppData")),
        ("see ~io/notes", "see ~<user>/notes"),
        ("USER=io LOGNAME=io", "USER=<user> LOGNAME=<user>"),
        ('{"user": "io", "username": "io"}', '{"user": "<user>", "username": "<user>"}'),
        ("/tmp/pytest-of-io/x", "/tmp/pytest-of-<user>/x"),
        ("/home/iota/x and /home/io.bak", "/home/iota/x and /home/io.bak"),
    ],
)
def test_user_name_is_redacted_only_where_it_is_one(text, expected):
    assert bundle.Redactor(environ={}, homes=[], users=["io"]).text(text) == expected


def test_user_named_like_a_folder_leaves_folders_alone():
    redactor = bundle.Redactor(environ={}, homes=["/home/demo"], users=["demo"])
    text = "app/_resources/demo/icons, openhcs_demo.demo_plugins, /home/demo/x, /srv/demo-data"
    assert redactor.text(text) == "app/_resources/demo/icons, openhcs_demo.demo_plugins, ~/x, /srv/demo-data"


def test_user_name_as_a_word_of_an_environment_value():
    redactor = bundle.Redactor(environ={}, homes=[], users=["io"])
    value = "/opt/io/lib:/srv/openhcs_demo.io:io"
    assert redactor.env_value("PYTHONPATH", value) == "/opt/<user>/lib:/srv/openhcs_demo.io:<user>"


# -- 22: --force never replaces what is not a regular file ---------------------------------------------------------
def _targets(tmp_path):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "link.zip"
    link.symlink_to(precious)
    dangling = tmp_path / "dangling.zip"
    dangling.symlink_to(tmp_path / "nowhere.zip")
    fifo = tmp_path / "fifo.zip"
    os.mkfifo(fifo)
    found = {"symbolic link": link, "dangling link": dangling, "FIFO": fifo}
    if os.geteuid() == 0:  # a device node of our own (the null device's numbers), never the real /dev/null
        device = tmp_path / "null.zip"
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        found["character device"] = device
    return found


def test_force_refuses_a_target_that_is_not_a_regular_file(tmp_path):
    for what, target in _targets(tmp_path).items():
        before = os.lstat(target)
        with pytest.raises(bundle.BundleTargetError) as refused:
            bundle.build_bundle(str(target), [], sections=["environment"], force=True)
        message = str(refused.value)
        assert str(target) in message and ("link" in message or what in message), message
        assert "remove it" in message or "another file name" in message, message
        after = os.lstat(target)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino), what
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert not (tmp_path / "nowhere.zip").exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_force_still_replaces_a_regular_file(tmp_path):
    target = tmp_path / "old.zip"
    target.write_text("old")
    result = bundle.build_bundle(str(target), [], sections=["environment"], force=True)
    assert result.path == str(target) and zipfile.is_zipfile(target)


# -- end to end: a bundle made in a later run, with an application's files beside the caches -----------------------
@pytest.fixture
def cli(cli, tmp_path, make_package):
    root = make_package(plugin_files(PKG, ("alpha",), extra={f"{PKG}/p_leaky.py": LEAKY}))
    cli.path.append(str(root))
    cli.out = tmp_path / "out"
    cli.out.mkdir()
    return cli


def test_bundle_made_later_ships_no_secret_and_no_foreign_file(cli, tmp_path):
    cli("list", "--target", TARGET, env=EARLIER_ENV)  # the earlier run: its traceback is cached
    ours = next(cli.cache_root.rglob("registry_plugin-*.json"))
    folder = ours.parent
    (folder / "oauth_tokens.json").write_text(json.dumps({"access_token": GHP}))
    secret = tmp_path / "id_rsa"
    secret.write_text(PRIVATE_KEY)
    (folder / "old_cache.json").symlink_to(secret)

    target = cli.out / "bug.zip"
    cli("bundle", "-o", str(target), "--target", TARGET)  # the later run: none of EARLIER_ENV is set
    with zipfile.ZipFile(target) as archive:
        members = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}

    for name, text in members.items():
        for value in EARLIER_ENV.values():
            assert value not in text, f"{value!r} in {name}"
        assert "c3VwZXIgZHVwZXIg" not in text, f"the private key in {name}"
    assert f"caches/{folder.name}/{ours.name}" in members
    assert not [n for n in members if "oauth_tokens" in n or n.endswith("old_cache.json")]
    assert "old_cache.json" in members["caches/not-included.txt"]
    cached = members[f"caches/{folder.name}/{ours.name}"]
    for kind in ("github-token", "aws-access-key-id", "aws-secret-access-key", "jwt", "password"):
        assert f"<redacted:{kind}>" in cached, kind
    redactions = members["redactions.txt"]
    assert "GitHub token" in redactions and "JSON Web Token" in redactions

    # report.md: its Sections line is the manifest's included sections; its cache table has reason and sizes.
    manifest = json.loads(members["manifest.json"])
    included = [s["id"] for s in manifest["sections"] if s["included"]]
    assert "profile" not in included  # no profile recorded here
    report = members["report.md"]
    line = next(part for part in report.splitlines() if "Sections:" in part)
    assert line.split("Sections: ", 1)[1].split(".")[0] == ", ".join(included), line
    assert "profile (no profile recorded yet" in report
    row = next(r for r in report.splitlines() if r.startswith("| plugin |") and "registry_plugin-" in r)
    size = os.path.getsize(ours)
    assert f"{size / 1024:.1f} KiB" in row or f"{size} B" in row, row
