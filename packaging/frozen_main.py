"""Entry script of the frozen app (packaging/registry-inspector.spec): one script, two executables.

- ``registry-inspector`` (windowed): exactly ``registry-inspector`` from the wheel (no arguments: the window).
- ``registry-inspector-cli`` (console): the same commands; with no arguments it prints the help instead of
  opening the window (``registry-inspector-cli gui`` opens it).
- ``<exe> [-X opt]... -c CODE ARGS...``: what ``profile`` runs as its fresh-process children
  (``sys.executable -c ...``); a frozen app has no Python interpreter, so it runs CODE itself. Of the ``-X``
  options only ``importtime`` means anything here, and ``registry_core.diagnostics.importtime`` stands in for it.
"""

from __future__ import annotations

import os
import sys


def _run_code(argv: list[str]) -> int:
    options = []
    while argv and argv[0] == "-X":
        options.append(argv[1])
        argv = argv[2:]
    if "importtime" in options:
        from registry_core.diagnostics import importtime as _importtime

        _importtime.install()
    code, args = argv[1], argv[2:]
    # The bootloader does not read PYTHONPATH; profile passes --target folders that way.
    for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep):
        if entry and entry not in sys.path:
            sys.path.append(entry)
    sys.argv = ["-c", *args]
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    exec(compile(code, "<string>", "exec"), namespace)
    return 0


def main() -> int:
    argv = sys.argv[1:]
    flags = argv
    while flags[:1] == ["-X"]:
        flags = flags[2:]
    if flags[:1] == ["-c"] and len(flags) > 1:
        return _run_code(argv)
    from app.__main__ import main as app_main

    name = os.path.splitext(os.path.basename(sys.executable))[0]
    if name.endswith("-cli") and not argv:
        argv = ["--help"]
    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
