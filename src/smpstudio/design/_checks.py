"""Checks of a design: hairline height and placement, and zone densities.

Warnings tell the practitioner something to reconsider, with the distance in millimetres;
errors mark a design that must not go on to a pattern.
"""

from dataclasses import dataclass

import numpy as np

from smpstudio._typing import PointsMM
from smpstudio.core import Design, HeadModel
from smpstudio.design._hairline import hairline_curve_mm
from smpstudio.domain import DEFAULTS
from smpstudio.head import ScalpChart, cast_rays_mm, distance_to_surface_mm

_MIDLINE_SAMPLES = 400


@dataclass(frozen=True, slots=True)
class DesignFinding:
    """One thing a design check found.

    Parameters
    ----------
    severity : {"warning", "error"}
        A warning asks the practitioner to reconsider; an error stops the design.
    code : str
        Stable identifier (``"hairline_low"``, ``"hairline_high"``, ``"hairline_off_scalp"``,
        ``"density_high"``, ``"density_low"``).
    message : str
        What was found and why it matters, with the figures.
    distance_mm : float or None
        The distance the finding is about, millimetres (None for densities).
    """

    severity: str
    code: str
    message: str
    distance_mm: float | None


def midline_height_above_glabella_mm(head: HeadModel, curve_mm: PointsMM) -> float:
    """Where a hairline crosses the midline, as an arc length up the forehead from mid-glabella.

    Parameters
    ----------
    head : HeadModel
        The surface.
    curve_mm : (n, 3) ndarray of float
        The drawn hairline (:func:`hairline_curve_mm`), head frame millimetres.

    Returns
    -------
    float
        Millimetres along the surface in the midline plane (x = 0), as a tape laid on the
        forehead from mid-glabella (``glabella_height_above_frankfort_mm``) measures it.
    """
    front = curve_mm[curve_mm[:, 2] > 0]
    order = np.argsort(front[:, 0])
    crossing_y = float(np.interp(0.0, front[order, 0], front[order, 1]))
    glabella = DEFAULTS["glabella_height_above_frankfort_mm"].value
    heights = np.linspace(glabella, crossing_y, _MIDLINE_SAMPLES)
    origins = np.column_stack([np.zeros_like(heights), heights, np.zeros_like(heights)])
    midline = cast_rays_mm(head, origins, np.tile([0.0, 0.0, 1.0], (len(heights), 1)))
    midline = midline[np.all(np.isfinite(midline), axis=1)]
    return float(np.linalg.norm(np.diff(midline, axis=0), axis=1).sum())


def check_design(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> tuple[DesignFinding, ...]:
    """Check a design's hairline and densities.

    Parameters
    ----------
    head : HeadModel
        The surface, scalp marked.
    design : Design
        The design.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    tuple of DesignFinding
        Warnings: the mid-frontal point below 70 mm or above 100 mm from mid-glabella (the
        7–10 cm rule, [Shapiro2013], ``domain.md`` §4: a low line is hard to keep convincing
        as loss progresses); control points off the scalp. Errors: a zone's density outside
        ``min_design_density_per_cm2`` … ``max_design_density_per_cm2``.
    """
    findings: list[DesignFinding] = []
    curve = hairline_curve_mm(head, design, chart=chart)
    height = midline_height_above_glabella_mm(head, curve)
    low, high = (DEFAULTS[f"hairline_mfp_{e}_above_glabella_mm"].value for e in ("min", "max"))
    if height < low:
        findings.append(
            DesignFinding(
                "warning",
                "hairline_low",
                f"the hairline crosses the midline {height:.0f} mm above mid-glabella, "
                f"{low - height:.0f} mm lower than the {low:.0f} mm the 7–10 cm rule allows "
                "(domain.md §4): a low hairline is hard to keep convincing as hair loss "
                "progresses",
                low - height,
            )
        )
    elif height > high:
        findings.append(
            DesignFinding(
                "warning",
                "hairline_high",
                f"the hairline crosses the midline {height:.0f} mm above mid-glabella, "
                f"{height - high:.0f} mm higher than the {high:.0f} mm of the 7–10 cm rule "
                "(domain.md §4): it may read as receded",
                height - high,
            )
        )
    off = distance_to_surface_mm(head, design.hairline_mm, faces=head.scalp_faces)
    for i in np.flatnonzero(off > DEFAULTS["hairline_off_scalp_tolerance_mm"].value):
        findings.append(
            DesignFinding(
                "warning",
                "hairline_off_scalp",
                f"hairline control point {i} lies {off[i]:.0f} mm outside the scalp region",
                float(off[i]),
            )
        )
    lowest, highest = (DEFAULTS[f"{e}_design_density_per_cm2"].value for e in ("min", "max"))
    for zone in design.zones:
        if not lowest <= zone.density_per_cm2 <= highest:
            code = "density_high" if zone.density_per_cm2 > highest else "density_low"
            findings.append(
                DesignFinding(
                    "error",
                    code,
                    f"zone {zone.zone_id} ({zone.name}) asks {zone.density_per_cm2:g} "
                    f"impressions/cm²; the accepted range is {lowest:g}–{highest:g} "
                    "(unsourced defaults the practitioner can edit)",
                    None,
                )
            )
    return tuple(findings)
