"""Renderers: the report documents as text for a terminal and markdown for a bug report (one model, many views).

Each module renders one document; ``text`` holds the primitives they share.
The window is the other renderer of the same documents (``app.models``).
"""
