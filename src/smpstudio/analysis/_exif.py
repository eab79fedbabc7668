"""A photo's focal length in pixels: from its EXIF record when that can be trusted.

EXIF focal lengths describe the image the camera wrote. A file that was cropped or resized
since keeps the old record, so the focal length is taken only when the EXIF image size
(``PixelXDimension`` × ``PixelYDimension``) is the size of the pixels; otherwise the default
portrait lens stands in, and the view says which was used.
"""

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from smpstudio.analysis._pose import FULL_FRAME_DIAGONAL_MM, default_focal_px
from smpstudio.domain import DEFAULTS

_EXIF_IFD = 0x8769
_FOCAL_LENGTH = 0x920A
_FOCAL_35MM = 0xA405
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_PLANE_X_RESOLUTION, _PLANE_UNIT = 0xA20E, 0xA210
_UNIT_MM = {2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
"""EXIF ``FocalPlaneResolutionUnit`` codes: inch, centimetre, millimetre, micrometre."""


@dataclass(frozen=True, slots=True)
class PhotoFocal:
    """The focal length of a photo and where it came from.

    Parameters
    ----------
    focal_px : float
        Focal length, pixels.
    source : str
        How it was found, for the practitioner (e.g. ``"EXIF 35 mm-equivalent focal
        length 85 mm"``, or the reason the default lens was used).
    from_exif : bool
        True when the photo's own EXIF record gave it.
    """

    focal_px: float
    source: str
    from_exif: bool


def default_focal(width_px: int, height_px: int, reason: str) -> PhotoFocal:
    """The default portrait lens, with the reason it is used.

    Parameters
    ----------
    width_px, height_px : int
        Photo size, pixels.
    reason : str
        Why the photo's own focal length is not used.

    Returns
    -------
    PhotoFocal
        ``portrait_focal_length_mm`` (35 mm equivalent) in pixels.
    """
    lens = DEFAULTS["portrait_focal_length_mm"].value
    return PhotoFocal(
        default_focal_px(width_px, height_px),
        f"estimated: default {lens:g} mm portrait lens (35 mm equivalent); {reason}",
        False,
    )


def photo_focal(path: Path, width_px: int, height_px: int) -> PhotoFocal:
    """The focal length of a photo in pixels, from EXIF when its image size matches.

    Parameters
    ----------
    path : pathlib.Path
        The photo file (only its header is read).
    width_px, height_px : int
        Size of the decoded, upright pixels.

    Returns
    -------
    PhotoFocal
        From ``FocalLengthIn35mmFilm`` (scaled by the image diagonal), else from
        ``FocalLength`` and ``FocalPlaneXResolution``, else the default portrait lens.
    """
    try:
        with Image.open(path) as img:
            exif = img.getexif().get_ifd(_EXIF_IFD)
    except (OSError, ValueError, SyntaxError):
        return default_focal(width_px, height_px, "the EXIF record cannot be read")
    if _PIXEL_X not in exif or _PIXEL_Y not in exif:
        return default_focal(width_px, height_px, "no EXIF image size to check the lens against")
    recorded = sorted((int(exif[_PIXEL_X]), int(exif[_PIXEL_Y])))
    if recorded != sorted((width_px, height_px)):
        return default_focal(
            width_px,
            height_px,
            f"the EXIF image size {recorded[1]}×{recorded[0]} is not the photo's "
            f"{max(width_px, height_px)}×{min(width_px, height_px)} (cropped or resized)",
        )
    diagonal_px = float((width_px**2 + height_px**2) ** 0.5)
    f35 = float(exif.get(_FOCAL_35MM, 0) or 0)
    if f35 > 0:
        return PhotoFocal(
            f35 * diagonal_px / FULL_FRAME_DIAGONAL_MM,
            f"EXIF 35 mm-equivalent focal length {f35:g} mm",
            True,
        )
    focal_mm = float(exif.get(_FOCAL_LENGTH, 0) or 0)
    per_unit = float(exif.get(_PLANE_X_RESOLUTION, 0) or 0)
    unit_mm = _UNIT_MM.get(int(exif.get(_PLANE_UNIT, 2)))
    if focal_mm > 0 and per_unit > 0 and unit_mm is not None:
        return PhotoFocal(
            focal_mm * per_unit / unit_mm,
            f"EXIF focal length {focal_mm:g} mm and focal-plane resolution",
            True,
        )
    return default_focal(width_px, height_px, "the EXIF record has no usable focal length")
