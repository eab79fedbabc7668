"""What the analysis of one photo shows a practitioner: a JSON report and an overlay image."""

from typing import Any

import cv2
import numpy as np

from smpstudio._typing import ImageRGB
from smpstudio.analysis._colour import forehead_patch_px, ita_class, ita_degrees
from smpstudio.analysis._quality import QUALITY_CHECKS
from smpstudio.core import View

LANDMARK_NAMES = ("right_eye", "left_eye", "nose_tip", "right_mouth_corner", "left_mouth_corner")
"""Names of the five landmarks (the client's sides)."""
SCALE_BAR_MM = 20.0
"""Length of the overlay's scale bar, millimetres."""
OVERLAY_UPSCALE = 2
"""Enlargement of the overlay, so that labels stay legible on small photos."""


def analysis_report(view: View) -> dict[str, Any]:
    """Every measurement of one analysed photo, as a JSON-ready document.

    Parameters
    ----------
    view : View
        An analysed view.

    Returns
    -------
    dict
        Photo identity and size, face box, named landmarks, scale with its uncertainty and
        source, skin colour (L*a*b*, spread, ITA° and class), mask coverage, and every
        quality check with value, threshold, unit, result and message.
    """
    ita = ita_degrees(view.skin_lab)
    pixels = view.width_px * view.height_px
    return {
        "format": "smpstudio.analysis",
        "format_version": 1,
        "view": view.name,
        "image_file": view.image_file,
        "image_sha256": view.image_sha256,
        "size_px": [view.width_px, view.height_px],
        "face_box_px": None if view.face_box_px is None else list(view.face_box_px),
        "landmarks_px": None
        if view.landmarks_px is None
        else {name: view.landmarks_px[i].tolist() for i, name in enumerate(LANDMARK_NAMES)},
        "view_kind": view.view_kind,
        "head_pose_deg": None
        if view.head_pose_deg is None
        else dict(zip(("yaw", "pitch", "roll"), view.head_pose_deg, strict=True)),
        "middle_third_mm": view.middle_third_mm,
        "face_points_mm": None
        if view.face_points_mm is None
        else {k: list(xy) for k, xy in view.face_points_mm.items()},
        "scale": {
            "mm_per_px": view.mm_per_px,
            "relative_sd": view.mm_per_px_relative_sd,
            "source": view.scale_source,
        },
        "skin": {
            "lab_d65": list(view.skin_lab),
            "lab_iqr": None if view.skin_lab_iqr is None else list(view.skin_lab_iqr),
            "ita_deg": ita,
            "ita_class": ita_class(ita),
            "where": view.skin_patch,
        },
        "hair_colour": None
        if view.hair_lab is None
        else {
            "lab_d65": list(view.hair_lab),
            "lab_iqr": None if view.hair_lab_iqr is None else list(view.hair_lab_iqr),
            "where": "hair in the upper head",
        },
        "camera": {"focal_px": view.focal_px, "focal_source": view.focal_source},
        "white_balance": {
            "method": view.white_balance,
            "colour_cast_deg": view.colour_cast_deg,
            "note": "colours are measured after this correction; a uniform backdrop is "
            "left out of it",
        },
        "masks": {
            name: {"fraction_of_image": float(mask.sum()) / pixels}
            for name, mask in view.masks.items()
        },
        "hair_in_upper_head": None
        if "upper_head" not in view.masks
        else {
            "fraction": float(view.masks["hair"].sum())
            / max(1, int(view.masks["upper_head"].sum())),
            "region": "on the head, above the brows (hair versus not-hair; where the scalp "
            "begins is decided by the head model and design)",
        },
        "quality": {
            name: {
                "flagged": bool(view.quality.get(name, False)),
                "value": view.quality_metrics.get(name),
                "threshold": check.threshold,
                "unit": check.unit,
                "fails_when": check.fails_when,
                "message": check.message,
                "threshold_source": check.source,
            }
            for name, check in QUALITY_CHECKS.items()
            if name in view.quality
        },
    }


def _text(
    image: ImageRGB, text: str, org: tuple[int, int], colour: tuple[int, int, int], scale: float
) -> None:
    """Coloured text with a 1 px black outline (same stroke, so glyphs stay aligned)."""
    x, y = org
    for dx, dy in ((-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)):
        cv2.putText(
            image,
            text,
            (x + dx, y + dy),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            (0, 0, 0),
            1,
            cv2.LINE_AA,
        )
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 1, cv2.LINE_AA)


def analysis_overlay(image: ImageRGB, view: View) -> ImageRGB:
    """Draw what the analysis found onto the photo, enlarged ``OVERLAY_UPSCALE`` times.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo, upright sRGB.
    view : View
        The analysed view.

    Returns
    -------
    (2h, 2w, 3) ndarray of uint8
        Background mask tinted blue, hair tinted amber inside the upper-head region
        (outlined in white), face box, the five landmarks, the forehead patch
        where skin colour was measured, a ``SCALE_BAR_MM`` scale bar at the face's scale,
        and the failed quality checks.
    """
    k = OVERLAY_UPSCALE
    h, w = image.shape[:2]
    out = cv2.resize(image, (w * k, h * k), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    background = view.masks.get("background")
    if background is not None:
        tint = np.repeat(np.repeat(background, k, axis=0), k, axis=1)
        out[tint] = 0.55 * out[tint] + 0.45 * np.array([40, 90, 230], np.float32)
    hair = view.masks.get("hair")
    if hair is not None:
        tint = np.repeat(np.repeat(hair, k, axis=0), k, axis=1)
        out[tint] = 0.5 * out[tint] + 0.5 * np.array([255, 200, 0], np.float32)
    canvas = np.clip(np.round(out), 0, 255).astype(np.uint8)
    region = view.masks.get("upper_head")
    if region is not None:
        big = cv2.resize(region.astype(np.uint8), (w * k, h * k), interpolation=cv2.INTER_NEAREST)
        contours, _ = cv2.findContours(big, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(canvas, contours, -1, (255, 255, 255), 1, cv2.LINE_AA)
    bx, by = 20, h * k - 30
    ita = ita_degrees(view.skin_lab)
    skin_text = (
        f"L*a*b* {view.skin_lab[0]:.0f} {view.skin_lab[1]:.0f} "
        f"{view.skin_lab[2]:.0f}  ITA {ita:.0f} ({ita_class(ita)}), {view.skin_patch}"
    )
    if view.face_box_px is not None and view.landmarks_px is not None:
        x, y, bw, bh = (round(v * k) for v in view.face_box_px)
        cv2.rectangle(canvas, (x, y), (x + bw, y + bh), (255, 220, 0), 1, cv2.LINE_AA)
        for i, (px, py) in enumerate(view.landmarks_px * k):
            cv2.circle(canvas, (round(px), round(py)), 4, (255, 60, 60), -1, cv2.LINE_AA)
            _text(
                canvas,
                LANDMARK_NAMES[i].replace("_", " "),
                (int(px) + 6, int(py) - 6),
                (255, 255, 255),
                0.35,
            )
        x0, y0, x1, y1 = (v * k for v in forehead_patch_px(view.landmarks_px, image.shape))
        cv2.rectangle(canvas, (x0, y0), (x1, y1), (60, 255, 60), 1, cv2.LINE_AA)
        _text(canvas, skin_text, (x0, y0 - 8), (60, 255, 60), 0.4)
        if view.hair_lab is not None:
            hair_text = "hair L*a*b* {:.0f} {:.0f} {:.0f}".format(*view.hair_lab)
            _text(canvas, hair_text, (x0, y0 - 24), (255, 200, 0), 0.4)
    else:
        _text(
            canvas,
            f"no face: skin over the head region, {skin_text}",
            (bx, by - 52),
            (60, 255, 60),
            0.45,
        )
    scale_line = "no scale: no face and no marker in this photo"
    if view.mm_per_px is not None:
        bar_px = SCALE_BAR_MM / view.mm_per_px * k
        cv2.rectangle(canvas, (bx, by), (int(bx + bar_px), by + 6), (255, 255, 255), -1)
        cv2.rectangle(canvas, (bx, by), (int(bx + bar_px), by + 6), (0, 0, 0), 1)
        sd = "" if view.mm_per_px_relative_sd is None else f" +/- {view.mm_per_px_relative_sd:.0%}"
        where = "at the marker" if view.scale_source == "marker" else "at the face"
        scale_line = f"{SCALE_BAR_MM:g} mm {where}{sd} ({view.scale_source})"
    _text(canvas, scale_line, (bx, by - 8), (255, 255, 255), 0.45)
    if view.head_pose_deg is None:
        _text(canvas, f"{view.view_kind} view (no face)", (bx, by - 30), (255, 255, 255), 0.45)
    else:
        yaw, pitch, roll = view.head_pose_deg
        _text(
            canvas,
            f"{view.view_kind} view: yaw {yaw:.0f}, pitch {pitch:.0f}, roll {roll:.0f} deg",
            (bx, by - 30),
            (255, 255, 255),
            0.45,
        )
    failed = [name for name, bad in view.quality.items() if bad]
    lines = ["quality: all checks passed"] if not failed else ["quality problems:", *failed]
    for n, line in enumerate(lines):
        colour = (120, 255, 120) if not failed else (255, 120, 80)
        _text(canvas, line, (12, 24 + 22 * n), colour, 0.55)
    return canvas
