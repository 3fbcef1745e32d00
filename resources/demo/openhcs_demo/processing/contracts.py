"""Processing-function contracts: which kind of array a function takes and returns."""

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

# Plain nested lists stand in for numpy/cupy arrays so the demo needs no third-party packages.
Image = list[list[float]]
Stack = list[Image]
Mask = list[list[bool]]
Labels = list[list[int]]

KNOWN_TYPES = frozenset({"image", "stack", "mask", "labels", "values", "scalar", "table"})


def contract(input_type: str, output_type: str) -> Callable[[F], F]:
    """Mark a processing function with the array kinds it consumes and produces."""
    for kind in (input_type, output_type):
        if kind not in KNOWN_TYPES:
            raise ValueError(f"Unknown contract type {kind!r}; expected one of {sorted(KNOWN_TYPES)}")

    def mark(func: F) -> F:
        func.input_type = input_type  # type: ignore[attr-defined]
        func.output_type = output_type  # type: ignore[attr-defined]
        func.__contract__ = (input_type, output_type)  # type: ignore[attr-defined]
        return func

    return mark
