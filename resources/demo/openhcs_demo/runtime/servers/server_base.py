"""ZMQ server registry: the long-running services a pipeline talks to, keyed by server type.

``openhcs_demo.runtime.servers`` is a namespace package (no ``__init__.py``) so
that add-on distributions can drop extra server modules into it.
"""

import os
from abc import ABC, abstractmethod

from registry_core import AutoRegisterMeta, LazyDiscoveryDict

ZMQ_SERVERS = LazyDiscoveryDict()

# OpenHCS puts each server's control socket a fixed distance above its data socket.
CONTROL_PORT_OFFSET = 1000
PROTOCOL_VERSION = 2


class ZMQServer(ABC, metaclass=AutoRegisterMeta):
    """A ZMQ service with a data port and a control port one offset above it."""

    __registry__ = ZMQ_SERVERS
    __registry_key__ = "_server_type"
    __registry_name__ = "zmq server"

    _server_type = None
    default_port = 0

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        # An env override lets several users share one machine without port clashes.
        env_port = os.environ.get(f"OPENHCS_{str(self._server_type).upper()}_PORT")
        self.port = port or (int(env_port) if env_port else self.default_port)

    @property
    def control_port(self) -> int:
        """Port of the control (REQ/REP) socket."""
        return self.port + CONTROL_PORT_OFFSET

    def endpoints(self) -> dict[str, str]:
        """The data and control endpoints clients connect to."""
        return {
            "data": f"tcp://{self.host}:{self.port}",
            "control": f"tcp://{self.host}:{self.control_port}",
        }

    @abstractmethod
    def handshake(self) -> dict:
        """The message a client receives first, describing what the server accepts."""

    @abstractmethod
    def handle_control(self, message: dict) -> dict:
        """Answer one control-socket request."""

    def _reply(self, ok: bool, **fields: object) -> dict:
        return {"status": "ok" if ok else "error", "server": self._server_type, **fields}
