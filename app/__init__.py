"""Registry Inspector: the desktop app (PyQt6) and its headless CLI twin."""
