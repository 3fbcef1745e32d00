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
    "       python -m registry_core.compat run - [ARG ...]   (the program on stdin)\n"
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
    if script == "-" or (os.path.exists(script) and not os.path.isfile(script) and not os.path.isdir(script)):
        return _run_source(script, rest)
    if not os.path.exists(script):
        # What `python script.py` says, as one line, with its exit status.
        print(
            f"{sys.executable}: can't open file {os.path.abspath(script)!r}: [Errno 2] No such file or directory",
            file=sys.stderr,
        )
        return 2
    # `python script.py` puts the script's folder first on sys.path (not the current folder): its own modules
    # beside it must import.
    if os.path.isfile(script) and not _is_zip(script):
        # (python makes __main__.__file__ absolute and keeps sys.argv[0] as typed; run_path would set both to
        # the path it is given)
        return _run_source(script, rest)
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    sys.argv = [script, *rest]
    runpy.run_path(script, run_name="__main__")  # a folder or a zip with a __main__.py
    return 0


def _is_zip(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _run_source(name: str, rest: list[str]) -> int:
    """A script's source run as python runs it: ``-`` (the program on stdin), a path that is no regular file
    (``/dev/stdin``, ``<(…)``: read once, where ``runpy.run_path`` read such a stream twice), or a file."""
    import types

    if name == "-":
        source, filename = sys.stdin.read(), "<stdin>"
        sys.path[0] = ""  # (python - puts the current folder first)
    else:
        with open(name, "rb") as handle:  # (bytes: compile() honours a coding cookie, as python does)
            source = handle.read()
        filename = os.path.abspath(name) if os.path.isfile(name) else name
        sys.path[0] = os.path.dirname(os.path.abspath(name))
    sys.argv = [name, *rest]
    main_module = types.ModuleType("__main__")
    namespace = main_module.__dict__
    namespace.update(__file__=filename, __builtins__=__builtins__)
    sys.modules["__main__"] = main_module
    exec(compile(source, filename, "exec"), namespace)
    return 0


if __name__ == "__main__":
    sys.exit(main())
