"""`import registry_core` stays light: no Qt, pyqtgraph or numpy, and no plugin discovery."""

from helpers import run_python


def test_import_pulls_in_no_gui_or_numeric_stack():
    result = run_python(
        """
        import sys
        import registry_core
        heavy = [m for m in ("PyQt6", "pyqtgraph", "numpy") if m in sys.modules]
        print("HEAVY", heavy)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


def test_public_facade_lists_what_it_exports():
    import registry_core

    exported = registry_core.__all__
    assert exported == sorted(exported), "keep __all__ sorted (plain sort: upper case first)"
    assert len(set(exported)) == len(exported), "a name is listed twice in __all__"
    for name in registry_core.__all__:
        assert hasattr(registry_core, name), name
    assert "AutoRegisterMeta" in registry_core.__all__
    assert "LazyDiscoveryDict" in registry_core.__all__
