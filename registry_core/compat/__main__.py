"""``python -m registry_core.compat run -m module [args…]`` / ``run script.py [args…]``: a program, unedited,
on registry_core's engine (``import metaclass_registry`` resolves to the compat layer)."""

from __future__ import annotations

import runpy
import sys

_USAGE = (
    "usage: python -m registry_core.compat run -m MODULE [ARG ...]\n"
    "       python -m registry_core.compat run SCRIPT.py [ARG ...]\n"
    "Runs the program with `import metaclass_registry` resolving to registry_core's compat layer."
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE)
        return 0 if args else 2
    if args[0] != "run" or len(args) < 2 or (args[1] == "-m" and len(args) < 3):
        print(_USAGE, file=sys.stderr)
        return 2
    from . import install

    install()
    if args[1] == "-m":
        module, rest = args[2], args[3:]
        sys.argv = [module, *rest]
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    else:
        script, rest = args[1], args[2:]
        sys.argv = [script, *rest]
        runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
