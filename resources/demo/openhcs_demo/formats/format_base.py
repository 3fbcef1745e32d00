"""Format registry: readers for plate-reader result exports, keyed by format name."""

from abc import ABC, abstractmethod

from registry_core import AutoRegisterMeta, LazyDiscoveryDict

FORMAT_REGISTRIES = LazyDiscoveryDict()


class FormatRegistry(ABC, metaclass=AutoRegisterMeta):
    """Reads one result-export format into a header dict and per-well rows."""

    __registry__ = FORMAT_REGISTRIES
    __registry_key__ = "FORMAT_NAME"
    __registry_name__ = "format registry"

    FORMAT_NAME = None
    DELIMITER = ","

    @abstractmethod
    def parse_header(self, text: str) -> dict:
        """Read the export's header block into a dict of metadata fields."""

    @abstractmethod
    def well_column(self) -> str:
        """Name of the data column that holds the well id."""

    def split_sections(self, text: str) -> tuple[list[str], list[str]]:
        """Split an export into header lines and data lines at the first blank line."""
        lines = text.splitlines()
        blank = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        return lines[:blank], [line for line in lines[blank + 1:] if line.strip()]

    def parse_rows(self, text: str) -> dict[str, dict[str, str]]:
        """Return the data section as ``{well: {column: value}}``."""
        _, data = self.split_sections(text)
        if not data:
            return {}
        columns = [c.strip() for c in data[0].split(self.DELIMITER)]
        well_index = columns.index(self.well_column())
        rows = {}
        for line in data[1:]:
            cells = [c.strip() for c in line.split(self.DELIMITER)]
            rows[cells[well_index]] = dict(zip(columns, cells))
        return rows
