"""Head model: a metric scalp surface in the head frame, and each photo registered to it."""

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
    "cast_rays_mm",
    "closest_points_on_triangles",
    "distance_to_surface_mm",
    "ellipsoid_axes_mm",
    "face_template_mm",
    "fit_ellipsoid_head",
    "register_frontal_view",
]
