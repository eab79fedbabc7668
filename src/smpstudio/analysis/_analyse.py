"""Photo analysis: one photo in, one ``View`` (without camera) out."""

from pathlib import Path

import numpy as np

from smpstudio._typing import ImageRGB
from smpstudio.analysis._colour import forehead_lab, plain_background_mask
from smpstudio.analysis._face import detect_face
from smpstudio.analysis._quality import quality_flags
from smpstudio.core import View
from smpstudio.domain import ANSUR_FEMALE, ANSUR_MALE, Sex
from smpstudio.errors import NoFaceFoundError


def mm_per_px_from_eyes(landmarks_px: np.ndarray, interpupillary_mm: float) -> float:
    """Scale at the face plane from the distance between the pupils.

    Parameters
    ----------
    landmarks_px : (5, 2) ndarray of float
        Face landmarks, eyes first, pixels.
    interpupillary_mm : float
        The client's interpupillary distance, millimetres (measured, or the ANSUR II mean).

    Returns
    -------
    float
        Millimetres per pixel at the eyes.

    Notes
    -----
    ARTAS planning software scales its head model by the interpupillary distance
    (``domain.md`` §10.1 [Bernstein2014-Sites]).

    Examples
    --------
    >>> mm_per_px_from_eyes(np.array([[100.0, 200], [228, 200], [0, 0], [0, 0], [0, 0]]), 64.0)
    0.5
    """
    return float(interpupillary_mm / np.hypot(*(landmarks_px[1] - landmarks_px[0])))


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
        Selects the ANSUR II mean interpupillary distance when none is given.
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
    face = detect_face(image)
    if face is None:
        raise NoFaceFoundError(Path(image_file))
    ipd_mm = (
        interpupillary_mm
        or (ANSUR_MALE if sex == "male" else ANSUR_FEMALE).interpupillary_breadth_mm
    )
    skin = forehead_lab(image, face.landmarks_px)
    background = plain_background_mask(image)
    masks = {} if background is None else {"background": background}
    return View(
        name=name,
        image_file=image_file,
        image_sha256=image_sha256,
        width_px=image.shape[1],
        height_px=image.shape[0],
        face_box_px=face.box_px,
        landmarks_px=face.landmarks_px,
        mm_per_px=mm_per_px_from_eyes(face.landmarks_px, ipd_mm),
        skin_lab=skin,
        masks=masks,
        quality=quality_flags(
            image, face.box_px, face.landmarks_px, skin[0], background is not None
        ),
    )
