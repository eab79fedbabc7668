"""Distances along the head surface: the heat method on the cotangent Laplacian.

Crane, Weischedel & Wardetzky, "Geodesics in Heat", ACM TOG 32(5), 2013: diffuse heat from
the source for a short time, normalise its gradient, and integrate the resulting unit field
back into a distance by a Poisson solve. Both solves reuse one sparse factorisation each.
"""

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.head._topology import face_normals_areas

HEAT_TIME_FACTOR = 1.0
"""Heat time as a multiple of the squared mean edge length (the paper's choice, t = h²)."""


def cotangent_laplacian(
    vertices_mm: PointsMM, faces: IntArray
) -> tuple[sparse.csc_matrix, FloatArray]:
    """The cotangent Laplacian and lumped vertex areas of a triangle mesh.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    laplacian : (v, v) scipy.sparse.csc_matrix
        Negative semi-definite: ``(L u)_i = ½ Σ_j (cot α_ij + cot β_ij)(u_j − u_i)``.
    vertex_area_mm2 : (v,) ndarray of float
        A third of the area of the faces around each vertex, square millimetres.

    Examples
    --------
    >>> v = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    >>> lap, area = cotangent_laplacian(v, np.array([[0, 1, 2]]))
    >>> np.allclose(lap @ np.ones(3), 0), area.round(4).tolist()
    (True, [0.1667, 0.1667, 0.1667])
    """
    n = len(vertices_mm)
    rows, cols, weights = [], [], []
    for k in range(3):
        i, j, o = faces[:, (k + 1) % 3], faces[:, (k + 2) % 3], faces[:, k]
        cot = _cot(vertices_mm[i] - vertices_mm[o], vertices_mm[j] - vertices_mm[o])
        rows += [i, j]
        cols += [j, i]
        weights += [0.5 * cot, 0.5 * cot]
    off = sparse.coo_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    ).tocsc()
    laplacian = off - sparse.diags(np.asarray(off.sum(axis=1)).ravel())
    _, face_area = face_normals_areas(vertices_mm, faces)
    vertex_area = np.bincount(faces.ravel(), np.repeat(face_area / 3, 3), minlength=n).astype(
        np.float64
    )
    return laplacian.tocsc(), vertex_area


def geodesic_distance_mm(
    vertices_mm: PointsMM, faces: IntArray, source_vertices: IntArray
) -> FloatArray:
    """Distance along the surface from a set of source vertices to every vertex.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres; a connected mesh (open or closed).
    faces : (f, 3) ndarray of int
        Vertex indices.
    source_vertices : (s,) ndarray of int
        Where the distance is zero.

    Returns
    -------
    (v,) ndarray of float
        Geodesic distance, millimetres (the heat method: on a 1.5 mm mesh of a sphere of
        radius 80 mm its error is well under 1 %, see the tests).

    References
    ----------
    .. [1] K. Crane, C. Weischedel, M. Wardetzky, "Geodesics in Heat: A New Approach to
       Computing Distance Based on Heat Flow", ACM Trans. Graph. 32(5), 2013.
    """
    laplacian, vertex_area = cotangent_laplacian(vertices_mm, faces)
    t = vertices_mm[faces]
    edges = np.linalg.norm(t - np.roll(t, 1, axis=1), axis=2)
    time = HEAT_TIME_FACTOR * float(edges.mean()) ** 2
    heat_source = np.zeros(len(vertices_mm))
    heat_source[np.asarray(source_vertices)] = 1.0
    mass = sparse.diags(vertex_area)
    heat = splu((mass - time * laplacian).tocsc()).solve(heat_source)
    # gradient of the heat in each face, then the unit field pointing away from the source
    e = [t[:, 2] - t[:, 1], t[:, 0] - t[:, 2], t[:, 1] - t[:, 0]]
    normal = np.cross(e[2], -e[1])
    double_area = np.linalg.norm(normal, axis=1)
    unit_normal = normal / np.maximum(double_area, 1e-12)[:, None]
    u = heat[faces]
    grad = sum(u[:, k, None] * np.cross(unit_normal, e[k]) for k in range(3))
    grad /= np.maximum(double_area, 1e-12)[:, None]
    field = -grad / np.maximum(np.linalg.norm(grad, axis=1), 1e-300)[:, None]
    # integrated divergence at each vertex: ½ Σ cot θ1 (e1 · X) + cot θ2 (e2 · X)
    divergence = np.zeros(len(vertices_mm))
    for k in range(3):
        i, j, o = faces[:, k], faces[:, (k + 1) % 3], faces[:, (k + 2) % 3]
        a, b = vertices_mm[j] - vertices_mm[i], vertices_mm[o] - vertices_mm[i]
        cot_at_o = _cot(vertices_mm[i] - vertices_mm[o], vertices_mm[j] - vertices_mm[o])
        cot_at_j = _cot(vertices_mm[i] - vertices_mm[j], vertices_mm[o] - vertices_mm[j])
        contribution = 0.5 * (
            cot_at_o * np.einsum("ij,ij->i", a, field) + cot_at_j * np.einsum("ij,ij->i", b, field)
        )
        divergence += np.bincount(i, contribution, minlength=len(vertices_mm))
    # L φ = ∇·X fixes φ up to a constant: hold one source vertex at 0 and solve the rest
    keep = np.ones(len(vertices_mm), dtype=bool)
    keep[int(np.asarray(source_vertices)[0])] = False
    phi = np.zeros(len(vertices_mm))
    phi[keep] = splu(laplacian[keep][:, keep].tocsc()).solve(divergence[keep])
    phi -= phi[np.asarray(source_vertices)].mean()
    return np.asarray(np.maximum(phi, 0.0), dtype=np.float64)


def _cot(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.asarray(
        np.einsum("ij,ij->i", a, b) / np.maximum(np.linalg.norm(np.cross(a, b), axis=1), 1e-12)
    )
