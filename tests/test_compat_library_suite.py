"""metaclass-registry 0.4.1's own test suite, from its source distribution, run unmodified on registry_core.compat.

The only changes are outside its files: ``-o addopts=""`` (its settings ask for pytest-cov) and a
``sitecustomize`` that calls ``registry_core.compat.install()``, so ``import metaclass_registry`` is the compat
layer. Our interpreter has no metaclass-registry installed, so nothing else could answer that import.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from real_stack import ROOT, metaclass_registry_sdist


def test_the_librarys_own_suite_passes_on_the_compat_layer(tmp_path):
    sdist = metaclass_registry_sdist()
    (tmp_path / "sitecustomize.py").write_text("import registry_core.compat\nregistry_core.compat.install()\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    # Some of its tests delete XDG_CACHE_HOME and then create the default folder: keep that inside tmp_path.
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    probe = subprocess.run(
        [sys.executable, "-c", "import metaclass_registry as m; print(m.__name__)"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip() == "registry_core.compat.metaclass_registry", probe.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-p", "no:cacheprovider", "-q", "tests"],
        cwd=sdist,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-2000:]
    print(f"metaclass-registry 0.4.1's suite on registry_core.compat: {summary}")
    assert proc.returncode == 0, proc.stdout[-6000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) == 115, summary
    assert not re.search(r"failed|error|skipped|xfail", summary), summary
