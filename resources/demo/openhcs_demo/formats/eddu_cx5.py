"""Thermo CellInsight CX5 export format as produced by the EDDU screening facility."""

import re

from openhcs_demo.formats.format_base import FormatRegistry

_KEY_VALUE = re.compile(r"^(?P<key>[^,=]+?)\s*[,=]\s*(?P<value>.*)$")


class EdduCX5Format(FormatRegistry):
    """Reads CX5 ``Key,Value`` header lines followed by a per-well feature table."""

    FORMAT_NAME = "EDDU_CX5"

    def parse_header(self, text: str) -> dict:
        """Collect header fields; ``Protocol`` and ``Plate ID`` are required."""
        header, _ = self.split_sections(text)
        fields = {}
        for line in header:
            match = _KEY_VALUE.match(line.strip())
            if match:
                fields[match["key"].strip()] = match["value"].strip()
        missing = [k for k in ("Protocol", "Plate ID") if k not in fields]
        if missing:
            raise ValueError(f"CX5 header lacks {', '.join(missing)}")
        return fields

    def well_column(self) -> str:
        """CX5 names the well column ``Well``."""
        return "Well"
