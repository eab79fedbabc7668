"""Pattern: follicle-like impressions on the head surface."""

from smpstudio.pattern._poisson import CANDIDATES_PER_POINT, radius_for_density_mm
from smpstudio.pattern._statistics import (
    HEXAGONAL_DENSITY_SPACING2,
    density_per_zone,
    hexagonal_spacing_mm,
    largest_hole_spacings,
    nearest_neighbour_distances_mm,
    pair_correlation,
    relative_radius,
)
from smpstudio.pattern._synthesis import synthesize_impressions

__all__ = [
    "CANDIDATES_PER_POINT",
    "HEXAGONAL_DENSITY_SPACING2",
    "density_per_zone",
    "hexagonal_spacing_mm",
    "largest_hole_spacings",
    "nearest_neighbour_distances_mm",
    "pair_correlation",
    "radius_for_density_mm",
    "relative_radius",
    "synthesize_impressions",
]
