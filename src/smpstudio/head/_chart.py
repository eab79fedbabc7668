"""The scalp chart: a flat map of the scalp in millimetres, about the vertex of the head.

The chart is the azimuthal equidistant map about the vertex (the highest scalp point above
the Frankfort horizontal): a scalp point at geodesic distance r from the vertex, seen at
azimuth θ about the head's vertical axis (0 forward, 90° towards the client's left), is drawn
at ``u = r sin θ`` (to the client's left) and ``v = r cos θ`` (forward). Distances from the
vertex are true; circles round it are stretched by r / (R sin(r/R)) on a sphere of radius R,
so area and angle distortion grow towards the sides — both are measured per face.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.core import HeadModel
from smpstudio.head._geodesic import geodesic_distance_mm
from smpstudio.head._surface import barycentric_weights, nearest_on_triangles
from smpstudio.head._topology import compact, face_normals_areas

_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class ScalpChart:
    """Chart coordinates of the scalp and how much the chart distorts it.

    Parameters
    ----------
    faces : (f, 3) ndarray of int
        The scalp faces, indexing ``vertices_mm`` and ``uv_mm``.
    vertices_mm : (v, 3) ndarray of float
        The scalp vertices, head frame millimetres.
    uv_mm : (v, 2) ndarray of float
        Chart position of each vertex, millimetres (u to the client's left, v forward).
    apex_mm : (3,) ndarray of float
        The vertex of the head (chart origin), head frame millimetres.
    area_scale : (f,) ndarray of float
        Chart area over surface area, per face (1 = true area).
    angle_ratio : (f,) ndarray of float
        Largest over smallest stretch per face (1 = angles kept).
    """

    faces: IntArray
    vertices_mm: PointsMM
    uv_mm: FloatArray
    apex_mm: FloatArray
    area_scale: FloatArray
    angle_ratio: FloatArray

    def summary(self) -> dict[str, float]:
        """Area-weighted distortion figures of the chart.

        Returns
        -------
        dict of str to float
            ``area_scale_median``, ``area_scale_p95``, ``angle_ratio_median``,
            ``angle_ratio_p95`` (over scalp area) and ``radius_max_mm``.
        """
        _, area = face_normals_areas(self.vertices_mm, self.faces)

        def weighted(values: FloatArray, q: float) -> float:
            order = np.argsort(values)
            cumulative = np.cumsum(area[order]) / area.sum()
            return float(values[order][np.searchsorted(cumulative, q)])

        return {
            "area_scale_median": weighted(self.area_scale, 0.5),
            "area_scale_p95": weighted(self.area_scale, 0.95),
            "angle_ratio_median": weighted(self.angle_ratio, 0.5),
            "angle_ratio_p95": weighted(self.angle_ratio, 0.95),
            "radius_max_mm": float(np.linalg.norm(self.uv_mm, axis=1).max()),
        }


def chart_stretch(
    vertices_mm: PointsMM, faces: IntArray, uv_mm: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Area scale and angle ratio of a map from a triangle mesh to the plane, per face.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Surface positions, millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.
    uv_mm : (v, 2) ndarray of float
        Map positions, millimetres.

    Returns
    -------
    area_scale : (f,) ndarray of float
        σ1·σ2, the singular values of each face's Jacobian (map area / surface area).
    angle_ratio : (f,) ndarray of float
        σ1 / σ2 (1 for a conformal map).

    Examples
    --------
    >>> v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> area, angle = chart_stretch(v, np.array([[0, 1, 2]]), np.array([[0, 0], [2, 0], [0, 1.0]]))
    >>> area.round(6).tolist(), angle.round(6).tolist()
    ([2.0], [2.0])
    """
    t = vertices_mm[faces]
    e1, e2 = t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
    x = e1 / np.linalg.norm(e1, axis=1, keepdims=True)
    y = e2 - np.einsum("ij,ij->i", e2, x)[:, None] * x
    y /= np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-300)
    surface = np.stack(
        [
            np.column_stack([np.einsum("ij,ij->i", e1, x), np.einsum("ij,ij->i", e1, y)]),
            np.column_stack([np.einsum("ij,ij->i", e2, x), np.einsum("ij,ij->i", e2, y)]),
        ],
        axis=2,
    )  # columns are the edges in the face's own plane
    q = uv_mm[faces]
    flat = np.stack([q[:, 1] - q[:, 0], q[:, 2] - q[:, 0]], axis=2)
    jacobian = flat @ np.linalg.inv(surface)
    sigma = np.linalg.svd(jacobian, compute_uv=False)
    return sigma[:, 0] * sigma[:, 1], sigma[:, 0] / np.maximum(sigma[:, 1], 1e-300)


def scalp_chart(head: HeadModel) -> ScalpChart:
    """The azimuthal equidistant chart of a head's scalp about its vertex.

    Parameters
    ----------
    head : HeadModel
        A head in the head frame with its scalp marked (one connected piece).

    Returns
    -------
    ScalpChart
        Chart positions of the scalp vertices and the distortion of every scalp face.
    """
    vertices, faces = compact(head.vertices_mm, head.faces[head.scalp_faces])
    top = int(np.argmax(vertices[:, 1]))
    radius = geodesic_distance_mm(vertices, faces, np.array([top]))
    offset = vertices - vertices[top]
    azimuth = np.arctan2(offset[:, 0], offset[:, 2])
    uv = np.column_stack([radius * np.sin(azimuth), radius * np.cos(azimuth)])
    area_scale, angle_ratio = chart_stretch(vertices, faces, uv)
    return ScalpChart(faces, vertices, uv, vertices[top].copy(), area_scale, angle_ratio)


def _at_barycentric(corners: FloatArray, s: FloatArray, t: FloatArray) -> FloatArray:
    """Points ``c0 + s (c1 - c0) + t (c2 - c0)`` of triangles' corners (n, 3, d)."""
    return np.asarray(
        corners[:, 0]
        + s[:, None] * (corners[:, 1] - corners[:, 0])
        + t[:, None] * (corners[:, 2] - corners[:, 0])
    )


def surface_from_chart(chart: ScalpChart, uv_mm: FloatArray) -> PointsMM:
    """Head-frame points of chart positions.

    Parameters
    ----------
    chart : ScalpChart
        The chart.
    uv_mm : (n, 2) ndarray of float
        Chart positions, millimetres.

    Returns
    -------
    (n, 3) ndarray of float
        The scalp point at each position (barycentric in the face whose chart triangle holds
        it), head frame millimetres; NaN outside the chart.
    """
    query = np.atleast_2d(np.asarray(uv_mm, dtype=np.float64))
    q = chart.uv_mm[chart.faces]
    k = min(_CANDIDATES, len(chart.faces))
    _, near = cKDTree(q.mean(axis=1)).query(query, k=k)
    near = near.reshape(len(query), k)
    out = np.full((len(query), 3), np.nan)
    pending = np.ones(len(query), dtype=bool)
    for j in range(k):
        tri = q[near[:, j]]
        a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
        det = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
        det = np.where(np.abs(det) < 1e-12, 1e-12, det)
        d = query - a
        s = (d[:, 0] * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * d[:, 1]) / det
        t = ((b[:, 0] - a[:, 0]) * d[:, 1] - d[:, 0] * (b[:, 1] - a[:, 1])) / det
        inside = pending & (s >= -1e-9) & (t >= -1e-9) & (s + t <= 1 + 1e-9)
        corners = chart.vertices_mm[chart.faces[near[inside, j]]]
        out[inside] = _at_barycentric(corners, s[inside], t[inside])
        pending &= ~inside
    return out


def chart_from_surface(chart: ScalpChart, points_mm: PointsMM) -> FloatArray:
    """Chart positions of points on (or near) the scalp: the inverse of :func:`surface_from_chart`.

    Parameters
    ----------
    chart : ScalpChart
        The chart.
    points_mm : (n, 3) ndarray of float
        Points on the scalp, head frame millimetres; a point off it is taken at its nearest
        scalp point.

    Returns
    -------
    (n, 2) ndarray of float
        Chart positions (u, v), millimetres: the nearest scalp point's barycentric weights
        applied to its face's chart corners.
    """
    triangles = chart.vertices_mm[chart.faces]
    foot, face, _ = nearest_on_triangles(np.atleast_2d(points_mm), triangles)
    weights = barycentric_weights(foot, triangles[face])
    return _at_barycentric(chart.uv_mm[chart.faces[face]], weights[:, 1], weights[:, 2])
