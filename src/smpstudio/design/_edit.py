"""Edits of a design in millimetres: zones' targets, the whorl, the band.

Each edit returns a new design and leaves the one given unchanged; the hairline's control
points move with :func:`smpstudio.design.move_control_point`.
"""

import dataclasses

from smpstudio.core import Design, HeadModel
from smpstudio.design._hairline import moved_in_chart
from smpstudio.design._zones import whorl_point_mm
from smpstudio.errors import PlanValidationError
from smpstudio.head import ScalpChart, scalp_chart


def set_zone_target(
    design: Design,
    name: str,
    *,
    density_per_cm2: float | None = None,
    dot_diameter_mm: float | None = None,
    impressions_per_fu: float | None = None,
) -> Design:
    """The design with one zone's target density or dot size changed.

    Parameters
    ----------
    design : Design
        The design to edit (not changed).
    name : str
        The zone's name.
    density_per_cm2 : float, optional
        New target impressions (not follicular units) per cm².
    dot_diameter_mm : float, optional
        New planned healed dot diameter, millimetres.
    impressions_per_fu : float, optional
        New impressions per follicular unit (the target follicular units per cm² follow).

    Returns
    -------
    Design
        With that zone changed.

    Raises
    ------
    PlanValidationError
        If no zone has that name (the message lists the names), the zone is an exclusion
        and a density is given, or a value is not positive.
    """
    matches = [z for z in design.zones if z.name == name]
    if not matches:
        names = ", ".join(repr(z.name) for z in design.zones)
        raise PlanValidationError(f"the design has no zone {name!r}; its zones are {names}")
    zone = matches[0]
    if zone.kind == "exclusion" and density_per_cm2 is not None:
        raise PlanValidationError(f"'{name}' is an exclusion: nothing is placed there")
    changed = dataclasses.replace(
        zone,
        density_per_cm2=zone.density_per_cm2 if density_per_cm2 is None else density_per_cm2,
        dot_diameter_mm=zone.dot_diameter_mm if dot_diameter_mm is None else dot_diameter_mm,
        impressions_per_fu=zone.impressions_per_fu
        if impressions_per_fu is None
        else impressions_per_fu,
    )
    zones = tuple(changed if z.zone_id == zone.zone_id else z for z in design.zones)
    return dataclasses.replace(design, zones=zones)


def move_whorl(
    head: HeadModel,
    design: Design,
    delta_uv_mm: tuple[float, float],
    *,
    chart: ScalpChart | None = None,
) -> Design:
    """The design with the crown's whorl moved in the scalp chart.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        The design to edit (not changed).
    delta_uv_mm : tuple of float
        The move: (Δu to the client's left, Δv forward), millimetres.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    Design
        With ``whorl_mm`` set; the crown zone follows it.

    Raises
    ------
    PlanValidationError
        If the move takes the whorl off the scalp.
    """
    chart = scalp_chart(head) if chart is None else chart
    whorl = whorl_point_mm(chart) if design.whorl_mm is None else design.whorl_mm
    return dataclasses.replace(
        design, whorl_mm=moved_in_chart(chart, whorl, delta_uv_mm, what="the whorl")
    )
