"""The measured figures of a synthesised pattern, for ``smp pattern`` and the report."""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import FloatArray
from smpstudio.core import Design, Pattern
from smpstudio.domain import DEFAULTS
from smpstudio.pattern._statistics import (
    closest_pair_spacings,
    hexagonal_spacing_mm,
    largest_hole_spacings,
    pair_correlation,
)
from smpstudio.pattern._synthesis import DensityMap, FollicularUnits

INTERIOR_MM = 3.0
"""Holes are searched this far or further inside the treated area's border (the stray
units' margin ahead of the hairline counts as outside: it is feathered on purpose)."""

RING_SPACINGS = 4.0
"""g(r) is measured to this many spacings, about centres this far inside the border."""


@dataclass(frozen=True, slots=True)
class PatternReport:
    """What a pattern measures, against what the design asked.

    Parameters
    ----------
    zones : tuple of dict
        Per design zone: ``name``, ``area_cm2``, ``target_units_per_cm2``,
        ``units_per_cm2``, ``impressions_per_cm2`` and ``unit_error`` (realised over
        target, minus 1).
    closest_pair_spacings : float
        Closest two unit centres, in their mean local hexagonal spacing.
    largest_hole_spacings : float
        Radius of the largest empty circle among the units, in local spacings.
    prefixes : tuple of dict
        Per session share (cumulative): ``share``, ``closest_pair_spacings`` and
        ``largest_hole_spacings`` of that prefix, in spacings of its own density.
    edges : (bins + 1,) ndarray of float
        Bin edges of the pair-correlation functions, in local spacings.
    g_units : (bins,) ndarray of float
        Pair correlation of the unit centres.
    g_impressions : (bins,) ndarray of float
        Pair correlation of the impressions, in the spacing of the impression density.
    """

    zones: tuple[dict[str, float | str], ...]
    closest_pair_spacings: float
    largest_hole_spacings: float
    prefixes: tuple[dict[str, float], ...]
    edges: FloatArray
    g_units: FloatArray
    g_impressions: FloatArray

    def as_json(self) -> dict[str, object]:
        """A JSON-ready summary (the g curves as lists)."""
        return {
            "zones": list(self.zones),
            "closest_pair_spacings": self.closest_pair_spacings,
            "largest_hole_spacings": self.largest_hole_spacings,
            "prefixes": list(self.prefixes),
            "pair_correlation": {
                "edges_spacings": self.edges.tolist(),
                "units": self.g_units.tolist(),
                "impressions": self.g_impressions.tolist(),
            },
        }


def pattern_report(
    design: Design, density_map: DensityMap, units: FollicularUnits, pattern: Pattern
) -> PatternReport:
    """Measure a pattern against its density map.

    Parameters
    ----------
    design : Design
        For the zones' names.
    density_map : DensityMap
        The target the units were placed at.
    units : FollicularUnits
        The unit centres, in placing order.
    pattern : Pattern
        Their impressions.

    Returns
    -------
    PatternReport
        Densities per zone, spacing, holes, session prefixes and g(r).
    """
    has = density_map.zone_id >= 0
    area = np.bincount(
        density_map.zone_id[has], weights=density_map.area_mm2[has], minlength=len(design.zones)
    )
    expected = density_map.expected_units()
    unit_counts = np.bincount(units.zone_id[units.zone_id >= 0], minlength=len(design.zones))
    dot_counts = np.bincount(pattern.zone_id[pattern.zone_id >= 0], minlength=len(design.zones))
    zones: list[dict[str, float | str]] = []
    for zone in design.zones:
        cm2 = float(area[zone.zone_id]) / 100.0
        target = expected.get(zone.zone_id, 0.0)
        zones.append(
            {
                "name": zone.name,
                "area_cm2": cm2,
                "target_units_per_cm2": target / cm2 if cm2 else 0.0,
                "units_per_cm2": float(unit_counts[zone.zone_id]) / cm2 if cm2 else 0.0,
                "impressions_per_cm2": float(dot_counts[zone.zone_id]) / cm2 if cm2 else 0.0,
                "unit_error": float(unit_counts[zone.zone_id]) / target - 1.0 if target else 0.0,
            }
        )
    treated = density_map.fu_density_per_cm2 > 0
    # the border: where no units go, and the strays' margin ahead of the hairline
    untreated = cKDTree(density_map.points_mm[~treated | density_map.ahead_of_line])
    inside = treated & (untreated.query(density_map.points_mm)[0] > INTERIOR_MM)
    probes = density_map.points_mm[inside]
    probe_spacing = hexagonal_spacing_mm(density_map.fu_density_per_cm2[inside])
    centres, spacing = units.centres_mm, units.spacing_mm
    prefixes = []
    for share in (
        DEFAULTS["first_session_share"].value,
        DEFAULTS["second_session_share"].value,
    ):
        k = round(share * len(centres))
        prefixes.append(
            {
                "share": share,
                "closest_pair_spacings": closest_pair_spacings(
                    centres[:k], spacing[:k] / np.sqrt(share)
                ),
                "largest_hole_spacings": largest_hole_spacings(
                    centres[:k], probes, probe_spacing / np.sqrt(share)
                ),
            }
        )
    far = untreated.query(centres)[0] > RING_SPACINGS * spacing + INTERIOR_MM
    edges, g_units = pair_correlation(centres, spacing, centres=far, max_spacings=RING_SPACINGS)
    dot_spacing = spacing[pattern.fu_id] / np.sqrt(units.impressions_per_fu[pattern.fu_id])
    dot_far = far[pattern.fu_id]
    _, g_dots = pair_correlation(
        pattern.positions_mm, dot_spacing, centres=dot_far, max_spacings=RING_SPACINGS
    )
    return PatternReport(
        zones=tuple(zones),
        closest_pair_spacings=closest_pair_spacings(centres, spacing),
        largest_hole_spacings=largest_hole_spacings(centres, probes, probe_spacing),
        prefixes=tuple(prefixes),
        edges=edges,
        g_units=g_units,
        g_impressions=g_dots,
    )
