"""``registry_core.compat.install()`` and ``python -m registry_core.compat run``: a program switched over unedited."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from real_stack import ROOT, real_stack_python


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "REGISTRY_CORE"))}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    return env


def _python(tmp_path: Path, code: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, "-c", textwrap.dedent(code)], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )


def test_install_aliases_the_package_and_every_submodule_to_one_compat_object(tmp_path):
    proc = _python(
        tmp_path,
        """
        import registry_core.compat
        registry_core.compat.install()
        registry_core.compat.install()  # twice is harmless
        import metaclass_registry, metaclass_registry.core, metaclass_registry.cache, metaclass_registry.strategies
        from metaclass_registry.testing import restored_registry
        from registry_core.compat.metaclass_registry import core
        import registry_core
        assert metaclass_registry.core is core
        assert metaclass_registry.__version__ == "0.4.1"
        assert issubclass(metaclass_registry.AutoRegisterMeta, registry_core.AutoRegisterMeta)
        assert issubclass(metaclass_registry.LazyDiscoveryDict, registry_core.LazyDiscoveryDict)
        assert len(metaclass_registry.__all__) == 24
        try:
            import metaclass_registry.nonexistent
        except ModuleNotFoundError as exc:
            print("missing:", exc.name)
        print("ok", registry_core.compat.installed())
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "missing: metaclass_registry.nonexistent" in proc.stdout
    assert "ok True" in proc.stdout


def test_install_after_the_real_library_was_imported_names_who_imported_it(tmp_path):
    (tmp_path / "early_user.py").write_text("from metaclass_registry import AutoRegisterMeta\n")
    proc = _python(
        tmp_path,
        """
        import early_user
        import registry_core.compat
        registry_core.compat.install()
        """,
        python=real_stack_python(),
    )
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("registry_core.compat._install.AlreadyImportedError: metaclass_registry was already")
    assert "early_user" in last and "site-packages" in last
    assert "python -m registry_core.compat run" in last


def test_run_a_module_and_a_script_unedited(tmp_path):
    (tmp_path / "tool.py").write_text(
        textwrap.dedent(
            """
            import sys
            import metaclass_registry
            if __name__ == "__main__":
                print(metaclass_registry.__name__, sys.argv[0].rsplit("/", 1)[-1], sys.argv[1:])
            """
        )
    )
    env = _env(tmp_path)
    python = real_stack_python()  # the real library is installed there: the alias must win
    as_module = subprocess.run(
        [python, "-m", "registry_core.compat", "run", "-m", "tool", "--flag", "x"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert as_module.returncode == 0, as_module.stderr
    assert as_module.stdout.split()[0] == "registry_core.compat.metaclass_registry"
    assert "['--flag', 'x']" in as_module.stdout
    as_script = subprocess.run(
        [python, "-m", "registry_core.compat", "run", str(tmp_path / "tool.py"), "a"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert as_script.returncode == 0, as_script.stderr
    assert as_script.stdout.split()[:2] == ["registry_core.compat.metaclass_registry", "tool.py"]
    usage = subprocess.run([python, "-m", "registry_core.compat"], env=env, capture_output=True, text=True)
    assert usage.returncode == 2 and "run -m MODULE" in usage.stderr and not usage.stdout


def test_run_gives_a_script_its_own_folder_and_misuse_one_line(tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    (program / "helper.py").write_text("VALUE = 'beside the script'\n")
    (program / "main.py").write_text("import sys, helper\nprint(helper.VALUE, sys.path[0])\n")
    env = _env(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-m", "registry_core.compat", "run", str(program / "main.py")],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["beside", "the", "script", str(program)]
    missing_module = subprocess.run(
        [sys.executable, "-m", "registry_core.compat", "run", "-m", "no_such_module_xyz"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing_module.returncode == 1
    assert missing_module.stderr.strip().endswith("No module named no_such_module_xyz")
    assert "Traceback" not in missing_module.stderr
    missing_script = subprocess.run(
        [sys.executable, "-m", "registry_core.compat", "run", str(tmp_path / "nope.py")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing_script.returncode == 2 and "can't open file" in missing_script.stderr
    assert "Traceback" not in missing_script.stderr


PROBE = "import sys, metaclass_registry\nprint(metaclass_registry.__name__, __name__, __file__, sys.argv)\n"


@pytest.mark.parametrize("how", ["-", "/dev/stdin", "relative"])
def test_run_reads_stdin_and_names_files_as_python_does(how, tmp_path):
    """`run -` ran a file named '-', `run /dev/stdin` printed nothing, and a relative script's __file__ stayed
    relative; python runs stdin for both and makes __main__.__file__ absolute (argv[0] as typed)."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "probe.py").write_text(PROBE)
    script = "sub/probe.py" if how == "relative" else how
    env = _env(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-m", "registry_core.compat", "run", script, "x"],
        input=PROBE,
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    plain = subprocess.run(
        [sys.executable, script, "x"], input=PROBE, env=env, capture_output=True, text=True, cwd=tmp_path
    )
    library, name, file, argv = ran.stdout.split(" ", 3)
    assert (library, name) == ("registry_core.compat.metaclass_registry", "__main__")
    # (the plain run names the real library or fails to import it: only the rest is compared)
    assert (file, argv) == tuple(plain.stdout.split(" ", 3)[2:]) or plain.returncode != 0
    expected_file = {"-": "<stdin>", "/dev/stdin": "/dev/stdin", "relative": str(tmp_path / "sub" / "probe.py")}[how]
    assert file == expected_file and argv.strip() == repr([script, "x"])
