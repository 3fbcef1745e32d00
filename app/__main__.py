"""`registry-inspector`: subcommands stay headless (no Qt import); no subcommand opens the window."""

from __future__ import annotations

import sys


def main(argv: "list[str] | None" = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from registry_core.cli import COMMANDS

    if any(a in COMMANDS for a in argv) or "-h" in argv or "--help" in argv:
        from registry_core.cli import main as cli_main

        from .demo import load_demo

        return cli_main(argv, default_targets=load_demo)
    # The window arrives with the app issue; until then the default is the listing.
    from registry_core.cli import main as cli_main

    from .demo import load_demo

    return cli_main(["list", *[a for a in argv if a != "gui"]], default_targets=load_demo)


if __name__ == "__main__":
    sys.exit(main())
