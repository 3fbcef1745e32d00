"""Enums for the report model; filled in by registry_core.enums once it exists."""

from __future__ import annotations


def enum_documents() -> list:
    return []


def enum_cache_statuses() -> list:
    return []
