"""Photo-quality checks: each a named flag with its measured value, threshold and a message.

A flag is True where the problem is present. The measured values are kept with the view so
that a practitioner can see how far a photo is from passing.

Whether the scalp is in the frame is judged from the image, not predicted from the face:
the upper-head region (on the head, above the brows) must not run along the photo's top or
side edges. With a busy background the region is a geometric estimate from the face.
"""

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB


@dataclass(frozen=True, slots=True)
class QualityCheck:
    """One photo-quality rule.

    Parameters
    ----------
    name : str
        Flag name.
    threshold : float
        Limit, in ``unit``.
    unit : str
        Unit of the measured value.
    fails_when : {"above", "below"}
        The photo fails when its value is above (or below) the threshold.
    message : str
        What the problem means and what to do, for a practitioner.
    source : str
        Why the threshold is what it is.
    """

    name: str
    threshold: float
    unit: str
    fails_when: Literal["above", "below"]
    message: str
    source: str

    def fails(self, value: float) -> bool:
        """True where ``value`` breaks the rule."""
        return value > self.threshold if self.fails_when == "above" else value < self.threshold


QUALITY_CHECKS: dict[str, QualityCheck] = {
    c.name: c
    for c in (
        QualityCheck(
            "low_resolution",
            0.5,
            "mm/px",
            "above",
            "each pixel covers too much scalp to show single impressions; photograph the "
            "scalp closer or with more pixels",
            "impressions ≈1 mm apart (domain.md §5.2) need ≥ 2 px per mm (sampling theorem)",
        ),
        QualityCheck(
            "blurred",
            40.0,
            "Laplacian variance",
            "below",
            "the face is not sharp; hold the camera steady and focus on the head",
            "unsourced heuristic threshold on the variance of the Laplacian",
        ),
        QualityCheck(
            "face_tilted",
            10.0,
            "degrees of roll",
            "above",
            "the head is tilted sideways; level the eyes with the camera",
            "unsourced; consistent views ask for the same head position (domain.md §9)",
        ),
        QualityCheck(
            "face_turned",
            15.0,
            "degrees of yaw from the nearest standard view (front 0°, profile 90°)",
            "above",
            "the head is turned between standard views; turn it to face the camera or to a "
            "full profile",
            "unsourced; standard views are front, left and right (domain.md §9)",
        ),
        QualityCheck(
            "overexposed",
            0.05,
            "share of clipped face pixels",
            "above",
            "highlights are burnt out; reduce flash or exposure",
            "unsourced heuristic",
        ),
        QualityCheck(
            "underexposed",
            15.0,
            "forehead L*",
            "below",
            "the face is too dark to measure colour; add light",
            "unsourced heuristic",
        ),
        QualityCheck(
            "no_face_found",
            0.5,
            "face found (1 = yes)",
            "below",
            "no face was found in a photo declared a front or side view; retake it with the "
            "whole face visible, or declare it a top or back view",
            "a front or side view is registered to the head by its face",
        ),
        QualityCheck(
            "another_person",
            0.04,
            "RMS difference of log face proportions from the set's first face photo",
            "above",
            "the face's proportions differ from the first face photo's by more than one "
            "person's photos do: it may show someone else; check that every photo in the set "
            "is of this client",
            "measured (scripts/face_proportion_spread.py): photos of 18 different people differ "
            "by 0.017–0.14 (85 % of pairs above 0.04); the same photo resized, rotated, "
            "cropped, recompressed or mirrored by at most 0.028, renders of one head turned "
            "15° by at most 0.036",
        ),
        QualityCheck(
            "scalp_out_of_frame",
            0.02,
            "share of the upper head's width lying on the photo's top or side edges",
            "above",
            "part of the scalp is cut off by the edge of the photo; step back or re-aim so "
            "the whole top of the head is in the frame",
            "unsourced; a head cut by the frame cannot be measured there, 2 % allows a stray hair",
        ),
        QualityCheck(
            "no_colour",
            3.0,
            "95th-percentile chroma C*ab of the photo",
            "below",
            "the photo has (almost) no colour, e.g. black and white; skin and hair colour "
            "cannot be measured from it: retake it in colour",
            "unsourced; the 18 congress portraits measure 22–47",
        ),
        QualityCheck(
            "colour_cast",
            10.0,
            "degrees from neutral (grey-edge estimate of the light)",
            "above",
            "the light has a strong colour cast; colours were corrected from the photo itself, "
            "which is approximate: hold the colour chart beside the head, or set the camera's "
            "white balance",
            "unsourced; on 18 balanced studio portraits the estimate lies a median 2.4° (worst "
            "14°) from neutral",
        ),
        QualityCheck(
            "busy_background",
            0.5,
            "plain background found (1 = yes)",
            "below",
            "the background is not one plain colour, so background and head cannot be "
            "separated reliably; use a plain backdrop",
            "method limit of the plain-background mask",
        ),
    )
}
"""Every quality check, by flag name."""


def quality_metrics(
    image: ImageRGB,
    box_px: tuple[float, float, float, float],
    landmarks_px: FloatArray | None,
    *,
    mm_per_px: float | None,
    yaw_deg: float | None,
    forehead_lightness: float,
    has_plain_background: bool,
    region_mask: BoolArray | None = None,
    scalp_region: BoolArray | None = None,
) -> dict[str, float]:
    """Measure the value each applicable quality check tests.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    box_px : tuple of float
        Region judged for sharpness and exposure, ``x, y, width, height``, pixels: the face
        box, or the head region where no face shows.
    landmarks_px : (5, 2) ndarray of float or None
        Face landmarks, eyes first, pixels; None without a face (no tilt check).
    mm_per_px : float or None
        Scale, millimetres per pixel; None without one (no resolution check).
    yaw_deg : float or None
        Head yaw, degrees (from :func:`head_pose`); None without a face (no turn check).
    forehead_lightness : float
        Median L* of the measured skin.
    has_plain_background : bool
        Whether a plain background was found.
    region_mask : (h, w) ndarray of bool, optional
        Pixels of the judged region (the head where no face shows); exposure is measured
        on these only, not on the background inside ``box_px``.
    scalp_region : (h, w) ndarray of bool, optional
        The upper head (or the whole head where no face shows); checked against the
        photo's top and side edges.

    Returns
    -------
    dict of str to float
        One value per applicable name in ``QUALITY_CHECKS``, in that check's unit.
    """
    h, w = image.shape[:2]
    x, y, bw, bh = box_px
    x0, y0 = max(0, int(x)), max(0, int(y))
    x1, y1 = min(w, int(x + bw)), min(h, int(y + bh))
    region = image[y0:y1, x0:x1]
    gray = cv2.cvtColor(region, cv2.COLOR_RGB2GRAY)
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var()) if gray.size else 0.0
    pixels = region.reshape(-1, 3) if region_mask is None else image[region_mask]
    clipped = float(np.mean(np.any(pixels >= 255, axis=1))) if pixels.size else 1.0
    small = cv2.resize(image, (64, max(1, round(64 * h / w))), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    metrics = {
        "no_colour": float(np.percentile(np.hypot(lab[..., 1], lab[..., 2]), 95)),
        "blurred": sharpness,
        "overexposed": clipped,
        "underexposed": forehead_lightness,
        "busy_background": 1.0 if has_plain_background else 0.0,
    }
    if mm_per_px is not None:
        metrics["low_resolution"] = mm_per_px
    if landmarks_px is not None:
        across = landmarks_px[1] - landmarks_px[0]
        metrics["face_tilted"] = abs(float(np.degrees(np.arctan2(across[1], across[0]))))
    if yaw_deg is not None:
        metrics["face_turned"] = min(abs(yaw_deg), abs(abs(yaw_deg) - 90.0))
    if scalp_region is not None and scalp_region.any():
        metrics["scalp_out_of_frame"] = scalp_out_of_frame(scalp_region)
    return metrics


def scalp_out_of_frame(scalp_region: BoolArray) -> float:
    """How much of the scalp region runs along the photo's top and side edges.

    Parameters
    ----------
    scalp_region : (h, w) ndarray of bool
        The upper head, or the head.

    Returns
    -------
    float
        Region pixels on the top row and the outer columns, over the region's widest row.

    Examples
    --------
    >>> region = np.zeros((10, 10), dtype=bool)
    >>> region[3:8, 2:8] = True
    >>> scalp_out_of_frame(region)
    0.0
    >>> region[0:8, 2:8] = True
    >>> scalp_out_of_frame(region)
    1.0
    """
    on_edges = (
        int(scalp_region[0].sum()) + int(scalp_region[:, 0].sum()) + int(scalp_region[:, -1].sum())
    )
    return on_edges / max(1, int(scalp_region.sum(axis=1).max()))


def quality_flags(metrics: dict[str, float]) -> dict[str, bool]:
    """Apply ``QUALITY_CHECKS`` to measured values.

    Parameters
    ----------
    metrics : dict of str to float
        Values from :func:`quality_metrics`.

    Returns
    -------
    dict of str to bool
        True where the problem is present.

    Examples
    --------
    >>> quality_flags({"blurred": 12.0})
    {'blurred': True}
    """
    return {name: QUALITY_CHECKS[name].fails(value) for name, value in metrics.items()}


def quality_messages(flags: dict[str, bool], metrics: dict[str, float]) -> list[str]:
    """Sentences for the failed checks: value, threshold and what to do.

    Parameters
    ----------
    flags : dict of str to bool
        Flags of a view.
    metrics : dict of str to float
        The measured values behind them.

    Returns
    -------
    list of str
        One line per failed check, e.g. ``"low_resolution: 0.56 mm/px (limit 0.5): ..."``.
    """
    lines = []
    for name, failed in flags.items():
        if failed:
            check = QUALITY_CHECKS[name]
            value = metrics.get(name, float("nan"))
            lines.append(
                f"{name}: {value:.3g} {check.unit} (limit {check.threshold:g}): {check.message}"
            )
    return lines
