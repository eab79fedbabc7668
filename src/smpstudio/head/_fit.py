"""A head fitted to a client's photos: the ICT-FaceKit identity basis, posed and shaped.

The head is fitted to a front photo's five face points and head outline, and to the
silhouettes of any other views (sides, back, top), regularised by ANSUR II head sizes.

The ICT-FaceKit head (USC ICT, MIT licence; ``head/models/``) is a mean head with 100
identity shape modes over the face and the whole scalp. Its place in the head frame was
found once, as for a scan (``scripts/ict_head_frame.py``). One least-squares problem
(trust-region reflective) adjusts the leading identity coefficients, an overall scale and
every camera's pose so that:

- the five points (eye centres, nose tip, mouth corners) project onto each face photo's;
- the head's outline in the front photo, from its top down to the brows, is matched by the
  outline of the model's scalp — where the outline is hair the model may lie inside it
  (hair has thickness) but not outside;
- in every other view the model's outline, measured along rays from the head's centre,
  matches the photo's silhouette on the rays where the model's outermost point is on the
  head above the neck (scalp, ears, face above the chin), with a robust (pseudo-Huber) loss;
- the interpupillary distance agrees with the analysis' (measured with a marker, or the
  ANSUR II population mean and spread), the coefficients stay near the mean (unit
  variance), and head breadth, length and height stay near the ANSUR II means.

The front view is fitted first, alone; each other view is then placed by its silhouette
against that head (its declared or classified side gives the starting direction; a top view
tries four turns), and all are refined together, twice, choosing rays and outline samples
again in between. A single front photo fixes the outline's width and top; the back of the
head then comes from the basis and the priors. The spread of the fitted scalp and of the
tragia is stated from the fit's curvature (Laplace approximation).
"""

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import cv2
import numpy as np
from scipy import sparse
from scipy.optimize import least_squares

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import Camera, HeadModel, RigidTransform, View
from smpstudio.domain import ANSUR_FEMALE, ANSUR_MALE, DEFAULTS, Sex
from smpstudio.errors import PlanValidationError
from smpstudio.head._align import view_rotation
from smpstudio.head._measure import LOWEST_SECTION_MM, SECTION_STEP_MM, convex_perimeter_mm
from smpstudio.head._registration import MAX_REPROJECTION_RMS_PX_PER_IPD
from smpstudio.head._remesh import mark_scalp
from smpstudio.head._sampling import sample_triangles
from smpstudio.head._scan import clean_surface
from smpstudio.head._silhouette import (
    OUTLINE_DIRECTIONS,
    head_silhouette,
    outline_directions,
    outline_pixels,
    support_px,
)
from smpstudio.head._topology import face_normals_areas, undirected_edges

FIT_MODES = 20
"""Identity modes fitted (of 100); the rest stay at the mean. Fitting 30 or 40 was tried on
the five heads of ``scripts/head_fit_accuracy.py``: no better on average (mean scalp error
2.8 mm either way from five views), slower, and the real head's result swung by 2 mm with
the solver's details."""
COEFFICIENT_SD = 1.0
"""Prior spread of each identity coefficient (the basis' unit)."""
LANDMARK_SD_PER_IPD = 0.03
"""Spread of a landmark's position, as a fraction of the interpupillary distance in px."""
OUTLINE_SD_PER_IPD = 0.03
"""Spread of the outline's position, as a fraction of the interpupillary distance (about
2 mm at the head)."""
POSE_SD_DEG = 4.0
"""Spread of the head pose that Face Mesh's 468 landmarks give (``View.head_pose_deg``); the
five points alone leave the pitch loose by tens of degrees."""
OUTLINE_SAMPLES = 20_000
"""Surface samples of the whole head whose projection forms the model's outline."""
RIM_BAND_MM = 5.0
"""Samples within this distance of the model's outline (at the head's depth) are projected
while a view is fitted; the others cannot become its outline before the next round."""
SILHOUETTE_HUBER_SD = 3.0
"""Outline misfits beyond this many spreads count linearly, not quadratically (ears, hair
or a shoulder the model does not have)."""
SILHOUETTE_NECK_MM = -30.0
"""Behind the face, the silhouette is compared down to this height (head frame y, mm): the
ears' lobes, not the neck, whose outline the head model does not know."""
SILHOUETTE_FACE_FRONT_MM = 40.0
"""Points this far forward (head frame z, mm) or more are the face."""
SILHOUETTE_CHIN_MM = -80.0
"""The face's outline is compared down to this height (head frame y, mm): above the chin."""
VIEW_DIRECTION_SD_DEG = (15.0,)
"""Spread of the direction a side, back or top photo was taken from about its side's nominal
direction (level and square to the head; a top view from straight above), in the rounds of
the joint fit: tight while the head's shape is still the front view's (a head's silhouette
alone hardly tells a turn of its back or top, and a wrong shape makes a wrong turn fit
better), then looser. Unsourced defaults of the photo protocol."""
FRONT_ROUNDS = 2
"""Fits of the front view alone, choosing its outline's directions and samples again in
between."""
POOR_OUTLINE_SDS = 3.0
"""A view whose outline misfit exceeds this many spreads is flagged ``registration_poor``."""
FACE_OPENING_MM = 200.0
"""Openings of the basis mesh up to this perimeter (eye sockets, mouth) are closed."""
_VIEW_DIRECTIONS_DEG = {
    "left": [(0.0, -90.0, 0.0)],
    "right": [(0.0, 90.0, 0.0)],
    "back": [(0.0, 180.0, 0.0)],
    "front": [(0.0, 0.0, 0.0)],
    "top": [(90.0, 180.0, 0.0)],
}
_VIEW_DIRECTIONS_DEG["top_or_back"] = _VIEW_DIRECTIONS_DEG["top"] + _VIEW_DIRECTIONS_DEG["back"]
_POSE = 6
_TURN_STEP = 1e-6
_PRIOR_STEP = 1e-6

Residuals = Callable[[PointsMM, FloatArray], FloatArray]
"""Residuals (or misfits) of one view from the head's vertices (head frame mm) and the
view's pose (Rodrigues vector, translation mm)."""
Derivatives = Callable[[PointsMM, FloatArray, float], tuple[FloatArray, FloatArray]]
"""Derivatives of a view's residuals with respect to the shape parameters (coefficients,
log scale) and to the view's pose, from the vertices, the pose and the scale."""


@dataclass(frozen=True, slots=True)
class _Terms:
    """One view's residuals, their derivatives, and its misfit in pixels for the report."""

    residuals: Residuals
    derivatives: Derivatives
    report: Residuals

    def __add__(self, other: "_Terms") -> "_Terms":
        def residuals(vertices: PointsMM, pose: FloatArray) -> FloatArray:
            return np.concatenate([self.residuals(vertices, pose), other.residuals(vertices, pose)])

        def derivatives(
            vertices: PointsMM, pose: FloatArray, scale: float
        ) -> tuple[FloatArray, FloatArray]:
            a, b = self.derivatives(vertices, pose, scale), other.derivatives(vertices, pose, scale)
            return np.vstack([a[0], b[0]]), np.vstack([a[1], b[1]])

        return _Terms(residuals, derivatives, other.report)


@dataclass(frozen=True, slots=True)
class IdentityBasis:
    """The ICT-FaceKit head in the head frame with its identity modes.

    Parameters
    ----------
    neutral_mm : (v, 3) ndarray of float
        Mean head, head frame millimetres.
    modes_mm : (k, v, 3) ndarray of float
        Identity modes (change per unit coefficient), millimetres, head frame axes.
    faces : (f, 3) ndarray of int
        Triangles.
    five_point_vertices : tuple of tuple of int
        Vertices averaged into the five registration points.
    """

    neutral_mm: PointsMM
    modes_mm: FloatArray
    faces: IntArray
    five_point_vertices: tuple[tuple[int, ...], ...]

    def vertices(self, coefficients: FloatArray, scale: float = 1.0) -> PointsMM:
        """The head of these identity coefficients, scaled about the head-frame origin."""
        k = len(coefficients)
        shape = self.neutral_mm + np.tensordot(coefficients, self.modes_mm[:k], axes=1)
        return np.asarray(shape * scale)

    def five_points(self, vertices_mm: PointsMM) -> PointsMM:
        """Eye centres, nose tip and mouth corners of a head of this basis."""
        return np.vstack([vertices_mm[list(g)].mean(axis=0) for g in self.five_point_vertices])


@cache
def ict_identity_basis() -> IdentityBasis:
    """Load the shipped ICT-FaceKit basis, placed in the head frame.

    Returns
    -------
    IdentityBasis
        Mean head and 100 modes over the face and head (11,248 vertices).
    """
    folder = resources.files("smpstudio.head").joinpath("models")
    with resources.as_file(folder.joinpath("ict_face_head_identity_basis.npz")) as path:
        data = np.load(path)
        neutral = data["neutral"].astype(np.float64) * 10.0
        deltas = data["identity_deltas"].astype(np.float64) * 10.0
        faces = data["triangles"].astype(np.int64)
    frame = json.loads(folder.joinpath("ict_head_frame.json").read_text("utf-8"))
    matrix = np.asarray(frame["head_from_ict"], dtype=np.float64)
    u, _, vt = np.linalg.svd(matrix[:3, :3])  # undo the rounding of the stored rotation
    rotation = u @ vt
    return IdentityBasis(
        neutral @ rotation.T + matrix[:3, 3],
        deltas @ rotation.T,
        faces,
        tuple(tuple(int(i) for i in g) for g in frame["five_point_vertices"]),
    )


@dataclass(frozen=True, slots=True)
class ViewFit:
    """How the fitted head matches one photo.

    Parameters
    ----------
    name : str
        The view.
    view_kind : str or None
        Its side of the head.
    landmark_rms_px : float or None
        RMS reprojection error of the five face points, pixels; None without a face.
    outline_rms_px : float
        RMS distance between the model's and the photo's outline, pixels (the front view:
        rows without hair; other views: the rays compared).
    outline_rms_mm : float
        The same at the head's distance from the camera, millimetres.
    outline_samples : int
        Outline rows' sides (front view) or rays (other views) compared.
    """

    name: str
    view_kind: str | None
    landmark_rms_px: float | None
    outline_rms_px: float
    outline_rms_mm: float
    outline_samples: int


@dataclass(frozen=True, slots=True)
class HeadFit:
    """How a fitted head matches its photos, and how sure it is.

    Parameters
    ----------
    coefficients : (k,) ndarray of float
        Fitted identity coefficients.
    scale : float
        Fitted overall scale.
    views : tuple of ViewFit
        Residuals per registered photo, the front view first.
    unregistered : tuple of str
        Views that could not be fitted, each with the reason.
    head_breadth_mm, head_length_mm, tragion_to_top_mm : float
        Size of the fitted head (vertex extents above the ears), millimetres.
    face_points_mm : (5, 3) ndarray of float
        The fitted head's eye centres, nose tip and mouth corners, head frame millimetres:
        other face photos are registered to them.
    scalp_sd_mm : tuple of float
        Mean and 95th percentile over the scalp's vertices of the spread of the fitted
        surface along its normal, millimetres (Laplace approximation).
    tragion_sd_mm : float
        Spread of the tragia (the head frame's origin and x axis) relative to the scalp,
        millimetres (RMS over both, 3D).
    frame_rotation_sd_deg : float
        Spread of the head frame's orientation relative to the front camera, degrees.
    """

    coefficients: FloatArray
    scale: float
    views: tuple[ViewFit, ...]
    unregistered: tuple[str, ...]
    head_breadth_mm: float
    head_length_mm: float
    tragion_to_top_mm: float
    face_points_mm: PointsMM
    scalp_sd_mm: tuple[float, float]
    tragion_sd_mm: float
    frame_rotation_sd_deg: float


@dataclass(frozen=True, slots=True)
class _Samples:
    """Points on the basis surface, as rows of barycentric weights over its vertices."""

    sampler: sparse.csr_matrix
    faces: IntArray

    def rows(self, keep: IntArray) -> "_Samples":
        return _Samples(self.sampler[keep], self.faces[keep])

    def mode_shapes(self, basis: IdentityBasis, modes: int) -> FloatArray:
        """How the points move per unit of each identity coefficient, (n, 3, modes) mm."""
        return np.stack([self.sampler @ basis.modes_mm[j] for j in range(modes)], axis=2)


def _shape_derivatives(points: PointsMM, mode_shapes: FloatArray, scale: float) -> FloatArray:
    """Derivatives of points with respect to the coefficients and the log scale, (n, 3, k+1)."""
    return np.concatenate([scale * mode_shapes, points[:, :, None]], axis=2)


def _projection_derivatives(
    points: PointsMM, pose: FloatArray, view: View
) -> tuple[FloatArray, FloatArray]:
    """Derivatives of the pixels of points: by the points (n, 2, 3), by the pose (n, 2, 6)."""
    rotation, d_rotation = cv2.Rodrigues(np.asarray(pose[:3], dtype=np.float64))
    cam = points @ rotation.T + pose[3:]
    f, inverse = _focal_px(view), 1.0 / cam[:, 2]
    by_cam = np.zeros((len(points), 2, 3))
    by_cam[:, 0, 0] = by_cam[:, 1, 1] = f * inverse
    by_cam[:, :, 2] = -f * cam[:, :2] * inverse[:, None] ** 2
    cam_by_turn = np.stack([points @ d_rotation[i].reshape(3, 3).T for i in range(3)], axis=2)
    return by_cam @ rotation, np.concatenate([by_cam @ cam_by_turn, by_cam], axis=2)


def _turn_terms(expected: FloatArray, spread_deg: float, modes: int) -> _Terms:
    """The camera's turn from an expected camera-from-head rotation, in spreads."""
    spread = np.radians(spread_deg)

    def residuals(vertices: PointsMM, pose: FloatArray) -> FloatArray:
        return np.asarray(cv2.Rodrigues(_rotation(pose[:3]) @ expected.T)[0].ravel() / spread)

    def derivatives(
        vertices: PointsMM, pose: FloatArray, scale: float
    ) -> tuple[FloatArray, FloatArray]:
        by_pose = np.zeros((3, _POSE))
        base = residuals(vertices, pose)
        for i in range(3):
            moved = pose.copy()
            moved[i] += _TURN_STEP
            by_pose[:, i] = (residuals(vertices, moved) - base) / _TURN_STEP
        return np.zeros((3, modes + 1)), by_pose

    return _Terms(residuals, derivatives, lambda vertices, pose: np.zeros(0))


def _surface_samples(basis: IdentityBasis, face_ids: IntArray, count: int) -> _Samples:
    _, areas = face_normals_areas(basis.neutral_mm, basis.faces)
    rng = np.random.default_rng(0)
    _, chosen = sample_triangles(
        basis.neutral_mm[basis.faces[face_ids]], areas[face_ids], count, rng=rng
    )
    weights = rng.dirichlet(np.ones(3), count)
    faces = face_ids[chosen]
    sampler = sparse.csr_matrix(
        (weights.ravel(), (np.repeat(np.arange(count), 3), basis.faces[faces].ravel())),
        shape=(count, len(basis.neutral_mm)),
    )
    return _Samples(sampler, faces)


def _camera_from_head_pose(yaw_deg: float, pitch_deg: float, roll_deg: float) -> FloatArray:
    """Camera-from-head rotation of a head pose (the convention of ``analysis.head_pose``)."""
    y, p, r = np.radians([yaw_deg, -pitch_deg, roll_deg])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return np.asarray(np.diag([1.0, -1.0, -1.0]) @ ry @ rx @ rz)


def _rotation(rvec: FloatArray) -> FloatArray:
    return np.asarray(cv2.Rodrigues(np.asarray(rvec, dtype=np.float64))[0], dtype=np.float64)


def _focal_px(view: View) -> float:
    return float(view.focal_px) if view.focal_px is not None else float(view.width_px)


def _project(points: PointsMM, pose: FloatArray, view: View) -> FloatArray:
    """Pixels of head-frame points seen by a camera of this pose (Rodrigues, translation)."""
    cam = points @ _rotation(pose[:3]).T + pose[3:]
    centre = np.array([view.width_px / 2, view.height_px / 2])
    return np.asarray(cam[:, :2] / cam[:, 2:3] * _focal_px(view) + centre)


def _pseudo_huber(r: FloatArray, scale: float) -> FloatArray:
    """Residuals whose squares are the pseudo-Huber loss: quadratic near 0, linear beyond."""
    return np.asarray(np.sign(r) * np.sqrt(2 * scale**2 * (np.sqrt(1 + (r / scale) ** 2) - 1)))


def _face_terms(view: View, basis: IdentityBasis, modes: int) -> _Terms:
    """Five-point reprojection and Face Mesh head pose residuals of a face view."""
    assert view.landmarks_px is not None
    observed = np.asarray(view.landmarks_px, dtype=np.float64)
    lm_sd = LANDMARK_SD_PER_IPD * float(np.linalg.norm(observed[1] - observed[0]))
    rows = np.repeat(np.arange(5), [len(g) for g in basis.five_point_vertices])
    columns = np.concatenate([list(g) for g in basis.five_point_vertices])
    weights = np.concatenate([np.full(len(g), 1 / len(g)) for g in basis.five_point_vertices])
    five = _Samples(
        sparse.csr_matrix((weights, (rows, columns)), shape=(5, len(basis.neutral_mm))),
        np.zeros(5, dtype=np.int64),
    )
    mode_shapes = five.mode_shapes(basis, modes)

    def residuals(vertices: PointsMM, pose: FloatArray) -> FloatArray:
        xy = _project(five.sampler @ vertices, pose, view)
        return np.asarray((xy - observed).ravel() / lm_sd)

    def derivatives(
        vertices: PointsMM, pose: FloatArray, scale: float
    ) -> tuple[FloatArray, FloatArray]:
        points = five.sampler @ vertices
        by_point, by_pose = _projection_derivatives(points, pose, view)
        by_shape = by_point @ _shape_derivatives(points, mode_shapes, scale)
        return by_shape.reshape(10, -1) / lm_sd, by_pose.reshape(10, _POSE) / lm_sd

    landmarks = _Terms(residuals, derivatives, residuals)
    if view.head_pose_deg is None:
        return landmarks
    expected = _camera_from_head_pose(*view.head_pose_deg)
    return _turn_terms(expected, POSE_SD_DEG, modes) + landmarks


def _cap_centre(vertices: PointsMM) -> PointsMM:
    """Centroid of the head's vertices above the side scalp limit (the skull cap)."""
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    return np.asarray(vertices[vertices[:, 1] >= lower].mean(axis=0))


def _on_head(points: PointsMM) -> BoolArray:
    """Points of the head above the neck.

    All above ``SILHOUETTE_NECK_MM``, and the face (in front of ``SILHOUETTE_FACE_FRONT_MM``)
    down to ``SILHOUETTE_CHIN_MM``.
    """
    y, z = points[:, 1], points[:, 2]
    return np.asarray(
        ((y >= SILHOUETTE_NECK_MM) | (z >= SILHOUETTE_FACE_FRONT_MM)) & (y >= SILHOUETTE_CHIN_MM)
    )


@dataclass(frozen=True, slots=True)
class _Photo:
    """What a view's outline is fitted to."""

    view: View
    region: BoolArray
    cut_from_row: int | None
    hair: BoolArray | None
    head_only: bool


def _photo_outline(view: View) -> _Photo:
    """The outline a view is fitted to.

    The silhouette off a plain backdrop; else, for a face view, the upper head (whose lower
    rows the analysis cut at the brows).
    """
    hair = view.masks.get("hair")
    if "background" in view.masks:
        return _Photo(view, head_silhouette(view.masks["background"]), None, hair, True)
    if "upper_head" not in view.masks:
        raise PlanValidationError(
            f"view '{view.name}' has no plain backdrop and no head outline to fit to"
        )
    region = view.masks["upper_head"]
    rows = np.flatnonzero(region.any(axis=1))
    if len(rows) < 3:
        raise PlanValidationError(f"view '{view.name}': the head outline is too short to fit")
    return _Photo(view, region, int(rows[-1]) - 1, hair, False)


def _silhouette_terms(
    photo: _Photo,
    samples: _Samples,
    basis: IdentityBasis,
    modes: int,
    vertices: PointsMM,
    pose: FloatArray,
    sd_mm: float,
    direction: tuple[FloatArray, float] | None,
) -> _Terms | None:
    """Residuals of a view's outline, chosen for the head and pose given.

    Directions count where the photo's farthest outline pixel is not where the photo or
    the analysis cut the head off, and the model's farthest sample is on the head above the
    neck (:func:`_on_head`; for an upper-head region, on the skull cap). Where the photo's
    outline is hair the model may lie inside it but not outside. With ``direction`` (a
    camera-from-head rotation and a spread in degrees) the camera's turn from that rotation
    counts too. None if fewer than a tenth of the directions count (the head is not where
    the pose puts it).
    """
    view = photo.view
    boundary, cut = outline_pixels(photo.region, photo.cut_from_row)
    if len(boundary) < 3:
        return None
    directions = outline_directions()
    rotation = _rotation(pose[:3])
    cap = _cap_centre(vertices)
    depth = float(np.linalg.norm(rotation @ cap + pose[3:]))
    sd_px = sd_mm * _focal_px(view) / depth
    centre_px = _project(cap[None], pose, view)[0]
    points = samples.sampler @ vertices
    xy = _project(points, pose, view)
    photo_reach, photo_at = support_px(boundary, centre_px, directions)
    model_reach, model_at = support_px(xy, centre_px, directions)
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    on_model = _on_head(points[model_at]) if photo.head_only else points[model_at, 1] >= lower
    used = np.flatnonzero(~cut[photo_at] & on_model)
    if len(used) < OUTLINE_DIRECTIONS // 10:
        return None
    # for each direction, the samples that can become the farthest while the fit moves
    margin = RIM_BAND_MM * _focal_px(view) / depth
    candidate, direction_of = np.nonzero(
        ((xy - centre_px) @ directions[used].T >= model_reach[used] - margin).T
    )
    rim_ids, pair_sample = np.unique(direction_of, return_inverse=True)
    rim = samples.rows(rim_ids)
    rim_modes = rim.mode_shapes(basis, modes)
    axes = directions[used]
    pair_axis = axes[candidate]
    starts = np.flatnonzero(np.diff(np.concatenate([[-1], candidate])))
    target = photo_reach[used]
    hairy = np.zeros(len(used), dtype=bool)
    if photo.hair is not None:
        col, row = boundary[photo_at[used]].astype(np.int64).T
        grown = cv2.dilate(photo.hair.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        hairy = grown[row, col]

    def reach(vertices: PointsMM, pose: FloatArray) -> tuple[FloatArray, IntArray]:
        """How far the model reaches in each direction, and which rim sample reaches."""
        xy = _project(rim.sampler @ vertices, pose, view)[pair_sample] - centre_px
        values = np.einsum("ij,ij->i", xy, pair_axis)
        farthest = np.maximum.reduceat(values, starts)
        reaching = np.flatnonzero(values >= farthest[candidate])
        _, first = np.unique(candidate[reaching], return_index=True)
        return farthest, pair_sample[reaching[first]]

    def report(vertices: PointsMM, pose: FloatArray) -> FloatArray:
        return np.asarray(reach(vertices, pose)[0] - target)[~hairy]

    def slopes(miss: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Residuals and their slopes by the misfit (hair one-sided, robust, in spreads)."""
        clipped = hairy & (miss < 0)
        miss = np.where(clipped, 0.0, miss) / sd_px
        residual = _pseudo_huber(miss, SILHOUETTE_HUBER_SD)
        slope = np.ones_like(miss)
        moving = residual != 0
        u = miss[moving] / SILHOUETTE_HUBER_SD
        slope[moving] = (
            SILHOUETTE_HUBER_SD * np.abs(u) / (np.abs(residual[moving]) * np.sqrt(1 + u**2))
        )
        return residual, np.where(clipped, 0.0, slope / sd_px)

    def residuals(vertices: PointsMM, pose: FloatArray) -> FloatArray:
        return slopes(reach(vertices, pose)[0] - target)[0]

    def derivatives(
        vertices: PointsMM, pose: FloatArray, scale: float
    ) -> tuple[FloatArray, FloatArray]:
        farthest, which = reach(vertices, pose)
        points = rim.sampler[which] @ vertices
        by_point, by_pose = _projection_derivatives(points, pose, view)
        by_shape = by_point @ _shape_derivatives(points, rim_modes[which], scale)
        slope = slopes(farthest - target)[1][:, None]
        return (
            slope * np.einsum("ja,jak->jk", axes, by_shape),
            slope * np.einsum("ja,jak->jk", axes, by_pose),
        )

    outline = _Terms(residuals, derivatives, report)
    if direction is None:
        return outline
    return _turn_terms(*direction, modes) + outline


def _tape_points(basis: IdentityBasis) -> tuple[IntArray, IntArray, FloatArray]:
    """Where a tape round the mean head's longest horizontal section crosses its edges.

    Returns each crossing edge's two vertices and the fraction along it, so that the same
    surface points can be found on any head of the basis.
    """
    edges, _, _ = undirected_edges(basis.faces)
    a, b = basis.neutral_mm[edges[:, 0]], basis.neutral_mm[edges[:, 1]]

    def crossing(height: float) -> tuple[BoolArray, FloatArray]:
        on = (a[:, 1] - height) * (b[:, 1] - height) < 0
        return on, (height - a[on, 1]) / (b[on, 1] - a[on, 1])

    def perimeter(height: float) -> float:
        on, t = crossing(height)
        return convex_perimeter_mm((a[on] + t[:, None] * (b[on] - a[on]))[:, [0, 2]])

    heights = np.arange(LOWEST_SECTION_MM, basis.neutral_mm[:, 1].max(), SECTION_STEP_MM)
    on, t = crossing(max((float(h) for h in heights), key=perimeter))
    return edges[on, 0], edges[on, 1], np.asarray(t)


def _size_and_scale_terms(
    basis: IdentityBasis,
    ansur_sex: Sex,
    interpupillary_mm: float,
    interpupillary_sd_mm: float,
    head_circumference_mm: float | None,
) -> tuple[IntArray, Callable[[PointsMM], FloatArray]]:
    """Residuals of the head's size, from the few vertices they read.

    The interpupillary distance, the taped head circumference if one was measured, and the
    ANSUR II head sizes. Returns the vertices read and the residuals of those vertices.
    """
    ansur = ANSUR_MALE if ansur_sex == "male" else ANSUR_FEMALE
    above = np.flatnonzero(basis.neutral_mm[:, 1] > LOWEST_SECTION_MM)
    eye_groups = [list(g) for g in basis.five_point_vertices[:2]]
    tape_a, tape_b, tape_t = _tape_points(basis)
    tape_sd = DEFAULTS["head_circumference_tape_sd_mm"].value
    read = np.unique(np.concatenate([above, *eye_groups, tape_a, tape_b]))
    local = np.full(len(basis.neutral_mm), -1)
    local[read] = np.arange(len(read))
    above, tape_a, tape_b = local[above], local[tape_a], local[tape_b]
    eyes = [local[g] for g in eye_groups]

    def residuals(vertices: PointsMM) -> FloatArray:
        ipd = float(np.linalg.norm(vertices[eyes[1]].mean(axis=0) - vertices[eyes[0]].mean(axis=0)))
        top = vertices[above]
        terms = [
            (ipd - interpupillary_mm) / interpupillary_sd_mm,
            (float(np.ptp(top[:, 0])) - ansur.head_breadth_mm) / ansur.head_breadth_sd_mm,
            (float(np.ptp(top[:, 2])) - ansur.head_length_mm) / ansur.head_length_sd_mm,
            (float(top[:, 1].max()) - ansur.tragion_to_top_of_head_mm)
            / ansur.tragion_to_top_of_head_sd_mm,
        ]
        if head_circumference_mm is not None:
            a, b = vertices[tape_a], vertices[tape_b]
            tape = convex_perimeter_mm((a + tape_t[:, None] * (b - a))[:, [0, 2]])
            terms.append((tape - head_circumference_mm) / tape_sd)
        return np.array(terms)

    return read, residuals


class _Shapes:
    """Vertices of the basis for a parameter vector ``[coefficients, log scale, ...]``."""

    def __init__(self, basis: IdentityBasis, modes: int, ids: IntArray | None = None) -> None:
        chosen = slice(None) if ids is None else ids
        self.modes = modes
        self.neutral = basis.neutral_mm[chosen].ravel()
        self.flat_modes = basis.modes_mm[:modes, chosen].reshape(modes, -1)

    def vertices(self, x: FloatArray) -> PointsMM:
        k = self.modes
        return np.asarray(((self.neutral + x[:k] @ self.flat_modes) * np.exp(x[k])).reshape(-1, 3))


def _solve_jointly(
    shapes: _Shapes,
    priors: tuple[_Shapes, Callable[[PointsMM], FloatArray]],
    views: Sequence[_Terms],
    x0: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Fit shape and every view's pose together; the solution and its Jacobian.

    The views' derivatives are analytic; the priors' (a few numbers, from the vertices
    ``priors[0]`` gives) are forward differences.
    """
    k = shapes.modes
    n_shape = k + 1
    prior_shapes, prior_terms = priors

    def poses(x: FloatArray) -> list[FloatArray]:
        return [x[n_shape + _POSE * i : n_shape + _POSE * (i + 1)] for i in range(len(views))]

    def residuals(x: FloatArray) -> FloatArray:
        vertices = shapes.vertices(x)
        parts = [prior_terms(prior_shapes.vertices(x)), x[:k] / COEFFICIENT_SD]
        parts += [
            terms.residuals(vertices, pose) for terms, pose in zip(views, poses(x), strict=True)
        ]
        return np.concatenate(parts)

    def jacobian(x: FloatArray) -> FloatArray:
        vertices = shapes.vertices(x)
        base = prior_terms(prior_shapes.vertices(x))
        rows = [np.zeros((len(base), len(x))), np.zeros((k, len(x)))]
        for j in range(n_shape):
            moved = x.copy()
            moved[j] += _PRIOR_STEP
            rows[0][:, j] = (prior_terms(prior_shapes.vertices(moved)) - base) / _PRIOR_STEP
        rows[1][:, :k] = np.eye(k) / COEFFICIENT_SD
        scale = float(np.exp(x[k]))
        for i, (terms, pose) in enumerate(zip(views, poses(x), strict=True)):
            by_shape, by_pose = terms.derivatives(vertices, pose, scale)
            block = np.zeros((len(by_shape), len(x)))
            block[:, :n_shape] = by_shape
            block[:, n_shape + _POSE * i : n_shape + _POSE * (i + 1)] = by_pose
            rows.append(block)
        return np.vstack(rows)

    solution = least_squares(
        residuals,
        x0,
        jac=jacobian,
        method="trf",
        x_scale="jac",
        max_nfev=40 * len(x0),
    )
    return np.asarray(solution.x), np.asarray(solution.jac)


def _view_rotation_with_roll(elev_deg: float, azim_deg: float, roll_deg: float) -> FloatArray:
    """Camera-from-head rotation looking at the head from this direction, turned in-image."""
    r = np.radians(roll_deg)
    roll = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return np.asarray(roll @ np.diag([1.0, -1.0, -1.0]) @ view_rotation(elev_deg, azim_deg))


def _centred_on_silhouette(photo: _Photo, points: PointsMM, pose: FloatArray) -> FloatArray:
    """Shift a pose sideways so that the model's top matches the silhouette's top."""
    view, region = photo.view, photo.region
    xy = _project(points, pose, view)
    band = 0.3 * float(np.ptp(xy[:, 1]))
    model_top = float(xy[:, 1].min())
    model_x = float(xy[xy[:, 1] <= model_top + band, 0].mean())
    rows = np.flatnonzero(region.any(axis=1))
    photo_top = float(rows[0])
    photo_x = float(np.nonzero(region[rows[0] : int(photo_top + band) + 1])[1].mean())
    depth = float(pose[5])
    shift = np.array([photo_x - model_x, photo_top - model_top]) * depth / _focal_px(view)
    return np.concatenate([pose[:3], pose[3:5] + shift, pose[5:]])


def _place_by_silhouette(
    photo: _Photo,
    samples: _Samples,
    basis: IdentityBasis,
    modes: int,
    vertices: PointsMM,
    scale: float,
    distance_mm: float,
    sd_mm: float,
) -> tuple[FloatArray, FloatArray] | None:
    """The pose that fits a view's silhouette to this head best, and its nominal direction.

    It starts from its side's direction (a top view tries four turns in the image).
    """
    cap = _cap_centre(vertices)
    points = samples.sampler @ vertices
    best: tuple[float, FloatArray, FloatArray] | None = None
    kind = photo.view.view_kind or ""
    for direction in _VIEW_DIRECTIONS_DEG.get(kind, _VIEW_DIRECTIONS_DEG["top_or_back"]):
        expected = _view_rotation_with_roll(*direction)
        translation = -expected @ cap + np.array([0.0, 0.0, distance_mm])
        pose = np.concatenate([cv2.Rodrigues(expected)[0].ravel(), translation])
        pose = _centred_on_silhouette(photo, points, pose)
        terms = None
        for _ in range(2):
            terms = _silhouette_terms(
                photo,
                samples,
                basis,
                modes,
                vertices,
                pose,
                sd_mm,
                (expected, VIEW_DIRECTION_SD_DEG[0]),
            )
            if terms is None:
                break
            pose = least_squares(
                lambda p, terms=terms: terms.residuals(vertices, p),
                pose,
                jac=lambda p, terms=terms: terms.derivatives(vertices, p, scale)[1],
                method="trf",
                x_scale="jac",
            ).x
        if terms is None:
            continue
        cost = float(np.mean(terms.residuals(vertices, pose) ** 2))
        if best is None or cost < best[0]:
            best = (cost, pose, expected)
    return None if best is None else (best[1], best[2])


def _tragion_vertices(basis: IdentityBasis) -> IntArray:
    """Vertices standing for the tragia.

    The mean head's outermost points near each end of the head frame's x axis (the line
    through the tragia).
    """
    v = basis.neutral_mm
    near_axis = (np.abs(v[:, 1]) < 8.0) & (np.abs(v[:, 2]) < 10.0)
    ids = np.flatnonzero(near_axis)
    return np.array([ids[np.argmin(v[ids, 0])], ids[np.argmax(v[ids, 0])]])


def _uncertainty(
    shapes: _Shapes, basis: IdentityBasis, x: FloatArray, jac: FloatArray, head: HeadModel
) -> tuple[tuple[float, float], float, float]:
    """Spread of the scalp along its normals, of the tragia, and of the front camera's turn."""
    k = shapes.modes
    covariance = np.linalg.pinv(jac.T @ jac)
    shape_cov = covariance[: k + 1, : k + 1]
    vertices = shapes.vertices(x)
    scale = float(np.exp(x[k]))
    scalp = np.unique(head.faces[head.scalp_faces])
    scalp = scalp[scalp < len(vertices)]  # vertices the hole filling added are not the basis'
    normals = np.zeros_like(vertices)
    face_normals, areas = face_normals_areas(vertices, basis.faces)
    for corner in range(3):
        np.add.at(normals, basis.faces[:, corner], face_normals * areas[:, None])
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
    modes = basis.modes_mm[:k]
    along = np.concatenate(
        [
            scale * np.einsum("kij,ij->ik", modes[:, scalp], normals[scalp]),
            np.einsum("ij,ij->i", vertices[scalp], normals[scalp])[:, None],
        ],
        axis=1,
    )
    scalp_sd = np.sqrt(np.maximum(np.einsum("ik,kl,il->i", along, shape_cov, along), 0.0))
    tragia = _tragion_vertices(basis)
    moves = np.concatenate(
        [scale * modes[:, tragia].transpose(1, 2, 0), vertices[tragia][:, :, None]], axis=2
    )
    tragion_var = np.einsum("tck,kl,tcl->t", moves, shape_cov, moves)
    turn_var = float(np.trace(covariance[k + 1 : k + 4, k + 1 : k + 4]))
    return (
        (float(scalp_sd.mean()), float(np.percentile(scalp_sd, 95))),
        float(np.sqrt(tragion_var.mean())),
        float(np.degrees(np.sqrt(max(turn_var, 0.0)))),
    )


def _camera(view: View, pose: FloatArray) -> Camera:
    f = _focal_px(view)
    return Camera(
        f,
        f,
        view.width_px / 2,
        view.height_px / 2,
        RigidTransform.from_rotation_translation(
            _rotation(pose[:3]), pose[3:], f"camera:{view.name}", "head"
        ),
    )


def fit_head_to_views(
    views: Sequence[View],
    *,
    interpupillary_mm: float,
    interpupillary_sd_mm: float,
    head_circumference_mm: float | None = None,
    sex: Sex = "male",
) -> tuple[HeadModel, tuple[View, ...], HeadFit]:
    """Fit the ICT-FaceKit head to a client's photos and register each photo to it.

    Parameters
    ----------
    views : sequence of View
        Analysed views: at least one face view with five landmarks and an ``upper_head``
        mask (the most frontal is the front view); any others (sides, back, top) need a
        ``background`` mask (a plain backdrop) for their silhouette.
    interpupillary_mm : float
        The client's interpupillary distance, millimetres (measured, or a population mean).
    interpupillary_sd_mm : float
        Its uncertainty, millimetres (small when measured; the ANSUR II SD otherwise).
    head_circumference_mm : float, optional
        The client's head circumference measured with a tape above the brows, millimetres
        (uncertainty ``head_circumference_tape_sd_mm``); it fixes the head's size better
        than the face does.
    sex : {"male", "female"}, optional
        Which ANSUR II head sizes regularise the shape.

    Returns
    -------
    HeadModel
        The fitted head, head frame millimetres, scalp marked (not yet remeshed).
    tuple of View
        The views in the order given, each with its camera (None for a view that could not
        be registered: ``HeadFit.unregistered`` says why).
    HeadFit
        Coefficients, residuals per view and the fit's uncertainty.

    Raises
    ------
    PlanValidationError
        If no view has face landmarks and a head outline.
    """
    faces = [v for v in views if v.landmarks_px is not None and "upper_head" in v.masks]
    if not faces:
        raise PlanValidationError(
            "no view has face landmarks and a head outline: the head is fitted to a front photo"
        )
    front = min(faces, key=lambda v: abs(v.head_pose_deg[0]) if v.head_pose_deg else 0.0)
    basis = ict_identity_basis()
    shapes = _Shapes(basis, FIT_MODES)
    k = FIT_MODES
    samples = _surface_samples(basis, np.arange(len(basis.faces)), OUTLINE_SAMPLES)
    read, prior_terms = _size_and_scale_terms(
        basis, sex, interpupillary_mm, interpupillary_sd_mm, head_circumference_mm
    )
    priors = (_Shapes(basis, k, read), prior_terms)
    sd_mm = OUTLINE_SD_PER_IPD * interpupillary_mm
    face_terms = _face_terms(front, basis, k)
    front_photo = _photo_outline(front)

    def front_terms(vertices: PointsMM, pose: FloatArray) -> _Terms:
        outline = _silhouette_terms(front_photo, samples, basis, k, vertices, pose, sd_mm, None)
        if outline is None:
            raise PlanValidationError(
                f"view '{front.name}': the head's outline does not match the face"
            )
        return face_terms + outline

    assert front.landmarks_px is not None
    f = _focal_px(front)
    k_matrix = np.array([[f, 0, front.width_px / 2], [0, f, front.height_px / 2], [0, 0, 1.0]])
    ok, rvec0, tvec0 = cv2.solvePnP(
        basis.five_points(basis.neutral_mm),
        np.asarray(front.landmarks_px, dtype=np.float64),
        k_matrix,
        None,
        flags=cv2.SOLVEPNP_SQPNP,
    )
    if not ok:
        raise PlanValidationError(f"view '{front.name}': no camera pose fits the face")
    x = np.concatenate([np.zeros(k + 1), rvec0.ravel(), tvec0.ravel()])
    for _ in range(FRONT_ROUNDS):
        fitted_terms = [front_terms(shapes.vertices(x), x[k + 1 :])]
        x, jac = _solve_jointly(shapes, priors, fitted_terms, x)

    # the other views: placed against the head the front view gave, then fitted together
    vertices = shapes.vertices(x)
    distance = float(
        np.linalg.norm(_rotation(x[k + 1 : k + 4]) @ _cap_centre(vertices) + x[k + 4 :])
    )
    unregistered: list[str] = []
    others: list[tuple[_Photo, FloatArray]] = []
    poses: list[FloatArray] = []
    for view in views:
        if view is front:
            continue
        if "background" not in view.masks:
            unregistered.append(f"{view.name}: no plain backdrop, so its silhouette is unknown")
            continue
        photo = _photo_outline(view)
        placed = _place_by_silhouette(
            photo, samples, basis, k, vertices, float(np.exp(x[k])), distance, sd_mm
        )
        if placed is None:
            unregistered.append(f"{view.name}: its silhouette does not match the head")
            continue
        others.append((photo, placed[1]))
        poses.append(placed[0])
    for spread_deg in VIEW_DIRECTION_SD_DEG if others else ():
        vertices = shapes.vertices(x)
        fitted_terms = [front_terms(vertices, x[k + 1 : k + 1 + _POSE])]
        kept: list[int] = []
        for i, (photo, expected) in enumerate(others):
            terms = _silhouette_terms(
                photo, samples, basis, k, vertices, poses[i], sd_mm, (expected, spread_deg)
            )
            if terms is None:
                unregistered.append(f"{photo.view.name}: the fit lost its silhouette")
                continue
            fitted_terms.append(terms)
            kept.append(i)
        others = [others[i] for i in kept]
        x0 = np.concatenate([x[: k + 1 + _POSE], *[poses[i] for i in kept]])
        x, jac = _solve_jointly(shapes, priors, fitted_terms, x0)
        poses = [x[k + 1 + _POSE * (i + 1) : k + 1 + _POSE * (i + 2)] for i in range(len(others))]

    vertices = shapes.vertices(x)
    # the basis has no eyeballs or mouth: close those openings so that the head hides
    # what lies behind it (the neck stays open)
    closed, _ = clean_surface(vertices, basis.faces, max_hole_perimeter_mm=FACE_OPENING_MM)
    fitted = [front] + [photo.view for photo, _ in others]
    head = HeadModel(
        vertices_mm=closed.vertices_mm,
        faces=closed.faces,
        scalp_faces=mark_scalp(closed.vertices_mm, closed.faces),
        source=(
            f"ICT-FaceKit head fitted to {len(fitted)} photo(s) "
            f"({', '.join(v.name for v in fitted)}; {k} identity modes)"
        ),
    )
    all_poses = [x[k + 1 : k + 1 + _POSE], *poses]
    miss = _project(basis.five_points(vertices), all_poses[0], front) - front.landmarks_px
    landmark_rms = float(np.sqrt(np.mean(np.sum(miss**2, axis=1))))
    ipd_px = float(np.linalg.norm(front.landmarks_px[1] - front.landmarks_px[0]))
    fits, registered = [], {}
    for view, pose, terms in zip(fitted, all_poses, fitted_terms, strict=True):
        misfit = terms.report(vertices, pose)
        rms_px = float(np.sqrt(np.mean(misfit**2))) if len(misfit) else 0.0
        depth = float(np.linalg.norm(_rotation(pose[:3]) @ _cap_centre(vertices) + pose[3:]))
        rms_mm = rms_px * depth / _focal_px(view)
        landmarks = landmark_rms if view is front else None
        fits.append(ViewFit(view.name, view.view_kind, landmarks, rms_px, rms_mm, len(misfit)))
        poor = rms_mm > POOR_OUTLINE_SDS * sd_mm or (
            landmarks is not None and landmarks > MAX_REPROJECTION_RMS_PX_PER_IPD * ipd_px
        )
        registered[view.name] = dataclasses.replace(
            view,
            camera=_camera(view, pose),
            quality=dict(view.quality) | {"registration_poor": poor},
        )
    scalp_sd, tragion_sd, turn_sd = _uncertainty(shapes, basis, x, jac, head)
    above = vertices[basis.neutral_mm[:, 1] > LOWEST_SECTION_MM]
    fit = HeadFit(
        x[:k],
        float(np.exp(x[k])),
        tuple(fits),
        tuple(unregistered),
        float(np.ptp(above[:, 0])),
        float(np.ptp(above[:, 2])),
        float(above[:, 1].max()),
        basis.five_points(vertices),
        scalp_sd,
        tragion_sd,
        turn_sd,
    )
    return head, tuple(registered.get(v.name, v) for v in views), fit
