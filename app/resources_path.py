"""Files the app ships in resources/ (icons, stylesheets), found next to the package."""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def icon_path() -> str | None:
    for name in ("icons/registry-inspector.svg", "icons/registry-inspector.png"):
        path = RESOURCES / name
        if path.exists():
            return str(path)
    return None
