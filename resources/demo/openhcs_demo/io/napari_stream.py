"""Napari streaming backend: sends each saved image to a running napari viewer over ZMQ."""

import re

from openhcs_demo.io.streaming import StreamingBackend

_CHANNEL = re.compile(r"_(?:w|ch|c)(\d+)")


class NapariStreamingBackend(StreamingBackend):
    """Streams images into napari layers, one layer per well and channel."""

    _backend_type = "napari_stream"
    viewer_name = "napari"
    default_port = 5555

    def build_message(self, data: object, path: str) -> dict:
        """Build a napari ``add_image`` message whose layer name groups the planes of one well and channel."""
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
        well = stem.split("_", 1)[0]
        channel = _CHANNEL.search(stem)
        return {
            "type": "add_image",
            "path": path,
            "layer": f"{well} ch{int(channel[1])}" if channel else well,
            "shape": self.shape_of(data),
            "colormap": "gray",
        }
