"""An orthographic, shaded view of a head model, optionally with impressions and a curve.

Used for documentation figures, for the studio's 3D overview, and as synthetic top and back
photos in tests (no real top or back photo exists in the data).
"""

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, PointsMM
from smpstudio.core import HeadModel

SKIN_RGB = (0.87, 0.73, 0.63)
"""Base skin colour of the render, linear 0–1 (shaded by a fixed light)."""
_LIGHT = np.array([0.35, 0.5, 0.8]) / np.linalg.norm([0.35, 0.5, 0.8])
_DEPTH_SLACK_MM = 1.5


def view_rotation(elev_deg: float, azim_deg: float) -> FloatArray:
    """Rotation from the head frame to the view frame (x right, y up, z towards the viewer).

    Parameters
    ----------
    elev_deg : float
        Tilt about x after the turn, degrees (90: seen from above).
    azim_deg : float
        Turn about y, degrees (0: seen from the front; 180: from behind).

    Returns
    -------
    (3, 3) ndarray of float
        Rotation matrix.

    Examples
    --------
    >>> view_rotation(0, 0).round(3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    a, e = np.radians(azim_deg), np.radians(elev_deg)
    turn = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    tilt = np.array([[1, 0, 0], [0, np.cos(e), -np.sin(e)], [0, np.sin(e), np.cos(e)]])
    return np.asarray(tilt @ turn, dtype=np.float64)


def render_head_view(
    head: HeadModel,
    *,
    elev_deg: float,
    azim_deg: float,
    size_px: int = 700,
    field_mm: float = 260.0,
    centre_y_mm: float = 40.0,
    points_mm: PointsMM | None = None,
    normals: FloatArray | None = None,
    curve_mm: PointsMM | None = None,
) -> tuple[ImageRGB, BoolArray]:
    """Z-buffered orthographic render of the head on white.

    Parameters
    ----------
    head : HeadModel
        The mesh, millimetres.
    elev_deg, azim_deg : float
        View direction (see :func:`view_rotation`).
    size_px : int, optional
        Side of the square image, pixels.
    field_mm : float, optional
        Side of the square field of view, millimetres.
    centre_y_mm : float, optional
        Head-frame height shown at the image centre (before the view rotation).
    points_mm, normals : (n, 3) ndarray of float, optional
        Impressions to draw as 1-px dark dots where visible.
    curve_mm : (m, 3) ndarray of float, optional
        A curve (e.g. the hairline) to draw in red where visible.

    Returns
    -------
    image : (size_px, size_px, 3) ndarray of uint8
        The render.
    covered : (size_px, size_px) ndarray of bool
        Pixels the head covers.
    """
    rot = view_rotation(elev_deg, azim_deg)
    scale = size_px / field_mm
    v = head.vertices_mm @ rot.T
    centre = np.array([0.0, centre_y_mm, 0.0]) @ rot.T
    xy = np.column_stack(
        [(v[:, 0] - centre[0]) * scale + size_px / 2, size_px / 2 - (v[:, 1] - centre[1]) * scale]
    )
    depth = np.full((size_px, size_px), -np.inf)
    shade = np.ones((size_px, size_px))
    lum = 0.3 + 0.7 * np.clip((head.face_normals @ rot.T) @ _LIGHT, 0, 1)
    for f, tri in enumerate(head.faces):
        p = xy[tri]
        z = v[tri, 2]
        x0, y0 = np.floor(p.min(axis=0)).astype(int)
        x1, y1 = np.ceil(p.max(axis=0)).astype(int)
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, size_px - 1), min(y1, size_px - 1)
        d = (p[1, 1] - p[2, 1]) * (p[0, 0] - p[2, 0]) + (p[2, 0] - p[1, 0]) * (p[0, 1] - p[2, 1])
        if x1 < x0 or y1 < y0 or abs(d) < 1e-12:
            continue
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1), np.arange(y0, y1 + 1))
        w0 = ((p[1, 1] - p[2, 1]) * (gx - p[2, 0]) + (p[2, 0] - p[1, 0]) * (gy - p[2, 1])) / d
        w1 = ((p[2, 1] - p[0, 1]) * (gx - p[2, 0]) + (p[0, 0] - p[2, 0]) * (gy - p[2, 1])) / d
        w2 = 1 - w0 - w1
        inside = (w0 >= 0) & (w1 >= 0) & (w2 >= 0)
        zz = w0 * z[0] + w1 * z[1] + w2 * z[2]
        block = depth[y0 : y1 + 1, x0 : x1 + 1]
        win = inside & (zz > block)
        block[win] = zz[win]
        shade[y0 : y1 + 1, x0 : x1 + 1][win] = lum[f]
    covered = np.isfinite(depth)
    image = np.ones((size_px, size_px, 3))
    image[covered] = shade[covered, None] * np.array(SKIN_RGB)

    def splat(
        pts: PointsMM, colour: tuple[float, float, float], radius: int, keep: BoolArray
    ) -> None:
        q = pts @ rot.T
        u = np.round((q[:, 0] - centre[0]) * scale + size_px / 2).astype(int)
        w = np.round(size_px / 2 - (q[:, 1] - centre[1]) * scale).astype(int)
        ok = keep & (u >= 0) & (u < size_px) & (w >= 0) & (w < size_px)
        ok[ok] &= q[ok, 2] >= depth[w[ok], u[ok]] - _DEPTH_SLACK_MM
        for du in range(-radius, radius + 1):
            for dv in range(-radius, radius + 1):
                uu = np.clip(u[ok] + du, 0, size_px - 1)
                ww = np.clip(w[ok] + dv, 0, size_px - 1)
                image[ww, uu] = colour

    if points_mm is not None and normals is not None:
        splat(points_mm, (0.13, 0.12, 0.13), 0, (normals @ rot.T)[:, 2] > 0.1)
    if curve_mm is not None:
        splat(curve_mm, (0.85, 0.2, 0.1), 1, np.ones(len(curve_mm), dtype=bool))
    return np.round(image * 255).astype(np.uint8), covered
