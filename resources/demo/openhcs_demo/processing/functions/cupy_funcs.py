"""CuPy-style array operations (pure-Python stand-ins for GPU kernels)."""

from openhcs_demo.processing.contracts import Image, contract

# Stands in for CUDA kernel compilation at import: a bit-reversal table for a
# 2**12-point FFT, the kind of plan a GPU library caches up front.
_FFT_BITS = 12
_BIT_REVERSE = [int(format(i, f"0{_FFT_BITS}b")[::-1], 2) for i in range(1 << _FFT_BITS)]


@contract("image", "image")
def clip(image: Image, low: float, high: float) -> Image:
    """Limit every pixel to the range ``low``..``high``."""
    return [[min(max(v, low), high) for v in row] for row in image]


@contract("image", "image")
def invert(image: Image, maximum: float = 65535.0) -> Image:
    """Invert intensities so ``maximum`` becomes 0 and 0 becomes ``maximum``."""
    return [[maximum - v for v in row] for row in image]


@contract("image", "image")
def subtract_background(image: Image, background: float | None = None) -> Image:
    """Subtract a constant background (the image's 5th percentile when not given), clamping at 0."""
    if background is None:
        flat = sorted(v for row in image for v in row)
        background = flat[int((len(flat) - 1) * 0.05)]
    return [[max(v - background, 0.0) for v in row] for row in image]


@contract("image", "image")
def median_filter_3x3(image: Image) -> Image:
    """Replace each pixel by the median of its 3x3 neighbourhood, edges clamped."""
    h, w = len(image), len(image[0])
    out = []
    for y in range(h):
        row = []
        for x in range(w):
            window = sorted(
                image[min(max(y + dy, 0), h - 1)][min(max(x + dx, 0), w - 1)]
                for dy in (-1, 0, 1) for dx in (-1, 0, 1)
            )
            row.append(window[4])
        out.append(row)
    return out


@contract("image", "image")
def downsample_2x(image: Image) -> Image:
    """Halve width and height by averaging 2x2 blocks (odd edges are dropped)."""
    return [
        [(image[y][x] + image[y][x + 1] + image[y + 1][x] + image[y + 1][x + 1]) / 4
         for x in range(0, len(image[0]) - 1, 2)]
        for y in range(0, len(image) - 1, 2)
    ]


@contract("image", "values")
def histogram(image: Image, bins: int = 64, maximum: float = 65535.0) -> list[int]:
    """Count pixels in ``bins`` equal-width bins between 0 and ``maximum``."""
    counts = [0] * bins
    for row in image:
        for v in row:
            counts[min(max(int(v / maximum * bins), 0), bins - 1)] += 1
    return counts


@contract("values", "values")
def bit_reverse_permute(values: list[float]) -> list[float]:
    """Reorder a power-of-two-length signal into bit-reversed order, the first step of an FFT."""
    n = len(values)
    bits = n.bit_length() - 1
    if n == 0 or 1 << bits != n or bits > _FFT_BITS:
        raise ValueError(f"length must be a power of two up to {1 << _FFT_BITS}, got {n}")
    shift = _FFT_BITS - bits
    return [values[_BIT_REVERSE[i] >> shift] for i in range(n)]
