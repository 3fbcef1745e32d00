"""Image component configuration: the axes a plate's images vary along (data only)."""

# Enums such as VariableComponents and GroupBy are generated from this table later;
# it stays plain data so that reading it imports nothing. Insertion order is the
# order OpenHCS writes components into file names.
COMPONENTS: dict[str, dict] = {
    "well": {
        "description": "Plate well the image was acquired in (e.g. A01).",
        "variable": False,
        "groupable": True,
    },
    "site": {
        "description": "Field of view within a well.",
        "variable": True,
        "groupable": True,
    },
    "channel": {
        "description": "Fluorescence or brightfield channel (wavelength).",
        "variable": True,
        "groupable": True,
    },
    "z_index": {
        "description": "Focal plane within a z-stack.",
        "variable": True,
        "groupable": False,
    },
    "timepoint": {
        "description": "Acquisition time point in a time-lapse.",
        "variable": True,
        "groupable": True,
    },
}
