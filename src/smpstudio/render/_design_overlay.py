"""Pictures of the design: zones tinted and the hairline drawn on each photo and a turntable.

A practitioner checks a design by eye before any dot is placed: the zones must sit where
the consultation put them in every photo, and the hairline must run where it was agreed.
"""

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import ImageRGB, PointsMM
from smpstudio.core import Camera, Design, HeadModel, Zone
from smpstudio.design import FALLBACK_ZONE, hairline_curve_mm, zone_of_points
from smpstudio.head import ScalpChart, scalp_chart
from smpstudio.render._head_overlay import turntable
from smpstudio.render._head_view import seen_surface

ZONE_RGB = {
    "hairline band": (214, 39, 40),
    "frontal": (255, 127, 14),
    "mid-scalp": (44, 160, 44),
    FALLBACK_ZONE: (44, 160, 44),
    "crown": (148, 103, 189),
    "temples": (31, 119, 180),
    "blend": (188, 189, 34),
}
"""Tint of each region zone by name (a region of another name is drawn grey)."""
DRAWN_ZONE_RGB = {"scar": (227, 119, 194), "exclusion": (40, 40, 40)}
"""Tint of scars and exclusions, whatever their names."""


def zone_rgb(zone: Zone) -> tuple[int, int, int]:
    """The tint a zone is drawn in.

    Parameters
    ----------
    zone : Zone
        A design zone.

    Returns
    -------
    tuple of int
        sRGB 0–255: ``DRAWN_ZONE_RGB`` by kind for scars and exclusions, else ``ZONE_RGB``
        by name, else grey.
    """
    return DRAWN_ZONE_RGB.get(zone.kind, ZONE_RGB.get(zone.name, (128, 128, 128)))


ZONE_ALPHA = 0.4
"""Opacity of the zone tint over the photo or render."""
HAIRLINE_RGB = (15, 15, 15)
HAIRLINE_HALF_WIDTH_PX = 1.2
"""Pixels whose surface point lies within this many pixels' width of the drawn hairline are
painted as the line."""


def _paint_design(
    image: ImageRGB,
    seen_mm: PointsMM,
    pixel_mm: float,
    head: HeadModel,
    design: Design,
    chart: ScalpChart,
) -> ImageRGB:
    """Tint each pixel by the zone of the surface point it sees; draw the hairline."""
    out = image.astype(np.float64)
    rows, cols = np.nonzero(np.isfinite(seen_mm[..., 0]))
    points = seen_mm[rows, cols]
    zone = zone_of_points(head, design, points, chart=chart)
    colours = np.array([zone_rgb(z) for z in design.zones], dtype=np.float64)
    tinted = zone >= 0
    r, c = rows[tinted], cols[tinted]
    out[r, c] = (1 - ZONE_ALPHA) * out[r, c] + ZONE_ALPHA * colours[zone[tinted]]
    curve = hairline_curve_mm(head, design, chart=chart)
    near, _ = cKDTree(curve).query(points, distance_upper_bound=HAIRLINE_HALF_WIDTH_PX * pixel_mm)
    on_line = np.isfinite(near)
    out[rows[on_line], cols[on_line]] = HAIRLINE_RGB
    return np.round(out).astype(np.uint8)


def design_overlay(
    image: ImageRGB,
    head: HeadModel,
    design: Design,
    camera: Camera,
    *,
    chart: ScalpChart | None = None,
) -> ImageRGB:
    """The photo with the design's zones tinted and its hairline drawn where the head is seen.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The photo, sRGB.
    head : HeadModel
        The head model (head frame, millimetres).
    design : Design
        Hairline and zones.
    camera : Camera
        The photo's registered camera.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        A copy of the photo: each pixel where the head model is seen is tinted by its zone
        (``ZONE_RGB``, opacity ``ZONE_ALPHA``); the drawn hairline is a dark line.
    """
    h, w = image.shape[:2]
    chart = scalp_chart(head) if chart is None else chart
    seen, _ = seen_surface(head, camera, w, h)
    _, depth = camera.project(head.vertices_mm.mean(axis=0, keepdims=True))
    return _paint_design(image, seen, float(depth[0]) / camera.fx_px, head, design, chart)


def design_turntable(
    head: HeadModel,
    design: Design,
    *,
    tile_px: int = 320,
    field_mm: float = 320.0,
    chart: ScalpChart | None = None,
) -> ImageRGB:
    """Eight shaded views of the head with the design's zones and hairline.

    Parameters
    ----------
    head : HeadModel
        The head model.
    design : Design
        Hairline and zones.
    tile_px : int, optional
        Side of each view, pixels.
    field_mm : float, optional
        Side of each view's field, millimetres.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    (2·tile_px, 4·tile_px, 3) ndarray of uint8
        The views of :func:`turntable`, tinted as in :func:`design_overlay`.
    """
    scalp = scalp_chart(head) if chart is None else chart

    def paint(tile: ImageRGB, seen: PointsMM) -> ImageRGB:
        return _paint_design(tile, seen, field_mm / tile_px, head, design, scalp)

    return turntable(head, tile_px=tile_px, field_mm=field_mm, paint=paint)
