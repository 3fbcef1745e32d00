"""OpenHCS built-in processing functions on nested-list images."""

import math

from openhcs_demo.processing.contracts import Image, Stack, contract

# Stands in for a heavy library import: normalised Gaussian kernels for every sigma
# from 0.025 to 8.0 in steps of 0.025, built once, as real libraries build tables at import.
_SIGMA_STEPS = 40
_KERNELS: dict[int, list[float]] = {}
for _step in range(1, 8 * _SIGMA_STEPS + 1):
    _sigma = _step / _SIGMA_STEPS
    _radius = max(1, int(3 * _sigma + 0.5))
    _weights = [math.exp(-(x * x) / (2 * _sigma * _sigma)) for x in range(-_radius, _radius + 1)]
    _total = sum(_weights)
    _KERNELS[_step] = [w / _total for w in _weights]


def _kernel(sigma: float) -> list[float]:
    return _KERNELS[min(max(round(sigma * _SIGMA_STEPS), 1), 8 * _SIGMA_STEPS)]


@contract("image", "image")
def normalize(image: Image, low: float = 0.0, high: float = 1.0) -> Image:
    """Linearly rescale an image so its minimum maps to ``low`` and its maximum to ``high``."""
    flat = [v for row in image for v in row]
    lo, hi = min(flat), max(flat)
    scale = (high - low) / (hi - lo) if hi > lo else 0.0
    return [[low + (v - lo) * scale for v in row] for row in image]


@contract("stack", "image")
def max_projection(stack: Stack) -> Image:
    """Collapse a z-stack into one plane by taking the brightest value at each pixel."""
    return [[max(values) for values in zip(*rows)] for rows in zip(*stack)]


@contract("stack", "image")
def mean_projection(stack: Stack) -> Image:
    """Collapse a z-stack into one plane by averaging each pixel over z."""
    depth = len(stack)
    return [[sum(values) / depth for values in zip(*rows)] for rows in zip(*stack)]


@contract("stack", "stack")
def stack_percentile_normalize(stack: Stack, low_percentile: float = 1.0, high_percentile: float = 99.0) -> Stack:
    """Rescale a whole stack to 0..1 between two percentiles of all its pixels, clipping outliers."""
    flat = sorted(v for plane in stack for row in plane for v in row)
    last = len(flat) - 1
    lo = flat[int(last * low_percentile / 100)]
    hi = flat[int(last * high_percentile / 100)]
    span = (hi - lo) or 1.0
    return [[[min(max((v - lo) / span, 0.0), 1.0) for v in row] for row in plane] for plane in stack]


@contract("image", "image")
def crop(image: Image, top: int, left: int, height: int, width: int) -> Image:
    """Cut a rectangular region out of an image."""
    return [row[left:left + width] for row in image[top:top + height]]


@contract("image", "image")
def smooth(image: Image, sigma: float = 1.0) -> Image:
    """Gaussian-smooth an image with a separable kernel from the precomputed table, edges clamped."""
    kernel = _kernel(sigma)
    radius = len(kernel) // 2

    def blur_rows(rows: Image) -> Image:
        out = []
        for row in rows:
            n = len(row)
            out.append([
                sum(w * row[min(max(i + k - radius, 0), n - 1)] for k, w in enumerate(kernel)) for i in range(n)
            ])
        return out

    horizontal = blur_rows(image)
    return [list(col) for col in zip(*blur_rows([list(c) for c in zip(*horizontal)]))]


@contract("stack", "image")
def create_composite(stack: Stack, weights: list[float] | None = None) -> Image:
    """Blend channel planes into one image using per-channel weights (equal weights by default)."""
    weights = weights or [1.0 / len(stack)] * len(stack)
    if len(weights) != len(stack):
        raise ValueError(f"{len(weights)} weights for {len(stack)} channels")
    return [[sum(w * v for w, v in zip(weights, values)) for values in zip(*rows)] for rows in zip(*stack)]
