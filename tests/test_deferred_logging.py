"""The CLI's log set-up waits for the first record: a run that logs nothing never imports logging.

``configure_cli_logging`` (stderr at WARNING, the log file at DEBUG) installs
its handlers just before the first ``registry_core`` record, debug and info
records included, so what is logged and where it goes is as before.
"""

from __future__ import annotations

import json

from helpers import run_python

PROBE = """
    import json, os, sys
    from registry_core.diagnostics.logs import configure_cli_logging, log_path
    {before}
    configure_cli_logging({verbose})
    waited = "logging" not in sys.modules
    from registry_core import _log
    {log}
    import logging
    handlers = [type(h).__name__ for h in logging.getLogger("registry_core").handlers]
    text = open(log_path(), encoding="utf-8").read() if os.path.exists(log_path()) else None
    print("RESULT " + json.dumps({{"waited": waited, "handlers": handlers, "log": text}}))
"""


def _run(tmp_path, *, log: str, verbose: bool = False, before: str = "") -> tuple[dict, str]:
    proc = run_python(
        PROBE.format(log=log, verbose=verbose, before=before), env={"XDG_STATE_HOME": str(tmp_path / "state")}
    )
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :]), proc.stderr


def test_nothing_logged_nothing_imported_and_no_log_file(tmp_path):
    result, stderr = _run(tmp_path, log="pass")
    assert result["waited"] is True
    assert result["handlers"] == [] and result["log"] is None and stderr == ""


def test_the_first_warning_installs_both_handlers_before_it_is_handled(tmp_path):
    result, stderr = _run(tmp_path, log='_log.get_logger("cache").warning("first %s", "record")')
    assert result["waited"] is True
    assert result["handlers"] == ["StreamHandler", "RotatingFileHandler"]
    assert stderr == "registry-inspector: first record\n"
    assert "WARNING registry_core.cache: first record" in result["log"]


def test_debug_and_info_records_are_not_lost_while_the_set_up_waits(tmp_path):
    result, stderr = _run(tmp_path, log='_log.info("discovery", "summary"); _log.debug("registry", "registered")')
    assert "INFO registry_core.discovery: summary" in result["log"]
    assert "DEBUG registry_core.registry: registered" in result["log"]
    assert stderr == ""  # below WARNING: the file only, without -v
    _, stderr = _run(tmp_path, log='_log.debug("registry", "registered")', verbose=True)
    assert stderr == "registry-inspector: registered\n"


def test_installed_at_once_when_logging_is_already_loaded(tmp_path):
    result, _ = _run(tmp_path, log="pass", before="import logging")
    assert result["waited"] is False
    assert result["handlers"] == ["StreamHandler", "RotatingFileHandler"]
