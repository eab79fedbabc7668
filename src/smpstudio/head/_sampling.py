"""Uniform and blue-noise (Poisson-disk) point sets on a triangle mesh.

Dense uniform candidates are drawn on the surface; a greedy pass in the given order keeps a
candidate unless a kept one lies closer than the larger of the two points' radii. In random
order the result is a maximal-in-the-candidates Poisson-disk set ("dart throwing" with a finite
candidate pool), the classic blue-noise process of Cook 1986. The pattern stage places
impressions with it; the head stage places remeshing vertices.
"""

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import HeadModel

PACKING_CONSTANT = 0.55
"""n·r² per unit area reached by the greedy pass at ``CANDIDATES_PER_POINT`` (measured on
planes and the ellipsoid head; the saturated random-sequential-adsorption limit is
4·0.547/π ≈ 0.697)."""


def sample_surface_uniform(
    head: HeadModel, faces: BoolArray, count: int, *, rng: np.random.Generator
) -> tuple[PointsMM, IntArray]:
    """Uniform random points on the selected faces of a mesh.

    Parameters
    ----------
    head : HeadModel
        The surface.
    faces : (f,) ndarray of bool
        Which faces to sample.
    count : int
        Number of points.
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    points_mm : (count, 3) ndarray of float
        Points on the surface, millimetres, head frame.
    face_index : (count,) ndarray of int
        The face each point lies on.
    """
    ids = np.flatnonzero(faces)
    if count == 0 or len(ids) == 0:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64)
    points, chosen = sample_triangles(
        head.triangles_mm[ids], head.face_areas_mm2[ids], count, rng=rng
    )
    return points, ids[chosen].astype(np.int64)


def sample_triangles(
    triangles_mm: FloatArray, weights: FloatArray, count: int, *, rng: np.random.Generator
) -> tuple[PointsMM, IntArray]:
    """Random points in triangles, each triangle chosen in proportion to its weight.

    Parameters
    ----------
    triangles_mm : (f, 3, 3) ndarray of float
        Corners, millimetres.
    weights : (f,) ndarray of float
        Relative chance of each triangle (its area for uniform points).
    count : int
        Number of points.
    rng : numpy.random.Generator
        Source of randomness: one draw per point picks the triangle, two place the point.

    Returns
    -------
    points_mm : (count, 3) ndarray of float
        Millimetres.
    triangle_index : (count,) ndarray of int
        The triangle of each point.
    """
    cumulative = np.cumsum(weights)
    chosen = np.searchsorted(cumulative, rng.random(count) * cumulative[-1])
    chosen = np.minimum(chosen, len(triangles_mm) - 1)
    u, v = rng.random(count), rng.random(count)
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    t = triangles_mm[chosen]
    points = t[:, 0] + u[:, None] * (t[:, 1] - t[:, 0]) + v[:, None] * (t[:, 2] - t[:, 0])
    return np.asarray(points), chosen.astype(np.int64)


def select_poisson_disk(points_mm: PointsMM, radius_mm: FloatArray) -> IntArray:
    """Greedy Poisson-disk selection, in the given order, with a radius per point.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Candidates in the order they are offered (shuffle them for blue noise).
    radius_mm : (n,) ndarray of float
        Exclusion radius of each candidate, millimetres. Two kept points i, j satisfy
        ``|p_i - p_j| >= max(r_i, r_j)``.

    Returns
    -------
    (k,) ndarray of int
        Indices of the kept candidates, increasing.

    Examples
    --------
    >>> pts = np.array([[0.0, 0, 0], [0.5, 0, 0], [1.2, 0, 0]])
    >>> select_poisson_disk(pts, np.ones(3)).tolist()
    [0, 2]
    """
    n = len(points_mm)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pairs = cKDTree(points_mm).query_pairs(float(radius_mm.max()), output_type="ndarray")
    if len(pairs) and radius_mm.min() < radius_mm.max():
        gap = np.linalg.norm(points_mm[pairs[:, 0]] - points_mm[pairs[:, 1]], axis=1)
        pairs = pairs[gap < np.maximum(radius_mm[pairs[:, 0]], radius_mm[pairs[:, 1]])]
    # Each candidate only needs the later candidates it blocks (pairs are i < j).
    graph = sparse.csr_matrix(
        (np.ones(len(pairs), dtype=np.bool_), (pairs[:, 0], pairs[:, 1])), shape=(n, n)
    )
    indptr, indices = graph.indptr, graph.indices
    blocked = np.zeros(n, dtype=np.bool_)
    kept = []
    for i in range(n):
        if not blocked[i]:
            kept.append(i)
            blocked[indices[indptr[i] : indptr[i + 1]]] = True
    return np.asarray(kept, dtype=np.int64)
