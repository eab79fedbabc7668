"""Pattern: follicle-like impressions on the head surface."""

from smpstudio.pattern._poisson import CANDIDATES_PER_POINT, radius_for_density_mm
from smpstudio.pattern._statistics import nearest_neighbour_distances_mm
from smpstudio.pattern._synthesis import synthesize_impressions

__all__ = [
    "CANDIDATES_PER_POINT",
    "nearest_neighbour_distances_mm",
    "radius_for_density_mm",
    "synthesize_impressions",
]
