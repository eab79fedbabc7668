"""The sessions figure: predicted shade and density per session, and fading over the years."""

from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from smpstudio._typing import FloatArray, ImageRGB
from smpstudio.core import SessionPlan
from smpstudio.pigment import lab_to_srgb8
from smpstudio.render._pattern_figures import _text

_GRID = (200, 200, 200)
_CURVE_COLOURS = ((44, 160, 44), (31, 119, 180), (214, 39, 40), (148, 103, 189))


def _dot_on_skin(
    image: ImageRGB, x: int, y: int, size: int, skin_lab: Sequence[float], dot_lab: Sequence[float]
) -> None:
    """A patch of skin with a few dots of the predicted colour, to judge the look."""
    skin = tuple(int(c) for c in lab_to_srgb8(skin_lab))
    dot = tuple(int(c) for c in lab_to_srgb8(dot_lab))
    cv2.rectangle(image, (x, y), (x + size, y + size), skin, -1)
    for k, (u, v) in enumerate(((0.3, 0.3), (0.7, 0.35), (0.45, 0.7), (0.8, 0.75))):
        radius = max(2, size // (9 if k % 2 else 7))
        cv2.circle(image, (x + int(u * size), y + int(v * size)), radius, dot, -1, cv2.LINE_AA)
    cv2.rectangle(image, (x, y), (x + size, y + size), (90, 90, 90), 1)


def session_figure(
    sessions: Sequence[SessionPlan],
    skin_lab: Sequence[float],
    fading: Mapping[str, tuple[FloatArray, FloatArray]],
    *,
    threshold_delta_e00: float,
    due_years: Mapping[str, float | None],
) -> ImageRGB:
    """Shade and density per session (left), fading over the years (right).

    Parameters
    ----------
    sessions : sequence of SessionPlan
        The sessions, with predicted healed and target colours where a shade was chosen.
    skin_lab : (3,) sequence of float
        The client's skin colour, CIELAB.
    fading : mapping of str to (years, ΔE00) arrays
        ΔE00 from the just-healed dot against years, by label (at most four curves).
    threshold_delta_e00 : float
        Fading that calls for a touch-up (a horizontal line).
    due_years : mapping of str to float or None
        Forecast touch-up year per label (marked on its curve).

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The figure, 1100 × 460 px.
    """
    w, h = 1100, 460
    image = np.full((h, w, 3), 255, np.uint8)
    _text(image, "Predicted healed shade and density per session", 20, 28, 0.55)
    left, top, bar_h, col_w = 30, 60, 180, 150
    for k, s in enumerate(sessions):
        x = left + k * col_w
        # cumulative density after the session, as a bar of share of the full pattern
        filled = round(bar_h * s.cumulative_fraction)
        cv2.rectangle(image, (x, top), (x + 40, top + bar_h), (235, 235, 235), -1)
        cv2.rectangle(image, (x, top + bar_h - filled), (x + 40, top + bar_h), (120, 120, 120), -1)
        cv2.rectangle(image, (x, top), (x + 40, top + bar_h), (90, 90, 90), 1)
        _text(image, f"{100 * s.cumulative_fraction:.0f} %", x - 2, top + bar_h + 20)
        _text(image, f"session {s.index + 1}", x, top + bar_h + 42)
        _text(image, f"{s.impression_count} dots", x, top + bar_h + 62)
        _text(image, f"{s.dilution_water_parts:g}:1 water", x, top + bar_h + 82)
        if s.healed_lab is not None:
            _dot_on_skin(image, x + 55, top, 64, skin_lab, s.healed_lab)
            _text(image, "healed dot", x + 55, top + 78, 0.4)
            if s.target_lab is not None:
                _dot_on_skin(image, x + 55, top + 92, 64, skin_lab, s.target_lab)
                _text(image, "shaved hair", x + 55, top + 170, 0.4)
            if s.delta_e00 is not None:
                _text(image, f"dE00 {s.delta_e00:.1f}", x + 55, top + bar_h + 20, 0.4)
        else:
            _text(image, "no shade:", x + 55, top + 20, 0.4)
            _text(image, "hair colour", x + 55, top + 38, 0.4)
            _text(image, "not measured", x + 55, top + 56, 0.4)
    _text(image, "bar: share of all impressions placed after the session", left, h - 40, 0.4)
    _text(image, "model and its parameters: docs/pigment.md (unsourced)", left, h - 20, 0.4)

    # right: fading curves
    px0, py0, pw, ph = 620, 60, 440, 320
    _text(image, "Fading after healing (dE00 from the healed dot)", px0 - 20, 28, 0.55)
    years_max = max(float(np.max(y)) for y, _ in fading.values())
    de_max = max(threshold_delta_e00 * 2.0, max(float(np.max(d)) for _, d in fading.values()))

    def at(x: FloatArray, y: FloatArray) -> np.ndarray:
        col = px0 + x / years_max * pw
        row = py0 + ph - np.minimum(y, de_max) / de_max * ph
        return np.column_stack([col, row]).round().astype(np.int32)

    cv2.rectangle(image, (px0, py0), (px0 + pw, py0 + ph), (120, 120, 120), 1)
    for year in range(int(years_max) + 1):
        ((c, r),) = at(np.array([float(year)]), np.array([0.0]))
        cv2.line(image, (c, py0), (c, r), _GRID, 1)
        _text(image, str(year), c - 4, r + 18, 0.4)
    for tick in np.arange(0.0, de_max + 1e-9, 1.0 if de_max <= 8 else 2.0):
        ((c, r),) = at(np.array([0.0]), np.array([tick]))
        _text(image, f"{tick:g}", c - 28, r + 5, 0.4)
    line = at(np.array([0.0, years_max]), np.array([threshold_delta_e00] * 2))
    cv2.line(image, tuple(line[0]), tuple(line[1]), (230, 140, 140), 1, cv2.LINE_AA)
    _text(image, f"touch-up at dE00 {threshold_delta_e00:g}", px0 + 8, int(line[0][1]) - 6, 0.4)
    for k, (label, (years, delta)) in enumerate(fading.items()):
        colour = _CURVE_COLOURS[k % len(_CURVE_COLOURS)]
        cv2.polylines(image, [at(years, delta)], False, colour, 2, cv2.LINE_AA)
        due = due_years.get(label)
        text = label if due is None else f"{label}: touch-up ~{due:.1f} y"
        cv2.line(image, (px0 + 10, py0 + 20 + 20 * k), (px0 + 40, py0 + 20 + 20 * k), colour, 2)
        _text(image, text, px0 + 46, py0 + 25 + 20 * k, 0.4)
        if due is not None and due <= years_max:
            ((c, r),) = at(np.array([due]), np.array([threshold_delta_e00]))
            cv2.circle(image, (int(c), int(r)), 5, colour, -1, cv2.LINE_AA)
    _text(image, "years after the final session healed", px0 + 110, py0 + ph + 40, 0.45)
    _text(image, "long-term fading model unsourced (sources cover months)", px0, h - 20, 0.4)
    return image
