"""Head model: a metric scalp surface in the head frame, and each photo registered to it."""

from smpstudio.head._align import (
    FIVE_POINT_LANDMARKS,
    FaceAlignment,
    align_scan_by_face,
    head_frame_from_points,
    splat_pinholes,
    splat_render,
    surface_samples,
    view_rotation,
)
from smpstudio.head._chart import (
    ScalpChart,
    chart_from_surface,
    chart_stretch,
    scalp_chart,
    surface_from_chart,
)
from smpstudio.head._coverage import (
    MIN_SEEN_FRACTION,
    SCALP_REGIONS,
    hair_coverage,
    hair_seen_by_view,
    hair_share_of_faces,
    scalp_region_of_faces,
)
from smpstudio.head._ellipsoid import ellipsoid_axes_mm, fit_ellipsoid_head
from smpstudio.head._fit import (
    FIT_MODES,
    HeadFit,
    IdentityBasis,
    ViewFit,
    fit_head_to_views,
    ict_identity_basis,
)
from smpstudio.head._from_scan import (
    HEAD_BREADTH_RANGE_MM,
    ScanHead,
    head_from_scan,
    mm_per_unit_for_head_breadth,
)
from smpstudio.head._geodesic import cotangent_laplacian, geodesic_distance_mm
from smpstudio.head._measure import HeadMeasures, horizontal_section, measure_head
from smpstudio.head._raster import rasterize_head
from smpstudio.head._registration import (
    face_template_mm,
    register_frontal_view,
)
from smpstudio.head._remesh import (
    SCALP_EDGE_MM,
    ScalpRemesh,
    head_centre_mm,
    mark_scalp,
    remesh_scalp,
)
from smpstudio.head._sampling import (
    PACKING_CONSTANT,
    sample_surface_uniform,
    sample_triangles,
    select_poisson_disk,
)
from smpstudio.head._scan import (
    HEAD_SCAN_EXTENT_MM,
    MM_PER_UNIT,
    SCAN_SUFFIXES,
    ImportedScan,
    ScanMesh,
    clean_surface,
    load_scan,
    scan_units,
)
from smpstudio.head._surface import (
    cast_rays_mm,
    closest_faces,
    closest_points_on_triangles,
    distance_to_surface_mm,
    points_at_barycentric,
    region_area_cm2,
)
from smpstudio.head._topology import (
    edge_lengths_mm,
    face_normals_areas,
    neighbouring_faces,
    normal_steps_deg,
    undirected_edges,
)
from smpstudio.head._visibility import (
    OCCLUSION_TOLERANCE_MM,
    DepthBuffer,
    depth_buffer,
    project_visible,
)

__all__ = [
    "FIT_MODES",
    "FIVE_POINT_LANDMARKS",
    "HEAD_BREADTH_RANGE_MM",
    "HEAD_SCAN_EXTENT_MM",
    "MIN_SEEN_FRACTION",
    "MM_PER_UNIT",
    "OCCLUSION_TOLERANCE_MM",
    "PACKING_CONSTANT",
    "SCALP_EDGE_MM",
    "SCALP_REGIONS",
    "SCAN_SUFFIXES",
    "DepthBuffer",
    "FaceAlignment",
    "HeadFit",
    "HeadMeasures",
    "IdentityBasis",
    "ImportedScan",
    "ScalpChart",
    "ScalpRemesh",
    "ScanHead",
    "ScanMesh",
    "ViewFit",
    "align_scan_by_face",
    "cast_rays_mm",
    "chart_from_surface",
    "chart_stretch",
    "clean_surface",
    "closest_faces",
    "closest_points_on_triangles",
    "cotangent_laplacian",
    "depth_buffer",
    "distance_to_surface_mm",
    "edge_lengths_mm",
    "ellipsoid_axes_mm",
    "face_normals_areas",
    "face_template_mm",
    "fit_ellipsoid_head",
    "fit_head_to_views",
    "geodesic_distance_mm",
    "hair_coverage",
    "hair_seen_by_view",
    "hair_share_of_faces",
    "head_centre_mm",
    "head_frame_from_points",
    "head_from_scan",
    "horizontal_section",
    "ict_identity_basis",
    "load_scan",
    "mark_scalp",
    "measure_head",
    "mm_per_unit_for_head_breadth",
    "neighbouring_faces",
    "normal_steps_deg",
    "points_at_barycentric",
    "project_visible",
    "rasterize_head",
    "region_area_cm2",
    "register_frontal_view",
    "remesh_scalp",
    "sample_surface_uniform",
    "sample_triangles",
    "scalp_chart",
    "scalp_region_of_faces",
    "scan_units",
    "select_poisson_disk",
    "splat_pinholes",
    "splat_render",
    "surface_from_chart",
    "surface_samples",
    "undirected_edges",
    "view_rotation",
]
