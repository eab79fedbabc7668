"""Render: the plan drawn onto the client's photos."""

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
    render_camera_view,
    render_head_view,
    seen_surface,
    studio_camera,
)
from smpstudio.render._preview import (
    MIN_VISIBLE_DIAMETER_PX,
    render_preview,
    visible_impressions,
)
from smpstudio.render._stencil_pdf import SCALE_BAR_MM, design_stencil_pdf

__all__ = [
    "DRAWN_ZONE_RGB",
    "GRID_STEP_MM",
    "MIN_VISIBLE_DIAMETER_PX",
    "SCALE_BAR_MM",
    "TURNTABLE_AZIMUTHS_DEG",
    "ZONE_RGB",
    "design_overlay",
    "design_stencil_pdf",
    "design_turntable",
    "render_camera_view",
    "render_head_view",
    "render_preview",
    "scalp_grid_overlay",
    "seen_surface",
    "studio_camera",
    "turntable",
    "visible_impressions",
    "zone_rgb",
]
