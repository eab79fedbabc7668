"""Preview: the plan's impressions drawn onto a registered photo.

This is the foundation's placement preview: it shows *where* the dots fall. The photo is
enlarged ``upscale`` times (at 0.5 mm per pixel, dots ≈ 0.9 mm apart would be under two
pixels apart and merge), and dots are drawn as anti-aliased discs of the healed dot size,
but never smaller than ``MIN_VISIBLE_DIAMETER_PX`` output pixels. Photo-realistic shading
of healed pigment in skin comes with the preview stage proper.
"""

import cv2
import numpy as np

from smpstudio._typing import BoolArray, ImageRGB
from smpstudio._validation import check_in_range
from smpstudio.core import Pattern, View
from smpstudio.errors import PlanValidationError

MIN_VISIBLE_DIAMETER_PX = 1.4
"""Smallest drawn dot diameter, output pixels (placement legibility, not appearance)."""
DEFAULT_UPSCALE = 2
"""Default enlargement of the photo in the preview."""
PIGMENT_RGB = (38, 38, 42)
"""Drawn dot colour (near-black, like healed carbon-black pigment seen through skin)."""
PIGMENT_OPACITY = 0.75
"""Opacity of a fully covered pixel."""
_SHIFT = 4


def visible_impressions(view: View, pattern: Pattern) -> tuple[np.ndarray, np.ndarray, BoolArray]:
    """Project impressions into a view and decide which the camera sees.

    Parameters
    ----------
    view : View
        A view with a registered camera.
    pattern : Pattern
        The impressions.

    Returns
    -------
    xy_px : (n, 2) ndarray of float
        Image positions, pixels.
    diameter_px : (n,) ndarray of float
        Healed dot diameter in pixels at each dot's depth.
    visible : (n,) ndarray of bool
        In front of the camera, facing it, inside the image and not on the background mask.

    Raises
    ------
    PlanValidationError
        If the view has no camera.
    """
    if view.camera is None:
        raise PlanValidationError(f"view '{view.name}' has no camera; run the head stage first")
    xy, depth = view.camera.project(pattern.positions_mm)
    to_camera = view.camera.centre_mm - pattern.positions_mm
    facing = np.einsum("ij,ij->i", pattern.normals, to_camera) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        diameter = view.camera.fx_px * pattern.dot_diameter_mm / depth
    with np.errstate(invalid="ignore"):
        col = np.nan_to_num(np.round(xy[:, 0]), nan=-1.0, posinf=-1.0, neginf=-1.0).astype(np.int64)
        row = np.nan_to_num(np.round(xy[:, 1]), nan=-1.0, posinf=-1.0, neginf=-1.0).astype(np.int64)
    inside = (depth > 0) & (col >= 0) & (col < view.width_px) & (row >= 0) & (row < view.height_px)
    visible = facing & inside
    background = view.masks.get("background")
    if background is not None:
        visible[visible] = ~background[row[visible], col[visible]]
    return xy, diameter, visible


def render_preview(
    image: ImageRGB, view: View, pattern: Pattern, *, upscale: int = DEFAULT_UPSCALE
) -> ImageRGB:
    """Draw the visible impressions onto the photo, enlarged ``upscale`` times.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo, upright sRGB.
    view : View
        The view, with camera.
    pattern : Pattern
        The impressions to draw (filter by session first for a per-session preview).
    upscale : int, optional
        Enlargement factor, 1–8 (bicubic).

    Returns
    -------
    (upscale·h, upscale·w, 3) ndarray of uint8
        A new image; ``image`` is unchanged.

    Raises
    ------
    PlanValidationError
        If the image size differs from the view's, or ``upscale`` is out of range.
    """
    check_in_range("upscale", upscale, 1, 8)
    view.check_image(image)
    xy, diameter, visible = visible_impressions(view, pattern)
    h, w = image.shape[:2]
    if upscale > 1:
        image = np.asarray(
            cv2.resize(image, (w * upscale, h * upscale), interpolation=cv2.INTER_CUBIC),
            dtype=np.uint8,
        )
    coverage = np.zeros(image.shape[:2], dtype=np.uint8)
    scale = 1 << _SHIFT
    # pixel centres sit at +0.5: (x + 0.5)·upscale − 0.5 maps a source position to output
    centres = np.round(((xy[visible] + 0.5) * upscale - 0.5) * scale).astype(np.int64)
    radii = np.round(np.maximum(diameter[visible] * upscale, MIN_VISIBLE_DIAMETER_PX) / 2 * scale)
    for (cx, cy), r in zip(centres, radii.astype(np.int64), strict=True):
        cv2.circle(coverage, (int(cx), int(cy)), int(r), 255, -1, cv2.LINE_AA, _SHIFT)
    background = view.masks.get("background")
    if background is not None:  # pigment stays on the head, also at the silhouette
        on_head = ~np.repeat(np.repeat(background, upscale, axis=0), upscale, axis=1)
        coverage *= on_head
    alpha = coverage.astype(np.float32)[..., None] * (PIGMENT_OPACITY / 255.0)
    out = image.astype(np.float32) * (1 - alpha) + np.array(PIGMENT_RGB, np.float32) * alpha
    return np.clip(np.round(out), 0, 255).astype(np.uint8)
