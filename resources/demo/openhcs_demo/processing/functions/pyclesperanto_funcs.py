"""clEsperanto-style morphology and label measurements on nested-list images."""

from openhcs_demo.processing.contracts import Image, Labels, Mask, contract

# Stands in for OpenCL program building at import: disk-shaped structuring
# elements for radii 1..16, precomputed once.
_DISKS: dict[int, list[tuple[int, int]]] = {
    r: [(dy, dx) for dy in range(-r, r + 1) for dx in range(-r, r + 1) if dy * dy + dx * dx <= r * r]
    for r in range(1, 17)
}
# Nearest offsets first, so any()/all() in the filters below stop as early as possible.
for _radius in range(1, 17):
    _DISKS[_radius].sort(key=lambda offset: (abs(offset[0]) + abs(offset[1]), offset))


def _morph(mask: Mask, radius: int, grow: bool) -> Mask:
    offsets = _DISKS[radius]
    h, w = len(mask), len(mask[0])
    test = any if grow else all
    # Pixels outside the image count as background, so erosion eats in from the border.
    return [
        [
            test(0 <= y + dy < h and 0 <= x + dx < w and bool(mask[y + dy][x + dx]) for dy, dx in offsets)
            for x in range(w)
        ]
        for y in range(h)
    ]


@contract("mask", "mask")
def binary_dilate(mask: Mask, radius: int = 1) -> Mask:
    """Grow foreground regions by a disk of the given radius."""
    return _morph(mask, radius, True)


@contract("mask", "mask")
def binary_erode(mask: Mask, radius: int = 1) -> Mask:
    """Shrink foreground regions by a disk of the given radius."""
    return _morph(mask, radius, False)


@contract("image", "image")
def top_hat(image: Image, radius: int = 2) -> Image:
    """White top-hat: the image minus its grey opening, leaving small bright spots on a flat background."""
    offsets = _DISKS[radius]
    h, w = len(image), len(image[0])

    def rank(src: Image, pick) -> Image:
        return [
            [pick(src[y + dy][x + dx] for dy, dx in offsets if 0 <= y + dy < h and 0 <= x + dx < w) for x in range(w)]
            for y in range(h)
        ]

    opened = rank(rank(image, min), max)
    return [[v - o for v, o in zip(row, orow)] for row, orow in zip(image, opened)]


@contract("labels", "scalar")
def count_labels(labels: Labels) -> int:
    """Count the distinct non-zero labels in a label image."""
    return len({v for row in labels for v in row if v})


@contract("labels", "table")
def label_areas(labels: Labels) -> dict[int, int]:
    """Return the pixel area of every label."""
    areas: dict[int, int] = {}
    for row in labels:
        for v in row:
            if v:
                areas[v] = areas.get(v, 0) + 1
    return areas


@contract("labels", "table")
def label_centroids(labels: Labels) -> dict[int, tuple[float, float]]:
    """Return the (row, column) centroid of every label."""
    sums: dict[int, list[float]] = {}
    for y, row in enumerate(labels):
        for x, v in enumerate(row):
            if v:
                acc = sums.setdefault(v, [0.0, 0.0, 0])
                acc[0] += y
                acc[1] += x
                acc[2] += 1
    return {label: (sy / n, sx / n) for label, (sy, sx, n) in sums.items()}


@contract("image", "image")
def mask_image(image: Image, mask: Mask, fill: float = 0.0) -> Image:
    """Keep pixels inside the mask and set the rest to ``fill``."""
    return [[v if m else fill for v, m in zip(row, mrow)] for row, mrow in zip(image, mask)]
