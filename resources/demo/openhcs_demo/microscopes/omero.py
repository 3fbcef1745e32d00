"""OMERO handler: virtual plane names for images that live on an OMERO server, not on disk."""

import json
import re

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler

_FILENAME = re.compile(
    r"^(?P<well>[A-Z]{1,2}\d{2})_f(?P<site>\d+)_c(?P<channel>\d+)_z(?P<z_index>\d+)_t(?P<timepoint>\d+)"
    r"(?P<extension>\.ome\.tiff?)$",
    re.IGNORECASE,
)


class OMEROMetadata(MetadataHandler):
    """Reads the plate summary JSON that OMERO's web API returns for a plate."""

    metadata_filename = "omero_plate.json"

    def parse(self, text: str) -> dict:
        """Pull field grid, channel labels and physical pixel size out of the plate JSON."""
        plate = json.loads(text)
        fields = plate.get("fields", 1)
        columns = plate.get("fieldColumns", fields)
        pixel = plate.get("pixelSize", {}).get("x", {}).get("value", 0.65)
        return {
            "grid": (max(fields // max(columns, 1), 1), columns),
            "channels": [c.get("label", f"c{i}") for i, c in enumerate(plate.get("channels", []), 1)],
            "pixel_size_um": float(pixel),
            "plate_id": plate.get("id"),
        }


class OMEROHandler(MicroscopeHandler):
    """Names OMERO planes as ``A01_f1_c1_z1_t1.ome.tiff`` so pipelines can treat them like files."""

    _microscope_type = "omero"
    _metadata_handler_class = OMEROMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split a virtual OMERO plane name into components."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        parsed: dict = {k: int(match[k]) for k in ("site", "channel", "z_index", "timepoint")}
        parsed.update(well=match["well"].upper(), extension=match["extension"])
        return parsed

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".ome.tiff"
    ) -> str:
        """Build the virtual plane name for the given components."""
        return f"{well}_f{site}_c{channel}_z{z_index}_t{timepoint}{extension}"

    def plane_url(self, host: str, image_id: int, z_index: int, channel: int, timepoint: int) -> str:
        """Return the OMERO.web render URL for one plane (OMERO indices are zero-based)."""
        return f"https://{host}/webgateway/render_image/{image_id}/{z_index - 1}/{timepoint - 1}/?c={channel}"
