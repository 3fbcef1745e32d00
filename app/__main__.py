"""`registry-inspector`: subcommands stay headless (no Qt import); no subcommand, or `gui`, opens the window."""

from __future__ import annotations

import sys


def wants_window(argv: list[str]) -> bool:
    """Whether ``argv`` asks for the window: nothing, ``gui``, or only options that name no subcommand.

    The subcommands are the CLI's command table, so one added there is routed
    to the CLI wherever it stands (``--target pkg verify`` included).
    """
    from registry_core.cli import command_names

    if not argv or argv[0] == "gui":
        return True
    commands = command_names()
    return argv[0].startswith("-") and not any(a in commands for a in argv) and not {"-h", "--help"} & set(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if wants_window(argv):
        from .gui import main as gui_main

        return gui_main(argv)
    from registry_core.cli import main as cli_main

    from .demo import load_demo

    return cli_main(argv, default_targets=load_demo)


if __name__ == "__main__":
    sys.exit(main())
