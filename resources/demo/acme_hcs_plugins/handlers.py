"""ACME CellInsight handler: ``ACME_<plate>_<well>_f<site>_ch<channel>[_z<z>][_t<t>].png`` files."""

import re

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler

_FILENAME = re.compile(
    r"^ACME_(?P<plate>[^_]+)_(?P<well>[A-Z]\d{2})_f(?P<site>\d+)_ch(?P<channel>\d+)"
    r"(?:_z(?P<z_index>\d+))?(?:_t(?P<timepoint>\d+))?\.(?P<extension>png|tiff?)$"
)


class AcmeCellInsightMetadata(MetadataHandler):
    """Reads ACME's ``acquisition.ini`` (``key = value`` lines under ``[plate]``)."""

    metadata_filename = "acquisition.ini"

    def parse(self, text: str) -> dict:
        """Read the ``[plate]`` section into site grid, channels and pixel size."""
        section, fields = None, {}
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip().lower()
            elif section == "plate" and "=" in line:
                key, value = (part.strip() for part in line.split("=", 1))
                fields[key.lower()] = value
        return {
            "grid": (int(fields.get("site_rows", 1)), int(fields.get("site_cols", 1))),
            "channels": [c.strip() for c in fields.get("channels", "").split(",") if c.strip()],
            "pixel_size_um": float(fields.get("pixel_size_um", 0.65)),
        }


class AcmeCellInsightHandler(MicroscopeHandler):
    """Parses file names written by the (fictional) ACME CellInsight imager."""

    _microscope_type = "acme_cellinsight"
    _metadata_handler_class = AcmeCellInsightMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split an ACME file name; z and t default to 1 when absent."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        return {
            "well": match["well"],
            "site": int(match["site"]),
            "channel": int(match["channel"]),
            "z_index": int(match["z_index"] or 1),
            "timepoint": int(match["timepoint"] or 1),
            "extension": "." + match["extension"],
            "plate": match["plate"],
        }

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".png"
    ) -> str:
        """Build an ACME file name with a generic plate id."""
        return f"ACME_plate_{well}_f{site}_ch{channel}_z{z_index}_t{timepoint}{extension}"
