"""A head fitted to a front photo: the ICT-FaceKit identity basis, posed and shaped.

The head is fitted to the photo's five face points and the head's outline, regularised by
ANSUR II head sizes.

The ICT-FaceKit head (USC ICT, MIT licence; ``head/models/``) is a mean head with 100
identity shape modes over the face and the whole scalp. Its place in the head frame was
found once, as for a scan (``scripts/ict_head_frame.py``). One least-squares problem
(trust-region reflective) adjusts the leading identity coefficients, an overall scale and
the camera pose so that:

- the five points (eye centres, nose tip, mouth corners) project onto the photo's;
- the head's outline in the photo, from its top down to the brows, is matched by the
  outline of the model's scalp — where the outline is hair the model may lie inside it
  (hair has thickness) but not outside;
- the interpupillary distance agrees with the analysis' (measured with a marker, or the
  ANSUR II population mean and spread), the coefficients stay near the mean (unit
  variance), and head breadth, length and height stay near the ANSUR II means.

A single front photo fixes the outline's width and top; the back of the head comes from
the basis and the priors, and its error is what the accuracy study reports.
"""

import dataclasses
import json
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
from smpstudio.head._measure import LOWEST_SECTION_MM
from smpstudio.head._remesh import mark_scalp
from smpstudio.head._sampling import sample_triangles
from smpstudio.head._scan import clean_surface
from smpstudio.head._topology import face_normals_areas

FIT_MODES = 20
"""Identity modes fitted (of 100); the rest stay at the mean."""
COEFFICIENT_SD = 1.0
"""Prior spread of each identity coefficient (the basis' unit)."""
LANDMARK_SD_PER_IPD = 0.03
"""Spread of a landmark's position, as a fraction of the interpupillary distance in px."""
OUTLINE_SD_PER_IPD = 0.03
"""Spread of the outline's position, as a fraction of the interpupillary distance in px."""
OUTLINE_LOWEST_PER_IPD = 0.5
"""The outline is compared down to this many interpupillary distances above the eyes (about
30 mm: above the ears, which the model's outline does not include)."""
POSE_SD_DEG = 4.0
"""Spread of the head pose that Face Mesh's 468 landmarks give (``View.head_pose_deg``); the
five points alone leave the pitch loose by tens of degrees."""
OUTLINE_ROWS = 24
"""Rows of the head's outline compared, from its top to the brows."""
OUTLINE_SAMPLES = 30_000
"""Scalp surface samples whose projection forms the model's outline."""
FACE_OPENING_MM = 200.0
"""Openings of the basis mesh up to this perimeter (eye sockets, mouth) are closed."""
_OUTLINE_BAND_PX = 1.0


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
class HeadFit:
    """How a fitted head matches its photo.

    Parameters
    ----------
    coefficients : (k,) ndarray of float
        Fitted identity coefficients.
    scale : float
        Fitted overall scale.
    landmark_rms_px : float
        RMS reprojection error of the five points, pixels.
    outline_rms_px : float
        RMS distance between the model's and the photo's outline (rows without hair), px.
    head_breadth_mm, head_length_mm, tragion_to_top_mm : float
        Size of the fitted head (vertex extents above the ears), millimetres.
    face_points_mm : (5, 3) ndarray of float
        The fitted head's eye centres, nose tip and mouth corners, head frame millimetres:
        other face photos are registered to them.
    """

    coefficients: FloatArray
    scale: float
    landmark_rms_px: float
    outline_rms_px: float
    head_breadth_mm: float
    head_length_mm: float
    tragion_to_top_mm: float
    face_points_mm: PointsMM


@dataclass(frozen=True, slots=True)
class _Outline:
    rows: FloatArray
    left: FloatArray
    right: FloatArray
    left_is_hair: BoolArray
    right_is_hair: BoolArray
    top: float
    top_is_hair: bool


def _photo_outline(view: View, brow_row: float) -> _Outline:
    """The head's left and right edge on rows from its top down to the brows."""
    region = view.masks["upper_head"]
    hair = view.masks.get("hair", np.zeros_like(region))
    rows_with_head = np.flatnonzero(region.any(axis=1))
    if len(rows_with_head) == 0:
        raise PlanValidationError(f"view '{view.name}': no head outline to fit to")
    top = int(rows_with_head[0])
    rows = np.unique(np.linspace(top + 2, brow_row, OUTLINE_ROWS).round().astype(np.int64))
    rows = rows[region[rows].any(axis=1)]
    if len(rows) < 2:
        raise PlanValidationError(f"view '{view.name}': the head outline is too short to fit")
    left = np.array([np.flatnonzero(region[r])[0] for r in rows], dtype=np.float64)
    right = np.array([np.flatnonzero(region[r])[-1] for r in rows], dtype=np.float64)
    width = view.width_px

    def hairy(r: int, c: int) -> bool:
        lo, hi = max(0, c - 2), min(width, c + 3)
        return bool(hair[r, lo:hi].any())

    top_col = int(np.flatnonzero(region[top]).mean())
    return _Outline(
        rows.astype(np.float64),
        left,
        right,
        np.array([hairy(int(r), int(c)) for r, c in zip(rows, left, strict=True)]),
        np.array([hairy(int(r), int(c)) for r, c in zip(rows, right, strict=True)]),
        float(top),
        hairy(top, top_col),
    )


def _camera_from_head_pose(yaw_deg: float, pitch_deg: float, roll_deg: float) -> FloatArray:
    """Camera-from-head rotation of a head pose (the convention of ``analysis.head_pose``)."""
    y, p, r = np.radians([yaw_deg, -pitch_deg, roll_deg])
    ry = np.array([[np.cos(y), 0, np.sin(y)], [0, 1, 0], [-np.sin(y), 0, np.cos(y)]])
    rx = np.array([[1, 0, 0], [0, np.cos(p), -np.sin(p)], [0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return np.asarray(np.diag([1.0, -1.0, -1.0]) @ ry @ rx @ rz)


def _rotation(rvec: FloatArray) -> FloatArray:
    return np.asarray(cv2.Rodrigues(np.asarray(rvec, dtype=np.float64))[0], dtype=np.float64)


def fit_head_to_front_view(
    view: View,
    *,
    interpupillary_mm: float,
    interpupillary_sd_mm: float,
    sex: Sex = "male",
) -> tuple[HeadModel, View, HeadFit]:
    """Fit the ICT-FaceKit head to a front photo and register the photo to it.

    Parameters
    ----------
    view : View
        An analysed front view (five landmarks, ``upper_head`` mask; ``hair`` if present).
    interpupillary_mm : float
        The client's interpupillary distance, millimetres (measured, or a population mean).
    interpupillary_sd_mm : float
        Its uncertainty, millimetres (small when measured; the ANSUR II SD otherwise).
    sex : {"male", "female"}, optional
        Which ANSUR II head sizes regularise the shape.

    Returns
    -------
    HeadModel
        The fitted head, head frame millimetres, scalp marked (not yet remeshed).
    View
        The view with its camera.
    HeadFit
        Coefficients and residuals.

    Raises
    ------
    PlanValidationError
        If the view has no landmarks or no head outline.
    """
    if view.landmarks_px is None or "upper_head" not in view.masks:
        raise PlanValidationError(f"view '{view.name}' has no face landmarks or head outline")
    basis = ict_identity_basis()
    ansur = ANSUR_MALE if sex == "male" else ANSUR_FEMALE
    observed = np.asarray(view.landmarks_px, dtype=np.float64)
    ipd_px = float(np.linalg.norm(observed[1] - observed[0]))
    f = float(view.focal_px) if view.focal_px is not None else float(view.width_px)
    k_matrix = np.array([[f, 0, view.width_px / 2], [0, f, view.height_px / 2], [0, 0, 1.0]])
    outline = _photo_outline(view, float(observed[:2, 1].mean() - OUTLINE_LOWEST_PER_IPD * ipd_px))

    # the outline down to that row is drawn by the head above the side scalp limit, face
    # included (the forehead's sides are the outline at the temples)
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    _, areas = face_normals_areas(basis.neutral_mm, basis.faces)
    scalp_ids = np.flatnonzero(basis.neutral_mm[basis.faces].mean(axis=1)[:, 1] >= lower)
    rng = np.random.default_rng(0)
    _, chosen = sample_triangles(
        basis.neutral_mm[basis.faces[scalp_ids]], areas[scalp_ids], OUTLINE_SAMPLES, rng=rng
    )
    weights = rng.dirichlet(np.ones(3), OUTLINE_SAMPLES)
    corners = basis.faces[scalp_ids[chosen]]
    sampler = sparse.csr_matrix(
        (weights.ravel(), (np.repeat(np.arange(OUTLINE_SAMPLES), 3), corners.ravel())),
        shape=(OUTLINE_SAMPLES, len(basis.neutral_mm)),
    )
    above = basis.neutral_mm[:, 1] > LOWEST_SECTION_MM
    k = FIT_MODES

    def unpack(x: FloatArray) -> tuple[FloatArray, float, FloatArray, FloatArray]:
        return x[:k], float(np.exp(x[k])), x[k + 1 : k + 4], x[k + 4 : k + 7]

    def project(points: PointsMM, rvec: FloatArray, tvec: FloatArray) -> FloatArray:
        cam = points @ _rotation(rvec).T + tvec
        return np.asarray(cam[:, :2] / cam[:, 2:3] * f + k_matrix[:2, 2])

    expected = None if view.head_pose_deg is None else _camera_from_head_pose(*view.head_pose_deg)
    pose_sd = np.radians(POSE_SD_DEG)
    lm_sd = LANDMARK_SD_PER_IPD * ipd_px
    ol_sd = OUTLINE_SD_PER_IPD * ipd_px

    rows = outline.rows
    half_width = (outline.right - outline.left) / 2

    def outline_residuals(points: PointsMM, rvec: FloatArray, tvec: FloatArray) -> FloatArray:
        xy = project(points, rvec, tvec)
        slot = np.clip(np.searchsorted(rows, xy[:, 1]), 1, len(rows) - 1)
        below = np.abs(xy[:, 1] - rows[slot - 1]) < np.abs(xy[:, 1] - rows[slot])
        row = np.where(below, slot - 1, slot)
        inside = np.abs(xy[:, 1] - rows[row]) <= _OUTLINE_BAND_PX
        m_lo = np.full(len(rows), np.inf)
        m_hi = np.full(len(rows), -np.inf)
        np.minimum.at(m_lo, row[inside], xy[inside, 0])
        np.maximum.at(m_hi, row[inside], xy[inside, 0])
        left = np.where(
            outline.left_is_hair, np.maximum(0.0, outline.left - m_lo), m_lo - outline.left
        )
        right = np.where(
            outline.right_is_hair, np.maximum(0.0, m_hi - outline.right), m_hi - outline.right
        )
        empty = ~np.isfinite(m_lo)  # the model ends above this row
        left[empty], right[empty] = half_width[empty], half_width[empty]
        gap = outline.top - float(xy[:, 1].min())
        top = max(0.0, gap) if outline.top_is_hair else -gap
        return np.concatenate([np.column_stack([left, right]).ravel(), [top]]) / ol_sd

    # only the vertices the residuals read: the outline samples', the five points' and those
    # above the ears (head size)
    five_ids = [i for g in basis.five_point_vertices for i in g]
    needed = np.unique(np.concatenate([sampler.indices, np.flatnonzero(above), five_ids]))
    local = np.full(len(basis.neutral_mm), -1)
    local[needed] = np.arange(len(needed))
    neutral, modes = basis.neutral_mm[needed], basis.modes_mm[:k, needed]
    local_sampler = sparse.csr_matrix(
        (sampler.data, local[sampler.indices], sampler.indptr),
        shape=(OUTLINE_SAMPLES, len(needed)),
    )
    local_five = [local[list(g)] for g in basis.five_point_vertices]
    local_above = local[np.flatnonzero(above)]

    def residuals(x: FloatArray) -> FloatArray:
        beta, scale, rvec, tvec = unpack(x)
        vertices = (neutral + np.tensordot(beta, modes, axes=1)) * scale
        five = np.vstack([vertices[g].mean(axis=0) for g in local_five])
        landmark = (project(five, rvec, tvec) - observed).ravel() / lm_sd
        ipd = (float(np.linalg.norm(five[1] - five[0])) - interpupillary_mm) / interpupillary_sd_mm
        top = vertices[local_above]
        size = [
            (float(np.ptp(top[:, 0])) - ansur.head_breadth_mm) / ansur.head_breadth_sd_mm,
            (float(np.ptp(top[:, 2])) - ansur.head_length_mm) / ansur.head_length_sd_mm,
            (float(top[:, 1].max()) - ansur.tragion_to_top_of_head_mm)
            / ansur.tragion_to_top_of_head_sd_mm,
        ]
        turn = (
            np.zeros(3)
            if expected is None
            else cv2.Rodrigues(_rotation(rvec) @ expected.T)[0].ravel() / pose_sd
        )
        return np.concatenate(
            [
                turn,
                landmark,
                outline_residuals(local_sampler @ vertices, rvec, tvec),
                [ipd],
                size,
                beta / COEFFICIENT_SD,
            ]
        )

    five0 = basis.five_points(basis.neutral_mm)
    ok, rvec0, tvec0 = cv2.solvePnP(five0, observed, k_matrix, None, flags=cv2.SOLVEPNP_SQPNP)
    if not ok:
        raise PlanValidationError(f"view '{view.name}': no camera pose fits the face")
    x0 = np.concatenate([np.zeros(k), [0.0], rvec0.ravel(), tvec0.ravel()])
    solution = least_squares(residuals, x0, method="trf", x_scale="jac", max_nfev=60 * len(x0))
    beta, scale, rvec, tvec = unpack(solution.x)
    vertices = basis.vertices(beta, scale)
    rotation = _rotation(rvec)
    camera = Camera(
        f,
        f,
        view.width_px / 2,
        view.height_px / 2,
        RigidTransform.from_rotation_translation(rotation, tvec, f"camera:{view.name}", "head"),
    )
    miss = project(basis.five_points(vertices), rvec, tvec) - observed
    landmark_rms = float(np.sqrt(np.mean(np.sum(miss**2, axis=1))))
    sides = outline_residuals(sampler @ vertices, rvec, tvec)[:-1] * ol_sd  # left, right per row
    clear = ~np.column_stack([outline.left_is_hair, outline.right_is_hair]).ravel()
    outline_rms = float(np.sqrt(np.mean(sides[clear] ** 2))) if clear.any() else 0.0
    top = vertices[above]
    fit = HeadFit(
        beta,
        scale,
        landmark_rms,
        outline_rms,
        float(np.ptp(top[:, 0])),
        float(np.ptp(top[:, 2])),
        float(top[:, 1].max()),
        basis.five_points(vertices),
    )
    # the basis has no eyeballs or mouth: close those openings so that the head hides
    # what lies behind it (the neck stays open)
    closed, _ = clean_surface(vertices, basis.faces, max_hole_perimeter_mm=FACE_OPENING_MM)
    head = HeadModel(
        vertices_mm=closed.vertices_mm,
        faces=closed.faces,
        scalp_faces=mark_scalp(closed.vertices_mm, closed.faces),
        source=f"ICT-FaceKit head fitted to photo '{view.name}' ({k} identity modes)",
    )
    quality = dict(view.quality) | {"registration_poor": landmark_rms > 0.12 * ipd_px}
    return head, dataclasses.replace(view, camera=camera, quality=quality), fit
