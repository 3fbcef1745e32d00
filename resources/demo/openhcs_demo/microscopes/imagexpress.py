"""Molecular Devices ImageXpress handler: ``A01_s001_w1_z001_t001.tif`` files plus a ``.HTD`` plate file."""

import re

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler

_FILENAME = re.compile(
    r"^(?P<well>[A-Z]{1,2}\d{2})_s(?P<site>\d+)_w(?P<channel>\d+)"
    r"(?:_z(?P<z_index>\d+))?(?:_t(?P<timepoint>\d+))?\.(?P<extension>tiff?)$",
    re.IGNORECASE,
)
_HTD_LINE = re.compile(r'^"(?P<key>[^"]+)",\s*(?P<value>.*)$')


class ImageXpressMetadata(MetadataHandler):
    """Reads the ImageXpress ``.HTD`` plate description (well counts, site grid, wavelengths)."""

    metadata_filename = "plate.HTD"

    def parse(self, text: str) -> dict:
        """Parse ``"Key", value`` lines into site grid, well grid and channel names."""
        fields: dict[str, str] = {}
        for line in text.splitlines():
            match = _HTD_LINE.match(line.strip())
            if match:
                fields[match["key"]] = match["value"].strip().strip('"')
        channels = int(fields.get("NWavelengths", "1"))
        return {
            "grid": (int(fields.get("YSites", "1")), int(fields.get("XSites", "1"))),
            "plate": (int(fields.get("YWells", "8")), int(fields.get("XWells", "12"))),
            "channels": [fields.get(f"WaveName{i}", f"w{i}") for i in range(1, channels + 1)],
            "pixel_size_um": float(fields.get("PixelSize", "0.65")),
        }


class ImageXpressHandler(MicroscopeHandler):
    """Parses ImageXpress file names; the key ``imagexpress`` is derived from the class name."""

    _metadata_handler_class = ImageXpressMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split ``A01_s001_w1_z001_t001.tif``; missing z and t default to 1."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        return {
            "well": match["well"].upper(),
            "site": int(match["site"]),
            "channel": int(match["channel"]),
            "z_index": int(match["z_index"] or 1),
            "timepoint": int(match["timepoint"] or 1),
            "extension": "." + match["extension"],
        }

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".tif"
    ) -> str:
        """Build ``{well}_s{site:03d}_w{channel}_z{z:03d}_t{t:03d}{ext}``."""
        return f"{well}_s{site:03d}_w{channel}_z{z_index:03d}_t{timepoint:03d}{extension}"
