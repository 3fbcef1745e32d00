"""Napari viewer server: receives streamed images and shows them as napari layers."""

from openhcs_demo.runtime.servers.server_base import PROTOCOL_VERSION, ZMQServer


class NapariViewerServer(ZMQServer):
    """Runs next to a napari window; the napari streaming backend publishes to its data port."""

    _server_type = "napari"
    default_port = 5555

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        super().__init__(host, port)
        self.layers: dict[str, int] = {}

    def handshake(self) -> dict:
        """Advertise the image message types and colormaps the viewer supports."""
        return {
            "server": self._server_type,
            "protocol": PROTOCOL_VERSION,
            "accepts": ["add_image", "clear", "ping"],
            "colormaps": ["gray", "green", "magenta", "cyan"],
            "endpoints": self.endpoints(),
        }

    def handle_control(self, message: dict) -> dict:
        """Count incoming planes per layer, clear layers, or answer pings."""
        kind = message.get("type")
        if kind == "ping":
            return self._reply(True, pong=True, layers=len(self.layers))
        if kind == "add_image":
            layer = message.get("layer") or "unnamed"
            self.layers[layer] = self.layers.get(layer, 0) + 1
            return self._reply(True, layer=layer, planes=self.layers[layer])
        if kind == "clear":
            removed = len(self.layers)
            self.layers.clear()
            return self._reply(True, removed=removed)
        return self._reply(False, error=f"unknown request type {kind!r}")
