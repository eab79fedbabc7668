"""Put a scan into the head frame: from three picked points, or from the face in a render.

Automatic alignment renders the scan along each of its six axis directions, finds the face
with the photo analysis' own detector in each render (turned by 0, 90, 180 and 270°), reads
Face Mesh landmarks on the best one, lifts them onto the scan through the render's depth,
and fits MediaPipe's canonical face to them (rotation, translation and scale). The canonical
face's axes are the head frame's; its origin is placed from the eyes with the same defaults
as photo registration (``eye_height_above_frankfort_mm``, ``eye_forward_of_tragion_mm``).
"""

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, IntArray, PointsMM
from smpstudio.analysis import canonical_face_mm, detect_face, face_mesh
from smpstudio.core import RigidTransform
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head._topology import face_normals_areas

ALIGNMENT_RENDER_PX = 512
"""Side of the square renders searched for a face and read for its landmarks, pixels (at
256 pixels the detector missed the Lee Perry-Smith face in some turns of the scan)."""
SAMPLES_PER_PIXEL = 2.0
"""Surface samples drawn per pixel area (at the scale of the scan's middle bounding-box side
across a render), so that the splats leave few pinholes."""
FIT_TRIM_FRACTION = 0.2
"""Share of landmarks with the largest residuals left out of the final similarity fit
(contour points lifted at grazing angles land on the wrong surface)."""
FACE_SCALE_RANGE = (0.75, 1.35)
"""Accepted size of the scan's face relative to the canonical face; outside it the
scan is not an adult head in millimetres."""
REFINEMENT_VIEWS = 4
"""Renders straight at the face found, each refitting the face. A face seen obliquely in the
first, axis-aligned render gives landmarks that are off by several degrees; over six random
turns of the Lee Perry-Smith scan, two refits left up to 2.9° between alignments, four
left 1.1°."""
SETTLED_TURN_DEG = 2.0
"""The last refit may turn the view by at most this much; more and the refinement has not
settled (as when it starts from a profile, each refit turning it a little further)."""
MAX_REFINEMENT_VIEWS = 10
"""Refits from one face found before it is given up for the next face found."""
MAX_FACE_CANDIDATES = 3
"""Faces found in the axis renders that are refined, best score first, before giving up."""
_EYE_LANDMARKS = ((33, 133), (362, 263))
FIVE_POINT_LANDMARKS = ((33, 133), (362, 263), (1,), (61,), (291,))
"""Face Mesh landmarks averaged into the five registration points: the corners of the
client's right and left eye (their midpoints stand for the pupils), the nose tip and the
right and left mouth corner."""
_SKIN = np.array([0.87, 0.73, 0.63])


@dataclass(frozen=True, slots=True)
class FaceAlignment:
    """The head frame found from the face in a render of a scan.

    Parameters
    ----------
    head_from_scan : RigidTransform
        Maps scan millimetres to the head frame.
    face_scale : float
        Size of the scan's face relative to MediaPipe's canonical face (1 = the same).
    residual_mm : float
        RMS distance between the kept lifted landmarks and the fitted canonical face,
        millimetres.
    face_points_mm : (5, 3) ndarray of float
        The scan's eye centres (mean of each eye's corners), nose tip and mouth corners,
        head frame millimetres, in the order of :func:`face_template_mm`: photos are
        registered to the scan with them.
    landmarks_mm : (468, 3) ndarray of float
        Every Face Mesh landmark lifted onto the scan (the fitted canonical face where a
        landmark missed the surface), head frame millimetres.
    render : (h, w, 3) ndarray of uint8
        The render in which the face was found (for the report).
    """

    head_from_scan: RigidTransform
    face_scale: float
    residual_mm: float
    face_points_mm: PointsMM
    landmarks_mm: PointsMM
    render: ImageRGB


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


def head_frame_from_points(
    right_tragion_mm: FloatArray, left_tragion_mm: FloatArray, orbitale_mm: FloatArray
) -> RigidTransform:
    """The head frame from three points picked on a scan.

    Parameters
    ----------
    right_tragion_mm, left_tragion_mm : (3,) ndarray of float
        The client's right and left tragion, scan millimetres.
    orbitale_mm : (3,) ndarray of float
        An orbitale (lowest point of an eye socket's rim), scan millimetres.

    Returns
    -------
    RigidTransform
        ``head_from_scan``: origin midway between the tragia, +x towards the left tragion,
        +z forward in the Frankfort plane through the three points, +y up.

    Raises
    ------
    PlanValidationError
        If the points are (nearly) collinear or the tragia coincide.

    Examples
    --------
    >>> t = head_frame_from_points(np.array([-75.0, 0, 0]), np.array([75.0, 0, 0]),
    ...                            np.array([-30.0, 0, 80]))
    >>> t.apply(np.array([[0.0, 10, 0]])).round(6).tolist()
    [[0.0, 10.0, 0.0]]
    """
    right, left, orbitale = (
        np.asarray(p, dtype=np.float64) for p in (right_tragion_mm, left_tragion_mm, orbitale_mm)
    )
    origin = (right + left) / 2
    x = left - right
    if np.linalg.norm(x) < 1.0:
        raise PlanValidationError("the two tragia picked are less than 1 mm apart")
    x /= np.linalg.norm(x)
    forward = orbitale - origin
    z = forward - (forward @ x) * x
    if np.linalg.norm(z) < 0.1 * np.linalg.norm(forward) or np.linalg.norm(z) < 1.0:
        raise PlanValidationError("the orbitale picked lies on the line through the tragia")
    z /= np.linalg.norm(z)
    rotation = np.vstack([x, np.cross(z, x), z])
    return RigidTransform.from_rotation_translation(rotation, -rotation @ origin, "head", "scan")


def _axis_rotations() -> list[FloatArray]:
    """The six rotations that look at the scan along ±x, ±y and ±z (image up arbitrary)."""
    out = []
    for axis in range(3):
        for sign in (1.0, -1.0):
            z = np.zeros(3)
            z[axis] = sign
            up = np.zeros(3)
            up[(axis + 1) % 3] = 1.0
            out.append(np.vstack([np.cross(up, z), up, z]))
    return out


def surface_samples(
    vertices_mm: PointsMM, faces: IntArray, count: int, *, seed: int = 0
) -> tuple[PointsMM, FloatArray]:
    """Uniform random points on a mesh with the unit normal of the face each lies on.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices, outward winding.
    count : int
        Number of points.
    seed : int, optional
        Seed of the sampling (the result is deterministic).

    Returns
    -------
    points_mm : (count, 3) ndarray of float
        Millimetres, grouped by face.
    normals : (count, 3) ndarray of float
        Outward unit normals.
    """
    normal, area = face_normals_areas(vertices_mm, faces)
    rng = np.random.default_rng(seed)
    # independent draws counted per face are multinomial: drawing the counts directly
    # gives the same distribution, grouped by face, without a search per point
    face = np.repeat(np.arange(len(area)), rng.multinomial(count, area / area.sum()))
    u, v = rng.random(count), rng.random(count)
    flip = u + v > 1
    u, v = np.where(flip, 1 - u, u), np.where(flip, 1 - v, v)
    a = vertices_mm[faces[face, 0]]
    points = a + u[:, None] * (vertices_mm[faces[face, 1]] - a)
    points += v[:, None] * (vertices_mm[faces[face, 2]] - a)
    return points, normal[face]


def splat_pinholes(covered: BoolArray) -> tuple[BoolArray, IntArray, IntArray]:
    """Pixels a splat render missed inside the surface, and the covered pixel nearest each.

    Parameters
    ----------
    covered : (h, w) ndarray of bool
        Pixels some sample reached.

    Returns
    -------
    holes : (h, w) ndarray of bool
        Uncovered pixels that a 3 × 3 closing of ``covered`` fills.
    near_row, near_col : (k,) ndarray of int
        For each hole (in ``holes`` order), the nearest covered pixel to copy from.

    Examples
    --------
    >>> covered = np.ones((3, 3), dtype=bool)
    >>> covered[1, 1] = False
    >>> holes, rows, cols = splat_pinholes(covered)
    >>> int(holes.sum()), bool(covered[rows[0], cols[0]])
    (1, True)
    """
    kernel = np.ones((3, 3), np.uint8)
    closed = cv2.morphologyEx(covered.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
    holes = closed & ~covered
    _, (near_row, near_col) = ndimage.distance_transform_edt(~covered, return_indices=True)
    return holes, near_row[holes].astype(np.int64), near_col[holes].astype(np.int64)


def splat_render(
    points_mm: PointsMM,
    normals: FloatArray,
    rotation: FloatArray,
    size_px: int,
    *,
    field_mm: float | None = None,
) -> tuple[ImageRGB, FloatArray]:
    """Orthographic, head-lit render of a surface given as dense samples.

    Parameters
    ----------
    points_mm, normals : (n, 3) ndarray of float
        Surface samples (millimetres) and their outward unit normals, e.g. from
        :func:`surface_samples` at ``SAMPLES_PER_PIXEL`` per pixel.
    rotation : (3, 3) ndarray of float
        From mesh axes to view axes (x right, y up, z towards the viewer).
    size_px : int
        Side of the square image.
    field_mm : float, optional
        Side of the square field of view, millimetres, centred on the samples' centroid
        (the same framing from every direction); by default the view's bounding box fills
        the image.

    Returns
    -------
    image : (size_px, size_px, 3) ndarray of uint8
        Skin-coloured Lambert shading under a light at the viewer, white background;
        pinholes between samples are filled from their neighbours.
    points_mm : (size_px, size_px, 3) ndarray of float
        The surface point (mesh axes) seen at each pixel; NaN on the background.
    """
    facing_z = normals @ rotation[2]
    front = facing_z > 0
    seen_points = points_mm[front]
    p = seen_points @ rotation.T
    lum = 0.25 + 0.75 * facing_z[front]
    if field_mm is None:
        low, high = p[:, :2].min(axis=0), p[:, :2].max(axis=0)
        scale = 0.96 * size_px / float((high - low).max())
        centre = (low + high) / 2
    else:
        scale = size_px / field_mm
        centre = (points_mm.mean(axis=0) @ rotation.T)[:2]
    col = np.clip(((p[:, 0] - centre[0]) * scale + size_px / 2).astype(np.int64), 0, size_px - 1)
    row = np.clip((size_px / 2 - (p[:, 1] - centre[1]) * scale).astype(np.int64), 0, size_px - 1)
    pixel = row * size_px + col
    nearest = np.full(size_px * size_px, -np.inf)
    np.maximum.at(nearest, pixel, p[:, 2])
    won = np.flatnonzero(p[:, 2] >= nearest[pixel])
    shade = np.ones((size_px * size_px, 3))
    shade[pixel[won]] = lum[won, None] * _SKIN
    flat_points = np.full((size_px * size_px, 3), np.nan)
    flat_points[pixel[won]] = seen_points[won]
    shade_map = shade.reshape(size_px, size_px, 3)
    seen = flat_points.reshape(size_px, size_px, 3)
    holes, near_row, near_col = splat_pinholes(np.isfinite(seen[..., 0]))
    shade_map[holes] = shade_map[near_row, near_col]
    seen[holes] = seen[near_row, near_col]
    return np.round(shade_map * 255).astype(np.uint8), seen


def _similarity(source: PointsMM, target: PointsMM) -> tuple[FloatArray, float, FloatArray]:
    """Umeyama's least-squares rotation, scale and translation taking source onto target."""
    ms, mt = source.mean(axis=0), target.mean(axis=0)
    s, t = source - ms, target - mt
    u, d, vt = np.linalg.svd(t.T @ s / len(s))
    sign = np.diag([1.0, 1.0, np.sign(np.linalg.det(u @ vt))])
    rotation = u @ sign @ vt
    scale = float(np.trace(np.diag(d) @ sign) / (s**2).sum(axis=1).mean())
    return rotation, scale, mt - scale * rotation @ ms


def _refine_face_view(
    samples: tuple[PointsMM, FloatArray], view: FloatArray, canonical: PointsMM
) -> tuple[ImageRGB, FloatArray, float, FloatArray, PointsMM, FloatArray, BoolArray] | None:
    """Render straight at the face and refit it, ``REFINEMENT_VIEWS`` times or until settled.

    Returns the last render, the canonical face's similarity (rotation, scale, shift), the
    lifted landmarks, their residuals and the kept ones — or None if the face is lost, or
    every refit after the ``REFINEMENT_VIEWS``-th, up to ``MAX_REFINEMENT_VIEWS``, still
    turns the view by more than ``SETTLED_TURN_DEG``.
    """
    for refit in range(MAX_REFINEMENT_VIEWS):
        image, points = splat_render(*samples, view, ALIGNMENT_RENDER_PX)
        detection = detect_face(image)
        if detection is None:
            return None
        marks = face_mesh(image, detection).landmarks_px[:468, :2]
        rows = np.clip(np.round(marks[:, 1]).astype(np.int64), 0, ALIGNMENT_RENDER_PX - 1)
        cols = np.clip(np.round(marks[:, 0]).astype(np.int64), 0, ALIGNMENT_RENDER_PX - 1)
        lifted = points[rows, cols]
        keep = np.isfinite(lifted).all(axis=1)
        for _ in range(2):
            rotation, scale, shift = _similarity(canonical[keep], lifted[keep])
            residual = np.linalg.norm(canonical @ (scale * rotation).T + shift - lifted, axis=1)
            residual[~np.isfinite(residual)] = np.inf
            keep = residual <= np.quantile(residual[np.isfinite(residual)], 1 - FIT_TRIM_FRACTION)
        cosine = (np.trace(rotation.T @ view.T) - 1) / 2  # the turn from the old view to the new
        turn_deg = float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
        view = rotation.T  # scan axes to the face's axes: a frontal view
        if refit + 1 >= REFINEMENT_VIEWS and turn_deg <= SETTLED_TURN_DEG:
            return image, rotation, scale, shift, lifted, residual, np.asarray(keep)
    return None


def align_scan_by_face(vertices_mm: PointsMM, faces: IntArray) -> FaceAlignment:
    """Find the head frame of a scan from the face seen in renders of it.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        The scan surface, millimetres, in any orientation.
    faces : (f, 3) ndarray of int
        Vertex indices, outward winding.

    Returns
    -------
    FaceAlignment
        The head frame and how well the face fitted.

    Raises
    ------
    PlanValidationError
        If no render shows a face, or the face found has no plausible adult size.
    """
    middle_side = float(np.sort(np.ptp(vertices_mm, axis=0))[1])
    area = float(face_normals_areas(vertices_mm, faces)[1].sum())
    pixel_mm = middle_side / ALIGNMENT_RENDER_PX
    samples = surface_samples(vertices_mm, faces, int(SAMPLES_PER_PIXEL * area / pixel_mm**2))
    candidates: list[tuple[float, FloatArray]] = []
    for rotation in _axis_rotations():
        image, _ = splat_render(*samples, rotation, ALIGNMENT_RENDER_PX)
        for quarter in range(4):
            found = detect_face(np.ascontiguousarray(np.rot90(image, quarter)))
            if found is not None:
                # turning the image by a quarter turns the view about its z axis
                c, s = np.cos(np.pi / 2 * quarter), np.sin(np.pi / 2 * quarter)
                turn = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]])
                candidates.append((found.score, turn @ rotation))
    if not candidates:
        raise PlanValidationError(
            "no face was found in renders of the scan from any of its six axis directions: it "
            "may not be a head, or the face is missing; pick the tragia and an orbitale instead"
        )
    canonical = canonical_face_mm()
    # a profile can outscore a face turned 45° in its render: refine from each face found,
    # best first, until one converges looking straight at the face
    candidates.sort(key=lambda candidate: -candidate[0])
    for _, view in candidates[:MAX_FACE_CANDIDATES]:
        refined = _refine_face_view(samples, view, canonical)
        if refined is not None:
            break
    else:
        raise PlanValidationError(
            "the face found in renders of the scan was lost, or never settled, when looked "
            "at straight; the scan may not hold a whole face: pick the tragia and an orbitale"
        )
    image, rotation, scale, shift, lifted, residual, keep = refined
    rms = float(np.sqrt(np.mean(residual[keep] ** 2)))
    low, high = FACE_SCALE_RANGE
    if not low <= scale <= high:
        raise PlanValidationError(
            f"the face found in the scan is {scale:.2f}× the size of an average adult face "
            f"(accepted {low}–{high}); check the scan's unit"
        )
    eyes = canonical[list(_EYE_LANDMARKS[0] + _EYE_LANDMARKS[1])].mean(axis=0) * scale
    offset = np.array(
        [
            0.0,
            DEFAULTS["eye_height_above_frankfort_mm"].value,
            DEFAULTS["eye_forward_of_tragion_mm"].value,
        ]
    )
    # scan = R (scale · c) + shift; head = (c · scale) − eyes + offset
    head_rotation = rotation.T
    translation = -head_rotation @ shift - eyes + offset
    transform = RigidTransform.from_rotation_translation(head_rotation, translation, "head", "scan")
    fitted = canonical @ (scale * rotation).T + shift
    landmarks = transform.apply(np.where(np.isfinite(lifted), lifted, fitted))
    five = np.vstack([landmarks[list(group)].mean(axis=0) for group in FIVE_POINT_LANDMARKS])
    return FaceAlignment(transform, scale, rms, five, landmarks, image)
