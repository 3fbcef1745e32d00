"""OpenHCS native format handler: plates written by OpenHCS itself, with ``openhcs_metadata.json``."""

import json
import re

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler

_FILENAME = re.compile(
    r"^(?P<well>[A-Z]{1,2}\d{2})_s(?P<site>\d{3})_w(?P<channel>\d+)_z(?P<z_index>\d{3})_t(?P<timepoint>\d{3})"
    r"\.(?P<extension>tiff?|zarr)$"
)


class OpenHCSDataMetadata(MetadataHandler):
    """Reads ``openhcs_metadata.json``, which records the source microscope and per-subdirectory layout."""

    metadata_filename = "openhcs_metadata.json"

    def parse(self, text: str) -> dict:
        """Merge the per-subdirectory entries, preferring the one flagged as main."""
        document = json.loads(text)
        subdirs = document.get("subdirectories", {})
        main = next((v for v in subdirs.values() if v.get("main")), next(iter(subdirs.values()), {}))
        rows, cols = main.get("grid_dimensions", [1, 1])
        return {
            "grid": (rows, cols),
            "channels": sorted(main.get("channels", {}).values()),
            "pixel_size_um": float(main.get("pixel_size", 0.65)),
            "source_microscope": main.get("source_filename_parser_name"),
            "subdirectories": sorted(subdirs),
        }


class OpenHCSDataHandler(MicroscopeHandler):
    """Parses the zero-padded names OpenHCS writes; the key ``openhcsdata`` comes from the class name."""

    _metadata_handler_class = OpenHCSDataMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split ``A01_s001_w1_z001_t001.tif`` (all fields mandatory and zero-padded)."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        parsed: dict = {k: int(match[k]) for k in ("site", "channel", "z_index", "timepoint")}
        parsed.update(well=match["well"], extension="." + match["extension"])
        return parsed

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".tif"
    ) -> str:
        """Build the canonical OpenHCS name for the given components."""
        return f"{well}_s{site:03d}_w{channel}_z{z_index:03d}_t{timepoint:03d}{extension}"
