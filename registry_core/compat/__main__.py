"""``python -m registry_core.compat run -m module [args…]`` / ``run script.py [args…]``: a program, unedited,
on registry_core's engine (``import metaclass_registry`` resolves to the compat layer).

The program runs as ``python -m module`` / ``python script.py`` would run it: ``sys.argv``, ``__main__`` and
``sys.path[0]`` (the current folder for a module, the script's folder for a script) are the same.
"""

from __future__ import annotations

import os
import runpy
import sys

_USAGE = (
    "usage: python -m registry_core.compat run -m MODULE [ARG ...]\n"
    "       python -m registry_core.compat run SCRIPT.py [ARG ...]\n"
    "Runs the program with `import metaclass_registry` resolving to registry_core's compat layer."
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("-h", "--help"):
        print(_USAGE)
        return 0
    if not args or args[0] != "run" or len(args) < 2 or (args[1] == "-m" and len(args) < 3):
        print(_USAGE, file=sys.stderr)
        return 2
    from . import install

    install()
    if args[1] == "-m":
        return _run_module(args[2], args[3:])
    return _run_script(args[1], args[2:])


def _run_module(module: str, rest: list[str]) -> int:
    import importlib.util

    try:
        found = importlib.util.find_spec(module)
    except (ImportError, ValueError) as exc:  # a parent package that fails to import, or an empty name
        print(f"registry-inspector compat: cannot run module {module}: {exc}", file=sys.stderr)
        return 1
    if found is None:
        # What `python -m` says, as one line.
        print(f"{sys.executable}: No module named {module}", file=sys.stderr)
        return 1
    # `python -m` puts the current folder first on sys.path; so did starting this module.
    sys.argv = [found.origin or module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


def _run_script(script: str, rest: list[str]) -> int:
    if not os.path.exists(script):
        # What `python script.py` says, as one line, with its exit status.
        print(
            f"{sys.executable}: can't open file {os.path.abspath(script)!r}: [Errno 2] No such file or directory",
            file=sys.stderr,
        )
        return 2
    # `python script.py` puts the script's folder first on sys.path (not the current folder): its own modules
    # beside it must import.
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    sys.argv = [script, *rest]
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
