"""Design: hairline, zones and target densities on the head surface."""

from smpstudio.design._hairline import (
    HAIRLINE_STYLES,
    default_design,
    hairline_curve_mm,
    point_up_surface_mm,
    rule_of_eight_hairline,
    surface_at,
    treated_region,
    zone_of_points,
)

__all__ = [
    "HAIRLINE_STYLES",
    "default_design",
    "hairline_curve_mm",
    "point_up_surface_mm",
    "rule_of_eight_hairline",
    "surface_at",
    "treated_region",
    "zone_of_points",
]
