"""A head's outline in a photo, and a model's, as support functions.

Views are fitted by their silhouette: the photo's head region (off the plain backdrop, or
the upper head the analysis found). Both the photo's and the model's outline are described
the same way — how far they reach in each of a fixed set of directions in the image from
one point (the support function of their convex hull) — so that comparing them is a
subtraction per direction, and the model's side is a maximum over projected samples, which
changes continuously as the head and camera move.
"""

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray

OUTLINE_DIRECTIONS = 180
"""Directions in the image, evenly spaced in angle (2° apart)."""


def outline_directions(count: int = OUTLINE_DIRECTIONS) -> FloatArray:
    """Unit vectors in the image (x right, y down), anticlockwise on screen from +x.

    Examples
    --------
    >>> outline_directions(4).round(3).tolist()
    [[1.0, -0.0], [0.0, -1.0], [-1.0, -0.0], [-0.0, 1.0]]
    """
    angles = np.arange(count) * (2 * np.pi / count)
    return np.column_stack([np.cos(angles), -np.sin(angles)])


def head_silhouette(background: BoolArray) -> BoolArray:
    """The largest region off the backdrop (the head and what joins it).

    Parameters
    ----------
    background : (h, w) ndarray of bool
        The view's plain-backdrop mask.

    Returns
    -------
    (h, w) ndarray of bool
        The largest 8-connected region not on the backdrop; all False if there is none.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (~background).astype(np.uint8), connectivity=8
    )
    if count < 2:
        return np.zeros_like(background)
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    return np.asarray(labels == largest)


def outline_pixels(
    region: BoolArray, cut_from_row: int | None = None
) -> tuple[FloatArray, BoolArray]:
    """The region's boundary pixels, and which of them are where the region was cut.

    Parameters
    ----------
    region : (h, w) ndarray of bool
        Silhouette.
    cut_from_row : int, optional
        Rows from this one down were cut off by the analysis (the upper head ends at the
        brows), not by the head's outline.

    Returns
    -------
    xy : (m, 2) ndarray of float
        Pixel centres (x, y) on the region's boundary.
    cut : (m,) ndarray of bool
        On the image's edge, or at or below ``cut_from_row``.
    """
    h, w = region.shape
    inner = cv2.erode(region.astype(np.uint8), np.ones((3, 3), np.uint8), borderValue=0)
    rows, cols = np.nonzero(region & ~inner.astype(bool))
    cut = (rows == 0) | (cols == 0) | (rows == h - 1) | (cols == w - 1)
    if cut_from_row is not None:
        cut |= rows >= cut_from_row
    return np.column_stack([cols, rows]).astype(np.float64), cut


def support_px(
    xy_px: FloatArray, centre_px: FloatArray, directions: FloatArray
) -> tuple[FloatArray, IntArray]:
    """How far points reach in each direction from a centre, and which point reaches.

    Parameters
    ----------
    xy_px : (n, 2) ndarray of float
        Points, pixels.
    centre_px : (2,) ndarray of float
        Origin, pixels.
    directions : (k, 2) ndarray of float
        Unit vectors.

    Returns
    -------
    reach : (k,) ndarray of float
        Largest projection of a point on each direction, pixels.
    which : (k,) ndarray of int
        The point attaining it.

    Examples
    --------
    >>> points = np.array([[10.0, 0.0], [0.0, -5.0], [-3.0, 0.0], [0.0, 4.0]])
    >>> reach, which = support_px(points, np.zeros(2), outline_directions(4))
    >>> reach.round(1).tolist(), which.tolist()
    ([10.0, 5.0, 3.0, 4.0], [0, 1, 2, 3])
    """
    projection = (xy_px - centre_px) @ directions.T
    which = np.argmax(projection, axis=0)
    return projection[which, np.arange(len(directions))], np.asarray(which)
