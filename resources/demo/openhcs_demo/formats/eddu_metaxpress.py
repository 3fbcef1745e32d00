"""MetaXpress export format as produced by the EDDU screening facility."""

from openhcs_demo.formats.format_base import FormatRegistry


class EdduMetaXpressFormat(FormatRegistry):
    """Reads MetaXpress ``ATF``-style exports: a quoted header block, then a tab-separated table."""

    FORMAT_NAME = "EDDU_metaxpress"
    DELIMITER = "\t"

    def parse_header(self, text: str) -> dict:
        """Read ``"Key: value"`` header lines; the version line must say ``ATF``."""
        header, _ = self.split_sections(text)
        if not header or not header[0].startswith("ATF"):
            raise ValueError("MetaXpress export must start with an ATF version line")
        fields = {"ATF": header[0].split(None, 1)[-1].strip()}
        for line in header[1:]:
            key, sep, value = line.strip().strip('"').partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        return fields

    def well_column(self) -> str:
        """MetaXpress names the well column ``Well Name``."""
        return "Well Name"
