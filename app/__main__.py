"""`registry-inspector`: subcommands stay headless (no Qt import); no subcommand, or `gui`, opens the window."""

from __future__ import annotations

import sys


def main(argv: "list[str] | None" = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from registry_core.cli import COMMANDS

    wants_gui = not argv or argv[0] == "gui" or (argv[0].startswith("-") and not any(a in COMMANDS for a in argv)
                                                 and not {"-h", "--help"} & set(argv))
    if wants_gui:
        from .gui import main as gui_main

        return gui_main(argv)
    from registry_core.cli import main as cli_main

    from .demo import load_demo

    return cli_main(argv, default_targets=load_demo)


if __name__ == "__main__":
    sys.exit(main())
