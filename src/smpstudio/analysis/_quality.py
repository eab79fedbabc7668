"""Photo-quality flags: each is True where the problem is present."""

import cv2
import numpy as np

from smpstudio._typing import FloatArray, ImageRGB

MIN_IPD_PX = 60.0
"""Smallest interpupillary distance in pixels before a photo counts as low-resolution."""
MIN_SHARPNESS = 40.0
"""Smallest variance of the Laplacian inside the face box before a photo counts as blurred."""
MAX_ROLL_DEG = 10.0
"""Largest tilt of the eye line before the face counts as tilted."""
MAX_CLIPPED_FRACTION = 0.05
"""Largest share of clipped (255) face pixels before a photo counts as overexposed."""
MIN_FACE_LIGHTNESS = 15.0
"""Smallest median L* of the forehead before a photo counts as underexposed."""


def quality_flags(
    image: ImageRGB,
    box_px: tuple[float, float, float, float],
    landmarks_px: FloatArray,
    forehead_lightness: float,
    has_plain_background: bool,
) -> dict[str, bool]:
    """Check a photo for problems that make analysis or preview less reliable.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    box_px : tuple of float
        Face box ``x, y, width, height``, pixels.
    landmarks_px : (5, 2) ndarray of float
        Face landmarks, eyes first, pixels.
    forehead_lightness : float
        Median L* of the forehead patch.
    has_plain_background : bool
        Whether a plain background was found.

    Returns
    -------
    dict of str to bool
        ``low_resolution``, ``blurred``, ``face_tilted``, ``overexposed``,
        ``underexposed``, ``busy_background``.
    """
    h, w = image.shape[:2]
    x, y, bw, bh = box_px
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(w, int(x + bw)), min(h, int(y + bh))
    face = image[y0:y1, x0:x1]
    gray = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var()) if gray.size else 0.0
    across = landmarks_px[1] - landmarks_px[0]
    roll = float(np.degrees(np.arctan2(across[1], across[0])))
    clipped = float(np.mean(np.any(face >= 255, axis=2))) if face.size else 1.0
    return {
        "low_resolution": bool(np.hypot(*across) < MIN_IPD_PX),
        "blurred": sharpness < MIN_SHARPNESS,
        "face_tilted": abs(roll) > MAX_ROLL_DEG,
        "overexposed": clipped > MAX_CLIPPED_FRACTION,
        "underexposed": forehead_lightness < MIN_FACE_LIGHTNESS,
        "busy_background": not has_plain_background,
    }
