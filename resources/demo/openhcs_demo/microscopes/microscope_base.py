"""Microscope handler registry: maps a microscope type to the class that reads its files."""

from abc import ABC, abstractmethod
from pathlib import Path

from registry_core import (
    PRIMARY_KEY,
    AutoRegisterMeta,
    LazyDiscoveryDict,
    SecondaryRegistry,
    SecondaryRegistryDict,
    make_suffix_extractor,
)

MICROSCOPE_HANDLERS = LazyDiscoveryDict()
# Reading it runs the microscope handlers' discovery, which fills it.
METADATA_HANDLERS = SecondaryRegistryDict()

PLATE_LAYOUTS: dict[int, tuple[int, int]] = {
    6: (2, 3),
    24: (4, 6),
    96: (8, 12),
    384: (16, 24),
    1536: (32, 48),
}


def row_label(index: int) -> str:
    """Return the spreadsheet-style row letter for a zero-based row index (0 -> A, 26 -> AA)."""
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = chr(ord("A") + remainder) + label
    return label


def well_grid(plate_wells: int) -> list[str]:
    """Return the well names of a standard plate in row-major order, e.g. A01..H12 for 96 wells."""
    if plate_wells not in PLATE_LAYOUTS:
        raise ValueError(f"Unsupported plate size {plate_wells}; expected one of {sorted(PLATE_LAYOUTS)}")
    rows, cols = PLATE_LAYOUTS[plate_wells]
    return [f"{row_label(r)}{c + 1:02d}" for r in range(rows) for c in range(cols)]


class MetadataHandler(ABC):
    """Reads plate-level acquisition metadata (grid, pixel size, channels) for one microscope format.

    Not a registry of its own: each microscope handler names its metadata handler
    in ``_metadata_handler_class`` and the microscope registry files it under the
    same key in ``METADATA_HANDLERS``.
    """

    metadata_filename: str = ""

    @abstractmethod
    def parse(self, text: str) -> dict:
        """Parse the metadata file's text into a dict with at least ``grid`` and ``pixel_size_um``."""

    def find_metadata_file(self, plate_path: str | Path) -> Path | None:
        """Locate the metadata file in a plate folder or one level below it."""
        plate = Path(plate_path)
        direct = plate / self.metadata_filename
        if direct.is_file():
            return direct
        return next((p for p in sorted(plate.glob(f"*/{self.metadata_filename}")) if p.is_file()), None)

    def load(self, plate_path: str | Path) -> dict:
        """Find and parse the plate's metadata file."""
        found = self.find_metadata_file(plate_path)
        if found is None:
            raise FileNotFoundError(f"No {self.metadata_filename} under {plate_path}")
        return self.parse(found.read_text(encoding="utf-8", errors="replace"))


class MicroscopeHandler(ABC, metaclass=AutoRegisterMeta):
    """Turns a microscope vendor's file naming scheme into image components (well, site, channel...)."""

    __registry__ = MICROSCOPE_HANDLERS
    __registry_key__ = "_microscope_type"
    __key_extractor__ = make_suffix_extractor("Handler")
    __skip_if_no_key__ = True
    __registry_name__ = "microscope handler"
    __secondary_registries__ = [
        SecondaryRegistry(METADATA_HANDLERS, key_source=PRIMARY_KEY, attr_name="_metadata_handler_class")
    ]

    _microscope_type = None
    _metadata_handler_class = None

    @abstractmethod
    def parse_filename(self, filename: str) -> dict | None:
        """Split a file name into its components, or return None if it is not this microscope's file."""

    @abstractmethod
    def construct_filename(
        self, well: str, site: int, channel: int, z_index: int = 1, timepoint: int = 1, extension: str = ".tif"
    ) -> str:
        """Build the file name this microscope would write for the given components."""

    def group_by(self, filenames: list[str], component: str) -> dict[str, list[str]]:
        """Group the recognised file names by one component; unrecognised names are dropped."""
        groups: dict[str, list[str]] = {}
        for name in filenames:
            parsed = self.parse_filename(name)
            if parsed is not None:
                groups.setdefault(str(parsed[component]), []).append(name)
        return groups
