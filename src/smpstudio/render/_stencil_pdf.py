"""A printable design for practitioners who work by hand: hairline stencil and zone map.

Page 1 is the hairline at true scale, laid flat as a tape on the forehead measures it
(:func:`smpstudio.design.developed_hairline_mm`), to cut out and lay on the brows. Page 2 is
the zone map in the scalp chart at 1:2 with each zone's area, density and dot spacing. Both
pages carry a scale bar to measure: a printer that scales the page shows at once.

The PDF is drawn with fpdf2 (LGPL-3.0) in millimetres; its own unit is the point (1/72 in).
"""

from datetime import UTC, datetime

import cv2
import numpy as np
from fpdf import FPDF

from smpstudio._typing import FloatArray
from smpstudio.core import Design, HeadModel, Zone
from smpstudio.design import (
    developed_hairline_mm,
    hairline_curve_mm,
    zone_areas_cm2,
    zone_of_points,
)
from smpstudio.head import ScalpChart, chart_from_surface, scalp_chart, surface_from_chart
from smpstudio.render._design_overlay import zone_rgb

SCALE_BAR_MM = 100.0
"""Length of the stencil's scale bar, millimetres on paper."""
ZONE_MAP_SCALE = 0.5
"""Paper millimetres per scalp-chart millimetre on the zone map (1:2)."""
_GRID_MM = 1.0
_MARGIN_MM = 15.0


def _hex_spacing_mm(density_per_cm2: float) -> float:
    """Centre spacing of a hexagonal grid with this many dots per cm², millimetres."""
    return float(np.sqrt(2.0 / (np.sqrt(3.0) * density_per_cm2 / 100.0)))


def _scale_bar(pdf: FPDF, x_mm: float, y_mm: float, length_mm: float, label: str) -> None:
    pdf.set_line_width(0.4)
    pdf.line(x_mm, y_mm, x_mm + length_mm, y_mm)
    for end in (x_mm, x_mm + length_mm):
        pdf.line(end, y_mm - 2.0, end, y_mm + 2.0)
    pdf.set_font("Helvetica", size=9)
    pdf.text(x_mm, y_mm + 6.0, label)


def _stencil_page(pdf: FPDF, developed: FloatArray, control: FloatArray, style: str) -> None:
    pdf.add_page(orientation="L")
    width = pdf.w
    centre_x, base_y = width / 2, 150.0
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.text(_MARGIN_MM, _MARGIN_MM, f"Hairline stencil ({style}), true scale: cut along the line")
    pdf.set_font("Helvetica", size=9)
    pdf.text(
        _MARGIN_MM,
        _MARGIN_MM + 6,
        "Lay the baseline along the brows at mid-glabella height, the midline mark on the "
        "glabella. Lengths are tape lengths on the forehead.",
    )
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.line(_MARGIN_MM, base_y, width - _MARGIN_MM, base_y)
    pdf.line(centre_x, base_y + 6.0, centre_x, base_y - 100.0)
    pdf.text(centre_x + 1.5, base_y + 5.0, "midline / glabella")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.35)
    points = [(centre_x + a, base_y - u) for a, u in developed]
    pdf.polyline(points)
    for k, (a, u) in enumerate(control):
        pdf.circle(x=centre_x + a, y=base_y - u, radius=1.2, style="D")
        pdf.text(centre_x + a + 2.0, base_y - u - 2.0, str(k))
    _scale_bar(
        pdf,
        _MARGIN_MM,
        pdf.h - _MARGIN_MM - 8.0,
        SCALE_BAR_MM,
        f"{SCALE_BAR_MM:.0f} mm: measure this bar; if it is not {SCALE_BAR_MM:.0f} mm, print "
        "again at 100 % (no 'fit to page')",
    )


def _zone_legend(zone: Zone, area_cm2: float) -> str:
    """One legend line: the zone, its area and its dot guidance."""
    name = zone.name if zone.kind == "region" else f"{zone.kind} '{zone.name}'"
    if zone.kind == "exclusion":
        return f"{name}: {area_cm2:.1f} cm², do not tattoo"
    spacing = _hex_spacing_mm(zone.density_per_cm2)
    guidance = (
        f"{zone.density_per_cm2:g} impressions/cm² = {zone.fu_density_per_cm2:g} FU/cm² "
        f"(dots about {spacing:.1f} mm apart)"
        if zone.name != "blend"
        else f"up to {zone.density_per_cm2:g} impressions/cm² on bare scalp, fewer where "
        "hair remains"
    )
    area = f"{area_cm2:.0f}" if zone.kind == "region" else f"{area_cm2:.1f}"
    return f"{name}: {area} cm², {guidance}, {zone.dot_diameter_mm:g} mm healed dots"


def _zone_map_page(pdf: FPDF, head: HeadModel, design: Design, chart: ScalpChart) -> None:
    pdf.add_page(orientation="P")
    reach = float(np.abs(chart.uv_mm).max())
    axis = np.arange(-reach, reach + _GRID_MM, _GRID_MM)
    u, v = np.meshgrid(axis, axis[::-1])  # rows from forward (top of the page) back
    points = surface_from_chart(chart, np.column_stack([u.ravel(), v.ravel()]))
    labels = np.full(len(points), -1, dtype=np.int64)
    known = np.isfinite(points[:, 0])
    labels[known] = zone_of_points(head, design, points[known], chart=chart)
    labels = labels.reshape(u.shape)
    left = (pdf.w - 2 * reach * ZONE_MAP_SCALE) / 2
    top = 35.0

    def to_page(col: FloatArray, row: FloatArray) -> list[tuple[float, float]]:
        return [
            (
                left + float(c) * _GRID_MM * ZONE_MAP_SCALE,
                top + float(r) * _GRID_MM * ZONE_MAP_SCALE,
            )
            for c, r in zip(col, row, strict=True)
        ]

    pdf.set_font("Helvetica", style="B", size=12)
    pdf.text(_MARGIN_MM, _MARGIN_MM, "Zone map in the scalp chart, 1:2 (forward at the top)")
    pdf.set_line_width(0.1)
    areas = zone_areas_cm2(head, design, chart=chart)
    # outer outlines only: largest zone first, so a zone lying inside another (the crown in
    # the mid-scalp) is painted over it
    for zone in sorted(design.zones, key=lambda z: -areas[z.zone_id]):
        mask = (labels == zone.zone_id).astype(np.uint8)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        pdf.set_fill_color(*zone_rgb(zone))
        for contour in contours:
            if len(contour) >= 3:
                pdf.polygon(to_page(contour[:, 0, 0], contour[:, 0, 1]), style="F")
    line = chart_from_surface(chart, hairline_curve_mm(head, design, chart=chart))
    pdf.set_line_width(0.3)
    pdf.polyline(to_page((line[:, 0] + reach) / _GRID_MM, (reach - line[:, 1]) / _GRID_MM))
    y = top + 2 * reach * ZONE_MAP_SCALE + 10.0
    pdf.set_font("Helvetica", size=9)
    for zone in design.zones:
        pdf.set_fill_color(*zone_rgb(zone))
        pdf.rect(_MARGIN_MM, y - 3.0, 4.0, 4.0, style="F")
        pdf.text(_MARGIN_MM + 6.0, y, _zone_legend(zone, areas[zone.zone_id]))
        y += 6.0
    _scale_bar(
        pdf,
        _MARGIN_MM,
        pdf.h - _MARGIN_MM - 8.0,
        SCALE_BAR_MM * ZONE_MAP_SCALE,
        f"{SCALE_BAR_MM * ZONE_MAP_SCALE:.0f} mm on paper = {SCALE_BAR_MM:.0f} mm "
        "on the scalp chart",
    )


def design_stencil_pdf(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> bytes:
    """The printable design: hairline stencil at true scale and the zone map.

    Parameters
    ----------
    head : HeadModel
        The head model.
    design : Design
        Hairline and zones.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    bytes
        A two-page A4 PDF (uncompressed content, so that its drawing can be read back;
        dated 1970-01-01 so that the same design always gives the same bytes).
    """
    chart = scalp_chart(head) if chart is None else chart
    developed = developed_hairline_mm(head, design, chart=chart)
    curve = hairline_curve_mm(head, design, chart=chart)
    nearest = [int(np.argmin(np.linalg.norm(curve - p, axis=1))) for p in design.hairline_mm]
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_compression(False)
    # the same plan must give the same bytes (as every other output does): the file carries
    # the Unix epoch as its creation date, the reproducible-builds convention
    pdf.set_creation_date(datetime(1970, 1, 1, tzinfo=UTC))
    pdf.set_title("SMP Studio design")
    pdf.set_creator("SMP Studio")
    _stencil_page(pdf, developed, developed[nearest], design.style)
    _zone_map_page(pdf, head, design, chart)
    return bytes(pdf.output())
