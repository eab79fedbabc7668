# mypy: disable-error-code="no-untyped-def"
"""A compiled triangle rasteriser: the head surface's nearest face at every pixel.

Each front-facing triangle is scanned over the pixels whose centres (at integer
coordinates, as in OpenCV and :class:`smpstudio.core.Camera`) it covers; depth is interpolated
perspective-correctly (``1/z`` is linear on the image) and the nearest wins. Exact where a
sampled z-buffer leaves pinholes, and linear in the pixels covered.
"""

import numba
import numpy as np

from smpstudio._typing import FloatArray, IntArray
from smpstudio.core import Camera, HeadModel


@numba.njit(cache=True)
def _rasterize(xy, z, faces, front, depth, face_id, bary, with_bary):
    h, w = depth.shape
    for f in range(faces.shape[0]):
        if not front[f]:
            continue
        a, b, c = faces[f, 0], faces[f, 1], faces[f, 2]
        za, zb, zc = z[a], z[b], z[c]
        if za <= 0.0 or zb <= 0.0 or zc <= 0.0:
            continue
        xa, ya, xb, yb, xc, yc = xy[a, 0], xy[a, 1], xy[b, 0], xy[b, 1], xy[c, 0], xy[c, 1]
        area = (xb - xa) * (yc - ya) - (xc - xa) * (yb - ya)
        if area == 0.0:
            continue
        x0 = max(int(np.ceil(min(xa, xb, xc))), 0)
        x1 = min(int(np.floor(max(xa, xb, xc))), w - 1)
        y0 = max(int(np.ceil(min(ya, yb, yc))), 0)
        y1 = min(int(np.floor(max(ya, yb, yc))), h - 1)
        for y in range(y0, y1 + 1):
            py = float(y)
            for x in range(x0, x1 + 1):
                px = float(x)
                wa = ((xb - px) * (yc - py) - (xc - px) * (yb - py)) / area
                wb = ((xc - px) * (ya - py) - (xa - px) * (yc - py)) / area
                wc = 1.0 - wa - wb
                if wa < 0.0 or wb < 0.0 or wc < 0.0:
                    continue
                inv = wa / za + wb / zb + wc / zc
                d = 1.0 / inv
                if d < depth[y, x]:
                    depth[y, x] = d
                    face_id[y, x] = f
                    if with_bary:
                        bary[y, x, 0] = wa / za * d
                        bary[y, x, 1] = wb / zb * d
                        bary[y, x, 2] = wc / zc * d


def rasterize_head(
    head: HeadModel,
    camera: Camera,
    width_px: int,
    height_px: int,
    face_normals: FloatArray,
    *,
    with_points: bool = True,
) -> tuple[FloatArray | None, IntArray, np.ndarray]:
    """The nearest front-facing face at every pixel.

    Parameters
    ----------
    head : HeadModel
        The mesh, head frame millimetres.
    camera : Camera
        Intrinsics and pose.
    width_px, height_px : int
        Image size.
    face_normals : (f, 3) ndarray of float
        Outward unit normal of each face (back faces are skipped).
    with_points : bool, optional
        Also interpolate the surface point at each pixel (False: depth and face only).

    Returns
    -------
    points_mm : (h, w, 3) ndarray of float or None
        The surface point seen at each pixel's centre; NaN where no face covers it.
    face : (h, w) ndarray of int
        Its face (-1 none).
    depth_mm : (h, w) ndarray of float32
        Its camera-frame depth (inf none).
    """
    xy, z = camera.project(head.vertices_mm)
    centroids = head.vertices_mm[head.faces].mean(axis=1)
    front = np.einsum("ij,ij->i", face_normals, camera.centre_mm - centroids) > 0
    depth = np.full((height_px, width_px), np.inf)
    face = np.full((height_px, width_px), -1, np.int64)
    bary = np.zeros((height_px, width_px, 3) if with_points else (1, 1, 3))
    _rasterize(
        np.ascontiguousarray(xy, dtype=np.float64),
        np.ascontiguousarray(z, dtype=np.float64),
        np.ascontiguousarray(head.faces, dtype=np.int64),
        front,
        depth,
        face,
        bary,
        with_points,
    )
    if not with_points:
        return None, face, depth.astype(np.float32)
    covered = face >= 0
    corners = head.vertices_mm[head.faces[face[covered]]]  # (n, 3 corners, 3)
    points = np.full((height_px, width_px, 3), np.nan)
    points[covered] = np.einsum("nk,nkd->nd", bary[covered], corners)
    return points, face, depth.astype(np.float32)
