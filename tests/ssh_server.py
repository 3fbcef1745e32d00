"""A real OpenSSH server on 127.0.0.1 for the remote tests and the remote benchmark.

``start_sshd(folder)`` runs ``sshd -D`` with a config of its own in ``folder``: a free port, a throw-away
host key and user key made by ``ssh-keygen``, only that key accepted, the variables of ``setenv`` in every
session (sshd's ``SetEnv``: how a worker node sets ``*_SUBPROCESS_NO_GPU``). The client side is a config
file (``ssh -F``): host alias ``worker``, that key, a known_hosts file holding the host key, strict host-key
checking. Nothing of the user's ssh set-up is read or written.

Where sshd cannot be had and ``CI`` is unset, :func:`require_sshd` skips loudly; under CI it fails
(``.ci/run`` installs ``openssh-server``), like the Xvfb rule.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import time
from pathlib import Path

from xvfb_rule import running_in_ci

INSTALL = "Debian/Ubuntu: sudo apt-get install openssh-server openssh-client; Fedora: sudo dnf install openssh-server"
ALIAS = "worker"


def find_sshd() -> str | None:
    for candidate in (shutil.which("sshd"), "/usr/sbin/sshd", "/usr/local/sbin/sshd"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def require_sshd() -> str:
    """The path of sshd (an absolute one: sshd re-executes itself); otherwise skip, or fail under CI."""
    import pytest

    sshd = find_sshd()
    missing = [name for name in ("ssh", "ssh-keygen") if shutil.which(name) is None]
    if sshd and not missing:
        return sshd
    what = ", ".join((["sshd"] if not sshd else []) + missing)
    if running_in_ci():
        pytest.fail(f"{what} not installed, and CI is set: the remote tests must run in CI. {INSTALL}", pytrace=False)
    pytest.skip(
        f"SSHD MISSING ({what}) - the --remote tests against a real sshd did NOT run. Install it: {INSTALL}. "
        "Under CI=true this fails instead."
    )
    raise AssertionError("unreachable")


def sshd_or_skip(folder: Path, setenv: dict[str, str] | None = None) -> SshServer:
    """:func:`start_sshd`, or skip loudly (fail under CI) when sshd is missing or cannot start here."""
    import pytest

    binary = require_sshd()
    try:
        return start_sshd(folder, setenv=setenv, sshd=binary)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        if running_in_ci():
            pytest.fail(f"sshd could not start, and CI is set: {exc}", pytrace=False)
        pytest.skip(f"SSHD COULD NOT START - the --remote tests against a real sshd did NOT run: {exc}")
        raise AssertionError("unreachable") from exc


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SshServer:
    """A running sshd; ``ssh_command`` reaches it as host ``worker`` (for ``REGISTRY_INSPECTOR_SSH_COMMAND``)."""

    def __init__(self, process: subprocess.Popen, folder: Path, port: int) -> None:
        self.process = process
        self.folder = folder
        self.port = port
        self.config = folder / "ssh_config"
        self.ssh_command = ["ssh", "-F", str(self.config)]

    @property
    def env_value(self) -> str:
        return shlex.join(self.ssh_command)

    def through(self, proxy_command: str, name: str) -> str:
        """An ssh command (for ``REGISTRY_INSPECTOR_SSH_COMMAND``) reaching this server through
        ``proxy_command`` (ssh's ``ProxyCommand``: e.g. a relay that adds latency)."""
        config = self.folder / f"ssh_config_{name}"
        config.write_text(self.config.read_text() + f"  ProxyCommand {proxy_command}\n")
        return shlex.join(["ssh", "-F", str(config)])

    def log(self) -> str:
        path = self.folder / "sshd.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _keygen(path: Path) -> None:
    if not path.exists():
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "registry-inspector-test", "-f", str(path)],
            check=True,
            capture_output=True,
        )


def start_sshd(folder: Path, setenv: dict[str, str] | None = None, sshd: str | None = None) -> SshServer:
    """An sshd on a free port of 127.0.0.1, configured in ``folder``, setting ``setenv`` in every session."""
    sshd = sshd or find_sshd() or "/usr/sbin/sshd"
    folder.mkdir(parents=True, exist_ok=True)
    host_key, user_key = folder / "host_ed25519", folder / "user_ed25519"
    _keygen(host_key)
    _keygen(user_key)
    shutil.copyfile(f"{user_key}.pub", folder / "authorized_keys")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation folder sshd insists on
    port = free_port()
    lines = [
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {host_key}",
        f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        "AuthenticationMethods publickey",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",  # (the tests may run as root, as in this project's CI)
        "StrictModes no",  # the key files live in a temporary folder, not ~/.ssh
        "UsePAM no",
        "PrintMotd no",
        "LogLevel VERBOSE",
    ]
    if setenv:
        lines.append("SetEnv " + " ".join(f"{name}={shlex.quote(value)}" for name, value in setenv.items()))
    (folder / "sshd_config").write_text("\n".join(lines) + "\n")
    public = (folder / "host_ed25519.pub").read_text().split()
    (folder / "known_hosts").write_text(f"{ALIAS} {public[0]} {public[1]}\n")
    user = pwd.getpwuid(os.geteuid()).pw_name
    client = [
        f"Host {ALIAS}",
        "  HostName 127.0.0.1",
        f"  Port {port}",
        f"  User {user}",
        f"  IdentityFile {user_key}",
        "  IdentitiesOnly yes",
        "  IdentityAgent none",
        f"  HostKeyAlias {ALIAS}",
        f"  UserKnownHostsFile {folder / 'known_hosts'}",
        "  GlobalKnownHostsFile /dev/null",
        "  StrictHostKeyChecking yes",
        "  LogLevel ERROR",
    ]
    (folder / "ssh_config").write_text("\n".join(client) + "\n")
    process = subprocess.Popen(
        [sshd, "-D", "-f", str(folder / "sshd_config"), "-E", str(folder / "sshd.log")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = SshServer(process, folder, port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"sshd exited {process.returncode}: {stderr}{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError(f"sshd did not listen on port {port} within 10 s: {server.log()}")
