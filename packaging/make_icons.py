"""Render the application icon (resources/icons/registry-inspector.svg) to the hicolor PNG sizes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py          # (re)write the PNGs
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py --check  # every size there, right size

The PNGs are committed under resources/icons/hicolor/<size>x<size>/apps/<app id>.png, the layout of
the freedesktop icon theme, so a desktop install copies the hicolor folder as is (see README).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "registry-inspector.svg"
HICOLOR = ROOT / "resources" / "icons" / "hicolor"
APP_ID = "io.github.registry_inspector"  # = app.gui.DESKTOP_FILE, the .desktop file's name and Icon=
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(size: int):
    from PyQt6.QtCore import QRectF, Qt
    from PyQt6.QtGui import QImage, QPainter
    from PyQt6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that every PNG exists at its size")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PyQt6.QtGui import QGuiApplication, QImage

    # QPainter on a QImage needs a GUI application, alive until the end.
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    assert app is not None
    problems = []
    for size in SIZES:
        path = png_path(size)
        if args.check:
            image = QImage(str(path))
            if image.isNull():
                problems.append(f"{path.relative_to(ROOT)}: missing or unreadable")
            elif (image.width(), image.height()) != (size, size):
                problems.append(f"{path.relative_to(ROOT)}: {image.width()}x{image.height()}, want {size}x{size}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            problems.append(f"cannot write {path}")
        else:
            print(f"wrote {path.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems and args.check:
        print("run: QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
