"""Register a frontal photo to the head frame from its five face landmarks."""

import dataclasses

import cv2
import numpy as np

from smpstudio._typing import PointsMM
from smpstudio.analysis import default_focal_px
from smpstudio.core import Camera, RigidTransform, View
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError

MAX_REPROJECTION_RMS_PX_PER_IPD = 0.12
"""Largest landmark reprojection RMS, as a fraction of the IPD in pixels, before a
registration is flagged ``registration_poor``."""

# Right eye, left eye, nose tip, right and left mouth corner, relative to the midpoint of the
# eyes, in cm: MediaPipe canonical face model landmarks (33+133)/2, (362+263)/2, 1, 61, 291
# (google-ai-edge/mediapipe canonical_face_model.obj, Apache-2.0). The model's axes agree
# with the head frame (x to the client's left, y up, z forward).
_CANONICAL_FACE_CM = np.array(
    [
        [-3.1511455, 0.0, 0.0],
        [3.1511455, 0.0, 0.0],
        [0.0, -3.751483, 4.009941],
        [-2.456206, -6.967239, 0.818221],
        [2.456206, -6.967239, 0.818221],
    ]
)
_CANONICAL_IPD_CM = 2 * 3.1511455


def face_template_mm(interpupillary_mm: float) -> PointsMM:
    """Head-frame positions of the five face landmarks.

    Parameters
    ----------
    interpupillary_mm : float
        Distance between the pupils, millimetres; scales the canonical face.

    Returns
    -------
    (5, 3) ndarray of float
        Right eye, left eye, nose tip, right and left mouth corner, millimetres, head frame.

    Notes
    -----
    The eye midpoint is placed ``eye_height_above_frankfort_mm`` above the Frankfort
    horizontal and ``eye_forward_of_tragion_mm`` in front of the tragia (unsourced defaults).

    Examples
    --------
    >>> t = face_template_mm(64.0)
    >>> float(t[1, 0] - t[0, 0])
    64.0
    """
    scale = interpupillary_mm / _CANONICAL_IPD_CM
    eyes = np.array(
        [
            0.0,
            DEFAULTS["eye_height_above_frankfort_mm"].value,
            DEFAULTS["eye_forward_of_tragion_mm"].value,
        ]
    )
    template: PointsMM = _CANONICAL_FACE_CM * scale + eyes
    return template


def register_frontal_view(
    view: View, *, interpupillary_mm: float, face_points_mm: PointsMM | None = None
) -> View:
    """Give a frontal view a camera whose pose maps the head frame onto the photo.

    Parameters
    ----------
    view : View
        An analysed view (landmarks in pixels).
    interpupillary_mm : float
        The interpupillary distance used for scale, millimetres.
    face_points_mm : (5, 3) ndarray of float, optional
        The client's own eye centres, nose tip and mouth corners in the head frame (from a
        scan); they replace the scaled population template and fix the scale themselves.

    Returns
    -------
    View
        A copy of ``view`` with ``camera`` set and a ``registration_poor`` quality flag.

    Raises
    ------
    PlanValidationError
        If the view shows no face, or no pose puts the face in front of the camera.

    Notes
    -----
    Perspective-n-point (SQPnP) on the five landmarks against :func:`face_template_mm`,
    with the view's focal length (its EXIF record, else the default portrait lens) and the
    principal point at the image centre.
    """
    if view.landmarks_px is None:
        raise PlanValidationError(
            f"view '{view.name}' shows no face, so it cannot be registered from face landmarks"
        )
    landmarks = view.landmarks_px
    f_px = (
        default_focal_px(view.width_px, view.height_px) if view.focal_px is None else view.focal_px
    )
    k = np.array([[f_px, 0, view.width_px / 2], [0, f_px, view.height_px / 2], [0, 0, 1.0]])
    template = (
        face_template_mm(interpupillary_mm)
        if face_points_mm is None
        else np.asarray(face_points_mm, dtype=np.float64)
    )
    ok, rvec, tvec = cv2.solvePnP(template, landmarks, k, None, flags=cv2.SOLVEPNP_SQPNP)
    if not ok or tvec[2, 0] <= 0:
        raise PlanValidationError(f"view '{view.name}': no camera pose puts the face in front")
    rotation = np.asarray(cv2.Rodrigues(rvec)[0], dtype=np.float64)
    translation = np.asarray(tvec, dtype=np.float64)[:, 0]
    camera = Camera(
        f_px,
        f_px,
        view.width_px / 2,
        view.height_px / 2,
        RigidTransform.from_rotation_translation(
            rotation, translation, f"camera:{view.name}", "head"
        ),
    )
    projected, _ = camera.project(template)
    rms = float(np.sqrt(np.mean(np.sum((projected - landmarks) ** 2, axis=1))))
    ipd_px = float(np.hypot(*(landmarks[1] - landmarks[0])))
    quality = dict(view.quality) | {
        "registration_poor": rms > MAX_REPROJECTION_RMS_PX_PER_IPD * ipd_px
    }
    return dataclasses.replace(view, camera=camera, quality=quality)
