"""Figures of a pattern: density heat map on the scalp chart, hairline close-up, g(r) plot.

Edge code for pictures: the numbers they show come from the pure functions of
:mod:`smpstudio.pattern`.
"""

import cv2
import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, PointsMM
from smpstudio.core import Design, HeadModel, Pattern
from smpstudio.design import hairline_curve_mm
from smpstudio.head import ScalpChart, chart_from_surface, closest_faces, surface_from_chart
from smpstudio.render._preview import PIGMENT_OPACITY, PIGMENT_RGB

HEAT_MAP_PX_PER_MM = 2.0
"""Scale of the density heat map on the scalp chart, pixels per chart millimetre."""

DENSITY_WINDOW_MM = 5.0
"""Radius of the disc on the surface over which the heat map counts units, millimetres."""

CLOSE_UP_PX_PER_MM = 20.0
"""Scale of the hairline close-up, pixels per millimetre of scalp."""

CLOSE_UP_SIZE_MM = (40.0, 24.0)
"""Width and height of the hairline close-up, millimetres of scalp."""

_FONT = cv2.FONT_HERSHEY_SIMPLEX
_INK = (20, 20, 20)


def _text(image: ImageRGB, text: str, x: int, y: int, scale: float = 0.45) -> None:
    cv2.putText(image, text, (x, y), _FONT, scale, _INK, 1, cv2.LINE_AA)


def _chart_grid(chart: ScalpChart, px_per_mm: float) -> tuple[float, PointsMM]:
    """Half-width of the chart (mm) and the surface point under each pixel (NaN off the scalp)."""
    reach = float(np.abs(chart.uv_mm).max())
    size = int(np.ceil(2 * reach * px_per_mm))
    axis = (np.arange(size) + 0.5) / px_per_mm - reach
    u, v = np.meshgrid(axis, axis[::-1])
    return reach, surface_from_chart(chart, np.column_stack([u.ravel(), v.ravel()]))


def _chart_px(uv_mm: FloatArray, reach: float, px_per_mm: float) -> FloatArray:
    """Pixel (x, y) of chart positions on a picture made by :func:`_chart_grid`."""
    return np.column_stack([(uv_mm[:, 0] + reach) * px_per_mm, (reach - uv_mm[:, 1]) * px_per_mm])


def density_heat_map(
    head: HeadModel,
    design: Design,
    centres_mm: PointsMM,
    chart: ScalpChart,
    *,
    scale_max_per_cm2: float | None = None,
) -> ImageRGB:
    """Follicular units per cm² over the scalp chart, with the hairline and a colour bar.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        For the hairline drawn over the map.
    centres_mm : (n, 3) ndarray of float
        Follicular-unit centres (or impressions), millimetres.
    chart : ScalpChart
        The head's scalp chart (azimuthal equidistant about the vertex; forward is up).
    scale_max_per_cm2 : float, optional
        Top of the colour scale; default the largest value shown.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The map: each pixel counts the units within ``DENSITY_WINDOW_MM`` of its point on
        the surface (straight-line distance) over the disc's area; grey off the scalp.
    """
    reach, points = _chart_grid(chart, HEAT_MAP_PX_PER_MM)
    size = round(np.sqrt(len(points)))
    known = np.isfinite(points[:, 0])
    counts = np.zeros(len(points))
    if len(centres_mm):
        counts[known] = cKDTree(centres_mm).query_ball_point(
            points[known], DENSITY_WINDOW_MM, return_length=True
        )
    density = counts / (np.pi * DENSITY_WINDOW_MM**2) * 100.0
    top = float(scale_max_per_cm2 or max(density.max(), 1.0))
    level = np.clip(density / top * 255.0, 0, 255).astype(np.uint8).reshape(size, size)
    coloured = cv2.applyColorMap(level, cv2.COLORMAP_VIRIDIS)[:, :, ::-1].copy()
    coloured[~known.reshape(size, size)] = (215, 215, 215)
    line = chart_from_surface(chart, hairline_curve_mm(head, design, chart=chart))
    px = _chart_px(line, reach, HEAT_MAP_PX_PER_MM)
    cv2.polylines(coloured, [np.round(px).astype(np.int32)], False, (255, 255, 255), 2, cv2.LINE_AA)
    bar_w, pad = 24, 70
    canvas = np.full((size + 60, size + bar_w + pad + 20, 3), 255, np.uint8)
    canvas[40 : 40 + size, 10 : 10 + size] = coloured
    ramp = np.linspace(255, 0, size).astype(np.uint8)[:, None].repeat(bar_w, axis=1)
    bar = cv2.applyColorMap(ramp, cv2.COLORMAP_VIRIDIS)[:, :, ::-1]
    x0 = 20 + size
    canvas[40 : 40 + size, x0 : x0 + bar_w] = bar
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = int(40 + (1 - frac) * (size - 1))
        _text(canvas, f"{frac * top:.0f}", x0 + bar_w + 4, y + 5, 0.4)
    _text(
        canvas,
        f"units per cm2 within {DENSITY_WINDOW_MM:g} mm; scalp chart, forward up, "
        f"{HEAT_MAP_PX_PER_MM:g} px/mm",
        10,
        25,
    )
    return canvas


def _close_up_frame(head: HeadModel, design: Design) -> tuple[PointsMM, FloatArray]:
    """Origin at the hairline's mid-frontal point, and axes (right→left, up the scalp)."""
    mid = design.hairline_mm[len(design.hairline_mm) // 2]
    n = head.face_normals[closest_faces(head, mid[None])[1][0]]
    across = np.array([1.0, 0.0, 0.0]) - n[0] * n  # towards the client's left
    across /= np.linalg.norm(across)
    up = np.cross(n, across)
    if up[1] < 0:
        up = -up
    return mid, np.vstack([across, up])


def close_up_px(points_mm: PointsMM, origin: PointsMM, axes: FloatArray) -> FloatArray:
    """(n, 2) pixels of head points in the hairline close-up (:func:`_close_up_frame`).

    The window's bottom third lies in front of the line; x to the client's left, y down.
    """
    width_mm, height_mm = CLOSE_UP_SIZE_MM
    local = (points_mm - origin) @ axes.T + np.array([width_mm / 2, height_mm / 3])
    return np.column_stack([local[:, 0], height_mm - local[:, 1]]) * CLOSE_UP_PX_PER_MM


def hairline_close_up(
    head: HeadModel,
    design: Design,
    pattern: Pattern,
    skin_rgb: tuple[int, int, int],
    *,
    chart: ScalpChart | None = None,
) -> ImageRGB:
    """The impressions about the hairline's mid-frontal point, drawn at true size.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        For the drawn hairline, shown as a faint line.
    pattern : Pattern
        The impressions.
    skin_rgb : tuple of int
        The client's skin colour (sRGB), the background.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed (the hairline is drawn in it).

    Returns
    -------
    (h, w, 3) ndarray of uint8
        ``CLOSE_UP_SIZE_MM`` at ``CLOSE_UP_PX_PER_MM``: the scalp's tangent plane at the
        mid-frontal point, the client's right on the left, up the scalp at the top; each
        impression an anti-aliased disc of its planned healed diameter in pigment colour,
        with a 5 mm scale bar.
    """
    origin, axes = _close_up_frame(head, design)
    width_mm, height_mm = CLOSE_UP_SIZE_MM
    w, h = int(width_mm * CLOSE_UP_PX_PER_MM), int(height_mm * CLOSE_UP_PX_PER_MM)
    image = np.zeros((h, w, 3), np.float64) + np.asarray(skin_rgb, float)

    def to_px(points: PointsMM) -> FloatArray:
        return close_up_px(points, origin, axes)

    near = np.linalg.norm(pattern.positions_mm - origin, axis=1) < np.hypot(width_mm, height_mm)
    xy = to_px(pattern.positions_mm[near])
    radius = pattern.dot_diameter_mm[near] / 2 * CLOSE_UP_PX_PER_MM
    cover = np.zeros((h, w), np.float64)
    for (x, y), r in zip(xy, radius, strict=True):
        x0, x1 = max(int(x - r - 2), 0), min(int(x + r + 3), w)
        y0, y1 = max(int(y - r - 2), 0), min(int(y + r + 3), h)
        if x0 >= x1 or y0 >= y1:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1] + 0.5
        edge = np.clip(r + 0.5 - np.hypot(xx - x, yy - y), 0.0, 1.0)
        cover[y0:y1, x0:x1] = np.maximum(cover[y0:y1, x0:x1], edge)
    alpha = (PIGMENT_OPACITY * cover)[:, :, None]
    image = image * (1 - alpha) + np.asarray(PIGMENT_RGB, float) * alpha
    out = np.clip(np.round(image), 0, 255).astype(np.uint8)
    line = to_px(hairline_curve_mm(head, design, chart=chart))
    overlay = out.copy()
    cv2.polylines(
        overlay, [np.round(line).astype(np.int32)], False, (255, 255, 255), 1, cv2.LINE_AA
    )
    out = cv2.addWeighted(overlay, 0.35, out, 0.65, 0)
    bar = int(5 * CLOSE_UP_PX_PER_MM)
    cv2.line(out, (20, h - 20), (20 + bar, h - 20), (255, 255, 255), 3)
    cv2.putText(out, "5 mm", (20, h - 30), _FONT, 0.6, (255, 255, 255), 1, cv2.LINE_AA)
    cv2.putText(
        out,
        f"hairline close-up, {CLOSE_UP_PX_PER_MM:g} px/mm (faint line: the drawn hairline)",
        (20, 28),
        _FONT,
        0.6,
        (255, 255, 255),
        1,
        cv2.LINE_AA,
    )
    return np.asarray(out, dtype=np.uint8)


def pair_correlation_plot(
    edges: FloatArray, curves: dict[str, FloatArray], *, min_spacing: float = 0.85
) -> ImageRGB:
    """Line plot of pair-correlation functions against distance in local spacings.

    Parameters
    ----------
    edges : (bins + 1,) ndarray of float
        Bin edges, in local hexagonal spacings.
    curves : dict of str to (bins,) ndarray of float
        g in each bin, by label (at most four).
    min_spacing : float, optional
        Where to mark the pattern's closest allowed spacing.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The plot with axes, a g = 1 reference and a legend.
    """
    w, h, left, bottom, top, right = 720, 420, 60, 50, 30, 20
    image = np.full((h, w, 3), 255, np.uint8)
    x_max = float(edges[-1])
    y_max = max(2.5, max(float(np.nanmax(g)) for g in curves.values()) * 1.1)

    def px(x: FloatArray, y: FloatArray) -> np.ndarray:
        col = left + x / x_max * (w - left - right)
        row = h - bottom - y / y_max * (h - top - bottom)
        return np.column_stack([col, row]).round().astype(np.int32)

    cv2.rectangle(image, (left, top), (w - right, h - bottom), (120, 120, 120), 1)
    for tick in np.arange(0, x_max + 1e-9, 0.5):
        ((c, r),) = px(np.array([tick]), np.array([0.0]))
        cv2.line(image, (c, r), (c, r + 5), (120, 120, 120), 1)
        if tick == int(tick):
            _text(image, f"{tick:g}", c - 5, r + 20)
    for tick in np.arange(0, y_max + 1e-9, 0.5):
        ((c, r),) = px(np.array([0.0]), np.array([tick]))
        cv2.line(image, (c - 5, r), (c, r), (120, 120, 120), 1)
        _text(image, f"{tick:g}", c - 35, r + 5)
    one = px(np.array([0.0, x_max]), np.array([1.0, 1.0]))
    cv2.line(image, tuple(one[0]), tuple(one[1]), (170, 170, 170), 1, cv2.LINE_AA)
    mark = px(np.array([min_spacing, min_spacing]), np.array([0.0, y_max]))
    cv2.line(image, tuple(mark[0]), tuple(mark[1]), (230, 160, 160), 1, cv2.LINE_AA)
    colours = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189)]
    mids = 0.5 * (edges[1:] + edges[:-1])
    for k, (label, g) in enumerate(curves.items()):
        ok = np.isfinite(g)
        cv2.polylines(image, [px(mids[ok], g[ok])], False, colours[k % 4], 2, cv2.LINE_AA)
        cv2.line(
            image, (w - 250, top + 20 + 20 * k), (w - 220, top + 20 + 20 * k), colours[k % 4], 2
        )
        _text(image, label, w - 212, top + 25 + 20 * k)
    _text(image, "distance / local hexagonal spacing", w // 2 - 130, h - 12)
    _text(image, "g(r)", 10, top + 10)
    _text(image, f"pair correlation (red mark: {min_spacing:g} spacing)", left, 20)
    return image


TOUR_PX_PER_MM = 3.0
"""Scale of the tour chart, pixels per chart millimetre."""


def tour_chart(
    head: HeadModel,
    design: Design,
    chart: ScalpChart,
    positions_mm: PointsMM,
    redip_before: BoolArray,
    *,
    caption: str,
    direct_travel_mm: float,
) -> ImageRGB:
    """A device program's path on the scalp chart, coloured from start to end.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        For the hairline drawn under the path.
    chart : ScalpChart
        The head's scalp chart (forward up).
    positions_mm : (m, 3) ndarray of float
        Impressions in execution order, millimetres, head frame.
    redip_before : (m,) ndarray of bool
        Re-dip breaks, marked with a black tick.
    caption : str
        Line of text above the chart.
    direct_travel_mm : float
        Legs longer than this (flown over the safe shell) are drawn as thin grey lines.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The chart: steps coloured by time (dark blue first, yellow last), start ringed
        green, end ringed red, hairline white, grey off the scalp.
    """
    reach = float(np.abs(chart.uv_mm).max())
    size = int(np.ceil(2 * reach * TOUR_PX_PER_MM))
    canvas = np.full((size, size, 3), 225, np.uint8)
    corners = _chart_px(chart.uv_mm, reach, TOUR_PX_PER_MM)[chart.faces]
    cv2.fillPoly(canvas, list(np.round(corners).astype(np.int32)), (250, 247, 240))
    line = chart_from_surface(chart, hairline_curve_mm(head, design, chart=chart))
    cv2.polylines(
        canvas,
        [np.round(_chart_px(line, reach, TOUR_PX_PER_MM)).astype(np.int32)],
        False,
        (150, 150, 150),
        2,
        cv2.LINE_AA,
    )
    m = len(positions_mm)
    if m:
        px = np.round(_chart_px(chart_from_surface(chart, positions_mm), reach, TOUR_PX_PER_MM))
        px = px.astype(np.int32)
        steps = np.linalg.norm(np.diff(positions_mm, axis=0), axis=1)
        level = np.linspace(0, 255, max(m - 1, 1)).astype(np.uint8)
        colours = cv2.applyColorMap(level[:, None], cv2.COLORMAP_VIRIDIS)[:, 0, ::-1]
        for k in range(m - 1):
            a, b = (int(px[k, 0]), int(px[k, 1])), (int(px[k + 1, 0]), int(px[k + 1, 1]))
            if steps[k] > direct_travel_mm:
                cv2.line(canvas, a, b, (170, 170, 170), 1, cv2.LINE_AA)
            else:
                cv2.line(canvas, a, b, tuple(int(c) for c in colours[k]), 1, cv2.LINE_AA)
        for x, y in px[np.asarray(redip_before, dtype=bool)]:
            cv2.line(canvas, (int(x) - 3, int(y)), (int(x) + 3, int(y)), (0, 0, 0), 1)
        cv2.circle(canvas, (int(px[0, 0]), int(px[0, 1])), 9, (0, 160, 0), 2, cv2.LINE_AA)
        cv2.circle(canvas, (int(px[-1, 0]), int(px[-1, 1])), 9, (200, 0, 0), 2, cv2.LINE_AA)
    out = np.full((size + 50, size, 3), 255, np.uint8)
    out[50:] = canvas
    _text(out, caption, 10, 20)
    _text(
        out,
        f"scalp chart, forward up, {TOUR_PX_PER_MM:g} px/mm; start green, end red, "
        "colour = time, tick = re-dip, grey = travel over the top",
        10,
        42,
        0.4,
    )
    return out
