"""Widgets of the inspector window: each presents report documents, none holds core logic."""
