"""Fiji viewer server: bridges streamed images into ImageJ hyperstacks."""

from openhcs_demo.runtime.servers.server_base import PROTOCOL_VERSION, ZMQServer


class FijiViewerServer(ZMQServer):
    """Runs beside Fiji (through PyImageJ in the real product) and assembles hyperstacks per well."""

    _server_type = "fiji"
    default_port = 5556

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        super().__init__(host, port)
        self.windows: dict[str, set[str]] = {}

    def handshake(self) -> dict:
        """Advertise the hyperstack dimension order and message types Fiji accepts."""
        return {
            "server": self._server_type,
            "protocol": PROTOCOL_VERSION,
            "accepts": ["hyperstack_slice", "ping"],
            "dimension_order": "XYCZT",
            "endpoints": self.endpoints(),
        }

    def handle_control(self, message: dict) -> dict:
        """Add a slice to its well's window or answer pings."""
        kind = message.get("type")
        if kind == "ping":
            return self._reply(True, pong=True, windows=sorted(self.windows))
        if kind == "hyperstack_slice":
            window = message.get("window")
            if not window:
                return self._reply(False, error="hyperstack_slice needs a window")
            self.windows.setdefault(window, set()).add(message.get("path", ""))
            return self._reply(True, window=window, slices=len(self.windows[window]))
        return self._reply(False, error=f"unknown request type {kind!r}")
