"""Head model: a metric scalp surface in the head frame, and each photo registered to it."""

from smpstudio.head._coverage import (
    MIN_SEEN_FRACTION,
    SCALP_REGIONS,
    hair_coverage,
    hair_seen_by_view,
    scalp_region_of_faces,
)
from smpstudio.head._ellipsoid import ellipsoid_axes_mm, fit_ellipsoid_head
from smpstudio.head._registration import (
    face_template_mm,
    register_frontal_view,
)
from smpstudio.head._surface import (
    cast_rays_mm,
    closest_points_on_triangles,
    distance_to_surface_mm,
)

__all__ = [
    "MIN_SEEN_FRACTION",
    "SCALP_REGIONS",
    "cast_rays_mm",
    "closest_points_on_triangles",
    "distance_to_surface_mm",
    "ellipsoid_axes_mm",
    "face_template_mm",
    "fit_ellipsoid_head",
    "hair_coverage",
    "hair_seen_by_view",
    "register_frontal_view",
    "scalp_region_of_faces",
]
