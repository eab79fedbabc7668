"""Statistics of a pattern, measured on its coordinates (never on a render)."""

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import FloatArray, PointsMM


def nearest_neighbour_distances_mm(points_mm: PointsMM) -> FloatArray:
    """Distance from each impression to its nearest other impression.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Impression positions, millimetres.

    Returns
    -------
    (n,) ndarray of float
        Millimetres; empty for fewer than two points.

    Examples
    --------
    >>> nearest_neighbour_distances_mm(np.array([[0.0, 0, 0], [3, 4, 0]])).tolist()
    [5.0, 5.0]
    """
    if len(points_mm) < 2:
        return np.zeros(0)
    d, _ = cKDTree(points_mm).query(points_mm, k=2)
    return np.asarray(d[:, 1], dtype=np.float64)
