"""``env_get`` (a warm start's environment reads) answers exactly as ``os.environ.get``, changes included."""

from __future__ import annotations

import os

import pytest

from registry_core._environ import env_get

VALUES = ("1", "", "  yes ", "/tmp/caché", "spaces and = signs", "surrogate \udcff byte")


@pytest.mark.parametrize("value", VALUES)
def test_same_answer_as_os_environ(monkeypatch, value):
    monkeypatch.setenv("REGISTRY_CORE_TEST_ENV_GET", value)
    assert env_get("REGISTRY_CORE_TEST_ENV_GET") == os.environ.get("REGISTRY_CORE_TEST_ENV_GET") == value
    assert env_get("REGISTRY_CORE_TEST_ENV_GET", "fallback") == value


def test_unset_gives_the_default_and_follows_every_change(monkeypatch):
    name = "REGISTRY_CORE_TEST_ENV_GET_UNSET"
    monkeypatch.delenv(name, raising=False)
    assert env_get(name) is None
    assert env_get(name, "") == ""
    os.environ[name] = "set"
    try:
        assert env_get(name) == "set"
        os.environ.update({name: "updated"})
        assert env_get(name) == "updated"
    finally:
        del os.environ[name]
    assert env_get(name) is None
    os.environ.setdefault(name, "again")
    monkeypatch.delenv(name)
    assert env_get(name, "gone") == "gone"


def test_non_ascii_name(monkeypatch):
    monkeypatch.setenv("REGISTRY_CORE_ÉTÉ", "value")
    assert env_get("REGISTRY_CORE_ÉTÉ") == os.environ.get("REGISTRY_CORE_ÉTÉ") == "value"
