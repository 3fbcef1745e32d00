"""The bug-report bundle (being written)."""


def add_parser(sub, common):  # type: ignore[no-untyped-def]
    return None


def run_command(args):  # type: ignore[no-untyped-def]
    raise LookupError("bundle is not available yet")
