"""Run-time files of the inspector: the embedded demo ecosystem, icons, stylesheets.

This folder is the source of truth in the repository; ``pyproject.toml`` maps it to
the package ``app._resources`` (``[tool.setuptools.package-dir]``), so wheels,
editable installs and the frozen app ship it as package data and the app reads it
with ``importlib.resources.files("app._resources")``. Nothing imports it as
``resources``.
"""
