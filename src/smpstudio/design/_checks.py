"""Checks of a design: hairline height and placement, drawn zones, and zone densities.

Warnings tell the practitioner something to reconsider, with the distance in millimetres;
errors mark a design that must not go on to a pattern.
"""

import itertools
from dataclasses import dataclass

import numpy as np

from smpstudio._typing import PointsMM
from smpstudio.core import Design, HeadModel
from smpstudio.design._hairline import glabella_height_of, hairline_curve_mm, midline_arc_mm
from smpstudio.design._outlines import inside_outline
from smpstudio.design._zones import region_of_points, scalp_quadrature
from smpstudio.domain import DEFAULTS
from smpstudio.head import ScalpChart, distance_to_surface_mm, scalp_chart


@dataclass(frozen=True, slots=True)
class DesignFinding:
    """One thing a design check found.

    Parameters
    ----------
    severity : {"warning", "error"}
        A warning asks the practitioner to reconsider; an error stops the design.
    code : str
        Stable identifier (``"hairline_low"``, ``"hairline_juvenile"``, ``"hairline_high"``,
        ``"hairline_off_scalp"``, ``"outline_off_scalp"``, ``"scar_outside_treated"``,
        ``"zones_overlap"``, ``"density_high"``, ``"density_low"``).
    message : str
        What was found and why it matters, with the figures.
    distance_mm : float or None
        The distance the finding is about, millimetres (None for densities).
    """

    severity: str
    code: str
    message: str
    distance_mm: float | None


def midline_height_above_glabella_mm(
    head: HeadModel, curve_mm: PointsMM, *, glabella_height_mm: float | None = None
) -> float:
    """Where a hairline crosses the midline, as an arc length up the forehead from mid-glabella.

    Parameters
    ----------
    head : HeadModel
        The surface.
    curve_mm : (n, 3) ndarray of float
        The drawn hairline (:func:`hairline_curve_mm`), head frame millimetres.
    glabella_height_mm : float, optional
        Head-frame height of mid-glabella, millimetres (:func:`glabella_height_of` a design);
        by default ``glabella_height_above_frankfort_mm``.

    Returns
    -------
    float
        Millimetres along the surface in the midline plane (x = 0), as a tape laid on the
        forehead from mid-glabella measures it.
    """
    front = curve_mm[curve_mm[:, 2] > 0]
    order = np.argsort(front[:, 0])
    crossing_y = float(np.interp(0.0, front[order, 0], front[order, 1]))
    if glabella_height_mm is None:
        glabella_height_mm = DEFAULTS["glabella_height_above_frankfort_mm"].value
    return midline_arc_mm(head, glabella_height_mm, crossing_y)


def _mature_height_mm() -> float:
    return float(DEFAULTS["hairline_mfp_above_glabella_mm"].value)


def _half_juvenile_mm() -> float:
    """Half the juvenile offset: a line lower than the mature one by more reads as juvenile."""
    return float(DEFAULTS["hairline_juvenile_forward_mm"].value) / 2


def _drawn_zone_findings(
    head: HeadModel, design: Design, chart: ScalpChart | None
) -> list[DesignFinding]:
    drawn = [z for z in design.zones if z.kind != "region"]
    if not drawn:
        return []
    chart = scalp_chart(head) if chart is None else chart
    points, _, area = scalp_quadrature(head)
    inside = []
    findings = []
    for zone in drawn:
        assert zone.outline_mm is not None
        inside.append(inside_outline(chart, zone.outline_mm, points))
        if not inside[-1].any():
            findings.append(
                DesignFinding(
                    "warning",
                    "outline_off_scalp",
                    f"zone {zone.zone_id} ({zone.kind} '{zone.name}') covers no scalp",
                    None,
                )
            )
        elif zone.kind == "scar":
            at = np.flatnonzero(inside[-1])
            untreated = region_of_points(head, design, points[at], chart=chart) < 0
            outside_cm2 = float(area[at[untreated]].sum()) / 100.0
            if outside_cm2 > 0:
                findings.append(
                    DesignFinding(
                        "warning",
                        "scar_outside_treated",
                        f"{outside_cm2:.1f} cm² of scar '{zone.name}' lies outside the "
                        "treated region (in front of the hairline or below the lower limit): "
                        "dots there stand out unless the hair around is kept shaved",
                        None,
                    )
                )
    for (i, a), (j, b) in itertools.combinations(enumerate(drawn), 2):
        overlap_cm2 = float(area[inside[i] & inside[j]].sum()) / 100.0
        if overlap_cm2 > 0:
            findings.append(
                DesignFinding(
                    "error",
                    "zones_overlap",
                    f"zones {a.zone_id} ({a.kind} '{a.name}') and {b.zone_id} ({b.kind} "
                    f"'{b.name}') overlap by {overlap_cm2:.2f} cm²: redraw one so that every "
                    "point has one zone",
                    None,
                )
            )
    return findings


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
        as loss progresses); for a client of ``hairline_mature_by_age_years`` or more, a
        line more than half the juvenile offset below the rule of 8's mature height;
        control points off the scalp; a scar or exclusion that covers no scalp; a scar
        partly outside the treated region (with that part's area). Errors: two scars or
        exclusions that overlap (with the overlap's area); a zone's density outside
        ``min_design_density_per_cm2`` … ``max_design_density_per_cm2`` (exclusions,
        density 0, aside).
    """
    findings: list[DesignFinding] = []
    curve = hairline_curve_mm(head, design, chart=chart)
    height = midline_height_above_glabella_mm(
        head, curve, glabella_height_mm=glabella_height_of(design)
    )
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
    elif (
        design.client_age_years is not None
        and design.client_age_years >= DEFAULTS["hairline_mature_by_age_years"].value
        and height < (juvenile_below := _mature_height_mm() - _half_juvenile_mm())
    ):
        age = design.client_age_years
        findings.append(
            DesignFinding(
                "warning",
                "hairline_juvenile",
                f"the hairline crosses the midline {height:.0f} mm above mid-glabella: a "
                f"juvenile height for a client of {age:g} years, {juvenile_below - height:.0f} "
                f"mm below the {juvenile_below:.1f} mm from which a line reads as mature "
                "(the hairline matures by 18–29 years, domain.md §4 [Rassman2013-Phenotype]; "
                "plan for further loss)",
                juvenile_below - height,
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
    findings += _drawn_zone_findings(head, design, chart)
    lowest, highest = (DEFAULTS[f"{e}_design_density_per_cm2"].value for e in ("min", "max"))
    for zone in (z for z in design.zones if z.kind != "exclusion"):
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
