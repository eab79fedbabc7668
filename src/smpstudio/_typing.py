"""Shared array aliases, so that signatures say what an array holds."""

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

FloatArray: TypeAlias = NDArray[np.float64]
"""Any float64 array."""
PointsMM: TypeAlias = NDArray[np.float64]
"""(n, 3) positions in millimetres, head frame."""
UnitVectors: TypeAlias = NDArray[np.float64]
"""(n, 3) unit vectors, head frame."""
IntArray: TypeAlias = NDArray[np.int64]
"""Any int64 array (ids, indices)."""
BoolArray: TypeAlias = NDArray[np.bool_]
"""Any boolean array (masks)."""
ImageRGB: TypeAlias = NDArray[np.uint8]
"""(h, w, 3) 8-bit sRGB image, rows top to bottom."""
Float32Array: TypeAlias = NDArray[np.float32]
"""Any float32 array (per-pixel maps: probabilities, image features)."""
