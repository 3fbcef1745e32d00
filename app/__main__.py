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


def version_text() -> str:
    """``registry-inspector 0.1.0 (registry_core 0.1.0, Python 3.12.3)``: what ``--version`` prints."""
    import platform

    from registry_core import __version__ as core_version

    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            own = version("registry-inspector")
        except PackageNotFoundError:  # (a source checkout on PYTHONPATH: one project, one version)
            own = core_version
    except ImportError:
        own = core_version
    return f"registry-inspector {own} (registry_core {core_version}, Python {platform.python_version()})"


def window_help() -> str:
    """The window's part of ``registry-inspector --help``: its usage and flags (``gui --help``)."""
    from .gui import build_parser

    return "window (no COMMAND, or gui, opens it):\n\n" + build_parser(version="").format_help()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if wants_window(argv):
        from .gui import main as gui_main

        return gui_main(argv, version=version_text())
    from registry_core.cli import main as cli_main

    from .demo import load_demo

    epilog = window_help() if {"-h", "--help"} & set(argv) else None
    return cli_main(argv, default_targets=load_demo, epilog=epilog, version=version_text)


if __name__ == "__main__":
    sys.exit(main())
