"""Head-frame points seen in a photo: projection through its camera, hidden by the head."""

from dataclasses import dataclass

import cv2
import numpy as np

from smpstudio._typing import BoolArray, Float32Array, FloatArray, PointsMM
from smpstudio.core import Camera, HeadModel
from smpstudio.head._align import surface_samples

OCCLUSION_TOLERANCE_MM = 1.5
"""A point is hidden when the head surface lies more than this in front of it."""
SAMPLES_PER_PIXEL = 2.0
"""Head surface samples per pixel of the depth buffer (at the head's distance)."""
MAX_DEPTH_SAMPLES = 4_000_000
"""Cap on the depth-buffer samples (a close-up of a whole head)."""
GRAZING_SLOPE = float(np.tan(np.radians(75.0)))
"""Depth change per unit of image distance on a surface seen 75° from its normal: the
nearest sample in a pixel may lie this many pixel widths nearer than a point of the same
surface."""


@dataclass(frozen=True, slots=True)
class DepthBuffer:
    """The head's nearest depth at every pixel of one camera's image.

    Parameters
    ----------
    nearest_mm : (h, w) ndarray of float32
        Camera-frame depth of the nearest head surface, mm (inf where none).
    pixel_mm : float
        Width of a pixel at the head's distance, mm.
    """

    nearest_mm: Float32Array
    pixel_mm: float


def depth_buffer(head: HeadModel, camera: Camera, width_px: int, height_px: int) -> DepthBuffer:
    """Splat the head surface into a depth buffer for one camera.

    Parameters
    ----------
    head : HeadModel
        The head surface.
    camera : Camera
        The photo's camera.
    width_px, height_px : int
        Photo size, pixels.

    Returns
    -------
    DepthBuffer
        From uniform samples of the surface, about ``SAMPLES_PER_PIXEL`` per pixel at the
        head's distance (its centroid's); pixels no sample reached take the nearest depth
        around them.
    """
    _, centre = camera.project(head.vertices_mm.mean(axis=0, keepdims=True))
    pixel_mm = abs(float(centre[0])) / camera.fx_px
    area = float(head.face_areas_mm2.sum())
    count = int(min(MAX_DEPTH_SAMPLES, SAMPLES_PER_PIXEL * area / pixel_mm**2))
    samples, _ = surface_samples(head.vertices_mm, head.faces, count, seed=1)
    s_xy, s_depth = camera.project(samples)
    s_col, s_row = np.floor(s_xy[:, 0]), np.floor(s_xy[:, 1])
    ok = (s_depth > 0) & (s_col >= 0) & (s_row >= 0) & (s_col < width_px) & (s_row < height_px)
    buffer = np.full(height_px * width_px, np.inf, dtype=np.float32)
    np.minimum.at(
        buffer,
        (s_row[ok] * width_px + s_col[ok]).astype(np.int64),
        s_depth[ok].astype(np.float32),
    )
    nearest = buffer.reshape(height_px, width_px)
    empty = np.isinf(nearest)
    nearest[empty] = cv2.erode(nearest, np.ones((3, 3), np.uint8))[empty]
    return DepthBuffer(nearest, pixel_mm)


def project_visible(
    head: HeadModel,
    camera: Camera,
    points_mm: PointsMM,
    width_px: int,
    height_px: int,
    *,
    tolerance_mm: float = OCCLUSION_TOLERANCE_MM,
    depth: DepthBuffer | None = None,
) -> tuple[FloatArray, BoolArray]:
    """Project head-frame points into a photo and tell which the head does not hide.

    Parameters
    ----------
    head : HeadModel
        The head surface (it hides what lies behind it).
    camera : Camera
        The photo's camera (intrinsics and pose relative to the head).
    points_mm : (n, 3) ndarray of float
        Head frame, millimetres (points on or near the surface).
    width_px, height_px : int
        Photo size, pixels.
    tolerance_mm : float, optional
        Depth slack, millimetres.
    depth : DepthBuffer, optional
        This camera's :func:`depth_buffer`, if already made (repeated queries).

    Returns
    -------
    xy_px : (n, 2) ndarray of float
        Image positions, pixels.
    visible : (n,) ndarray of bool
        In front of the camera, inside the photo and not behind the head surface.

    Notes
    -----
    A point is hidden when the buffer is nearer by more than ``tolerance_mm`` plus the
    depth a surface seen at 75° changes over two pixels. Each point's answer does not depend
    on the other points asked about.
    """
    xy, z = camera.project(points_mm)
    col, row = np.floor(xy[:, 0]), np.floor(xy[:, 1])
    inside = (z > 0) & (col >= 0) & (row >= 0) & (col < width_px) & (row < height_px)
    if not inside.any():
        return xy, inside
    if depth is None:
        depth = depth_buffer(head, camera, width_px, height_px)
    r, c = row[inside].astype(np.int64), col[inside].astype(np.int64)
    visible = inside.copy()
    slack = tolerance_mm + 2 * GRAZING_SLOPE * depth.pixel_mm
    visible[inside] = z[inside] <= depth.nearest_mm[r, c] + slack
    return xy, visible
