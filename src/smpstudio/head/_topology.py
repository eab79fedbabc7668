"""Edges, neighbouring faces, boundaries and compaction of triangle meshes (pure NumPy)."""

import numpy as np

from smpstudio._typing import FloatArray, IntArray, PointsMM, UnitVectors


def face_normals_areas(vertices_mm: PointsMM, faces: IntArray) -> tuple[UnitVectors, FloatArray]:
    """Unit normal (counter-clockwise winding) and area of every face of a mesh.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    normals : (f, 3) ndarray of float
        Unit normals (zero for degenerate faces).
    areas_mm2 : (f,) ndarray of float
        Square millimetres.

    Examples
    --------
    >>> v = np.array([[0.0, 0, 0], [2, 0, 0], [0, 1, 0]])
    >>> n, a = face_normals_areas(v, np.array([[0, 1, 2]]))
    >>> n.tolist(), a.tolist()
    ([[0.0, 0.0, 1.0]], [1.0])
    """
    t = vertices_mm[faces]
    cross = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
    double = np.linalg.norm(cross, axis=1)
    normals = cross / np.maximum(double, 1e-300)[:, None]
    return np.asarray(normals, dtype=np.float64), np.asarray(0.5 * double, dtype=np.float64)


def undirected_edges(faces: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """The unique undirected edges of a triangle mesh.

    Parameters
    ----------
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    edges : (e, 2) ndarray of int
        Each edge once, lower vertex index first, sorted.
    corner_edge : (3f,) ndarray of int
        The edge of each face side, in the order (0, 1), (1, 2), (2, 0) per face.
    counts : (e,) ndarray of int
        How many faces use each edge (1: open boundary, 2: manifold, more: non-manifold).

    Examples
    --------
    >>> edges, _, counts = undirected_edges(np.array([[0, 1, 2], [0, 2, 3]]))
    >>> edges.tolist(), counts.tolist()
    ([[0, 1], [0, 2], [0, 3], [1, 2], [2, 3]], [1, 2, 1, 1, 1])
    """
    sides = np.sort(np.asarray(faces, dtype=np.int64)[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2), axis=1)
    base = int(sides.max()) + 1 if len(sides) else 1
    keys, corner_edge, counts = np.unique(
        sides[:, 0] * base + sides[:, 1], return_inverse=True, return_counts=True
    )
    edges = np.column_stack([keys // base, keys % base])
    return edges, corner_edge.reshape(-1), counts


def unique_rows(rows: IntArray) -> tuple[IntArray, IntArray]:
    """The distinct rows of an integer array (a faster ``np.unique(..., axis=0)``).

    Parameters
    ----------
    rows : (n, k) ndarray of int
        The rows.

    Returns
    -------
    first : (u,) ndarray of int
        Index of the first occurrence of each distinct row, in sorted row order.
    inverse : (n,) ndarray of int
        The distinct row (0..u-1) of every row.

    Examples
    --------
    >>> first, inverse = unique_rows(np.array([[2, 0], [1, 5], [2, 0]]))
    >>> first.tolist(), inverse.tolist()
    ([1, 0], [1, 0, 1])
    """
    order = np.lexsort(rows.T[::-1])
    ranked = rows[order]
    new = np.r_[True, (ranked[1:] != ranked[:-1]).any(axis=1)]
    inverse = np.zeros(len(rows), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return np.asarray(order[new], dtype=np.int64), inverse


def neighbouring_faces(
    faces: IntArray, edges: tuple[IntArray, IntArray, IntArray] | None = None
) -> IntArray:
    """Pairs of faces that share a manifold edge.

    Parameters
    ----------
    faces : (f, 3) ndarray of int
        Vertex indices.
    edges : tuple of ndarray, optional
        :func:`undirected_edges` of ``faces`` if already computed.

    Returns
    -------
    (p, 2) ndarray of int
        Face index pairs, one per edge used by exactly two faces.

    Examples
    --------
    >>> neighbouring_faces(np.array([[0, 1, 2], [0, 2, 3], [4, 5, 6]])).tolist()
    [[0, 1]]
    """
    _, corner_edge, counts = undirected_edges(faces) if edges is None else edges
    order = np.argsort(corner_edge, kind="stable")
    face_of = np.repeat(np.arange(len(faces)), 3)[order]
    return np.asarray(face_of[counts[corner_edge[order]] == 2].reshape(-1, 2), dtype=np.int64)


def compact(vertices_mm: PointsMM, faces: IntArray) -> tuple[PointsMM, IntArray]:
    """Drop the vertices no face uses and renumber the faces.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    vertices_mm : (u, 3) ndarray of float
        The used vertices, in their original order.
    faces : (f, 3) ndarray of int
        The same faces, renumbered.
    """
    used, inverse = np.unique(faces, return_inverse=True)
    return vertices_mm[used], np.asarray(inverse.reshape(-1, 3), dtype=np.int64)


def boundary_loops(faces: IntArray) -> list[IntArray]:
    """Closed loops of open-boundary edges of a mesh.

    Parameters
    ----------
    faces : (f, 3) ndarray of int
        Vertex indices, consistently wound.

    Returns
    -------
    list of ndarray of int
        Each loop's vertex indices in the order of its faces' winding; loops that touch at
        a vertex (a pinched boundary) are returned as separate simple loops.

    Examples
    --------
    >>> [loop.tolist() for loop in boundary_loops(np.array([[0, 1, 2], [0, 2, 3]]))]
    [[0, 1, 2, 3]]
    """
    directed = faces[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)
    _, corner_edge, counts = undirected_edges(faces)
    boundary = directed[counts[corner_edge] == 1]
    leaving: dict[int, list[int]] = {}
    for a, b in boundary.tolist():
        leaving.setdefault(a, []).append(b)
    loops: list[list[int]] = []
    for start in list(leaving):
        while leaving[start]:
            loop, v = [start], leaving[start].pop()
            while v != start and leaving.get(v):
                loop.append(v)
                v = leaving[v].pop()
            if v == start:
                loops.extend(_simple_loops(loop))
    return [np.asarray(loop, dtype=np.int64) for loop in loops if len(loop) >= 3]


def _simple_loops(loop: list[int]) -> list[list[int]]:
    """Split a closed walk that visits a vertex more than once into simple loops."""
    out: list[list[int]] = []
    stack: list[int] = []
    at: dict[int, int] = {}
    for v in loop:
        if v in at:
            cut = at[v]
            out.append(stack[cut:])
            for w in stack[cut + 1 :]:
                del at[w]
            stack = stack[: cut + 1]
        else:
            at[v] = len(stack)
            stack.append(v)
    out.append(stack)
    return out


def edge_lengths_mm(vertices_mm: PointsMM, faces: IntArray) -> FloatArray:
    """Length of every edge of a mesh, each once.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices.

    Returns
    -------
    (e,) ndarray of float
        Millimetres, in the order of :func:`undirected_edges`.
    """
    e, _, _ = undirected_edges(faces)
    return np.asarray(np.linalg.norm(vertices_mm[e[:, 0]] - vertices_mm[e[:, 1]], axis=1))


def normal_steps_deg(vertices_mm: PointsMM, faces: IntArray) -> FloatArray:
    """Angle between the normals of every two faces that share an edge.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices, consistently wound.

    Returns
    -------
    (p,) ndarray of float
        Degrees, one per manifold edge: 0 on a plane; how faceted a curved surface looks.
    """
    pairs = neighbouring_faces(faces)
    n, _ = face_normals_areas(vertices_mm, faces)
    cos = np.clip(np.einsum("ij,ij->i", n[pairs[:, 0]], n[pairs[:, 1]]), -1.0, 1.0)
    return np.asarray(np.degrees(np.arccos(cos)))
