"""`registry-inspector`: subcommands stay headless; no subcommand opens the window (once it exists)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from registry_core._render import print_registries

    from .demo import load_demo

    registries = load_demo()
    print_registries(registries, verbose="-v" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
