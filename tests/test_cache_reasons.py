"""A cache that is not valid says why twice: in words for people, and as a kind (``ReasonKind``) for code."""

from __future__ import annotations

import json
import time

import pytest

from registry_core import RegistryCacheManager
from registry_core.cache.status import Reason, ReasonKind


def _manager(version: str = "1.0", kind: str = "generic") -> RegistryCacheManager:
    return RegistryCacheManager("reasons", version_getter=lambda: version, namespace="reasons_test", kind=kind)


def _rewrite(manager: RegistryCacheManager, **changes: object) -> None:
    with open(manager.cache_path, encoding="utf-8") as handle:
        doc = json.load(handle)
    doc.update(changes)
    with open(manager.cache_path, "w", encoding="utf-8") as handle:
        json.dump(doc, handle)


@pytest.mark.parametrize(
    "change, state, kind, words",
    [
        ({"kind": "enum"}, "corrupt", ReasonKind.WRONG_SHAPE, "wrong shape"),
        ({"format": 99}, "stale", ReasonKind.FORMAT, "format version 99"),
        ({"version": "0.9"}, "stale", ReasonKind.VERSION, "package version changed: 0.9 -> 1.0"),
        ({"created": time.time() - 30 * 86400}, "stale", ReasonKind.AGE, "older than 7 days"),
        ({"identity": {"name": "someone else"}}, "stale", ReasonKind.IDENTITY, "written for 'someone else'"),
        ({"environment": "not an object"}, "corrupt", ReasonKind.WRONG_SHAPE, "wrong shape"),
    ],
)
def test_each_reason_has_its_kind(change, state, kind, words):
    manager = _manager()
    assert manager.save_cache({"a": 1})
    _rewrite(manager, **change)
    status = manager.status()
    assert (status.state, status.reason_kind) == (state, kind), status
    assert words in status.reason
    assert status.to_dict()["reason_kind"] == kind.value


def test_a_file_that_is_not_json_is_wrong_shape_and_a_valid_one_has_no_kind():
    manager = _manager()
    assert manager.save_cache({"a": 1})
    status = manager.status()
    assert status.state == "valid" and status.reason_kind is None and status.to_dict()["reason_kind"] is None
    with open(manager.cache_path, "w", encoding="utf-8") as handle:
        handle.write("{ not json")
    status = manager.status()
    assert (status.state, status.reason_kind) == ("corrupt", ReasonKind.WRONG_SHAPE)


def test_a_reason_is_still_a_string_for_every_reader():
    reason = Reason("package version changed: 1 -> 2", ReasonKind.VERSION)
    assert reason == "package version changed: 1 -> 2" and reason.startswith("package")
    assert json.dumps({"reason": reason}) == '{"reason": "package version changed: 1 -> 2"}'
    assert reason.kind is ReasonKind.VERSION


def test_the_status_schema_names_every_reason_kind():
    from registry_core.diagnostics.json_schemas import load_schema

    allowed = load_schema("status")["$defs"]["cache"]["properties"]["reason_kind"]["enum"]
    assert set(allowed) == {kind.value for kind in ReasonKind} | {None}
