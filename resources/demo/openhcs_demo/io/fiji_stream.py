"""Fiji streaming backend: sends each saved image to a Fiji/ImageJ instance over ZMQ."""

from openhcs_demo.io.streaming import StreamingBackend


class FijiStreamingBackend(StreamingBackend):
    """Streams images into Fiji hyperstacks, one window per well."""

    _backend_type = "fiji_stream"
    viewer_name = "Fiji"
    default_port = 5556

    def build_message(self, data: object, path: str) -> dict:
        """Build an ImageJ hyperstack message with the image's dimension order (CZT)."""
        shape = self.shape_of(data)
        return {
            "type": "hyperstack_slice",
            "path": path,
            "window": path.rsplit("/", 1)[-1].split("_", 1)[0],
            "width": shape[-1] if shape else 0,
            "height": shape[-2] if len(shape) > 1 else 0,
            "dimension_order": "XYCZT",
        }
