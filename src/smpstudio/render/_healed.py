"""The plan's dots on a client's photo as they will look: fresh, healed, years later.

Each impression's colour comes from the pigment model (``smpstudio.pigment``): its
session's pigment and dilution on the client's skin, fresh or healed and faded. The photo
keeps its own light: a dot multiplies the pixels it covers by its reflectance over the
skin's (:func:`composite_splats`).
"""

from collections.abc import Sequence

import numpy as np

from smpstudio._typing import FloatArray, ImageRGB
from smpstudio.core import HeadModel, Pattern, SessionPlan, View
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.pigment import OpticalModel, PigmentCatalogue, dot_lab, lab_to_linear_rgb
from smpstudio.render._composite import composite_splats
from smpstudio.render._splats import Splats, project_splats

FALLBACK_PIGMENT = "carbon-black"
"""Pigment drawn for sessions that name none (no hair colour was known)."""


def session_reflectance(
    sessions: Sequence[SessionPlan],
    catalogue: PigmentCatalogue,
    skin_lab: Sequence[float],
    model: OpticalModel,
    *,
    fresh: bool = False,
    years: float = 0.0,
    sun_exposure: float = 1.0,
) -> FloatArray:
    """(sessions, 3) dot reflectance over skin reflectance, per session and channel.

    Parameters
    ----------
    sessions : sequence of SessionPlan
        The sessions (pigment and dilution; the catalogue's carbon black where none).
    catalogue : PigmentCatalogue
        Stock colours.
    skin_lab : (3,) sequence of float
        Skin colour of the photo, CIELAB.
    model : OpticalModel
        The dot model.
    fresh : bool, optional
        The day of the session (no veil, all pigment) instead of healed.
    years : float, optional
        Years after healing.
    sun_exposure : float, optional
        1 average.

    Returns
    -------
    (sessions, 3) ndarray of float
        Ratios in 0–1 (a dot never lightens the skin).
    """
    skin = lab_to_linear_rgb(skin_lab)
    ratios = []
    for s in sessions:
        pigment = catalogue.pigment(s.pigment_id or FALLBACK_PIGMENT)
        lab = dot_lab(
            pigment.base_lab,
            s.dilution_water_parts,
            skin_lab,
            model,
            healed=not fresh,
            years=years,
            sun_exposure=sun_exposure,
        )
        ratios.append(np.clip(lab_to_linear_rgb(lab) / skin, 0.0, 1.0))
    return np.asarray(ratios)


def varied_splats(splats: Splats, rng: np.random.Generator) -> tuple[Splats, FloatArray]:
    """Each dot a little different: size scaled and darkness factor drawn per dot.

    Returns the splats with sizes varied by ``preview_size_variation`` (SD, relative) and
    a (m,) factor on each dot's darkening with SD ``preview_tone_variation``.
    """
    m = len(splats)
    size = np.clip(1.0 + rng.normal(0.0, DEFAULTS["preview_size_variation"].value, m), 0.5, 1.5)
    tone = np.clip(1.0 + rng.normal(0.0, DEFAULTS["preview_tone_variation"].value, m), 0.5, 1.5)
    varied = Splats(
        splats.rows,
        splats.centre_px,
        splats.moment_px2 * (size**2)[:, None, None],
        splats.area_px2 * size**2,
        splats.cos_view,
    )
    return varied, tone


def healed_preview(
    image: ImageRGB,
    view: View,
    head: HeadModel,
    pattern: Pattern,
    sessions: Sequence[SessionPlan],
    catalogue: PigmentCatalogue,
    model: OpticalModel,
    *,
    sessions_done: int | None = None,
    fresh: bool = False,
    years: float = 0.0,
    seed: int = 0,
) -> ImageRGB:
    """The photo with the dots of the first ``sessions_done`` sessions.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo, upright sRGB.
    view : View
        Its analysis, with a camera registered to the head.
    head : HeadModel
        The surface (occlusion).
    pattern : Pattern
        The impressions with their sessions.
    sessions : sequence of SessionPlan
        The sessions (shades).
    catalogue : PigmentCatalogue
        Stock colours of the pigments.
    model : OpticalModel
        The dot model.
    sessions_done : int, optional
        How many sessions (default all).
    fresh : bool, optional
        On the day of the last session: fresh dots (larger by the healing shrink, full
        pigment, a reddened surround) for that session, healed ones before it.
    years : float, optional
        Years after healing (fading, spread).
    seed : int, optional
        Seed of the per-dot variation.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        A new image.

    Raises
    ------
    PlanValidationError
        If the view has no camera or the image is not the view's size.
    """
    if view.camera is None:
        raise PlanValidationError(f"view '{view.name}' has no camera; run the head stage first")
    view.check_image(image)
    done = len(sessions) if sessions_done is None else sessions_done
    grown = pattern
    if years > 0:
        spread = DEFAULTS["dot_spread_mm_per_year"].value * years
        grown = Pattern(
            pattern.positions_mm,
            pattern.normals,
            pattern.dot_diameter_mm + spread,
            pattern.fu_id,
            pattern.zone_id,
            pattern.session,
        )
    splats = project_splats(
        head,
        view.camera,
        grown,
        view.width_px,
        view.height_px,
        background=view.masks.get("background"),
    )
    keep = pattern.session[splats.rows] < done
    splats = splats.subset(keep)
    splats, tone = varied_splats(splats, np.random.default_rng(seed))
    healed = session_reflectance(sessions, catalogue, view.skin_lab, model, years=years)
    ratio = healed[pattern.session[splats.rows]]
    if fresh and done > 0:
        today = pattern.session[splats.rows] == done - 1
        new = session_reflectance(sessions, catalogue, view.skin_lab, model, fresh=True)
        ratio[today] = new[done - 1]
        grow = 1.0 / DEFAULTS["healed_dot_shrink"].value
        splats = Splats(
            splats.rows,
            splats.centre_px,
            np.where(today[:, None, None], splats.moment_px2 * grow**2, splats.moment_px2),
            np.where(today, splats.area_px2 * grow**2, splats.area_px2),
            splats.cos_view,
        )
        image = _reddened(image, splats, today)
    darkening = np.clip((1.0 - ratio) * tone[:, None], 0.0, 1.0)
    return composite_splats(image, splats, 1.0 - darkening)


def _reddened(image: ImageRGB, splats: Splats, today: np.ndarray) -> ImageRGB:
    """A faint red halo around fresh dots (``fresh_redness``, unsourced)."""
    fresh = splats.subset(today)
    reach = DEFAULTS["fresh_redness_reach"].value
    halo = Splats(
        fresh.rows,
        fresh.centre_px,
        fresh.moment_px2 * reach**2,
        fresh.area_px2 * reach**2,
        fresh.cos_view,
    )
    strength = DEFAULTS["fresh_redness"].value
    ratio = np.tile([1.0, 1.0 - strength, 1.0 - strength], (len(halo), 1))
    return composite_splats(image, halo, ratio)
