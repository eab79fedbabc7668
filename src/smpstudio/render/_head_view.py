"""An orthographic, shaded view of a head model, optionally with impressions and a curve.

Used for documentation figures, for the studio's 3D overview, and as synthetic top and back
photos in tests (no real top or back photo exists in the data).
"""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, IntArray, PointsMM
from smpstudio.analysis import FULL_FRAME_DIAGONAL_MM
from smpstudio.core import Camera, HeadModel, RigidTransform
from smpstudio.head import (
    DepthBuffer,
    face_normals_areas,
    rasterize_head,
    view_rotation,
)

SKIN_RGB = (0.87, 0.73, 0.63)
"""Base skin colour of the render, linear 0–1 (shaded by a fixed light)."""
EYE_RGB = (0.2, 0.16, 0.14)
"""Colour given to openings the head surrounds (eye sockets of meshes without eyeballs)."""
GEOMETRY_MAX_PIXELS = 1_000_000
"""Largest head-model map made for a photo (larger photos get coarser maps)."""
_LIGHT = np.array([0.35, 0.5, 0.8]) / np.linalg.norm([0.35, 0.5, 0.8])
_DEPTH_SLACK_MM = 1.5


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


def seen_surface(
    head: HeadModel,
    camera: Camera,
    width_px: int,
    height_px: int,
) -> tuple[PointsMM, FloatArray]:
    """The head surface point and normal seen at every pixel of a camera's image.

    Parameters
    ----------
    head : HeadModel
        The mesh, head frame millimetres.
    camera : Camera
        Intrinsics and pose (head frame to camera).
    width_px, height_px : int
        Image size, pixels.

    Returns
    -------
    points_mm : (height_px, width_px, 3) ndarray of float
        The nearest front-facing surface point at each pixel, head frame millimetres; NaN
        where the head does not cover the pixel.
    normals : (height_px, width_px, 3) ndarray of float
        Its face's outward unit normal; NaN likewise.
    """
    geometry = photo_geometry(head, camera, width_px, height_px, max_pixels=None)
    return geometry.points_mm, geometry.normals


@dataclass(frozen=True, slots=True)
class PhotoGeometry:
    """What the head model puts at the pixels of one camera's image.

    For a large photo the maps are made at a reduced size (``depth.scale`` of its pixels per
    image pixel); :meth:`scalp` and :meth:`at` answer at the image's own pixels.

    Parameters
    ----------
    points_mm : (h', w', 3) ndarray of float
        The nearest front-facing surface point, head frame mm; NaN off the head.
    normals : (h', w', 3) ndarray of float
        Its face's outward unit normal; NaN off the head.
    face : (h', w') ndarray of int
        Its face's index in ``head.faces``; -1 off the head.
    depth : DepthBuffer
        Camera-frame depth of those points, for occlusion tests
        (:func:`smpstudio.head.project_visible`).
    image_face : (height_px, width_px) ndarray of int32
        The face seen at each of the image's own pixels (-1 off the head).
    """

    points_mm: PointsMM
    normals: FloatArray
    face: IntArray
    depth: DepthBuffer
    image_face: NDArray[np.int32]

    @property
    def width_px(self) -> int:
        """The image's width, pixels."""
        return int(self.image_face.shape[1])

    @property
    def height_px(self) -> int:
        """The image's height, pixels."""
        return int(self.image_face.shape[0])

    def map_index(self, rows: IntArray, cols: IntArray) -> tuple[IntArray, IntArray]:
        """Row and column in the maps of image pixels (their centres)."""
        h, w = self.face.shape
        return _map_index(rows, self.depth.scale, h), _map_index(cols, self.depth.scale, w)

    def scalp(self, head: HeadModel) -> BoolArray:
        """(height_px, width_px) pixels that show the head's scalp."""
        face = self.image_face
        return np.asarray((face >= 0) & head.scalp_faces[np.maximum(face, 0)])

    def at(self, rows: IntArray, cols: IntArray) -> tuple[PointsMM, FloatArray, IntArray]:
        """Surface point, normal and face seen at image pixels (NaN, NaN, -1 off the head)."""
        r, c = self.map_index(rows, cols)
        return self.points_mm[r, c], self.normals[r, c], self.face[r, c]


def _map_index(index: IntArray, scale: float, size: int) -> IntArray:
    """Index in a map ``scale`` times the image's size of image pixels (centres)."""
    return np.asarray(np.clip(np.floor((index + 0.5) * scale).astype(np.int64), 0, size - 1))


def scaled_camera(camera: Camera, scale: float) -> Camera:
    """The camera of the same photo resized by ``scale`` (pixel centres at integers)."""
    return Camera(
        camera.fx_px * scale,
        camera.fy_px * scale,
        (camera.cx_px + 0.5) * scale - 0.5,
        (camera.cy_px + 0.5) * scale - 0.5,
        camera.camera_from_head,
    )


def photo_geometry(
    head: HeadModel,
    camera: Camera,
    width_px: int,
    height_px: int,
    *,
    max_pixels: int | None = GEOMETRY_MAX_PIXELS,
) -> PhotoGeometry:
    """Z-buffer the head surface through a camera: point, normal and face at every pixel.

    Parameters
    ----------
    head : HeadModel
        The mesh, head frame millimetres.
    camera : Camera
        Intrinsics and pose (head frame to camera).
    width_px, height_px : int
        Image size, pixels.
    max_pixels : int or None, optional
        Largest map made: a larger image gets maps scaled down to this many pixels (the
        surface is smooth at that scale); None for maps at the image's own size.

    Returns
    -------
    PhotoGeometry
    """
    scale = 1.0
    if max_pixels is not None and width_px * height_px > max_pixels:
        scale = float(np.sqrt(max_pixels / (width_px * height_px)))
    w, h = max(1, round(width_px * scale)), max(1, round(height_px * scale))
    cam = camera if scale == 1.0 else scaled_camera(camera, w / width_px)
    points, normals, face, nearest, pixel_mm = _z_buffer(head, cam, w, h)
    depth = DepthBuffer(nearest, pixel_mm, w / width_px if scale != 1.0 else 1.0)
    if scale == 1.0:
        image_face = face.astype(np.int32)
    else:
        r = _map_index(np.arange(height_px), depth.scale, h)
        c = _map_index(np.arange(width_px), depth.scale, w)
        image_face = face[r[:, None], c[None, :]].astype(np.int32)
    return PhotoGeometry(points, normals, face, depth, image_face)


def _z_buffer(
    head: HeadModel, camera: Camera, width_px: int, height_px: int
) -> tuple[PointsMM, FloatArray, IntArray, np.ndarray, float]:
    """Nearest front-facing surface per pixel: points, normals, faces, depths, pixel size."""
    normals_all, _ = face_normals_areas(head.vertices_mm, head.faces)
    _, depth_c = camera.project(head.vertices_mm.mean(axis=0, keepdims=True))
    pixel_mm = abs(float(depth_c[0])) / camera.fx_px
    points, face, nearest = rasterize_head(head, camera, width_px, height_px, normals_all)
    assert points is not None
    normals = np.where((face >= 0)[..., None], normals_all[np.maximum(face, 0)], np.nan)
    return points, normals, face, nearest, pixel_mm


def render_camera_view(
    head: HeadModel,
    camera: Camera,
    width_px: int,
    height_px: int,
    *,
    background_rgb: tuple[int, int, int] = (112, 140, 164),
    skin_rgb: tuple[float, float, float] = SKIN_RGB,
    geometry: PhotoGeometry | None = None,
) -> tuple[ImageRGB, BoolArray]:
    """A perspective render of the head through a camera, shaded like a photo of bare skin.

    Parameters
    ----------
    head : HeadModel
        The mesh, head frame millimetres.
    camera : Camera
        Intrinsics and pose (head frame to camera).
    width_px, height_px : int
        Image size, pixels.
    background_rgb : tuple of int, optional
        A plain studio backdrop.
    skin_rgb : tuple of float, optional
        Skin colour in full light, 0–1 (e.g. the client's, measured on the photos).
    geometry : PhotoGeometry, optional
        This camera's :func:`photo_geometry`, if already made.

    Returns
    -------
    image : (height_px, width_px, 3) ndarray of uint8
        Skin-coloured Lambert shading under a light above and beside the camera.
    covered : (height_px, width_px) ndarray of bool
        Pixels the head covers.

    Notes
    -----
    Used for the accuracy study of the head fit (renders of heads of known shape, seen by
    known cameras), for tests, and for the preview's turntable (the plan on the head model,
    not a photo of the client).
    """
    if geometry is None:
        geometry = photo_geometry(head, camera, width_px, height_px, max_pixels=None)
    if geometry.face.shape != (height_px, width_px):
        raise ValueError("render_camera_view needs a geometry at the image's own size")
    normals = geometry.normals
    covered = np.isfinite(normals[..., 0])
    light = camera.camera_from_head.inverse().apply_to_directions(
        np.array([[0.35, -0.5, -0.8]]) / np.linalg.norm([0.35, -0.5, -0.8])
    )[0]
    lum = 0.3 + 0.7 * np.clip(np.nan_to_num(normals) @ light, 0, 1)
    shade = lum[..., None] * np.array(skin_rgb)
    # openings the head surrounds (the eye sockets of a mesh without eyeballs) look dark
    _, labels = cv2.connectedComponents((~covered).astype(np.uint8), connectivity=4)
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    enclosed = ~covered & ~np.isin(labels, border)
    shade[enclosed] = EYE_RGB
    covered |= enclosed
    image = np.where(covered[..., None], shade * 255, np.array(background_rgb, dtype=np.float64))
    return np.round(image).astype(np.uint8), covered


def studio_camera(
    width_px: int,
    height_px: int,
    *,
    azimuth_deg: float = 0.0,
    elevation_deg: float = 0.0,
    distance_mm: float = 700.0,
    height_mm: float = 40.0,
    focal_35mm: float = 85.0,
) -> Camera:
    """A camera looking at the head from one side, as in a studio photo set.

    Parameters
    ----------
    width_px, height_px : int
        Image size, pixels.
    azimuth_deg, elevation_deg : float, optional
        Direction of the camera from the head (:func:`smpstudio.head.view_rotation`: 0, 0
        in front; azimuth 90 the client's right, 180 behind; elevation 90 above), degrees.
    distance_mm : float, optional
        Distance from the point looked at, millimetres.
    height_mm : float, optional
        Height of the point looked at above the Frankfort horizontal (on the head frame's
        y axis), millimetres.
    focal_35mm : float, optional
        Focal length, 35 mm equivalent.

    Returns
    -------
    Camera
        Image up = head up (for a view from above, the back of the head).

    Examples
    --------
    >>> studio_camera(600, 800).centre_mm.round(6).tolist()
    [0.0, 40.0, 700.0]
    >>> studio_camera(600, 800, azimuth_deg=90).centre_mm.round(6).tolist()
    [-700.0, 40.0, 0.0]
    """
    focal = focal_35mm * float(np.hypot(width_px, height_px)) / FULL_FRAME_DIAGONAL_MM
    rotation = np.diag([1.0, -1.0, -1.0]) @ view_rotation(elevation_deg, azimuth_deg)
    translation = np.array([0.0, 0.0, distance_mm]) - rotation @ np.array([0.0, height_mm, 0.0])
    return Camera(
        focal,
        focal,
        width_px / 2,
        height_px / 2,
        RigidTransform.from_rotation_translation(rotation, translation, "camera:studio", "head"),
    )
