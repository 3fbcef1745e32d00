"""With ``--json``, a command that cannot run prints an error document on stdout (``error.schema.json``) with
the exit code it has without ``--json``; without ``--json`` the error stays one line on stderr."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from registry_core.diagnostics import tool_stamp
from registry_core.diagnostics.json_schemas import load_schema

#: The stamp every JSON document carries.
TOOL = tool_stamp()

CASES = [
    # (argv, kind, words in the message)
    (("list", "--target", "no.such.module"), "target", "no.such.module"),
    (("explain", "disk", "--registry", "nope"), "registry", "no registry named 'nope'"),
    (("rebuild", "--registry", "nope"), "registry", "no registry named 'nope'"),
    (("clear-cache",), "usage", "clear-cache needs --registry NAME or --all"),
    (("list", "--no-such-flag"), "usage", "unrecognized arguments: --no-such-flag"),
    (("bundle",), "usage", "the following arguments are required: -o/--output"),
    (("status", "--python", "/no/such/python"), "environment", "/no/such/python"),
    (("bundle", "-o", "/nonexistent/folder/bug.zip"), "bundle", "cannot write the bundle"),
    (("diff", "/nonexistent/worker.json", "live"), "snapshot", "/nonexistent/worker.json: no such file"),
]


@pytest.mark.parametrize("argv, kind, words", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_json_error_document_with_the_same_exit_code(cli, argv, kind, words):
    human = cli(*argv, expect=2)
    assert human.stdout == ""
    assert words in human.stderr
    result = cli(*argv, "--json", expect=2)
    document = result.json()
    errors = [e.message for e in Draft202012Validator(load_schema("error")).iter_errors(document)]
    assert errors == []
    assert document["schema"] == 1 and set(document) == {"schema", "tool", "error"}
    assert document["error"]["kind"] == kind
    assert words in document["error"]["message"]
    assert words in result.stderr  # still said to the person at the terminal
    assert "registry-inspector: registry-inspector" not in result.stderr  # (the prefix once)


def test_a_target_error_carries_its_traceback_in_details(cli, make_package):
    cli.path.append(str(make_package({"broken_target.py": "raise RuntimeError('boom at import')\n"})))
    document = cli("list", "--target", "broken_target", "--json", expect=2).json()
    assert document["error"]["kind"] == "target"
    assert "RuntimeError: boom at import" in document["error"]["details"]


def test_the_error_schema_rejects_a_document_without_a_message():
    validator = Draft202012Validator(load_schema("error"))
    assert not validator.is_valid({"schema": 1, "error": {"kind": "usage", "details": None}})
    assert not validator.is_valid({"schema": 1, "error": {"message": "x", "kind": "other", "details": None}})
    assert validator.is_valid(
        {"schema": 1, "tool": TOOL, "error": {"message": "x", "kind": "usage", "details": None}, "new": 1}
    )


def test_every_kind_the_cli_can_emit_is_in_the_schema_and_the_readme():
    """The kinds named at each ``fail(..., kind=...)`` of the CLI, ``ERROR_KINDS``, the schema's enum and the
    README's list are the same set (a new kind cannot be emitted without being documented)."""
    import re
    from pathlib import Path

    from registry_core.cli._common import ERROR_KINDS

    root = Path(__file__).resolve().parents[1]
    emitted = {"usage"}  # fail()'s default
    for source in (root / "registry_core" / "cli").glob("*.py"):
        emitted |= set(re.findall(r'\bkind="([a-z_]+)"', source.read_text()))
    assert emitted == set(ERROR_KINDS)
    assert set(load_schema("error")["properties"]["error"]["properties"]["kind"]["enum"]) == set(ERROR_KINDS)
    listed = re.search(r'"kind":\s*"([a-z|]+)"', (root / "README.md").read_text())
    assert listed is not None and set(listed.group(1).split("|")) == set(ERROR_KINDS)
