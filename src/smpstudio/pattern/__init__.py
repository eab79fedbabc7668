"""Pattern: follicle-like impressions on the head surface."""

from smpstudio.pattern._blue_noise import (
    BlueNoise,
    blue_noise_on_mesh,
    progressive_order,
    stratified_points,
    systematic_counts,
)
from smpstudio.pattern._report import PatternReport, pattern_report
from smpstudio.pattern._statistics import (
    HEXAGONAL_DENSITY_SPACING2,
    closest_pair_spacings,
    density_per_zone,
    hexagonal_spacing_mm,
    largest_hole_spacings,
    nearest_neighbour_distances_mm,
    pair_correlation,
    relative_radius,
)
from smpstudio.pattern._synthesis import (
    MAX_IMPRESSIONS_PER_FU,
    DensityMap,
    FollicularUnits,
    follicular_units,
    fu_density_map,
    fu_size_shares,
    impressions_of_units,
    impressions_per_unit,
    synthesize_impressions,
    tilted_size_shares,
    unit_offsets_mm,
)

__all__ = [
    "HEXAGONAL_DENSITY_SPACING2",
    "MAX_IMPRESSIONS_PER_FU",
    "BlueNoise",
    "DensityMap",
    "FollicularUnits",
    "PatternReport",
    "blue_noise_on_mesh",
    "closest_pair_spacings",
    "density_per_zone",
    "follicular_units",
    "fu_density_map",
    "fu_size_shares",
    "hexagonal_spacing_mm",
    "impressions_of_units",
    "impressions_per_unit",
    "largest_hole_spacings",
    "nearest_neighbour_distances_mm",
    "pair_correlation",
    "pattern_report",
    "progressive_order",
    "relative_radius",
    "stratified_points",
    "synthesize_impressions",
    "systematic_counts",
    "tilted_size_shares",
    "unit_offsets_mm",
]
