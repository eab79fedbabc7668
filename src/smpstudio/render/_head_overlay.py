"""Pictures of the head model: its scalp grid drawn over each photo, and a turntable.

They let a practitioner check the head model by eye: the grid must sit on the client's
scalp in every photo, and the turntable shows the whole surface from eight sides.
"""

from collections.abc import Callable

import cv2
import numpy as np

from smpstudio._typing import ImageRGB, PointsMM
from smpstudio.core import Camera, HeadModel
from smpstudio.head import (
    project_visible,
    scalp_chart,
    splat_render,
    surface_from_chart,
    surface_samples,
    view_rotation,
)

GRID_STEP_MM = 20.0
"""Spacing of the scalp grid lines on the chart, millimetres."""
GRID_SAMPLE_MM = 1.0
"""Spacing of the points along each grid line, millimetres."""
GRID_RGB = (40, 220, 230)
TURNTABLE_AZIMUTHS_DEG = (0, 45, 90, 135, 180, 225, 270, 315)
"""Directions of the turntable tiles (:func:`view_rotation`: 0 from the front, 90 from the
client's right, 180 from behind)."""
TURNTABLE_SAMPLES = 1_500_000


def scalp_grid_overlay(image: ImageRGB, head: HeadModel, camera: Camera) -> ImageRGB:
    """The photo with the head model's scalp grid drawn where the photo sees it.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The photo, sRGB.
    head : HeadModel
        The head model (head frame, millimetres).
    camera : Camera
        The photo's registered camera.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        A copy of the photo with lines every ``GRID_STEP_MM`` of the scalp chart (u and v),
        drawn only where visible from the camera.
    """
    chart = scalp_chart(head)
    reach = float(np.abs(chart.uv_mm).max())
    ticks = np.arange(-np.floor(reach / GRID_STEP_MM), np.floor(reach / GRID_STEP_MM) + 1)
    along = np.arange(-reach, reach + GRID_SAMPLE_MM, GRID_SAMPLE_MM)
    lines = [np.column_stack([np.full_like(along, k * GRID_STEP_MM), along]) for k in ticks]
    lines += [np.column_stack([along, np.full_like(along, k * GRID_STEP_MM)]) for k in ticks]
    uv = np.vstack(lines)
    points = surface_from_chart(chart, uv)
    known = np.isfinite(points[:, 0])
    h, w = image.shape[:2]
    xy = np.full((len(uv), 2), np.nan)
    visible = np.zeros(len(uv), dtype=bool)
    xy[known], visible[known] = project_visible(head, camera, points[known], w, h)
    out = np.ascontiguousarray(image.copy())
    thickness = max(1, round(max(h, w) / 700))
    start = 0
    for line in lines:
        stop = start + len(line)
        ok = visible[start : stop - 1] & visible[start + 1 : stop]
        for i in np.flatnonzero(ok):
            a = np.round(xy[start + i]).astype(int)
            b = np.round(xy[start + i + 1]).astype(int)
            cv2.line(out, tuple(a.tolist()), tuple(b.tolist()), GRID_RGB, thickness, cv2.LINE_AA)
        start = stop
    return out


def turntable(
    head: HeadModel,
    *,
    tile_px: int = 320,
    field_mm: float = 320.0,
    paint: Callable[[ImageRGB, PointsMM], ImageRGB] | None = None,
) -> ImageRGB:
    """Eight shaded views of the head model round its vertical axis, in one image.

    Parameters
    ----------
    head : HeadModel
        The head model.
    tile_px : int, optional
        Side of each view, pixels.
    field_mm : float, optional
        Side of each view's field, millimetres (the same in all).
    paint : callable, optional
        Called with each tile and the surface point seen at each of its pixels (NaN off the
        head); returns the tile to use (e.g. tinted by zone).

    Returns
    -------
    (2·tile_px, 4·tile_px, 3) ndarray of uint8
        Views from the front, front-right, right, back-right, back, back-left, left and
        front-left (left and right are the client's), seen from 10° above.
    """
    count = min(TURNTABLE_SAMPLES, int(8 * tile_px**2))
    points, normals = surface_samples(head.vertices_mm, head.faces, count, seed=2)
    tiles = []
    for azimuth in TURNTABLE_AZIMUTHS_DEG:
        rotation = view_rotation(10.0, float(azimuth))
        tile, seen = splat_render(points, normals, rotation, tile_px, field_mm=field_mm)
        tiles.append(tile if paint is None else paint(tile, seen))
    return np.vstack([np.hstack(tiles[:4]), np.hstack(tiles[4:])])
