"""Head pose from Face Mesh landmarks, and the view it implies (front, left, right).

Pose comes from perspective-n-point on all 468 Face Mesh points against MediaPipe's
canonical face model (whose axes are the head frame's: x to the client's left, y up, z
forward), with the default portrait focal length. Angles are relative to a frontal view:

- yaw > 0: the client has turned to their left (the face points to the image's right);
- pitch > 0: chin up;
- roll > 0: the client's left side is raised (the head tilts towards their right shoulder).
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import cv2
import numpy as np

from smpstudio._typing import FloatArray
from smpstudio.domain import DEFAULTS

FULL_FRAME_DIAGONAL_MM = 43.27
"""Diagonal of a 36 × 24 mm frame, the reference of 35 mm-equivalent focal lengths."""
FRONT_VIEW_MAX_YAW_DEG = 30.0
"""Largest yaw of a front view; beyond it the photo is a left or right view."""

ViewKind = Literal["front", "left", "right"]


@dataclass(frozen=True, slots=True)
class HeadPose:
    """Head orientation relative to a frontal view, degrees.

    Parameters
    ----------
    yaw_deg, pitch_deg, roll_deg : float
        See the module notes for signs.
    reprojection_rms_px : float
        RMS distance between the landmarks and the posed canonical face, pixels.
    """

    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    reprojection_rms_px: float

    @property
    def view(self) -> ViewKind:
        """``"front"`` within ``FRONT_VIEW_MAX_YAW_DEG``; else the side the camera sees."""
        if abs(self.yaw_deg) <= FRONT_VIEW_MAX_YAW_DEG:
            return "front"
        # turned to their left, the client shows the camera their right side
        return "right" if self.yaw_deg > 0 else "left"


def default_focal_px(width_px: int, height_px: int) -> float:
    """Focal length in pixels of the default portrait lens for a photo of this size.

    Parameters
    ----------
    width_px, height_px : int
        Photo size, pixels.

    Returns
    -------
    float
        ``portrait_focal_length_mm`` (35 mm equivalent) expressed in pixels.

    Examples
    --------
    >>> round(default_focal_px(450, 550), 1)
    1396.0
    """
    diagonal_px = float(np.hypot(width_px, height_px))
    return DEFAULTS["portrait_focal_length_mm"].value * diagonal_px / FULL_FRAME_DIAGONAL_MM


@cache
def _canonical_face_cm() -> FloatArray:
    model = resources.files("smpstudio.analysis").joinpath("models/canonical_face_model.obj")
    rows = [
        [float(v) for v in line.split()[1:4]]
        for line in model.read_text("utf-8").splitlines()
        if line.startswith("v ")
    ]
    return np.asarray(rows[:468], dtype=np.float64)


def canonical_face_mm() -> FloatArray:
    """MediaPipe's canonical face: the mean positions of the 468 Face Mesh landmarks.

    Returns
    -------
    (468, 3) ndarray of float
        Millimetres, in axes that agree with the head frame (x to the client's left, y up,
        z forward); the origin is the model's own, near the middle of the head.

    References
    ----------
    .. [1] google-ai-edge/mediapipe, ``mediapipe/modules/face_geometry/data/
       canonical_face_model.obj`` (Apache-2.0), shipped in ``analysis/models/``.

    Examples
    --------
    >>> face = canonical_face_mm()
    >>> face.shape, bool(face[1, 2] > face[33, 2])  # the nose tip is in front of the eyes
    ((468, 3), True)
    """
    return _canonical_face_cm() * 10.0


def head_pose(
    landmarks_px: FloatArray, width_px: int, height_px: int, *, focal_px: float | None = None
) -> HeadPose:
    """Yaw, pitch and roll of the head from its Face Mesh landmarks.

    Parameters
    ----------
    landmarks_px : (478, 2+) ndarray of float
        Face Mesh landmarks in photo pixels (only the first 468 are used).
    width_px, height_px : int
        Photo size, pixels (principal point at the centre).
    focal_px : float, optional
        Focal length, pixels; default :func:`default_focal_px`.

    Returns
    -------
    HeadPose
        Angles in degrees and the fit's reprojection RMS.

    Notes
    -----
    The rotation R (camera from canonical face) is turned into a frame with y up and z
    towards the camera, M = diag(1, −1, −1)·R, which is the identity for a frontal face.
    With M = R_y(yaw)·R_x(−pitch)·R_z(roll): yaw = atan2(M₀₂, M₂₂), pitch = asin(M₁₂)
    and roll = atan2(M₁₀, M₁₁).
    """
    points = np.ascontiguousarray(landmarks_px[:468, :2], dtype=np.float64)
    model = canonical_face_mm()
    f = default_focal_px(width_px, height_px) if focal_px is None else focal_px
    k = np.array([[f, 0, width_px / 2], [0, f, height_px / 2], [0, 0, 1.0]])
    _, rvec, tvec = cv2.solvePnP(model, points, k, None, flags=cv2.SOLVEPNP_SQPNP)
    rotation = np.asarray(cv2.Rodrigues(rvec)[0], dtype=np.float64)
    projected, _ = cv2.projectPoints(model, rvec, tvec, k, None)
    rms = float(np.sqrt(np.mean(np.sum((projected.reshape(-1, 2) - points) ** 2, axis=1))))
    m = np.diag([1.0, -1.0, -1.0]) @ rotation
    return HeadPose(
        yaw_deg=float(np.degrees(np.arctan2(m[0, 2], m[2, 2]))),
        pitch_deg=float(np.degrees(np.arcsin(np.clip(m[1, 2], -1.0, 1.0)))),
        roll_deg=float(np.degrees(np.arctan2(m[1, 0], m[1, 1]))),
        reprojection_rms_px=rms,
    )
