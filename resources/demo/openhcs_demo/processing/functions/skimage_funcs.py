"""scikit-image-style filters, thresholds and labelling on nested-list images."""

import math
from collections import deque

from openhcs_demo.processing.contracts import Image, Labels, Mask, contract

# Stands in for a heavy library import: a 14-bit gamma lookup table built in a loop.
_GAMMA_BITS = 14
_GAMMA_LUT = [((i / ((1 << _GAMMA_BITS) - 1)) ** (1 / 2.2)) for i in range(1 << _GAMMA_BITS)]


@contract("values", "values")
def gaussian_blur_1d(values: list[float], sigma: float = 1.0) -> list[float]:
    """Blur a 1-D signal with a Gaussian kernel of the given sigma, clamping at the ends."""
    radius = max(1, int(3 * sigma + 0.5))
    kernel = [math.exp(-(x * x) / (2 * sigma * sigma)) for x in range(-radius, radius + 1)]
    total = sum(kernel)
    n = len(values)
    return [
        sum(w * values[min(max(i + k - radius, 0), n - 1)] for k, w in enumerate(kernel)) / total for i in range(n)
    ]


@contract("image", "image")
def gaussian(image: Image, sigma: float = 1.0) -> Image:
    """Blur an image with a separable Gaussian (rows, then columns)."""
    rows = [gaussian_blur_1d(row, sigma) for row in image]
    return [list(col) for col in zip(*(gaussian_blur_1d(list(c), sigma) for c in zip(*rows)))]


@contract("values", "scalar")
def threshold_otsu(values: list[float], bins: int = 256) -> float:
    """Return the Otsu threshold that best separates the values into two classes."""
    lo, hi = min(values), max(values)
    if hi == lo:
        return lo
    width = (hi - lo) / bins
    hist = [0] * bins
    for v in values:
        hist[min(int((v - lo) / width), bins - 1)] += 1
    centres = [lo + (i + 0.5) * width for i in range(bins)]
    total = len(values)
    sum_all = sum(c * h for c, h in zip(centres, hist))
    weight_bg = sum_bg = 0.0
    best, threshold = -1.0, lo
    for i in range(bins):
        weight_bg += hist[i]
        if weight_bg == 0 or weight_bg == total:
            continue
        sum_bg += centres[i] * hist[i]
        mean_bg = sum_bg / weight_bg
        mean_fg = (sum_all - sum_bg) / (total - weight_bg)
        between = weight_bg * (total - weight_bg) * (mean_bg - mean_fg) ** 2
        if between > best:
            best, threshold = between, lo + (i + 1) * width
    return threshold


@contract("image", "mask")
def apply_threshold(image: Image, threshold: float | None = None) -> Mask:
    """Mark pixels above a threshold (Otsu's when none is given) as foreground."""
    if threshold is None:
        threshold = threshold_otsu([v for row in image for v in row])
    return [[v > threshold for v in row] for row in image]


@contract("mask", "labels")
def label_connected(mask: Mask) -> Labels:
    """Number the 4-connected foreground regions of a mask 1, 2, 3... (background stays 0)."""
    height, width = len(mask), len(mask[0]) if mask else 0
    labels = [[0] * width for _ in range(height)]
    current = 0
    for y in range(height):
        for x in range(width):
            if not mask[y][x] or labels[y][x]:
                continue
            current += 1
            labels[y][x] = current
            queue = deque([(y, x)])
            while queue:
                cy, cx = queue.popleft()
                for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                    if 0 <= ny < height and 0 <= nx < width and mask[ny][nx] and not labels[ny][nx]:
                        labels[ny][nx] = current
                        queue.append((ny, nx))
    return labels


@contract("image", "image")
def sobel(image: Image) -> Image:
    """Return the gradient magnitude from 3x3 Sobel kernels, edges clamped."""
    h, w = len(image), len(image[0])

    def px(y: int, x: int) -> float:
        return image[min(max(y, 0), h - 1)][min(max(x, 0), w - 1)]

    out = []
    for y in range(h):
        row = []
        for x in range(w):
            gx = (px(y - 1, x + 1) + 2 * px(y, x + 1) + px(y + 1, x + 1)) - (
                px(y - 1, x - 1) + 2 * px(y, x - 1) + px(y + 1, x - 1))
            gy = (px(y + 1, x - 1) + 2 * px(y + 1, x) + px(y + 1, x + 1)) - (
                px(y - 1, x - 1) + 2 * px(y - 1, x) + px(y - 1, x + 1))
            row.append(math.hypot(gx, gy))
        out.append(row)
    return out


@contract("image", "image")
def rescale_intensity(image: Image, out_min: float = 0.0, out_max: float = 65535.0) -> Image:
    """Stretch the image's intensity range to ``out_min``..``out_max``."""
    flat = [v for row in image for v in row]
    lo, hi = min(flat), max(flat)
    scale = (out_max - out_min) / (hi - lo) if hi > lo else 0.0
    return [[out_min + (v - lo) * scale for v in row] for row in image]


@contract("image", "image")
def adjust_gamma(image: Image) -> Image:
    """Apply display gamma 2.2 to an image already scaled to 0..1, through the lookup table."""
    top = len(_GAMMA_LUT) - 1
    return [[_GAMMA_LUT[int(min(max(v, 0.0), 1.0) * top)] for v in row] for row in image]
