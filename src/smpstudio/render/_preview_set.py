"""Every picture of the preview (issue 9, item 4).

On each registered photo: the client before (remaining hair clipped to stubble, or long
hair kept) and after, side by side and as a pair for a slider; a strip of one image per
session; the healed look 1 and 5 years on. From the head model: a macro close-up of the
hairline at a stated scale on the client's skin colour and a turntable of the head. All of
them on one contact sheet, which says what the pictures are and are not.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from smpstudio._typing import FloatArray, ImageRGB
from smpstudio.client_text import SMP_DOES
from smpstudio.core import Design, HeadModel, Pattern, SessionPlan, View
from smpstudio.pigment import OpticalModel, PigmentCatalogue, lab_to_srgb8
from smpstudio.render._composite import apply_transmittance
from smpstudio.render._hair import clipped_hair
from smpstudio.render._head_overlay import TURNTABLE_AZIMUTHS_DEG
from smpstudio.render._head_view import photo_geometry, render_camera_view, studio_camera
from smpstudio.render._healed import (
    DEFAULT_RENDER,
    RenderModel,
    dot_layer,
    dot_variation,
    healed_preview,
    photo_dots,
    session_reflectance,
)
from smpstudio.render._pattern_figures import (
    CLOSE_UP_PX_PER_MM,
    CLOSE_UP_SIZE_MM,
    _close_up_frame,
    close_up_px,
)
from smpstudio.render._splats import Splats, _tangent_frames

PREVIEW_YEARS = (1.0, 5.0)
"""Years after healing shown (issue 9)."""
SCAN_CREDITS = {
    "LeePerrySmith": "Head: 'Infinite, 3D Head Scan' by Lee Perry-Smith, CC BY 3.0, "
    "based on a work at www.triplegangers.com",
}
"""Attribution owed by pictures of a licensed scan, by a name its file carries."""
PREVIEW_CAVEAT = (
    "Simulated preview from the plan and a pigment model with editable defaults (some "
    "unsourced), not a photograph. " + SMP_DOES[0].text
)
"""What every contact sheet says about its pictures."""
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_LABEL_PX = 26


@dataclass(frozen=True, slots=True)
class PlannedDots:
    """The dots a preview draws and what decides their look.

    Parameters
    ----------
    pattern : Pattern
        The impressions with their sessions.
    sessions : sequence of SessionPlan
        Each session's pigment and dilution.
    catalogue : PigmentCatalogue
        Pigment colours.
    model : OpticalModel
        The pigment model (``OpticalModel.from_defaults(plan.default_value)``).
    render : RenderModel
        How dots and stubble are drawn (``RenderModel.from_defaults(plan.default_value)``).
    seed : int
        Seed of the per-dot variation and the stubble.
    """

    pattern: Pattern
    sessions: Sequence[SessionPlan]
    catalogue: PigmentCatalogue
    model: OpticalModel
    render: RenderModel = DEFAULT_RENDER
    seed: int = 0


@dataclass(frozen=True, slots=True)
class PreviewLook:
    """What the client's own hair looks like in the pictures.

    Parameters
    ----------
    stubble_mm : float
        Length the remaining hair is clipped to, mm (``preview_stubble_mm``).
    keep_hair : bool
        Keep long hair (diffuse thinning): dots show only between hairs; nothing is clipped.
    """

    stubble_mm: float
    keep_hair: bool = False


def scan_credit(head: HeadModel) -> str | None:
    """The attribution a picture of this head model owes, if it comes from a licensed scan."""
    for name, credit in SCAN_CREDITS.items():
        if name.lower() in head.source.lower():
            return credit
    return None


def photo_previews(
    image: ImageRGB,
    view: View,
    head: HeadModel,
    design: Design,
    dots: PlannedDots,
    look: PreviewLook,
) -> dict[str, ImageRGB]:
    """The pictures of one photo.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo, upright sRGB.
    view : View
        Its analysis, with a registered camera.
    head : HeadModel
        The surface.
    design : Design
        Its hair share (stubble density); without one, or without a hair mask on the
        photo, nothing is clipped.
    dots : PlannedDots
        The impressions and their look.
    look : PreviewLook
        Stubble length or long hair kept.

    Returns
    -------
    dict of str to (h, w, 3) ndarray of uint8
        ``before`` and ``after`` (same size: a slider pair), ``before-after`` (side by
        side), ``sessions`` (healed after each session), ``fresh`` (the day of the first
        session), ``healed-1y`` and ``healed-5y``.
    """
    assert view.camera is not None
    geometry = photo_geometry(head, view.camera, view.width_px, view.height_px)
    if look.keep_hair or design.hair_share is None or "hair" not in view.masks:
        before = image  # nothing to clip (long hair kept, or no hair seen)
    else:
        before, _ = clipped_hair(
            image,
            view,
            head,
            design.hair_share,
            stubble_mm=look.stubble_mm,
            seed=dots.seed,
            render=dots.render,
            geometry=geometry,
        )

    def after(**kw: float | int | bool) -> ImageRGB:
        return healed_preview(
            before,
            view,
            head,
            dots.pattern,
            dots.sessions,
            dots.catalogue,
            dots.model,
            seed=dots.seed,
            keep_hair=look.keep_hair,
            render=dots.render,
            geometry=geometry,
            **kw,  # type: ignore[arg-type]
        )

    done = after()
    box = head_box(view, head)
    stubble = "long hair kept" if look.keep_hair else f"hair clipped to {look.stubble_mm:g} mm"
    out = {
        "before": before,
        "after": done,
        "before-after": labelled_row(
            [(before, f"before ({stubble})"), (done, "after, healed")], box
        ),
        "sessions": labelled_row(
            [
                (after(sessions_done=k), f"session {k} of {len(dots.sessions)}, healed")
                for k in range(1, len(dots.sessions) + 1)
            ],
            box,
        ),
        "fresh": labelled_row([(after(sessions_done=1, fresh=True), "day of session 1")], box),
    }
    for years in PREVIEW_YEARS:
        out[f"healed-{years:g}y"] = labelled_row(
            [(after(years=years), f"{years:g} year{'s' if years != 1 else ''} after healing")],
            box,
        )
    return out


def head_box(view: View, head: HeadModel) -> tuple[int, int, int, int]:
    """The part of a photo that shows the scalp, down to the eyes, with a margin.

    Parameters
    ----------
    view : View
        A photo with a registered camera.
    head : HeadModel
        The surface.

    Returns
    -------
    tuple of int
        ``(x0, y0, x1, y1)``, pixels.
    """
    assert view.camera is not None
    scalp = np.unique(head.faces[head.scalp_faces])
    xy, _ = view.camera.project(head.vertices_mm[scalp])
    w, h = view.width_px, view.height_px
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
    if not inside.any():
        return 0, 0, w, h
    (x0, y0), (x1, y1) = xy[inside].min(axis=0), xy[inside].max(axis=0)
    if view.landmarks_px is not None:  # down to the eyes, so the face is known
        y1 = max(y1, float(view.landmarks_px[:2, 1].max()))
    margin = 0.08 * max(x1 - x0, y1 - y0)
    return (
        int(max(x0 - margin, 0)),
        int(max(y0 - margin, 0)),
        int(min(x1 + margin, w)),
        int(min(y1 + margin, h)),
    )


def labelled_row(
    images: Sequence[tuple[ImageRGB, str]], box: tuple[int, int, int, int]
) -> ImageRGB:
    """Crops of ``box`` side by side, each at least 480 px high, with a label bar above.

    Parameters
    ----------
    images : sequence of (image, str)
        Pictures of one photo's size and their labels.
    box : tuple of int
        ``(x0, y0, x1, y1)`` to crop, pixels (e.g. :func:`head_box`).

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The row.
    """
    x0, y0, x1, y1 = box
    scale = max(1.0, 480.0 / max(y1 - y0, 1))
    tiles = []
    for image, label in images:
        crop = image[y0:y1, x0:x1]
        if scale > 1:
            crop = np.asarray(
                cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC),
                dtype=np.uint8,
            )
        tiles.append(_with_label(crop, label))
    return np.hstack(tiles)


def _with_label(image: ImageRGB, label: str) -> ImageRGB:
    bar = np.full((_LABEL_PX, image.shape[1], 3), 255, np.uint8)
    cv2.putText(bar, label, (6, 18), _FONT, 0.5, (20, 20, 20), 1, cv2.LINE_AA)
    return np.vstack([bar, image])


def hairline_macro(
    head: HeadModel,
    design: Design,
    dots: PlannedDots,
    skin_lab: Sequence[float],
    *,
    years: float = 0.0,
) -> ImageRGB:
    """The healed dots about the hairline's mid-frontal point at ``CLOSE_UP_PX_PER_MM``.

    Parameters
    ----------
    head : HeadModel
        The surface (the close-up's tangent plane and each dot's tilt to it).
    design : Design
        The hairline.
    dots : PlannedDots
        The impressions and their look.
    skin_lab : (3,) sequence of float
        The client's skin colour, CIELAB (the background).
    years : float, optional
        Years after healing.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        ``CLOSE_UP_SIZE_MM`` of the scalp's tangent plane at the mid-frontal point, the
        client's right on the left, up the scalp at the top, with a 5 mm scale bar: each dot
        its pigment disc blurred by the light the skin carries past it.
    """
    pattern, render = dots.pattern, dots.render
    origin, axes = _close_up_frame(head, design)
    width_mm, height_mm = CLOSE_UP_SIZE_MM
    w, h = int(width_mm * CLOSE_UP_PX_PER_MM), int(height_mm * CLOSE_UP_PX_PER_MM)
    near = np.flatnonzero(
        np.linalg.norm(pattern.positions_mm - origin, axis=1) < np.hypot(width_mm, height_mm)
    )
    xy = close_up_px(pattern.positions_mm[near], origin, axes)
    size, tone = dot_variation(pattern.positions_mm[near], dots.seed, render)
    diameter = (pattern.dot_diameter_mm[near] + render.spread_mm_per_year * years) * size
    # orthographic view down the plane's normal: x along ``across``, y down the scalp
    to_image = np.vstack([axes[0], -axes[1]]) * CLOSE_UP_PX_PER_MM
    m = footprint_matrices_orthographic(to_image, pattern.normals[near], diameter)
    splats = Splats(
        near,
        xy,
        m @ np.transpose(m, (0, 2, 1)) / 4.0,
        np.pi * np.abs(np.linalg.det(m)),
        np.ones(len(near)),
    )
    ratios = session_reflectance(dots.sessions, dots.catalogue, skin_lab, dots.model, years=years)
    layer = dot_layer(splats, diameter, 1.0 - ratios[pattern.session[near]], tone, render)
    skin = np.asarray(lab_to_srgb8(skin_lab), dtype=np.uint8)
    image = np.broadcast_to(skin, (h, w, 3)).copy()
    transmit = np.ones((h, w, 3), np.float32)
    layer.composite(transmit)
    out = apply_transmittance(image, transmit)
    bar = int(5 * CLOSE_UP_PX_PER_MM)
    cv2.line(out, (20, h - 20), (20 + bar, h - 20), (255, 255, 255), 3)
    cv2.putText(out, "5 mm", (20, h - 30), _FONT, 0.6, (255, 255, 255), 1, cv2.LINE_AA)
    labelled = _with_label(
        out,
        f"hairline, healed, {CLOSE_UP_PX_PER_MM:g} px/mm on the client's skin colour "
        f"(dots {np.median(pattern.dot_diameter_mm[near]) if len(near) else 0:.2f} mm "
        "and the glow of light the skin carries past them)",
    )
    return _credited(labelled, head)


def _credited(image: ImageRGB, head: HeadModel) -> ImageRGB:
    """The picture with the scan's attribution under it, if the head is a licensed scan."""
    credit = scan_credit(head)
    if credit is None:
        return image
    return np.vstack([image, _text_bar(credit, image.shape[1], 0.45)])


def footprint_matrices_orthographic(
    to_image: FloatArray, normals: FloatArray, diameter_mm: FloatArray
) -> FloatArray:
    """(n, 2, 2) image ellipses of dots seen by an orthographic view.

    Parameters
    ----------
    to_image : (2, 3) ndarray of float
        Head-frame millimetres to image pixels (rows: image x and y directions times the
        scale).
    normals : (n, 3) ndarray of float
        Dot normals.
    diameter_mm : (n,) ndarray of float
        Dot diameters.

    Returns
    -------
    (n, 2, 2) ndarray of float
        ``M = P·[t₁ t₂]·d/2`` as :func:`footprint_matrices` with ``P`` in place of the
        perspective Jacobian.
    """
    t1, t2 = _tangent_frames(normals)
    tangents = np.stack([t1, t2], axis=2) * (diameter_mm / 2)[:, None, None]
    return np.asarray(to_image[None] @ tangents)


def healed_turntable(
    head: HeadModel,
    dots: PlannedDots,
    skin_lab: Sequence[float],
    *,
    tile_px: int = 320,
) -> ImageRGB:
    """The healed plan on the head model from eight sides, seen from 10° above.

    Parameters
    ----------
    head : HeadModel
        The head model.
    dots : PlannedDots
        The impressions and their look.
    skin_lab : (3,) sequence of float
        The client's skin colour, CIELAB.
    tile_px : int, optional
        Side of each view, pixels.

    Returns
    -------
    (2·tile_px + label, 4·tile_px, 3) ndarray of uint8
        Front, front-right, right, back-right / back, back-left, left, front-left (the
        client's sides), each through a studio camera at 700 mm with a 70 mm lens.
    """
    ratios = session_reflectance(dots.sessions, dots.catalogue, skin_lab, dots.model)
    r, g, b = (float(c) / 255.0 for c in lab_to_srgb8(skin_lab))
    tiles = []
    for azimuth in TURNTABLE_AZIMUTHS_DEG:
        camera = studio_camera(
            tile_px, tile_px, azimuth_deg=float(azimuth), elevation_deg=10.0, focal_35mm=70.0
        )
        geometry = photo_geometry(head, camera, tile_px, tile_px)
        image, _ = render_camera_view(
            head,
            camera,
            tile_px,
            tile_px,
            background_rgb=(235, 235, 235),
            skin_rgb=(r, g, b),
            geometry=geometry,
        )
        hidden = ~geometry.scalp(head)
        layer = photo_dots(
            head,
            camera,
            tile_px,
            tile_px,
            dots.pattern,
            ratios,
            sessions_done=len(dots.sessions),
            seed=dots.seed,
            hidden=hidden,
            depth=geometry.depth,
            render=dots.render,
        )
        transmit = np.ones(image.shape, np.float32)
        layer.composite(transmit)
        transmit[hidden] = 1.0
        tiles.append(apply_transmittance(image, transmit))
    grid = np.vstack([np.hstack(tiles[:4]), np.hstack(tiles[4:])])
    return _credited(_with_label(grid, "head model, healed plan, from eight sides"), head)


def contact_sheet(
    pictures: Mapping[str, ImageRGB],
    *,
    title: str,
    notes: Sequence[str] = (),
    credit: str | None = None,
    width_px: int = 1600,
) -> ImageRGB:
    """All pictures of a preview on one sheet, with what they are and are not.

    Parameters
    ----------
    pictures : mapping of str to (h, w, 3) ndarray of uint8
        Name to picture, in order.
    title : str
        First line (the plan).
    notes : sequence of str, optional
        Lines printed under the caveat (e.g. the unsourced defaults used).
    credit : str, optional
        Attribution owed by a scanned head shown on the sheet.
    width_px : int, optional
        Sheet width; each picture is scaled to fit it.

    Returns
    -------
    (h, width_px, 3) ndarray of uint8
    """
    rows = [_text_bar(title, width_px, 0.7), _text_bar(PREVIEW_CAVEAT, width_px, 0.45)]
    rows += [_text_bar(note, width_px, 0.45) for note in notes]
    for name, picture in pictures.items():
        scale = min(1.0, width_px / picture.shape[1])
        scaled = cv2.resize(picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        pad = np.full((scaled.shape[0], width_px - scaled.shape[1], 3), 255, np.uint8)
        rows += [_text_bar(name, width_px, 0.55), np.hstack([scaled, pad])]
    if credit is not None:
        rows.append(_text_bar(credit, width_px, 0.45))
    return np.vstack(rows)


def _text_bar(text: str, width_px: int, scale: float) -> ImageRGB:
    """White bar with the text wrapped to the width."""
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if cv2.getTextSize(trial, _FONT, scale, 1)[0][0] > width_px - 20 and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    step = int(32 * scale) + 8
    bar = np.full((step * len(lines) + 8, width_px, 3), 255, np.uint8)
    for k, text_line in enumerate(lines):
        cv2.putText(
            bar, text_line, (10, step * (k + 1)), _FONT, scale, (20, 20, 20), 1, cv2.LINE_AA
        )
    return bar
