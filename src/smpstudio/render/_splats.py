"""Impressions as splats in a photo: centre, foreshortened footprint, visibility.

Pure geometry, testable before any pixel is touched (issue 9, item 1). A dot is a disc of
its healed diameter on the surface; to first order its image is an ellipse
``{c + M·u : |u| ≤ 1}``, where ``M = J·[t₁ t₂]·d/2`` maps the disc's tangent frame through
the Jacobian ``J`` of the camera's projection at the dot. The ellipse's second moment
``Σ = M·Mᵀ / 4`` (that of a uniform disc) is what the compositing needs; its axes are
``d/2·f/z`` across the view ray and ``cos θ`` times that along the tilt, θ the angle between
the surface normal and the ray.
"""

from dataclasses import dataclass

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray
from smpstudio.core import Camera, HeadModel, Pattern
from smpstudio.head import DepthBuffer, project_visible


@dataclass(frozen=True, slots=True)
class Splats:
    """The impressions one photo shows, as columns.

    Parameters
    ----------
    rows : (m,) ndarray of int
        Row of each splat in the pattern.
    centre_px : (m, 2) ndarray of float
        Image position (x right, y down), pixels.
    moment_px2 : (m, 2, 2) ndarray of float
        Second-moment matrix of the footprint, px² (a uniform disc's: ``M·Mᵀ / 4``).
    area_px2 : (m,) ndarray of float
        Footprint area, px² (``π·√det(M·Mᵀ)``).
    cos_view : (m,) ndarray of float
        Cosine of the angle between the surface normal and the ray to the camera.
    """

    rows: IntArray
    centre_px: FloatArray
    moment_px2: FloatArray
    area_px2: FloatArray
    cos_view: FloatArray

    def __len__(self) -> int:
        """Number of splats."""
        return len(self.rows)

    def subset(self, keep: BoolArray | IntArray) -> "Splats":
        """The splats selected by a mask or indices."""
        return Splats(
            self.rows[keep],
            self.centre_px[keep],
            self.moment_px2[keep],
            self.area_px2[keep],
            self.cos_view[keep],
        )

    def joined(self, other: "Splats") -> "Splats":
        """These splats followed by ``other``'s."""
        return Splats(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.centre_px, other.centre_px]),
            np.concatenate([self.moment_px2, other.moment_px2]),
            np.concatenate([self.area_px2, other.area_px2]),
            np.concatenate([self.cos_view, other.cos_view]),
        )

    def axes_px(self) -> FloatArray:
        """(m, 2) semi-major and semi-minor axes of each footprint, pixels."""
        eig = np.linalg.eigvalsh(self.moment_px2)
        return np.asarray(2.0 * np.sqrt(np.maximum(eig[:, ::-1], 0.0)))


def _tangent_frames(normals: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Two unit tangents per normal, completing a right-handed frame."""
    helper = np.where(np.abs(normals[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    t1 = np.cross(normals, helper)
    t1 /= np.linalg.norm(t1, axis=1)[:, None]
    return t1, np.cross(normals, t1)


def footprint_matrices(
    camera: Camera, points_mm: FloatArray, normals: FloatArray, diameter_mm: FloatArray
) -> FloatArray:
    """(n, 2, 2) matrices mapping the unit disc to each dot's image ellipse (about its centre).

    Parameters
    ----------
    camera : Camera
        The photo's camera.
    points_mm, normals : (n, 3) ndarray of float
        Dot centres (head frame, mm) and outward unit normals.
    diameter_mm : (n,) ndarray of float
        Dot diameters, mm.

    Returns
    -------
    (n, 2, 2) ndarray of float
        ``M = J·[t₁ t₂]·d/2``, pixels per unit disc radius.
    """
    rotation = camera.camera_from_head.matrix[:3, :3]
    cam = camera.camera_from_head.apply(points_mm)
    z = cam[:, 2]
    # d(x_px, y_px)/d(camera point): f/z · [[1, 0, −x/z], [0, 1, −y/z]]
    jac = np.zeros((len(z), 2, 3))
    jac[:, 0, 0] = camera.fx_px / z
    jac[:, 0, 2] = -camera.fx_px * cam[:, 0] / z**2
    jac[:, 1, 1] = camera.fy_px / z
    jac[:, 1, 2] = -camera.fy_px * cam[:, 1] / z**2
    t1, t2 = _tangent_frames(normals)
    tangents = np.stack([t1, t2], axis=2) * (diameter_mm / 2)[:, None, None]
    return np.asarray(jac @ (rotation @ tangents))


def project_splats(
    head: HeadModel,
    camera: Camera,
    pattern: Pattern,
    width_px: int,
    height_px: int,
    *,
    background: BoolArray | None = None,
    depth: DepthBuffer | None = None,
) -> Splats:
    """The splats of the impressions a photo shows.

    Parameters
    ----------
    head : HeadModel
        The surface (it hides what lies behind it).
    camera : Camera
        The photo's camera.
    pattern : Pattern
        The impressions (filter rows first for one session).
    width_px, height_px : int
        Photo size.
    background : (h, w) ndarray of bool, optional
        The photo's background mask: no splat on it.
    depth : DepthBuffer, optional
        The camera's depth buffer, if already made (:func:`smpstudio.head.depth_buffer`).

    Returns
    -------
    Splats
        One per impression that is in front of the camera, inside the photo, not hidden by
        the head, facing the camera and not on the background.
    """
    xy, visible = project_visible(
        head, camera, pattern.positions_mm, width_px, height_px, depth=depth
    )
    to_camera = camera.centre_mm - pattern.positions_mm
    cos_view = np.einsum("ij,ij->i", pattern.normals, to_camera) / np.linalg.norm(to_camera, axis=1)
    keep = visible & (cos_view > 0)
    if background is not None:
        col = np.clip(np.floor(xy[:, 0] + 0.5), 0, width_px - 1).astype(np.int64)
        row = np.clip(np.floor(xy[:, 1] + 0.5), 0, height_px - 1).astype(np.int64)
        keep &= ~background[row, col]
    rows = np.flatnonzero(keep)
    m = footprint_matrices(
        camera, pattern.positions_mm[rows], pattern.normals[rows], pattern.dot_diameter_mm[rows]
    )
    moment = m @ np.transpose(m, (0, 2, 1)) / 4.0
    area = np.pi * np.abs(np.linalg.det(m))
    return Splats(rows, xy[rows], moment, area, cos_view[rows])
