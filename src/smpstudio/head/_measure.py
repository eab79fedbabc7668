"""Anthropometric head measures taken on a mesh in the head frame, as ANSUR II defines them.

Head breadth and length are the largest width (x) and depth (z) of horizontal cross-sections
above the ears; the circumference is the longest convex perimeter of those sections (a tape
drawn round the head); the tragion-to-top height is the highest point above the Frankfort
horizontal. ANSUR II measures breadth and length with a spreading caliper and the
circumference with a tape above the brow ridges (Gordon et al. 2014, NATICK/TR-15/007).
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import ConvexHull

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.head._topology import undirected_edges

LOWEST_SECTION_MM = 40.0
"""Lowest cross-section height above the Frankfort horizontal (clear of the ears, whose
tops lie about 30 mm above the tragia). Unsourced default."""
SECTION_STEP_MM = 2.0
"""Spacing of the horizontal cross-sections, millimetres."""


@dataclass(frozen=True, slots=True)
class HeadMeasures:
    """Head measures of a mesh, millimetres.

    Parameters
    ----------
    head_breadth_mm : float
        Largest left–right width above the ears.
    head_length_mm : float
        Largest front–back depth above the ears.
    head_circumference_mm : float
        Longest convex perimeter of a horizontal section above the ears.
    tragion_to_top_of_head_mm : float
        Height of the highest point above the Frankfort horizontal.
    """

    head_breadth_mm: float
    head_length_mm: float
    head_circumference_mm: float
    tragion_to_top_of_head_mm: float


def horizontal_section(vertices_mm: PointsMM, faces: IntArray, height_mm: float) -> PointsMM:
    """Points where a mesh's edges cross a horizontal plane.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Head frame, millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.
    height_mm : float
        Height of the plane (y), millimetres.

    Returns
    -------
    (n, 3) ndarray of float
        The crossings (each crossing edge once), millimetres.

    Examples
    --------
    >>> v = np.array([[0.0, -1, 0], [2, 1, 0], [0, 1, 2]])
    >>> horizontal_section(v, np.array([[0, 1, 2]]), 0.0).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    edges, _, _ = undirected_edges(faces)
    return _crossings(vertices_mm[edges[:, 0]], vertices_mm[edges[:, 1]], height_mm)


def _crossings(a: PointsMM, b: PointsMM, height_mm: float) -> PointsMM:
    crossing = (a[:, 1] - height_mm) * (b[:, 1] - height_mm) < 0
    a, b = a[crossing], b[crossing]
    t = (height_mm - a[:, 1]) / (b[:, 1] - a[:, 1])
    return np.asarray(a + t[:, None] * (b - a), dtype=np.float64)


def convex_perimeter_mm(points_mm: FloatArray) -> float:
    """Perimeter of the convex hull of 2-D points: a tape drawn round them.

    Parameters
    ----------
    points_mm : (n, 2) ndarray of float
        Points in a plane, millimetres (n ≥ 3, not collinear).

    Returns
    -------
    float
        Perimeter, millimetres.

    Examples
    --------
    >>> convex_perimeter_mm(np.array([[0.0, 0], [3, 0], [3, 4], [0, 4], [1, 1]]))
    14.0
    """
    ring = points_mm[ConvexHull(points_mm).vertices]
    return float(np.linalg.norm(ring - np.roll(ring, 1, axis=0), axis=1).sum())


def measure_head(vertices_mm: PointsMM, faces: IntArray) -> HeadMeasures:
    """Head breadth, length, circumference and height of a head mesh in the head frame.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Head frame, millimetres (origin between the tragia, y up).
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    HeadMeasures
        The measures, millimetres.

    Raises
    ------
    ValueError
        If the mesh does not reach ``LOWEST_SECTION_MM`` above the Frankfort horizontal.
    """
    top = float(vertices_mm[:, 1].max())
    heights = np.arange(LOWEST_SECTION_MM, top - SECTION_STEP_MM, SECTION_STEP_MM)
    if len(heights) == 0:
        raise ValueError(
            f"the mesh reaches only {top:.0f} mm above the Frankfort horizontal; a head reaches "
            "over 100 mm"
        )
    breadth = length = circumference = 0.0
    edges, _, _ = undirected_edges(faces)
    a, b = vertices_mm[edges[:, 0]], vertices_mm[edges[:, 1]]
    above = np.maximum(a[:, 1], b[:, 1]) > LOWEST_SECTION_MM  # only these can cross
    a, b = a[above], b[above]
    for h in heights:
        section = _crossings(a, b, float(h))
        if len(section) < 3:
            continue
        xz: FloatArray = section[:, [0, 2]]
        breadth = max(breadth, float(np.ptp(xz[:, 0])))
        length = max(length, float(np.ptp(xz[:, 1])))
        circumference = max(circumference, convex_perimeter_mm(xz))
    return HeadMeasures(breadth, length, circumference, top)
