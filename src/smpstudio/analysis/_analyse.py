"""Photo analysis: one photo in, one ``View`` (without camera) out."""

import dataclasses
from pathlib import Path

from smpstudio._typing import ImageRGB
from smpstudio.analysis._colour import forehead_lab, plain_background_mask
from smpstudio.analysis._face import detect_face
from smpstudio.analysis._mesh import face_mesh
from smpstudio.analysis._pose import head_pose
from smpstudio.analysis._quality import quality_flags, quality_metrics
from smpstudio.analysis._scale import combine_scales, scale_from_eyes, scale_from_marker
from smpstudio.core import View
from smpstudio.domain import Sex
from smpstudio.errors import NoFaceFoundError


def analyse_photo(
    image: ImageRGB,
    *,
    name: str,
    image_file: str,
    image_sha256: str,
    sex: Sex = "male",
    interpupillary_mm: float | None = None,
) -> View:
    """Measure one photo: face, scale, skin colour, background mask, quality.

    The scale combines the interpupillary distance with a printed ArUco marker when one
    is in the photo (:func:`combine_scales`).

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        Upright sRGB photo.
    name : str
        View name (unique within the plan).
    image_file : str
        File name, recorded in the view.
    image_sha256 : str
        SHA-256 of the file, recorded in the view.
    sex : {"male", "female"}, optional
        Selects the ANSUR II interpupillary distance when none is given.
    interpupillary_mm : float, optional
        Measured interpupillary distance of the client, millimetres.

    Returns
    -------
    View
        The view, with no camera yet (the head stage registers it).

    Raises
    ------
    NoFaceFoundError
        If no face is found.
    """
    found = detect_face(image)
    if found is None:
        raise NoFaceFoundError(Path(image_file))
    # YuNet finds the face; Face Mesh places the five points (pupils, nose tip, mouth
    # corners) several times more accurately than YuNet's own keypoints.
    mesh = face_mesh(image, found)
    face = dataclasses.replace(found, landmarks_px=mesh.five_points())
    pose = head_pose(mesh.landmarks_px, image.shape[1], image.shape[0])
    estimates = [scale_from_eyes(face.landmarks_px, sex=sex, interpupillary_mm=interpupillary_mm)]
    marker = scale_from_marker(image)
    if marker is not None:
        estimates.append(marker)
    scale = combine_scales(estimates)
    skin, skin_iqr = forehead_lab(image, face.landmarks_px)
    background = plain_background_mask(image)
    masks = {} if background is None else {"background": background}
    metrics = quality_metrics(
        image,
        face.box_px,
        face.landmarks_px,
        mm_per_px=scale.mm_per_px,
        yaw_deg=pose.yaw_deg,
        forehead_lightness=skin[0],
        has_plain_background=background is not None,
    )
    return View(
        name=name,
        image_file=image_file,
        image_sha256=image_sha256,
        width_px=image.shape[1],
        height_px=image.shape[0],
        face_box_px=face.box_px,
        landmarks_px=face.landmarks_px,
        mm_per_px=scale.mm_per_px,
        mm_per_px_relative_sd=scale.relative_sd,
        scale_source=scale.source,
        skin_lab=skin,
        skin_lab_iqr=skin_iqr,
        masks=masks,
        quality=quality_flags(metrics),
        quality_metrics=metrics,
        head_pose_deg=(pose.yaw_deg, pose.pitch_deg, pose.roll_deg),
        view_kind=pose.view,
    )
