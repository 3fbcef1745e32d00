"""Cold/warm discovery timings in fresh subprocesses (being written)."""


def add_parser(sub, common):  # type: ignore[no-untyped-def]
    return None


def run_command(args):  # type: ignore[no-untyped-def]
    raise LookupError("profile is not available yet")
