"""Render: the plan drawn onto the client's photos."""

from smpstudio.render._preview import (
    MIN_VISIBLE_DIAMETER_PX,
    render_preview,
    visible_impressions,
)

__all__ = ["MIN_VISIBLE_DIAMETER_PX", "render_preview", "visible_impressions"]
