"""Argument checks for public entry points.

Messages name the argument, the rule and the value, e.g.
``"min_distance_mm must be > 0, got -0.2"``.
"""

from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from smpstudio.errors import PlanValidationError

ScalarT = TypeVar("ScalarT", bound=np.generic)
ArrayT = TypeVar("ArrayT", bound=np.ndarray[Any, Any])


def check_positive(name: str, value: float) -> float:
    """Return ``value`` if it is finite and > 0.

    Parameters
    ----------
    name : str
        Argument name used in the message.
    value : float
        The value to check.

    Returns
    -------
    float
        ``value``, unchanged.

    Raises
    ------
    PlanValidationError
        If ``value`` is not finite or not > 0.

    Examples
    --------
    >>> check_positive("min_distance_mm", 0.8)
    0.8
    """
    if not np.isfinite(value) or value <= 0:
        raise PlanValidationError(f"{name} must be > 0, got {value!r}")
    return value


def check_in_range(name: str, value: float, low: float, high: float) -> float:
    """Return ``value`` if ``low <= value <= high``.

    Parameters
    ----------
    name : str
        Argument name used in the message.
    value : float
        The value to check.
    low, high : float
        Inclusive bounds, in the unit of ``value``.

    Returns
    -------
    float
        ``value``, unchanged.

    Raises
    ------
    PlanValidationError
        If ``value`` is outside ``[low, high]`` or not finite.

    Examples
    --------
    >>> check_in_range("fraction", 0.3, 0.0, 1.0)
    0.3
    """
    if not np.isfinite(value) or not low <= value <= high:
        raise PlanValidationError(f"{name} must be in [{low}, {high}], got {value!r}")
    return value


def check_array(
    name: str,
    value: ArrayLike,
    *,
    shape: tuple[int | None, ...],
    dtype: type[ScalarT],
    finite: bool = True,
) -> NDArray[ScalarT]:
    """Return ``value`` as an array of ``dtype`` after checking its shape.

    Parameters
    ----------
    name : str
        Argument name used in the message.
    value : array_like
        The array to check.
    shape : tuple of (int or None)
        Expected shape; ``None`` matches any length on that axis.
    dtype : numpy scalar type
        The dtype to convert to (safe casts only).
    finite : bool, optional
        Require every element to be finite (floats only). Default True.

    Returns
    -------
    ndarray
        A new array of ``dtype`` with the checked shape.

    Raises
    ------
    PlanValidationError
        If the shape differs, the cast is unsafe, or a value is not finite.

    Examples
    --------
    >>> check_array("points", [[0.0, 1.0, 2.0]], shape=(None, 3), dtype=np.float64).shape
    (1, 3)
    """
    array = np.asarray(value)
    if array.ndim != len(shape) or any(
        want is not None and got != want for got, want in zip(array.shape, shape, strict=True)
    ):
        want_text = "(" + ", ".join("n" if s is None else str(s) for s in shape) + ")"
        raise PlanValidationError(f"{name} must have shape {want_text}, got {array.shape}")
    if array.size and not np.can_cast(array.dtype, dtype, casting="same_kind"):
        raise PlanValidationError(f"{name} must be of dtype {np.dtype(dtype)}, got {array.dtype}")
    out: NDArray[ScalarT] = array.astype(dtype, copy=True)
    if finite and np.issubdtype(out.dtype, np.floating) and not np.all(np.isfinite(out)):
        bad = int(np.count_nonzero(~np.isfinite(out)))
        raise PlanValidationError(f"{name} must be finite, got {bad} non-finite value(s)")
    return out


def frozen(array: ArrayT) -> ArrayT:
    """Mark ``array`` read-only and return it (values are immutable).

    Parameters
    ----------
    array : ndarray
        Any array; it is changed in place.

    Returns
    -------
    ndarray
        The same array, with ``flags.writeable`` False.

    Examples
    --------
    >>> frozen(np.zeros(2)).flags.writeable
    False
    """
    array.flags.writeable = False
    return array
