"""`import registry_core` stays light: no Qt, pyqtgraph or numpy, and no plugin discovery."""

import json

from helpers import run_python

#: Modules a bare ``import registry_core`` must leave unloaded, and why.
NOT_LOADED_BY_IMPORT = {
    "PyQt6": "the GUI stack",
    "pyqtgraph": "the GUI stack",
    "numpy": "the numeric stack",
    "registry_core.enums": "the enum factories load on first use of one of their names",
    "registry_core.functions": "the function-metadata cache loads on first use of one of its names",
    "inspect": "only introspecting functions needs it (~10 ms)",
}
#: Names the facade lists in __all__ but imports lazily, and the module each comes from.
LAZY_EXPORTS = {
    "create_colormap_enum": "registry_core.enums",
    "create_component_enums": "registry_core.enums",
    "load_function_metadata": "registry_core.functions",
    "FunctionMetadata": "registry_core.functions",
}


def test_import_loads_no_gui_numeric_or_lazy_module_and_lazy_names_still_resolve():
    result = run_python(
        f"""
        import json, sys
        import registry_core
        loaded = [m for m in {list(NOT_LOADED_BY_IMPORT)!r} if m in sys.modules]
        lazy = {{name: [name in registry_core.__all__, getattr(registry_core, name).__module__]
                 for name in {list(LAZY_EXPORTS)!r}}}
        print("RESULT " + json.dumps({{"loaded": loaded, "lazy": lazy}}))
        """
    )
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    data = json.loads(line[len("RESULT ") :])
    assert {m: NOT_LOADED_BY_IMPORT[m] for m in data["loaded"]} == {}
    assert data["lazy"] == {name: [True, module] for name, module in LAZY_EXPORTS.items()}


def test_public_facade_lists_what_it_exports():
    import registry_core

    exported = registry_core.__all__
    assert exported == sorted(exported), "keep __all__ sorted (plain sort: upper case first)"
    assert len(set(exported)) == len(exported), "a name is listed twice in __all__"
    for name in registry_core.__all__:
        assert hasattr(registry_core, name), name
    assert "AutoRegisterMeta" in registry_core.__all__
    assert "LazyDiscoveryDict" in registry_core.__all__
