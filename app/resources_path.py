"""Files the app ships as package data of ``app._resources`` (the repository's ``resources/``): icons, stylesheets.

Read through ``importlib.resources``, never through paths relative to a checkout,
so the wheel, an editable install and the frozen app behave alike.
"""

from __future__ import annotations

RESOURCES_PACKAGE = "app._resources"
#: Icon files, best first (Qt renders the SVG at any size; the PNG is a fallback without the SVG plugin).
ICON_NAMES = ("icons/registry-inspector.svg", "icons/hicolor/256x256/apps/io.github.registry_inspector.png")


def resource_path(name: str) -> str | None:
    """A real file path for the shipped resource ``name`` ("icons/x.svg"), or None if it is not shipped."""
    import atexit
    import contextlib
    from importlib.resources import as_file, files

    try:
        resource = files(RESOURCES_PACKAGE).joinpath(name)
    except ModuleNotFoundError:  # app._resources not installed (a bare checkout): run `pip install -e .`
        return None
    if not resource.is_file():
        return None
    stack = contextlib.ExitStack()
    path = str(stack.enter_context(as_file(resource)))
    atexit.register(stack.close)
    return path


def icon_path() -> str | None:
    for name in ICON_NAMES:
        path = resource_path(name)
        if path:
            return path
    return None
