"""Design: hairline, zones and target densities on the head surface."""

from smpstudio.design._checks import (
    DesignFinding,
    check_design,
    midline_height_above_glabella_mm,
)
from smpstudio.design._curve import (
    HAIRLINE_STYLES,
    HairlineStyle,
    band_noise,
    catmull_rom_uv,
    hairline_uv,
)
from smpstudio.design._hairline import (
    HAIRLINE_AGES,
    hairline_curve_mm,
    move_control_point,
    point_up_surface_mm,
    rule_of_eight_hairline,
    surface_at,
    treated_region,
)
from smpstudio.design._outlines import (
    OUTLINE_KINDS,
    PHOTO_EDGE_STEP_PX,
    inside_outline,
    outline_from_photo,
    outline_on_surface,
    outline_zones,
    points_in_polygon,
)
from smpstudio.design._stage import (
    LUDWIG_GRADES,
    NORWOOD_STAGES,
    HairLossStage,
    estimate_hair_loss_stage,
)
from smpstudio.design._stencil import developed_hairline_mm
from smpstudio.design._zones import (
    FALLBACK_ZONE,
    ZONE_NAMES,
    default_design,
    default_zones,
    density_of_points,
    region_of_points,
    scalp_quadrature,
    whorl_point_mm,
    zone_areas_cm2,
    zone_of_points,
)

__all__ = [
    "FALLBACK_ZONE",
    "HAIRLINE_AGES",
    "HAIRLINE_STYLES",
    "LUDWIG_GRADES",
    "NORWOOD_STAGES",
    "OUTLINE_KINDS",
    "PHOTO_EDGE_STEP_PX",
    "ZONE_NAMES",
    "DesignFinding",
    "HairLossStage",
    "HairlineStyle",
    "band_noise",
    "catmull_rom_uv",
    "check_design",
    "default_design",
    "default_zones",
    "density_of_points",
    "developed_hairline_mm",
    "estimate_hair_loss_stage",
    "hairline_curve_mm",
    "hairline_uv",
    "inside_outline",
    "midline_height_above_glabella_mm",
    "move_control_point",
    "outline_from_photo",
    "outline_on_surface",
    "outline_zones",
    "point_up_surface_mm",
    "points_in_polygon",
    "region_of_points",
    "rule_of_eight_hairline",
    "scalp_quadrature",
    "surface_at",
    "treated_region",
    "whorl_point_mm",
    "zone_areas_cm2",
    "zone_of_points",
]
