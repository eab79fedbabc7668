"""Render: the plan drawn onto the client's photos."""

from smpstudio.render._head_view import render_head_view, view_rotation
from smpstudio.render._preview import (
    MIN_VISIBLE_DIAMETER_PX,
    render_preview,
    visible_impressions,
)

__all__ = [
    "MIN_VISIBLE_DIAMETER_PX",
    "render_head_view",
    "render_preview",
    "view_rotation",
    "visible_impressions",
]
