"""Geometry on the head surface: ray casting and exact point-to-surface distance."""

import hashlib

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import HeadModel

_CANDIDATE_TRIANGLES = 12


_RAY_CHUNK = 32
"""Rays tested together against every triangle's bounding sphere."""


def cast_rays_mm(head: HeadModel, origins_mm: PointsMM, directions: FloatArray) -> PointsMM:
    """Farthest intersection of each ray with the head surface.

    Parameters
    ----------
    head : HeadModel
        The surface.
    origins_mm : (n, 3) ndarray of float
        Ray origins inside the head, millimetres, head frame.
    directions : (n, 3) ndarray of float
        Ray directions (need not be unit).

    Returns
    -------
    (n, 3) ndarray of float
        The farthest hit along each ray (the outer surface); NaN where a ray misses.

    Notes
    -----
    Möller–Trumbore [1]_ against the triangles whose bounding sphere the ray passes
    through (found for ``_RAY_CHUNK`` rays at a time with two matrix products); meant for
    up to a few thousand rays (control points, curves, outlines), not for every impression.

    References
    ----------
    .. [1] T. Möller and B. Trumbore, "Fast, minimum storage ray-triangle intersection",
       Journal of Graphics Tools 2(1), 1997. doi:10.1080/10867651.1997.10487468
    """
    triangles = head.triangles_mm
    centres = triangles.mean(axis=1)
    reach2 = (np.linalg.norm(triangles - centres[:, None], axis=2).max(axis=1) + 1e-9) ** 2
    centre2 = np.einsum("ij,ij->i", centres, centres)
    origins = np.asarray(origins_mm, dtype=np.float64).reshape(-1, 3)
    units = np.asarray(directions, dtype=np.float64).reshape(-1, 3)
    units = units / np.linalg.norm(units, axis=1, keepdims=True)
    hits = np.full((len(origins), 3), np.nan)
    for start in range(0, len(origins), _RAY_CHUNK):
        o, d = origins[start : start + _RAY_CHUNK], units[start : start + _RAY_CHUNK]
        along = centres @ d.T - np.einsum("ij,ij->i", o, d)  # (n, m): centre along each ray
        to_centre2 = centre2[:, None] - 2 * (centres @ o.T) + np.einsum("ij,ij->i", o, o)
        tri, ray = np.nonzero(
            (to_centre2 - along**2 <= reach2[:, None]) & (along > -(reach2[:, None] ** 0.5))
        )
        t = _moller_trumbore(triangles[tri], o[ray], d[ray])
        good = np.isfinite(t)
        farthest = np.full(len(o), -np.inf)
        np.maximum.at(farthest, ray[good], t[good])
        found = np.isfinite(farthest)
        hits[start : start + _RAY_CHUNK][found] = o[found] + farthest[found, None] * d[found]
    return hits


def _moller_trumbore(triangles: FloatArray, origins: PointsMM, units: FloatArray) -> FloatArray:
    """Distance along each ray to its triangle (pairwise), NaN where it misses or lies behind."""
    t0 = triangles[:, 0]
    e1, e2 = triangles[:, 1] - t0, triangles[:, 2] - t0
    p = np.cross(units, e2)
    det = np.einsum("ij,ij->i", e1, p)
    ok = np.abs(det) > 1e-12
    inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
    s = origins - t0
    u = np.einsum("ij,ij->i", s, p) * inv
    q = np.cross(s, e1)
    v = np.einsum("ij,ij->i", q, units) * inv
    t = np.einsum("ij,ij->i", e2, q) * inv
    good = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (t > 0)
    return np.where(good, t, np.nan)


def closest_points_on_triangles(points: PointsMM, triangles: FloatArray) -> PointsMM:
    """Closest point on each triangle to each point (pairwise, row by row).

    Parameters
    ----------
    points : (n, 3) ndarray of float
        Query points, millimetres.
    triangles : (n, 3, 3) ndarray of float
        One triangle per point, corners in millimetres.

    Returns
    -------
    (n, 3) ndarray of float
        The closest point of triangle i to point i.

    References
    ----------
    .. [1] C. Ericson, "Real-Time Collision Detection", Morgan Kaufmann, 2005, §5.1.5.

    Examples
    --------
    >>> tri = np.array([[[0.0, 0, 0], [1, 0, 0], [0, 1, 0]]])
    >>> closest_points_on_triangles(np.array([[0.2, 0.2, 5.0]]), tri).round(12).tolist()
    [[0.2, 0.2, 0.0]]
    """
    a, b, c = triangles[:, 0], triangles[:, 1], triangles[:, 2]
    ab, ac, ap = b - a, c - a, points - a

    def dot(x: FloatArray, y: FloatArray) -> FloatArray:
        return np.asarray(np.einsum("ij,ij->i", x, y), dtype=np.float64)

    d1, d2 = dot(ab, ap), dot(ac, ap)
    bp = points - b
    d3, d4 = dot(ab, bp), dot(ac, bp)
    cp = points - c
    d5, d6 = dot(ab, cp), dot(ac, cp)
    va = d3 * d6 - d5 * d4
    vb = d5 * d2 - d1 * d6
    vc = d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = 1.0 / (va + vb + vc)
        v = vb * denom
        w = vc * denom
        result = a + ab * v[:, None] + ac * w[:, None]
        # edge regions
        t_ab = d1 / (d1 - d3)
        t_ac = d2 / (d2 - d6)
        t_bc = (d4 - d3) / ((d4 - d3) + (d5 - d6))
    conditions = [
        (d1 <= 0) & (d2 <= 0),
        (d3 >= 0) & (d4 <= d3),
        (d6 >= 0) & (d5 <= d6),
        (vc <= 0) & (d1 >= 0) & (d3 <= 0),
        (vb <= 0) & (d2 >= 0) & (d6 <= 0),
        (va <= 0) & ((d4 - d3) >= 0) & ((d5 - d6) >= 0),
    ]
    choices = [
        a,
        b,
        c,
        a + ab * t_ab[:, None],
        a + ac * t_ac[:, None],
        b + (c - b) * t_bc[:, None],
    ]
    for cond, choice in zip(reversed(conditions), reversed(choices), strict=True):
        result = np.where(cond[:, None], choice, result)
    return np.asarray(result, dtype=np.float64)


def nearest_on_triangles(
    points_mm: PointsMM,
    triangles: FloatArray,
    *,
    tree: cKDTree | None = None,
    candidates: int = _CANDIDATE_TRIANGLES,
) -> tuple[PointsMM, IntArray, FloatArray]:
    """The nearest point of a triangle soup to each query point.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Query points, millimetres.
    triangles : (f, 3, 3) ndarray of float
        Corners, millimetres (f ≥ 1).
    tree : scipy.spatial.cKDTree, optional
        A tree of the triangles' centroids, if already built.
    candidates : int, optional
        How many triangles with the nearest centroids are searched (exact for points within
        a triangle's size of the surface).

    Returns
    -------
    foot_mm : (n, 3) ndarray of float
        The nearest surface point, millimetres.
    triangle_index : (n,) ndarray of int
        The triangle it lies on.
    distance_mm : (n,) ndarray of float
        Distance from the query point, millimetres.
    """
    pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 3)
    tree = cKDTree(triangles.mean(axis=1)) if tree is None else tree
    k = min(candidates, len(triangles))
    idx = tree.query(pts, k=k)[1].reshape(len(pts), k)
    best = np.full(len(pts), np.inf)
    foot = pts.copy()
    which = idx[:, 0].astype(np.int64)
    for j in range(k):
        closest = closest_points_on_triangles(pts, triangles[idx[:, j]])
        d = np.linalg.norm(closest - pts, axis=1)
        better = d < best
        foot[better], best[better], which[better] = closest[better], d[better], idx[better, j]
    return foot, which, best


def closest_faces(
    head: HeadModel, points_mm: PointsMM, *, faces: BoolArray | None = None
) -> tuple[FloatArray, IntArray]:
    """The face of the head surface nearest to each point, and the distance to it.

    Parameters
    ----------
    head : HeadModel
        The surface.
    points_mm : (n, 3) ndarray of float
        Query points, millimetres, head frame.
    faces : (f,) ndarray of bool, optional
        Search these faces only (e.g. ``head.scalp_faces``); default all faces.

    Returns
    -------
    distance_mm : (n,) ndarray of float
        Distance to the nearest of the ``12`` triangles whose centroids are nearest
        (exact for points within a triangle's size of the surface); inf with no faces.
    face_index : (n,) ndarray of int
        That triangle's index in ``head.faces`` (-1 with no faces).
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    ids = np.arange(len(head.faces)) if faces is None else np.flatnonzero(faces)
    if len(pts) == 0 or len(ids) == 0:
        return np.full(len(pts), np.inf), np.full(len(pts), -1, dtype=np.int64)
    _, which, distance = nearest_on_triangles(pts, head.triangles_mm[ids])
    return distance, ids[which].astype(np.int64)


def distance_to_surface_mm(
    head: HeadModel, points_mm: PointsMM, *, faces: BoolArray | None = None
) -> FloatArray:
    """Distance from each point to the head surface, millimetres.

    Parameters
    ----------
    head : HeadModel
        The surface.
    points_mm : (n, 3) ndarray of float
        Query points, millimetres, head frame.
    faces : (f,) ndarray of bool, optional
        Measure to these faces only (e.g. ``head.scalp_faces``); default all faces.

    Returns
    -------
    (n,) ndarray of float
        See :func:`closest_faces`.
    """
    distance, _ = closest_faces(head, points_mm, faces=faces)
    return distance


def points_at_barycentric(
    head: HeadModel, face_index: IntArray, barycentric: FloatArray
) -> PointsMM:
    """Surface points given by faces and barycentric coordinates.

    Parameters
    ----------
    head : HeadModel
        The surface.
    face_index : (n,) ndarray of int
        The face of each point.
    barycentric : (n, 3) ndarray of float
        Weights of the face's three corners (summing to 1).

    Returns
    -------
    (n, 3) ndarray of float
        Head frame, millimetres.

    Examples
    --------
    >>> from smpstudio.head import fit_ellipsoid_head
    >>> head = fit_ellipsoid_head()
    >>> p = points_at_barycentric(head, np.array([0]), np.array([[1.0, 0, 0]]))
    >>> bool(np.allclose(p[0], head.vertices_mm[head.faces[0, 0]]))
    True
    """
    corners = head.triangles_mm[np.asarray(face_index)]
    return np.asarray(np.einsum("nk,nkd->nd", np.asarray(barycentric), corners))


def region_area_cm2(head: HeadModel, faces: BoolArray) -> float:
    """Surface area of a set of faces, square centimetres.

    Parameters
    ----------
    head : HeadModel
        The surface.
    faces : (f,) ndarray of bool
        The region.

    Returns
    -------
    float
        Square centimetres.

    Examples
    --------
    >>> from smpstudio.head import fit_ellipsoid_head
    >>> head = fit_ellipsoid_head()
    >>> round(region_area_cm2(head, head.scalp_faces) - head.scalp_area_mm2 / 100, 9)
    0.0
    """
    return float(head.face_areas_mm2[np.asarray(faces)].sum()) / 100.0


def smooth_normals(head: HeadModel, points_mm: PointsMM) -> FloatArray:
    """The smooth (Phong) outward surface normal at points on the head surface.

    Parameters
    ----------
    head : HeadModel
        The surface.
    points_mm : (n, 3) ndarray of float
        Points on (or within a triangle's size of) the surface, millimetres, head frame.

    Returns
    -------
    (n, 3) ndarray of float
        Unit outward normals: the area-weighted vertex normals of the nearest face,
        interpolated barycentrically at the point's projection onto it.

    Notes
    -----
    Facet normals jump by the angle between neighbouring triangles (several degrees on a
    scan); the interpolated normal varies continuously across edges, which is what a
    needle's approach should follow.

    References
    ----------
    .. [1] B. T. Phong, "Illumination for computer generated pictures", Commun. ACM 18(6),
       311–317 (1975). doi:10.1145/360825.360839

    Examples
    --------
    >>> from smpstudio.core import HeadModel
    >>> v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    >>> f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    >>> head = HeadModel(v, f, np.ones(4, bool), "tetrahedron")
    >>> bool(smooth_normals(head, np.array([[0.3, 0.3, 0.0]]))[0, 2] < 0)
    True
    """
    pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 3)
    if len(pts) == 0:
        return np.zeros((0, 3))
    area_normals = np.cross(
        head.triangles_mm[:, 1] - head.triangles_mm[:, 0],
        head.triangles_mm[:, 2] - head.triangles_mm[:, 0],
    )
    vertex = np.zeros((len(head.vertices_mm), 3))
    for corner in range(3):
        np.add.at(vertex, head.faces[:, corner], area_normals)
    vertex /= np.maximum(np.linalg.norm(vertex, axis=1, keepdims=True), 1e-300)
    _, face = closest_faces(head, pts)
    tri = head.triangles_mm[face]
    weights = np.clip(barycentric_weights(closest_points_on_triangles(pts, tri), tri), 0.0, 1.0)
    normal = np.einsum("ij,ijk->ik", weights, vertex[head.faces[face]])
    return np.asarray(normal / np.linalg.norm(normal, axis=1, keepdims=True), dtype=np.float64)


def barycentric_weights(points: FloatArray, triangles: FloatArray) -> FloatArray:
    """Barycentric weights of points in the plane of their triangles (row by row).

    Parameters
    ----------
    points : (n, d) ndarray of float
        One point per triangle, in (or projected onto) its plane.
    triangles : (n, 3, d) ndarray of float
        Corners, any dimension.

    Returns
    -------
    (n, 3) ndarray of float
        Weights of the three corners, summing to 1 (negative outside the triangle).

    Examples
    --------
    >>> tri = np.array([[[0.0, 0], [1, 0], [0, 1]]])
    >>> barycentric_weights(np.array([[0.25, 0.5]]), tri).tolist()
    [[0.25, 0.25, 0.5]]
    """
    a = triangles[:, 0]
    e1, e2, r = triangles[:, 1] - a, triangles[:, 2] - a, points - a
    d11, d12, d22 = (np.einsum("ij,ij->i", x, y) for x, y in ((e1, e1), (e1, e2), (e2, e2)))
    r1, r2 = np.einsum("ij,ij->i", r, e1), np.einsum("ij,ij->i", r, e2)
    det = np.maximum(d11 * d22 - d12**2, 1e-300)
    s, t = (d22 * r1 - d12 * r2) / det, (d11 * r2 - d12 * r1) / det
    return np.column_stack([1 - s - t, s, t])


def surface_digest(head: HeadModel) -> str:
    """SHA-256 of the head surface: vertices, faces and scalp marks, in a fixed byte layout.

    Parameters
    ----------
    head : HeadModel
        The surface.

    Returns
    -------
    str
        ``"sha256:"`` and 64 hex digits; a program carries it so that a device (and the
        safety check) can refuse to run it on another surface.
    """
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(head.vertices_mm, dtype="<f8").tobytes())
    digest.update(np.ascontiguousarray(head.faces, dtype="<i8").tobytes())
    digest.update(np.ascontiguousarray(head.scalp_faces, dtype=np.uint8).tobytes())
    return "sha256:" + digest.hexdigest()
