"""Render: the plan drawn onto the client's photos."""

from smpstudio.render._composite import composite_splats
from smpstudio.render._design_overlay import (
    DRAWN_ZONE_RGB,
    ZONE_RGB,
    design_overlay,
    design_turntable,
    zone_rgb,
)
from smpstudio.render._head_overlay import (
    GRID_STEP_MM,
    TURNTABLE_AZIMUTHS_DEG,
    scalp_grid_overlay,
    turntable,
)
from smpstudio.render._head_view import (
    SKIN_RGB,
    render_camera_view,
    render_head_view,
    seen_surface,
    studio_camera,
)
from smpstudio.render._healed import (
    FALLBACK_PIGMENT,
    healed_preview,
    session_reflectance,
    varied_splats,
)
from smpstudio.render._pattern_figures import (
    CLOSE_UP_PX_PER_MM,
    density_heat_map,
    hairline_close_up,
    pair_correlation_plot,
)
from smpstudio.render._preview import (
    MIN_VISIBLE_DIAMETER_PX,
    render_preview,
    visible_impressions,
)
from smpstudio.render._session_figures import session_figure
from smpstudio.render._splats import Splats, footprint_matrices, project_splats
from smpstudio.render._stencil_pdf import SCALE_BAR_MM, design_stencil_pdf

__all__ = [
    "CLOSE_UP_PX_PER_MM",
    "DRAWN_ZONE_RGB",
    "FALLBACK_PIGMENT",
    "GRID_STEP_MM",
    "MIN_VISIBLE_DIAMETER_PX",
    "SCALE_BAR_MM",
    "SKIN_RGB",
    "TURNTABLE_AZIMUTHS_DEG",
    "ZONE_RGB",
    "Splats",
    "composite_splats",
    "density_heat_map",
    "design_overlay",
    "design_stencil_pdf",
    "design_turntable",
    "footprint_matrices",
    "hairline_close_up",
    "healed_preview",
    "pair_correlation_plot",
    "project_splats",
    "render_camera_view",
    "render_head_view",
    "render_preview",
    "scalp_grid_overlay",
    "seen_surface",
    "session_figure",
    "session_reflectance",
    "studio_camera",
    "turntable",
    "varied_splats",
    "visible_impressions",
    "zone_rgb",
]
