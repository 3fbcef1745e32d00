"""Another machine (``--remote HOST``): the same subcommands run there through the system's OpenSSH client.

Nothing of ours has to be installed on the worker, and no server of ours runs there: ``ssh HOST`` starts the
worker's Python (``python3`` on its PATH, or ``--remote-python PATH``, a venv folder or an interpreter) with a
small bootstrap program on its command line. The bootstrap answers with one header line; when the worker does
not hold this exact registry_core yet (its cache folder keyed by a hash of our sources), it asks for it and
reads a zip of registry_core + platformdirs from ssh's stdin, unpacks it into that cache folder (a temporary
file instead, removed at exit, when the command must write nothing), and runs ``registry_core.cli`` with
``--json``. So the worker needs Python >= 3.10 and nothing else, and its core is always ours: no version
mismatch. ``installed=True`` uses a registry_core installed on the worker instead; then its version must
equal ours (the header says which it is, before any work starts).

Authentication is the user's: their ssh config, keys and agent. ``BatchMode`` makes ssh fail rather than
ask for a password or to accept a host key; ``ConnectTimeout`` and server-alive probes bound a dead host.
Every failure is one :class:`RemoteError` line naming the host and the fix. Closing ssh's stdin is the
worker's signal to stop: the bootstrap watches it and kills its process group, so Cancel (or a timeout)
here stops the work there too.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The bootstrap's header: ``registry-inspector-remote PROTOCOL WORD ...``.
HEADER = "registry-inspector-remote"
PROTOCOL = "1"
#: How long ssh may take to connect (seconds), and the default bound on a whole remote command.
DEFAULT_CONNECT_TIMEOUT_S = 15.0
DEFAULT_TIMEOUT_S = 600.0
#: ``REGISTRY_INSPECTOR_SSH_COMMAND``: the ssh client and options to use (like ``GIT_SSH_COMMAND``).
SSH_COMMAND_VAR = "REGISTRY_INSPECTOR_SSH_COMMAND"

# Run by the worker's shell: find the interpreter ($1: a path, a venv folder, or empty for python3/python),
# then hand it the bootstrap ($2) and the rest. A missing interpreter is a header too, so it is one clear line.
_SHELL = r"""py=$1; boot=$2; shift 2
case $py in "~/"*) py=$HOME/${py#"~/"};; esac
if [ -z "$py" ]; then
  for c in python3 python; do if command -v "$c" >/dev/null 2>&1; then py=$c; break; fi; done
elif [ -d "$py" ]; then
  for c in "$py/bin/python" "$py/bin/python3"; do if [ -x "$c" ]; then py=$c; break; fi; done
fi
if [ -z "$py" ] || ! command -v "$py" >/dev/null 2>&1 || [ -d "$py" ]; then
  echo "registry-inspector-remote 1 no-python ${py:-python3}"; exit 0
fi
exec "$py" -c "$boot" "$@"
"""

# The worker's side. Its first lines parse on any Python (2.7 too), so an old one is reported, not a
# SyntaxError. argv: mode ("send", "send-ro": write nothing, "installed"), hash, our version, the CLI's argv.
_BOOTSTRAP = r"""
import os, sys
def _say(*words):
    sys.stdout.write("registry-inspector-remote 1 " + " ".join(words) + "\n")
    sys.stdout.flush()
mode, digest, wanted = sys.argv[1], sys.argv[2], sys.argv[3]
argv = sys.argv[4:]
here = "%d.%d.%d" % tuple(sys.version_info[:3])
if sys.version_info < (3, 10):
    _say("old-python", here, sys.executable)
    sys.exit(0)
def _cache_home():
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches")
    if os.name == "nt":
        return os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
    return os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
def _receive():
    size = int(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read(size)
    if len(data) != size:
        sys.exit(3)
    return data
def _unpack(data, folder):
    import io, tempfile, zipfile
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".unpack-", dir=parent)
    zipfile.ZipFile(io.BytesIO(data)).extractall(scratch)
    try:
        os.rename(scratch, folder)
    except OSError:  # another run unpacked the same sources first
        import shutil
        shutil.rmtree(scratch, True)
def _watch_stdin():
    # ssh's stdin closes when the caller stops (Cancel, timeout, lost connection): stop this work too.
    import signal, threading
    def _wait():
        try:  # (the raw descriptor: a buffered reader's lock would stall the interpreter's exit)
            while os.read(0, 65536):
                pass
        except Exception:
            pass
        os.killpg(0, signal.SIGKILL)
    if hasattr(os, "killpg"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        threading.Thread(target=_wait, daemon=True).start()
if mode == "installed":
    try:
        import registry_core
    except ImportError:
        _say("no-tool", here, sys.executable)
        sys.exit(0)
    version = getattr(registry_core, "__version__", "unknown")
    if version != wanted:
        _say("mismatch", version, here, sys.executable)
        sys.exit(0)
    _say("ready", here, sys.executable)
else:
    folder = os.path.join(_cache_home(), "registry-inspector", "remote", digest)
    if os.path.isfile(os.path.join(folder, "registry_core", "__init__.py")):
        _say("ready", here, sys.executable)
    else:
        _say("need", here, sys.executable)
        data = _receive()
        if mode == "send-ro":
            import atexit, tempfile
            handle, folder = tempfile.mkstemp(prefix="registry-inspector-", suffix=".zip")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            atexit.register(os.unlink, folder)
            sys.dont_write_bytecode = True
        else:
            _unpack(data, folder)
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join([folder] + paths)
    os.environ["REGISTRY_INSPECTOR_BRIDGE"] = folder
_watch_stdin()
# The rest is the --python bridge's CLI_MAIN: our folder off sys.path once imported (-c put "" first).
sys.argv[1:] = argv + ["--json"]
if mode != "installed":
    sys.path.insert(1 if sys.path[:1] == [""] else 0, folder)
"""


class RemoteError(Exception):
    """``--remote HOST`` could not give an answer; ``str()`` is one line naming the host and the fix."""


def ssh_command_from_environment(host: str) -> list[str]:
    """The ssh client's words: ``$REGISTRY_INSPECTOR_SSH_COMMAND`` split as a shell would, else ``["ssh"]``.

    A value that does not split (an unclosed quote, a trailing backslash) or holds no word is a
    :class:`RemoteError` naming the variable, what is wrong and its value, not a traceback or ssh run as "".
    """
    import shlex

    value = os.environ.get(SSH_COMMAND_VAR)
    if value is None:
        return ["ssh"]
    fix = "give the ssh command as a shell would read it (e.g. ssh -F ~/cluster/ssh_config), or unset it to use ssh"
    try:
        words = shlex.split(value)
    except ValueError as exc:
        wrong = _SPLIT_ERRORS.get(str(exc), f"cannot be split into words ({exc})")
        raise RemoteError(f"--remote {host}: {SSH_COMMAND_VAR} {wrong} (its value: {value}); {fix}") from None
    if not words:
        raise RemoteError(f"--remote {host}: {SSH_COMMAND_VAR} is set but {'blank' if value else 'empty'}; {fix}")
    return words


#: shlex's reasons, said for people.
_SPLIT_ERRORS = {
    "No closing quotation": "has a quote that is never closed",
    "No escaped character": "ends with a backslash that escapes nothing",
}


class RemoteHost:
    """How to reach a worker: the ssh destination, its Python (None: ``python3`` on its PATH), whether to use
    a registry_core installed there, and the ssh client command (default ``ssh``, or
    ``$REGISTRY_INSPECTOR_SSH_COMMAND``)."""

    def __init__(
        self,
        host: str,
        python: str | None = None,
        installed: bool = False,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_S,
        ssh_command: list[str] | None = None,
    ) -> None:
        if not host or host.startswith("-") or any(ch.isspace() for ch in host):
            raise RemoteError(f"--remote {host!r}: not a host name; give an ssh destination such as user@gpu-node-3")
        self.host = host
        self.python = python
        self.installed = installed
        self.connect_timeout = connect_timeout
        if ssh_command is None:
            ssh_command = ssh_command_from_environment(host)
        self.ssh_command = ssh_command

    @property
    def label(self) -> str:
        """``host`` or ``host:python``, for titles and messages."""
        return f"{self.host}:{self.python}" if self.python else self.host

    def argv(self, mode: str, digest: str, cli_argv: list[str]) -> list[str]:
        """The local ssh command line that runs ``cli_argv`` on the worker."""
        import shlex

        from .._version import __version__
        from .environment import CLI_MAIN

        words = ["sh", "-c", _SHELL, "registry-inspector-remote", self.python or "", _BOOTSTRAP + CLI_MAIN]
        words += [mode, digest, __version__, *cli_argv]
        options = [
            "-o",
            "BatchMode=yes",
            "-o",
            f"ConnectTimeout={max(1, round(self.connect_timeout))}",
            "-o",
            "ServerAliveInterval=5",
            "-o",
            "ServerAliveCountMax=3",
            "-T",
        ]
        return [*self.ssh_command, *options, "--", self.host, shlex.join(words)]


class RemoteAnswer:
    """What the worker said: its exit code, the document (None without one), its stderr, and its Python."""

    def __init__(self, code: int, document: Any, stderr: str, python: str, version: str) -> None:
        self.code = code
        self.document = document
        self.stderr = stderr
        self.python = python
        self.version = version


def worker_error_line(host: str, error: dict[str, Any], targets: list[str] | None) -> str:
    """The worker's error document (its ``error``) as this side's one line, ``--remote HOST: MESSAGE``, with the
    fix that only this side can give.

    Without ``--target`` the worker has only its own default targets: the embedded demo comes with this
    machine's app, not with the core sent over ssh, so on a worker a target must be named.
    """
    message = f"--remote {host}: {error.get('message') or 'the command failed there'}"
    if error.get("kind") == "target" and not targets and "--target MODULE" not in message:
        message += (
            "; give --target MODULE, a module of the worker's environment that declares registries "
            "(the embedded demo only exists on this machine)"
        )
    return message


_PAYLOAD: tuple[str, dict[str, str]] | None = None
_ZIP: bytes | None = None


def payload() -> tuple[str, dict[str, str]]:
    """(a hash naming our registry_core and platformdirs sources, their files' paths by zip member name).

    The hash covers each file's name, size and modification time (not its bytes: a stat per file keeps every
    remote command's start cheap); an edit, an upgrade or another copy changes it, and the worker is sent the
    new sources once.
    """
    global _PAYLOAD
    if _PAYLOAD is None:
        import hashlib

        from .._version import __version__
        from .environment import core_sources

        files: dict[str, str] = {}
        digest = hashlib.sha256(__version__.encode())
        for name, folder in core_sources().items():
            for root, dirs, names in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for file in sorted(names):
                    if file.endswith((".pyc", ".pyo", "~")):
                        continue
                    path = os.path.join(root, file)
                    member = name + "/" + os.path.relpath(path, folder).replace(os.sep, "/")
                    stat = os.stat(path)
                    files[member] = path
                    digest.update(f"{member}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
        _PAYLOAD = (digest.hexdigest()[:24], files)
    return _PAYLOAD


def payload_zip() -> bytes:
    """Our sources as one deflated zip, made once per process (fixed dates: the same sources, the same bytes)."""
    global _ZIP
    if _ZIP is None:
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for member, path in payload()[1].items():
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except FileNotFoundError:  # removed since it was listed (an upgrade in progress): gone there too
                    continue
                archive.writestr(zipfile.ZipInfo(member, (2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
        _ZIP = buffer.getvalue()
    return _ZIP


def remote_json(
    worker: RemoteHost,
    argv: list[str],
    timeout: float | None = DEFAULT_TIMEOUT_S,
    cancelled: Any = None,
    read_only: bool = False,
) -> RemoteAnswer:
    """Run ``registry-inspector ARGV --json`` on the worker; raise :class:`RemoteError` (one line) when it could
    not run there, :class:`~registry_core.sources.environment.Cancelled` when ``cancelled()`` turned true.

    ``read_only``: the command must write nothing on the worker either (``--no-write``, ``status``): our
    sources then go to a temporary file there, not its cache folder.
    """
    import json
    import subprocess
    import threading
    import time

    from .environment import Cancelled

    mode = "installed" if worker.installed else ("send-ro" if read_only else "send")
    digest = payload()[0]
    command = worker.argv(mode, digest, argv)
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=os.name == "posix",
        )
    except OSError as exc:
        raise RemoteError(
            f"--remote {worker.host}: cannot start the ssh client {worker.ssh_command[0]!r} ({exc.strerror or exc}); "
            "install OpenSSH's client (Debian/Ubuntu: apt-get install openssh-client)"
        ) from None
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    header: list[bytes] = []
    out: list[bytes] = []
    err: list[bytes] = []
    got_header = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        # A login script may print before our bootstrap runs (a banner, conda's notes): skip up to 100 lines.
        line = b""
        try:
            for _ in range(100):
                line = process.stdout.readline()
                if not line or line.startswith(HEADER.encode()):
                    break
            header.append(line)
            got_header.set()
            out.append(process.stdout.read())
        except (ValueError, OSError):
            pass  # the pipe was closed under us: the run was stopped (cancel, timeout) and reports that itself

    def read_stderr() -> None:
        assert process.stderr is not None
        try:
            err.append(process.stderr.read())
        except (ValueError, OSError):
            pass  # stopped, as above

    readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    deadline = None if timeout is None else time.monotonic() + timeout

    def wait_for(done: Any) -> None:
        """Poll ``done()``; stop ssh (which stops the worker: its stdin closes) on cancel or timeout."""
        while not done():
            if cancelled is not None and cancelled():
                _stop(process)
                raise Cancelled(f"stopped: {worker.host}: {' '.join(argv)}")
            if deadline is not None and time.monotonic() > deadline:
                _stop(process)
                if got_header.is_set():
                    raise RemoteError(
                        f"--remote {worker.host}: no answer within {timeout:g} s: the command started there and "
                        "did not finish (stopped now; a plugin hanging at import?); give --remote-timeout SECONDS "
                        "for a longer command"
                    )
                raise RemoteError(
                    f"--remote {worker.host}: no answer within {timeout:g} s: it did not connect and start Python "
                    f"in that time; check the host with `ssh {worker.host} true`"
                )
            time.sleep(0.02)

    try:
        wait_for(lambda: got_header.is_set() or process.poll() is not None)
        got_header.wait(5)  # (ssh exited: the reader sees end of file at once)
        words = (header[0] if header else b"").decode("utf-8", "replace").split()
        if words[:2] != [HEADER, PROTOCOL]:
            process.stdin.close()
            wait_for(lambda: process.poll() is not None)
            for reader in readers:
                reader.join(5)
            raise RemoteError(_no_header(worker, process.returncode, b"".join(err).decode("utf-8", "replace"), words))
        state, rest = words[2], words[3:]
        if state == "need":
            data = payload_zip()
            sender = threading.Thread(target=_send, args=(process.stdin, data), daemon=True)
            sender.start()
        elif state != "ready":
            wait_for(lambda: process.poll() is not None)
            raise RemoteError(_refusal(worker, state, rest))
        wait_for(lambda: process.poll() is not None)
        for reader in readers:
            reader.join(10)
    finally:
        if process.poll() is None:
            _stop(process)
        try:
            process.stdin.close()
        except OSError:
            pass
    stdout = b"".join(out).decode("utf-8", "replace")
    stderr = b"".join(err).decode("utf-8", "replace")
    if process.returncode == 255 and not stdout.strip():
        raise RemoteError(_ssh_failure(worker, stderr))
    try:
        document = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        document = None
    source = document.get("source") if isinstance(document, dict) else None
    if isinstance(source, dict):
        source["ssh"] = worker.host  # (a snapshot): where it came from, as the user named it
    version, python = (rest + ["", ""])[:2]
    return RemoteAnswer(process.returncode, document, stderr, python, version)


def _send(stdin: Any, data: bytes) -> None:
    try:
        stdin.write(b"%d\n" % len(data) + data)
        stdin.flush()  # (kept open: closing it tells the worker to stop)
    except (OSError, ValueError):
        pass  # ssh went away; its exit says why


def _stop(process: Any) -> None:
    """End ssh (its process group: a ProxyCommand too); the worker sees its stdin close and stops."""
    from .environment import _stop as stop_group

    stop_group(process)


def _refusal(worker: RemoteHost, state: str, words: list[str]) -> str:
    """The bootstrap's header that says it cannot run, as one line with the fix."""
    python = worker.python or "python3"
    where = f"--remote {worker.host}"
    if state == "no-python":
        return (
            f"{where}: no Python at {words[0] if words else python!r} there; install Python >= 3.10 on the host "
            "or give --remote-python PATH (a virtual environment's folder or its interpreter)"
        )
    if state == "old-python":
        version, executable = (words + ["?", "?"])[:2]
        return (
            f"{where}: Python {version} ({executable}) is older than 3.10, which the inspector needs; "
            "give --remote-python PATH to a newer interpreter or venv on the host"
        )
    from .._version import __version__

    if state == "no-tool":
        executable = words[1] if len(words) > 1 else python
        return (
            f"{where}: registry_core is not installed for {executable} (--remote-installed); install "
            f"registry-inspector {__version__} there, or drop --remote-installed to send this one over ssh"
        )
    if state == "mismatch":
        there = words[0] if words else "?"
        return (
            f"{where}: it has registry_core {there}, this is {__version__} (--remote-installed needs the same "
            f"version); install {__version__} there, or drop --remote-installed to send this one over ssh"
        )
    return f"{where}: the worker answered {state!r}, which this version does not know; update the inspector"


def _no_header(worker: RemoteHost, code: int | None, stderr: str, words: list[str]) -> str:
    if code == 255:
        return _ssh_failure(worker, stderr)
    said = _last_line(stderr) or " ".join(words)[:200] or f"exit {code}"
    return (
        f"--remote {worker.host}: the worker's shell did not run the inspector ({said}); check that "
        f"`ssh {worker.host} sh -c true` works (a login script that prints or exits breaks non-interactive ssh)"
    )


def _ssh_failure(worker: RemoteHost, stderr: str) -> str:
    """ssh's own failure (exit 255) as one line: which stage failed and what to do."""
    said = _last_line(stderr)
    lower = stderr.lower()
    where = f"--remote {worker.host}"
    if "could not resolve hostname" in lower or "name or service not known" in lower:
        return f"{where}: cannot reach it: the name does not resolve ({said}); check the name or your ssh config"
    if "connection refused" in lower:
        return f"{where}: cannot reach it: connection refused ({said}); is sshd running there, on that port?"
    if any(w in lower for w in ("timed out", "no route to host", "network is unreachable", "timeout")):
        return f"{where}: cannot reach it: no answer in time ({said}); check the host is up and reachable from here"
    if "host key verification failed" in lower or "remote host identification has changed" in lower:
        return (
            f"{where}: its host key is unknown or changed ({said}); ssh never asks here: "
            f"run `ssh {worker.host}` once to check and accept it"
        )
    if "permission denied" in lower or "too many authentication failures" in lower:
        return (
            f"{where}: the login was refused ({said}); ssh runs with BatchMode and never asks for a password: "
            f"load your key into the agent (ssh-add) or add it to the host's ~/.ssh/authorized_keys"
        )
    if "connection closed" in lower or "broken pipe" in lower or "connection reset" in lower:
        return f"{where}: the connection was lost ({said}); try again, or check the network to the host"
    return f"{where}: ssh failed ({said or 'exit 255'}); check that `ssh {worker.host} true` works"


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


__all__ = [
    "DEFAULT_TIMEOUT_S",
    "RemoteAnswer",
    "RemoteError",
    "RemoteHost",
    "payload",
    "payload_zip",
    "remote_json",
]
