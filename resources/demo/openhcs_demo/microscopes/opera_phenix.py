"""PerkinElmer Opera Phenix handler: ``r03c04f144p05-ch3sk1fk1fl1.tiff`` files plus ``Index.idx.xml``."""

import re

from openhcs_demo.microscopes.microscope_base import MetadataHandler, MicroscopeHandler, row_label

_FILENAME = re.compile(
    r"^r(?P<row>\d{2})c(?P<col>\d{2})f(?P<site>\d+)p(?P<z_index>\d+)"
    r"-ch(?P<channel>\d+)sk(?P<timepoint>\d+)fk\d+fl\d+\.(?P<extension>tiff?)$",
    re.IGNORECASE,
)


class OperaPhenixMetadata(MetadataHandler):
    """Reads the Harmony ``Index.idx.xml`` export for image resolution and field layout."""

    metadata_filename = "Index.idx.xml"

    def parse(self, text: str) -> dict:
        """Collect field positions and the pixel size from the Harmony XML index."""
        # Imported here so that discovering handlers does not pay for the XML parser.
        import xml.etree.ElementTree as ET

        xs, ys, channels = set(), set(), set()
        pixel_size_m = 0.65e-6
        for el in ET.fromstring(text).iter():
            # Harmony namespaces every tag; compare local names only.
            tag = el.tag.rsplit("}", 1)[-1]
            if not el.text:
                continue
            if tag == "PositionX":
                xs.add(round(float(el.text), 9))
            elif tag == "PositionY":
                ys.add(round(float(el.text), 9))
            elif tag == "ChannelName":
                channels.add(el.text)
            elif tag == "ImageResolutionX":
                pixel_size_m = float(el.text)
        return {
            "grid": (max(len(ys), 1), max(len(xs), 1)),
            "channels": sorted(channels),
            "pixel_size_um": pixel_size_m * 1e6,
        }


class OperaPhenixHandler(MicroscopeHandler):
    """Parses Opera Phenix row/column/field/plane file names into OpenHCS components."""

    _microscope_type = "opera_phenix"
    _metadata_handler_class = OperaPhenixMetadata

    def parse_filename(self, filename: str) -> dict | None:
        """Split ``r03c04f144p05-ch3sk1fk1fl1.tiff``; rows and columns become a well name like C04."""
        match = _FILENAME.match(filename)
        if match is None:
            return None
        return {
            "well": f"{row_label(int(match['row']) - 1)}{int(match['col']):02d}",
            "site": int(match["site"]),
            "channel": int(match["channel"]),
            "z_index": int(match["z_index"]),
            "timepoint": int(match["timepoint"]),
            "extension": "." + match["extension"],
        }

    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".tiff"
    ) -> str:
        """Build ``r{row:02d}c{col:02d}f{site}p{z:02d}-ch{channel}sk{t}fk1fl1{ext}`` from a well like C04."""
        letters = well.rstrip("0123456789")
        row = 0
        for letter in letters.upper():
            row = row * 26 + (ord(letter) - ord("A") + 1)
        col = int(well[len(letters):])
        return f"r{row:02d}c{col:02d}f{site}p{z_index:02d}-ch{channel}sk{timepoint}fk1fl1{extension}"
