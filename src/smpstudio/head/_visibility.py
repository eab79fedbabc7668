"""Head-frame points seen in a photo: projection through its camera, hidden by the head."""

from dataclasses import dataclass

import numpy as np

from smpstudio._typing import BoolArray, Float32Array, FloatArray, PointsMM
from smpstudio.core import Camera, HeadModel
from smpstudio.head._raster import rasterize_head

OCCLUSION_TOLERANCE_MM = 1.5
"""A point is hidden when the head surface lies more than this in front of it."""
GRAZING_SLOPE = float(np.tan(np.radians(75.0)))
"""Depth change per unit of image distance on a surface seen 75° from its normal: the
nearest sample in a pixel may lie this many pixel widths nearer than a point of the same
surface."""


@dataclass(frozen=True, slots=True)
class DepthBuffer:
    """The head's nearest depth at every pixel of one camera's image.

    Parameters
    ----------
    nearest_mm : (h', w') ndarray of float32
        Camera-frame depth of the nearest head surface, mm (inf where none).
    pixel_mm : float
        Width of one of the buffer's pixels at the head's distance, mm.
    scale : float, optional
        The buffer's pixels per image pixel (1: the image's own size; below 1 a coarser
        buffer of a large photo).
    """

    nearest_mm: Float32Array
    pixel_mm: float
    scale: float = 1.0


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
        The nearest front-facing triangle at each pixel's centre (:func:`rasterize_head`).
    """
    _, centre = camera.project(head.vertices_mm.mean(axis=0, keepdims=True))
    pixel_mm = abs(float(centre[0])) / camera.fx_px
    _, _, nearest = rasterize_head(
        head, camera, width_px, height_px, head.face_normals, with_points=False
    )
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
    col, row = np.floor(xy[:, 0] + 0.5), np.floor(xy[:, 1] + 0.5)  # pixel centres at integers
    inside = (z > 0) & (col >= 0) & (row >= 0) & (col < width_px) & (row < height_px)
    if not inside.any():
        return xy, inside
    if depth is None:
        depth = depth_buffer(head, camera, width_px, height_px)
    h, w = depth.nearest_mm.shape
    # the buffer's camera is this one resized by ``scale``; pixel centres at integers
    r = np.floor((xy[inside, 1] + 0.5) * depth.scale).astype(np.int64)
    c = np.floor((xy[inside, 0] + 0.5) * depth.scale).astype(np.int64)
    r, c = np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)
    visible = inside.copy()
    slack = tolerance_mm + 2 * GRAZING_SLOPE * depth.pixel_mm
    visible[inside] = z[inside] <= depth.nearest_mm[r, c] + slack
    return xy, visible
