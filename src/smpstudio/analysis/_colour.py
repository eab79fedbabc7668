"""Colour measurement in CIELAB (D65) and a plain-background mask."""

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB
from smpstudio.analysis._white_balance import WhiteBalance, apply_white_balance

BACKGROUND_DELTA_E = 14.0
"""Largest CIE76 ΔE from the border colour for a pixel to join the background."""
BORDER_SPREAD_LIMIT = 12.0
"""Largest median ΔE of border pixels from their median for a background to count as plain."""
_BORDER_FRACTION = 0.02
BACKGROUND_WORK_SIDE_PX = 1600
"""Larger photos are masked on a copy resized to this longer side, then the mask is scaled
back (its edge is then good to about a working pixel)."""


def rgb_to_lab(image: ImageRGB) -> FloatArray:
    """Convert 8-bit sRGB to CIELAB (D65): L* 0–100, a*, b*.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB pixels.

    Returns
    -------
    (h, w, 3) ndarray of float
        L*, a*, b*.

    Examples
    --------
    >>> rgb_to_lab(np.full((1, 1, 3), 255, np.uint8)).round(1).tolist()
    [[[100.0, 0.0, 0.0]]]
    """
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    return lab.astype(np.float64)


ITA_CLASSES = (
    (55.0, "very light"),
    (41.0, "light"),
    (28.0, "intermediate"),
    (10.0, "tan"),
    (-30.0, "brown"),
)
"""Lower ITA° bound of each skin-colour class; below the last: "dark".
``domain.md`` §6.3 [DelBino] via [Dermatest]."""


def ita_degrees(lab: tuple[float, float, float]) -> float:
    """Individual Typology Angle of a skin colour.

    Parameters
    ----------
    lab : tuple of float
        CIELAB L*, a*, b* (D65).

    Returns
    -------
    float
        ITA° = atan2(L* − 50, b*) in degrees; higher is lighter skin.

    Notes
    -----
    ``domain.md`` §6.3 [Chardon1991]. ITA describes colour only: the Fitzpatrick phototype
    (sun reactivity) is asked in the screening, never inferred from it.

    Examples
    --------
    >>> round(ita_degrees((65.0, 10.0, 15.0)), 1)
    45.0
    """
    return float(np.degrees(np.arctan2(lab[0] - 50.0, lab[2])))


def ita_class(ita_deg: float) -> str:
    """Skin-colour class of an ITA° value.

    Parameters
    ----------
    ita_deg : float
        ITA in degrees.

    Returns
    -------
    str
        One of "very light", "light", "intermediate", "tan", "brown", "dark".

    Examples
    --------
    >>> ita_class(45.0), ita_class(-40.0)
    ('light', 'dark')
    """
    for bound, name in ITA_CLASSES:
        if ita_deg > bound:
            return name
    return "dark"


def forehead_patch_px(
    landmarks_px: FloatArray, shape: tuple[int, ...]
) -> tuple[int, int, int, int]:
    """Pixel box of the forehead patch where skin colour is measured.

    Parameters
    ----------
    landmarks_px : (5, 2) ndarray of float
        Face landmarks, eyes first, pixels.
    shape : tuple of int
        Image shape ``(h, w, ...)``.

    Returns
    -------
    tuple of int
        ``x0, y0, x1, y1`` (end-exclusive), clipped to the image.

    Notes
    -----
    Centred 0.6 interpupillary distances above the eye midpoint (along the face's up
    direction), 0.6 IPD wide and 0.25 IPD tall: forehead skin on most faces, below a fringe
    and above the brows.

    Examples
    --------
    >>> eyes = np.array([[100.0, 200], [200, 200], [0, 0], [0, 0], [0, 0]])
    >>> forehead_patch_px(eyes, (400, 300))
    (120, 127, 180, 153)
    """
    right_eye, left_eye = landmarks_px[0], landmarks_px[1]
    across = left_eye - right_eye
    ipd = float(np.hypot(*across))
    up = np.array([across[1], -across[0]]) / ipd
    if up[1] > 0:
        up = -up
    centre = (right_eye + left_eye) / 2 + 0.6 * ipd * up
    half = np.array([0.3 * ipd, 0.125 * ipd])
    h, w = shape[:2]
    x0, y0 = np.clip(np.floor(centre - half), 0, [w - 1, h - 1]).astype(int)
    x1, y1 = np.clip(np.ceil(centre + half), 1, [w, h]).astype(int)
    return int(x0), int(y0), int(x1), int(y1)


def lab_median_iqr(
    pixels: ImageRGB, balance: WhiteBalance | None = None
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Median CIELAB (D65) of some pixels and its interquartile range (the spread).

    Parameters
    ----------
    pixels : (..., 3) ndarray of uint8
        sRGB pixels (a crop, or a list of pixels).
    balance : WhiteBalance, optional
        Applied before converting.

    Returns
    -------
    median, iqr : tuple of float
        L*, a*, b* median and interquartile range.

    Examples
    --------
    >>> grey = np.full((4, 3), 119, np.uint8)
    >>> [round(v) for v in lab_median_iqr(grey)[0]]
    [50, 0, 0]
    """
    rgb = np.asarray(pixels).reshape(1, -1, 3)
    if balance is not None:
        rgb = apply_white_balance(rgb, balance)
    lab = rgb_to_lab(rgb)[0]
    q1, median, q3 = np.percentile(lab, [25, 50, 75], axis=0)
    spread = q3 - q1
    return (
        (float(median[0]), float(median[1]), float(median[2])),
        (float(spread[0]), float(spread[1]), float(spread[2])),
    )


def forehead_lab(
    image: ImageRGB, landmarks_px: FloatArray, balance: WhiteBalance | None = None
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Median CIELAB of a forehead patch above the eyes, and its interquartile range.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    landmarks_px : (5, 2) ndarray of float
        Face landmarks (eyes first), pixels.
    balance : WhiteBalance, optional
        Applied to the patch before it is measured.

    Returns
    -------
    median : tuple of float
        L*, a*, b* of the patch.
    iqr : tuple of float
        Interquartile range of L*, a*, b* over the patch's pixels (the measurement's spread).

    Notes
    -----
    The patch is :func:`forehead_patch_px`.
    """
    x0, y0, x1, y1 = forehead_patch_px(landmarks_px, image.shape[:2])
    return lab_median_iqr(image[y0:y1, x0:x1], balance)


def plain_background_mask(image: ImageRGB) -> BoolArray | None:
    """Mask of a plain studio background connected to the photo border.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.

    Returns
    -------
    (h, w) ndarray of bool or None
        True on background pixels; None when the border is not one plain colour (a busy
        background), because then this method cannot tell background from person.
    """
    full_h, full_w = image.shape[:2]
    factor = min(1.0, BACKGROUND_WORK_SIDE_PX / max(full_h, full_w))
    if factor < 1.0:
        size = (round(full_w * factor), round(full_h * factor))
        image = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
    # 8-bit Lab (L* × 255/100, a* and b* + 128) is several times faster on large photos and
    # far finer than BACKGROUND_DELTA_E
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2Lab).astype(np.float32)
    lab[..., 0] *= np.float32(100 / 255)
    lab[..., 1:] -= np.float32(128)
    h, w = lab.shape[:2]
    b = max(1, round(_BORDER_FRACTION * min(h, w)))
    border = np.concatenate(
        [lab[:b].reshape(-1, 3), lab[:, :b].reshape(-1, 3), lab[:, -b:].reshape(-1, 3)]
    ).astype(np.float64)
    reference = np.median(border, axis=0)
    if np.median(np.linalg.norm(border - reference, axis=1)) > BORDER_SPREAD_LIMIT:
        return None
    diff = lab - reference.astype(np.float32)
    near = np.einsum("ijk,ijk->ij", diff, diff) < np.float32(BACKGROUND_DELTA_E**2)
    _, labels = cv2.connectedComponents(near.astype(np.uint8), connectivity=4)
    edge_labels = np.unique(np.concatenate([labels[0], labels[:, 0], labels[:, -1]]))
    edge_labels = edge_labels[edge_labels > 0]
    mask: BoolArray = np.isin(labels, edge_labels) & near
    if factor < 1.0:
        full = cv2.resize(mask.astype(np.uint8), (full_w, full_h), interpolation=cv2.INTER_NEAREST)
        mask = np.asarray(full > 0)
    return mask
