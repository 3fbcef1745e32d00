"""Every ``--json`` document, and the bundle's manifest, validates against its published JSON Schema.

The schemas are ``registry_core/diagnostics/schemas/<name>.schema.json`` (draft 2020-12). The documents
come from real ``python -m app ... --json`` runs on the embedded demo (``cli_helpers.Cli``), each
command once per module, in an order that shows caches missing, valid and cleared.
"""

from __future__ import annotations

import copy
import json
import zipfile

import pytest
from cli_helpers import DEMO_REGISTRIES, Cli
from jsonschema import Draft202012Validator

from registry_core.cli import command_names
from registry_core.diagnostics.json_schemas import BUNDLE_MANIFEST, load_schema, schema_names, schema_path

#: The document any subcommand prints with --json when it cannot run (tests/test_cli_errors.py validates it).
ERROR = "error"

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: Bundle members that are exactly another command's document.
BUNDLE_MEMBERS = {
    "registries.json": "list",
    "status.json": "status",
    "verify.json": "verify",
    "profile.json": "profile",
}


#: The parts of a snapshot that are another command's document.
SNAPSHOT_PARTS = {"list": "list", "status": "status", "profile": "profile"}


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


def errors(name: str, document: dict) -> list[str]:
    """Each reason ``document`` breaks schema ``name``, with where (empty: valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator(name).iter_errors(document)
    ]


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """{label: (schema name, document)} from one run of every subcommand, plus the bundle's manifest."""
    base = tmp_path_factory.mktemp("json-schemas")
    with pytest.MonkeyPatch.context() as env:  # module scope: the autouse per-test isolation is not set up yet
        env.setenv("REGISTRY_CORE_CACHE_DIR", str(base / "cache"))
        env.setenv("XDG_CACHE_HOME", str(base / "xdg-cache"))
        env.setenv("XDG_STATE_HOME", str(base / "xdg-state"))
        env.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(base / "data"))
        cli = Cli(base)
        first = next(iter(DEMO_REGISTRIES))
        key = DEMO_REGISTRIES[first][0]
        docs = {
            "status (no cache yet)": ("status", cli("status", "--json")),
            "list": ("list", cli("list", "--json")),
            "status": ("status", cli("status", "--json")),
            "explain (a registered key)": ("explain", cli("explain", key, "--json")),
            "explain (an unknown name)": ("explain", cli("explain", "no_such_plugin_xyz", "--json", expect=1)),
            "verify": ("verify", cli("verify", "--json")),
            "profile": ("profile", cli("profile", "--runs", "1", "--registry", first, "--json")),
            "rebuild": ("rebuild", cli("rebuild", "--json")),
            "clear-cache (one registry)": ("clear-cache", cli("clear-cache", "--registry", first, "--json")),
            "status (one cache cleared)": ("status", cli("status", "--json")),
            "clear-cache (all)": ("clear-cache", cli("clear-cache", "--all", "--json")),
        }
        bundle = base / "bundle.zip"
        docs["bundle"] = ("bundle", cli("bundle", "-o", str(bundle), "--json"))
        snapshot = base / "snapshot.json"
        docs["snapshot"] = ("snapshot", cli("snapshot", "-o", str(snapshot), "--json"))
        docs["diff (same)"] = ("diff", cli("diff", str(snapshot), str(bundle), "--json"))
        no_gpu = {"OPENHCS_DEMO_SUBPROCESS_NO_GPU": "1"}
        docs["diff (different)"] = ("diff", cli("diff", str(snapshot), "live", "--json", expect=1, env=no_gpu))
        result = {label: (name, run.json()) for label, (name, run) in docs.items()}
        with zipfile.ZipFile(bundle) as archive:
            members = {
                n: json.loads(archive.read(n))
                for n in archive.namelist()
                if n == "manifest.json" or n in BUNDLE_MEMBERS
            }
    result["bundle manifest.json"] = (BUNDLE_MANIFEST, members.pop("manifest.json"))
    snapshot_document = result["snapshot"][1]
    for part, name in SNAPSHOT_PARTS.items():
        result[f"snapshot {part}"] = (name, snapshot_document[part])
    for member, name in BUNDLE_MEMBERS.items():
        assert member in members, f"the bundle has no {member}: {sorted(members)}"
        result[f"bundle {member}"] = (name, members[member])
    return result


LABELS = [
    "status (no cache yet)",
    "list",
    "status",
    "explain (a registered key)",
    "explain (an unknown name)",
    "verify",
    "profile",
    "rebuild",
    "clear-cache (one registry)",
    "status (one cache cleared)",
    "clear-cache (all)",
    "bundle",
    "bundle manifest.json",
    *(f"bundle {m}" for m in BUNDLE_MEMBERS),
    "snapshot",
    "diff (same)",
    "diff (different)",
    *(f"snapshot {part}" for part in ("list", "status", "profile")),
]


def test_every_subcommand_and_the_bundle_manifest_has_a_schema():
    assert set(schema_names()) == {*command_names(), BUNDLE_MANIFEST, ERROR}, (
        "a subcommand with --json needs registry_core/diagnostics/schemas/<name>.schema.json"
    )
    for name in schema_names():
        assert schema_path(name).endswith(f"{name}.schema.json")
    with pytest.raises(LookupError, match="no JSON schema named 'nope'; known: bundle, bundle-manifest"):
        schema_path("nope")


@pytest.mark.parametrize("name", schema_names())
def test_each_schema_is_draft_2020_12_for_schema_1(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT
    assert schema["type"] == "object" and "schema" in schema["required"]
    assert schema["properties"]["schema"] == {"const": 1}
    assert schema.get("additionalProperties", True) is True, "schema 1 documents may gain keys"


def test_the_cache_states_in_the_schemas_are_the_core_states():
    from registry_core.cache.status import STATES

    def state_enums(node):
        if isinstance(node, dict):
            values = node.get("enum")
            if isinstance(values, list) and "valid" in values:
                yield [v for v in values if v is not None]
            for child in node.values():
                yield from state_enums(child)
        elif isinstance(node, list):
            for child in node:
                yield from state_enums(child)

    for name in ("list", "status", "verify", "profile", "rebuild"):
        found = list(state_enums(load_schema(name)))
        assert found, name
        for values in found:
            assert sorted(values) == sorted(STATES), name


@pytest.mark.parametrize("label", LABELS)
def test_real_document_validates(documents, label):
    name, document = documents[label]
    assert errors(name, document) == []


def test_the_documents_show_the_states_they_were_made_in(documents):
    """The fixture really produced what the labels say (so the schemas saw these states)."""
    states = lambda label: {c["registry"]: c["state"] for c in documents[label][1]["caches"]}  # noqa: E731
    first = next(iter(DEMO_REGISTRIES))
    assert {states("status (no cache yet)")[n] for n in DEMO_REGISTRIES} == {"missing"}
    assert {states("status")[n] for n in DEMO_REGISTRIES} == {"valid"}
    assert states("status (one cache cleared)")[first] == "missing"
    assert documents["explain (a registered key)"][1]["answers"][0]["registered"] is True
    assert {a["cause"] for a in documents["explain (an unknown name)"][1]["answers"]} == {"not found"}
    assert documents["verify"][1]["agree"] is True
    assert documents["clear-cache (all)"][1]["caches_removed"] >= 1
    assert documents["diff (same)"][1]["same"] is True
    differences = documents["diff (different)"][1]["differences"]
    assert ("environment", "OPENHCS_DEMO_SUBPROCESS_NO_GPU", None, "1") in [
        (d["kind"], d["name"], d["a"], d["b"]) for d in differences
    ]


def test_every_document_names_its_tool(documents):
    from registry_core import __version__

    for label, (_name, document) in documents.items():
        assert document.get("tool", {}).get("name") == "registry-inspector", label
        assert document["tool"]["version"] == __version__, label


def test_a_wrong_state_a_missing_key_or_another_schema_is_rejected(documents):
    status = documents["status"][1]
    assert errors("status", status) == []

    wrong_state = copy.deepcopy(status)
    wrong_state["caches"][0]["state"] = "fresh"
    assert errors("status", wrong_state) == [
        "caches/0/state: 'fresh' is not one of ['valid', 'missing', 'disabled', 'stale', 'corrupt']"
    ]

    missing_key = copy.deepcopy(status)
    del missing_key["caches"][0]["reason"]
    assert errors("status", missing_key) == ["caches/0: 'reason' is a required property"]

    inventory = copy.deepcopy(documents["list"][1])
    del inventory["registries"][0]["plugins"]
    inventory["schema"] = 2
    assert sorted(errors("list", inventory)) == [
        "registries/0: 'plugins' is a required property",
        "schema: 1 was expected",
    ]

    verify = copy.deepcopy(documents["verify"][1])
    verify["agree"] = None  # could not run, yet no error said why
    assert errors("verify", verify) == ["error: None is not of type 'string'"]


def test_new_keys_are_allowed_at_every_level(documents):
    """Schema 1 stays backward compatible by adding keys only, so a reader must accept new ones."""
    inventory = copy.deepcopy(documents["list"][1])
    inventory["new_top_level_key"] = {"anything": [1, 2]}
    registry = inventory["registries"][0]
    registry["new_registry_key"] = True
    registry["plugins"][0]["new_plugin_key"] = None
    assert errors("list", inventory) == []
