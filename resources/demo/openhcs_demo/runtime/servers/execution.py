"""Execution server: runs compiled pipelines for remote clients and reports progress."""

import itertools

from openhcs_demo.runtime.servers.server_base import PROTOCOL_VERSION, ZMQServer


class ExecutionServer(ZMQServer):
    """Accepts pipeline submissions on its control socket and publishes progress on its data socket."""

    _server_type = "execution"
    default_port = 7777

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        super().__init__(host, port)
        self._ids = itertools.count(1)
        self.queue: list[dict] = []

    def handshake(self) -> dict:
        """Advertise the protocol version and the request types this server understands."""
        return {
            "server": self._server_type,
            "protocol": PROTOCOL_VERSION,
            "accepts": ["submit", "status", "cancel", "ping"],
            "endpoints": self.endpoints(),
        }

    def handle_control(self, message: dict) -> dict:
        """Queue, report or cancel pipeline runs."""
        kind = message.get("type")
        if kind == "ping":
            return self._reply(True, pong=True)
        if kind == "submit":
            if not message.get("plate_path") or not message.get("pipeline"):
                return self._reply(False, error="submit needs plate_path and pipeline")
            run = {"id": next(self._ids), "plate_path": message["plate_path"], "state": "queued"}
            self.queue.append(run)
            return self._reply(True, run_id=run["id"])
        if kind in ("status", "cancel"):
            run = next((r for r in self.queue if r["id"] == message.get("run_id")), None)
            if run is None:
                return self._reply(False, error=f"unknown run {message.get('run_id')!r}")
            if kind == "cancel" and run["state"] == "queued":
                run["state"] = "cancelled"
            return self._reply(True, run_id=run["id"], state=run["state"])
        return self._reply(False, error=f"unknown request type {kind!r}")
