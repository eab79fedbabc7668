"""Device order: a serpentine sweep over the scalp."""

import numpy as np

from smpstudio._typing import IntArray, PointsMM

ROW_HEIGHT_MM = 3.0
"""Height of one serpentine row, millimetres."""


def order_for_travel(points_mm: PointsMM, *, row_height_mm: float = ROW_HEIGHT_MM) -> IntArray:
    """Order impressions in serpentine rows so that the device moves in short steps.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Impression positions, millimetres, head frame.
    row_height_mm : float, optional
        Row height along the sweep's slow axis, millimetres.

    Returns
    -------
    (n,) ndarray of int
        A permutation of ``range(n)``.

    Notes
    -----
    Points are mapped to a chart around the vertical axis: arc length ``s = φ·ρ`` (φ the
    azimuth, ρ the distance from the y axis) along rows, and height y across rows. Rows run
    from the top down and alternate direction (boustrophedon). This is the simple
    ordering; a tour optimiser replaces it behind the same signature.

    Examples
    --------
    >>> order_for_travel(np.array([[0.0, 0, 10], [0, 10, 10], [1, 0, 10]])).tolist()
    [1, 2, 0]
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    if len(pts) == 0:
        return np.zeros(0, dtype=np.int64)
    rho = np.hypot(pts[:, 0], pts[:, 2])
    arc = np.arctan2(pts[:, 0], pts[:, 2]) * rho
    row = np.floor((pts[:, 1].max() - pts[:, 1]) / row_height_mm).astype(np.int64)
    along = np.where(row % 2 == 0, arc, -arc)
    return np.lexsort((along, row)).astype(np.int64)
