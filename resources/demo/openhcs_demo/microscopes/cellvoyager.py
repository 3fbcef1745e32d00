"""Yokogawa CellVoyager CV7000/CV8000 handler (needs the vendor's optional ``cv7000_sdk``)."""

import re

# The SDK reads the proprietary .mlf measurement files; it is an optional dependency
# that is not installed in most environments.
import cv7000_sdk

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler

_FILENAME = re.compile(
    r"^(?P<plate>.+)_(?P<well>[A-Z]\d{2})_T(?P<timepoint>\d{4})F(?P<site>\d{3})L\d{2}A\d{2}"
    r"Z(?P<z_index>\d{2})C(?P<channel>\d{2})\.(?P<extension>tiff?)$"
)


class CellVoyagerMetadata(MetadataHandler):
    """Reads the CellVoyager ``MeasurementData.mlf`` file through the vendor SDK."""

    metadata_filename = "MeasurementData.mlf"

    def parse(self, text: str) -> dict:
        """Let the SDK decode the measurement layout and keep the fields OpenHCS needs."""
        layout = cv7000_sdk.parse_measurement(text)
        return {"grid": (layout.rows, layout.columns), "pixel_size_um": layout.pixel_size_um}


class CellVoyagerHandler(MicroscopeHandler):
    """Parses CellVoyager ``Plate_B03_T0001F001L01A01Z01C01.tif`` file names."""

    _microscope_type = "cellvoyager"
    _metadata_handler_class = CellVoyagerMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split a CellVoyager file name into components."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        parsed: dict = {k: int(match[k]) for k in ("site", "channel", "z_index", "timepoint")}
        parsed.update(well=match["well"], extension="." + match["extension"])
        return parsed

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".tif"
    ) -> str:
        """Build a CellVoyager file name with a generic plate prefix."""
        return f"Plate_{well}_T{timepoint:04d}F{site:03d}L01A01Z{z_index:02d}C{channel:02d}{extension}"
